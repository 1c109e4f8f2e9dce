package storetest

import (
	"errors"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

func testPeople(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	p := f.person()
	if p.Version != 1 {
		t.Errorf("CreatePerson set Version = %d; want 1", p.Version)
	}
	got, err := s.Person(f.ctx, p.ID)
	must(t, "Person", err)
	if diff := cmp.Diff(*p, got); diff != "" {
		t.Errorf("Person(%s) mismatch (-want +got):\n%s", p.ID, diff)
	}
	_, err = s.Person(f.ctx, "p-missing")
	wantErr(t, "Person(missing)", err, housing.ErrNotFound)
	dup := *p
	dup.Version = 0
	wantErr(t, "CreatePerson(duplicate id)", s.CreatePerson(f.ctx, &dup), housing.ErrConflict)

	// No ID: the store assigns one.
	anon := f.b.Person(func(p *housing.Person) { p.ID = "" })
	must(t, "CreatePerson(no id)", s.CreatePerson(f.ctx, anon))
	if !housing.ValidID(anon.ID) {
		t.Errorf("CreatePerson assigned id %q; want a valid id", anon.ID)
	}

	// Optimistic concurrency: the first update wins, a stale copy loses.
	a, b := got, got
	a.DisplayName = "Anna B."
	must(t, "UpdatePerson", s.UpdatePerson(f.ctx, &a))
	if a.Version != 2 {
		t.Errorf("UpdatePerson set Version = %d; want 2", a.Version)
	}
	b.DisplayName = "Stale"
	wantErr(t, "UpdatePerson(stale)", s.UpdatePerson(f.ctx, &b), housing.ErrConflict)
	got, err = s.Person(f.ctx, p.ID)
	must(t, "Person", err)
	if got.DisplayName != "Anna B." || got.Version != 2 {
		t.Errorf("after updates Person = %q v%d; want %q v2", got.DisplayName, got.Version, "Anna B.")
	}
	missing := f.b.Person()
	missing.Version = 1
	wantErr(t, "UpdatePerson(missing)", s.UpdatePerson(f.ctx, missing), housing.ErrNotFound)
}

func testPersonValidation(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	for _, tc := range []struct {
		field string
		mod   func(*housing.Person)
	}{
		{"role", func(p *housing.Person) { p.Role = "guru" }},
		{"display_name", func(p *housing.Person) { p.DisplayName = " " }},
		{"language", func(p *housing.Person) { p.Language = "de" }},
		{"status", func(p *housing.Person) { p.Status = "" }},
		{"id", func(p *housing.Person) { p.ID = "bad id" }},
	} {
		err := s.CreatePerson(f.ctx, f.b.Person(tc.mod))
		var fe *housing.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("CreatePerson(bad %s) = %v; want a FieldError for %s wrapping ErrInvalid", tc.field, err, tc.field)
		}
	}
	people, err := s.ListPeople(f.ctx, housing.PersonFilter{})
	must(t, "ListPeople", err)
	if len(people) != 0 {
		t.Errorf("after invalid creates ListPeople = %d people; want 0", len(people))
	}
}

func testTelegramIDUnique(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	a := f.person(func(p *housing.Person) { p.TelegramID = 1001 })
	got, err := s.PersonByTelegramID(f.ctx, 1001)
	must(t, "PersonByTelegramID", err)
	if got.ID != a.ID {
		t.Errorf("PersonByTelegramID(1001) = %s; want %s", got.ID, a.ID)
	}
	_, err = s.PersonByTelegramID(f.ctx, 2002)
	wantErr(t, "PersonByTelegramID(unknown)", err, housing.ErrNotFound)
	wantErr(t, "CreatePerson(same telegram id)",
		s.CreatePerson(f.ctx, f.b.Person(func(p *housing.Person) { p.TelegramID = 1001 })), housing.ErrConflict)

	b := f.person()
	b.TelegramID = 1001
	wantErr(t, "UpdatePerson(taken telegram id)", s.UpdatePerson(f.ctx, b), housing.ErrConflict)

	// Rebinding: a's id moves to 3003; 1001 becomes free and unknown.
	a.TelegramID = 3003
	must(t, "UpdatePerson(rebind)", s.UpdatePerson(f.ctx, a))
	_, err = s.PersonByTelegramID(f.ctx, 1001)
	wantErr(t, "PersonByTelegramID(old id)", err, housing.ErrNotFound)
	got, err = s.PersonByTelegramID(f.ctx, 3003)
	must(t, "PersonByTelegramID(new id)", err)
	if got.ID != a.ID {
		t.Errorf("PersonByTelegramID(3003) = %s; want %s", got.ID, a.ID)
	}
}

