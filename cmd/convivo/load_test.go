package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/scheduler"
)

// The load tests measure the figures the README quotes. They run only
// with CONVIVO_LOAD=1 (scripts/load.sh), and print one "LOAD ..." line
// each.

func needLoad(t *testing.T) {
	t.Helper()
	if os.Getenv("CONVIVO_LOAD") != "1" {
		t.Skip("load test: set CONVIVO_LOAD=1 (scripts/load.sh)")
	}
}

// Turn latency: 500 users who already joined send /help, 200 updates/s for
// 10 s, through the whole service (poller, bot, sender, sealed store)
// against the fake Bot API; latency is from the update being queued at the
// fake to the bot's reply arriving there. The sender's global limit is
// lifted: at Telegram's 25 messages/s, 200 replies/s could only queue.
const (
	loadUsers    = 500
	loadRate     = 200 // updates per second
	loadDuration = 10 * time.Second
)

func TestLoadTurnLatency(t *testing.T) {
	needLoad(t)
	stores := []string{"bolt"}
	if os.Getenv("CONVIVO_TEST_REDIS_URL") != "" {
		stores = append(stores, "redis")
	}
	for _, name := range stores {
		t.Run(name, func(t *testing.T) { turnLatency(t, name) })
	}
}

func turnLatency(t *testing.T, name string) {
	srv := telegramtest.NewServer(t)
	vars := serveEnv(t, srv)
	if name == "redis" {
		c, _, _ := redisCLI(t)
		vars["CONVIVO_REDIS_URL"], vars["CONVIVO_REDIS_NAMESPACE"] = c.env["CONVIVO_REDIS_URL"], c.env["CONVIVO_REDIS_NAMESPACE"]
	}
	getenv := func(k string) string { return vars[k] }
	cfg, err := LoadConfig(getenv)
	must(t, err)
	st, err := openStore(t.Context(), cfg)
	must(t, err)
	users := seedUsers(t, st, loadUsers)
	var handled atomic.Int64
	e := &env{cfg: cfg, getenv: getenv, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := newService(t.Context(), e, logger, serviceOptions{store: st, noListen: true, noCron: true,
		sender:  bot.SenderConfig{GlobalRate: 10 * loadRate, GlobalBurst: loadRate},
		handled: func(tgbotapi.Update) { handled.Add(1) }})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	defer func() {
		cancel()
		must(t, <-done)
	}()
	(&replica{svc: svc, logs: &safeBuffer{}}).waitHeld(t)

	n := int(loadDuration.Seconds()) * loadRate
	sent := make(map[int64][]time.Time, len(users))
	start := time.Now()
	for k := range n {
		time.Sleep(time.Until(start.Add(time.Duration(k) * time.Second / loadRate)))
		u := users[k%len(users)]
		sent[u.ID] = append(sent[u.ID], time.Now())
		srv.SendText(u, "/help")
	}
	injected := time.Since(start)
	for deadline := time.Now().Add(time.Minute); handled.Load() < int64(n); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d of %d updates after a minute", handled.Load(), n)
		}
	}
	if m, _ := srv.LastSent(users[0].ID); !strings.Contains(m.Text, "/help") {
		t.Fatalf("reply to /help = %q; want the list of commands", m.Text)
	}
	lat := latencies(t, srv.Calls(), sent)
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	t.Logf("LOAD latency store=%s users=%d updates=%d rate=%.0f/s p50=%v p99=%v max=%v target_p99=50ms met=%v",
		name, len(users), n, float64(n)/injected.Seconds(), p50.Round(10*time.Microsecond),
		p99.Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), p99 <= 50*time.Millisecond)
}

// seedUsers stores n people who joined (active beneficiaries bound to a
// Telegram account) and returns their Telegram users.
func seedUsers(t *testing.T, st housing.Store, n int) []tgbotapi.User {
	t.Helper()
	var b housingtest.Builder
	users := make([]tgbotapi.User, n)
	for i := range users {
		tid := int64(100001 + i)
		p := b.Person(func(p *housing.Person) { p.TelegramID = tid })
		must(t, st.CreatePerson(t.Context(), p))
		users[i] = telegramtest.User(tid, "User", "it")
	}
	return users
}

