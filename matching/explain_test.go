package matching

import (
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

var scUpdate = flag.Bool("score-update", false, "rewrite the testdata/score-* golden files")

// scCheckSums reports a broken Explanation invariant: baseline first,
// contributions summing exactly to Score, AB + BA = Contribution for
// every factor.
func scCheckSums(t *testing.T, what string, e Explanation) {
	t.Helper()
	if len(e.Factors) == 0 || e.Factors[0] != (Contribution{Key: BaselineKey, Contribution: Baseline}) {
		t.Fatalf("%s: Factors[0] = %v; want the baseline", what, e.Factors)
	}
	sum := 0
	for _, c := range e.Factors {
		sum += c.Contribution
		if c.Key != BaselineKey && c.AB+c.BA != c.Contribution {
			t.Errorf("%s: %s: AB %d + BA %d != Contribution %d", what, c.Key, c.AB, c.BA, c.Contribution)
		}
	}
	if sum != e.Score {
		t.Errorf("%s: contributions sum to %d; want Score %d (%v)", what, sum, e.Score, e.Factors)
	}
}

func TestExplainSumsExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cs := scRandCandidates(r, 300)
	homes := scRandHomes(r, 20)
	keys := Keys()
	for i := range 2000 {
		a, b := cs[r.IntN(len(cs))], cs[r.IntN(len(cs))]
		w := scRandWeights(r)
		e := Explain(a, b, w)
		scCheckSums(t, "Explain", e)
		if s := Score(a, b, w); e.Score != s {
			t.Errorf("Explain(%s, %s).Score = %d; want Score %d", a.ID(), b.ID(), e.Score, s)
		}
		h := homes[i%len(homes)]
		eh := ExplainHome(a, h, w)
		scCheckSums(t, "ExplainHome", eh)
		if s := HomeFit(a, h, w); eh.Score != s {
			t.Errorf("ExplainHome(%s, %s).Score = %d; want HomeFit %d", a.ID(), h.ID, eh.Score, s)
		}
		for _, k := range scEmittedKeys(e, eh) {
			if _, found := slices.BinarySearch(keys, k); !found {
				t.Errorf("key %q is emitted but missing from Keys()", k)
			}
		}
		if t.Failed() {
			return
		}
	}
}

// scEmittedKeys lists every key in explanations.
func scEmittedKeys(es ...Explanation) []string {
	var keys []string
	for _, e := range es {
		for _, c := range e.Factors {
			keys = append(keys, c.Key)
		}
		keys = append(keys, e.NotAnswered...)
		keys = append(keys, e.Checked...)
		for _, v := range e.Violations {
			keys = append(keys, v.Key)
		}
		for _, w := range e.Warnings {
			keys = append(keys, w.Key)
			if f, ok := w.Params["factor"]; ok {
				keys = append(keys, f)
			}
		}
	}
	return keys
}

// scRandHomes returns n random homes.
func scRandHomes(r *rand.Rand, n int) []housing.Home {
	hs := make([]housing.Home, n)
	for i := range hs {
		capacity := 1 + r.IntN(4)
		hs[i] = housing.Home{ID: "h" + string(rune('a'+i%26)) + string(rune('0'+i/26)),
			Kind:     scPick(r, housing.KindFlat, housing.KindIESA, housing.KindCohousing),
			District: scPick(r, "Bologna", "Savena Idice", "Pianura Est", "Appennino Bolognese", "Imola"),
			Capacity: capacity, Rooms: capacity, SingleRooms: r.IntN(capacity + 1), StepFree: r.IntN(2) == 0,
			MonthlyCost: 100 + 10*r.IntN(60), Support: housing.Intensity(r.IntN(4)), SmokingAllowed: r.IntN(3) == 0,
			Animals: r.IntN(3) == 0, Children: r.IntN(4) == 0, SubstanceFree: r.IntN(2) == 0, Available: r.IntN(8) > 0}
		if r.IntN(3) == 0 {
			hs[i].Occupants = []housing.Occupant{{PersonID: "x", Beneficiary: r.IntN(2) == 0}}
		}
	}
	return hs
}

