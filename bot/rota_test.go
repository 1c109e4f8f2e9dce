package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// The flat template gives, in the week from Monday 30 November 2026:
// kitchen every 2 days (Mon, Wed, Fri, Sun), bathroom every 3 (Mon, Thu,
// Sun), common rooms, shopping weekly (Mon), rubbish Mon and Thu, plants
// every 4 days (Mon, Fri).
const flatWeekTasks = 4 + 3 + 1 + 1 + 2 + 2

// reminderText is what every chore reminder starts with.
const reminderText = "Oggi tocca a te"

// heldOn returns how many of as person holds on day d (0 = Monday).
func heldOn(as []housing.Assignment, person string, mon time.Time, d int) int {
	n := 0
	day := mon.AddDate(0, 0, d)
	for _, a := range as {
		if a.PersonID == person && a.Due.Equal(day) {
			n++
		}
	}
	return n
}

func TestRotaWeekOfReminders(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(601, "Anna", "Luca", "Sara")
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0)) // the same slot again: nothing new
	mon := time.Date(2026, time.November, 30, 0, 0, 0, 0, h.loc)
	week := h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 7))
	if len(week) != flatWeekTasks {
		t.Fatalf("RotaJob gave out %d tasks; want %d", len(week), flatWeekTasks)
	}
	if n := h.deliver(); n != 0 {
		t.Errorf("%d messages went out at 06:00, in the quiet hours", n)
	}
	h.at(2026, time.November, 30, 8, 0)
	h.deliver()
	for _, u := range f.users {
		if got := len(u.texts("Buona settimana")); got != 1 {
			t.Errorf("user %d got %d weekly summaries; want 1", u.u.ID, got)
		}
	}

	for d := range 7 {
		slot := h.at(2026, time.November, 30+d, 9, 0)
		h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, slot)
		if d == 2 { // Wednesday: a restart between queueing and sending
			h.restart()
		}
		h.deliver()
		h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, slot) // twice for the same slot
		later := h.at(2026, time.November, 30+d, 10, 0)           // and the next hour
		h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, later)
		if n := h.deliver(); n != 0 {
			t.Errorf("day %d: %d reminders sent again", d, n)
		}
		for i, u := range f.users {
			want := 0
			for dd := 0; dd <= d; dd++ {
				want += heldOn(week, f.people[i].ID, mon, dd)
			}
			if got := len(u.texts(reminderText)); got != want {
				t.Errorf("day %d: %s got %d reminders so far; want %d", d, f.people[i].DisplayName, got, want)
			}
			for range heldOn(week, f.people[i].ID, mon, d) {
				if got := u.press("✅ Fatto"); got != "" {
					t.Errorf("Done answered %q", got)
				}
				u.expect("Grazie!")
			}
		}
	}

	l, err := h.store.Ledger(context.Background(), f.home.ID)
	noErr(t, "Ledger", err)
	lo, hi := 1000, 0
	for _, p := range f.people {
		lo, hi = min(lo, l.Balance[p.ID]), max(hi, l.Balance[p.ID])
	}
	if hi-lo > 3 {
		t.Errorf("balances %v differ by more than one task's effort", l.Balance)
	}
	for _, a := range h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 7)) {
		if a.Status != housing.AssignmentDone || a.DoneBy != a.AssignedTo {
			t.Errorf("assignment %s: %s by %q; want done by %s", a.ID, a.Status, a.DoneBy, a.AssignedTo)
		}
	}
	anna := f.users[0]
	anna.say("/turni")
	m := anna.expect("I turni di questa settimana")
	if !strings.Contains(m.Text, "Punti di questo mese: ") || !strings.Contains(m.Text, "Luca") {
		t.Errorf("/turni = %q; want the month's points by name", m.Text)
	}
}

