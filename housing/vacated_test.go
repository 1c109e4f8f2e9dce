package housing

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVacated(t *testing.T) {
	old := Placement{ID: "pl1", HomeID: "h1", Residents: []string{"a", "b"}, Status: PlacementActive}
	ended := old
	ended.Status = PlacementEnded
	tests := []struct {
		name    string
		old     Placement
		change  func(p *Placement)
		want    []string
		wantErr error
	}{
		{"unchanged", old, func(p *Placement) {}, []string{}, nil},
		{"drop one", old, func(p *Placement) { p.Residents = []string{"a"} }, []string{"b"}, nil},
		{"end", old, func(p *Placement) { p.Status = PlacementEnded }, []string{"a", "b"}, nil},
		{"new resident", old, func(p *Placement) { p.Residents = []string{"a", "b", "c"} }, nil, ErrInvalid},
		{"other home", old, func(p *Placement) { p.HomeID = "h2" }, nil, ErrInvalid},
		{"reopen", ended, func(p *Placement) { p.Status = PlacementActive }, nil, ErrConflict},
		{"ended stays ended", ended, func(p *Placement) { p.Residents = []string{"a"} }, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.old
			p.Residents = append([]string(nil), tc.old.Residents...)
			tc.change(&p)
			got, err := Vacated(&tc.old, &p)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Fatalf("Vacated(%s) error = %v; want %v", tc.name, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Vacated(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}
