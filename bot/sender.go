package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"
)

const (
	// MaxTextLen is Telegram's limit on a message's visible text.
	MaxTextLen = 4096
	// MaxCaptionLen is Telegram's limit on a caption's visible text.
	MaxCaptionLen = 1024
)

// ErrBlocked means the recipient cannot be reached: they blocked the bot,
// or Telegram answered 403 for another reason. The Sender sends nothing more
// to that chat until Unblock.
var ErrBlocked = errors.New("bot: recipient unreachable")

// errLeaseExpired means an outbox message could not go out before half its
// claim lease passed; it stays claimed and is retried after the lease.
var errLeaseExpired = errors.New("bot: outbox claim would expire before sending")

// Clock tells the time and waits. Tests pass a fake one.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx ends and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock returns the real clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SenderConfig tunes a Sender; zero fields take the defaults, which stay
// under Telegram's limits (30 messages/s overall, about 1/s per private
// chat, 20/min per group) with a margin for network jitter.
type SenderConfig struct {
	// GlobalRate and GlobalBurst limit messages overall (25/s, burst 3).
	GlobalRate  rate.Limit
	GlobalBurst int
	// PrivateRate and PrivateBurst limit one private chat (1/s, burst 3).
	PrivateRate  rate.Limit
	PrivateBurst int
	// GroupRate and GroupBurst limit one group, chat id < 0 (18/min, burst
	// 1: at most 19 in any minute).
	GroupRate  rate.Limit
	GroupBurst int
	// MaxAttempts bounds tries of one message on 5xx and transport errors
	// (5); 429 answers wait retry_after and do not count.
	MaxAttempts int
	// MinBackoff and MaxBackoff bound the backoff between tries (500 ms, 30 s).
	MinBackoff, MaxBackoff time.Duration
	// OnBlocked is called once when a chat turns unreachable (403), e.g. to
	// record it in the store. Optional.
	OnBlocked func(ctx context.Context, chatID int64)
	// OnSent is called after each call Telegram accepted, with the kind of
	// message ("reply" for Send, the outbox message's Kind otherwise), e.g.
	// to count it in metrics. Optional.
	OnSent func(kind string)
	// OnRetryAfter is called on each 429 answer with its retry_after.
	// Optional.
	OnRetryAfter func(d time.Duration)
	// Clock is the time source for limits, pauses and backoff (SystemClock()).
	Clock Clock
	// OutboxBatch is how many outbox messages one claim takes (20).
	OutboxBatch int
	// OutboxLease is how long a claim lasts (5 min). A message not sent
	// within half of it is left for the next claim after it expires.
	OutboxLease time.Duration
	// OutboxPoll is how often (real time) the outbox is checked when idle (5 s).
	OutboxPoll time.Duration
	// OutboxWorkers is how many chats the outbox sends to in parallel (4).
	OutboxWorkers int
	// Quiet is the quiet hours (scheduler.QuietHours): an outbox message
	// marked Quiet that comes up for sending inside them, e.g. at the tail
	// of a fan-out that drains past their start, is postponed to
	// NextAllowed instead. Nil means no quiet hours. Optional.
	Quiet interface{ NextAllowed(time.Time) time.Time }
}

func (c SenderConfig) withDefaults() SenderConfig {
	c.GlobalRate = orDefaultRate(c.GlobalRate, 25)
	c.GlobalBurst = orDefault(c.GlobalBurst, 3)
	c.PrivateRate = orDefaultRate(c.PrivateRate, 1)
	c.PrivateBurst = orDefault(c.PrivateBurst, 3)
	c.GroupRate = orDefaultRate(c.GroupRate, rate.Every(time.Minute/18))
	c.GroupBurst = orDefault(c.GroupBurst, 1)
	c.MaxAttempts = orDefault(c.MaxAttempts, 5)
	c.MinBackoff = orDefault(c.MinBackoff, 500*time.Millisecond)
	c.MaxBackoff = max(orDefault(c.MaxBackoff, 30*time.Second), c.MinBackoff)
	if c.Clock == nil {
		c.Clock = SystemClock()
	}
	c.OutboxBatch = orDefault(c.OutboxBatch, 20)
	c.OutboxLease = orDefault(c.OutboxLease, 5*time.Minute)
	c.OutboxPoll = orDefault(c.OutboxPoll, 5*time.Second)
	c.OutboxWorkers = orDefault(c.OutboxWorkers, 4)
	return c
}

