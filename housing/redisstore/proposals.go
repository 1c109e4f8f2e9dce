package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// proposalKind describes how proposals are stored.
func proposalKind() kind[housing.Proposal] {
	return kind[housing.Proposal]{
		name: "proposal", prefix: "pr",
		id:      func(p *housing.Proposal) *string { return &p.ID },
		version: func(p *housing.Proposal) *int64 { return &p.Version },
		entries: index.Proposal,
	}
}

// CreateProposal stores a new pending proposal; ErrInvalid for any other
// status, as decisions go through ApproveProposal and RejectProposal.
// ErrConflict if the ID exists.
func (s *Store) CreateProposal(ctx context.Context, p *housing.Proposal) error {
	err := p.Validate()
	if err == nil && p.Status != housing.ProposalPending {
		err = &housing.FieldError{Field: "status", Reason: fmt.Sprintf("a new proposal must be pending, not %q", p.Status)}
	}
	if err != nil {
		return fmt.Errorf("redisstore: create proposal: %w", err)
	}
	return create(ctx, s, proposalKind(), p, nil)
}

// Proposal returns the proposal with id, or ErrNotFound.
func (s *Store) Proposal(ctx context.Context, id string) (housing.Proposal, error) {
	return get(ctx, s, proposalKind(), id)
}

// ListProposals returns the proposals matching f, ordered by ID.
func (s *Store) ListProposals(ctx context.Context, f housing.ProposalFilter) ([]housing.Proposal, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list proposals: %w", err)
	}
	var sets []string
	if f.District != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.ProposalDistrict, Value: f.District}))
	}
	if f.Status != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.ProposalStatus, Value: string(f.Status)}))
	}
	return list(ctx, s, proposalKind(), sets, f.Match)
}

// ApproveProposal approves a pending proposal and, in the same
// transaction, gives its members places in the home and creates their
// placement (status proposed), following housing.Approve. ErrNotFound for
// an unknown proposal, home or member; ErrConflict (a *StateError) for a
// decided proposal, a full home, a beneficiary cap reached or a member who
// already holds a place. Repeating a successful call by the same mediator
// returns the same placement.
func (s *Store) ApproveProposal(ctx context.Context, id, by string, at time.Time) (housing.Placement, error) {
	if err := checkDecision(id, by, at); err != nil {
		return housing.Placement{}, fmt.Errorf("redisstore: approve proposal: %w", err)
	}
	placementID := housing.NewID("pl")
	var pl housing.Placement
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		var err error
		pl, err = s.approve(ctx, tx, id, by, at, placementID)
		return err
	}, s.recKey("proposal", id))
	if err != nil {
		return housing.Placement{}, fmt.Errorf("redisstore: approve proposal %s: %w", id, err)
	}
	return pl, nil
}

// approve is one attempt of ApproveProposal, with the proposal watched.
func (s *Store) approve(ctx context.Context, tx *redis.Tx, id, by string, at time.Time, placementID string) (housing.Placement, error) {
	p, err := load[housing.Proposal](ctx, s, tx, s.recKey("proposal", id))
	if err != nil {
		return housing.Placement{}, err
	}
	if p.Status != housing.ProposalPending {
		// Approve decides from the proposal alone: a repeat, or a StateError.
		if _, already, err := housing.Approve(p, housing.Home{}, nil, nil, by, at, placementID); !already {
			return housing.Placement{}, err
		}
		return load[housing.Placement](ctx, s, tx, s.recKey("placement", p.PlacementID))
	}
	h, members, placed, err := s.approvalInputs(ctx, tx, &p)
	if err != nil {
		return housing.Placement{}, err
	}
	a, _, err := housing.Approve(p, h, members, placed, by, at, placementID)
	if err != nil {
		return housing.Placement{}, err
	}
	a.Proposal.Version++
	a.Home.Version++
	a.Placement.Version = 1
	_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		remove, add := index.Diff(index.Proposal(&p), index.Proposal(&a.Proposal))
		s.writeEntries(ctx, pipe, p.ID, remove, add)
		s.writeEntries(ctx, pipe, placementID, nil, index.Placement(&a.Placement))
		pipe.SAdd(ctx, s.allKey("placement"), placementID)
		if err := s.setJSON(ctx, pipe, s.recKey("proposal", p.ID), &a.Proposal); err != nil {
			return err
		}
		if err := s.setJSON(ctx, pipe, s.recKey("home", h.ID), &a.Home); err != nil {
			return err
		}
		return s.setJSON(ctx, pipe, s.recKey("placement", placementID), &a.Placement)
	})
	return a.Placement, err
}

