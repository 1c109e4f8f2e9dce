package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// onlyOuting returns the one outing in the store.
func onlyOuting(t *testing.T, h *lifeHarness) housing.Outing {
	t.Helper()
	outs, err := h.store.Outings(context.Background(), housing.OutingFilter{})
	noErr(t, "Outings", err)
	if len(outs) != 1 {
		t.Fatalf("%d outings stored; want 1", len(outs))
	}
	return outs[0]
}

func TestOutingWaitlistRemindersAttendance(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(701, "Anna", "Luca", "Sara")
	anna, luca, sara := f.users[0], f.users[1], f.users[2]
	med := mediatorInvites(h, 710, "BO-H701")
	h.deliver()
	for _, u := range f.users {
		if m := u.expect("Un'uscita di gruppo"); !strings.Contains(m.Text, "Porta Santo Stefano") || !strings.Contains(m.Text, "15:30") {
			t.Errorf("invitation = %q", m.Text)
		}
	}
	anna.press("Sì 🙂")
	anna.expect("Ci sei!")
	luca.press("Sì 🙂")
	luca.expect("Ci sei!")
	sara.press("Sì 🙂")
	sara.expect("lista d'attesa (numero 1)")
	luca.press("No") // fresh buttons under the invitation: answers can change
	luca.expect("prossima volta")
	h.deliver()
	sara.expect("Si è liberato un posto")
	o := onlyOuting(t, h)
	if diff := cmp.Diff([]string{f.people[0].ID, f.people[2].ID}, o.Confirmed()); diff != "" || len(o.Waitlist) != 0 {
		t.Errorf("confirmed (-want +got):\n%s; waitlist %v", diff, o.Waitlist)
	}

	for _, step := range []struct {
		day, hour, minute int
		want              string // sent to Anna and Sara, never to Luca
	}{
		{4, 17, 45, ""},
		{4, 18, 0, "Domani alle 15:30"},
		{4, 18, 15, ""},
		{5, 13, 30, "Tra poco, alle 15:30"},
		{5, 15, 0, ""},
	} {
		slot := h.at(2026, time.December, step.day, step.hour, step.minute)
		h.run("OutingRemindersJob", h.bot.OutingRemindersJob, slot)
		h.run("OutingRemindersJob", h.bot.OutingRemindersJob, slot)
		sent := h.deliver()
		switch {
		case step.want == "" && sent != 0:
			t.Errorf("%v: %d reminders; want none", slot, sent)
		case step.want != "" && sent != 2:
			t.Errorf("%v: %d reminders; want 2", slot, sent)
		case step.want != "":
			anna.expect(step.want)
			sara.expect(step.want)
		}
	}
	if n := len(luca.texts("15:30")) - 1; n != 0 { // the invitation only
		t.Errorf("Luca, who said no, got %d reminders", n)
	}

	h.run("OutingRemindersJob", h.bot.OutingRemindersJob, h.at(2026, time.December, 5, 17, 30))
	h.deliver()
	med.expect("Com'è andata")
	med.press("BO-0703 Sara") // untick
	med.press("Salva")
	med.expect("ho segnato chi è venuto (1)")
	o = onlyOuting(t, h)
	if o.Status != housing.OutingHeld || !cmp.Equal(o.Attended, []string{f.people[0].ID}) {
		t.Errorf("after attendance: %s, attended %v; want held, Anna", o.Status, o.Attended)
	}
	if !h.hasAction("life.outing-attendance") {
		t.Errorf("the mediator's attendance was not audited")
	}
}

// mediatorInvites has a mediator create an outing on Saturday 5 December
// at 15:30 with two places for the home coded home, and returns them.
func mediatorInvites(h *lifeHarness, tid int64, home string) *tgUser {
	h.t.Helper()
	h.addPerson(tid, housing.RoleMediator)
	med := h.user(tid, "it")
	h.at(2026, time.November, 26, 10, 0)
	med.say("/uscita")
	med.expect("Come si chiama l'uscita")
	med.say("Passeggiata ai Giardini")
	med.expect("Quando?")
	med.say("31/11 15:30")
	med.expect("Non ho capito la data")
	med.say("5/12 15:30")
	med.expect("Dove vi trovate")
	med.say("Porta Santo Stefano")
	med.expect("Chi inviti?")
	med.press(home)
	med.press("Fatto")
	med.expect("Quanti posti")
	med.say("2")
	med.expect("Ecco l'invito")
	med.press("Sì, manda l'invito")
	med.expect("Ho invitato 3 persone")
	return med
}

func TestResidentInvitesTheirHome(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(721, "Anna", "Luca")
	anna, luca := f.users[0], f.users[1]
	h.at(2026, time.November, 26, 10, 0)
	anna.say("/uscita")
	anna.expect("Come si chiama")
	anna.say("Pizza insieme")
	anna.expect("Quando?")
	anna.say("28/11 alle 20.00")
	anna.expect("Dove vi trovate")
	anna.say("Pizzeria in via Zamboni")
	anna.expect("Quanti posti")
	anna.press("Senza limite")
	anna.expect("Ecco l'invito")
	anna.press("Sì, manda l'invito")
	anna.expect("Ho invitato 1 persona:")
	h.deliver()
	luca.expect("Pizza insieme")
	if n := len(anna.texts("Un'uscita di gruppo")); n != 0 {
		t.Errorf("the organiser was invited to her own outing")
	}
	o := onlyOuting(t, h)
	if o.Answer(f.people[0].ID) != housing.AnswerYes || o.Capacity != 0 || len(o.Invitees) != 2 {
		t.Errorf("outing = %+v; want Anna in, no limit, two invitees", o)
	}
	anna.say("/uscita")
	anna.expect("Come si chiama")
	anna.say("/annulla")
	anna.expect("non ho creato nessuna uscita")
}

func TestParseWhen(t *testing.T) {
	loc := rome(t)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, loc)
	for _, tc := range []struct {
		in   string
		want time.Time // zero: refused
	}{
		{"5/12 15:30", time.Date(2026, 12, 5, 15, 30, 0, 0, loc)},
		{"05.12.2026 9:05", time.Date(2026, 12, 5, 9, 5, 0, 0, loc)},
		{"5-12-26, alle 20.00", time.Date(2026, 12, 5, 20, 0, 0, 0, loc)},
		{"26/11 9:00", time.Date(2027, 11, 26, 9, 0, 0, 0, loc)}, // passed this year: next year
		{"26/11/2026 9:00", time.Time{}},                         // in the past
		{"31/11 15:30", time.Time{}},
		{"5/12 25:00", time.Time{}},
		{"5/12/2028 10:00", time.Time{}}, // more than a year ahead
		{"sabato alle 3", time.Time{}},
	} {
		got, ok := parseWhen(tc.in, now, loc)
		if ok != !tc.want.IsZero() || (ok && !got.Equal(tc.want)) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
}
