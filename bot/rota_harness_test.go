package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	_ "time/tzdata" // Europe/Rome on machines without a zone database

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// House-life tests run the bot as production does and call the job
// methods directly for given slots, as the scheduler would; the outbox is
// delivered through a real Sender to the fake Telegram server whenever
// the test says so, at the test clock's time.

// rome returns Europe/Rome.
func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// quietWindow is the quiet hours of the tests: from start to end o'clock,
// across midnight, in loc (scheduler.QuietHours in production; a plain
// copy here, as bot may not import scheduler).
type quietWindow struct {
	start, end int
	loc        *time.Location
}

func (q quietWindow) NextAllowed(t time.Time) time.Time {
	l := t.In(q.loc)
	if h := l.Hour(); h < q.start && h >= q.end {
		return t
	}
	day := l
	if l.Hour() >= q.start {
		day = l.AddDate(0, 0, 1)
	}
	return time.Date(day.Year(), day.Month(), day.Day(), q.end, 0, 0, 0, q.loc)
}

// eventLog records what Config.OnEvent was called with.
type eventLog struct {
	mu     sync.Mutex
	events []housing.Event
}

func (l *eventLog) add(_ context.Context, e housing.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) all() []housing.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]housing.Event(nil), l.events...)
}

// lifeHarness is a harness in Rome, with quiet hours 21-8 and OnEvent
// recorded.
type lifeHarness struct {
	*harness
	loc    *time.Location
	events *eventLog
}

func newLifeHarness(t *testing.T) *lifeHarness {
	t.Helper()
	loc := rome(t)
	ev := &eventLog{}
	h := newHarness(t, func(c *Config) {
		c.Location, c.Quiet, c.OnEvent = loc, quietWindow{21, 8, loc}, ev.add
	})
	return &lifeHarness{harness: h, loc: loc, events: ev}
}

// at sets the clock to a local time in Rome and returns it.
func (h *lifeHarness) at(year int, month time.Month, day, hour, minute int) time.Time {
	t := time.Date(year, month, day, hour, minute, 0, 0, h.loc)
	h.clock.mu.Lock()
	h.clock.now = t
	h.clock.mu.Unlock()
	return t
}

// sleeperClock is the test clock for a Sender: its Sleep really waits,
// which with the tests' generous limits it never has to.
type sleeperClock struct{ c *testClock }

func (s sleeperClock) Now() time.Time { return s.c.Now() }

func (s sleeperClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// deliver sends every outbox message due at the clock's time through a
// real Sender that keeps the bot's quiet hours, as in production, and
// returns how many it claimed.
func (h *lifeHarness) deliver() int {
	h.t.Helper()
	s := NewSender(h.client, h.store, h.logger, SenderConfig{GlobalRate: 10000, GlobalBurst: 1000,
		PrivateRate: 10000, PrivateBurst: 1000, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Clock: sleeperClock{h.clock}, Quiet: h.bot.cfg.Quiet})
	total := 0
	for {
		n, err := s.pump(h.ctx())
		if err != nil {
			h.t.Fatalf("Sender.pump: %v", err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// run calls a job for slot and fails the test on an error.
func (h *lifeHarness) run(name string, job func(context.Context, time.Time) error, slot time.Time) {
	h.t.Helper()
	if err := job(h.ctx(), slot); err != nil {
		h.t.Fatalf("%s(%v): %v", name, slot, err)
	}
}

// household is a home where people live together, and their chats.
type testHome struct {
	home      housing.Home
	placement housing.Placement
	people    []housing.Person
	users     []*tgUser
}

// flat stores a shared flat where people with these first names live
// together (an active placement), bound to Telegram ids from firstID.
func (h *lifeHarness) flat(firstID int64, names ...string) testHome {
	h.t.Helper()
	ctx := context.Background()
	var th testHome
	var ids []string
	for i, name := range names {
		tid := firstID + int64(i)
		p := h.addPerson(tid, housing.RoleCoResident, func(p *housing.Person) { p.DisplayName = name })
		th.people = append(th.people, p)
		th.users = append(th.users, h.user(tid, "it"))
		ids = append(ids, p.ID)
	}
	var b housingtest.Builder
	home := b.Home(func(hm *housing.Home) {
		hm.ID, hm.Code = housing.NewID("h"), fmt.Sprintf("BO-H%d", firstID)
		hm.Rooms, hm.Capacity, hm.SingleRooms = len(names), len(names), len(names)
	})
	noErr(h.t, "CreateHome", h.store.CreateHome(ctx, home))
	prop := b.Proposal(home, ids, func(p *housing.Proposal) { p.ID = housing.NewID("pr") })
	noErr(h.t, "CreateProposal", h.store.CreateProposal(ctx, prop))
	pl, err := h.store.ApproveProposal(ctx, prop.ID, "p_med", h.clock.Now())
	noErr(h.t, "ApproveProposal", err)
	for _, to := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementActive} {
		noErr(h.t, "Move", pl.Move(to, "p_med", h.clock.Now(), ""))
		noErr(h.t, "UpdatePlacement", h.store.UpdatePlacement(ctx, &pl))
	}
	th.home, th.placement = *home, pl
	return th
}

// noErr fails the test on err.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// assignments returns the home's assignments due in [from, to).
func (h *lifeHarness) assignments(homeID string, from, to time.Time) []housing.Assignment {
	h.t.Helper()
	as, err := h.store.Assignments(context.Background(), housing.AssignmentFilter{HomeID: homeID, From: from, To: to})
	noErr(h.t, "Assignments", err)
	return as
}

// texts returns the texts the bot sent to u containing sub.
func (u *tgUser) texts(sub string) []string {
	var out []string
	for _, m := range u.h.srv.Sent(u.u.ID) {
		if strings.Contains(m.Text, sub) {
			out = append(out, m.Text)
		}
	}
	return out
}

// sentTotal returns how many messages the bot has sent to all chats.
func (h *harness) sentTotal() int {
	n := 0
	for _, c := range h.srv.Calls() {
		if c.Method == "sendMessage" && c.Status == 200 {
			n++
		}
	}
	return n
}
