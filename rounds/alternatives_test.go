package rounds_test

import (
	"errors"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

func TestAlternatives(t *testing.T) {
	f := newFixture(t)
	for range 5 {
		f.person(housing.RoleBeneficiary, true)
	}
	f.home(2)
	f.home(2)
	props := f.run()
	if len(props) != 2 {
		t.Fatalf("round = %d proposals; want 2", len(props))
	}
	alt, err := f.r.Alternatives(f.ctx, props[0].ID, f.med)
	if err != nil {
		t.Fatalf("Alternatives: %v", err)
	}
	if len(alt.Members) != 2 || alt.HomeID != props[0].HomeID {
		t.Fatalf("Alternatives = %+v; want both members of %s", alt, props[0].ID)
	}
	partners := alt.Members[0].Partners
	if len(partners) == 0 || len(alt.Members[0].Homes) != 1 || len(alt.ForHome) == 0 {
		t.Fatalf("member options = %+v, for home %+v; want partners, the other home, people", alt.Members[0], alt.ForHome)
	}
	for _, o := range partners {
		if props[0].HasMember(o.PersonID) || len(o.Factors) == 0 {
			t.Errorf("partner option %+v: a member, or without factors", o)
		}
		if o.Taken != props[1].HasMember(o.PersonID) {
			t.Errorf("partner %s: Taken = %t; want %t (in the other proposal)", o.PersonID, o.Taken, !o.Taken)
		}
	}
	if o := alt.Members[0].Homes[0]; !o.Taken {
		t.Errorf("home option %s is pending in the other proposal but not Taken", o.HomeID)
	}
	log, err := f.store.AuditLog(f.ctx, housing.AuditFilter{Actor: f.med.ID})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	for _, e := range log {
		if e.Action == "proposal.alternatives" {
			reads++
		}
	}
	if reads < 3 {
		t.Errorf("%d audit entries for the alternatives read; want one per person named", reads)
	}
	if _, err := f.r.Alternatives(f.ctx, "pr_none", f.med); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("Alternatives(unknown) = %v; want ErrNotFound", err)
	}
}

func TestWhyNot(t *testing.T) {
	f := newFixture(t)
	a := f.person(housing.RoleBeneficiary, true, func(p *housing.Person) { p.DisplayName = "Marco" })
	b := f.person(housing.RoleBeneficiary, true, func(p *housing.Person) { p.DisplayName = "Luca" })
	excluded := f.person(housing.RoleBeneficiary, true, func(p *housing.Person) { p.DisplayName = "Mario" })
	f.person(housing.RoleBeneficiary, false, func(p *housing.Person) { p.DisplayName = "Marta" })
	err := f.store.PutCareInfo(f.ctx, &housing.CareInfo{PersonID: a.ID, Exclusions: []string{excluded.ID}, UpdatedAt: f.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	h := f.home(2)
	p := f.proposal(h, a.ID, b.ID)

	ans, err := f.r.WhyNot(f.ctx, p.ID, excluded.Code, f.med)
	if err != nil || ans.Person == nil || ans.Person.ID != excluded.ID || len(ans.Verdicts) != 2 {
		t.Fatalf("WhyNot(code) = %+v, %v", ans, err)
	}
	if v := ans.Verdicts[0]; v.PersonID != a.ID || v.Allowed || len(v.Reasons) == 0 || v.Reasons[0].Key != "constraint.exclusion" {
		t.Errorf("verdict for %s = %+v; want the exclusion", a.ID, v)
	}
	if v := ans.Verdicts[1]; !v.Allowed || v.Score <= 0 {
		t.Errorf("verdict for %s = %+v; want allowed with a score", b.ID, v)
	}
	for _, tc := range []struct {
		query   string
		matches int
		busy    string
		noProf  bool
		home    bool
	}{
		{"mar", 3, "", false, false},
		{"marta", 0, "", true, false},
		{"luca", 0, "member", false, false},
		{h.ID, 0, "member", false, true},
	} {
		ans, err := f.r.WhyNot(f.ctx, p.ID, tc.query, f.med)
		if err != nil || len(ans.Matches) != tc.matches || ans.Busy != tc.busy || ans.NoProfile != tc.noProf || (ans.Home != nil) != tc.home {
			t.Errorf("WhyNot(%q) = matches %d, busy %q, no profile %t, home %t, %v; want %d, %q, %t, %t",
				tc.query, len(ans.Matches), ans.Busy, ans.NoProfile, ans.Home != nil, err, tc.matches, tc.busy, tc.noProf, tc.home)
		}
	}
	if _, err := f.r.WhyNot(f.ctx, p.ID, "Zeno", f.med); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("WhyNot(nobody) = %v; want ErrNotFound", err)
	}
}

func TestNightlyRunsOnChange(t *testing.T) {
	f := newFixture(t)
	districts := []string{housing.DistrictBologna, housing.DistrictSavenaIdice}
	o := rounds.Options{Actor: "system", Purpose: "nightly round"}
	f.person(housing.RoleBeneficiary, true)
	f.person(housing.RoleBeneficiary, true)
	f.person(housing.RoleBeneficiary, true)
	ran := func() []string {
		t.Helper()
		res, err := f.r.Nightly(f.ctx, districts, o)
		if err != nil {
			t.Fatalf("Nightly: %v", err)
		}
		var ds []string
		for _, r := range res {
			ds = append(ds, r.District)
		}
		return ds
	}
	if got := ran(); len(got) != 0 {
		t.Errorf("Nightly without homes ran %v; want nothing", got)
	}
	f.home(2)
	if got := ran(); len(got) != 1 || got[0] != housing.DistrictBologna {
		t.Errorf("Nightly after a home was added ran %v; want Bologna", got)
	}
	if got := ran(); len(got) != 0 {
		t.Errorf("Nightly without changes ran %v; want nothing", got)
	}
	f.home(1)
	if got := ran(); len(got) != 1 {
		t.Errorf("Nightly after a room was freed ran %v; want Bologna", got)
	}
}
