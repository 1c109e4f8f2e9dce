package bot

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// UpdateHandler handles one update. The poller calls it for the updates of
// one chat one at a time, in update_id order, and for different chats in
// parallel. ctx is not cancelled when the poller stops (so that an update in
// progress completes) but ends after PollerConfig.HandlerTimeout.
type UpdateHandler func(ctx context.Context, u tgbotapi.Update)

// OffsetStore persists the poller's progress between runs.
type OffsetStore interface {
	// Offset returns the saved watermark: the highest update_id such that it
	// and every update before it were handled; 0 when nothing was saved.
	Offset(ctx context.Context) (int64, error)
	// SaveOffset saves id as the watermark. Calls come with increasing ids.
	SaveOffset(ctx context.Context, id int64) error
}

// PollerConfig tunes a Poller; zero fields take the defaults.
type PollerConfig struct {
	// Timeout is the getUpdates long-poll timeout (DefaultPollTimeout),
	// capped to 5 s below the client's HTTP timeout.
	Timeout time.Duration
	// Limit is the number of updates per getUpdates, at most 100 (100).
	Limit int
	// AllowedUpdates are the update kinds asked for (AllowedUpdates()).
	AllowedUpdates []string
	// Lanes is how many chats are handled in parallel (8): a chat always
	// goes to the same lane.
	Lanes int
	// LaneQueue is how many updates wait per lane before polling pauses (32).
	LaneQueue int
	// HandlerTimeout bounds one UpdateHandler call (2 min).
	HandlerTimeout time.Duration
	// MinBackoff and MaxBackoff bound the exponential backoff after a failed
	// getUpdates (1 s, 1 min); a 429 waits its retry_after instead.
	MinBackoff, MaxBackoff time.Duration
	// RefetchDelay is the longest pause before polling again when Telegram
	// answered only updates still in progress (500 ms).
	RefetchDelay time.Duration
	// Clock sleeps the backoff (SystemClock()).
	Clock Clock
}

func (c PollerConfig) withDefaults(httpTimeout time.Duration) PollerConfig {
	c.Timeout = orDefault(c.Timeout, DefaultPollTimeout)
	if httpTimeout > 0 && c.Timeout > httpTimeout-5*time.Second {
		c.Timeout = max(httpTimeout-5*time.Second, time.Second)
	}
	if c.Limit <= 0 || c.Limit > 100 {
		c.Limit = 100
	}
	if c.AllowedUpdates == nil {
		c.AllowedUpdates = AllowedUpdates()
	}
	c.Lanes = orDefault(c.Lanes, 8)
	c.LaneQueue = orDefault(c.LaneQueue, 32)
	c.HandlerTimeout = orDefault(c.HandlerTimeout, 2*time.Minute)
	c.MinBackoff = orDefault(c.MinBackoff, time.Second)
	c.MaxBackoff = max(orDefault(c.MaxBackoff, time.Minute), c.MinBackoff)
	c.RefetchDelay = orDefault(c.RefetchDelay, 500*time.Millisecond)
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	return c
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Poller long-polls getUpdates and dispatches the updates to a handler.
//
// Delivery: the offset confirmed to Telegram and saved in the OffsetStore is
// the watermark of handled updates, never beyond an update in progress, so
// a crash loses nothing: the updates after the watermark come again. What a
// crash can repeat is an update handled after the watermark (in another
// chat's lane, or whose save did not happen). A stop through ctx finishes
// every update already dispatched and saves the watermark, so the next run
// neither loses nor repeats one. Because Telegram re-sends updates not yet
// confirmed, a slow handler makes the poller re-fetch them; it then waits
// for a handler to finish (at most RefetchDelay) before polling again.
type Poller struct {
	client *Client
	store  OffsetStore
	handle UpdateHandler
	logger *slog.Logger
	cfg    PollerConfig

	lastPoll atomic.Int64 // unix nanoseconds of the last successful getUpdates
}

// LastPoll returns when getUpdates last answered, or the zero time.
func (p *Poller) LastPoll() time.Time {
	n := p.lastPoll.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// NewPoller returns a Poller; run it with Run.
func NewPoller(c *Client, store OffsetStore, handle UpdateHandler, logger *slog.Logger, cfg PollerConfig) *Poller {
	return &Poller{client: c, store: store, handle: handle, logger: logger, cfg: cfg.withDefaults(c.HTTPTimeout())}
}

// Run polls until ctx ends, then finishes the updates dispatched, saves the
// watermark and returns nil. It returns an error at once if the offset
// cannot be read, or if Telegram refuses the token (401, 404).
func (p *Poller) Run(ctx context.Context) error {
	saved, err := p.store.Offset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it started: nothing to finish
		}
		return fmt.Errorf("bot: poller: read offset: %w", err)
	}
	d := startDispatcher(ctx, newTracker(saved), p.store, p.handle, p.logger,
		dispatchConfig{lanes: p.cfg.Lanes, queue: p.cfg.LaneQueue, timeout: p.cfg.HandlerTimeout})
	p.logger.Info("bot: polling for updates", slog.Int64("offset", saved+1))
	err = p.poll(ctx, d)
	d.stop()
	p.lastPoll.Store(0) // not polling: LastPoll is zero again
	return err
}

