package matching

import (
	"strings"
)

// Factor names one scoring factor. Its translation key is "factor." followed
// by the name (see Key); weight configurations use the bare name.
type Factor string

// The pair factors: how well one person fits what another asked for.
const (
	FactorSleep       Factor = "sleep"       // sleep rhythm, ordinal
	FactorTidiness    Factor = "tidiness"    // ordinal
	FactorSociability Factor = "sociability" // ordinal
	FactorNoise       Factor = "noise"       // a's noise tolerance vs b's guests and sociability
	FactorGuests      Factor = "guests"      // ordinal
	FactorCooking     Factor = "cooking"     // shared cooking, ordinal
	FactorSmoking     Factor = "smoking"     // a's acceptance of smokers vs b smoking
	FactorPets        Factor = "pets"        // a's acceptance of animals vs b's pets
	FactorLanguages   Factor = "languages"   // any shared language, then Jaccard
	FactorInterests   Factor = "interests"   // Jaccard
	FactorAge         Factor = "age"         // b's age vs a's age wish
	FactorGender      Factor = "gender"      // b's gender vs a's wish
	FactorMoveIn      Factor = "move_in"     // overlap of the move-in windows
	FactorBudget      Factor = "budget"      // closeness of the monthly budgets
	FactorDistricts   Factor = "districts"   // a's wanted districts vs b's
)

// The home factors: how well a home fits a person.
const (
	FactorHomeDistrict  Factor = "home_district"  // near the person's current life context
	FactorHomeDistricts Factor = "home_districts" // in (or near) a district the person wants
	FactorHomeCost      Factor = "home_cost"      // monthly cost vs budget
	FactorHomeSupport   Factor = "home_support"   // support offered vs support needed
	FactorHomeChildren  Factor = "home_children"  // children at home vs the person's acceptance
	FactorHomeAnimals   Factor = "home_animals"   // animals at home vs the person's acceptance
	FactorHomeSmoking   Factor = "home_smoking"   // smoking at home vs the person's answers
)

// Key returns the factor's translation key, e.g. "factor.tidiness".
func (f Factor) Key() string { return "factor." + string(f) }

// BaselineKey is the translation key of the neutral baseline that opens
// every Explanation's Factors.
const BaselineKey = "factor.baseline"

// Baseline is the neutral score, in thousandths, that explanations start
// from: a factor whose fit is exactly 0.5 neither raises nor lowers a score.
const Baseline = 500

// Factor indices: pair factors first, then home factors. The order is the
// order of explanations and of Factors().
const (
	scSleep = iota
	scTidiness
	scSociability
	scNoise
	scGuests
	scCooking
	scSmoking
	scPets
	scLanguages
	scInterests
	scAge
	scGender
	scMoveIn
	scBudget
	scDistricts
	scNumPair
)

const (
	scHomeDistrict = scNumPair + iota
	scHomeDistricts
	scHomeCost
	scHomeSupport
	scHomeChildren
	scHomeAnimals
	scHomeSmoking
	scNumFactors
)

// Factors returns every factor, pair factors first, in explanation order.
func Factors() []Factor {
	return []Factor{
		FactorSleep, FactorTidiness, FactorSociability, FactorNoise, FactorGuests, FactorCooking,
		FactorSmoking, FactorPets, FactorLanguages, FactorInterests, FactorAge, FactorGender,
		FactorMoveIn, FactorBudget, FactorDistricts,
		FactorHomeDistrict, FactorHomeDistricts, FactorHomeCost, FactorHomeSupport,
		FactorHomeChildren, FactorHomeAnimals, FactorHomeSmoking,
	}
}

// PairFactors returns the factors of person-to-person scores.
func PairFactors() []Factor { return Factors()[:scNumPair] }

// HomeFactors returns the factors of home fit.
func HomeFactors() []Factor { return Factors()[scNumPair:] }

// scFactorIndex returns f's index, or -1 for an unknown factor.
func scFactorIndex(f Factor) int {
	for i, g := range Factors() {
		if g == f {
			return i
		}
	}
	return -1
}

// Fit values are thousandths in 0..1000. Two sentinels mark a factor that
// is left out of the weighted mean (Gower's δ = 0):
const (
	scMissing = -1 // an answer is missing on either side: listed as not answered
	scNoWish  = -2 // the asking side has no wish here (any gender, no age range, no care need): silent
)

