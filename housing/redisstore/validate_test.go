package redisstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/redisstore"
)

// TestInvalidInput checks that malformed arguments are ErrInvalid before
// Redis is asked, as in boltstore.
func TestInvalidInput(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	var b housingtest.Builder
	at := housingtest.Epoch()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Person(bad id)", func() error { _, err := s.Person(ctx, "a b"); return err }},
		{"PersonByTelegramID(0)", func() error { _, err := s.PersonByTelegramID(ctx, 0); return err }},
		{"ListPeople(bad role)", func() error { _, err := s.ListPeople(ctx, housing.PersonFilter{Role: "x"}); return err }},
		{"ListHomes(bad kind)", func() error { _, err := s.ListHomes(ctx, housing.HomeFilter{Kind: "x"}); return err }},
		{"ListPlacements(bad person)", func() error {
			_, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: "{x}"})
			return err
		}},
		{"ListProposals(bad status)", func() error {
			_, err := s.ListProposals(ctx, housing.ProposalFilter{Status: "x"})
			return err
		}},
		{"CreateProposal(approved)", func() error {
			p := b.Proposal(b.Home(), []string{"p1"}, func(p *housing.Proposal) { p.Status = housing.ProposalApproved })
			return s.CreateProposal(ctx, p)
		}},
		{"ApproveProposal(no mediator)", func() error { _, err := s.ApproveProposal(ctx, "pr1", "", at); return err }},
		{"ApproveProposal(no time)", func() error { _, err := s.ApproveProposal(ctx, "pr1", "p-med", time.Time{}); return err }},
		{"RejectProposal(bad id)", func() error { _, err := s.RejectProposal(ctx, "", "p-med", "", at); return err }},
		{"InvitationByTokenHash(short)", func() error { _, err := s.InvitationByTokenHash(ctx, "abc"); return err }},
		{"RedeemInvitation(no time)", func() error {
			_, err := s.RedeemInvitation(ctx, housing.HashToken("t"), 1, time.Time{})
			return err
		}},
		{"Consents(bad id)", func() error { _, err := s.Consents(ctx, ""); return err }},
		{"AppendAudit(no action)", func() error {
			return s.AppendAudit(ctx, &housing.AuditEntry{Actor: "p1", At: at})
		}},
		{"GetState(space)", func() error { _, err := s.GetState(ctx, "a b"); return err }},
		{"ClaimState(negative ttl)", func() error { _, err := s.ClaimState(ctx, "k", nil, -1); return err }},
	} {
		if err := tc.call(); !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", tc.name, err)
		}
	}
	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	if len(keys) != 0 {
		t.Errorf("invalid calls wrote keys %v; want none", keys)
	}
}
