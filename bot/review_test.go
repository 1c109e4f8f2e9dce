package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

// The review tests run the bot as production does; rounds are run through
// package rounds (as `convivo match` and the nightly job do) or /abbina,
// and the outbox is delivered through a real Sender whenever the test
// says so (flush), at the test clock's time.

// reviewClock is a Sender clock on the test clock that really sleeps.
type reviewClock struct{ c *testClock }

func (r reviewClock) Now() time.Time { return r.c.Now() }

func (r reviewClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// world is a harness with mediators in two districts, two people waiting
// in Bologna and a flat for two there.
type world struct {
	*harness
	medA, medB, medX *tgUser // Bologna, Bologna, Savena Idice
	marco, luca      *tgUser
	home             housing.Home
	people           []housing.Person
}

func newWorld(t *testing.T) *world {
	t.Helper()
	h := newHarness(t, func(c *Config) { c.Location = time.UTC })
	w := &world{harness: h}
	w.medA = w.staff(501, housing.DistrictBologna, "Anna")
	w.medB = w.staff(502, housing.DistrictBologna, "Bruno")
	w.medX = w.staff(503, housing.DistrictSavenaIdice, "Xenia")
	w.marco = w.waiting(511, "Marco")
	w.luca = w.waiting(512, "Luca")
	w.home = w.flat("BO-H1", 2)
	return w
}

// staff stores an active mediator of district.
func (w *world) staff(tid int64, district, name string) *tgUser {
	w.t.Helper()
	w.addPerson(tid, housing.RoleMediator, func(p *housing.Person) { p.District, p.DisplayName = district, name })
	return w.user(tid, "it")
}

// waiting stores a beneficiary in Bologna with a profile, bound to tid.
func (w *world) waiting(tid int64, name string) *tgUser {
	w.t.Helper()
	p := w.addPerson(tid, housing.RoleBeneficiary, func(p *housing.Person) { p.DisplayName = name })
	var b housingtest.Builder
	noErr(w.t, "PutProfile", w.store.PutProfile(context.Background(), b.Profile(p.ID)))
	w.people = append(w.people, p)
	return w.user(tid, "it")
}

// flat stores an available flat in Bologna for n people.
func (w *world) flat(code string, n int) housing.Home {
	w.t.Helper()
	var b housingtest.Builder
	home := b.Home(func(hm *housing.Home) {
		hm.ID, hm.Code, hm.Address = housing.NewID("h"), code, "Via Segreta 9, Bologna"
		hm.Rooms, hm.Capacity, hm.SingleRooms = n, n, n
	})
	noErr(w.t, "CreateHome", w.store.CreateHome(context.Background(), home))
	return *home
}

// runner returns a rounds runner on the world's store and clock.
func (w *world) runner() *rounds.Runner {
	return rounds.New(w.store, matching.WeightsConfig{}, w.clock.Now)
}

// round runs a round in Bologna, sends it to the mediators and delivers
// the outbox.
func (w *world) round() rounds.Result {
	w.t.Helper()
	res, err := w.runner().Run(context.Background(), rounds.Options{District: housing.DistrictBologna, Actor: "cli-test"})
	noErr(w.t, "Run", err)
	noErr(w.t, "NotifyRound", w.bot.NotifyRound(context.Background(), res))
	w.flush()
	return res
}

// flush delivers every outbox message due at the clock's time.
func (w *world) flush() {
	w.t.Helper()
	s := NewSender(w.client, w.store, w.logger, SenderConfig{GlobalRate: 10000, GlobalBurst: 1000,
		PrivateRate: 10000, PrivateBurst: 1000, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		Clock: reviewClock{w.clock}})
	for {
		n, err := s.pump(w.ctx())
		noErr(w.t, "Sender.pump", err)
		if n == 0 {
			return
		}
	}
}

// pressOn taps the button labelled label and returns the message it was
// under and the answer to the press.
func (u *tgUser) pressOn(label string) (int, string) {
	u.h.t.Helper()
	m, data := u.buttonData(label)
	return m.MessageID, u.pressData(m.MessageID, data)
}

// edited waits until message msgID in u's chat, as edited, contains sub.
func (u *tgUser) edited(msgID int, sub string) tgbotapi.Message {
	u.h.t.Helper()
	var found tgbotapi.Message
	_, err := u.h.srv.WaitFor(u.h.ctx(), func([]telegramtest.Call) bool {
		for _, m := range u.h.srv.Sent(u.u.ID) {
			if m.MessageID == msgID && strings.Contains(m.Text, sub) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		for _, m := range u.h.srv.Sent(u.u.ID) {
			if m.MessageID == msgID {
				u.h.t.Fatalf("chat %d: message %d does not contain %q: %q", u.u.ID, msgID, sub, m.Text)
			}
		}
		u.h.t.Fatalf("chat %d: no message %d", u.u.ID, msgID)
	}
	return found
}

// photos returns how many photos the bot sent to u.
func (u *tgUser) photos() int {
	n := 0
	for _, m := range u.h.srv.Sent(u.u.ID) {
		if len(m.Photo) > 0 {
			n++
		}
	}
	return n
}

// placements returns the placements in the store.
func (w *world) placements() []housing.Placement {
	w.t.Helper()
	pls, err := w.store.ListPlacements(context.Background(), housing.PlacementFilter{})
	noErr(w.t, "ListPlacements", err)
	return pls
}

// checkPlain fails if a message to a resident carries staff words, case
// codes or the home's address.
func checkPlain(t *testing.T, u *tgUser, address string) {
	t.Helper()
	staffy := regexp.MustCompile(`(?i)\bBO-\d|diagnos|psichiatr|dipendenz|farmac|beneficiar|utent|pazient|SerDP|CSM`)
	for _, m := range u.h.srv.Sent(u.u.ID) {
		if w := staffy.FindString(m.Text); w != "" {
			t.Errorf("message to %d carries %q: %q", u.u.ID, w, m.Text)
		}
		if address != "" && strings.Contains(m.Text, address) {
			t.Errorf("message to %d carries the home's address: %q", u.u.ID, m.Text)
		}
	}
}

func TestRoundReachesTheDistrictsMediators(t *testing.T) {
	w := newWorld(t)
	w.medA.say("/abbina")
	w.medA.expect("Abbinamento fatto in Bologna: 1 proposte nuove")
	w.flush()
	for _, med := range []*tgUser{w.medA, w.medB} {
		card := med.expect("📋 Proposta: BO-H1")
		for _, want := range []string{"BO-0511 Marco", "BO-0512 Luca", "Compatibilità:", "Punti di forza:"} {
			if !strings.Contains(card.Text, want) {
				t.Errorf("card to %d = %q; want %q in it", med.u.ID, card.Text, want)
			}
		}
		if med.photos() != 1 {
			t.Errorf("mediator %d got %d charts; want 1", med.u.ID, med.photos())
		}
		med.buttonData("✅ Approva")
		med.buttonData("🔎 Dettagli")
	}
	if n := len(w.srv.Sent(w.medX.u.ID)); n != 0 {
		t.Errorf("the Savena Idice mediator got %d messages about Bologna", n)
	}
	// Sending the same round again sends nothing new.
	props, err := w.store.ListProposals(context.Background(), housing.ProposalFilter{})
	noErr(t, "ListProposals", err)
	noErr(t, "NotifyRound", w.bot.NotifyRound(context.Background(), rounds.Result{Proposals: props}))
	w.flush()
	if n := w.medA.sentCount("📋 Proposta"); n != 1 {
		t.Errorf("mediator got the card %d times; want once", n)
	}
	w.medX.say("/proposte")
	w.medX.expect("Nessuna proposta in attesa in Savena Idice")
	w.medB.say("/proposte")
	w.medB.expect("1 proposte in attesa in Bologna")
	if !w.hasAction("proposal.read") {
		t.Errorf("no audit entry for the mediators' read of the proposal")
	}
	w.marco.say("/proposte")
	w.marco.expect("Questo non si può fare")
}

// approved runs a round and has mediator A approve its proposal.
func (w *world) approved() housing.Placement {
	w.t.Helper()
	w.round()
	card, got := w.medA.pressOn("✅ Approva")
	if !strings.Contains(got, "Approvata") {
		w.t.Fatalf("approve answered %q", got)
	}
	if m := w.medA.edited(card, "✅ Approvata da BO-0501 Anna"); m.ReplyMarkup != nil && len(m.ReplyMarkup.InlineKeyboard) > 0 {
		w.t.Errorf("the approved card still has buttons")
	}
	w.flush()
	pls := w.placements()
	if len(pls) != 1 || pls[0].Status != housing.PlacementIntroduced {
		w.t.Fatalf("placements after approval = %+v; want one being introduced", pls)
	}
	return pls[0]
}

func TestApproveMeetTrialStart(t *testing.T) {
	w := newWorld(t)
	pl := w.approved()
	if sent := w.medA.expect("Ho chiesto a"); !strings.Contains(sent.Text, "BO-0511 Marco") || !strings.Contains(sent.Text, "BO-0512 Luca") {
		t.Errorf("mediator told %q; want both people named", sent.Text)
	}
	ask := w.marco.expect("Ti andrebbe di incontrarvi?")
	if !strings.Contains(ask.Text, "conoscere Luca, che cerca casa anche in zona Bologna") {
		t.Errorf("introduction = %q; want Luca's first name and the district", ask.Text)
	}
	w.luca.expect("conoscere Marco")
	w.marco.press("Sì, mi va")
	w.marco.expect("Bene! Lo dico a chi ti segue")
	w.luca.press("Sì, mi va")
	w.luca.expect("Bene!")
	w.flush()
	w.medA.expect("Tutti hanno detto sì")
	checkPlain(t, w.marco, "Via Segreta")
	checkPlain(t, w.luca, "Via Segreta")

	w.medA.press("📅 Fissa l'incontro")
	w.medA.expect("Quando è l'incontro?")
	w.medA.say("31/02 10:00")
	w.medA.expect("Non ho capito giorno e ora")
	w.medA.say("3/12 16:30")
	w.medA.expect("Incontro il 03/12/2026 alle 16:30. Dove?")
	w.medA.say("Casa di quartiere, via Roma 1")
	w.medA.expect("Incontro fissato")
	w.flush()
	w.marco.expect("L'incontro è fissato: 03/12/2026 alle 16:30, a Casa di quartiere, via Roma 1")
	w.luca.expect("via Roma 1")

	w.clock.Advance(6 * 24 * time.Hour) // the meeting went well
	w.medA.press("🧪 Inizia una prova")
	w.medA.expect("Fino a quando dura la prova?")
	w.medA.press("2 settimane")
	w.medA.expect("Prova iniziata")
	w.flush()
	w.luca.expect("periodo di prova")
	start := w.clock.Now()

	w.clock.Advance(14 * 24 * time.Hour) // the buttons of two weeks ago have expired: fresh ones
	w.medA.say("/convivenza BO-H1")
	w.medA.expect("Fine della prova: " + start.AddDate(0, 0, 14).Format("02/01/2006"))
	w.medA.press("🏠 Inizia la convivenza")
	w.medA.expect("obiettivo di uscita")
	w.medA.press("Casa ERP propria")
	review := start.AddDate(0, housing.DefaultReviewAfter, 0)
	w.medA.expect("Revisione il " + review.Format("02/01/2006"))
	w.flush()
	w.marco.expect("benvenuti a casa")
	checkPlain(t, w.marco, "Via Segreta")

	got, err := w.store.Placement(context.Background(), pl.ID)
	noErr(t, "Placement", err)
	if got.Status != housing.PlacementActive || !got.ReviewDate.Equal(review) || got.ExitGoal != "own ERP flat" {
		t.Errorf("placement = %s, review %v, goal %q; want active, %v, own ERP flat", got.Status, got.ReviewDate, got.ExitGoal, review)
	}
	var path []housing.PlacementStatus
	for _, tr := range got.History {
		path = append(path, tr.To)
		if tr.By == "" || tr.At.IsZero() {
			t.Errorf("transition %+v lacks who or when", tr)
		}
	}
	want := []housing.PlacementStatus{housing.PlacementProposed, housing.PlacementIntroduced, housing.PlacementTrial, housing.PlacementActive}
	if !slices.Equal(path, want) {
		t.Errorf("history = %v; want %v", path, want)
	}
	w.medA.say("/convivenze")
	w.medA.expect("revisione il " + review.Format("02/01/2006"))
	w.medA.say("/convivenza BO-0512")
	card := w.medA.expect("Storia:")
	if !strings.Contains(card.Text, "Obiettivo di uscita: Casa ERP propria") || !strings.Contains(card.Text, "prova → attiva") {
		t.Errorf("placement card = %q", card.Text)
	}
	if !w.hasAction("placement.read") || !w.hasAction("introduction.answer") {
		t.Errorf("audit log lacks the placement read or the answers: %v", w.auditActions())
	}
}

func TestIntroductionDeclined(t *testing.T) {
	w := newWorld(t)
	pl := w.approved()
	w.marco.press("Sì, mi va")
	w.marco.expect("Bene!")
	w.luca.press("No, grazie")
	w.luca.expect("Va bene, grazie di avermelo detto")
	w.flush()
	w.medA.expect("BO-0512 Luca ha detto di no")
	w.marco.expect("non si farà, per ora")
	if n := w.luca.sentCount("non si farà"); n != 0 {
		t.Errorf("the person who declined was told the meeting is off %d times", n)
	}
	got, err := w.store.Placement(context.Background(), pl.ID)
	noErr(t, "Placement", err)
	if got.Status != housing.PlacementEnded || got.Outcome != housing.OutcomeDeclined {
		t.Errorf("placement = %s/%s; want ended/declined", got.Status, got.Outcome)
	}
	home, err := w.store.Home(context.Background(), w.home.ID)
	noErr(t, "Home", err)
	if home.Free() != 2 {
		t.Errorf("home has %d free places after the no; want 2", home.Free())
	}
	if res := w.round(); len(res.Proposals) != 0 {
		t.Errorf("round after the no proposed %+v; want nothing", res.Proposals)
	}
	w.medA.press("🔓 Si può riproporre")
	w.medA.expect("Fatto: i prossimi abbinamenti")
	if res := w.round(); len(res.Proposals) != 1 {
		t.Errorf("round after clearing proposed %d; want 1", len(res.Proposals))
	}
}

func TestRejectWithReasonExcludes(t *testing.T) {
	w := newWorld(t)
	res := w.round()
	card, _ := w.medA.pressOn("❌ Rifiuta")
	w.medA.edited(card, "Perché la rifiuti?")
	w.medA.press("Abitudini incompatibili")
	w.medA.edited(card, "Vuoi aggiungere due parole?")
	w.medA.say("ritmi troppo  diversi")
	w.medA.expect("Proposta rifiutata")
	w.medA.edited(card, "❌ Rifiutata da BO-0501 Anna")
	p, err := w.store.Proposal(context.Background(), res.Proposals[0].ID)
	noErr(t, "Proposal", err)
	if p.Status != housing.ProposalRejected || p.Reason != "habits: ritmi troppo diversi" {
		t.Errorf("proposal = %s, reason %q; want rejected with the reason", p.Status, p.Reason)
	}
	// The other mediator opens the decided proposal: who and when.
	answer := w.medB.press("🔎 Dettagli")
	if !strings.Contains(answer, "Rifiutata da BO-0501 Anna il 26/11/2026") {
		t.Errorf("second mediator's press answered %q; want who decided and when", answer)
	}
	if again := w.round(); len(again.Proposals) != 0 {
		t.Errorf("round after the rejection = %+v; want nothing", again.Proposals)
	}
	if w.medA.sentCount("non verranno riproposte") != 1 {
		t.Errorf("mediator not told what a rejection does")
	}
}

func TestAlternativesAndDetails(t *testing.T) {
	w := newWorld(t)
	w.waiting(513, "Paola")
	w.waiting(514, "Rita")
	w.flat("BO-H2", 2)
	w.round()
	card, _ := w.medA.pressOn("🔁 Alternative")
	alt := w.medA.edited(card, "🔁 Alternative alla proposta")
	for _, want := range []string{"• con BO-05", "/100", "Per la casa", "[non più libero]"} {
		if !strings.Contains(alt.Text, want) {
			t.Errorf("alternatives = %q; want %q in it", alt.Text, want)
		}
	}
	w.medA.press("← Torna alla proposta")
	w.medA.edited(card, "Punti di forza")
	w.medA.press("🔎 Dettagli")
	details := w.medA.edited(card, "Tutti i fattori")
	if !strings.Contains(details.Text, "Vincoli controllati") || !strings.Contains(details.Text, "Ordine") {
		t.Errorf("details = %q", details.Text)
	}
	member := regexp.MustCompile(`Persone: BO-\d+ (\w+)`).FindStringSubmatch(details.Text)
	if member == nil {
		t.Fatalf("details name no member: %q", details.Text)
	}
	w.medA.say("Zeno")
	w.medA.expect("Non trovo nessuno con «Zeno»")
	w.medA.say(member[1])
	w.medA.expect("fa già parte di questa proposta")
	w.medA.say("/annulla")
	w.medA.expect("Va bene, mi fermo")
	if !w.hasAction("proposal.alternatives") || !w.hasAction("proposal.details") {
		t.Errorf("audit log lacks the alternatives or details read: %v", w.auditActions())
	}
}

func TestTwoMediatorsDecideAtOnce(t *testing.T) {
	w := newWorld(t)
	w.round()
	answers := make([]string, 2)
	var wg sync.WaitGroup
	for i, med := range []*tgUser{w.medA, w.medB} {
		m, data := med.buttonData("✅ Approva")
		wg.Go(func() { answers[i] = med.pressData(m.MessageID, data) })
	}
	wg.Wait()
	won := 0
	for _, a := range answers {
		switch {
		case strings.HasPrefix(a, "Approvata:"):
			won++
		case !strings.Contains(a, "Approvata da BO-050"):
			t.Errorf("losing mediator was answered %q; want who decided", a)
		}
	}
	if won != 1 || len(w.placements()) != 1 {
		t.Errorf("%d approvals won, %d placements (answers %q); want exactly one", won, len(w.placements()), answers)
	}
}

func TestConcurrentApprovalsNeverExceedCapacity(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	last := w.flat("BO-H9", 1)
	noErr(t, "UpdateHome", func() error { // only the one-place flat is open
		h := w.home
		h.Available = false
		return w.store.UpdateHome(ctx, &h)
	}())
	var props []housing.Proposal
	var b housingtest.Builder
	for _, p := range w.people {
		prop := b.Proposal(&last, []string{p.ID}, func(pr *housing.Proposal) { pr.ID = housing.NewID("pr") })
		noErr(t, "CreateProposal", w.store.CreateProposal(ctx, prop))
		props = append(props, *prop)
	}
	noErr(t, "NotifyRound", w.bot.NotifyRound(ctx, rounds.Result{Proposals: props}))
	w.flush()
	answers := make([]string, 2)
	var wg sync.WaitGroup
	for i, med := range []*tgUser{w.medA, w.medB} {
		// Each mediator approves a different proposal for the last room.
		var msgID int
		var data string
		for _, m := range w.srv.Sent(med.u.ID) {
			if strings.Contains(m.Text, props[i].ID) {
				msgID = m.MessageID
				data = *m.ReplyMarkup.InlineKeyboard[0][0].CallbackData
			}
		}
		wg.Go(func() { answers[i] = med.pressData(msgID, data) })
	}
	wg.Wait()
	home, err := w.store.Home(ctx, last.ID)
	noErr(t, "Home", err)
	if len(home.Occupants) != 1 || len(w.placements()) != 1 {
		t.Errorf("home has %d occupants and %d placements (answers %q); want 1 and 1", len(home.Occupants), len(w.placements()), answers)
	}
	if !slices.ContainsFunc(answers, func(a string) bool { return strings.Contains(a, "Non c'è più posto") }) {
		t.Errorf("answers = %q; want one told there is no room", answers)
	}
}

func TestParseReviewDate(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in       string
		needTime bool
		want     string // RFC 3339, "" for not ok
	}{
		{"03/12 16:30", true, "2026-12-03T16:30:00Z"},
		{"3.12.2027 alle 9", true, "2027-12-03T09:00:00Z"},
		{"03/12", true, ""},
		{"03/12", false, "2026-12-03T20:00:00Z"},
		{"10/01", false, "2027-01-10T20:00:00Z"},
		{"31/02 10:00", true, ""},
		{"domani", false, ""},
		{"3/13", false, ""},
	} {
		got, ok := parseReviewDate(tc.in, now, time.UTC, tc.needTime)
		s := ""
		if ok {
			s = got.Format(time.RFC3339)
		}
		if s != tc.want {
			t.Errorf("parseReviewDate(%q, %t) = %q; want %q", tc.in, tc.needTime, s, tc.want)
		}
	}
}

func TestReviewCatalogs(t *testing.T) {
	read := func(lang housing.Lang) map[string]string {
		t.Helper()
		raw, err := locales.ReadFile(fmt.Sprintf("locales/review.%s.json", lang))
		noErr(t, "read catalog", err)
		var m map[string]string
		noErr(t, "parse catalog", json.Unmarshal(raw, &m))
		return m
	}
	it, en := read(housing.LangIT), read(housing.LangEN)
	for id, text := range it {
		if _, ok := en[id]; !ok {
			t.Errorf("%q is missing in English", id)
		} else if !slices.Equal(placeholders(text), placeholders(en[id])) {
			t.Errorf("%q has different placeholders in Italian and English", id)
		}
	}
	for id := range en {
		if _, ok := it[id]; !ok {
			t.Errorf("%q is missing in Italian", id)
		}
	}
	for _, key := range append(matching.Keys(), matching.UnplacedNoHome, matching.UnplacedNoMatch) {
		if _, ok := it[key]; !ok {
			t.Errorf("engine key %q has no translation", key)
		}
	}
	// What residents read: no staff words, no health words.
	banned := regexp.MustCompile(`(?i)\b(utent[ei]|pazient[ei]|beneficiar\w*|cas[oi]\b|diagnos\w*|dipendenz\w*|farmac\w*|users?|patients?|cases?|addict\w*|medication)`)
	for id, text := range it {
		if strings.HasPrefix(id, "review.intro.") || strings.HasSuffix(id, ".people") {
			for _, s := range []string{text, en[id]} {
				if w := banned.FindString(s); w != "" {
					t.Errorf("%q tells residents %q: %q", id, w, s)
				}
			}
		}
	}
}
