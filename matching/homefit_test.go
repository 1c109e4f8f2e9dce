package matching

import (
	"testing"

	"github.com/convivo/convivo/housing"
)

func TestHomeFactorFits(t *testing.T) {
	care := func(need housing.Intensity) *housing.CareInfo {
		return &housing.CareInfo{TargetGroup: housing.GroupCSM, SupportIntensity: need}
	}
	tests := []struct {
		name     string
		district string // the person's current district
		edit     func(p *housing.Profile)
		care     *housing.CareInfo
		home     func(h *housing.Home)
		factor   int
		want     int
	}{
		{"same district", "Bologna", nil, nil, nil, scHomeDistrict, 1000},
		{"neighbouring district", "Savena Idice", nil, nil, nil, scHomeDistrict, 600},
		{"far district", "Pianura Est", nil, nil, func(h *housing.Home) { h.District = "Appennino Bolognese" },
			scHomeDistrict, 200},
		{"wanted district", "Imola", func(p *housing.Profile) { p.Districts = []string{"Imola", "Bologna"} }, nil, nil,
			scHomeDistricts, 1000},
		{"near a wanted district", "Imola", func(p *housing.Profile) { p.Districts = []string{"Pianura Ovest"} }, nil,
			nil, scHomeDistricts, 600},
		{"no wanted district", "Bologna", nil, nil, nil, scHomeDistricts, scMissing},
		{"within budget", "Bologna", func(p *housing.Profile) { p.BudgetMax = 300 }, nil, nil, scHomeCost, 1000},
		{"15% over budget", "Bologna", func(p *housing.Profile) { p.BudgetMax = 260 }, nil,
			func(h *housing.Home) { h.MonthlyCost = 299 }, scHomeCost, 500},
		{"no budget", "Bologna", nil, nil, nil, scHomeCost, scMissing},
		{"support matches", "Bologna", nil, care(housing.IntensityMedium), nil, scHomeSupport, 1000},
		{"support one short", "Bologna", nil, care(housing.IntensityIntensive), nil, scHomeSupport, 600},
		{"support surplus", "Bologna", nil, care(housing.IntensityNone), nil, scHomeSupport, 800},
		{"support, no care", "Bologna", nil, nil, nil, scHomeSupport, scNoWish},
		{"children fine", "Bologna", func(p *housing.Profile) { p.Children = housing.AcceptFine }, nil,
			func(h *housing.Home) { h.Children = true }, scHomeChildren, 1000},
		{"children rather not", "Bologna", func(p *housing.Profile) { p.Children = housing.AcceptRatherNot }, nil,
			func(h *housing.Home) { h.Children = true }, scHomeChildren, 250},
		{"no children, rather not", "Bologna", func(p *housing.Profile) { p.Children = housing.AcceptRatherNot }, nil,
			nil, scHomeChildren, 1000},
		{"animals unanswered", "Bologna", nil, nil, func(h *housing.Home) { h.Animals = true }, scHomeAnimals, scMissing},
		{"smoker, smoking not allowed", "Bologna", func(p *housing.Profile) { p.Smoker = housing.Yes }, nil, nil,
			scHomeSmoking, 500},
		{"smoker, smoking allowed", "Bologna", func(p *housing.Profile) { p.Smoker = housing.Yes }, nil,
			func(h *housing.Home) { h.SmokingAllowed = true }, scHomeSmoking, 1000},
		{"smoker who would rather not live with smokers", "Bologna", func(p *housing.Profile) {
			p.Smoker, p.Smokers = housing.Yes, housing.AcceptRatherNot
		}, nil, func(h *housing.Home) { h.SmokingAllowed = true }, scHomeSmoking, 250},
		{"non-smoker, no answer on smokers", "Bologna", func(p *housing.Profile) { p.Smoker = housing.No }, nil, nil,
			scHomeSmoking, scMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := housing.Profile{PersonID: "a"}
			if tt.edit != nil {
				tt.edit(&p)
			}
			a := NewCandidate(housing.Person{ID: "a", Role: housing.RoleBeneficiary, District: tt.district}, p, tt.care,
				scTestNow)
			h := scHome(tt.home)
			if got := scHomeFits(&a, &h)[tt.factor-scNumPair]; got != tt.want {
				t.Errorf("home fit %s = %d; want %d", Factors()[tt.factor], got, tt.want)
			}
		})
	}
}

// TestHomeFitStayNear: asking to stay near doubles the life-context
// district's weight, pulling the fit towards it.
func TestHomeFitStayNear(t *testing.T) {
	w := Weights{FactorHomeDistrict: 1, FactorHomeCost: 1}
	h := scHome(func(h *housing.Home) { h.District = "Appennino Bolognese"; h.MonthlyCost = 200 })
	person := func(stay housing.YesNo) Candidate {
		return NewCandidate(housing.Person{ID: "a", Role: housing.RoleCoResident, District: "Pianura Est"},
			housing.Profile{PersonID: "a", StayNear: stay, BudgetMax: 300}, nil, scTestNow)
	}
	if got, want := HomeFit(person(housing.No), h, w), 600; got != want { // (200 + 1000) / 2
		t.Errorf("HomeFit(stay near = no) = %d; want %d", got, want)
	}
	if got, want := HomeFit(person(housing.Yes), h, w), 467; got != want { // (2·200 + 1000) / 3
		t.Errorf("HomeFit(stay near = yes) = %d; want %d", got, want)
	}
	e := ExplainHome(person(housing.Yes), h, w)
	if !scHasWarning(e, WarnFarFromLife) {
		t.Errorf("ExplainHome(stay near, far home).Warnings = %v; want %s", e.Warnings, WarnFarFromLife)
	}
}

func TestHomeFitNothingAnswered(t *testing.T) {
	a := NewCandidate(housing.Person{ID: "a", Role: housing.RoleCoResident}, housing.Profile{PersonID: "a"}, nil,
		scTestNow)
	if got := HomeFit(a, scHome(nil), nil); got != Baseline {
		t.Errorf("HomeFit(nothing answered) = %d; want Baseline %d", got, Baseline)
	}
}