func orDefaultRate(v, def rate.Limit) rate.Limit {
	if v <= 0 {
		return def
	}
	return v
}

// Sender is the one way out to Telegram. Every message goes through its
// rate limiters (overall, per chat); messages to one chat go out one at a
// time in call order. A 429 pauses the chat for retry_after and tries again;
// 5xx and transport errors are retried with bounded backoff; a 403 marks the
// chat unreachable (ErrBlocked, OnBlocked); an edit Telegram finds "not
// modified" counts as success. Texts over MaxTextLen (captions over
// MaxCaptionLen) are split on line, then word boundaries.
//
// Send is for replies, in the caller's goroutine; Enqueue and Run are the
// persisted outbox for what must not be lost (see Outbox).
type Sender struct {
	client *Client
	outbox Outbox
	logger *slog.Logger
	cfg    SenderConfig
	clock  Clock
	global *rate.Limiter
	kick   chan struct{}

	mu      sync.Mutex
	chats   map[int64]*chatGate
	blocked map[int64]bool
}

// chatGate serializes and rate-limits the messages to one chat.
type chatGate struct {
	turn        chan struct{} // capacity 1; holding it is the chat's turn, FIFO
	lim         *rate.Limiter
	pausedUntil time.Time // set by a 429; only read and written on one's turn
	users       int       // guarded by Sender.mu
}

// NewSender returns a Sender. outbox may be nil when only Send is used.
func NewSender(c *Client, outbox Outbox, logger *slog.Logger, cfg SenderConfig) *Sender {
	cfg = cfg.withDefaults()
	return &Sender{
		client:  c,
		outbox:  outbox,
		logger:  logger,
		cfg:     cfg,
		clock:   cfg.Clock,
		global:  rate.NewLimiter(cfg.GlobalRate, cfg.GlobalBurst),
		kick:    make(chan struct{}, 1),
		chats:   map[int64]*chatGate{},
		blocked: map[int64]bool{},
	}
}

// Send sends c (a message, photo, document, edit, callback answer...) and
// returns the message Telegram answered; for a split text, the last part.
// It waits for the rate limits and retries as the Sender's doc says, until
// ctx ends. Errors: ErrBlocked (wrapping the *APIError) for an unreachable
// chat, *APIError for other refusals, or the last transport error.
func (s *Sender) Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	return s.send(ctx, c, sendOpts{kind: "reply"})
}

// sendOpts are the outbox's variations on Send.
type sendOpts struct {
	detach bool      // let a request in flight finish when ctx ends
	until  time.Time // give up (errLeaseExpired) rather than wait past this
	kind   string    // what the message is, for OnSent ("reply" for Send)
	quiet  bool      // held in the quiet hours (quietHoursError) until it starts going out
}

func (s *Sender) send(ctx context.Context, c tgbotapi.Chattable, o sendOpts) (tgbotapi.Message, error) {
	chatID, limited := target(c)
	if !limited {
		return s.deliver(ctx, 0, nil, c, o)
	}
	if s.Blocked(chatID) {
		return tgbotapi.Message{}, fmt.Errorf("bot: send to chat %d: %w", chatID, ErrBlocked)
	}
	g, err := s.acquire(ctx, chatID)
	if err != nil {
		return tgbotapi.Message{}, fmt.Errorf("bot: send to chat %d: %w", chatID, err)
	}
	defer s.release(chatID, g)
	var last tgbotapi.Message
	for _, part := range splitChattable(c) {
		if last, err = s.deliver(ctx, chatID, g, part, o); err != nil {
			return last, err
		}
		o.quiet = false // a message split in parts that started goes out whole
	}
	return last, nil
}

// target returns the chat of a message-like call, which the limits apply
// to; other calls (callback answers, commands, webhook) are not limited.
func target(c tgbotapi.Chattable) (int64, bool) {
	switch m := c.(type) {
	case tgbotapi.MessageConfig:
		return m.ChatID, true
	case tgbotapi.PhotoConfig:
		return m.ChatID, true
	case tgbotapi.DocumentConfig:
		return m.ChatID, true
	case tgbotapi.EditMessageTextConfig:
		return m.ChatID, m.InlineMessageID == ""
	case tgbotapi.EditMessageReplyMarkupConfig:
		return m.ChatID, m.InlineMessageID == ""
	case tgbotapi.EditMessageCaptionConfig:
		return m.ChatID, m.InlineMessageID == ""
	}
	return 0, false
}

