package matching

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/quick"
	"time"

	"github.com/convivo/convivo/housing"
)

// scTestNow is the reference time of test candidates' ages.
var scTestNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// scPick returns a random element of xs.
func scPick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// scSubset returns a random subset of xs, empty with probability pEmpty.
func scSubset(r *rand.Rand, pEmpty float64, xs ...string) []string {
	if r.Float64() < pEmpty {
		return nil
	}
	var out []string
	for _, x := range xs {
		if r.IntN(3) == 0 {
			out = append(out, x)
		}
	}
	return out
}

// scRandProfile returns a random profile in which any answer may be missing.
func scRandProfile(r *rand.Rand, id string) housing.Profile {
	yn := func() housing.YesNo { return scPick(r, housing.Unanswered, housing.Yes, housing.No, housing.No) }
	acc := func() housing.Acceptance {
		return scPick(r, housing.AcceptUnanswered, housing.AcceptFine, housing.AcceptFine,
			housing.AcceptRatherNot, housing.AcceptNever)
	}
	lv := func() housing.Level { return housing.Level(r.IntN(6)) }
	p := housing.Profile{
		PersonID: id, StayNear: yn(), Smoker: yn(), Smokers: acc(), HasPets: yn(), Pets: acc(), Children: acc(),
		SleepRhythm: lv(), Tidiness: lv(), Sociability: lv(), Noise: lv(), Guests: lv(), SharedCooking: lv(),
		Languages:  scSubset(r, 0.1, "it", "en", "ar", "fr", "es", "ro", "ur", "zh"),
		Interests:  scSubset(r, 0.2, "music", "cooking", "football", "cinema", "walks", "books", "games", "art", "garden"),
		Districts:  scSubset(r, 0.3, "Bologna", "Savena Idice", "Pianura Est", "Appennino Bolognese", "Imola"),
		Gender:     scPick(r, housing.GenderUnanswered, housing.GenderWoman, housing.GenderMan, housing.GenderOther),
		GenderWish: scPick(r, housing.WishAny, housing.WishAny, housing.WishWomen, housing.WishMen, housing.WishSame),
		GenderHard: r.IntN(6) == 0, AgeHard: r.IntN(6) == 0, StepFree: yn(), SingleRoom: yn(),
	}
	if r.IntN(5) > 0 {
		p.BirthYear = 1950 + r.IntN(55)
	}
	if r.IntN(2) == 0 {
		p.AgeMin, p.AgeMax = 20+r.IntN(30), 0
		if r.IntN(2) == 0 {
			p.AgeMax = p.AgeMin + r.IntN(30)
		}
	}
	if r.IntN(4) > 0 {
		p.BudgetMax = 150 + 10*r.IntN(80)
	}
	if r.IntN(4) > 0 {
		p.MoveInFrom = scTestNow.AddDate(0, 0, r.IntN(200))
	}
	if r.IntN(3) > 0 {
		p.MoveInTo = scTestNow.AddDate(0, 0, 200+r.IntN(200))
	}
	p.HousingForms = []housing.HomeKind(nil)
	if r.IntN(2) == 0 {
		p.HousingForms = []housing.HomeKind{scPick(r, housing.KindFlat, housing.KindIESA, housing.KindCohousing)}
	}
	return p
}

// scRandCandidates returns n random candidates with ids p0000…, about a
// third of them with care information, some with exclusions and rejections.
func scRandCandidates(r *rand.Rand, n int) []Candidate {
	cs := make([]Candidate, n)
	for i := range cs {
		id := fmt.Sprintf("p%04d", i)
		person := housing.Person{ID: id, Role: housing.RoleCoResident,
			District: scPick(r, "Bologna", "Reno Lavino Samoggia", "Savena Idice", "Pianura Ovest", "Imola")}
		var care *housing.CareInfo
		if r.IntN(3) == 0 {
			person.Role = housing.RoleBeneficiary
			care = &housing.CareInfo{PersonID: id,
				TargetGroup:      scPick(r, housing.GroupCSM, housing.GroupCSM, housing.GroupSerDP),
				SupportIntensity: housing.Intensity(r.IntN(4)), SubstanceFree: r.IntN(4) == 0}
			if r.IntN(4) == 0 {
				care.Exclusions = []string{fmt.Sprintf("p%04d", r.IntN(n))}
			}
		}
		cs[i] = NewCandidate(person, scRandProfile(r, id), care, scTestNow)
		if r.IntN(8) == 0 {
			cs[i] = cs[i].WithRejected(fmt.Sprintf("p%04d", r.IntN(n)))
		}
	}
	return cs
}

