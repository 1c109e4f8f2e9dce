package bot

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/bot/telegramtest"
)

// memOffsets is an in-memory OffsetStore.
type memOffsets struct {
	mu     sync.Mutex
	offset int64
}

func (m *memOffsets) Offset(context.Context) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.offset, nil
}

func (m *memOffsets) SaveOffset(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id <= m.offset {
		return errors.New("offset went backwards")
	}
	m.offset = id
	return nil
}

// handled records what a handler saw, and lets a test wait for it.
type handled struct {
	mu      sync.Mutex
	ids     []int
	byChat  map[int64][]string
	changed chan struct{}
}

func newHandled() *handled {
	return &handled{byChat: map[int64][]string{}, changed: make(chan struct{})}
}

func (h *handled) add(u tgbotapi.Update) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids = append(h.ids, u.UpdateID)
	if u.Message != nil {
		h.byChat[u.Message.Chat.ID] = append(h.byChat[u.Message.Chat.ID], u.Message.Text)
	}
	close(h.changed)
	h.changed = make(chan struct{})
}

// wait waits until n updates were handled.
func (h *handled) wait(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		h.mu.Lock()
		got, changed := len(h.ids), h.changed
		h.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("handled %d updates; want %d", got, n)
		}
	}
}

func (h *handled) snapshot() ([]int, map[int64][]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	by := map[int64][]string{}
	for k, v := range h.byChat {
		by[k] = slices.Clone(v)
	}
	return slices.Clone(h.ids), by
}

// startPoller runs p and returns a function that stops it and returns
// Run's error.
func startPoller(t *testing.T, p *Poller) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var once sync.Once
	var err error
	stop := func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// twoLanes returns two chat ids that the poller handles in different lanes.
func twoLanes(lanes int) (int64, int64) {
	lane := func(id int64) int {
		return laneOf(tgbotapi.Update{Message: &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: id}}}, lanes)
	}
	a := int64(1001)
	for b := a + 1; ; b++ {
		if lane(b) != lane(a) {
			return a, b
		}
	}
}

func TestPollerOrderAndParallelism(t *testing.T) {
	srv, c, _ := newTestClient(t)
	a, b := twoLanes(4)
	h := newHandled()
	bStarted := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	active := map[int64]int{}
	handler := func(ctx context.Context, u tgbotapi.Update) {
		chat := u.Message.Chat.ID
		mu.Lock()
		active[chat]++
		if active[chat] > 1 {
			t.Errorf("chat %d: two updates handled at once", chat)
		}
		mu.Unlock()
		switch {
		case chat == b:
			once.Do(func() { close(bStarted) })
		case u.Message.Text == "1":
			// Chat a waits for chat b: only parallel lanes get past this.
			select {
			case <-bStarted:
			case <-time.After(10 * time.Second):
				t.Errorf("chat %d was not handled while chat %d was busy", b, a)
			}
		}
		time.Sleep(time.Millisecond) // let a wrong interleaving show
		mu.Lock()
		active[chat]--
		mu.Unlock()
		h.add(u)
	}
	p := NewPoller(c, &memOffsets{}, handler, slog.New(slog.DiscardHandler), PollerConfig{Lanes: 4})
	startPoller(t, p)
	var want []string
	for i := 1; i <= 10; i++ {
		want = append(want, strconv.Itoa(i))
		srv.SendText(telegramtest.User(a, "A", "it"), strconv.Itoa(i))
		srv.SendText(telegramtest.User(b, "B", "it"), strconv.Itoa(i))
	}
	h.wait(t, 20)
	_, byChat := h.snapshot()
	for _, chat := range []int64{a, b} {
		if diff := cmp.Diff(want, byChat[chat]); diff != "" {
			t.Errorf("chat %d handled out of order (-want +got):\n%s", chat, diff)
		}
	}
}

