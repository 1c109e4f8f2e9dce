package bot

import (
	"context"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
)

// TestWithdrawalStopsMessages: after Luca withdraws his consent, the only
// message he gets is the confirmation. What was queued for him goes, and
// the jobs (rota, chore reminders, check-ins, outing reminders) write to
// his housemates but not to him.
func TestWithdrawalStopsMessages(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(761, "Anna", "Luca", "Sara")
	luca, lucaID := f.users[1], f.people[1].ID
	ctx := context.Background()
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0)) // summaries wait for 08:00
	before, err := h.store.OutboxDepth(ctx)
	noErr(t, "OutboxDepth", err)
	outing := &housing.Outing{ID: "o_cinema", Title: "Cinema", At: time.Date(2026, time.December, 5, 21, 0, 0, 0, h.loc),
		Place: "Piazza Maggiore", Organiser: f.people[0].ID, Invitees: []string{f.people[0].ID, lucaID},
		Replies: []housing.Reply{{PersonID: f.people[0].ID, Answer: housing.AnswerYes, At: h.clock.Now()},
			{PersonID: lucaID, Answer: housing.AnswerYes, At: h.clock.Now()}},
		Status: housing.OutingPlanned, CreatedAt: h.clock.Now(), UpdatedAt: h.clock.Now()}
	noErr(t, "PutOuting", h.store.PutOuting(ctx, outing))

	h.at(2026, time.November, 30, 7, 0)
	luca.say("/privacy")
	luca.expect("Telegram non è un canale riservato")
	luca.press("Ritiro il consenso")
	luca.expect("Hai ritirato il consenso")
	after, err := h.store.OutboxDepth(ctx)
	noErr(t, "OutboxDepth", err)
	if before-after < 1 {
		t.Errorf("outbox depth %d before the withdrawal, %d after; want Luca's summary dropped", before, after)
	}
	got := len(h.srv.Sent(luca.u.ID))

	h.at(2026, time.November, 30, 8, 0)
	h.deliver()
	for d := range 7 {
		h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.November, 30+d, 9, 0))
		h.deliver()
	}
	h.run("OutingRemindersJob", h.bot.OutingRemindersJob, h.at(2026, time.December, 4, 18, 0))
	h.deliver()
	h.run("CheckInJob", h.bot.CheckInJob, h.at(2026, time.December, 6, 18, 0))
	h.deliver()

	for _, m := range h.srv.Sent(luca.u.ID)[got:] {
		t.Errorf("Luca got a message after withdrawing: %q", m.Text)
	}
	anna := f.users[0]
	for _, want := range []string{"Buona settimana", reminderText, "Domani alle 21:00: Cinema", "Come sta andando la vita insieme"} {
		if anna.sentCount(want) == 0 {
			t.Errorf("Anna got no %q: the jobs did not run for the household", want)
		}
	}
}
