package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/convivo/convivo/housing"
)

// Contribution is one factor's signed share of a score, in thousandths.
type Contribution struct {
	Key          string // BaselineKey or a factor's key, e.g. "factor.tidiness"
	Contribution int    // AB + BA, except for the baseline (which has AB = BA = 0)
	AB           int    // the part that came through s(a→b) (for a home: all of it)
	BA           int    // the part that came through s(b→a)
}

// Warning is a tolerance that was stretched but not broken, or an answer
// gap worth a mediator's look: a translation key ("warn.…") and parameters
// (ids as "who", "other", "home"; figures as decimal strings).
type Warning struct {
	Key    string
	Params map[string]string
}

// Explanation says why a score is what it is. Factors opens with the
// neutral Baseline (key BaselineKey) followed by every answered factor in
// Factors() order, and the Contribution fields sum exactly to Score.
type Explanation struct {
	Score       int
	Factors     []Contribution
	NotAnswered []string // keys of weighted factors left out in both directions ("not answered")
	Checked     []string // keys of the hard constraints checked
	Violations  []Reason // the hard constraints that remove the option; empty when allowed
	Warnings    []Warning
}

// The warning keys.
const (
	WarnFewAnswers       = "warn.few_answers"        // who answered less than MinAnsweredShare of the weight; share
	WarnTidinessGap      = "warn.tidiness_gap"       // tidiness answers 3 or more apart; gap
	WarnRatherNot        = "warn.rather_not"         // who would rather not live with this; factor (a factor key)
	WarnGenderWish       = "warn.gender_wish"        // other's gender is outside who's (soft) wish
	WarnAgeWish          = "warn.age_wish"           // other's age is outside who's (soft) range; years
	WarnMoveInApart      = "warn.move_in_apart"      // the move-in windows do not overlap; days
	WarnNoCommonLanguage = "warn.no_common_language" // both named languages and share none
	WarnBudgetStretched  = "warn.budget_stretched"   // the home costs up to 15% more than who's budget; percent
	WarnBudgetExceeded   = "warn.budget_exceeded"    // the home costs more than 15% over who's budget; percent
	WarnSupportShort     = "warn.support_short"      // the home gives one level less support than needed; need, offered
	WarnFarFromLife      = "warn.far_from_life"      // who asked to stay near; the home is far from their district
)

// MinAnsweredShare is the percentage of weight that must be answered in a
// direction for its score to stand without a WarnFewAnswers warning.
const MinAnsweredShare = 50

