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

func TestInterviewEnglish(t *testing.T) {
	h := newHarness(t)
	u := h.user(102, "en")
	u.say("/start " + h.invite(housing.RoleCoResident))
	u.expect("Before we start")
	u.press("I agree")
	u.expect("Thank you, Grace!")
	u.run([]step{
		{expect: "1/26", press: []string{"A shared flat", "A cohousing with shared spaces", "Done"}},
		{expect: "2/26", press: []string{"Pianura Est", "Done"}},
		{expect: "3/26", press: []string{"Skip"}},
		{expect: "4/26", press: []string{"Yes"}},
		{expect: "5/26", press: []string{"That's fine"}},
		{expect: "6/26", press: []string{"No"}},
		{expect: "7/26", press: []string{"No, never"}},
		{expect: "8/25", press: []string{"5 · Very late"}},
		{expect: "9/25", press: []string{"3 · Just enough"}},
		{expect: "10/25", press: []string{"4 · I like it"}},
		{expect: "11/25", press: []string{"5 · Noise doesn't bother me"}},
		{expect: "12/25", press: []string{"4 · Often"}},
		{expect: "13/25", press: []string{"1 · I prefer to do my own"}},
		{expect: "14/25", say: "English, Spanish"},
		{expect: "15/25", press: []string{"Skip"}},
		{expect: "16/25", press: []string{"Skip"}},
		{expect: "17/25", press: []string{"Anyone is fine"}},
		{expect: "18/24", press: []string{"Skip"}},
		{expect: "19/24", press: []string{"It doesn't matter"}},
		{expect: "20/23", press: []string{"Yes"}},
		{expect: "21/23", press: []string{"No"}},
		{expect: "22/23", say: "a lot"},
		{expect: "Please write just a number, for example 300.", say: "1.200"},
		{expect: "23/23", press: []string{"Later"}},
	})
	u.expect("I have saved your answers")

	p := u.person()
	if p.Role != housing.RoleCoResident || p.Language != housing.LangEN || p.DisplayName != "Grace" {
		t.Errorf("person = %+v; want English co-resident Grace", p)
	}
	now := h.clock.Now()
	want := housing.Profile{
		PersonID:      p.ID,
		HousingForms:  []housing.HomeKind{housing.KindFlat, housing.KindCohousing},
		Districts:     []string{housing.DistrictPianuraEst},
		Smoker:        housing.Yes,
		Smokers:       housing.AcceptFine,
		HasPets:       housing.No,
		Pets:          housing.AcceptNever,
		SleepRhythm:   5,
		Tidiness:      3,
		Sociability:   4,
		Noise:         5,
		Guests:        4,
		SharedCooking: 1,
		Languages:     []string{"en", "es"},
		StepFree:      housing.Yes,
		SingleRoom:    housing.No,
		BudgetMax:     1200,
		MoveInFrom:    time.Date(2027, 5, 26, 0, 0, 0, 0, time.UTC),
		UpdatedAt:     now,
		Version:       1,
	}
	if diff := cmp.Diff(want, u.storedProfile()); diff != "" {
		t.Errorf("stored profile (-want +got):\n%s", diff)
	}
	if n := u.sentCount("Prima di cominciare"); n != 0 {
		t.Errorf("an English speaker got %d Italian notices", n)
	}
}

func TestInterviewHost(t *testing.T) {
	h := newHarness(t)
	u := h.user(103, "it")
	u.join(housing.RoleHost)
	u.run([]step{
		{expect: "1/7", say: "tre"},
		{expect: "Scrivi solo un numero da 1 a 20, per esempio 3.", say: "3"},
		{expect: "2/7", say: "1"},
		{expect: "3/7", press: []string{"No"}},
		{expect: "4/7", press: []string{"Sì"}},
		{expect: "5/7", press: []string{"No"}},
		{expect: "6/7", press: []string{"Compagnia e due chiacchiere", "Pasti insieme", "Fatto"}},
		{expect: "7/7", say: "Cerco una persona tranquilla."},
	})
	u.expect("Ho salvato le tue risposte")
	got := u.storedProfile()
	want := &housing.HostProfile{HouseholdSize: 3, Rooms: 1, Children: housing.No, Animals: housing.Yes, Smokers: housing.No,
		Support: []housing.SupportKind{housing.SupportCompany, housing.SupportMeals}, Expectations: "Cerco una persona tranquilla."}
	if diff := cmp.Diff(want, got.Host); diff != "" {
		t.Errorf("stored host profile (-want +got):\n%s", diff)
	}
	if got.Smoker != "" || len(got.HousingForms) != 0 {
		t.Errorf("host profile has resident answers: %+v", got)
	}
}

