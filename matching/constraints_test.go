package matching

import (
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

// scCand builds a candidate from a role, profile edits and care fields.
func scCand(id string, role housing.Role, edit func(p *housing.Profile), care *housing.CareInfo) Candidate {
	p := housing.Profile{PersonID: id}
	if edit != nil {
		edit(&p)
	}
	if care != nil {
		care.PersonID = id
	}
	return NewCandidate(housing.Person{ID: id, Role: role, District: "Bologna"}, p, care, scTestNow)
}

func scCoRes(id string, edit func(p *housing.Profile)) Candidate {
	return scCand(id, housing.RoleCoResident, edit, nil)
}

func scBenef(id string, care housing.CareInfo, edit func(p *housing.Profile)) Candidate {
	return scCand(id, housing.RoleBeneficiary, edit, &care)
}

// scKeys returns the keys of reasons.
func scKeys(rs []Reason) []string {
	var keys []string
	for _, r := range rs {
		keys = append(keys, r.Key)
	}
	return keys
}

func TestCheckPair(t *testing.T) {
	sfNeed := housing.CareInfo{TargetGroup: housing.GroupCSM, SubstanceFree: true}
	serdp := housing.CareInfo{TargetGroup: housing.GroupSerDP}
	serdpSF := housing.CareInfo{TargetGroup: housing.GroupSerDP, SubstanceFree: true}
	womenHard := func(p *housing.Profile) {
		p.Gender, p.GenderWish, p.GenderHard = housing.GenderWoman, housing.WishWomen, true
	}
	age30to40Hard := func(p *housing.Profile) { p.AgeMin, p.AgeMax, p.AgeHard = 30, 40, true }
	born := func(y int) func(p *housing.Profile) { return func(p *housing.Profile) { p.BirthYear = y } }
	tests := []struct {
		name string
		a, b Candidate
		want []string // keys; nil means allowed
	}{
		{"nothing answered", scCoRes("a", nil), scCoRes("b", nil), nil},
		{"same person", scCoRes("a", nil), scCoRes("a", nil), []string{KeySamePerson}},
		{"excluded by a", scBenef("a", housing.CareInfo{Exclusions: []string{"b"}}, nil), scCoRes("b", nil),
			[]string{KeyExclusion}},
		{"excluded by b", scCoRes("a", nil), scBenef("b", housing.CareInfo{Exclusions: []string{"a"}}, nil),
			[]string{KeyExclusion}},
		{"rejected for a", scCoRes("a", nil).WithRejected("b"), scCoRes("b", nil), []string{KeyRejected}},
		{"rejected for b", scCoRes("a", nil), scCoRes("b", nil).WithRejected("a"), []string{KeyRejected}},
		{"substance-free with SerDP", scBenef("a", sfNeed, nil), scBenef("b", serdp, nil), []string{KeySubstanceFree}},
		{"substance-free with SerDP, reversed", scBenef("a", serdp, nil), scBenef("b", sfNeed, nil),
			[]string{KeySubstanceFree}},
		{"substance-free with SerDP in recovery", scBenef("a", sfNeed, nil), scBenef("b", serdpSF, nil), nil},
		{"substance-free with a co-resident", scBenef("a", sfNeed, nil), scCoRes("b", nil), nil},
		{"never smokers vs smoker", scCoRes("a", func(p *housing.Profile) { p.Smokers = housing.AcceptNever }),
			scCoRes("b", func(p *housing.Profile) { p.Smoker = housing.Yes }), []string{KeySmokersNever}},
		{"never smokers vs unanswered", scCoRes("a", func(p *housing.Profile) { p.Smokers = housing.AcceptNever }),
			scCoRes("b", nil), nil},
		{"rather not smokers vs smoker", scCoRes("a", func(p *housing.Profile) { p.Smokers = housing.AcceptRatherNot }),
			scCoRes("b", func(p *housing.Profile) { p.Smoker = housing.Yes }), nil},
		{"never pets vs pets", scCoRes("a", func(p *housing.Profile) { p.HasPets = housing.Yes }),
			scCoRes("b", func(p *housing.Profile) { p.Pets = housing.AcceptNever }), []string{KeyPetsNever}},
		{"hard gender wish broken", scCoRes("a", womenHard),
			scCoRes("b", func(p *housing.Profile) { p.Gender = housing.GenderMan }), []string{KeyGender}},
		{"hard gender wish unanswered", scCoRes("a", womenHard), scCoRes("b", nil), []string{KeyGenderUnanswered}},
		{"hard gender wish met", scCoRes("a", womenHard),
			scCoRes("b", func(p *housing.Profile) { p.Gender = housing.GenderWoman }), nil},
		{"soft gender wish broken", scCoRes("a", func(p *housing.Profile) { p.GenderWish = housing.WishWomen }),
			scCoRes("b", func(p *housing.Profile) { p.Gender = housing.GenderMan }), nil},
		{"hard age broken", scCoRes("a", age30to40Hard), scCoRes("b", born(1970)), []string{KeyAge}},
		{"hard age unanswered", scCoRes("a", age30to40Hard), scCoRes("b", nil), []string{KeyAgeUnanswered}},
		{"hard age met", scCoRes("a", age30to40Hard), scCoRes("b", born(1990)), nil},
		{"soft age broken", scCoRes("a", func(p *housing.Profile) { p.AgeMin, p.AgeMax = 30, 40 }),
			scCoRes("b", born(1970)), nil},
		{"two rules", scCoRes("a", func(p *housing.Profile) { p.Smokers = housing.AcceptNever }).WithRejected("b"),
			scCoRes("b", func(p *housing.Profile) { p.Smoker = housing.Yes }), []string{KeyRejected, KeySmokersNever}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reasons := CheckPair(tt.a, tt.b)
			if diff := cmp.Diff(tt.want, scKeys(reasons)); diff != "" || ok != (tt.want == nil) {
				t.Errorf("CheckPair(a, b) = %v, keys (-want +got):\n%s", ok, diff)
			}
			if ok2, _ := CheckPair(tt.b, tt.a); ok2 != ok {
				t.Errorf("CheckPair(b, a) = %v; want %v (symmetric)", ok2, ok)
			}
			m := PairScores([]Candidate{tt.a, tt.b}, nil)
			if removed := m[0][1] == Removed; removed != !ok {
				t.Errorf("PairScores(a, b) = %d; want removed = %v as CheckPair", m[0][1], !ok)
			}
			v := WhyNot(tt.a, tt.b, nil)
			if v.Allowed != ok || len(v.Reasons) != len(reasons) || v.Score != Score(tt.a, tt.b, nil) {
				t.Errorf("WhyNot(a, b) = %+v; want Allowed %v, %d reasons, score %d",
					v, ok, len(reasons), Score(tt.a, tt.b, nil))
			}
		})
	}
}

