package bot

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// WebhookSecretHeader is the header in which Telegram sends the secret
// token given to setWebhook.
const WebhookSecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// UpdateClaims records which replica took an update, so that an update
// Telegram delivers twice (its first 200 lost) to two replicas is handled
// once: housing.StateStore implements it.
type UpdateClaims interface {
	// ClaimState sets key only if it is absent and reports whether this
	// call set it.
	ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
}

// updateClaimTTL is how long an update's claim is kept: Telegram keeps an
// undelivered update for 24 hours.
const updateClaimTTL = 24 * time.Hour

// WebhookConfig tunes a Webhook; zero fields take the defaults.
type WebhookConfig struct {
	// MaxBody bounds a request's body (1 MiB); a larger one gets 413.
	MaxBody int64
	// Queue is how many accepted updates wait for a lane (1024); beyond
	// it requests get 503, and Telegram delivers them again later.
	Queue int
	// Lanes, LaneQueue and HandlerTimeout are as in PollerConfig (8, 32,
	// 2 min).
	Lanes          int
	LaneQueue      int
	HandlerTimeout time.Duration
	// GapWait is how long an update_id skipped by a later one is awaited
	// before the watermark passes it (1 min): Telegram may deliver
	// updates out of order over parallel connections.
	GapWait time.Duration
	// Claims, when set, makes an update run once across replicas that
	// share it (Redis): each update is claimed under "bot:update:<id>"
	// before it is handled. Without it an update is handled once per
	// replica that receives it.
	Claims UpdateClaims
	// Clock tells the time for GapWait (SystemClock()).
	Clock Clock
}

func (c WebhookConfig) withDefaults() WebhookConfig {
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	c.Queue = orDefault(c.Queue, 1024)
	c.Lanes = orDefault(c.Lanes, 8)
	c.LaneQueue = orDefault(c.LaneQueue, 32)
	c.HandlerTimeout = orDefault(c.HandlerTimeout, 2*time.Minute)
	c.GapWait = orDefault(c.GapWait, time.Minute)
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	return c
}

// Webhook receives the updates Telegram pushes (setWebhook): an
// http.Handler for the webhook's path, and Run, which handles what it
// accepted.
//
// A request must carry the secret token in WebhookSecretHeader (compared in
// constant time): without it, or with another, the answer is 401 and
// nothing is processed. A body over MaxBody gets 413, one that is not an
// update 400. An update is answered 200 at once and queued; Run hands it to
// the same lanes as the Poller (one chat's updates in order, chats in
// parallel) with the same tracking: an update_id seen before is dropped,
// and the watermark of handled updates is saved in the OffsetStore. A full
// queue, or a stopping Webhook, answers 503 so that Telegram delivers the
// update again later. Updates already answered 200 are handled before Run
// returns; a crash loses them (at most Queue of them).
type Webhook struct {
	secret  []byte
	handle  UpdateHandler
	offsets OffsetStore
	logger  *slog.Logger
	cfg     WebhookConfig
	queue   chan tgbotapi.Update

	mu     sync.RWMutex
	closed bool // Run returned: no more updates are accepted

	last atomic.Int64 // unix nanoseconds of the last update accepted
}

// NewWebhook returns a Webhook that accepts requests carrying secret and
// hands their updates to handle; offsets keeps the watermark (shared with
// the Poller). The secret must be 1-256 characters of A-Z, a-z, 0-9, _
// and -, as setWebhook requires.
func NewWebhook(secret string, handle UpdateHandler, offsets OffsetStore, logger *slog.Logger, cfg WebhookConfig) (*Webhook, error) {
	if !ValidWebhookSecret(secret) {
		return nil, errors.New("bot: webhook secret: want 1-256 characters of A-Z, a-z, 0-9, _ and -")
	}
	cfg = cfg.withDefaults()
	return &Webhook{secret: []byte(secret), handle: handle, offsets: offsets, logger: logger, cfg: cfg,
		queue: make(chan tgbotapi.Update, cfg.Queue)}, nil
}