// Keys returns every translation key the package emits (factor,
// constraint and warning keys), sorted, so that a catalogue can be checked
// for completeness.
func Keys() []string {
	keys := []string{BaselineKey}
	for _, f := range Factors() {
		keys = append(keys, f.Key())
	}
	keys = append(keys, scConstraintKeys()...)
	keys = append(keys, WarnFewAnswers, WarnTidinessGap, WarnRatherNot, WarnGenderWish, WarnAgeWish,
		WarnMoveInApart, WarnNoCommonLanguage, WarnBudgetStretched, WarnBudgetExceeded,
		WarnSupportShort, WarnFarFromLife)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Explain returns the mutual score of a and b with its factor breakdown,
// the constraints checked (and any that remove the pair), and warnings.
//
// Contributions are relative to Baseline. Within a direction, factor f
// moves s(a→b) by w_f·(x_f − 0.5)/Σw; the mutual harmonic mean's own move
// is split between the two directions by their Shapley values (the average
// of each direction's marginal effect with the other at baseline and at its
// real value), and each direction's share is spread over its factors in
// proportion to their moves. The real-valued shares are rounded by largest
// remainder (ties in factor order, a→b first) so they sum exactly to
// Score − Baseline.
func Explain(a, b Candidate, w Weights) Explanation {
	cw := scCompile(w)
	fab, fba := scPairFits(&a, &b), scPairFits(&b, &a)
	pw := cw[:scNumPair]
	sab, denAB := scWeighted(fab[:], pw)
	sba, denBA := scWeighted(fba[:], pw)
	score := scHarmonic(sab, sba)
	dab, realAB := scMoves(fab[:], pw, denAB)
	dba, realBA := scMoves(fba[:], pw, denBA)
	rAB, rBA := scShapleyRates(realAB, realBA)
	reals := make([]float64, 2*scNumPair)
	for i := range scNumPair {
		reals[2*i], reals[2*i+1] = rAB*dab[i], rBA*dba[i]
	}
	eligible := make([]bool, 2*scNumPair)
	for i := range scNumPair {
		eligible[2*i], eligible[2*i+1] = fab[i] >= 0 && pw[i] > 0, fba[i] >= 0 && pw[i] > 0
	}
	parts := scApportion(reals, eligible, score-Baseline)
	e := Explanation{Score: score, Checked: PairConstraintKeys()}
	e.Factors = append(e.Factors, Contribution{Key: BaselineKey, Contribution: Baseline})
	for i, f := range PairFactors() {
		switch {
		case eligible[2*i] || eligible[2*i+1]:
			ab, ba := parts[2*i], parts[2*i+1]
			e.Factors = append(e.Factors, Contribution{Key: f.Key(), Contribution: ab + ba, AB: ab, BA: ba})
		case pw[i] > 0 && (fab[i] == scMissing || fba[i] == scMissing):
			e.NotAnswered = append(e.NotAnswered, f.Key())
		}
	}
	_, e.Violations = CheckPair(a, b)
	e.Warnings = scPairWarnings(&a, &b, fab[:], pw, denAB)
	e.Warnings = append(e.Warnings, scPairWarnings(&b, &a, fba[:], pw, denBA)...)
	e.Warnings = append(e.Warnings, scSymmetricWarnings(&a, &b, fab[:])...)
	return e
}

// scMoves returns each factor's move of a directed score away from
// Baseline, w_f·(x_f − 500)/den, and the directed score's real move.
func scMoves(fits []int, w []int64, den int64) (moves []float64, total float64) {
	moves = make([]float64, len(fits))
	if den == 0 {
		return moves, 0
	}
	for i, x := range fits {
		if x >= 0 && w[i] > 0 {
			moves[i] = float64(w[i]) * float64(x-Baseline) / float64(den)
			total += moves[i]
		}
	}
	return moves, total
}

// scH is the real harmonic mean.
func scH(x, y float64) float64 {
	if x+y == 0 {
		return 0
	}
	return 2 * x * y / (x + y)
}

// scShapleyRates returns, for each direction, the share of the harmonic
// mean's move per unit of that direction's move (dx, dy from Baseline).
// When a direction did not move, the rate is the limit of the same
// expression, from the partial derivative ∂H/∂x = 2y²/(x+y)².
func scShapleyRates(dx, dy float64) (rx, ry float64) {
	const b = float64(Baseline)
	x, y := b+dx, b+dy
	rate := func(d, self, other float64) float64 {
		if math.Abs(d) < 1e-9 {
			dH := func(o float64) float64 { return 2 * o * o / ((b + o) * (b + o)) }
			return (dH(b) + dH(other)) / 2
		}
		phi := ((scH(self, b) - b) + (scH(self, other) - scH(b, other))) / 2
		return phi / d
	}
	return rate(dx, x, y), rate(dy, y, x)
}

// scApportion rounds reals (only the eligible entries) to integers that sum
// exactly to target: each to the nearest integer first, then the units
// still missing go to the entries rounded down the most (or are taken from
// those rounded up the most), ties to the lower index. An entry only moves
// off its nearest integer when the rounding errors add up to a unit.
func scApportion(reals []float64, eligible []bool, target int) []int {
	out := make([]int, len(reals))
	var order []int
	sum := 0
	for i, r := range reals {
		if eligible[i] {
			out[i] = int(math.Round(r))
			sum += out[i]
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return out
	}
	residual := func(i int) float64 { return reals[i] - float64(out[i]) }
	step := 1 // units missing: the largest residuals first
	if sum > target {
		step = -1 // units over: the smallest residuals first
	}
	slices.SortStableFunc(order, func(i, j int) int { return step * cmp.Compare(residual(j), residual(i)) })
	for d := 0; sum != target; d++ {
		out[order[d%len(order)]] += step
		sum += step
	}
	return out
}

// scPairWarnings returns the warnings of direction a→b.
func scPairWarnings(a, b *Candidate, fits []int, w []int64, den int64) []Warning {
	var ws []Warning
	pair := func(key string, kv ...string) Warning {
		return scWarning(key, append([]string{"who", a.person.ID, "other", b.person.ID}, kv...)...)
	}
	if share, low := scAnsweredShare(fits, w, den); low {
		ws = append(ws, pair(WarnFewAnswers, "share", strconv.Itoa(share)))
	}
	if a.tr.smokers == scRather && b.tr.smoker == scYes {
		ws = append(ws, pair(WarnRatherNot, "factor", FactorSmoking.Key()))
	}
	if a.tr.pets == scRather && b.tr.hasPets == scYes {
		ws = append(ws, pair(WarnRatherNot, "factor", FactorPets.Key()))
	}
	if fits[scGender] == 0 {
		ws = append(ws, pair(WarnGenderWish))
	}
	if x := fits[scAge]; x >= 0 && x < 1000 {
		ws = append(ws, pair(WarnAgeWish, "years", strconv.Itoa(scYearsOutside(&a.tr, b.tr.age))))
	}
	return ws
}

// scYearsOutside is how many years age lies outside t's wished range.
func scYearsOutside(t *scTraits, age int16) int {
	if age < t.ageMin {
		return int(t.ageMin - age)
	}
	return int(age - t.ageMax)
}

// scAnsweredShare returns the answered share of the weight that could apply
// (factors with no wish on the asking side do not apply), in percent, and
// whether it is below MinAnsweredShare.
func scAnsweredShare(fits []int, w []int64, den int64) (share int, low bool) {
	var applicable int64
	for i, x := range fits {
		if x != scNoWish {
			applicable += w[i]
		}
	}
	if applicable == 0 {
		return 100, false
	}
	return int(100 * den / applicable), den*100 < applicable*MinAnsweredShare
}

// scSymmetricWarnings returns the warnings that do not depend on direction.
func scSymmetricWarnings(a, b *Candidate, fab []int) []Warning {
	var ws []Warning
	pair := func(key string, kv ...string) Warning {
		return scWarning(key, append([]string{"who", a.person.ID, "other", b.person.ID}, kv...)...)
	}
	ta, tb := a.tr.lv[scLvTidiness], b.tr.lv[scLvTidiness]
	if gap := int(ta) - int(tb); ta != 0 && tb != 0 && (gap >= 3 || gap <= -3) {
		ws = append(ws, pair(WarnTidinessGap, "gap", strconv.Itoa(max(gap, -gap))))
	}
	if fab[scMoveIn] == 0 {
		gap := max(a.tr.from-b.tr.to, b.tr.from-a.tr.to) - 1
		ws = append(ws, pair(WarnMoveInApart, "days", strconv.Itoa(int(gap))))
	}
	if fab[scLanguages] == 0 {
		ws = append(ws, pair(WarnNoCommonLanguage))
	}
	return ws
}

// scWarning builds a Warning from a key and name–value pairs.
func scWarning(key string, kv ...string) Warning {
	r := scReason(key, kv...)
	return Warning(r)
}

// ExplainHome returns a's fit to home h with its factor breakdown (all in
// AB), the constraints checked (and any that remove the option), and
// warnings. Contributions are w_f·(x_f − 0.5)/Σw, rounded as in Explain so
// that they sum exactly to Score.
func ExplainHome(a Candidate, h housing.Home, w Weights) Explanation {
	cw := scCompile(w)
	fits := scHomeFits(&a, &h)
	hw := scHomeWeights(&a, &cw)
	score, den := scWeighted(fits[:], hw[:])
	moves, _ := scMoves(fits[:], hw[:], den)
	eligible := make([]bool, scNumHome)
	for i := range fits {
		eligible[i] = fits[i] >= 0 && hw[i] > 0
	}
	parts := scApportion(moves, eligible, score-Baseline)
	e := Explanation{Score: score, Checked: HomeConstraintKeys()}
	e.Factors = append(e.Factors, Contribution{Key: BaselineKey, Contribution: Baseline})
	for i, f := range HomeFactors() {
		switch {
		case eligible[i]:
			e.Factors = append(e.Factors, Contribution{Key: f.Key(), Contribution: parts[i], AB: parts[i]})
		case hw[i] > 0 && fits[i] == scMissing:
			e.NotAnswered = append(e.NotAnswered, f.Key())
		}
	}
	_, e.Violations = CheckHome(a, h)
	e.Warnings = scHomeWarnings(&a, &h, fits[:], hw[:], den)
	return e
}

// scHomeWarnings returns the warnings of a's fit to h.
func scHomeWarnings(a *Candidate, h *housing.Home, fits []int, w []int64, den int64) []Warning {
	var ws []Warning
	t := &a.tr
	home := func(key string, kv ...string) Warning {
		return scWarning(key, append([]string{"who", a.person.ID, "home", h.ID}, kv...)...)
	}
	if share, low := scAnsweredShare(fits, w, den); low {
		ws = append(ws, home(WarnFewAnswers, "share", strconv.Itoa(share)))
	}
	if b := int(t.budget); b > 0 && h.MonthlyCost > b {
		pct := (100*(h.MonthlyCost-b) + b - 1) / b // rounded up
		key := WarnBudgetStretched
		if 100*(h.MonthlyCost-b) > 15*b {
			key = WarnBudgetExceeded
		}
		ws = append(ws, home(key, "percent", strconv.Itoa(pct)))
	}
	if t.support >= 0 && int(t.support)-int(h.Support) == 1 {
		ws = append(ws, home(WarnSupportShort, "need", t.scNeed(), "offered", h.Support.String()))
	}
	for _, r := range []struct {
		acc     int8
		present bool
		f       Factor
	}{{t.children, h.Children, FactorHomeChildren}, {t.pets, h.Animals, FactorHomeAnimals},
		{t.smokers, h.SmokingAllowed, FactorHomeSmoking}} {
		if r.acc == scRather && r.present {
			ws = append(ws, home(WarnRatherNot, "factor", r.f.Key()))
		}
	}
	if t.stayNear == scYes && fits[scHomeDistrict-scNumPair] == scProxFar {
		ws = append(ws, home(WarnFarFromLife))
	}
	return ws
}

// CombineScores returns the weighted mean of scores, rounded half up: the
// score Combine gives the same parts. Weights must be non-negative with a
// positive sum and as many as the scores.
func CombineScores(scores, weights []int) (int, error) {
	if err := scCheckCombine(len(scores), weights); err != nil {
		return 0, err
	}
	num, den := 0, 0
	for i, s := range scores {
		num += weights[i] * s
		den += weights[i]
	}
	return (num + den/2) / den, nil
}

func scCheckCombine(n int, weights []int) error {
	if n != len(weights) || n == 0 {
		return fmt.Errorf("matching: combine: %d parts with %d weights", n, len(weights))
	}
	sum := 0
	for _, w := range weights {
		if w < 0 {
			return fmt.Errorf("matching: combine: negative weight %d", w)
		}
		sum += w
	}
	if sum == 0 {
		return fmt.Errorf("matching: combine: weights sum to 0")
	}
	return nil
}

// Combine merges explanations into one, weighting part i by weights[i]:
// the score is CombineScores of the parts' scores, contributions are the
// weighted means of the parts' per-key AB and BA parts (keys in order of
// first appearance), rounded as in Explain so that they still sum exactly
// to Score. Checked and NotAnswered are unions, Violations and Warnings are
// concatenated (identical warnings once). A round uses it for a household:
// for example the guest–host pair and the guest's home fit of an IESA
// proposal, or every pair and every member's home fit of a flat.
func Combine(parts []Explanation, weights []int) (Explanation, error) {
	if err := scCheckCombine(len(parts), weights); err != nil {
		return Explanation{}, err
	}
	scores := make([]int, len(parts))
	total := 0
	for i, p := range parts {
		scores[i] = p.Score
		total += weights[i]
	}
	score, _ := CombineScores(scores, weights)
	var keys []string
	var reals []float64
	for i, p := range parts {
		share := float64(weights[i]) / float64(total)
		for _, c := range p.Factors {
			if c.Key == BaselineKey {
				continue
			}
			k := slices.Index(keys, c.Key)
			if k < 0 {
				k = len(keys)
				keys = append(keys, c.Key)
				reals = append(reals, 0, 0)
			}
			reals[2*k] += share * float64(c.AB)
			reals[2*k+1] += share * float64(c.BA)
		}
	}
	eligible := make([]bool, len(reals))
	for i := range eligible {
		eligible[i] = true
	}
	ints := scApportion(reals, eligible, score-Baseline)
	e := Explanation{Score: score, Factors: []Contribution{{Key: BaselineKey, Contribution: Baseline}}}
	for k, key := range keys {
		ab, ba := ints[2*k], ints[2*k+1]
		e.Factors = append(e.Factors, Contribution{Key: key, Contribution: ab + ba, AB: ab, BA: ba})
	}
	scMergeLists(&e, parts)
	return e, nil
}

// scMergeLists fills the lists of a combined explanation.
func scMergeLists(e *Explanation, parts []Explanation) {
	seen := map[string]bool{}
	for _, p := range parts {
		for _, k := range p.Checked {
			if !slices.Contains(e.Checked, k) {
				e.Checked = append(e.Checked, k)
			}
		}
		for _, k := range p.NotAnswered {
			if !slices.Contains(e.NotAnswered, k) {
				e.NotAnswered = append(e.NotAnswered, k)
			}
		}
		e.Violations = append(e.Violations, p.Violations...)
		for _, w := range p.Warnings {
			id := fmt.Sprint(w.Key, w.Params) // fmt prints maps sorted by key
			if !seen[id] {
				seen[id] = true
				e.Warnings = append(e.Warnings, w)
			}
		}
	}
}

// Bar is one bar of a contribution chart: a label, already translated, and
// a signed value.
type Bar struct {
	Label string
	Value float64
}

// Bars returns the explanation's non-zero factor contributions as chart
// bars, in points out of 100 (thousandths / 10), largest magnitude first
// (ties in Factors order), without the baseline. label translates a key; nil
// keeps the keys.
func (e Explanation) Bars(label func(key string) string) []Bar {
	var bars []Bar
	for _, c := range e.Factors {
		if c.Key == BaselineKey || c.Contribution == 0 {
			continue
		}
		l := c.Key
		if label != nil {
			l = label(c.Key)
		}
		bars = append(bars, Bar{Label: l, Value: float64(c.Contribution) / 10})
	}
	slices.SortStableFunc(bars, func(x, y Bar) int { return cmp.Compare(math.Abs(y.Value), math.Abs(x.Value)) })
	return bars
}