func TestRotaSwapAcceptedAndRefused(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(611, "Anna", "Luca", "Sara")
	anna, luca, sara := f.users[0], f.users[1], f.users[2]
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	h.at(2026, time.November, 30, 8, 0)
	h.deliver()
	mon := time.Date(2026, time.November, 30, 0, 0, 0, 0, h.loc)

	// Anna asks Luca to take one of her tasks; he accepts.
	anna.say("/turni")
	anna.expect("I turni di questa settimana")
	anna.press("🔁 Chiedi uno scambio")
	anna.expect("Quale tuo compito")
	anna.pressAt(0)
	anna.expect("A chi vuoi chiederlo?")
	anna.press("Luca")
	anna.expect("In cambio vuoi fare")
	anna.press("Niente in cambio")
	anna.expect("Ho chiesto a Luca")
	h.deliver()
	ask := luca.expect("Anna ti chiede se puoi fare")
	if strings.Contains(ask.Text, "in cambio") {
		t.Errorf("request without exchange says %q", ask.Text)
	}
	if got := luca.press("Va bene"); !strings.Contains(got, "Lo scambio è fatto") {
		t.Errorf("accept answered %q", got)
	}
	h.deliver()
	anna.expect("Luca ha accettato")
	swapped := swappedTo(t, h, f, f.people[1].ID)
	if len(swapped) != 1 || swapped[0].AssignedTo != f.people[0].ID {
		t.Fatalf("after the accepted swap, swapped to Luca: %+v; want one of Anna's", swapped)
	}

	// Luca asks Sara, offering to take one of hers; she says no.
	before := h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 7))
	luca.say("/turni")
	luca.expect("I turni di questa settimana")
	luca.press("🔁 Chiedi uno scambio")
	luca.expect("Quale tuo compito")
	luca.pressAt(0)
	luca.expect("A chi vuoi chiederlo?")
	luca.press("Sara")
	luca.expect("In cambio vuoi fare uno dei compiti di Sara")
	luca.pressAt(0)
	luca.expect("Ho chiesto a Sara")
	h.deliver()
	if ask := sara.expect("Luca ti chiede se puoi fare"); !strings.Contains(ask.Text, "in cambio farebbe") {
		t.Errorf("request with exchange says %q", ask.Text)
	}
	if got := sara.press("No, grazie"); !strings.Contains(got, "gliel'ho detto") {
		t.Errorf("refuse answered %q", got)
	}
	h.deliver()
	luca.expect("Sara questa volta non può")
	if diff := cmp.Diff(before, h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 7))); diff != "" {
		t.Errorf("a refused swap changed assignments (-before +after):\n%s", diff)
	}
	if _, err := h.store.Ledger(context.Background(), f.home.ID); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("swaps touched the ledger: %v", err)
	}
}

// swappedTo returns the week's assignments swapped to person.
func swappedTo(t *testing.T, h *lifeHarness, f testHome, person string) []housing.Assignment {
	t.Helper()
	var out []housing.Assignment
	for _, a := range h.assignments(f.home.ID, time.Time{}, time.Time{}) {
		if a.Status == housing.AssignmentSwapped && a.PersonID == person {
			out = append(out, a)
		}
	}
	return out
}

func TestCantTodayOffersToHousemates(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(621, "Anna", "Luca", "Sara")
	anna, luca, sara := f.users[0], f.users[1], f.users[2]
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	mon := time.Date(2026, time.November, 30, 0, 0, 0, 0, h.loc)
	slot := h.at(2026, time.November, 30, 9, 0)
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, slot)
	h.deliver()
	sara.expect(reminderText)
	if got := sara.press("Oggi non posso"); got != "" {
		t.Errorf("Can't today answered %q", got)
	}
	sara.expect("Ho chiesto agli altri della casa")
	h.deliver()
	anna.expect("Sara oggi non riesce a fare")
	luca.expect("Sara oggi non riesce a fare")
	anna.press("Lo faccio io")
	anna.expect("è tuo")
	if got := luca.press("Lo faccio io"); !strings.Contains(got, "qualcun altro") {
		t.Errorf("second taker answered %q", got)
	}
	h.deliver()
	sara.expect("Anna fa")
	anna.press("✅ Fatto")
	anna.expect("Grazie!")

	var taken *housing.Assignment
	for _, a := range h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 1)) {
		if a.CantBy == f.people[2].ID {
			taken = &a
		}
	}
	if taken == nil || taken.PersonID != f.people[0].ID || taken.DoneBy != f.people[0].ID {
		t.Fatalf("the offered task = %+v; want taken and done by Anna", taken)
	}
	l, err := h.store.Ledger(context.Background(), f.home.ID)
	noErr(t, "Ledger", err)
	if l.Balance[f.people[0].ID] != taken.Effort || l.Balance[f.people[2].ID] != 0 {
		t.Errorf("ledger %v; want Anna credited %d, Sara nothing taken away", l.Balance, taken.Effort)
	}
	before := len(anna.texts(reminderText))
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.November, 30, 10, 0))
	h.deliver()
	if got := len(anna.texts(reminderText)); got != before {
		t.Errorf("Anna was reminded again of the task she took: %d reminders, had %d", got, before)
	}
}