func TestCheckPairParams(t *testing.T) {
	a := scBenef("a", housing.CareInfo{Exclusions: []string{"b"}}, nil)
	_, reasons := CheckPair(scCoRes("b", nil), a)
	want := []Reason{{Key: KeyExclusion, Params: map[string]string{"who": "a", "other": "b"}}}
	if diff := cmp.Diff(want, reasons); diff != "" {
		t.Errorf("CheckPair(b, a) reasons (-want +got):\n%s", diff)
	}
}

// scHome returns an available flat in Bologna with two free places, one of
// them a single room, medium support, no household traits.
func scHome(edit func(h *housing.Home)) housing.Home {
	h := housing.Home{ID: "h1", Kind: housing.KindFlat, District: "Bologna", Address: "via Roma 1",
		Rooms: 2, Capacity: 2, SingleRooms: 1, MonthlyCost: 300, Support: housing.IntensityMedium, Available: true}
	if edit != nil {
		edit(&h)
	}
	return h
}

func TestCheckHome(t *testing.T) {
	benef := func(need housing.Intensity, sf bool) Candidate {
		return scBenef("a", housing.CareInfo{TargetGroup: housing.GroupCSM, SupportIntensity: need, SubstanceFree: sf}, nil)
	}
	answered := func(edit func(p *housing.Profile)) Candidate { return scCoRes("a", edit) }
	tests := []struct {
		name string
		a    Candidate
		h    housing.Home
		want []string
	}{
		{"fits", scCoRes("a", nil), scHome(nil), nil},
		{"unavailable", scCoRes("a", nil), scHome(func(h *housing.Home) { h.Available = false }),
			[]string{KeyHomeUnavailable}},
		{"already living", scCoRes("a", nil),
			scHome(func(h *housing.Home) { h.Occupants = []housing.Occupant{{PersonID: "a"}} }), []string{KeyAlreadyLiving}},
		{"rejected", scCoRes("a", nil).WithRejected("h1"), scHome(nil), []string{KeyRejectedHome}},
		{"excludes the host", scBenef("a", housing.CareInfo{Exclusions: []string{"host"}}, nil),
			scHome(func(h *housing.Home) { h.Kind, h.HostID = housing.KindIESA, "host" }), []string{KeyExclusion}},
		{"excludes an occupant", scBenef("a", housing.CareInfo{Exclusions: []string{"o"}}, nil),
			scHome(func(h *housing.Home) { h.Occupants = []housing.Occupant{{PersonID: "o"}} }), []string{KeyExclusion}},
		{"kind not wanted", answered(func(p *housing.Profile) { p.HousingForms = []housing.HomeKind{housing.KindIESA} }),
			scHome(nil), []string{KeyHomeKind}},
		{"kind wanted", answered(func(p *housing.Profile) {
			p.HousingForms = []housing.HomeKind{housing.KindIESA, housing.KindFlat}
		}), scHome(nil), nil},
		{"step-free needed", answered(func(p *housing.Profile) { p.StepFree = housing.Yes }), scHome(nil),
			[]string{KeyStepFree}},
		{"step-free met", answered(func(p *housing.Profile) { p.StepFree = housing.Yes }),
			scHome(func(h *housing.Home) { h.StepFree = true }), nil},
		{"substance-free flat needed", benef(housing.IntensityMedium, true), scHome(nil), []string{KeySubstanceFreeHome}},
		{"substance-free flat met", benef(housing.IntensityMedium, true),
			scHome(func(h *housing.Home) { h.SubstanceFree = true }), nil},
		{"substance-free cohousing", benef(housing.IntensityMedium, true),
			scHome(func(h *housing.Home) { h.Kind = housing.KindCohousing }), nil},
		{"support two levels short", benef(housing.IntensityIntensive, false),
			scHome(func(h *housing.Home) { h.Support = housing.IntensityLight }), []string{KeySupport}},
		{"support one level short", benef(housing.IntensityIntensive, false), scHome(nil), nil},
		{"never smokers", answered(func(p *housing.Profile) { p.Smokers = housing.AcceptNever }),
			scHome(func(h *housing.Home) { h.SmokingAllowed = true }), []string{KeyHomeSmoking}},
		{"never animals", answered(func(p *housing.Profile) { p.Pets = housing.AcceptNever }),
			scHome(func(h *housing.Home) { h.Animals = true }), []string{KeyHomeAnimals}},
		{"never children", answered(func(p *housing.Profile) { p.Children = housing.AcceptNever }),
			scHome(func(h *housing.Home) { h.Children = true }), []string{KeyHomeChildren}},
		{"rather not children", answered(func(p *housing.Profile) { p.Children = housing.AcceptRatherNot }),
			scHome(func(h *housing.Home) { h.Children = true }), nil},
		{"full", scCoRes("a", nil), scHome(func(h *housing.Home) {
			h.Occupants = []housing.Occupant{{PersonID: "x"}, {PersonID: "y"}}
		}), []string{KeyCapacity}},
		{"no free single room", answered(func(p *housing.Profile) { p.SingleRoom = housing.Yes }),
			scHome(func(h *housing.Home) { h.Occupants = []housing.Occupant{{PersonID: "x"}} }), []string{KeySingleRoom}},
		{"beneficiary cap reached", benef(housing.IntensityMedium, false), scHome(func(h *housing.Home) {
			h.BeneficiaryCap, h.Occupants = 1, []housing.Occupant{{PersonID: "x", Beneficiary: true}}
		}), []string{KeyBeneficiaryCap}},
		{"beneficiary cap and a co-resident", scCoRes("a", nil), scHome(func(h *housing.Home) {
			h.BeneficiaryCap, h.Occupants = 1, []housing.Occupant{{PersonID: "x", Beneficiary: true}}
		}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reasons := CheckHome(tt.a, tt.h)
			if diff := cmp.Diff(tt.want, scKeys(reasons)); diff != "" || ok != (tt.want == nil) {
				t.Errorf("CheckHome(a, h) = %v, keys (-want +got):\n%s", ok, diff)
			}
			m := HomeScores([]Candidate{tt.a}, []housing.Home{tt.h}, nil)
			if removed := m[0][0] == Removed; removed != !ok {
				t.Errorf("HomeScores(a, h) = %d; want removed = %v as CheckHome", m[0][0], !ok)
			}
			if v := WhyNotHome(tt.a, tt.h, nil); v.Allowed != ok || v.Score != HomeFit(tt.a, tt.h, nil) {
				t.Errorf("WhyNotHome(a, h) = %+v; want Allowed %v and score %d", v, ok, HomeFit(tt.a, tt.h, nil))
			}
		})
	}
}