// acquire waits for chatID's turn.
func (s *Sender) acquire(ctx context.Context, chatID int64) (*chatGate, error) {
	s.mu.Lock()
	g := s.chats[chatID]
	if g == nil {
		r, b := s.cfg.PrivateRate, s.cfg.PrivateBurst
		if chatID < 0 {
			r, b = s.cfg.GroupRate, s.cfg.GroupBurst
		}
		g = &chatGate{turn: make(chan struct{}, 1), lim: rate.NewLimiter(r, b)}
		s.chats[chatID] = g
	}
	g.users++
	s.mu.Unlock()
	select {
	case g.turn <- struct{}{}:
		return g, nil
	case <-ctx.Done():
		s.unuse(chatID, g)
		return nil, ctx.Err()
	}
}

// release ends chatID's turn and forgets its gate when nobody uses it and
// its limiter is full again.
func (s *Sender) release(chatID int64, g *chatGate) {
	<-g.turn
	s.unuse(chatID, g)
}

func (s *Sender) unuse(chatID int64, g *chatGate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g.users--
	now := s.clock.Now()
	if g.users == 0 && !g.pausedUntil.After(now) && g.lim.TokensAt(now) >= float64(g.lim.Burst()) {
		delete(s.chats, chatID)
	}
}

// deliver sends one part, waiting for the limits and retrying. g is nil for
// calls that are not limited.
func (s *Sender) deliver(ctx context.Context, chatID int64, g *chatGate, c tgbotapi.Chattable, o sendOpts) (tgbotapi.Message, error) {
	for attempt := 1; ; {
		if err := s.waitTurn(ctx, g, o.until); err != nil {
			return tgbotapi.Message{}, err
		}
		if next, ok := s.quietUntil(o.quiet); ok {
			return tgbotapi.Message{}, &quietHoursError{until: next}
		}
		m, err := s.request(ctx, c, o.detach)
		switch {
		case err == nil || IsNotModified(err):
			if s.cfg.OnSent != nil {
				s.cfg.OnSent(o.kind)
			}
			return m, nil
		case IsBlocked(err):
			s.markBlocked(ctx, chatID)
			return m, fmt.Errorf("%w: %w", ErrBlocked, err)
		case ctx.Err() != nil:
			return m, err
		}
		if d, ok := RetryAfter(err); ok {
			if s.cfg.OnRetryAfter != nil {
				s.cfg.OnRetryAfter(d)
			}
			s.logger.Info("bot: telegram flood control", slog.Int64("chat", chatID), slog.Duration("retry_after", d))
			if err := s.pause(ctx, g, d, o.until); err != nil {
				return m, err
			}
			continue
		}
		if !IsTemporary(err) || attempt >= s.cfg.MaxAttempts {
			return m, err
		}
		d := backoff(attempt, s.cfg.MinBackoff, s.cfg.MaxBackoff)
		s.logger.Warn("bot: send failed, retrying", slog.Int64("chat", chatID), slog.Int("attempt", attempt),
			slog.Duration("retry_in", d), slog.Any("err", err))
		attempt++
		if err := s.sleep(ctx, d, o.until); err != nil {
			return m, err
		}
	}
}