func TestPollerRestartNeitherLosesNorRepeats(t *testing.T) {
	srv, c, _ := newTestClient(t)
	store := &memOffsets{}
	h := newHandled()
	handler := func(_ context.Context, u tgbotapi.Update) { h.add(u) }
	newPoller := func() *Poller {
		return NewPoller(c, store, handler, slog.New(slog.DiscardHandler), PollerConfig{})
	}
	var want []int
	for i := range 5 {
		want = append(want, srv.SendText(telegramtest.User(int64(10+i%2), "U", "it"), "x").UpdateID)
	}
	stop := startPoller(t, newPoller())
	h.wait(t, 5)
	if err := stop(); err != nil {
		t.Fatalf("Run = %v; want nil after a stop", err)
	}
	if got, _ := store.Offset(t.Context()); got != int64(want[4]) {
		t.Errorf("saved offset = %d; want %d", got, want[4])
	}
	for range 3 {
		want = append(want, srv.SendText(telegramtest.User(12, "U", "it"), "y").UpdateID)
	}
	stop = startPoller(t, newPoller())
	h.wait(t, 8)
	if err := srv.WaitPolling(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	stop()
	ids, _ := h.snapshot()
	slices.Sort(ids) // chats 10 and 11 are handled in parallel
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("updates handled across a restart (-want +got):\n%s", diff)
	}
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPollerCrashKeepsInFlightUpdate(t *testing.T) {
	srv, c, _ := newTestClient(t)
	a, b := twoLanes(4)
	release := make(chan struct{})
	h := newHandled()
	slowHandler := func(_ context.Context, u tgbotapi.Update) {
		if u.Message.Text == "slow" {
			<-release
		}
		h.add(u)
	}
	store := &memOffsets{}
	first := NewPoller(c, store, slowHandler, slog.New(slog.DiscardHandler), PollerConfig{Lanes: 4})
	stopFirst := startPoller(t, first)
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(unblock) // runs before stopFirst, even when the test fails
	slow := srv.SendText(telegramtest.User(a, "A", "it"), "slow").UpdateID
	srv.SendText(telegramtest.User(b, "B", "it"), "b1")
	srv.SendText(telegramtest.User(b, "B", "it"), "b2")
	h.wait(t, 2) // b1 and b2, past the slow one

	saved, _ := store.Offset(t.Context())
	if saved >= int64(slow) {
		t.Errorf("saved offset = %d with update %d in progress; want < %d", saved, slow, slow)
	}
	if pending := srv.Pending(); len(pending) == 0 || pending[0].UpdateID != slow {
		t.Errorf("Telegram's pending updates = %d; want the in-progress %d still unconfirmed", len(pending), slow)
	}
	// "Crash": the first process stops polling with the update unfinished;
	// a second one starts from what was saved.
	go stopFirst()
	h2 := newHandled()
	second := NewPoller(c, &memOffsets{offset: saved}, func(_ context.Context, u tgbotapi.Update) { h2.add(u) },
		slog.New(slog.DiscardHandler), PollerConfig{Lanes: 4})
	startPoller(t, second)
	// b1 and b2 come again too: the at-least-once window of a crash.
	h2.wait(t, 3)
	if ids, _ := h2.snapshot(); !slices.Contains(ids, slow) {
		t.Errorf("after the crash the updates handled are %v; want the unfinished %d among them", ids, slow)
	}
	unblock()
}

// sleepRecorder is a Clock whose Sleep returns at once and records d.
type sleepRecorder struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (c *sleepRecorder) Now() time.Time { return time.Now() }

func (c *sleepRecorder) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	return ctx.Err()
}

