package dataset

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

func TestRefs(t *testing.T) {
	d := smallDataset()
	d.People[1].Care.Exclusions = []string{"p77"}
	d.People[1].Care.ResponsibleWorkers = []string{"w1", "w9"}
	d.Homes[1].Occupants = []housing.Occupant{{PersonID: "p1", Beneficiary: true}, {PersonID: "p88"}}
	want := []Ref{
		{From: "p1", Field: "exclusions", ID: "p77"},
		{From: "p1", Field: "responsible_workers", ID: "w1"},
		{From: "p1", Field: "responsible_workers", ID: "w9"},
		{From: "h1", Field: "host_id", ID: "p2"},
		{From: "h2", Field: "occupants", ID: "p1"},
		{From: "h2", Field: "occupants", ID: "p88"},
	}
	if diff := cmp.Diff(want, d.Refs()); diff != "" {
		t.Errorf("Refs() differs (-want +got):\n%s", diff)
	}
	wantOut := []Ref{want[0], want[2], want[5]}
	if diff := cmp.Diff(wantOut, d.Unresolved()); diff != "" {
		t.Errorf("Unresolved() differs (-want +got):\n%s", diff)
	}

	stored := map[string]housing.Role{"p77": housing.RoleBeneficiary, "w9": housing.RoleSocialWorker, "p88": housing.RoleCoResident}
	lookup := func(id string) (housing.Role, error) {
		if r, ok := stored[id]; ok {
			return r, nil
		}
		return "", fmt.Errorf("store: person %s: %w", id, housing.ErrNotFound)
	}
	if err := d.CheckRefs(lookup); err != nil {
		t.Errorf("CheckRefs(store with all) = %v; want nil", err)
	}
	stored["w9"] = housing.RoleBeneficiary
	delete(stored, "p88")
	got := problemKeys(problemsOf(t, d.CheckRefs(lookup)))
	if want := []string{"person p1:0:responsible_workers", "home h2:0:occupants"}; !slices.Equal(got, want) {
		t.Errorf("CheckRefs problems = %v; want %v", got, want)
	}
	if got := len(problemsOf(t, d.CheckRefs(nil))); got != 3 {
		t.Errorf("CheckRefs(nil) gave %d problems; want 3, one per outside reference", got)
	}
	down := errors.New("store down")
	err := d.CheckRefs(func(string) (housing.Role, error) { return "", down })
	var ie *ImportError
	if !errors.Is(err, down) || errors.As(err, &ie) {
		t.Errorf("CheckRefs(failing lookup) = %v; want the lookup's error, not an *ImportError", err)
	}
}