func TestPausedPersonIsSkipped(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(631, "Anna", "Luca", "Sara")
	luca := f.users[1]
	lucaID := f.people[1].ID
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 26, 10, 0)) // this week, from today
	thu := time.Date(2026, time.November, 26, 0, 0, 0, 0, h.loc)
	if n := countHeld(h.assignments(f.home.ID, thu, time.Time{}), lucaID); n == 0 {
		t.Fatalf("Luca holds no task this week before going away")
	}
	h.deliver()
	summaries := len(luca.texts("Buona settimana"))

	luca.say("/promemoria")
	luca.expect("Ecco come ti scrivo")
	luca.press("🧳 Sono via per un po'")
	luca.expect("Per quanto tempo")
	luca.press("Una settimana")
	luca.expect("buon tempo")
	if n := countHeld(h.assignments(f.home.ID, thu, time.Time{}), lucaID); n != 0 {
		t.Errorf("Luca still holds %d tasks while away", n)
	}

	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	mon := time.Date(2026, time.November, 30, 0, 0, 0, 0, h.loc)
	week := h.assignments(f.home.ID, mon, mon.AddDate(0, 0, 7))
	if len(week) == 0 || countHeld(week, lucaID) != 0 {
		t.Errorf("away week: %d tasks, %d of them Luca's; want some, none", len(week), countHeld(week, lucaID))
	}
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.November, 30, 9, 0))
	h.deliver()
	if n := len(luca.texts(reminderText)) + len(luca.texts("Buona settimana")) - summaries; n != 0 {
		t.Errorf("Luca got %d reminders while away", n)
	}

	// The others did everything; Luca comes back level with them.
	for _, a := range week {
		noErr(t, "credit", h.bot.credit(context.Background(), f.home.ID, a.PersonID, a.Effort))
	}
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.December, 7, 6, 0))
	next := time.Date(2026, time.December, 7, 0, 0, 0, 0, h.loc)
	l, err := h.store.Ledger(context.Background(), f.home.ID)
	noErr(t, "Ledger", err)
	if want := min(l.Balance[f.people[0].ID], l.Balance[f.people[2].ID]); l.Balance[lucaID] != want || want == 0 {
		t.Errorf("Luca's balance after his return = %d; want the smallest of the others', %d", l.Balance[lucaID], want)
	}
	if n := countHeld(h.assignments(f.home.ID, next, next.AddDate(0, 0, 7)), lucaID); n == 0 {
		t.Errorf("Luca got no task in the week after his return")
	}
	pr, err := h.bot.prefs(context.Background(), lucaID)
	noErr(t, "prefs", err)
	if pr.Resume {
		t.Errorf("the resume flag is still set after the rota brought Luca back")
	}
}

// countHeld counts the assignments person holds or was given.
func countHeld(as []housing.Assignment, person string) int {
	n := 0
	for _, a := range as {
		if a.PersonID == person || a.AssignedTo == person {
			n++
		}
	}
	return n
}

func TestQuietHoldsReminders(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(641, "Anna", "Luca", "Sara")
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	h.at(2026, time.November, 30, 8, 0)
	h.deliver()
	slot := h.at(2026, time.November, 30, 21, 30) // a reminder due in the quiet hours
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, slot)
	for _, clock := range []struct{ day, hour, minute int }{{30, 21, 30}, {30, 23, 59}, {1, 7, 59}} {
		month := time.November
		if clock.day == 1 {
			month = time.December
		}
		h.at(2026, month, clock.day, clock.hour, clock.minute)
		if n := h.deliver(); n != 0 {
			t.Errorf("%d messages went out at %02d:%02d", n, clock.hour, clock.minute)
		}
	}
	h.at(2026, time.December, 1, 8, 0)
	if n := h.deliver(); n == 0 {
		t.Errorf("nothing went out at 08:00")
	}
	for _, u := range f.users {
		u.expect(reminderText)
	}
}