// approvalInputs watches and reads what housing.Approve needs besides the
// proposal: its home, its members, and which members already hold a place
// (an open placement).
func (s *Store) approvalInputs(ctx context.Context, tx *redis.Tx, p *housing.Proposal) (housing.Home, []housing.Person, []string, error) {
	homeKey := s.recKey("home", p.HomeID)
	keys := []string{homeKey}
	for _, m := range p.Members {
		keys = append(keys, s.recKey("person", m),
			s.entryKey(index.Entry{Index: index.PlacementPerson, Value: m}))
	}
	if err := tx.Watch(ctx, keys...).Err(); err != nil {
		return housing.Home{}, nil, nil, err
	}
	h, err := load[housing.Home](ctx, s, tx, homeKey)
	if err != nil {
		return housing.Home{}, nil, nil, fmt.Errorf("home %s: %w", p.HomeID, err)
	}
	members := make([]housing.Person, len(p.Members))
	var placed []string
	for i, m := range p.Members {
		if members[i], err = load[housing.Person](ctx, s, tx, s.recKey("person", m)); err != nil {
			return housing.Home{}, nil, nil, fmt.Errorf("member %s: %w", m, err)
		}
		holds, err := s.holdsPlace(ctx, tx, m)
		if err != nil {
			return housing.Home{}, nil, nil, err
		}
		if holds {
			placed = append(placed, m)
		}
	}
	return h, members, placed, nil
}

// holdsPlace reports whether person has an open placement. It watches the
// placements it reads, so one ending concurrently retries the approval.
func (s *Store) holdsPlace(ctx context.Context, tx *redis.Tx, person string) (bool, error) {
	ids, err := tx.SMembers(ctx, s.entryKey(index.Entry{Index: index.PlacementPerson, Value: person})).Result()
	if err != nil || len(ids) == 0 {
		return false, err
	}
	for _, id := range ids {
		key := s.recKey("placement", id)
		if err := tx.Watch(ctx, key).Err(); err != nil {
			return false, err
		}
		pl, err := load[housing.Placement](ctx, s, tx, key)
		if err != nil {
			return false, fmt.Errorf("placement %s: %w", id, err)
		}
		if pl.Status.Open() && pl.HasResident(person) {
			return true, nil
		}
	}
	return false, nil
}

// RejectProposal rejects a pending proposal with a reason. ErrConflict (a
// *StateError) if it was already decided; repeating a successful call by
// the same mediator returns the same proposal.
func (s *Store) RejectProposal(ctx context.Context, id, by, reason string, at time.Time) (housing.Proposal, error) {
	if err := checkDecision(id, by, at); err != nil {
		return housing.Proposal{}, fmt.Errorf("redisstore: reject proposal: %w", err)
	}
	key := s.recKey("proposal", id)
	var p housing.Proposal
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		var err error
		if p, err = load[housing.Proposal](ctx, s, tx, key); err != nil {
			return err
		}
		old := p
		already, err := housing.Reject(&p, by, reason, at)
		if err != nil || already {
			return err
		}
		p.Version++
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			remove, add := index.Diff(index.Proposal(&old), index.Proposal(&p))
			s.writeEntries(ctx, pipe, id, remove, add)
			return s.setJSON(ctx, pipe, key, &p)
		})
		return err
	}, key)
	if err != nil {
		return housing.Proposal{}, fmt.Errorf("redisstore: reject proposal %s: %w", id, err)
	}
	return p, nil
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