// Compact answer codes, shared by the pair path and the shortlist path.
const (
	scYes = 1 // YesNo codes: 0 unanswered
	scNo  = 2

	scFine   = 1 // Acceptance codes: 0 unanswered
	scRather = 2
	scNever  = 3

	scWoman = 1 // Gender codes: 0 unanswered
	scMan   = 2
	scOther = 3

	scWishWomen = 1 // GenderWish codes: 0 any
	scWishMen   = 2
	scWishSame  = 3
)

// Level indices in scTraits.lv.
const (
	scLvSleep = iota
	scLvTidiness
	scLvSociability
	scLvNoise
	scLvGuests
	scLvCooking
	scNumLevels
)

// scOrdFit is the Gower ordinal similarity of two 1..5 answers,
// 1 − |a−b|/4, in thousandths; 0 means unanswered.
func scOrdFit(a, b int8) int {
	if a == 0 || b == 0 {
		return scMissing
	}
	d := int(a) - int(b)
	if d < 0 {
		d = -d
	}
	return 1000 - 250*d
}

// scNoiseFit compares a's noise tolerance (1 needs quiet … 5 noise is fine)
// with the noise b makes, the mean of b's guests and sociability answers
// (either alone when the other is missing). Noise at or below the tolerance
// fits fully; each level above it costs a quarter.
func scNoiseFit(tolerance, guests, social int8) int {
	if tolerance == 0 || (guests == 0 && social == 0) {
		return scMissing
	}
	made := int(guests) + int(social) // twice the mean
	if guests == 0 || social == 0 {
		made *= 2
	}
	over := made - 2*int(tolerance)
	if over <= 0 {
		return 1000
	}
	return max(0, 1000-125*over)
}

// scAcceptFit compares an acceptance answer (of smokers, animals, children)
// with whether the trait is present: absent or "fine" fits fully, "rather
// not" fits a quarter, "never" not at all (and is a hard constraint).
func scAcceptFit(acc, present int8) int {
	if acc == 0 || present == 0 {
		return scMissing
	}
	if present == scNo {
		return 1000
	}
	switch acc {
	case scFine:
		return 1000
	case scRather:
		return 250
	}
	return 0
}

// scLangFit scores two language sets: sharing no language fits 0, sharing
// any fits at least 0.7, the rest grows with the Jaccard index, because one
// common language matters far more than how many.
func scLangFit(na, nb, inter, union int) int {
	if na == 0 || nb == 0 {
		return scMissing
	}
	if inter == 0 {
		return 0
	}
	return 700 + (300*inter+union/2)/union
}

// scSetFit is the Jaccard index |A∩B| / |A∪B| in thousandths.
func scSetFit(na, nb, inter, union int) int {
	if na == 0 || nb == 0 {
		return scMissing
	}
	return (1000*inter + union/2) / union
}

// scAgeFit compares b's age with a's wished range (max 0 means no upper
// bound): inside fits fully, each year outside costs a tenth.
func scAgeFit(lo, hi, age int16) int {
	if lo == 0 && hi == 0 {
		return scNoWish
	}
	if age == 0 {
		return scMissing
	}
	d := 0
	switch {
	case age < lo:
		d = int(lo - age)
	case hi != 0 && age > hi:
		d = int(age - hi)
	}
	return max(0, 1000-100*d)
}

// scGenderAdmits reports whether a wish of a person of gender self admits a
// housemate of gender other; it mirrors housing.GenderWish.Admits.
func scGenderAdmits(wish, self, other int8) bool {
	switch wish {
	case scWishWomen:
		return other == scWoman
	case scWishMen:
		return other == scMan
	case scWishSame:
		return other != 0 && other == self
	}
	return true
}

// scGenderFit is 1 when b's gender fits a's wish and 0 otherwise.
func scGenderFit(wish, self, other int8) int {
	if wish == 0 {
		return scNoWish
	}
	if other == 0 || (wish == scWishSame && self == 0) {
		return scMissing
	}
	if scGenderAdmits(wish, self, other) {
		return 1000
	}
	return 0
}

// scOpenWindowDays is how long a move-in window with only one end counts.
const scOpenWindowDays = 60

