package matching

import (
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// Candidate is one person as the engine sees them: their record, their
// interview answers, the care team's fields (nil for people outside the
// programme), the options a mediator rejected for them, and answers
// precomputed into compact codes. Build it with NewCandidate; the zero
// value is a person who answered nothing.
type Candidate struct {
	person     housing.Person
	profile    housing.Profile
	care       *housing.CareInfo
	rejected   []string // person and home ids, sorted, unique
	exclusions []string // care-team exclusions, sorted, unique
	langs      []string // normalised, sorted, unique
	interests  []string // normalised, sorted, unique
	wanted     []string // normalised wanted districts, sorted, unique
	district   string   // normalised current district
	tr         scTraits
}

// scTraits holds a candidate's answers as small codes (see factors.go),
// shared by the pair path and the shortlist's precomputed vectors.
type scTraits struct {
	lv                             [scNumLevels]int8
	smoker, hasPets                int8 // YesNo codes
	smokers, pets, children        int8 // Acceptance codes
	gender, wish                   int8
	stayNear, stepFree, singleRoom int8
	support                        int8 // care need; -1 without care information
	age, ageMin, ageMax            int16
	budget                         int32
	from, to                       int32 // move-in window, days since 1970-01-01, inclusive
	window                         bool  // from and to are set
	traitBits, forbidBits          uint8 // hard constraints: what the person is, what they forbid
	genderMask                     uint8 // genders admitted as a hard rule, one bit per code (bit 0: unanswered)
	ageLo, ageHi                   int16 // ages admitted as a hard rule
}

// Constraint bits of scTraits.traitBits and forbidBits.
const (
	scBitSmoker     = 1 << iota // smokes / never with smokers
	scBitPets                   // has pets / never with animals
	scBitSFConflict             // followed by SerDP without a substance-free need / needs substance-free
)

// NewCandidate bundles a person's record, answers and care information (nil
// outside the programme) and precomputes what scoring needs. Ages are taken
// at time at (to the year, as the interview asks). The care information is
// copied; the profile's slices are shared, not changed.
func NewCandidate(p housing.Person, prof housing.Profile, care *housing.CareInfo, at time.Time) Candidate {
	c := Candidate{person: p, profile: prof}
	if care != nil {
		cc := *care
		c.care = &cc
		c.exclusions = scSortedSet(cc.Exclusions, strings.TrimSpace)
	}
	c.langs = scSortedSet(prof.Languages, scNormWord)
	c.interests = scSortedSet(prof.Interests, scNormWord)
	c.wanted = scSortedSet(prof.Districts, scDistrictKey)
	c.district = scDistrictKey(p.District)
	c.tr = scTraitsOf(&prof, c.care, at)
	return c
}

// WithRejected returns a copy of c that also carries ids, the people and
// homes a mediator rejected for this person. CheckPair and CheckHome remove
// those options in both directions.
func (c Candidate) WithRejected(ids ...string) Candidate {
	c.rejected = scSortedSet(append(slices.Clone(c.rejected), ids...), strings.TrimSpace)
	return c
}

// ID returns the person's id.
func (c *Candidate) ID() string { return c.person.ID }

// Person returns the person's record.
func (c *Candidate) Person() housing.Person { return c.person }

// Profile returns the person's interview answers.
func (c *Candidate) Profile() housing.Profile { return c.profile }

// Care returns a copy of the care team's fields, or nil outside the
// programme.
func (c *Candidate) Care() *housing.CareInfo {
	if c.care == nil {
		return nil
	}
	cc := *c.care
	return &cc
}

// Rejected returns the ids a mediator rejected for this person, sorted.
func (c *Candidate) Rejected() []string { return slices.Clone(c.rejected) }

// Beneficiary reports whether the person is in the programme, which counts
// towards a home's cap on beneficiaries.
func (c *Candidate) Beneficiary() bool { return c.person.Role == housing.RoleBeneficiary }

// scNormWord normalises a language or interest key.
func scNormWord(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// scSortedSet normalises, sorts and deduplicates ss, dropping empty strings.
func scSortedSet(ss []string, norm func(string) string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = norm(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// scTraitsOf encodes a profile and care information.
func scTraitsOf(p *housing.Profile, care *housing.CareInfo, at time.Time) scTraits {
	t := scTraits{
		lv: [scNumLevels]int8{int8(p.SleepRhythm), int8(p.Tidiness), int8(p.Sociability),
			int8(p.Noise), int8(p.Guests), int8(p.SharedCooking)},
		smoker: scCodeYesNo(p.Smoker), hasPets: scCodeYesNo(p.HasPets),
		smokers: scCodeAccept(p.Smokers), pets: scCodeAccept(p.Pets), children: scCodeAccept(p.Children),
		gender: scCodeGender(p.Gender), wish: scCodeWish(p.GenderWish),
		stayNear: scCodeYesNo(p.StayNear), stepFree: scCodeYesNo(p.StepFree), singleRoom: scCodeYesNo(p.SingleRoom),
		support: -1,
		age:     int16(min(max(p.Age(at), 0), 200)),
		ageMin:  int16(p.AgeMin), ageMax: int16(p.AgeMax),
		budget: int32(p.BudgetMax),
	}
	for i := range t.lv {
		if t.lv[i] < 0 || t.lv[i] > 5 {
			t.lv[i] = 0 // out of range counts as unanswered
		}
	}
	t.from, t.to, t.window = scWindow(p.MoveInFrom, p.MoveInTo)
	if care != nil {
		t.support = int8(min(max(care.SupportIntensity, housing.IntensityNone), housing.IntensityIntensive))
	}
	scTraitsConstraints(&t, care, p.GenderHard, p.AgeHard)
	return t
}

// scTraitsConstraints fills the hard-constraint fields of t.
func scTraitsConstraints(t *scTraits, care *housing.CareInfo, genderHard, ageHard bool) {
	if t.smoker == scYes {
		t.traitBits |= scBitSmoker
	}
	if t.hasPets == scYes {
		t.traitBits |= scBitPets
	}
	if care != nil && care.TargetGroup == housing.GroupSerDP && !care.SubstanceFree {
		t.traitBits |= scBitSFConflict
	}
	if t.smokers == scNever {
		t.forbidBits |= scBitSmoker
	}
	if t.pets == scNever {
		t.forbidBits |= scBitPets
	}
	if care != nil && care.SubstanceFree {
		t.forbidBits |= scBitSFConflict
	}
	t.genderMask = 0xF
	if genderHard && t.wish != 0 {
		t.genderMask = 0
		for g := int8(0); g <= scOther; g++ {
			if g != 0 && scGenderAdmits(t.wish, t.gender, g) {
				t.genderMask |= 1 << g
			}
		}
	}
	t.ageLo, t.ageHi = 0, 1<<15-1
	if ageHard && (t.ageMin != 0 || t.ageMax != 0) {
		t.ageLo = max(t.ageMin, 1) // an unanswered age (0) cannot be checked: removed
		if t.ageMax != 0 {
			t.ageHi = t.ageMax
		}
	}
}

// scWindow converts a move-in window to inclusive day numbers. A window with
// one end open lasts scOpenWindowDays.
func scWindow(from, to time.Time) (f, t int32, ok bool) {
	switch {
	case from.IsZero() && to.IsZero():
		return 0, 0, false
	case to.IsZero():
		f = scDay(from)
		return f, f + scOpenWindowDays - 1, true
	case from.IsZero():
		t = scDay(to)
		return t - scOpenWindowDays + 1, t, true
	}
	f, t = scDay(from), scDay(to)
	return min(f, t), max(f, t), true
}

// scDay returns t's calendar date (in t's location) as days since 1970-01-01.
func scDay(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func scCodeYesNo(a housing.YesNo) int8 {
	switch a {
	case housing.Yes:
		return scYes
	case housing.No:
		return scNo
	}
	return 0
}

func scCodeAccept(a housing.Acceptance) int8 {
	switch a {
	case housing.AcceptFine:
		return scFine
	case housing.AcceptRatherNot:
		return scRather
	case housing.AcceptNever:
		return scNever
	}
	return 0
}

func scCodeGender(g housing.Gender) int8 {
	switch g {
	case housing.GenderWoman:
		return scWoman
	case housing.GenderMan:
		return scMan
	case housing.GenderOther:
		return scOther
	}
	return 0
}

func scCodeWish(w housing.GenderWish) int8 {
	switch w {
	case housing.WishWomen:
		return scWishWomen
	case housing.WishMen:
		return scWishMen
	case housing.WishSame:
		return scWishSame
	}
	return 0
}

// scCount returns |a∩b| and |a∪b| of two sorted, deduplicated sets.
func scCount(a, b []string) (inter, union int) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch strings.Compare(a[i], b[j]) {
		case 0:
			inter++
			i++
			j++
		case -1:
			i++
		default:
			j++
		}
	}
	return inter, len(a) + len(b) - inter
}

// scOffered is the district set b offers to a's wanted districts: the
// districts b wants, or b's current district when b named none.
func (c *Candidate) scOffered() []string {
	if len(c.wanted) > 0 {
		return c.wanted
	}
	if c.district == "" {
		return nil
	}
	return []string{c.district}
}

// scPairFits returns the fit of b to what a asked for, factor by factor.
func scPairFits(a, b *Candidate) [scNumPair]int {
	ta, tb := &a.tr, &b.tr
	var f [scNumPair]int
	f[scSleep] = scOrdFit(ta.lv[scLvSleep], tb.lv[scLvSleep])
	f[scTidiness] = scOrdFit(ta.lv[scLvTidiness], tb.lv[scLvTidiness])
	f[scSociability] = scOrdFit(ta.lv[scLvSociability], tb.lv[scLvSociability])
	f[scNoise] = scNoiseFit(ta.lv[scLvNoise], tb.lv[scLvGuests], tb.lv[scLvSociability])
	f[scGuests] = scOrdFit(ta.lv[scLvGuests], tb.lv[scLvGuests])
	f[scCooking] = scOrdFit(ta.lv[scLvCooking], tb.lv[scLvCooking])
	f[scSmoking] = scAcceptFit(ta.smokers, tb.smoker)
	f[scPets] = scAcceptFit(ta.pets, tb.hasPets)
	li, lu := scCount(a.langs, b.langs)
	f[scLanguages] = scLangFit(len(a.langs), len(b.langs), li, lu)
	ii, iu := scCount(a.interests, b.interests)
	f[scInterests] = scSetFit(len(a.interests), len(b.interests), ii, iu)
	f[scAge] = scAgeFit(ta.ageMin, ta.ageMax, tb.age)
	f[scGender] = scGenderFit(ta.wish, ta.gender, tb.gender)
	f[scMoveIn] = scMoveInFit(ta.from, ta.to, tb.from, tb.to, ta.window, tb.window)
	f[scBudget] = scBudgetFit(ta.budget, tb.budget)
	f[scDistricts] = scBestProximity(a.wanted, b.scOffered())
	return f
}

// scWeighted is the weighted mean of the answered fits (those ≥ 0), rounded
// half up, with den the answered weight; with nothing answered it is the
// neutral Baseline.
func scWeighted(fits []int, w []int64) (score int, den int64) {
	var num int64
	for i, x := range fits {
		if x >= 0 {
			num += w[i] * int64(x)
			den += w[i]
		}
	}
	if den == 0 {
		return Baseline, 0
	}
	return int((num + den/2) / den), den
}

// scHarmonic is the harmonic mean of two scores, rounded half up: high only
// when both are high. It is symmetric by construction.
func scHarmonic(x, y int) int {
	if x+y == 0 {
		return 0
	}
	return (2*x*y + (x+y)/2) / (x + y)
}

// Directed returns s(a→b) in thousandths: how well b fits what a asked for,
// the weighted mean of the pair factors both answered (a factor missing an
// answer on either side is left out, Gower's δ = 0). With nothing answered
// it is Baseline. Hard constraints are not applied; see CheckPair.
func Directed(a, b Candidate, w Weights) int {
	cw := scCompile(w)
	fits := scPairFits(&a, &b)
	s, _ := scWeighted(fits[:], cw[:scNumPair])
	return s
}

// Score returns the mutual score of a and b in thousandths (0..1000): the
// harmonic mean of Directed(a, b) and Directed(b, a), so Score(a, b) ==
// Score(b, a). Hard constraints are not applied; see CheckPair and WhyNot.
func Score(a, b Candidate, w Weights) int {
	cw := scCompile(w)
	return scMutual(&a, &b, &cw)
}

// scMutual is Score with compiled weights.
func scMutual(a, b *Candidate, cw *scWeights) int {
	fab, fba := scPairFits(a, b), scPairFits(b, a)
	sab, _ := scWeighted(fab[:], cw[:scNumPair])
	sba, _ := scWeighted(fba[:], cw[:scNumPair])
	return scHarmonic(sab, sba)
}