func (p *Poller) poll(ctx context.Context, d *dispatcher) error {
	cfg := p.cfg
	failures := 0
	for ctx.Err() == nil {
		ups, err := p.client.GetUpdates(ctx, tgbotapi.UpdateConfig{Offset: int(d.t.watermark() + 1),
			Limit: cfg.Limit, Timeout: int(cfg.Timeout / time.Second), AllowedUpdates: cfg.AllowedUpdates})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if code := apiCode(err); code == http.StatusUnauthorized || code == http.StatusNotFound {
				return fmt.Errorf("bot: poller: %w", err)
			}
			failures++
			wait, ok := RetryAfter(err)
			if !ok {
				wait = backoff(failures, cfg.MinBackoff, cfg.MaxBackoff)
			}
			p.logger.Warn("bot: getUpdates failed", slog.Any("err", err),
				slog.Int("failures", failures), slog.Duration("retry_in", wait))
			_ = cfg.Clock.Sleep(ctx, wait)
			continue
		}
		failures = 0
		p.lastPoll.Store(cfg.Clock.Now().UnixNano())
		fresh := 0
		for _, u := range ups {
			added, err := d.dispatch(ctx, u)
			if err != nil {
				return nil // u stays "in progress": the watermark stays below it
			}
			if added {
				fresh++
			}
		}
		if fresh == 0 && len(ups) > 0 {
			d.t.waitProgress(ctx, cfg.RefetchDelay)
		}
	}
	return nil
}

func apiCode(err error) int {
	if ae, ok := asAPIError(err); ok {
		return ae.Code
	}
	return 0
}

// dispatchConfig sizes a dispatcher.
type dispatchConfig struct {
	lanes, queue int           // goroutines, and updates waiting per lane
	timeout      time.Duration // bound of one handler call
}

// dispatcher runs the handler for the updates of one Poller or Webhook run:
// a fixed set of lanes, a chat always in the same lane (its updates in
// order, different chats in parallel), the tracker of updates in progress,
// and the saved watermark.
type dispatcher struct {
	t      *tracker
	store  OffsetStore
	handle UpdateHandler
	logger *slog.Logger
	cfg    dispatchConfig
	hctx   context.Context // the handlers': not cancelled with the run
	lanes  []chan tgbotapi.Update
	wg     sync.WaitGroup

	saveMu sync.Mutex
	saved  int64
}

// startDispatcher starts the lanes; t starts at the saved watermark.
func startDispatcher(ctx context.Context, t *tracker, store OffsetStore, handle UpdateHandler, logger *slog.Logger, cfg dispatchConfig) *dispatcher {
	d := &dispatcher{t: t, store: store, handle: handle, logger: logger, cfg: cfg, saved: t.watermark(),
		hctx: context.WithoutCancel(ctx), lanes: make([]chan tgbotapi.Update, cfg.lanes)}
	for i := range d.lanes {
		d.lanes[i] = make(chan tgbotapi.Update, cfg.queue)
		d.wg.Go(func() {
			for u := range d.lanes[i] {
				d.run(u)
			}
		})
	}
	return d
}

