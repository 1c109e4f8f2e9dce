package bot

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/warning"
)

// The early-warning tests run the bot as production does, with the real
// warning.Service on the same store and the bot as its Notifier; the
// scans and escalations are called for given times, as the scheduler
// would, and the outbox is delivered through a real Sender at the test
// clock's time whenever the test says so (flush).

// alertClock is a Sender clock on the test clock that really sleeps.
type alertClock struct{ c *testClock }

func (a alertClock) Now() time.Time { return a.c.Now() }

func (a alertClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// alertQuiet holds every message to a resident for six weeks: staff
// alerts must not wait for it.
type alertQuiet struct{}

func (alertQuiet) NextAllowed(t time.Time) time.Time { return t.Add(6 * 7 * 24 * time.Hour) }

// awStart is Monday 14 September 2026, 10:00 UTC: the flat's first day.
func awStart() time.Time { return time.Date(2026, 9, 14, 10, 0, 0, 0, time.UTC) }

// awNight returns 03:00 of day d (0 = Monday) of week k after awStart:
// when the nightly scan runs.
func awNight(k, d int) time.Time {
	s := awStart()
	return time.Date(s.Year(), s.Month(), s.Day()+7*k+d, 3, 0, 0, 0, time.UTC)
}

// The nights of the declining flat: nothing yet, watch, at risk (with a
// conflict reported in between).
func awNight0() time.Time { return awNight(9, 3) }  // Thu 19 Nov: 2 check-ins missed, 9 weeks without outings
func awNight1() time.Time { return awNight(10, 3) } // Thu 26 Nov: 3 missed, 10 weeks
func awNight2() time.Time { return awNight(11, 3) } // Thu 3 Dec: 4 missed, 11 weeks, a conflict

// alertWorld is a harness with the early-warning service wired as in
// production (and quiet hours that never end), and a flat in Bologna where Anna, Luca (followed by the
// social worker Sara) and Marta (followed by nobody) live together since
// awStart; and the staff around it.
type alertWorld struct {
	*harness
	svc                        *warning.Service
	pl                         housing.Placement
	anna, luca, marta          *tgUser
	sw, sw2, med, farMed, admn *tgUser
	people                     map[*tgUser]housing.Person
}

func newAlertWorld(t *testing.T) *alertWorld {
	t.Helper()
	h := newHarness(t, func(c *Config) { c.Location, c.Quiet = time.UTC, alertQuiet{} })
	w := &alertWorld{harness: h, people: map[*tgUser]housing.Person{}}
	w.sw = w.person(801, housing.RoleSocialWorker, housing.DistrictBologna, "Sara")
	w.sw2 = w.person(802, housing.RoleSocialWorker, housing.DistrictBologna, "Bruno")
	w.med = w.person(803, housing.RoleMediator, housing.DistrictBologna, "Mirta")
	w.farMed = w.person(804, housing.RoleMediator, housing.DistrictSavenaIdice, "Fabio")
	w.admn = w.person(805, housing.RoleAdmin, housing.DistrictBologna, "Ada")
	w.anna = w.person(811, housing.RoleBeneficiary, housing.DistrictBologna, "Anna")
	w.luca = w.person(812, housing.RoleBeneficiary, housing.DistrictBologna, "Luca")
	w.marta = w.person(813, housing.RoleCoResident, housing.DistrictBologna, "Marta")
	ctx := context.Background()
	for _, u := range []*tgUser{w.anna, w.luca} {
		ci := &housing.CareInfo{PersonID: w.people[u].ID, TargetGroup: housing.GroupCSM, SupportIntensity: housing.IntensityLight,
			ResponsibleWorkers: []string{w.people[w.sw].ID}}
		alertNoErr(t, "PutCareInfo", h.store.PutCareInfo(ctx, ci))
	}
	w.pl = w.flat(awStart())
	w.checkIns()
	w.wire()
	return w
}

// wire builds the warning service on the current store and bot, as
// cmd/convivo does.
func (w *alertWorld) wire() {
	w.t.Helper()
	svc, err := warning.New(w.store, w.bot, warning.Config{Location: time.UTC, Workers: 1, Now: w.clock.Now}, w.logger)
	alertNoErr(w.t, "warning.New", err)
	w.svc = svc
	w.bot.SetWarning(svc)
}

// person stores an active person bound to Telegram id tid.
func (w *alertWorld) person(tid int64, role housing.Role, district, name string) *tgUser {
	w.t.Helper()
	p := w.addPerson(tid, role, func(p *housing.Person) { p.District, p.DisplayName = district, name })
	u := w.user(tid, "it")
	w.people[u] = p
	return u
}

// id returns the person id of u.
func (w *alertWorld) id(u *tgUser) string { return w.people[u].ID }

// residents returns the flat's residents' chats.
func (w *alertWorld) residents() []*tgUser { return []*tgUser{w.anna, w.luca, w.marta} }

// flat stores the shared flat and its active placement, started at start.
func (w *alertWorld) flat(start time.Time) housing.Placement {
	w.t.Helper()
	ctx := context.Background()
	w.setClock(start)
	ids := []string{w.id(w.anna), w.id(w.luca), w.id(w.marta)}
	var b housingtest.Builder
	home := b.Home(func(hm *housing.Home) {
		hm.ID, hm.Code = housing.NewID("h"), "BO-H07"
		hm.Rooms, hm.Capacity, hm.SingleRooms = 3, 3, 3
	})
	alertNoErr(w.t, "CreateHome", w.store.CreateHome(ctx, home))
	prop := b.Proposal(home, ids, func(p *housing.Proposal) { p.ID = housing.NewID("pr") })
	alertNoErr(w.t, "CreateProposal", w.store.CreateProposal(ctx, prop))
	pl, err := w.store.ApproveProposal(ctx, prop.ID, w.id(w.med), start)
	alertNoErr(w.t, "ApproveProposal", err)
	for _, to := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementActive} {
		alertNoErr(w.t, "Move", pl.Move(to, w.id(w.med), start, ""))
		alertNoErr(w.t, "UpdatePlacement", w.store.UpdatePlacement(ctx, &pl))
	}
	pl.Code, pl.ExitGoal = "PL-07", "own ERP flat"
	alertNoErr(w.t, "UpdatePlacement", w.store.UpdatePlacement(ctx, &pl))
	return pl
}