// latencies pairs each chat's updates with the bot's replies there, in
// order, and returns reply time minus update time.
func latencies(t *testing.T, calls []telegramtest.Call, sent map[int64][]time.Time) []time.Duration {
	t.Helper()
	replies := map[int64][]time.Time{}
	for _, c := range calls {
		if c.Method == "sendMessage" && c.Status == 200 {
			replies[c.ChatID] = append(replies[c.ChatID], c.Time)
		}
	}
	var out []time.Duration
	for chat, ts := range sent {
		rs := replies[chat]
		slices.SortFunc(rs, func(a, b time.Time) int { return a.Compare(b) })
		if len(rs) != len(ts) {
			t.Fatalf("chat %d: %d replies to %d updates", chat, len(rs), len(ts))
		}
		for i := range ts {
			out = append(out, rs[i].Sub(ts[i]))
		}
	}
	return out
}

// Fan-out: 100,000 reminders, queued in the quiet hours (07:30) so that
// none may leave before 08:00, go through the Sender to a fake Bot API
// that enforces Telegram's limits, on a virtual clock: 4,000 virtual
// seconds take real seconds.
const fanOut = 100_000

func TestLoadFanOut(t *testing.T) {
	needLoad(t)
	rome, err := time.LoadLocation("Europe/Rome")
	must(t, err)
	quiet, err := scheduler.ParseQuietHours(scheduler.DefaultQuietHours, rome)
	must(t, err)
	clock := newStepClock(time.Date(2026, 12, 7, 7, 30, 0, 0, rome))
	srv := telegramtest.NewServer(t, telegramtest.WithLimits(telegramtest.TelegramLimits()), telegramtest.WithClock(clock.Now))
	client, err := bot.NewClient(t.Context(), srv.Token(), srv.Endpoint(), slog.New(slog.DiscardHandler))
	must(t, err)
	box := newMemOutbox()
	due := quiet.NextAllowed(clock.Now())
	for i := range fanOut {
		must(t, box.Enqueue(t.Context(), housing.OutboxMessage{Key: fmt.Sprintf("reminder:%06d", i), ChatID: int64(200001 + i),
			Kind: "chore-reminder", Text: "Oggi tocca a te: buttare la plastica.", NotBefore: due}))
	}
	var retries atomic.Int64
	sender := bot.NewSender(client, box, slog.New(slog.DiscardHandler), bot.SenderConfig{Clock: clock,
		OutboxPoll: 5 * time.Millisecond, OnRetryAfter: func(time.Duration) { retries.Add(1) }})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { clock.drive(ctx) })
	wg.Go(func() { _ = sender.Run(ctx) })
	defer func() {
		cancel()
		wg.Wait()
	}()

	time.Sleep(300 * time.Millisecond) // the sender runs at 07:30
	if n := box.sentCount(); n != 0 {
		t.Errorf("%d reminders sent at 07:30, in the quiet hours", n)
	}
	clock.set(due)
	start := time.Now()
	for box.sentCount() < fanOut {
		if time.Since(start) > 10*time.Minute {
			t.Fatalf("%d of %d sent after 10 min", box.sentCount(), fanOut)
		}
		time.Sleep(50 * time.Millisecond)
	}
	real := time.Since(start)
	first, last, n429, inQuiet := fanOutCalls(srv.Calls(), quiet)
	rate := float64(fanOut-1) / last.Sub(first).Seconds()
	t.Logf("LOAD fanout messages=%d virtual=%v real=%v rate=%.2f/s share_of_25=%.1f%% 429s=%d first=%s last=%s in_quiet=%d",
		fanOut, last.Sub(first).Round(time.Second), real.Round(100*time.Millisecond), rate, rate/25*100, n429+int(retries.Load()),
		first.In(rome).Format("15:04:05"), last.In(rome).Format("15:04:05"), inQuiet)
	if n429 > 0 || retries.Load() > 0 {
		t.Errorf("the fake answered %d 429s; want none", n429)
	}
	if inQuiet > 0 || first.Before(due) {
		t.Errorf("%d reminders sent in the quiet hours (first at %v)", inQuiet, first)
	}
	if rate < 0.9*25 {
		t.Errorf("rate %.2f/s; want at least 90%% of 25/s", rate)
	}
}

// fanOutCalls returns the first and last accepted send, the 429 answers
// and the sends in the quiet hours.
func fanOutCalls(calls []telegramtest.Call, quiet scheduler.QuietHours) (first, last time.Time, n429, inQuiet int) {
	for _, c := range calls {
		if c.Method != "sendMessage" {
			continue
		}
		if c.Status == 429 {
			n429++
			continue
		}
		if first.IsZero() || c.Time.Before(first) {
			first = c.Time
		}
		if c.Time.After(last) {
			last = c.Time
		}
		if quiet.Contains(c.Time) {
			inQuiet++
		}
	}
	return first, last, n429, inQuiet
}