func testListPeople(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	bo := f.person()
	si := f.person(func(p *housing.Person) { p.District = housing.DistrictSavenaIdice })
	med := f.person(func(p *housing.Person) { p.District = housing.DistrictSavenaIdice; p.Role = housing.RoleMediator })
	paused := f.person(func(p *housing.Person) { p.Status = housing.StatusPaused })
	ids := func(ps []housing.Person) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    housing.PersonFilter
		want []string
	}{
		{"all", housing.PersonFilter{}, []string{bo.ID, si.ID, med.ID, paused.ID}},
		{"district", housing.PersonFilter{District: housing.DistrictSavenaIdice}, []string{si.ID, med.ID}},
		{"role", housing.PersonFilter{Role: housing.RoleMediator}, []string{med.ID}},
		{"district+role", housing.PersonFilter{District: housing.DistrictSavenaIdice, Role: housing.RoleBeneficiary}, []string{si.ID}},
		{"status", housing.PersonFilter{Status: housing.StatusPaused}, []string{paused.ID}},
		{"none", housing.PersonFilter{District: housing.DistrictPianuraEst}, nil},
	} {
		got, err := s.ListPeople(f.ctx, tc.f)
		must(t, "ListPeople", err)
		if diff := cmp.Diff(tc.want, ids(got)); diff != "" {
			t.Errorf("ListPeople(%s) ids mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
	// Index maintenance: moving district moves the person between lists.
	bo.District = housing.DistrictPianuraEst
	must(t, "UpdatePerson", s.UpdatePerson(f.ctx, bo))
	got, err := s.ListPeople(f.ctx, housing.PersonFilter{District: housing.DistrictBologna})
	must(t, "ListPeople", err)
	if diff := cmp.Diff([]string{paused.ID}, ids(got)); diff != "" {
		t.Errorf("ListPeople(Bologna) after move mismatch (-want +got):\n%s", diff)
	}
}

func testProfileAndCare(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	p := f.person()
	other := f.person()
	_, err := s.Profile(f.ctx, p.ID)
	wantErr(t, "Profile(none yet)", err, housing.ErrNotFound)
	wantErr(t, "PutProfile(unknown person)", s.PutProfile(f.ctx, f.b.Profile("p-nobody")), housing.ErrNotFound)

	prof := f.b.Profile(p.ID)
	must(t, "PutProfile", s.PutProfile(f.ctx, prof))
	if prof.Version != 1 {
		t.Errorf("PutProfile set Version = %d; want 1", prof.Version)
	}
	got, err := s.Profile(f.ctx, p.ID)
	must(t, "Profile", err)
	if diff := cmp.Diff(*prof, got); diff != "" {
		t.Errorf("Profile mismatch (-want +got):\n%s", diff)
	}
	stale := *prof
	stale.Version = 0
	wantErr(t, "PutProfile(version 0 over existing)", s.PutProfile(f.ctx, &stale), housing.ErrConflict)
	prof.Tidiness = 9
	wantErr(t, "PutProfile(bad tidiness)", s.PutProfile(f.ctx, prof), housing.ErrInvalid)

	care := &housing.CareInfo{
		PersonID: p.ID, TargetGroup: housing.GroupSerDP, SupportIntensity: housing.IntensityMedium,
		SubstanceFree: true, Exclusions: []string{other.ID}, ResponsibleWorkers: []string{other.ID},
	}
	must(t, "PutCareInfo", s.PutCareInfo(f.ctx, care))
	gotCare, err := s.CareInfo(f.ctx, p.ID)
	must(t, "CareInfo", err)
	if diff := cmp.Diff(*care, gotCare); diff != "" {
		t.Errorf("CareInfo mismatch (-want +got):\n%s", diff)
	}
	_, err = s.CareInfo(f.ctx, other.ID)
	wantErr(t, "CareInfo(none)", err, housing.ErrNotFound)
}