// checkIns stores eleven weeks of check-ins, answered on Sundays: Anna
// and Luca with a 4 every week, Marta until week 6, then no more.
func (w *alertWorld) checkIns() {
	w.t.Helper()
	for _, u := range w.residents() {
		for k := range 11 {
			sunday := awStart().AddDate(0, 0, 7*k+6).Add(9 * time.Hour)
			c := &housing.CheckIn{ID: fmt.Sprintf("ci_%s_%d", w.id(u), k), PersonID: w.id(u), PlacementID: w.pl.ID,
				Week: housing.ISOWeek(sunday, time.UTC), At: sunday}
			if u != w.marta || k < 7 {
				c.Mood, c.Answered = 4, true
			}
			alertNoErr(w.t, "PutCheckIn", w.store.PutCheckIn(context.Background(), c))
		}
	}
}

// setClock sets the test clock.
func (w *alertWorld) setClock(t time.Time) {
	w.clock.mu.Lock()
	defer w.clock.mu.Unlock()
	w.clock.now = t
}

// scan runs the nightly scan at night, the residents having written to
// the bot the evening before, and delivers the outbox.
func (w *alertWorld) scan(night time.Time) warning.ScanReport {
	w.t.Helper()
	w.setClock(night)
	for _, u := range w.residents() {
		seen := night.Add(-20 * time.Hour).Format(time.RFC3339)
		alertNoErr(w.t, "PutState", w.store.PutState(context.Background(), warning.SeenKey(w.id(u)), []byte(seen), 0))
	}
	rep, err := w.svc.Scan(w.ctx(), night)
	alertNoErr(w.t, "Scan", err)
	w.flush()
	return rep
}