// stepClock is a virtual bot.Clock for many goroutines: Sleep blocks until
// drive has moved the time to its deadline. drive moves it to the earliest
// deadline once nobody has called the clock for a short real while, so
// that a goroutine between reading the time and sleeping is not skipped
// over.
type stepClock struct {
	mu      sync.Mutex
	now     time.Time
	active  time.Time // real time of the last call
	waiters []stepWaiter
}

type stepWaiter struct {
	at   time.Time
	wake chan struct{}
}

func newStepClock(t time.Time) *stepClock { return &stepClock{now: t} }

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = time.Now()
	return c.now
}

func (c *stepClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	c.wakeLocked()
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	w := stepWaiter{wake: make(chan struct{})}
	c.mu.Lock()
	w.at = c.now.Add(d)
	c.active = time.Now()
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	select {
	case <-w.wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drive moves the time forward until ctx ends.
func (c *stepClock) drive(ctx context.Context) {
	const idle = 150 * time.Microsecond
	for ctx.Err() == nil {
		time.Sleep(idle / 3)
		c.mu.Lock()
		if len(c.waiters) > 0 && time.Since(c.active) >= idle {
			next := slices.MinFunc(c.waiters, func(a, b stepWaiter) int { return a.at.Compare(b.at) })
			c.now = next.at
			c.wakeLocked()
		}
		c.mu.Unlock()
	}
}

func (c *stepClock) wakeLocked() {
	c.waiters = slices.DeleteFunc(c.waiters, func(w stepWaiter) bool {
		if w.at.After(c.now) {
			return false
		}
		close(w.wake)
		return true
	})
}

// memOutbox is an in-memory bot.Outbox for the fan-out: the stores'
// outboxes are measured by their own benchmarks.
type memOutbox struct {
	mu    sync.Mutex
	msgs  []housing.OutboxMessage // by NotBefore, then Key
	until []time.Time             // claimed until
	done  []bool
	index map[string]int
	head  int // every message before it is done
	sent  int
}

func newMemOutbox() *memOutbox { return &memOutbox{index: map[string]int{}} }

func (m *memOutbox) Enqueue(_ context.Context, msg housing.OutboxMessage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.index[msg.Key]; ok {
		return nil
	}
	if n := len(m.msgs); n > 0 && cmp.Or(msg.NotBefore.Compare(m.msgs[n-1].NotBefore), strings.Compare(msg.Key, m.msgs[n-1].Key)) < 0 {
		return fmt.Errorf("memOutbox: enqueue in order")
	}
	m.index[msg.Key] = len(m.msgs)
	m.msgs = append(m.msgs, msg)
	m.until = append(m.until, time.Time{})
	m.done = append(m.done, false)
	return nil
}

func (m *memOutbox) Claim(_ context.Context, now time.Time, lease time.Duration, limit int) ([]housing.OutboxMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.head < len(m.msgs) && m.done[m.head] {
		m.head++
	}
	var out []housing.OutboxMessage
	for i := m.head; i < len(m.msgs) && len(out) < limit && !m.msgs[i].NotBefore.After(now); i++ {
		if m.done[i] || m.until[i].After(now) {
			continue
		}
		m.until[i] = now.Add(lease)
		out = append(out, m.msgs[i])
	}
	return out, nil
}

func (m *memOutbox) MarkSent(_ context.Context, key string, _ time.Time) error {
	return m.finish(key, true)
}

func (m *memOutbox) MarkFailed(_ context.Context, key string, _ time.Time, _ string) error {
	return m.finish(key, false)
}

// Postpone holds a pending message until until by claiming it till then,
// which keeps the slice in enqueue order.
func (m *memOutbox) Postpone(_ context.Context, key string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.index[key]
	if !ok {
		return fmt.Errorf("memOutbox: no message %s", key)
	}
	if !m.done[i] {
		m.until[i] = until
	}
	return nil
}

func (m *memOutbox) finish(key string, sent bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, ok := m.index[key]
	if !ok {
		return fmt.Errorf("memOutbox: no message %s", key)
	}
	if !m.done[i] && sent {
		m.sent++
	}
	m.done[i] = true
	return nil
}

func (m *memOutbox) sentCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sent
}
