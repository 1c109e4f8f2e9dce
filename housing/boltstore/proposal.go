package boltstore

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// proposals describes how proposals are stored.
func proposals() kind[housing.Proposal] {
	return kind[housing.Proposal]{
		name: "proposal", bucket: bucketProposals, idField: "id", prefix: "pr",
		id:       func(p *housing.Proposal) *string { return &p.ID },
		version:  func(p *housing.Proposal) *int64 { return &p.Version },
		entries:  index.Proposal,
		validate: validatePending,
	}
}

// validatePending validates a proposal and requires it to be pending, as
// every new proposal is; decisions go through ApproveProposal and
// RejectProposal.
func validatePending(p *housing.Proposal) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Status != housing.ProposalPending {
		return &housing.FieldError{Field: "status", Reason: fmt.Sprintf("a new proposal must be pending, not %q", p.Status)}
	}
	return nil
}

// CreateProposal stores a new pending proposal, assigning an ID when it is
// empty. ErrConflict if the ID exists.
func (s *Store) CreateProposal(ctx context.Context, p *housing.Proposal) error {
	return write(ctx, s, proposals(), p, modeCreate, nil)
}

// Proposal returns the proposal with id, or ErrNotFound.
func (s *Store) Proposal(ctx context.Context, id string) (housing.Proposal, error) {
	return get(ctx, s, proposals(), id)
}

// ListProposals returns the proposals matching f, in id order.
func (s *Store) ListProposals(ctx context.Context, f housing.ProposalFilter) ([]housing.Proposal, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list proposals: %w", err)
	}
	by := usable(
		index.Entry{Index: index.ProposalDistrict, Value: f.District},
		index.Entry{Index: index.ProposalStatus, Value: string(f.Status)},
	)
	return list(ctx, s, proposals(), by, f.Match)
}

// checkDecision validates the arguments of a mediator's decision.
func checkDecision(id, by string, at time.Time) error {
	if err := checkID("id", id); err != nil {
		return err
	}
	if err := checkID("decided_by", by); err != nil {
		return err
	}
	if at.IsZero() {
		return &housing.FieldError{Field: "decided_at", Reason: "is missing"}
	}
	return nil
}

// ApproveProposal approves a pending proposal and, in one transaction,
// gives its members places in the home (housing.Approve) and creates their
// placement with status proposed. ErrNotFound for a missing proposal, home
// or member; ErrConflict (a *housing.StateError) for a decided proposal, a
// full home or a member who already holds a place. Repeating a successful
// call by the same mediator returns the same placement.
func (s *Store) ApproveProposal(ctx context.Context, id, by string, at time.Time) (housing.Placement, error) {
	if err := checkDecision(id, by, at); err != nil {
		return housing.Placement{}, fmt.Errorf("boltstore: approve proposal: %w", err)
	}
	var pl housing.Placement
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		pl, err = approve(tx, id, by, at)
		return err
	})
	if err != nil {
		return housing.Placement{}, fmt.Errorf("boltstore: approve proposal %s: %w", id, err)
	}
	return pl, nil
}

// approve is ApproveProposal inside a write transaction.
func approve(tx *bolt.Tx, id, by string, at time.Time) (housing.Placement, error) {
	p, err := load(tx, proposals(), id)
	if err != nil {
		return housing.Placement{}, err
	}
	if p.Status != housing.ProposalPending {
		// Decided already: Approve says how without the home and members.
		_, already, err := housing.Approve(p, housing.Home{}, nil, nil, by, at, "")
		return approved(tx, &p, already, err)
	}
	h, err := load(tx, homes(), p.HomeID)
	if err != nil {
		return housing.Placement{}, fmt.Errorf("home %s: %w", p.HomeID, err)
	}
	members := make([]housing.Person, 0, len(p.Members))
	for _, m := range p.Members {
		person, err := load(tx, people(), m)
		if err != nil {
			return housing.Placement{}, fmt.Errorf("member %s: %w", m, err)
		}
		members = append(members, person)
	}
	placed, err := openPlacements(tx, p.Members, &h)
	if err != nil {
		return housing.Placement{}, err
	}
	a, already, err := housing.Approve(p, h, members, placed, by, at, housing.NewID("pl"))
	if already || err != nil {
		return approved(tx, &p, already, err)
	}
	return commitApproval(tx, &p, &h, &a)
}

// approved returns the placement of a proposal approved before, or err.
func approved(tx *bolt.Tx, p *housing.Proposal, already bool, err error) (housing.Placement, error) {
	if !already {
		return housing.Placement{}, err
	}
	pl, err := load(tx, placements(), p.PlacementID)
	if err != nil {
		return housing.Placement{}, fmt.Errorf("placement %s: %w", p.PlacementID, err)
	}
	return pl, nil
}

// commitApproval writes what an approval changed: the proposal and home
// (each at its next version) and the new placement.
func commitApproval(tx *bolt.Tx, p *housing.Proposal, h *housing.Home, a *housing.Approval) (housing.Placement, error) {
	a.Proposal.Version = p.Version + 1
	a.Home.Version = h.Version + 1
	a.Placement.Version = 1
	if err := put(tx, proposals(), p, &a.Proposal); err != nil {
		return housing.Placement{}, err
	}
	if err := put(tx, homes(), h, &a.Home); err != nil {
		return housing.Placement{}, err
	}
	if tx.Bucket([]byte(bucketPlacements)).Get([]byte(a.Placement.ID)) != nil {
		return housing.Placement{}, fmt.Errorf("placement %s already exists: %w", a.Placement.ID, housing.ErrConflict)
	}
	if err := put(tx, placements(), nil, &a.Placement); err != nil {
		return housing.Placement{}, err
	}
	return a.Placement, nil
}

// RejectProposal rejects a pending proposal with a reason (housing.Reject).
// ErrNotFound; ErrConflict (a *housing.StateError) if it was already
// decided. Repeating a successful call by the same mediator returns the
// same proposal.
func (s *Store) RejectProposal(ctx context.Context, id, by, reason string, at time.Time) (housing.Proposal, error) {
	if err := checkDecision(id, by, at); err != nil {
		return housing.Proposal{}, fmt.Errorf("boltstore: reject proposal: %w", err)
	}
	var p housing.Proposal
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if p, err = load(tx, proposals(), id); err != nil {
			return err
		}
		old := p
		already, err := housing.Reject(&p, by, reason, at)
		if already || err != nil {
			return err
		}
		p.Version++
		return put(tx, proposals(), &old, &p)
	})
	if err != nil {
		return housing.Proposal{}, fmt.Errorf("boltstore: reject proposal %s: %w", id, err)
	}
	return p, nil
}
