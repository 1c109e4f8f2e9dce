package dataset

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
)

// seedStats counts what a generated programme holds.
type seedStats struct {
	byDistrict            map[string]int
	kinds                 map[housing.HomeKind]int
	roles                 map[housing.Role]int
	csm, serdp            int
	sfCSM, sfSerDP        int
	exclusions            int
	invitedNoProfile      int
	smokers, smokeAnswers int
	levels, levelSum      int
	levelFields, unans    int
	nonItalian, never     int
	genderHard            int
}

func countSeed(t *testing.T, d Dataset) seedStats {
	t.Helper()
	s := seedStats{byDistrict: map[string]int{}, kinds: map[housing.HomeKind]int{}, roles: map[housing.Role]int{}}
	for _, r := range d.People {
		s.roles[r.Person.Role]++
		if r.Person.Role.Resident() {
			s.byDistrict[r.Person.District]++
		}
		if r.Person.Status == housing.StatusInvited && r.Profile == nil {
			s.invitedNoProfile++
		}
		if c := r.Care; c != nil {
			s.exclusions += len(c.Exclusions)
			if c.TargetGroup == housing.GroupCSM {
				s.csm++
				s.sfCSM += b2i(c.SubstanceFree)
			} else {
				s.serdp++
				s.sfSerDP += b2i(c.SubstanceFree)
			}
		}
		if pr := r.Profile; pr != nil {
			s.countProfile(pr)
		}
	}
	for _, h := range d.Homes {
		s.kinds[h.Kind]++
	}
	return s
}

func (s *seedStats) countProfile(pr *housing.Profile) {
	if pr.Smoker != housing.Unanswered {
		s.smokeAnswers++
		s.smokers += b2i(pr.Smoker == housing.Yes)
	}
	for _, l := range []housing.Level{pr.SleepRhythm, pr.Tidiness, pr.Sociability, pr.Noise, pr.Guests, pr.SharedCooking} {
		s.levelFields++
		if l == 0 {
			s.unans++
			continue
		}
		s.levels++
		s.levelSum += int(l)
	}
	if slices.ContainsFunc(pr.Languages, func(l string) bool { return l != "it" && l != "en" }) {
		s.nonItalian++
	}
	if pr.Smokers == housing.AcceptNever || pr.Pets == housing.AcceptNever || pr.Children == housing.AcceptNever {
		s.never++
	}
	s.genderHard += b2i(pr.GenderHard)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi || math.IsNaN(got) {
		t.Errorf("%s = %.3f; want between %.3f and %.3f", what, got, lo, hi)
	}
}

// TestGenerateLooksReal checks the shape of a programme the size of
// Bologna's, for a few seeds.
func TestGenerateLooksReal(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		d := Generate(SeedParams{People: 650, Homes: 200, Seed: seed})
		s := countSeed(t, d)
		for _, ds := range housing.DefaultDistricts() {
			if s.byDistrict[ds] == 0 {
				t.Errorf("seed %d: no residents in %s", seed, ds)
			}
			if ds != housing.DistrictBologna && s.byDistrict[ds] >= s.byDistrict[housing.DistrictBologna] {
				t.Errorf("seed %d: %s has %d residents, Bologna %d; want Bologna largest", seed, ds, s.byDistrict[ds], s.byDistrict[housing.DistrictBologna])
			}
		}
		for _, k := range housing.HomeKinds() {
			if s.kinds[k] == 0 {
				t.Errorf("seed %d: no %s homes", seed, k)
			}
		}
		if got, want := s.roles[housing.RoleHost], s.kinds[housing.KindIESA]; got != want {
			t.Errorf("seed %d: %d hosts; want one per IESA home, %d", seed, got, want)
		}
		ben := float64(s.roles[housing.RoleBeneficiary])
		within(t, "beneficiary share", ben/650, 0.72, 0.88)
		within(t, "CSM share", float64(s.csm)/ben, 0.62, 0.78)
		within(t, "substance-free share in SerDP", float64(s.sfSerDP)/float64(s.serdp), 0.6, 0.95)
		within(t, "substance-free share in CSM", float64(s.sfCSM)/float64(s.csm), 0.05, 0.3)
		within(t, "smoker share", float64(s.smokers)/float64(s.smokeAnswers), 0.22, 0.38)
		within(t, "mean level", float64(s.levelSum)/float64(s.levels), 2.7, 3.3)
		within(t, "unanswered level share", float64(s.unans)/float64(s.levelFields), 0.05, 0.15)
		within(t, "exclusions", float64(s.exclusions), 2, 60)
		within(t, "invited without profile", float64(s.invitedNoProfile), 30, 150)
		within(t, "speakers of a language other than it/en", float64(s.nonItalian), 20, 200)
		within(t, "people with a never answer", float64(s.never), 50, 500)
		within(t, "gender hard wishes", float64(s.genderHard), 3, 80)
		if s.roles[housing.RoleSocialWorker] < 6 || s.roles[housing.RoleMediator] < 6 {
			t.Errorf("seed %d: %d social workers, %d mediators; want at least one of each per district", seed, s.roles[housing.RoleSocialWorker], s.roles[housing.RoleMediator])
		}
		checkSeedRecords(t, d)
	}
}