func TestPollerBacksOff(t *testing.T) {
	srv, c, logs := newTestClient(t)
	srv.FailNext("getUpdates", 0, 3, telegramtest.InternalError())
	srv.FailNext("getUpdates", 0, 2, telegramtest.Disconnect())
	srv.FailNext("getUpdates", 0, 1, telegramtest.TooManyRequests(3))
	clock := &sleepRecorder{}
	h := newHandled()
	cfg := PollerConfig{MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond, Clock: clock}
	p := NewPoller(c, &memOffsets{}, func(_ context.Context, u tgbotapi.Update) { h.add(u) }, c.logger, cfg)
	startPoller(t, p)
	srv.SendText(telegramtest.User(1, "A", "it"), "hi")
	h.wait(t, 1)

	clock.mu.Lock()
	sleeps := slices.Clone(clock.sleeps)
	clock.mu.Unlock()
	if len(sleeps) != 6 {
		t.Fatalf("slept %v; want 6 waits (5 backoffs, 1 retry_after)", sleeps)
	}
	for i, d := range sleeps[:5] {
		if d < cfg.MinBackoff/2 || d > cfg.MaxBackoff {
			t.Errorf("backoff %d = %v; want within [%v, %v]", i+1, d, cfg.MinBackoff/2, cfg.MaxBackoff)
		}
	}
	if sleeps[5] != 3*time.Second {
		t.Errorf("wait after a 429 = %v; want retry_after 3s", sleeps[5])
	}
	if got := strings.Count(logs.String(), "getUpdates failed"); got != 6 {
		t.Errorf("logged %d getUpdates failures; want 6", got)
	}
	if !strings.Contains(logs.String(), "<token>") {
		t.Errorf("log lacks the redacted transport error:\n%s", logs)
	}
}

func TestPollerStopsOnUnauthorized(t *testing.T) {
	srv, c, _ := newTestClient(t)
	srv.FailNext("getUpdates", 0, 1, telegramtest.Failure{Code: 401, Description: "Unauthorized"})
	p := NewPoller(c, &memOffsets{}, func(context.Context, tgbotapi.Update) {}, slog.New(slog.DiscardHandler), PollerConfig{})
	err := p.Run(t.Context())
	if code := apiCode(err); code != 401 {
		t.Errorf("Run = %v; want the 401 error", err)
	}
	checkNoToken(t, err, srv.Token())
}

func TestPollerSurvivesPanic(t *testing.T) {
	srv, c, logs := newTestClient(t)
	h := newHandled()
	store := &memOffsets{}
	handler := func(_ context.Context, u tgbotapi.Update) {
		if u.Message.Text == "boom" {
			panic("handler bug")
		}
		h.add(u)
	}
	startPoller(t, NewPoller(c, store, handler, c.logger, PollerConfig{}))
	srv.SendText(telegramtest.User(1, "A", "it"), "boom")
	last := srv.SendText(telegramtest.User(1, "A", "it"), "ok").UpdateID
	h.wait(t, 1)
	if err := srv.WaitPolling(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.Offset(t.Context()); got != int64(last) {
		t.Errorf("saved offset = %d; want %d past the panicking update", got, last)
	}
	if !strings.Contains(logs.String(), "handler panicked") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
}

func TestTrackerWatermark(t *testing.T) {
	tr := newTracker(10)
	for id := int64(11); id <= 15; id++ {
		if !tr.add(id) {
			t.Fatalf("add(%d) = false; want true", id)
		}
	}
	if tr.add(13) || tr.add(9) {
		t.Errorf("add of an id already dispatched = true; want false")
	}
	steps := []struct {
		done     int64
		want     int64
		advanced bool
	}{
		{13, 10, false},
		{11, 11, true},
		{12, 13, true},
		{15, 13, false},
		{14, 15, true},
	}
	for _, s := range steps {
		got, advanced := tr.done(s.done)
		if got != s.want || advanced != s.advanced {
			t.Errorf("done(%d) = %d, %v; want %d, %v", s.done, got, advanced, s.want, s.advanced)
		}
	}
}

func TestBackoff(t *testing.T) {
	lo, hi := 100*time.Millisecond, time.Second
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, 50 * time.Millisecond, 100 * time.Millisecond},
		{2, 100 * time.Millisecond, 200 * time.Millisecond},
		{4, 400 * time.Millisecond, 800 * time.Millisecond},
		{5, 500 * time.Millisecond, time.Second},
		{60, 500 * time.Millisecond, time.Second},
	}
	for _, tt := range tests {
		for range 50 {
			if got := backoff(tt.attempt, lo, hi); got < tt.min || got > tt.max {
				t.Errorf("backoff(%d, %v, %v) = %v; want within [%v, %v]", tt.attempt, lo, hi, got, tt.min, tt.max)
			}
		}
	}
}
