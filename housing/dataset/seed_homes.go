package dataset

import (
	"fmt"
	"math"
	"slices"

	"github.com/convivo/convivo/housing"
)

// kindCounts returns how many of n homes are IESA households and
// cohousings; the rest are flats. From three homes on, each kind is there.
func kindCounts(n int) (iesa, cohousing int) {
	iesa, cohousing = int(math.Round(0.25*float64(n))), int(math.Round(0.15*float64(n)))
	if n >= 3 {
		iesa, cohousing = max(iesa, 1), max(cohousing, 1)
	}
	return iesa, cohousing
}

// makeHomes makes the homes, and the host of each IESA home, whose ids
// follow the residents'.
func (g *gen) makeHomes() []housing.Home {
	n := g.p.Homes
	iesa, cohousing := kindCounts(n)
	kinds := make([]housing.HomeKind, 0, n)
	for i := range n {
		switch {
		case i < iesa:
			kinds = append(kinds, housing.KindIESA)
		case i < iesa+cohousing:
			kinds = append(kinds, housing.KindCohousing)
		default:
			kinds = append(kinds, housing.KindFlat)
		}
	}
	g.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	width := max(3, len(fmt.Sprint(n)))
	homes := make([]housing.Home, 0, n)
	next := g.p.People
	for i, k := range kinds {
		h := g.home(fmt.Sprintf("h%0*d", width, i+1), k)
		if k == housing.KindIESA {
			g.people = append(g.people, g.host(g.personID(next), &h))
			next++
		}
		homes = append(homes, h)
	}
	return homes
}

// home makes one home of kind k; host completes an IESA home.
func (g *gen) home(id string, k housing.HomeKind) housing.Home {
	d := g.district()
	g.hcodes[d]++
	created, updated := g.stamps()
	h := housing.Home{
		ID: id, Code: fmt.Sprintf("%s-%02d", g.abbrev[d], g.hcodes[d]), Kind: k,
		District: g.ds[d], Address: g.address(d), Available: g.chance(0.9),
		CreatedAt: created, UpdatedAt: updated,
	}
	switch k {
	case housing.KindFlat:
		g.flat(&h)
	case housing.KindCohousing:
		g.cohousing(&h)
	case housing.KindIESA:
		h.Tenure = housing.TenurePrivate
		h.Capacity = 1 + g.weighted([]float64{70, 30})
		h.Rooms, h.SingleRooms, h.BeneficiaryCap = h.Capacity, h.Capacity, h.Capacity
		h.MonthlyCost = 10 * g.between(15, 35)
		h.StepFree = g.chance(0.25)
	}
	return h
}

// flat fills a shared flat of 2-4 rooms, mostly public housing (ERP).
func (g *gen) flat(h *housing.Home) {
	h.Rooms = 2 + g.weighted([]float64{45, 35, 20})
	h.Capacity, h.SingleRooms = h.Rooms, h.Rooms
	if h.Rooms < 4 && g.chance(0.2) { // one double room
		h.Capacity, h.SingleRooms = h.Rooms+1, h.Rooms-1
	}
	cost := [][2]int{{15, 30}, {20, 35}, {28, 45}}
	t := g.weighted([]float64{70, 15, 15})
	h.Tenure = []housing.Tenure{housing.TenureERP, housing.TenureERS, housing.TenurePrivate}[t]
	h.MonthlyCost = 10 * g.between(cost[t][0], cost[t][1])
	h.BeneficiaryCap = max(1, h.Capacity/2)
	h.StepFree = g.chance(0.3)
	h.Support = housing.Intensity(g.weighted([]float64{10, 45, 35, 10}))
	h.SmokingAllowed = g.chance(0.25)
	h.Animals = g.chance(0.1)
	h.SubstanceFree = g.chance(0.25)
}

// cohousing fills a cohousing of 5-10 places with common spaces.
func (g *gen) cohousing(h *housing.Home) {
	h.Capacity = g.between(5, 10)
	h.Rooms = h.Capacity + g.between(1, 3)
	h.SingleRooms = h.Capacity - g.between(0, 2)
	h.Tenure = []housing.Tenure{housing.TenureERS, housing.TenureERP, housing.TenurePrivate}[g.weighted([]float64{40, 30, 30})]
	h.MonthlyCost = 10 * g.between(20, 40)
	h.BeneficiaryCap = max(1, h.Capacity/2)
	h.StepFree = g.chance(0.6)
	h.Support = housing.Intensity(1 + g.weighted([]float64{30, 50, 20}))
	h.SmokingAllowed = g.chance(0.15)
	h.Animals = g.chance(0.3)
	h.Children = g.chance(0.2)
	h.SubstanceFree = g.chance(0.35)
}

// host makes the host of IESA home h, with their household's answers, and
// gives the home the household's traits.
func (g *gen) host(id string, h *housing.Home) PersonRecord {
	who := g.identity(slices.Index(g.ds, h.District), 0.9)
	p := g.person(id, housing.RoleHost, housing.StatusActive, who)
	pr := g.profile(p, who, kindHost)
	hp := &housing.HostProfile{
		HouseholdSize: 1 + g.weighted([]float64{30, 35, 20, 15}),
		Rooms:         h.Capacity,
		Animals:       g.yesNo(0.3),
		Smokers:       g.yesNo(0.2),
		Expectations:  g.pick(g.v.expect),
	}
	hp.Children = g.yesNo(0.1)
	if hp.HouseholdSize >= 3 {
		hp.Children = g.yesNo(0.6)
	}
	for _, k := range housing.SupportKinds() {
		if g.chance(0.45) {
			hp.Support = append(hp.Support, k)
		}
	}
	if len(hp.Support) == 0 {
		hp.Support = []housing.SupportKind{housing.SupportCompany}
	}
	pr.Host = hp
	h.HostID = id
	h.Children, h.Animals, h.SmokingAllowed = hp.Children == housing.Yes, hp.Animals == housing.Yes, hp.Smokers == housing.Yes
	h.Support = housing.Intensity(min(3, (len(hp.Support)+1)/2))
	h.SubstanceFree = !h.SmokingAllowed && g.chance(0.4)
	return PersonRecord{Person: p, Profile: pr}
}

// address makes a street address in one of district d's towns.
func (g *gen) address(d int) string {
	town := g.pick(g.v.townsOf(g.ds[d]))
	streets := g.v.streets
	if town == housing.DistrictBologna {
		streets = g.v.bologna
	}
	return fmt.Sprintf("%s %d, %s", g.pick(streets), g.between(1, 120), town)
}