// scPerson returns a candidate with the given profile edits and no care.
func scPerson(id string, edit func(p *housing.Profile)) Candidate {
	p := housing.Profile{PersonID: id}
	if edit != nil {
		edit(&p)
	}
	return NewCandidate(housing.Person{ID: id, Role: housing.RoleCoResident, District: "Bologna"}, p, nil, scTestNow)
}

func TestFitFunctions(t *testing.T) {
	tests := []struct {
		name      string
		got, want int
	}{
		{"ordinal equal", scOrdFit(3, 3), 1000},
		{"ordinal 1 apart", scOrdFit(2, 3), 750},
		{"ordinal extremes", scOrdFit(1, 5), 0},
		{"ordinal missing a", scOrdFit(0, 3), scMissing},
		{"ordinal missing b", scOrdFit(3, 0), scMissing},
		{"noise within tolerance", scNoiseFit(4, 3, 4), 1000},
		{"noise one level over", scNoiseFit(2, 3, 3), 750},
		{"noise only guests", scNoiseFit(1, 5, 0), 0},
		{"noise tolerance missing", scNoiseFit(0, 3, 3), scMissing},
		{"noise nothing said", scNoiseFit(3, 0, 0), scMissing},
		{"accept absent", scAcceptFit(scNever, scNo), 1000},
		{"accept fine", scAcceptFit(scFine, scYes), 1000},
		{"accept rather not", scAcceptFit(scRather, scYes), 250},
		{"accept never", scAcceptFit(scNever, scYes), 0},
		{"accept unanswered", scAcceptFit(0, scYes), scMissing},
		{"accept trait unanswered", scAcceptFit(scFine, 0), scMissing},
		{"languages none shared", scLangFit(2, 2, 0, 4), 0},
		{"languages one of three", scLangFit(2, 2, 1, 3), 800},
		{"languages identical", scLangFit(1, 1, 1, 1), 1000},
		{"languages missing", scLangFit(0, 2, 0, 2), scMissing},
		{"jaccard", scSetFit(3, 3, 2, 4), 500},
		{"jaccard disjoint", scSetFit(1, 2, 0, 3), 0},
		{"jaccard rounds half up", scSetFit(2, 2, 1, 3), 333},
		{"jaccard missing", scSetFit(2, 0, 0, 2), scMissing},
		{"age inside", scAgeFit(25, 40, 30), 1000},
		{"age 3 below", scAgeFit(25, 40, 22), 700},
		{"age no upper bound", scAgeFit(25, 0, 80), 1000},
		{"age far above", scAgeFit(25, 40, 60), 0},
		{"age no wish", scAgeFit(0, 0, 30), scNoWish},
		{"age unknown", scAgeFit(25, 40, 0), scMissing},
		{"gender fits", scGenderFit(scWishWomen, scMan, scWoman), 1000},
		{"gender does not fit", scGenderFit(scWishWomen, scWoman, scMan), 0},
		{"gender same", scGenderFit(scWishSame, scOther, scOther), 1000},
		{"gender same, own unanswered", scGenderFit(scWishSame, 0, scWoman), scMissing},
		{"gender no wish", scGenderFit(0, scWoman, scMan), scNoWish},
		{"gender other unanswered", scGenderFit(scWishMen, scMan, 0), scMissing},
		{"move-in same window", scMoveInFit(10, 19, 10, 19, true, true), 1000},
		{"move-in half of shorter", scMoveInFit(0, 99, 90, 109, true, true), 500},
		{"move-in inside longer", scMoveInFit(0, 99, 40, 49, true, true), 1000},
		{"move-in disjoint", scMoveInFit(0, 9, 20, 29, true, true), 0},
		{"move-in missing", scMoveInFit(0, 9, 0, 9, true, false), scMissing},
		{"budget equal", scBudgetFit(400, 400), 1000},
		{"budget 200 apart", scBudgetFit(400, 600), 750},
		{"budget a range apart", scBudgetFit(200, 1000), 0},
		{"budget missing", scBudgetFit(0, 400), scMissing},
		{"cost within budget", scCostFit(400, 350), 1000},
		{"cost 15% over", scCostFit(400, 460), 500},
		{"cost 30% over", scCostFit(400, 520), 0},
		{"cost no budget", scCostFit(0, 350), scMissing},
		{"support exact", scSupportFit(2, 2), 1000},
		{"support surplus", scSupportFit(1, 3), 800},
		{"support one short", scSupportFit(2, 1), 600},
		{"support no care", scSupportFit(-1, 3), scNoWish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("fit = %d; want %d", tt.got, tt.want)
			}
		})
	}
}

