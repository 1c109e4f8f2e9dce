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
