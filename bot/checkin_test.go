package bot

import (
	"context"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
)

// checkInOf returns person's check-ins.
func checkInOf(t *testing.T, h *lifeHarness, person string) []housing.CheckIn {
	t.Helper()
	cs, err := h.store.CheckIns(context.Background(), housing.CheckInFilter{PersonID: person})
	noErr(t, "CheckIns", err)
	return cs
}

func TestWeeklyCheckIn(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(801, "Anna", "Luca", "Sara")
	anna, luca := f.users[0], f.users[1]
	annaID, lucaID := f.people[0].ID, f.people[1].ID

	h.run("CheckInJob", h.bot.CheckInJob, h.at(2026, time.December, 6, 17, 0)) // before the chosen hour
	if n := h.deliver(); n != 0 {
		t.Errorf("%d questions before Sunday 18:00", n)
	}
	sunday := h.at(2026, time.December, 6, 18, 0)
	h.run("CheckInJob", h.bot.CheckInJob, sunday)
	h.run("CheckInJob", h.bot.CheckInJob, sunday)
	h.run("CheckInJob", h.bot.CheckInJob, h.at(2026, time.December, 6, 19, 0))
	if n := h.deliver(); n != 3 {
		t.Errorf("%d questions sent; want one each", n)
	}
	for _, u := range f.users {
		u.expect("Come sta andando la vita insieme")
	}

	h.at(2026, time.December, 6, 18, 20)
	anna.press("4 🙂")
	anna.expect("Vuoi aggiungere qualcosa")
	anna.say("Tutto bene, solo un po' di rumore la sera")
	anna.expect("l'ho salvato")
	luca.press("2 🙁")
	luca.expect("Vuoi aggiungere qualcosa")
	luca.press("Vorrei parlare con chi mi segue")
	luca.expect("ti contatterà presto")

	if cs := checkInOf(t, h, annaID); len(cs) != 1 || cs[0].Mood != 4 || cs[0].Note == "" || cs[0].Week != "2026-W49" {
		t.Errorf("Anna's check-ins = %+v; want mood 4 with a note in 2026-W49", cs)
	}
	if cs := checkInOf(t, h, lucaID); len(cs) != 1 || cs[0].Mood != 2 || !cs[0].WantsTalk {
		t.Errorf("Luca's check-ins = %+v; want mood 2 and a request to talk", cs)
	}
	events, err := h.store.Events(context.Background(), housing.EventFilter{PersonID: lucaID})
	noErr(t, "Events", err)
	hooked := h.events.all()
	if len(events) != 1 || events[0].Kind != housing.EventTalk || events[0].PlacementID != f.placement.ID {
		t.Errorf("events = %+v; want one talk request on the placement", events)
	}
	if len(hooked) != 1 || hooked[0].ID != events[0].ID {
		t.Errorf("OnEvent got %+v; want the stored event once", hooked)
	}
	seen, err := h.store.GetState(context.Background(), seenKey(annaID))
	if err != nil || string(seen) != "2026-12-06T17:20:00Z" {
		t.Errorf("seen:%s = %q, %v; want the time of her last message", annaID, seen, err)
	}

	closeAndAnswerLate(t, h, f)
}

// closeAndAnswerLate checks that Sara's unanswered week is recorded as
// such two days after the question, once, and that her late answer
// replaces the record.
func closeAndAnswerLate(t *testing.T, h *lifeHarness, f testHome) {
	t.Helper()
	sara, annaID, saraID := f.users[2], f.people[0].ID, f.people[2].ID
	for _, day := range []int{7, 8} {
		h.run("CheckInCloseJob", h.bot.CheckInCloseJob, h.at(2026, time.December, day, 7, 0))
	}
	if cs := checkInOf(t, h, saraID); len(cs) != 0 {
		t.Errorf("Sara's week closed too early: %+v", cs)
	}
	wed := h.at(2026, time.December, 9, 7, 0)
	h.run("CheckInCloseJob", h.bot.CheckInCloseJob, wed)
	h.run("CheckInCloseJob", h.bot.CheckInCloseJob, wed)
	cs := checkInOf(t, h, saraID)
	if len(cs) != 1 || cs[0].Answered || cs[0].Week != "2026-W49" {
		t.Fatalf("Sara's check-ins = %+v; want one unanswered for 2026-W49", cs)
	}
	if got := checkInOf(t, h, annaID); len(got) != 1 || !got[0].Answered {
		t.Errorf("closing the week touched Anna's answer: %+v", got)
	}

	// A late answer replaces the record.
	h.at(2026, time.December, 9, 10, 0)
	sara.press("3 😐")
	sara.expect("Vuoi aggiungere qualcosa")
	sara.press("Niente da aggiungere")
	sara.expect("alla prossima settimana")
	if cs := checkInOf(t, h, saraID); len(cs) != 1 || !cs[0].Answered || cs[0].Mood != 3 {
		t.Errorf("after a late answer Sara's check-ins = %+v", cs)
	}
}