func TestDistrictProximity(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Bologna", "bologna ", 1000},
		{"Bologna", "Savena Idice", 600},
		{"Savena Idice", "Bologna", 600},
		{"Reno Lavino Samoggia", "Appennino Bolognese", 600},
		{"Pianura Est", "Pianura Ovest", 600},
		{"Pianura Est", "Appennino Bolognese", 200},
		{"Savena Idice", "Pianura Ovest", 200},
		{"Imola", "Bologna", 200},
		{"Imola", "imola", 1000},
	}
	for _, tt := range tests {
		if got := DistrictProximity(tt.a, tt.b); got != tt.want {
			t.Errorf("DistrictProximity(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestMissingAnswerLeftOut checks Gower's rule: a factor missing an answer
// on either side does not move the score, whatever its weight.
func TestMissingAnswerLeftOut(t *testing.T) {
	w := Weights{FactorTidiness: 1, FactorSleep: 3}
	a := scPerson("a", func(p *housing.Profile) { p.Tidiness = 5; p.SleepRhythm = 1 })
	b := scPerson("b", func(p *housing.Profile) { p.Tidiness = 4 })
	if got, want := Directed(a, b, w), 750; got != want {
		t.Errorf("Directed(a, b) = %d; want %d (sleep unanswered by b left out)", got, want)
	}
	none := scPerson("c", nil)
	if got := Directed(a, none, w); got != Baseline {
		t.Errorf("Directed(a, nobody) = %d; want Baseline %d", got, Baseline)
	}
	e := Explain(a, b, w)
	if !slices.Contains(e.NotAnswered, FactorSleep.Key()) {
		t.Errorf("Explain(a, b).NotAnswered = %v; want it to list %s", e.NotAnswered, FactorSleep.Key())
	}
	if !scHasWarning(e, WarnFewAnswers) {
		t.Errorf("Explain(a, b).Warnings = %v; want %s (3 of 4 weight unanswered)", e.Warnings, WarnFewAnswers)
	}
}

func scHasWarning(e Explanation, key string) bool {
	for _, w := range e.Warnings {
		if w.Key == key {
			return true
		}
	}
	return false
}

// TestDirectedVsMutual: a finds b fine, b does not find a fine; the mutual
// score is their harmonic mean, below the arithmetic mean.
func TestDirectedVsMutual(t *testing.T) {
	w := Weights{FactorSmoking: 1, FactorTidiness: 1}
	a := scPerson("a", func(p *housing.Profile) {
		p.Smoker, p.Smokers, p.Tidiness = housing.Yes, housing.AcceptFine, 3
	})
	b := scPerson("b", func(p *housing.Profile) {
		p.Smoker, p.Smokers, p.Tidiness = housing.No, housing.AcceptRatherNot, 3
	})
	ab, ba := Directed(a, b, w), Directed(b, a, w)
	if ab != 1000 || ba != 625 {
		t.Errorf("Directed(a, b), Directed(b, a) = %d, %d; want 1000, 625", ab, ba)
	}
	if got, want := Score(a, b, w), 769; got != want { // 2·1000·625/1625 = 769.2
		t.Errorf("Score(a, b) = %d; want %d", got, want)
	}
	if Score(a, b, w) != Score(b, a, w) {
		t.Errorf("Score(a, b) = %d != Score(b, a) = %d", Score(a, b, w), Score(b, a, w))
	}
}

func TestScoreSymmetricAndDeterministic(t *testing.T) {
	prop := func(seed uint64) bool {
		r := rand.New(rand.NewPCG(seed, 7))
		cs := scRandCandidates(r, 2)
		w := scRandWeights(r)
		s := Score(cs[0], cs[1], w)
		return s == Score(cs[1], cs[0], w) && s == Score(cs[0], cs[1], w) && s >= 0 && s <= 1000
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
}

// scRandWeights returns default weights or random ones.
func scRandWeights(r *rand.Rand) Weights {
	if r.IntN(2) == 0 {
		return nil
	}
	w := Weights{}
	for _, f := range Factors() {
		w[f] = float64(r.IntN(5)) / 2
	}
	w[FactorTidiness] = 1
	return w
}

func TestHarmonic(t *testing.T) {
	tests := []struct{ x, y, want int }{
		{1000, 1000, 1000}, {500, 500, 500}, {0, 0, 0}, {1000, 0, 0}, {900, 100, 180}, {800, 600, 686},
	}
	for _, tt := range tests {
		if got := scHarmonic(tt.x, tt.y); got != tt.want {
			t.Errorf("scHarmonic(%d, %d) = %d; want %d", tt.x, tt.y, got, tt.want)
		}
	}
}