// dispatch hands u to its lane and reports true, or false when u was
// dispatched before. It waits while the lane is full; if ctx ends first it
// returns ctx's error and u stays "in progress", holding the watermark
// below it.
func (d *dispatcher) dispatch(ctx context.Context, u tgbotapi.Update) (bool, error) {
	if !d.t.add(int64(u.UpdateID)) {
		return false, nil
	}
	select {
	case d.lanes[laneOf(u, len(d.lanes))] <- u:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// stop waits for every update dispatched and saves the watermark.
func (d *dispatcher) stop() {
	for _, l := range d.lanes {
		close(l)
	}
	d.wg.Wait()
	d.save(d.hctx, d.t.watermark())
}

// run runs the handler for u, then advances and saves the watermark.
func (d *dispatcher) run(u tgbotapi.Update) {
	defer func() {
		if v := recover(); v != nil {
			// The update counts as handled: re-running it would panic again.
			d.logger.Error("bot: update handler panicked", slog.Int("update_id", u.UpdateID),
				slog.String("panic", panicText(v)), slog.String("stack", string(debug.Stack())))
		}
		if wm, advanced := d.t.done(int64(u.UpdateID)); advanced {
			d.save(d.hctx, wm)
		}
	}()
	hctx, cancel := context.WithTimeout(d.hctx, d.cfg.timeout)
	defer cancel()
	d.handle(hctx, u)
}

// save persists wm if it is beyond what was saved.
func (d *dispatcher) save(ctx context.Context, wm int64) {
	d.saveMu.Lock()
	defer d.saveMu.Unlock()
	if wm <= d.saved {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.store.SaveOffset(ctx, wm); err != nil {
		// The next save covers it; until then a crash repeats these updates.
		d.logger.Warn("bot: save update offset", slog.Int64("offset", wm), slog.Any("err", err))
		return
	}
	d.saved = wm
}

// laneOf maps the chat of u to a lane, so that one chat's updates are
// handled in order.
func laneOf(u tgbotapi.Update, n int) int {
	var key int64
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		key = u.Message.Chat.ID
	case u.EditedMessage != nil && u.EditedMessage.Chat != nil:
		key = u.EditedMessage.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message != nil && u.CallbackQuery.Message.Chat != nil:
		key = u.CallbackQuery.Message.Chat.ID
	case u.SentFrom() != nil:
		key = u.SentFrom().ID
	case u.MyChatMember != nil:
		key = u.MyChatMember.Chat.ID
	}
	h := uint64(key) * 0x9E3779B97F4A7C15 // Fibonacci hashing spreads nearby ids
	return int((h >> 32) % uint64(n))
}

// tracker knows which dispatched updates are still in progress.
//
// getUpdates answers in update_id order, so an id below the highest one
// dispatched was dispatched before or never existed. Webhook requests may
// come out of order: an outOfOrder tracker remembers the ids a later one
// skipped (at most maxGap) and accepts them until gapWait has passed,
// holding the watermark below them meanwhile.
type tracker struct {
	mu         sync.Mutex
	dispatched int64 // highest update_id dispatched (or saved at start)
	inflight   map[int64]bool
	missing    map[int64]time.Time // skipped ids that may still come, until when
	gapWait    time.Duration       // 0: ids come in order
	now        func() time.Time
	progress   chan struct{} // signalled when an update is done
}

// maxGap bounds the skipped ids an outOfOrder tracker waits for: a longer
// jump is Telegram starting a new sequence, not updates in flight.
const maxGap = 1000

func newTracker(saved int64) *tracker {
	return &tracker{dispatched: saved, inflight: map[int64]bool{}, missing: map[int64]time.Time{},
		progress: make(chan struct{}, 1)}
}

// newOutOfOrderTracker returns a tracker that waits gapWait for skipped ids.
func newOutOfOrderTracker(saved int64, gapWait time.Duration, now func() time.Time) *tracker {
	t := newTracker(saved)
	t.gapWait, t.now = gapWait, now
	return t
}

// add marks id in progress; false if it was dispatched before.
func (t *tracker) add(id int64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if id <= t.dispatched {
		if _, ok := t.missing[id]; !ok {
			return false
		}
		delete(t.missing, id)
		t.inflight[id] = true
		return true
	}
	if t.gapWait > 0 && id-t.dispatched <= maxGap {
		until := t.now().Add(t.gapWait)
		for skipped := t.dispatched + 1; skipped < id; skipped++ {
			t.missing[skipped] = until
		}
	}
	t.dispatched = id
	t.inflight[id] = true
	return true
}

// done marks id handled and returns the watermark and whether it moved.
func (t *tracker) done(id int64) (int64, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	before := t.watermarkLocked()
	delete(t.inflight, id)
	select {
	case t.progress <- struct{}{}:
	default:
	}
	after := t.watermarkLocked()
	return after, after > before
}

// watermark is the highest id with every dispatched id up to it handled.
func (t *tracker) watermark() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.watermarkLocked()
}

func (t *tracker) watermarkLocked() int64 {
	wm := t.dispatched
	for id := range t.inflight {
		wm = min(wm, id-1)
	}
	if len(t.missing) == 0 {
		return wm
	}
	now := t.now()
	for id, until := range t.missing {
		if now.After(until) {
			delete(t.missing, id) // given up: the watermark may pass it
			continue
		}
		wm = min(wm, id-1)
	}
	return wm
}

// waitProgress waits until an update is done, ctx ends or d passes.
func (t *tracker) waitProgress(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-t.progress:
	case <-ctx.Done():
	case <-timer.C:
	}
}

// backoff returns the wait before retry number attempt (1, 2, ...):
// exponential from lo, capped at hi, with jitter in its upper half.
func backoff(attempt int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 1; i < attempt && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + rand.N(d/2+1)
}

// panicText describes a recovered panic for the log without its value,
// which could carry what someone wrote: a runtime error's own message
// (index out of range, nil map...) is safe, anything else only by type.
func panicText(v any) string {
	if re, ok := v.(runtime.Error); ok {
		return re.Error()
	}
	return fmt.Sprintf("panic(%T)", v)
}
