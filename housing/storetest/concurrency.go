package storetest

import (
	"errors"
	"sync"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

const racers = 50

// testConcurrentRedeem: 50 users redeem one invitation at once; exactly one
// wins and every other gets ErrConflict.
func testConcurrentRedeem(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	inv, _ := f.b.Invitation()
	must(t, "CreateInvitation", s.CreateInvitation(f.ctx, inv))
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			_, errs[i] = s.RedeemInvitation(f.ctx, inv.TokenHash, int64(1000+i), housingtest.Epoch())
		})
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, housing.ErrConflict):
			t.Errorf("racer %d: RedeemInvitation = %v; want nil or ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d racers redeemed one invitation; want exactly 1", wins)
	}
	got, err := s.InvitationByTokenHash(f.ctx, inv.TokenHash)
	must(t, "InvitationByTokenHash", err)
	if got.UsedBy < 1000 || got.UsedBy >= 1000+racers {
		t.Errorf("invitation used by %d; want one of the racers", got.UsedBy)
	}
}

// testConcurrentApprove: 50 mediators approve 50 different proposals for
// the last free place of one home at once; exactly one wins and the home
// never exceeds its capacity.
func testConcurrentApprove(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	h := f.home(func(h *housing.Home) {
		h.Capacity, h.SingleRooms = 3, 3
		h.Occupants = []housing.Occupant{{PersonID: "p-old1"}, {PersonID: "p-old2"}}
	})
	props := make([]*housing.Proposal, racers)
	for i := range props {
		props[i] = f.proposal(h, f.person())
	}
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i, p := range props {
		wg.Go(func() {
			_, errs[i] = s.ApproveProposal(f.ctx, p.ID, "p-med", housingtest.Epoch())
		})
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, housing.ErrConflict):
			t.Errorf("racer %d: ApproveProposal = %v; want nil or ErrConflict", i, err)
		}
	}
	got, err := s.Home(f.ctx, h.ID)
	must(t, "Home", err)
	if wins != 1 || len(got.Occupants) != 3 {
		t.Fatalf("%d approvals won, home has %d occupants; want 1 and 3 (capacity)", wins, len(got.Occupants))
	}
	pls, err := s.ListPlacements(f.ctx, housing.PlacementFilter{HomeID: h.ID})
	must(t, "ListPlacements", err)
	approved, err := s.ListProposals(f.ctx, housing.ProposalFilter{Status: housing.ProposalApproved})
	must(t, "ListProposals", err)
	if len(pls) != 1 || len(approved) != 1 {
		t.Errorf("after the race: %d placements, %d approved proposals; want 1 and 1", len(pls), len(approved))
	}
}
