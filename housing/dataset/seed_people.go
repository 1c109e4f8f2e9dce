package dataset

import (
	"slices"

	"github.com/convivo/convivo/housing"
)

// residentKind is who a generated resident is.
type residentKind int

const (
	kindBeneficiary residentKind = iota
	kindStudent
	kindOlder
	kindHost
)

// identity is who a generated person is before their answers.
type identity struct {
	district int
	origin   string
	gender   housing.Gender
}

// resident makes the n-th person looking for a home.
func (g *gen) resident(n int) PersonRecord {
	kind := kindBeneficiary
	if g.chance(0.2) {
		kind = kindStudent
		if g.chance(0.4) {
			kind = kindOlder
		}
	}
	role := housing.RoleBeneficiary
	if kind != kindBeneficiary {
		role = housing.RoleCoResident
	}
	status := housing.StatusActive
	switch x := g.rng.Float64(); {
	case x < 0.14:
		status = housing.StatusInvited
	case x < 0.18 && kind == kindBeneficiary:
		status = housing.StatusPaused
	}
	who := g.identity(g.district(), 0.8)
	rec := PersonRecord{Person: g.person(g.personID(n), role, status, who)}
	if status != housing.StatusInvited {
		rec.Profile = g.profile(rec.Person, who, kind)
	}
	if kind == kindBeneficiary {
		rec.Care = g.care(rec.Person, who.district)
	}
	return rec
}

// identity draws an origin and a gender; italian is the share of people
// of Italian origin.
func (g *gen) identity(district int, italian float64) identity {
	who := identity{district: district, origin: "it", gender: housing.GenderWoman}
	if !g.chance(italian) {
		who.origin = g.v.origins[1+g.weighted(g.v.originW[1:])]
	}
	switch x := g.rng.Float64(); {
	case x < 0.02:
		who.gender = housing.GenderOther
	case x < 0.51:
		who.gender = housing.GenderMan
	}
	return who
}

func (g *gen) person(id string, role housing.Role, status housing.PersonStatus, who identity) housing.Person {
	lang := housing.LangIT
	if who.origin != "it" && who.origin != "ro" && who.origin != "es" && g.chance(0.5) {
		lang = housing.LangEN
	}
	created, updated := g.stamps()
	return housing.Person{
		ID: id, Code: g.caseCode(who.district), Role: role,
		DisplayName: g.pick(g.v.names(who.origin, who.gender)),
		District:    g.ds[who.district], Language: lang,
		TelegramID: g.telegram(status), Status: status,
		CreatedAt: created, UpdatedAt: updated,
	}
}

// profile makes interview answers; each is left unanswered with a
// per-person probability from 5% to 15%.
func (g *gen) profile(p housing.Person, who identity, kind residentKind) *housing.Profile {
	skip := 0.05 + 0.10*g.rng.Float64()
	ask := func() bool { return !g.chance(skip) }
	pr := &housing.Profile{PersonID: p.ID, UpdatedAt: p.UpdatedAt}
	if ask() {
		pr.HousingForms = g.housingForms(kind)
	}
	if ask() {
		pr.Districts = g.wishedDistricts(who.district)
		pr.StayNear = g.yesNo(0.7)
	}
	g.habits(pr, ask, kind)
	g.levels(pr, ask, kind)
	if ask() {
		pr.Languages = g.languages(who.origin)
	}
	if ask() {
		pr.Interests = g.interests()
	}
	if ask() {
		pr.Gender = who.gender
		pr.GenderWish, pr.GenderHard = g.genderWish(who.gender)
	}
	g.ageAndNeeds(pr, ask, kind)
	if ask() && kind != kindHost {
		from := g.today.AddDate(0, 0, g.between(0, 120))
		pr.MoveInFrom, pr.MoveInTo = from, from.AddDate(0, 0, g.between(30, 240))
	}
	return pr
}

