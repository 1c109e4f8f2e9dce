package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

func TestNightlyRoundJob(t *testing.T) {
	w := newWorld(t)
	slot := w.clock.Now()
	noErr(t, "NightlyRoundJob", w.bot.NightlyRoundJob(context.Background(), slot))
	noErr(t, "NightlyRoundJob again", w.bot.NightlyRoundJob(context.Background(), slot))
	w.flush()
	w.medA.expect("📋 Proposta: BO-H1")
	if n := w.medB.sentCount("📋 Proposta"); n != 1 {
		t.Errorf("second mediator got %d cards; want 1", n)
	}
	props, err := w.store.ListProposals(context.Background(), housing.ProposalFilter{})
	noErr(t, "ListProposals", err)
	if len(props) != 1 {
		t.Errorf("two runs of the nightly round stored %d proposals; want 1", len(props))
	}
}

// TestPlacementJobAfterTheCommandLine follows a round and an approval made
// at a desk: the job sends the proposal, introduces the approved
// placement, and later brings its review date to the mediators.
func TestPlacementJobAfterTheCommandLine(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	res, err := w.runner().Run(ctx, rounds.Options{District: housing.DistrictBologna, Actor: "cli-desk"})
	noErr(t, "Run", err)
	job := func() {
		t.Helper()
		noErr(t, "PlacementJob", w.bot.PlacementJob(ctx, w.clock.Now()))
		w.flush()
	}
	job()
	w.medA.expect("📋 Proposta: BO-H1")
	desk := rounds.Actor{ID: "cli-desk", Role: housing.RoleMediator}
	pl, err := w.runner().Approve(ctx, res.Proposals[0].ID, desk)
	noErr(t, "Approve", err)
	job()
	job() // a second run asks nobody twice
	if n := w.marco.sentCount("Ti andrebbe di incontrarvi?"); n != 1 {
		t.Errorf("Marco was asked %d times; want once", n)
	}
	w.medB.expect("Ho chiesto a") // an approval from a desk: every mediator of the district hears
	for _, u := range []*tgUser{w.marco, w.luca} {
		u.press("Sì, mi va")
	}
	_, err = w.runner().ScheduleMeeting(ctx, pl.ID, w.clock.Now().Add(48*time.Hour), "Biblioteca Salaborsa", desk)
	noErr(t, "ScheduleMeeting", err)
	job()
	w.clock.Advance(72 * time.Hour)
	_, err = w.runner().Start(ctx, pl.ID, desk, rounds.StartOptions{ExitGoal: "flat for two"})
	noErr(t, "Start", err)
	job()
	job()
	for _, news := range []string{"Biblioteca Salaborsa", "benvenuti a casa"} {
		if n := w.luca.sentCount(news); n != 1 {
			t.Errorf("Luca was told %q %d times; want once", news, n)
		}
	}

	w.clock.Advance(183 * 24 * time.Hour)
	job()
	due := w.medA.expect("è arrivata la data di revisione")
	if !strings.Contains(due.Text, "BO-H1") {
		t.Errorf("review message = %q; want the home", due.Text)
	}
	w.medA.press("⏩ Proroga 3 mesi")
	w.medA.expect("Prorogata: nuova revisione il")
	got, err := w.store.Placement(ctx, pl.ID)
	noErr(t, "Placement", err)
	if got.Status != housing.PlacementActive || !got.ReviewDate.After(w.clock.Now().AddDate(0, 2, 0)) {
		t.Errorf("after extending: %s, review %v; want active, three months on", got.Status, got.ReviewDate)
	}

	w.medA.say("/convivenza " + pl.ID)
	w.medA.expect("Stato: attiva")
	w.medA.press("🚚 Qualcuno si sposta")
	w.medA.expect("Chi si sposta?")
	w.medA.press("BO-0512 Luca")
	w.medA.expect("BO-0512 Luca lascia la casa")
	w.medA.say("/convivenza BO-H1")
	if card := w.medA.expect("Stato: attiva"); !strings.Contains(card.Text, "Persone: BO-0511 Marco\n") {
		t.Errorf("Luca still listed after moving out: %q", card.Text)
	}
	w.medA.press("🏁 Chiudi")
	w.medA.expect("Come si chiude")
	w.medA.press("Uscita in autonomia")
	w.medA.expect("Convivenza chiusa (Uscita in autonomia)")
	home, err := w.store.Home(ctx, w.home.ID)
	noErr(t, "Home", err)
	if home.Free() != 2 {
		t.Errorf("home has %d free places after everyone left; want 2", home.Free())
	}
	w.medA.say("/convivenze")
	w.medA.expect("Nessuna convivenza aperta in Bologna")
}

func TestReviewInEnglish(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, id := range []int64{w.medA.u.ID, w.marco.u.ID} {
		p, err := w.store.PersonByTelegramID(ctx, id)
		noErr(t, "PersonByTelegramID", err)
		p.Language = housing.LangEN
		noErr(t, "UpdatePerson", w.store.UpdatePerson(ctx, &p))
	}
	w.round()
	card := w.medA.expect("📋 Proposal: BO-H1 (shared flat, Bologna)")
	if !strings.Contains(card.Text, "Compatibility: 99.6/100") || !strings.Contains(card.Text, "Strongest:") {
		t.Errorf("English card = %q", card.Text)
	}
	msg, _ := w.medA.pressOn("🔎 Details")
	w.medA.edited(msg, "Every factor (points out of 100)")
	w.medA.press("✅ Approve")
	w.flush()
	ask := w.marco.expect("Would you like to meet?")
	if !strings.Contains(ask.Text, "suggests you meet Luca, who is also looking for a home in the Bologna area") {
		t.Errorf("English introduction = %q", ask.Text)
	}
	w.luca.expect("Ti andrebbe di incontrarvi?")
	w.marco.press("No, thank you")
	w.marco.expect("thank you for telling me")
	checkPlain(t, w.marco, "Via Segreta")
}