// TestQuietHoldsRemindersAtSendTime: reminders queued for 20:30 that are
// still in the outbox at 21:30 (a fan-out that drained too slowly) wait
// for 08:00, then go out once.
func TestQuietHoldsRemindersAtSendTime(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(645, "Anna", "Luca", "Sara")
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	h.at(2026, time.November, 30, 8, 0)
	h.deliver()
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.November, 30, 20, 30))
	reminders := func() map[int64]int { // by chat
		n := map[int64]int{}
		for _, u := range f.users {
			n[u.u.ID] = len(u.texts(reminderText))
		}
		return n
	}
	h.at(2026, time.November, 30, 21, 30)
	h.deliver()
	none := map[int64]int{}
	for _, u := range f.users {
		none[u.u.ID] = 0
	}
	if diff := cmp.Diff(none, reminders()); diff != "" {
		t.Errorf("reminders at 21:30 (-want +got):\n%s", diff)
	}
	h.at(2026, time.December, 1, 8, 0)
	h.deliver()
	morning := reminders()
	if cmp.Equal(none, morning) {
		t.Errorf("no reminders at 08:00; want the held ones")
	}
	h.at(2026, time.December, 1, 9, 0)
	h.deliver()
	if diff := cmp.Diff(morning, reminders()); diff != "" {
		t.Errorf("reminders at 09:00 after 08:00 (-08:00 +09:00):\n%s", diff)
	}
}

func TestNotBefore(t *testing.T) {
	loc := rome(t)
	at := time.Date(2026, 11, 30, 21, 30, 0, 0, loc)
	for _, tc := range []struct {
		name  string
		quiet interface{ NextAllowed(time.Time) time.Time }
		want  time.Time
	}{
		{"none", nil, at},
		{"21-8", quietWindow{21, 8, loc}, time.Date(2026, 12, 1, 8, 0, 0, 0, loc)},
		{"23-7", quietWindow{23, 7, loc}, at},
	} {
		b := &Bot{cfg: Config{Quiet: tc.quiet, Now: func() time.Time { return at }}.withDefaults()}
		if got := b.notBefore(time.Time{}); !got.Equal(tc.want) {
			t.Errorf("%s: notBefore(21:30) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestJobsTwiceForOneSlotQueueOnce(t *testing.T) {
	h := newLifeHarness(t)
	h.flat(651, "Anna", "Luca")
	jobs := []struct {
		name string
		job  func(*Bot) func(context.Context, time.Time) error
		slot time.Time
	}{
		{"RotaJob", func(b *Bot) func(context.Context, time.Time) error { return b.RotaJob },
			time.Date(2026, 11, 30, 6, 0, 0, 0, h.loc)},
		{"ChoreRemindersJob", func(b *Bot) func(context.Context, time.Time) error { return b.ChoreRemindersJob },
			time.Date(2026, 11, 30, 9, 0, 0, 0, h.loc)},
		{"CheckInJob", func(b *Bot) func(context.Context, time.Time) error { return b.CheckInJob },
			time.Date(2026, 12, 6, 18, 0, 0, 0, h.loc)},
	}
	for _, j := range jobs {
		h.at(j.slot.Year(), j.slot.Month(), j.slot.Day(), j.slot.Hour(), j.slot.Minute())
		h.run(j.name, j.job(h.bot), j.slot)
		depth, err := h.store.OutboxDepth(context.Background())
		noErr(t, "OutboxDepth", err)
		h.restart()
		h.run(j.name, j.job(h.bot), j.slot)
		again, err := h.store.OutboxDepth(context.Background())
		noErr(t, "OutboxDepth", err)
		if depth == 0 || again != depth {
			t.Errorf("%s: outbox depth %d after one run, %d after two; want the same, not 0", j.name, depth, again)
		}
	}
	h.deliver()
	sent := h.sentTotal()
	for _, j := range jobs {
		h.run(j.name, j.job(h.bot), j.slot)
	}
	h.deliver()
	if got := h.sentTotal(); got != sent {
		t.Errorf("running the jobs again sent %d more messages", got-sent)
	}
}