func TestExplainSigns(t *testing.T) {
	a := scPerson("a", func(p *housing.Profile) { p.Tidiness, p.SleepRhythm, p.Sociability = 5, 1, 3 })
	b := scPerson("b", func(p *housing.Profile) { p.Tidiness, p.SleepRhythm, p.Sociability = 5, 5, 3 })
	w := Weights{FactorTidiness: 1, FactorSleep: 1, FactorSociability: 1, FactorCooking: 1}
	e := Explain(a, b, w)
	got := map[string]int{}
	for _, c := range e.Factors {
		got[c.Key] = c.Contribution
	}
	if got[FactorTidiness.Key()] <= 0 || got[FactorSleep.Key()] >= 0 || got[FactorSociability.Key()] <= 0 {
		t.Errorf("Explain(a, b).Factors = %v; want tidiness and sociability > 0, sleep < 0", e.Factors)
	}
	if d := got[FactorTidiness.Key()] - got[FactorSociability.Key()]; d < -1 || d > 1 {
		t.Errorf("Explain: tidiness %d, sociability %d; want equal but for rounding (same fit, same weight)",
			got[FactorTidiness.Key()], got[FactorSociability.Key()])
	}
	if diff := cmp.Diff([]string{FactorCooking.Key()}, e.NotAnswered); diff != "" {
		t.Errorf("Explain.NotAnswered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(PairConstraintKeys(), e.Checked); diff != "" {
		t.Errorf("Explain.Checked (-want +got):\n%s", diff)
	}
}

func TestExplainDirectedParts(t *testing.T) {
	// a accepts b's smoking; b would rather not live with a smoker. The
	// factor raises s(a→b) (fit 1) and lowers s(b→a) (fit 0.25); the
	// harmonic mean's move, H(1000, 250) − 500 = −100, splits by Shapley
	// value: a→b ½[(H(1000,500)−500) + (H(1000,250)−H(500,250))] = 116.7,
	// b→a the rest, −216.7.
	a := scPerson("a", func(p *housing.Profile) { p.Smoker, p.Smokers = housing.Yes, housing.AcceptFine })
	b := scPerson("b", func(p *housing.Profile) { p.Smoker, p.Smokers = housing.No, housing.AcceptRatherNot })
	e := Explain(a, b, Weights{FactorSmoking: 1})
	want := []Contribution{{Key: BaselineKey, Contribution: 500},
		{Key: FactorSmoking.Key(), Contribution: -100, AB: 117, BA: -217}}
	if diff := cmp.Diff(want, e.Factors); diff != "" {
		t.Errorf("Explain(a, b).Factors (-want +got):\n%s", diff)
	}
	if !scHasWarning(e, WarnRatherNot) {
		t.Errorf("Explain(a, b).Warnings = %v; want %s", e.Warnings, WarnRatherNot)
	}
}

func TestApportion(t *testing.T) {
	tests := []struct {
		name     string
		reals    []float64
		eligible []bool
		target   int
		want     []int
	}{
		{"exact", []float64{1, 2, 3}, []bool{true, true, true}, 6, []int{1, 2, 3}},
		{"one unit up", []float64{0.4, 0.4, 0.2}, []bool{true, true, true}, 1, []int{1, 0, 0}},
		{"one unit down", []float64{0.6, 0.6, -0.2}, []bool{true, true, true}, 1, []int{0, 1, 0}},
		{"zero stays zero", []float64{0, 2.5, 2.5}, []bool{true, true, true}, 5, []int{0, 2, 3}},
		{"ineligible untouched", []float64{9, 1.5}, []bool{false, true}, 2, []int{0, 2}},
		{"nothing eligible", []float64{1}, []bool{false}, 0, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scApportion(tt.reals, tt.eligible, tt.target)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scApportion(%v, %d) (-want +got):\n%s", tt.reals, tt.target, diff)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		e    Explanation
		want string
	}{
		{"tidiness gap", Explain(scPerson("a", func(p *housing.Profile) { p.Tidiness = 5 }),
			scPerson("b", func(p *housing.Profile) { p.Tidiness = 2 }), nil), WarnTidinessGap},
		{"no common language", Explain(scPerson("a", func(p *housing.Profile) { p.Languages = []string{"it"} }),
			scPerson("b", func(p *housing.Profile) { p.Languages = []string{"ar"} }), nil), WarnNoCommonLanguage},
		{"move-in apart", Explain(scPerson("a", func(p *housing.Profile) { p.MoveInFrom = scTestNow }),
			scPerson("b", func(p *housing.Profile) { p.MoveInFrom = scTestNow.AddDate(1, 0, 0) }), nil), WarnMoveInApart},
		{"gender wish", Explain(scPerson("a", func(p *housing.Profile) { p.GenderWish = housing.WishMen }),
			scPerson("b", func(p *housing.Profile) { p.Gender = housing.GenderWoman }), nil), WarnGenderWish},
		{"age wish", Explain(scPerson("a", func(p *housing.Profile) { p.AgeMin = 50 }),
			scPerson("b", func(p *housing.Profile) { p.BirthYear = 2000 }), nil), WarnAgeWish},
		{"budget stretched", ExplainHome(scPerson("a", func(p *housing.Profile) { p.BudgetMax = 280 }), scHome(nil), nil),
			WarnBudgetStretched},
		{"budget exceeded", ExplainHome(scPerson("a", func(p *housing.Profile) { p.BudgetMax = 200 }), scHome(nil), nil),
			WarnBudgetExceeded},
		{"support short", ExplainHome(scBenef("a", housing.CareInfo{SupportIntensity: housing.IntensityIntensive}, nil),
			scHome(nil), nil), WarnSupportShort},
		{"few answers", ExplainHome(scPerson("a", nil), scHome(nil), nil), WarnFewAnswers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !scHasWarning(tt.e, tt.want) {
				t.Errorf("Warnings = %v; want %s", tt.e.Warnings, tt.want)
			}
		})
	}
}

func TestCombine(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cs := scRandCandidates(r, 50)
	homes := scRandHomes(r, 5)
	for range 300 {
		a, b := cs[r.IntN(50)], cs[r.IntN(50)]
		parts := []Explanation{Explain(a, b, nil), ExplainHome(a, homes[0], nil), ExplainHome(b, homes[1], nil)}
		weights := []int{2, 1, 1 + r.IntN(3)}
		e, err := Combine(parts, weights)
		if err != nil {
			t.Fatalf("Combine error: %v", err)
		}
		scCheckSums(t, "Combine", e)
		want, _ := CombineScores([]int{parts[0].Score, parts[1].Score, parts[2].Score}, weights)
		if e.Score != want {
			t.Errorf("Combine.Score = %d; want CombineScores %d", e.Score, want)
		}
		union := slices.Clone(PairConstraintKeys())
		for _, k := range HomeConstraintKeys() {
			if !slices.Contains(union, k) {
				union = append(union, k)
			}
		}
		if !cmp.Equal(e.Checked, union) {
			t.Errorf("Combine.Checked = %v; want the union of pair and home keys", e.Checked)
		}
	}
	for _, weights := range [][]int{{1}, {-1, 2}, {0, 0}} {
		if _, err := Combine(make([]Explanation, 2), weights); err == nil {
			t.Errorf("Combine(2 parts, %v) error = nil; want an error", weights)
		}
	}
}

func TestBars(t *testing.T) {
	e := Explanation{Score: 560, Factors: []Contribution{{Key: BaselineKey, Contribution: 500},
		{Key: "factor.a", Contribution: 20}, {Key: "factor.b", Contribution: -45}, {Key: "factor.c"},
		{Key: "factor.d", Contribution: 85}}}
	got := e.Bars(func(k string) string { return "«" + k + "»" })
	want := []Bar{{Label: "«factor.d»", Value: 8.5}, {Label: "«factor.b»", Value: -4.5}, {Label: "«factor.a»", Value: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Bars (-want +got):\n%s", diff)
	}
}

func TestKeys(t *testing.T) {
	keys := Keys()
	if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Errorf("Keys() = %v; want sorted and unique", keys)
	}
	for _, k := range []string{BaselineKey, FactorHomeSupport.Key(), KeyGenderUnanswered, KeyBeneficiaryCap, WarnFarFromLife} {
		if !slices.Contains(keys, k) {
			t.Errorf("Keys() lacks %q", k)
		}
	}
}

// TestExplainGolden pins a few explanations: any change to factors,
// weights, rounding or keys shows up here. Run with -score-update to
// rewrite testdata/score-explain.golden after checking the diff.
func TestExplainGolden(t *testing.T) {
	cs := scRandCandidates(rand.New(rand.NewPCG(11, 12)), 8)
	homes := scRandHomes(rand.New(rand.NewPCG(13, 14)), 2)
	type named struct {
		Pair        string
		Explanation Explanation
	}
	var got []named
	for i := 0; i+1 < len(cs); i += 2 {
		got = append(got, named{cs[i].ID() + "+" + cs[i+1].ID(), Explain(cs[i], cs[i+1], nil)})
		got = append(got, named{cs[i].ID() + "@" + homes[i/4].ID, ExplainHome(cs[i], homes[i/4], nil)})
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "score-explain.golden")
	if *scUpdate {
		if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -score-update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(data)+"\n"); diff != "" {
		t.Errorf("explanations differ from %s (-want +got); use -score-update after checking:\n%s", path, diff)
	}
}