// checkSeedRecords checks per-record rules of the seed: ranges, hosts of
// IESA homes, exclusions and workers in the person's district.
func checkSeedRecords(t *testing.T, d Dataset) {
	t.Helper()
	people := map[string]PersonRecord{}
	for _, r := range d.People {
		people[r.Person.ID] = r
	}
	for _, r := range d.People {
		if pr := r.Profile; pr != nil {
			if pr.BirthYear != 0 && (pr.BirthYear < 1955 || pr.BirthYear > 2005) {
				t.Errorf("person %s born %d; want 1955-2005", r.Person.ID, pr.BirthYear)
			}
			if pr.BudgetMax != 0 && (pr.BudgetMax < 150 || pr.BudgetMax > 450) {
				t.Errorf("person %s budget %d; want 150-450", r.Person.ID, pr.BudgetMax)
			}
		}
		if r.Person.Role == housing.RoleBeneficiary && r.Person.Status == housing.StatusActive && r.Profile == nil {
			t.Errorf("active beneficiary %s has no profile", r.Person.ID)
		}
		if r.Care == nil {
			if r.Person.Role == housing.RoleBeneficiary {
				t.Errorf("beneficiary %s has no care fields", r.Person.ID)
			}
			continue
		}
		for _, id := range slices.Concat(r.Care.Exclusions, r.Care.ResponsibleWorkers) {
			if o := people[id]; o.Person.District != r.Person.District {
				t.Errorf("person %s (%s) refers to %s in %q", r.Person.ID, r.Person.District, id, o.Person.District)
			}
		}
		for _, id := range r.Care.Exclusions {
			if !people[id].Care.Excludes(r.Person.ID) {
				t.Errorf("exclusion %s -> %s is one-way", r.Person.ID, id)
			}
		}
	}
	for _, h := range d.Homes {
		checkSeedHome(t, h, people)
	}
}

func checkSeedHome(t *testing.T, h housing.Home, people map[string]PersonRecord) {
	t.Helper()
	if h.MonthlyCost < 150 || h.MonthlyCost > 450 {
		t.Errorf("home %s costs %d; want 150-450", h.ID, h.MonthlyCost)
	}
	switch h.Kind {
	case housing.KindFlat:
		if h.Capacity < 2 || h.Capacity > 4 || h.BeneficiaryCap != max(1, h.Capacity/2) {
			t.Errorf("flat %s capacity %d cap %d; want 2-4, cap half", h.ID, h.Capacity, h.BeneficiaryCap)
		}
	case housing.KindCohousing:
		if h.Capacity < 5 || h.Capacity > 10 {
			t.Errorf("cohousing %s capacity %d; want 5-10", h.ID, h.Capacity)
		}
	case housing.KindIESA:
		host := people[h.HostID]
		if host.Person.Role != housing.RoleHost || host.Profile == nil || host.Profile.Host == nil {
			t.Fatalf("IESA home %s host %q is %+v; want a host with a HostProfile", h.ID, h.HostID, host.Person)
		}
		if hp := host.Profile.Host; hp.Rooms != h.Capacity || h.Capacity > 2 || host.Person.District != h.District {
			t.Errorf("IESA home %s capacity %d, host offers %d rooms in %s; want 1-2, equal, same district", h.ID, h.Capacity, hp.Rooms, host.Person.District)
		}
	}
	if !strings.Contains(h.Address, ", ") {
		t.Errorf("home %s address %q; want street, town", h.ID, h.Address)
	}
}
