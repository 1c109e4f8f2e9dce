package matching

import (
	"github.com/convivo/convivo/housing"
)

// scNumHome is the number of home factors.
const scNumHome = scNumFactors - scNumPair

// scHomeFits returns how well home h fits person a, factor by factor (index
// i is factor scNumPair+i):
//
//   - home_district: proximity of the home's district to the person's
//     current one, where their life is (services, friends, transport);
//   - home_districts: best proximity to a district the person wants;
//   - home_cost: monthly cost vs budget (falls to 0 at 30% over);
//   - home_support: support the home gives vs the care team's intensity;
//   - home_children, home_animals: the household vs the person's
//     acceptance of children and animals;
//   - home_smoking: smoking allowed vs the person's acceptance of smokers,
//     and a smoker in a home where smoking is not allowed (0.5: they will
//     smoke outside); the lower of the parts that apply.
func scHomeFits(a *Candidate, h *housing.Home) [scNumHome]int {
	t := &a.tr
	hd := scDistrictKey(h.District)
	var f [scNumHome]int
	f[scHomeDistrict-scNumPair] = scMissing
	if a.district != "" && hd != "" {
		f[scHomeDistrict-scNumPair] = scProximity(a.district, hd)
	}
	f[scHomeDistricts-scNumPair] = scBestProximity(a.wanted, []string{hd})
	f[scHomeCost-scNumPair] = scCostFit(int(t.budget), h.MonthlyCost)
	f[scHomeSupport-scNumPair] = scSupportFit(t.support, int8(h.Support))
	f[scHomeChildren-scNumPair] = scAcceptFit(t.children, scPresent(h.Children))
	f[scHomeAnimals-scNumPair] = scAcceptFit(t.pets, scPresent(h.Animals))
	f[scHomeSmoking-scNumPair] = scHomeSmokingFit(t, h.SmokingAllowed)
	return f
}

// scPresent codes a household trait as a YesNo code.
func scPresent(b bool) int8 {
	if b {
		return scYes
	}
	return scNo
}

// scHomeSmokingFit combines acceptance of smokers with the person's own
// smoking: the lower of the parts that apply.
func scHomeSmokingFit(t *scTraits, allowed bool) int {
	fit := scAcceptFit(t.smokers, scPresent(allowed))
	if t.smoker == scYes {
		own := 1000
		if !allowed {
			own = 500
		}
		if fit < 0 || own < fit {
			fit = own
		}
	}
	return fit
}

// scHomeWeights returns the home factors' weights for person a: the
// district of the life context counts double for someone who asked to stay
// near it.
func scHomeWeights(a *Candidate, cw *scWeights) [scNumHome]int64 {
	var w [scNumHome]int64
	copy(w[:], cw[scNumPair:])
	if a.tr.stayNear == scYes {
		w[scHomeDistrict-scNumPair] *= 2
	}
	return w
}

// HomeFit returns how well home h fits person a, in thousandths: the
// weighted mean of the home factors a answered (unanswered ones are left
// out, as in Directed), or Baseline when none was. Hard constraints are not
// applied; see CheckHome.
func HomeFit(a Candidate, h housing.Home, w Weights) int {
	cw := scCompile(w)
	return scHomeFit(&a, &h, &cw)
}

func scHomeFit(a *Candidate, h *housing.Home, cw *scWeights) int {
	fits := scHomeFits(a, h)
	hw := scHomeWeights(a, cw)
	s, _ := scWeighted(fits[:], hw[:])
	return s
}