// request makes one call; detached, it survives ctx's end (bounded by the
// HTTP timeout) so that a message Telegram accepts gets marked sent.
func (s *Sender) request(ctx context.Context, c tgbotapi.Chattable, detach bool) (tgbotapi.Message, error) {
	if detach {
		timeout := s.client.HTTPTimeout()
		if timeout <= 0 {
			timeout = DefaultHTTPTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
	}
	return s.client.Send(ctx, c)
}

// quietUntil returns the end of the quiet hours and true when a message
// held in them (quiet) would go out now, inside them.
func (s *Sender) quietUntil(quiet bool) (time.Time, bool) {
	if !quiet || s.cfg.Quiet == nil {
		return time.Time{}, false
	}
	now := s.clock.Now()
	next := s.cfg.Quiet.NextAllowed(now)
	return next, next.After(now)
}

// quietHoursError means a message held in the quiet hours came up for
// sending inside them; it may go out from until.
type quietHoursError struct{ until time.Time }

func (e *quietHoursError) Error() string {
	return "bot: quiet hours until " + e.until.Format(time.RFC3339)
}

// pause holds the chat (or, for calls without one, the caller) for d.
func (s *Sender) pause(ctx context.Context, g *chatGate, d time.Duration, until time.Time) error {
	if g != nil {
		g.pausedUntil = s.clock.Now().Add(d)
		return nil // waitTurn sleeps it out
	}
	return s.sleep(ctx, d, until)
}

// waitTurn waits out a 429 pause, then the chat's and the global limiters.
func (s *Sender) waitTurn(ctx context.Context, g *chatGate, until time.Time) error {
	if g == nil {
		return nil
	}
	if d := g.pausedUntil.Sub(s.clock.Now()); d > 0 {
		if err := s.sleep(ctx, d, until); err != nil {
			return err
		}
	}
	if err := s.reserve(ctx, g.lim, until); err != nil {
		return err
	}
	return s.reserve(ctx, s.global, until)
}

// reserve takes a token from lim, sleeping until it is due.
func (s *Sender) reserve(ctx context.Context, lim *rate.Limiter, until time.Time) error {
	now := s.clock.Now()
	r := lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if err := s.sleep(ctx, d, until); err != nil {
		r.CancelAt(s.clock.Now())
		return err
	}
	return nil
}

// sleep waits d unless that would pass until (when set).
func (s *Sender) sleep(ctx context.Context, d time.Duration, until time.Time) error {
	if !until.IsZero() && s.clock.Now().Add(d).After(until) {
		return errLeaseExpired
	}
	return s.clock.Sleep(ctx, d)
}

func (s *Sender) markBlocked(ctx context.Context, chatID int64) {
	if chatID == 0 { // a call without a chat (a callback answer)
		return
	}
	s.mu.Lock()
	already := s.blocked[chatID]
	s.blocked[chatID] = true
	s.mu.Unlock()
	if !already {
		s.logger.Info("bot: chat unreachable, sending stopped", slog.Int64("chat", chatID))
		if s.cfg.OnBlocked != nil {
			s.cfg.OnBlocked(context.WithoutCancel(ctx), chatID)
		}
	}
}

// Blocked reports whether chatID answered 403 and was not unblocked since.
func (s *Sender) Blocked(chatID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[chatID]
}

// Unblock lets messages go to chatID again, e.g. when its user writes to
// the bot after unblocking it.
func (s *Sender) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.blocked, chatID)
}

// splitChattable splits a message whose text (or a photo whose caption) is
// too long. The keyboard goes on the last part, the reply on the first.
func splitChattable(c tgbotapi.Chattable) []tgbotapi.Chattable {
	switch m := c.(type) {
	case tgbotapi.MessageConfig:
		parts := SplitText(m.Text, m.ParseMode == tgbotapi.ModeHTML, MaxTextLen)
		if len(parts) <= 1 {
			return []tgbotapi.Chattable{c}
		}
		out := make([]tgbotapi.Chattable, len(parts))
		for i, p := range parts {
			part := m
			part.Text = p
			if i > 0 {
				part.ReplyToMessageID = 0
			}
			if i < len(parts)-1 {
				part.ReplyMarkup = nil
			}
			out[i] = part
		}
		return out
	case tgbotapi.PhotoConfig:
		if visibleLen(m.Caption, m.ParseMode == tgbotapi.ModeHTML) <= MaxCaptionLen {
			return []tgbotapi.Chattable{c}
		}
		text := tgbotapi.MessageConfig{BaseChat: m.BaseChat, Text: m.Caption, ParseMode: m.ParseMode}
		text.ReplyToMessageID = 0
		m.Caption, m.ReplyMarkup = "", nil
		return append([]tgbotapi.Chattable{m}, splitChattable(text)...)
	}
	return []tgbotapi.Chattable{c}
}

// EscapeHTML escapes text for Telegram's HTML parse mode.
func EscapeHTML(text string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(text)
}

