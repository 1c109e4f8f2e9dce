package storetest

import (
	"errors"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

func testHomes(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	flat := f.home()
	host := f.person(func(p *housing.Person) { p.Role = housing.RoleHost })
	iesa := f.home(func(h *housing.Home) {
		h.Kind, h.HostID, h.District, h.Capacity, h.SingleRooms = housing.KindIESA, host.ID, housing.DistrictSavenaIdice, 1, 1
	})
	full := f.home(func(h *housing.Home) {
		h.Occupants = []housing.Occupant{{PersonID: "p-x"}, {PersonID: "p-y", Beneficiary: true}}
	})
	got, err := s.Home(f.ctx, iesa.ID)
	must(t, "Home", err)
	if diff := cmp.Diff(*iesa, got); diff != "" {
		t.Errorf("Home mismatch (-want +got):\n%s", diff)
	}
	_, err = s.Home(f.ctx, "h-missing")
	wantErr(t, "Home(missing)", err, housing.ErrNotFound)
	bad := f.b.Home(func(h *housing.Home) { h.Capacity = 0 })
	err = s.CreateHome(f.ctx, bad)
	var fe *housing.FieldError
	if !errors.As(err, &fe) || fe.Field != "capacity" {
		t.Errorf("CreateHome(capacity 0) = %v; want FieldError for capacity", err)
	}

	for _, tc := range []struct {
		name string
		f    housing.HomeFilter
		want []string
	}{
		{"all", housing.HomeFilter{}, []string{flat.ID, iesa.ID, full.ID}},
		{"district", housing.HomeFilter{District: housing.DistrictBologna}, []string{flat.ID, full.ID}},
		{"kind", housing.HomeFilter{Kind: housing.KindIESA}, []string{iesa.ID}},
		{"free", housing.HomeFilter{WithFree: true}, []string{flat.ID, iesa.ID}},
		{"district+free", housing.HomeFilter{District: housing.DistrictBologna, WithFree: true}, []string{flat.ID}},
	} {
		homes, err := s.ListHomes(f.ctx, tc.f)
		must(t, "ListHomes", err)
		var ids []string
		for _, h := range homes {
			ids = append(ids, h.ID)
		}
		if diff := cmp.Diff(tc.want, ids); diff != "" {
			t.Errorf("ListHomes(%s) mismatch (-want +got):\n%s", tc.name, diff)
		}
	}

	flat.Kind = housing.KindCohousing
	must(t, "UpdateHome", s.UpdateHome(f.ctx, flat))
	stale := *flat
	stale.Version--
	wantErr(t, "UpdateHome(stale)", s.UpdateHome(f.ctx, &stale), housing.ErrConflict)
	homes, err := s.ListHomes(f.ctx, housing.HomeFilter{Kind: housing.KindFlat})
	must(t, "ListHomes", err)
	if len(homes) != 1 || homes[0].ID != full.ID {
		t.Errorf("ListHomes(kind flat) after change = %v; want only %s", homes, full.ID)
	}
}
