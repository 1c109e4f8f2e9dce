package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// step is one exchange of a scripted conversation: wait for a message
// containing expect, then press buttons or type an answer.
type step struct {
	expect string
	press  []string
	say    string
}

// run plays steps.
func (u *tgUser) run(steps []step) {
	u.h.t.Helper()
	for _, s := range steps {
		u.expect(s.expect)
		for _, label := range s.press {
			if answer := u.press(label); answer != "" {
				u.h.t.Fatalf("pressing %q under %q answered %q", label, s.expect, answer)
			}
		}
		if s.say != "" {
			u.say(s.say)
		}
	}
}

// italianInterview answers every question of a beneficiary in Italian,
// with a wrong typed answer, a Back and a toggle taken back on the way.
func italianInterview() []step {
	return []step{
		{expect: "1/26", press: []string{"Un appartamento condiviso", "Vivere con una famiglia che ospita", "Fatto"}},
		{expect: "2/26", press: []string{"Bologna", "Savena Idice", "Fatto"}},
		{expect: "3/26", press: []string{"Sì"}},
		{expect: "4/26", press: []string{"No"}},
		{expect: "5/26", press: []string{"Preferirei di no"}},
		{expect: "6/26", press: []string{"Sì"}},
		{expect: "7/26", press: []string{"Va bene"}},
		{expect: "8/26", press: []string{"No, mai"}},
		{expect: "9/26", press: []string{"2 · Presto"}},
		{expect: "10/26", press: []string{"4 · Abbastanza"}},
		{expect: "11/26", press: []string{"3 · Un po' e un po'"}},
		{expect: "12/26", press: []string{"1 · Ho bisogno di silenzio"}},
		{expect: "13/26", press: []string{"2 · Ogni tanto"}},
		{expect: "14/26", press: []string{"5 · Moltissimo"}},
		{expect: "15/26", say: "klingon"},
		{expect: "Non conosco: klingon", say: "italiano, arabo e inglese"},
		{expect: "16/26", press: []string{"Musica", "Camminare", "Cucinare", "Musica", "Fatto"}},
		{expect: "17/26", press: []string{"Indietro"}},
		{expect: "16/26", press: []string{"Fatto"}},
		{expect: "17/26", press: []string{"Donna"}},
		{expect: "18/26", press: []string{"Con donne"}},
		{expect: "19/26", press: []string{"No"}},
		{expect: "20/26", say: "mille"},
		{expect: "Scrivi l'anno con quattro cifre", say: "1985"},
		{expect: "21/26", press: []string{"Tra 30 e 45 anni"}},
		{expect: "22/26", press: []string{"Sì"}},
		{expect: "23/26", press: []string{"No"}},
		{expect: "24/26", press: []string{"Sì"}},
		{expect: "25/26", say: "tanti"},
		{expect: "Scrivi solo un numero, per esempio 300", say: "350 €"},
		{expect: "26/26", press: []string{"Entro 3 mesi"}},
	}
}

// italianProfile is what italianInterview stores for personID.
func italianProfile(personID string, now time.Time) housing.Profile {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return housing.Profile{
		PersonID:      personID,
		HousingForms:  []housing.HomeKind{housing.KindIESA, housing.KindFlat},
		Districts:     []string{housing.DistrictBologna, housing.DistrictSavenaIdice},
		StayNear:      housing.Yes,
		Smoker:        housing.No,
		Smokers:       housing.AcceptRatherNot,
		HasPets:       housing.Yes,
		Pets:          housing.AcceptFine,
		Children:      housing.AcceptNever,
		SleepRhythm:   2,
		Tidiness:      4,
		Sociability:   3,
		Noise:         1,
		Guests:        2,
		SharedCooking: 5,
		Languages:     []string{"it", "ar", "en"},
		Interests:     []string{"cooking", "walking"},
		Gender:        housing.GenderWoman,
		GenderWish:    housing.WishWomen,
		BirthYear:     1985,
		AgeMin:        30,
		AgeMax:        45,
		AgeHard:       true,
		StepFree:      housing.No,
		SingleRoom:    housing.Yes,
		BudgetMax:     350,
		MoveInFrom:    day,
		MoveInTo:      day.AddDate(0, 3, 0),
		UpdatedAt:     now,
		Version:       1,
	}
}

// storedProfile returns u's saved profile.
func (u *tgUser) storedProfile() housing.Profile {
	u.h.t.Helper()
	p, err := u.h.store.Profile(context.Background(), u.person().ID)
	if err != nil {
		u.h.t.Fatalf("Profile: %v", err)
	}
	return p
}

func TestInterviewItalian(t *testing.T) {
	h := newHarness(t)
	u := h.user(101, "it")
	u.say("/start " + h.invite(housing.RoleBeneficiary))
	notice := u.expect("Prima di cominciare")
	for _, want := range []string{"Telegram non è un canale riservato", "/privacy", "Chi le vede"} {
		if !strings.Contains(notice.Text, want) {
			t.Errorf("notice %q lacks %q", notice.Text, want)
		}
	}
	u.press("Accetto")
	u.expect("Grazie, Giulia!")
	u.run(italianInterview())
	u.expect("Ho salvato le tue risposte")
	if first := h.srv.Sent(u.u.ID)[3].Text; !strings.Contains(first, "1/26") || !strings.Contains(first, "Te lo chiedo") {
		t.Errorf("first question %q does not say why it is asked", first)
	}

	p := u.person()
	if p.Role != housing.RoleBeneficiary || p.Status != housing.StatusActive || p.Language != housing.LangIT ||
		p.DisplayName != "Giulia" || p.District != housing.DistrictBologna {
		t.Errorf("person = %+v; want an active Italian beneficiary Giulia in Bologna", p)
	}
	want := italianProfile(p.ID, h.clock.Now())
	if diff := cmp.Diff(want, u.storedProfile()); diff != "" {
		t.Errorf("stored profile (-want +got):\n%s", diff)
	}
	consents, err := h.store.Consents(context.Background(), p.ID)
	if err != nil || len(consents) != 1 || consents[0].Decision != housing.ConsentAccepted ||
		consents[0].TextVersion != ConsentTextVersion || consents[0].Language != housing.LangIT {
		t.Errorf("Consents = %+v, %v; want one accepted %s record in Italian", consents, err, ConsentTextVersion)
	}
	for _, a := range []string{"invitation.redeem", "person.create", "consent.accepted", "profile.write"} {
		if !h.hasAction(a) {
			t.Errorf("audit log %v lacks %q", h.auditActions(), a)
		}
	}
	if !u.noState() {
		t.Errorf("conversation state kept after the interview: %+v", u.conv())
	}
}