func (g *gen) housingForms(kind residentKind) []housing.HomeKind {
	var forms []housing.HomeKind
	p := map[residentKind][3]float64{ // iesa, flat, cohousing
		kindBeneficiary: {0.35, 0.75, 0.3}, kindStudent: {0, 0.9, 0.3}, kindOlder: {0, 0.6, 0.5}, kindHost: {1, 0, 0},
	}[kind]
	for i, k := range housing.HomeKinds() {
		if g.chance(p[i]) {
			forms = append(forms, k)
		}
	}
	if len(forms) == 0 {
		forms = []housing.HomeKind{housing.KindFlat}
	}
	return forms
}

// wishedDistricts returns the person's own district and a few others, in
// the configured order.
func (g *gen) wishedDistricts(own int) []string {
	var out []string
	for i, d := range g.ds {
		if i == own || g.chance(0.15) {
			out = append(out, d)
		}
	}
	return out
}

func (g *gen) habits(pr *housing.Profile, ask func() bool, kind residentKind) {
	if ask() {
		pr.Smoker = g.yesNo(0.3)
	}
	if ask() {
		if pr.Smoker == housing.Yes {
			pr.Smokers = g.acceptance(0.85, 0.15)
		} else {
			pr.Smokers = g.acceptance(0.35, 0.45)
		}
	}
	if ask() {
		pr.HasPets = g.yesNo(0.12)
	}
	if ask() {
		if pr.HasPets == housing.Yes {
			pr.Pets = housing.AcceptFine
		} else {
			pr.Pets = g.acceptance(0.55, 0.3)
		}
	}
	if ask() && kind != kindHost {
		pr.Children = g.acceptance(0.55, 0.35)
	}
}

func (g *gen) levels(pr *housing.Profile, ask func() bool, kind residentKind) {
	sleep, tidy, noise := 3.0, 3.0, 3.0
	switch kind {
	case kindStudent:
		sleep, noise = 3.7, 3.5
	case kindOlder:
		sleep, tidy, noise = 2.3, 3.6, 2.4
	}
	for _, l := range []struct {
		to   *housing.Level
		mean float64
	}{
		{&pr.SleepRhythm, sleep}, {&pr.Tidiness, tidy}, {&pr.Sociability, 3},
		{&pr.Noise, noise}, {&pr.Guests, 2.8}, {&pr.SharedCooking, 3},
	} {
		if ask() {
			*l.to = g.level(l.mean)
		}
	}
}

// languages returns the languages a person of origin speaks, Italian
// first.
func (g *gen) languages(origin string) []string {
	if origin == "it" {
		langs := []string{"it"}
		if g.chance(0.25) {
			langs = append(langs, "en")
		}
		if g.chance(0.05) {
			langs = append(langs, g.pick([]string{"fr", "es"}))
		}
		return langs
	}
	var langs []string
	if g.chance(0.85) {
		langs = append(langs, "it")
	}
	langs = append(langs, origin)
	if origin != "en" && g.chance(0.2) {
		langs = append(langs, "en")
	}
	return langs
}

// interests returns one to four distinct interest keys, in list order.
func (g *gen) interests() []string {
	n := g.between(1, 4)
	idx := g.rng.Perm(len(g.v.interests))[:n]
	slices.Sort(idx)
	out := make([]string, n)
	for i, j := range idx {
		out[i] = g.v.interests[j]
	}
	return out
}

func (g *gen) genderWish(self housing.Gender) (housing.GenderWish, bool) {
	var wish housing.GenderWish
	switch x := g.rng.Float64(); {
	case x < 0.12 && self != housing.GenderOther && self != housing.GenderUnanswered:
		wish = housing.WishSame
	case x < 0.18 && self == housing.GenderWoman:
		wish = housing.WishWomen
	case x < 0.16 && self == housing.GenderMan:
		wish = housing.WishMen
	}
	return wish, wish != housing.WishAny && g.chance(0.3)
}