// scMoveInFit is the overlap of two move-in windows (inclusive day numbers)
// as a fraction of the shorter window.
func scMoveInFit(aFrom, aTo, bFrom, bTo int32, aOK, bOK bool) int {
	if !aOK || !bOK {
		return scMissing
	}
	overlap := int(min(aTo, bTo)) - int(max(aFrom, bFrom)) + 1
	if overlap <= 0 {
		return 0
	}
	shorter := int(min(aTo-aFrom, bTo-bFrom)) + 1
	return (1000*overlap + shorter/2) / shorter
}

// scBudgetRange is the range, in euro a month, over which budget closeness
// falls from 1 to 0 (Gower's numeric 1 − |a−b|/R with a fixed R, so that a
// pair's score does not depend on who else is in the pool).
const scBudgetRange = 800

// scBudgetFit is the closeness of two monthly budgets.
func scBudgetFit(a, b int32) int {
	if a == 0 || b == 0 {
		return scMissing
	}
	d := int(a) - int(b)
	if d < 0 {
		d = -d
	}
	if d >= scBudgetRange {
		return 0
	}
	return 1000 - (1000*d+scBudgetRange/2)/scBudgetRange
}

// scCostFit compares a home's monthly cost with a budget: within budget fits
// fully; the fit falls to 0 at 30% over budget (0.5 at 15%).
func scCostFit(budget, cost int) int {
	if budget == 0 {
		return scMissing
	}
	over := cost - budget
	if over <= 0 {
		return 1000
	}
	return max(0, 1000-(10000*over+3*budget/2)/(3*budget))
}

// scSupportFit compares the support a home gives with the support a person
// needs (care intensity): an exact match fits fully, each level of surplus
// costs a tenth (scarce support is wasted), each level short costs 0.4 (two
// levels short is a hard constraint). need < 0 means no care information.
func scSupportFit(need, offered int8) int {
	if need < 0 {
		return scNoWish
	}
	d := int(offered) - int(need)
	if d >= 0 {
		return max(0, 1000-100*d)
	}
	return max(0, 1000+400*d)
}

// The proximity of two districts, in thousandths.
const (
	scProxSame      = 1000
	scProxNeighbour = 600
	scProxFar       = 200
)

// scDistrictKey normalises a district name for comparison.
func scDistrictKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// scAUSL returns the index of one of the six AUSL Bologna districts (by
// normalised name), or -1.
func scAUSL(key string) int {
	switch key {
	case "bologna":
		return 0
	case "reno lavino samoggia":
		return 1
	case "appennino bolognese":
		return 2
	case "savena idice":
		return 3
	case "pianura est":
		return 4
	case "pianura ovest":
		return 5
	}
	return -1
}

// scProximity returns how close two normalised district names are: the
// same district 1, neighbouring AUSL Bologna districts 0.6, any other pair
// 0.2. Districts outside the AUSL list are only ever the same or far.
func scProximity(a, b string) int {
	if a == b {
		return scProxSame
	}
	i, j := scAUSL(a), scAUSL(b)
	if i < 0 || j < 0 {
		return scProxFar
	}
	if i > j {
		i, j = j, i
	}
	// Bologna(0), Reno Lavino Samoggia(1), Appennino(2), Savena Idice(3),
	// Pianura Est(4), Pianura Ovest(5).
	switch [2]int{i, j} {
	case [2]int{0, 3}, [2]int{0, 1}, [2]int{0, 4}, [2]int{0, 5},
		[2]int{1, 5}, [2]int{1, 2}, [2]int{2, 3}, [2]int{4, 5}:
		return scProxNeighbour
	}
	return scProxFar
}

// DistrictProximity returns how close two districts are for matching, in
// thousandths: 1000 for the same district (names compared without regard to
// case or surrounding spaces), 600 for neighbouring AUSL Bologna districts
// (Bologna with Savena Idice, Reno Lavino Samoggia, Pianura Est and Pianura
// Ovest; Reno Lavino Samoggia with Pianura Ovest and Appennino Bolognese;
// Savena Idice with Appennino Bolognese; Pianura Est with Pianura Ovest),
// and 200 otherwise.
func DistrictProximity(a, b string) int {
	return scProximity(scDistrictKey(a), scDistrictKey(b))
}

// scBestProximity is the best proximity between any of wanted and any of
// offered, or scMissing when either is empty.
func scBestProximity(wanted, offered []string) int {
	if len(wanted) == 0 || len(offered) == 0 {
		return scMissing
	}
	best := 0
	for _, w := range wanted {
		for _, o := range offered {
			best = max(best, scProximity(w, o))
		}
	}
	return best
}