func TestCheckHousehold(t *testing.T) {
	single := func(p *housing.Profile) { p.SingleRoom = housing.Yes }
	tests := []struct {
		name    string
		h       housing.Home
		members []Candidate
		want    []string
	}{
		{"two fit", scHome(nil), []Candidate{scCoRes("a", nil), scCoRes("b", nil)}, nil},
		{"three do not", scHome(nil), []Candidate{scCoRes("a", nil), scCoRes("b", nil), scCoRes("c", nil)},
			[]string{KeyCapacity}},
		{"two single rooms needed", scHome(nil), []Candidate{scCoRes("a", single), scCoRes("b", single)},
			[]string{KeySingleRoom}},
		{"pair rule", scHome(nil), []Candidate{scCoRes("a", nil).WithRejected("b"), scCoRes("b", nil)},
			[]string{KeyRejected}},
		{"beneficiary cap", scHome(func(h *housing.Home) { h.BeneficiaryCap = 1 }),
			[]Candidate{scBenef("a", housing.CareInfo{}, nil), scBenef("b", housing.CareInfo{}, nil)},
			[]string{KeyBeneficiaryCap}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reasons := CheckHousehold(tt.h, tt.members)
			if diff := cmp.Diff(tt.want, scKeys(reasons)); diff != "" || ok != (tt.want == nil) {
				t.Errorf("CheckHousehold = %v, keys (-want +got):\n%s", ok, diff)
			}
		})
	}
}