// visibleLen is the length Telegram counts: UTF-16 units of the text after
// HTML parsing (tags count 0, an entity 1).
func visibleLen(s string, html bool) int {
	n := 0
	for i := 0; i < len(s); {
		u := nextUnit(s, i, html)
		n += u.width
		i = u.end
	}
	return n
}

// unit is the smallest piece SplitText does not cut: a character, an HTML
// entity or an HTML tag.
type unit struct {
	end   int    // byte offset after the unit
	width int    // UTF-16 units it shows as
	tag   string // the whole tag, when it is one
}

func nextUnit(s string, i int, html bool) unit {
	if html {
		switch s[i] {
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				return unit{end: i + j + 1, tag: s[i : i+j+1]}
			}
		case '&':
			if j := strings.IndexByte(s[i:], ';'); j > 0 && j <= 12 {
				return unit{end: i + j + 1, width: 1}
			}
		}
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	w := 1
	if r > 0xFFFF {
		w = 2
	}
	return unit{end: i + size, width: w}
}

// SplitText splits text into parts of at most limit visible characters
// (UTF-16 units), cutting at the last newline that fits, else the last
// space, else between two characters; the whitespace at a cut is dropped.
// With html, tags and entities are never cut, and the tags open at a cut are
// closed at the end of the part and opened again at the start of the next.
// Markdown is not understood: split plain or HTML text only.
func SplitText(text string, html bool, limit int) []string {
	if visibleLen(text, html) <= limit {
		return []string{text}
	}
	var parts, open []string
	for rest := text; rest != ""; {
		cut, next, stack, all := scanPart(rest, html, limit, open)
		prefix := strings.Join(open, "")
		if all {
			if strings.TrimSpace(visibleText(rest, html)) != "" {
				parts = append(parts, prefix+rest)
			}
			break
		}
		parts = append(parts, prefix+rest[:cut]+closeTags(stack))
		rest, open = rest[next:], stack
	}
	return parts
}

// scanPart finds where the first part of rest ends: the cut, where the next
// part starts, and the tags open at the cut. all means rest fits whole.
func scanPart(rest string, html bool, limit int, open []string) (cut, next int, stack []string, all bool) {
	type candidate struct {
		at    int
		stack []string
	}
	var newline, space *candidate
	stack = slices.Clone(open)
	width, content := 0, false
	for i := 0; i < len(rest); {
		u := nextUnit(rest, i, html)
		if u.tag != "" {
			stack = applyTag(stack, u.tag)
			i = u.end
			continue
		}
		if width+u.width > limit && width > 0 {
			switch b := rest[i]; {
			case content && b == '\n':
				newline = &candidate{at: i, stack: stack}
			case content && b == ' ':
				space = &candidate{at: i, stack: stack}
			}
			if c := cmp.Or(newline, space); c != nil {
				return c.at, skipSpace(rest, c.at), c.stack, false
			}
			return i, i, stack, false
		}
		if b := rest[i]; b == '\n' || b == ' ' {
			if content {
				c := &candidate{at: i, stack: slices.Clone(stack)}
				if b == '\n' {
					newline = c
				} else {
					space = c
				}
			}
		} else {
			content = true
		}
		width += u.width
		i = u.end
	}
	return len(rest), len(rest), stack, true
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == '\n' || s[i] == ' ') {
		i++
	}
	return i
}

// applyTag pushes a start tag or pops the matching end tag.
func applyTag(stack []string, tag string) []string {
	name := tagName(tag)
	if !strings.HasPrefix(tag, "</") {
		return append(stack, tag)
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if tagName(stack[i]) == name {
			return stack[:i]
		}
	}
	return stack
}

func tagName(tag string) string {
	name := strings.TrimLeft(strings.TrimSuffix(tag, ">"), "</")
	name, _, _ = strings.Cut(name, " ")
	return strings.ToLower(name)
}

func closeTags(stack []string) string {
	var b strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteString("</" + tagName(stack[i]) + ">")
	}
	return b.String()
}

// visibleText drops the tags of s (entities stay encoded).
func visibleText(s string, html bool) string {
	if !html {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		u := nextUnit(s, i, html)
		if u.tag == "" {
			b.WriteString(s[i:u.end])
		}
		i = u.end
	}
	return b.String()
}