func TestInterviewResumesAfterRestart(t *testing.T) {
	h := newHarness(t)
	u := h.user(104, "it")
	u.join(housing.RoleBeneficiary)
	script := italianInterview()
	u.run(script[:5])
	h.restart() // the keyboard of question 6 was sent by the old Bot
	u.run(script[5:9])
	h.restart()
	u.say("/start") // asks the current question again, with fresh buttons
	u.expect("10/26")
	u.run(script[9:])
	u.expect("Ho salvato le tue risposte")
	p := u.person()
	if diff := cmp.Diff(italianProfile(p.ID, h.clock.Now()), u.storedProfile()); diff != "" {
		t.Errorf("stored profile (-want +got):\n%s", diff)
	}
}

func TestProfileEdit(t *testing.T) {
	h := newHarness(t)
	u := h.user(105, "it")
	u.join(housing.RoleBeneficiary)
	u.run(italianInterview())
	u.expect("Ho salvato le tue risposte")

	u.say("/profilo")
	u.expect("Ecco le tue risposte")
	u.press("Cambia: Abitudini")
	u.run([]step{
		{expect: "1/5", press: []string{"Sì"}},
		{expect: "2/5", press: []string{"Va bene"}},
		{expect: "3/5", press: []string{"No"}},
		{expect: "4/5", press: []string{"Preferirei di no"}},
		{expect: "5/5", press: []string{"Va bene"}},
	})
	summary := u.expect("ho salvato le modifiche")
	if !strings.Contains(summary.Text, "Fumi: Sì") {
		t.Errorf("summary %q does not show the new answer", summary.Text)
	}
	p := u.person()
	want := italianProfile(p.ID, h.clock.Now())
	want.Smoker, want.Smokers, want.HasPets, want.Pets, want.Children =
		housing.Yes, housing.AcceptFine, housing.No, housing.AcceptRatherNot, housing.AcceptFine
	want.Version = 2
	if diff := cmp.Diff(want, u.storedProfile()); diff != "" {
		t.Errorf("after changing the habits (-want +got):\n%s", diff)
	}

	// Without IESA the children answer no longer applies and is cleared.
	u.press("Cambia: La casa")
	u.run([]step{
		{expect: "1/3", press: []string{"Vivere con una famiglia che ospita", "Fatto"}},
		{expect: "2/3", press: []string{"Fatto"}},
		{expect: "3/3", press: []string{"No"}},
	})
	u.expect("ho salvato le modifiche")
	want.HousingForms, want.StayNear, want.Children, want.Version = []housing.HomeKind{housing.KindFlat}, housing.No, "", 3
	if diff := cmp.Diff(want, u.storedProfile()); diff != "" {
		t.Errorf("after changing the home (-want +got):\n%s", diff)
	}
	writes := 0
	for _, a := range h.auditActions() {
		if a == "profile.write" {
			writes++
		}
	}
	if writes != 3 {
		t.Errorf("audit log has %d profile.write entries; want 3", writes)
	}
}

func TestCancelKeepsSavedAnswers(t *testing.T) {
	h := newHarness(t)
	u := h.user(106, "it")
	u.join(housing.RoleBeneficiary)
	u.run(italianInterview()[:3])
	u.say("/annulla")
	u.expect("mi fermo qui")
	if !u.noState() {
		t.Errorf("conversation kept after /annulla: %+v", u.conv())
	}
	if _, err := h.store.Profile(context.Background(), u.person().ID); err == nil {
		t.Errorf("Profile exists after cancelling the first interview; want none saved")
	}
	u.say("/annulla")
	u.expect("Non c'è niente da fermare")
	u.say("/profilo")
	u.expect("1/26")
}

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"300", 300, true}, {" 300 ", 300, true}, {"300 €", 300, true}, {"€300", 300, true},
		{"euro 450", 450, true}, {"1.200", 1200, true}, {"0", 0, true},
		{"", 0, false}, {"tanti", 0, false}, {"12,5", 0, false}, {"-5", 0, false}, {"+5", 0, false},
		{"1.20", 0, false}, {"9999999999", 0, false}, {"3 4", 0, false},
	} {
		got, ok := parseNumber(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseNumber(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseLanguages(t *testing.T) {
	for _, tc := range []struct {
		in            string
		codes, unknow []string
	}{
		{"italiano, arabo e inglese", []string{"it", "ar", "en"}, nil},
		{"English and Spanish", []string{"en", "es"}, nil},
		{"it en fr", []string{"it", "en", "fr"}, nil},
		{"Italiano; italiano / IT", []string{"it"}, nil},
		{"farsi, klingon", []string{"fa"}, []string{"klingon"}},
		{"", nil, nil},
	} {
		codes, unknown := parseLanguages(tc.in)
		if diff := cmp.Diff(tc.codes, codes); diff != "" {
			t.Errorf("parseLanguages(%q) codes (-want +got):\n%s", tc.in, diff)
		}
		if diff := cmp.Diff(tc.unknow, unknown); diff != "" {
			t.Errorf("parseLanguages(%q) unknown (-want +got):\n%s", tc.in, diff)
		}
	}
}
