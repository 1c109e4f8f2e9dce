package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/google/go-cmp/cmp"
)

func testApprove(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	a, b := f.person(), f.person(func(p *housing.Person) { p.Role = housing.RoleCoResident })
	h := f.home()
	p := f.proposal(h, a, b)
	other := f.proposal(f.home(func(h *housing.Home) { h.District = housing.DistrictPianuraEst }), f.person())

	pending, err := s.ListProposals(f.ctx, housing.ProposalFilter{District: housing.DistrictBologna, Status: housing.ProposalPending})
	must(t, "ListProposals", err)
	if len(pending) != 1 || pending[0].ID != p.ID {
		t.Fatalf("ListProposals(Bologna, pending) = %v; want only %s", pending, p.ID)
	}
	at := housingtest.Epoch().Add(time.Hour)
	pl, err := s.ApproveProposal(f.ctx, p.ID, "p-mediator", at)
	must(t, "ApproveProposal", err)
	if pl.Status != housing.PlacementProposed || pl.HomeID != h.ID || !cmp.Equal(pl.Residents, []string{a.ID, b.ID}) {
		t.Errorf("ApproveProposal placement = %+v; want proposed, home %s, residents [%s %s]", pl, h.ID, a.ID, b.ID)
	}
	gotPl, err := s.Placement(f.ctx, pl.ID)
	must(t, "Placement", err)
	if diff := cmp.Diff(pl, gotPl); diff != "" {
		t.Errorf("stored placement mismatch (-want +got):\n%s", diff)
	}
	gotP, err := s.Proposal(f.ctx, p.ID)
	must(t, "Proposal", err)
	if gotP.Status != housing.ProposalApproved || gotP.DecidedBy != "p-mediator" || gotP.PlacementID != pl.ID || !gotP.DecidedAt.Equal(at) {
		t.Errorf("approved proposal = %+v; want approved by p-mediator with placement %s", gotP, pl.ID)
	}
	gotH, err := s.Home(f.ctx, h.ID)
	must(t, "Home", err)
	want := []housing.Occupant{{PersonID: a.ID, Beneficiary: true}, {PersonID: b.ID}}
	if diff := cmp.Diff(want, gotH.Occupants); diff != "" {
		t.Errorf("home occupants after approval (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		f    housing.PlacementFilter
		want int
	}{
		{"by home", housing.PlacementFilter{HomeID: h.ID}, 1},
		{"by person", housing.PlacementFilter{PersonID: b.ID}, 1},
		{"by status", housing.PlacementFilter{Status: housing.PlacementProposed}, 1},
		{"other status", housing.PlacementFilter{Status: housing.PlacementActive}, 0},
		{"other person", housing.PlacementFilter{PersonID: other.Members[0]}, 0},
	} {
		pls, err := s.ListPlacements(f.ctx, tc.f)
		must(t, "ListPlacements", err)
		if len(pls) != tc.want {
			t.Errorf("ListPlacements(%s) = %d; want %d", tc.name, len(pls), tc.want)
		}
	}
	_, err = s.ApproveProposal(f.ctx, "pr-missing", "p-mediator", at)
	wantErr(t, "ApproveProposal(missing)", err, housing.ErrNotFound)
}

func testApproveRepeat(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	h := f.home()
	p := f.proposal(h, f.person(), f.person())
	at := housingtest.Epoch()
	first, err := s.ApproveProposal(f.ctx, p.ID, "p-med1", at)
	must(t, "ApproveProposal", err)
	again, err := s.ApproveProposal(f.ctx, p.ID, "p-med1", at.Add(time.Minute))
	must(t, "ApproveProposal(repeat)", err)
	if again.ID != first.ID {
		t.Errorf("repeated ApproveProposal = placement %s; want the same %s", again.ID, first.ID)
	}
	_, err = s.ApproveProposal(f.ctx, p.ID, "p-med2", at)
	var se *housing.StateError
	if !errors.As(err, &se) || se.By != "p-med1" || !errors.Is(err, housing.ErrConflict) {
		t.Errorf("ApproveProposal by a second mediator = %v; want a StateError naming p-med1", err)
	}
	_, err = s.RejectProposal(f.ctx, p.ID, "p-med2", "no", at)
	wantErr(t, "RejectProposal(approved)", err, housing.ErrConflict)
	pls, err := s.ListPlacements(f.ctx, housing.PlacementFilter{HomeID: h.ID})
	must(t, "ListPlacements", err)
	if len(pls) != 1 {
		t.Errorf("after repeats ListPlacements(home) = %d; want 1", len(pls))
	}
}

func testApproveCapacity(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	at := housingtest.Epoch()
	// Too many members for the free places.
	h := f.home(func(h *housing.Home) { h.Capacity, h.SingleRooms = 3, 3 })
	wide := f.proposal(h, f.person(), f.person(), f.person(), f.person())
	_, err := s.ApproveProposal(f.ctx, wide.ID, "p-med", at)
	wantErr(t, "ApproveProposal(4 into 3)", err, housing.ErrConflict)

	// Beneficiary cap: 2 beneficiaries into a home capped at 1.
	capped := f.home(func(h *housing.Home) { h.BeneficiaryCap = 1 })
	two := f.proposal(capped, f.person(), f.person())
	_, err = s.ApproveProposal(f.ctx, two.ID, "p-med", at)
	wantErr(t, "ApproveProposal(over beneficiary cap)", err, housing.ErrConflict)

	// Someone already holding a place cannot be placed twice.
	x := f.person()
	_, err = s.ApproveProposal(f.ctx, f.proposal(f.home(), x).ID, "p-med", at)
	must(t, "ApproveProposal(first)", err)
	_, err = s.ApproveProposal(f.ctx, f.proposal(f.home(), x).ID, "p-med", at)
	wantErr(t, "ApproveProposal(already placed)", err, housing.ErrConflict)

	// Refused approvals changed nothing.
	for _, id := range []string{h.ID, capped.ID} {
		got, err := s.Home(f.ctx, id)
		must(t, "Home", err)
		if len(got.Occupants) != 0 {
			t.Errorf("home %s occupants after refused approval = %v; want none", id, got.Occupants)
		}
	}
	got, err := s.Proposal(f.ctx, wide.ID)
	must(t, "Proposal", err)
	if got.Status != housing.ProposalPending {
		t.Errorf("refused proposal status = %s; want pending", got.Status)
	}
}

func testReject(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	p := f.proposal(f.home(), f.person(), f.person())
	at := housingtest.Epoch()
	got, err := s.RejectProposal(f.ctx, p.ID, "p-med", "they already know each other and do not get on", at)
	must(t, "RejectProposal", err)
	if got.Status != housing.ProposalRejected || got.Reason == "" || got.DecidedBy != "p-med" {
		t.Errorf("RejectProposal = %+v; want rejected by p-med with reason", got)
	}
	again, err := s.RejectProposal(f.ctx, p.ID, "p-med", "again", at)
	must(t, "RejectProposal(repeat)", err)
	if again.Reason != got.Reason {
		t.Errorf("repeated RejectProposal changed the reason to %q", again.Reason)
	}
	_, err = s.ApproveProposal(f.ctx, p.ID, "p-med", at)
	wantErr(t, "ApproveProposal(rejected)", err, housing.ErrConflict)
	rejected, err := s.ListProposals(f.ctx, housing.ProposalFilter{Status: housing.ProposalRejected})
	must(t, "ListProposals", err)
	if len(rejected) != 1 {
		t.Errorf("ListProposals(rejected) = %d; want 1", len(rejected))
	}
	pending, err := s.ListProposals(f.ctx, housing.ProposalFilter{Status: housing.ProposalPending})
	must(t, "ListProposals", err)
	if len(pending) != 0 {
		t.Errorf("ListProposals(pending) = %d; want 0", len(pending))
	}
}

func testPlacementEnd(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	h := f.home()
	a, b := f.person(), f.person()
	at := housingtest.Epoch()
	pl, err := s.ApproveProposal(f.ctx, f.proposal(h, a, b).ID, "p-med", at)
	must(t, "ApproveProposal", err)
	must(t, "Move", pl.Move(housing.PlacementIntroduced, "p-med", at, ""))
	must(t, "UpdatePlacement", s.UpdatePlacement(f.ctx, &pl))
	must(t, "Move", pl.Move(housing.PlacementActive, "p-med", at, ""))
	must(t, "UpdatePlacement", s.UpdatePlacement(f.ctx, &pl))
	if want := at.AddDate(0, 6, 0); !pl.ReviewDate.Equal(want) {
		t.Errorf("ReviewDate = %v; want %v", pl.ReviewDate, want)
	}
	stale := pl
	stale.Version--
	wantErr(t, "UpdatePlacement(stale)", s.UpdatePlacement(f.ctx, &stale), housing.ErrConflict)

	must(t, "Move", pl.Move(housing.PlacementEnded, "p-med", at, "own flat"))
	pl.Outcome = housing.OutcomeAutonomous
	must(t, "UpdatePlacement(end)", s.UpdatePlacement(f.ctx, &pl))
	got, err := s.Home(f.ctx, h.ID)
	must(t, "Home", err)
	if len(got.Occupants) != 0 || got.Free() != 2 {
		t.Errorf("after end, home occupants = %v; want none", got.Occupants)
	}
	open, err := s.ListPlacements(f.ctx, housing.PlacementFilter{PersonID: a.ID, OpenOnly: true})
	must(t, "ListPlacements", err)
	if len(open) != 0 {
		t.Errorf("open placements of %s after end = %d; want 0", a.ID, len(open))
	}
	// The people are free again: a new proposal with them can be approved.
	_, err = s.ApproveProposal(f.ctx, f.proposal(f.home(), a).ID, "p-med", at)
	must(t, "ApproveProposal(after end)", err)
}

// testPlacementDropResident: dropping a resident from an open placement
// frees their place in the same step; moving the placement to another
// home or adding a resident is refused and changes nothing.
func testPlacementDropResident(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	h := f.home()
	a, b, c := f.person(), f.person(), f.person()
	at := housingtest.Epoch()
	pl, err := s.ApproveProposal(f.ctx, f.proposal(h, a, b).ID, "p-med", at)
	must(t, "ApproveProposal", err)
	before, err := s.Home(f.ctx, h.ID)
	must(t, "Home", err)

	for _, tc := range []struct {
		name   string
		change func(p *housing.Placement)
	}{
		{"new resident", func(p *housing.Placement) { p.Residents = append(p.Residents, c.ID) }},
		{"other home", func(p *housing.Placement) { p.HomeID = f.home().ID }},
	} {
		bad := pl
		bad.Residents = slices.Clone(pl.Residents)
		tc.change(&bad)
		wantErr(t, "UpdatePlacement("+tc.name+")", s.UpdatePlacement(f.ctx, &bad), housing.ErrInvalid)
	}

	pl.Residents = []string{a.ID}
	must(t, "UpdatePlacement(drop)", s.UpdatePlacement(f.ctx, &pl))
	got, err := s.Home(f.ctx, h.ID)
	must(t, "Home", err)
	occupants := make([]string, 0, len(got.Occupants))
	for _, o := range got.Occupants {
		occupants = append(occupants, o.PersonID)
	}
	if !cmp.Equal(occupants, []string{a.ID}) || got.Version != before.Version+1 {
		t.Errorf("home after dropping %s = occupants %v, version %d; want [%s], version %d",
			b.ID, occupants, got.Version, a.ID, before.Version+1)
	}
	stored, err := s.Placement(f.ctx, pl.ID)
	must(t, "Placement", err)
	if !cmp.Equal(stored.Residents, []string{a.ID}) || stored.HomeID != h.ID {
		t.Errorf("placement after drop = residents %v, home %s; want [%s], %s", stored.Residents, stored.HomeID, a.ID, h.ID)
	}
}