// escalate runs the escalation at t and delivers the outbox.
func (w *alertWorld) escalate(t time.Time) warning.EscalateReport {
	w.t.Helper()
	w.setClock(t)
	rep, err := w.svc.Escalate(w.ctx(), t)
	alertNoErr(w.t, "Escalate", err)
	w.flush()
	return rep
}

// flush sends every outbox message due at the clock's time through a
// real Sender and returns how many it claimed.
func (w *alertWorld) flush() int {
	w.t.Helper()
	s := NewSender(w.client, w.store, w.logger, SenderConfig{GlobalRate: 10000, GlobalBurst: 1000,
		PrivateRate: 10000, PrivateBurst: 1000, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Clock: alertClock{w.clock}})
	total := 0
	for {
		n, err := s.pump(w.ctx())
		alertNoErr(w.t, "Sender.pump", err)
		if n == 0 {
			return total
		}
		total += n
	}
}

// alerts returns the alert messages in u's chat: those that open with
// /allerta, a photo's caption or a text.
func (u *tgUser) alerts() []tgbotapi.Message {
	var out []tgbotapi.Message
	for _, m := range u.h.srv.Sent(u.u.ID) {
		if strings.Contains(m.Caption+m.Text, "/allerta al_") && !strings.HasPrefix(m.Text, "Allerte aperte") {
			out = append(out, m)
		}
	}
	return out
}

// alertBody returns a message's text or caption.
func alertBody(m tgbotapi.Message) string { return m.Text + m.Caption }

// alertWordsRE finds anything in a message that would tell a resident
// their home was flagged.
var alertWordsRE = regexp.MustCompile(`(?i)allert|alert|rischio|\brisk|punteggio|\bscore|segnal[ie]\b|⏫|🟡|🟠|🔴|/allerta`)

// checkResidentsUnaware fails if any message to a resident says anything
// about alerts, or is a photo.
func (w *alertWorld) checkResidentsUnaware(t *testing.T) {
	t.Helper()
	for _, u := range w.residents() {
		for _, m := range w.srv.Sent(u.u.ID) {
			if s := alertWordsRE.FindString(alertBody(m)); s != "" || len(m.Photo) > 0 {
				t.Errorf("resident %d got %q (matches %q, photo %v)", u.u.ID, alertBody(m), s, len(m.Photo) > 0)
			}
		}
	}
}

// checkNoAlertsTo fails if any of users got an alert message.
func checkNoAlertsTo(t *testing.T, users ...*tgUser) {
	t.Helper()
	for _, u := range users {
		if got := u.alerts(); len(got) > 0 {
			t.Errorf("chat %d got %d alert messages; want none: %q", u.u.ID, len(got), alertBody(got[0]))
		}
	}
}

// alertNoErr fails the test on err.
func alertNoErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// pressAlert taps the button labelled label under message m of u's chat and
// returns the callback answer.
func (u *tgUser) pressAlert(m tgbotapi.Message, label string) string {
	u.h.t.Helper()
	fresh := m
	for _, x := range u.h.srv.Sent(u.u.ID) {
		if x.MessageID == m.MessageID {
			fresh = x
		}
	}
	if fresh.ReplyMarkup != nil {
		for _, row := range fresh.ReplyMarkup.InlineKeyboard {
			for _, b := range row {
				if b.Text == label && b.CallbackData != nil {
					return u.pressData(fresh.MessageID, *b.CallbackData)
				}
			}
		}
	}
	u.h.t.Fatalf("chat %d: no button %q under message %d %q", u.u.ID, label, m.MessageID, alertBody(fresh))
	return ""
}

// storedAlerts returns the placement's alerts, oldest first.
func (w *alertWorld) storedAlerts() []housing.Alert {
	w.t.Helper()
	as, err := w.store.Alerts(context.Background(), housing.AlertFilter{PlacementID: w.pl.ID})
	alertNoErr(w.t, "Alerts", err)
	return as
}