// ValidWebhookSecret reports whether s is a secret token setWebhook takes.
func ValidWebhookSecret(s string) bool {
	if len(s) == 0 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// LastUpdate returns when an update was last accepted, or the zero time.
func (w *Webhook) LastUpdate() time.Time {
	n := w.last.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// ServeHTTP accepts one update pushed by Telegram. It never logs the body.
func (w *Webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		rw.Header().Set("Allow", http.MethodPost)
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(WebhookSecretHeader)), w.secret) != 1 {
		w.logger.DebugContext(r.Context(), "bot: webhook request without the secret token", slog.String("remote", r.RemoteAddr))
		http.Error(rw, "unauthorized", http.StatusUnauthorized)
		return
	}
	u, status := w.decode(rw, r)
	if status != http.StatusOK {
		http.Error(rw, http.StatusText(status), status)
		return
	}
	if !w.enqueue(u) {
		rw.Header().Set("Retry-After", "1")
		http.Error(rw, "busy", http.StatusServiceUnavailable)
		return
	}
	w.last.Store(w.cfg.Clock.Now().UnixNano())
	rw.WriteHeader(http.StatusOK)
}

// decode reads the update in the body, with its size bounded.
func (w *Webhook) decode(rw http.ResponseWriter, r *http.Request) (tgbotapi.Update, int) {
	var u tgbotapi.Update
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, w.cfg.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return u, http.StatusRequestEntityTooLarge
	case err != nil:
		return u, http.StatusBadRequest
	}
	if err := json.Unmarshal(body, &u); err != nil || u.UpdateID <= 0 {
		return u, http.StatusBadRequest
	}
	return u, http.StatusOK
}

// enqueue queues u unless the Webhook stopped or the queue is full.
func (w *Webhook) enqueue(u tgbotapi.Update) bool {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		return false
	}
	select {
	case w.queue <- u:
		return true
	default:
		w.logger.Warn("bot: webhook queue full; Telegram will deliver again", slog.Int("update_id", u.UpdateID))
		return false
	}
}

// Run handles the queued updates until ctx ends. Then it refuses new ones
// (503), handles those already accepted, saves the watermark and returns
// nil. It returns an error at once if the offset cannot be read.
func (w *Webhook) Run(ctx context.Context) error {
	defer w.close()
	saved, err := w.offsets.Offset(ctx)
	if err != nil {
		return fmt.Errorf("bot: webhook: read offset: %w", err)
	}
	t := newOutOfOrderTracker(saved, w.cfg.GapWait, w.cfg.Clock.Now)
	d := startDispatcher(ctx, t, w.offsets, w.handleOnce, w.logger,
		dispatchConfig{lanes: w.cfg.Lanes, queue: w.cfg.LaneQueue, timeout: w.cfg.HandlerTimeout})
	// Accepted updates were answered 200: they are handled even when ctx
	// ends while a lane is full.
	dctx := context.WithoutCancel(ctx)
	w.logger.Info("bot: receiving updates by webhook", slog.Int64("offset", saved+1))
	for done := false; !done; {
		select {
		case u := <-w.queue:
			_, _ = d.dispatch(dctx, u)
		case <-ctx.Done():
			done = true
		}
	}
	w.close()
	for more := true; more; {
		select {
		case u := <-w.queue:
			_, _ = d.dispatch(dctx, u)
		default:
			more = false
		}
	}
	d.stop()
	return nil
}

// close makes ServeHTTP refuse updates; after it returns none is queued.
func (w *Webhook) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
}

// handleOnce runs the handler unless another replica claimed u.
func (w *Webhook) handleOnce(ctx context.Context, u tgbotapi.Update) {
	if w.cfg.Claims != nil {
		key := "bot:update:" + strconv.Itoa(u.UpdateID)
		ok, err := w.cfg.Claims.ClaimState(ctx, key, []byte("1"), updateClaimTTL)
		switch {
		case err != nil:
			// Handling it twice is better than losing it.
			w.logger.Warn("bot: claim update", slog.Int("update_id", u.UpdateID), slog.Any("err", err))
		case !ok:
			w.logger.Debug("bot: update taken by another replica", slog.Int("update_id", u.UpdateID))
			return
		}
	}
	w.handle(ctx, u)
}