func (g *gen) ageAndNeeds(pr *housing.Profile, ask func() bool, kind residentKind) {
	if ask() {
		lo, hi := birthYears(kind)
		pr.BirthYear = g.between(lo, hi)
		if g.chance(0.25) {
			age := g.today.Year() - pr.BirthYear
			pr.AgeMin, pr.AgeMax = max(18, age-g.between(10, 20)), min(90, age+g.between(10, 20))
			pr.AgeHard = g.chance(0.25)
		}
	}
	if ask() {
		p := 0.06
		if kind == kindOlder {
			p = 0.3
		}
		pr.StepFree = g.yesNo(p)
	}
	if ask() && kind != kindHost {
		pr.SingleRoom = g.yesNo(0.6)
	}
	if ask() && kind != kindHost {
		mean := map[residentKind]float64{kindBeneficiary: 270, kindStudent: 330, kindOlder: 300}[kind]
		pr.BudgetMax = 10 * g.normal(mean/10, 6, 15, 45)
	}
}

// care makes the care team's fields for a beneficiary. Exclusions come
// later, when everyone exists.
func (g *gen) care(p housing.Person, district int) *housing.CareInfo {
	c := &housing.CareInfo{PersonID: p.ID, TargetGroup: housing.GroupCSM, UpdatedAt: p.UpdatedAt}
	if g.chance(0.3) {
		c.TargetGroup = housing.GroupSerDP
	}
	c.SupportIntensity = housing.Intensity(1 + g.weighted([]float64{40, 40, 20}))
	c.SubstanceFree = g.chance(map[housing.TargetGroup]float64{housing.GroupCSM: 0.15, housing.GroupSerDP: 0.8}[c.TargetGroup])
	if g.chance(0.9) {
		c.ProjectEnd = g.today.AddDate(0, 0, g.between(90, 730))
	}
	ws := g.workers[district]
	first := g.rng.IntN(len(ws))
	c.ResponsibleWorkers = []string{ws[first]}
	if len(ws) > 1 && g.chance(0.15) {
		c.ResponsibleWorkers = append(c.ResponsibleWorkers, ws[(first+1)%len(ws)])
	}
	if g.chance(0.1) {
		c.Notes = g.pick(g.v.notes)
	}
	return c
}

// addExclusions rules out a few pairs of beneficiaries of the same
// district, about one person in forty, both ways.
func (g *gen) addExclusions() {
	byDistrict := make([][]int, len(g.ds))
	for i, r := range g.people {
		if r.Care != nil {
			d := slices.Index(g.ds, r.Person.District)
			byDistrict[d] = append(byDistrict[d], i)
		}
	}
	for _, idx := range byDistrict {
		pairs := len(idx) / 40
		if pairs == 0 && len(idx) >= 4 {
			pairs = 1
		}
		for range pairs {
			a, b := idx[g.rng.IntN(len(idx))], idx[g.rng.IntN(len(idx))]
			ca, cb := g.people[a].Care, g.people[b].Care
			if a == b || ca.Excludes(g.people[b].Person.ID) {
				continue
			}
			ca.Exclusions = append(ca.Exclusions, g.people[b].Person.ID)
			cb.Exclusions = append(cb.Exclusions, g.people[a].Person.ID)
		}
	}
}

// yesNo answers yes with probability p.
func (g *gen) yesNo(p float64) housing.YesNo {
	if g.chance(p) {
		return housing.Yes
	}
	return housing.No
}

// acceptance answers fine with probability fine, rather-not with
// probability rather, never otherwise.
func (g *gen) acceptance(fine, rather float64) housing.Acceptance {
	switch x := g.rng.Float64(); {
	case x < fine:
		return housing.AcceptFine
	case x < fine+rather:
		return housing.AcceptRatherNot
	}
	return housing.AcceptNever
}

// birthYears returns the range of birth years of a kind of resident.
func birthYears(kind residentKind) (lo, hi int) {
	switch kind {
	case kindStudent:
		return 1998, 2005
	case kindOlder:
		return 1955, 1962
	case kindHost:
		return 1955, 1990
	}
	return 1958, 2003
}
