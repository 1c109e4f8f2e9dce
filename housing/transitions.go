package housing

import (
	"fmt"
	"slices"
	"time"
)

// The functions in this file are the state changes that stores must make
// atomically. They are pure: a store reads the records inside its
// transaction, calls them, and writes back what they changed, so both
// stores apply exactly the same rules.

// Redeem marks inv used by telegramID at time at. It returns already=true
// when the same user had redeemed it before (a repeated call), so the store
// writes nothing. ErrExpired past expiry; ErrConflict if used by another.
func Redeem(inv *Invitation, telegramID int64, at time.Time) (already bool, err error) {
	if telegramID <= 0 {
		return false, invalid("telegram_id", "must be positive")
	}
	if inv.Used() {
		if inv.UsedBy == telegramID {
			return true, nil
		}
		return false, &StateError{What: "invitation already used", AtRFC: inv.UsedAt.Format(time.RFC3339)}
	}
	if !at.Before(inv.ExpiresAt) {
		return false, fmt.Errorf("invitation expired at %s: %w", inv.ExpiresAt.Format(time.RFC3339), ErrExpired)
	}
	inv.UsedBy, inv.UsedAt = telegramID, at
	return false, nil
}

// decided returns the StateError for a proposal already decided.
func decided(p *Proposal) error {
	return &StateError{
		What:  fmt.Sprintf("proposal %s already %s", p.ID, p.Status),
		By:    p.DecidedBy,
		AtRFC: p.DecidedAt.Format(time.RFC3339),
	}
}

// Approval is what approving a proposal changes: the proposal, its home and
// a new placement.
type Approval struct {
	Proposal  Proposal
	Home      Home
	Placement Placement
}

// Approve applies a mediator's approval. members are the proposal's members
// as stored (their roles decide the beneficiary cap); placed lists members
// who already hold a place somewhere. placementID names the new placement.
// When p was already approved by the same mediator, it returns
// already=true and the store returns the existing placement.
func Approve(p Proposal, h Home, members []Person, placed []string, by string, at time.Time, placementID string) (a Approval, already bool, err error) {
	if p.Status != ProposalPending {
		if p.Status == ProposalApproved && p.DecidedBy == by {
			return Approval{}, true, nil
		}
		return Approval{}, false, decided(&p)
	}
	if p.HomeID != h.ID {
		return Approval{}, false, fmt.Errorf("proposal %s is for home %s, not %s: %w", p.ID, p.HomeID, h.ID, ErrInvalid)
	}
	if len(placed) > 0 {
		return Approval{}, false, &StateError{What: fmt.Sprintf("%v already hold a place", placed)}
	}
	if h.Free() < len(p.Members) {
		return Approval{}, false, &StateError{What: fmt.Sprintf("home %s has %d free places, proposal needs %d", h.ID, h.Free(), len(p.Members))}
	}
	h.Occupants = slices.Clone(h.Occupants)
	for _, m := range members {
		if !slices.Contains(p.Members, m.ID) {
			return Approval{}, false, fmt.Errorf("person %s is not a member of proposal %s: %w", m.ID, p.ID, ErrInvalid)
		}
		h.Occupants = append(h.Occupants, Occupant{PersonID: m.ID, Beneficiary: m.Role == RoleBeneficiary})
	}
	if len(members) != len(p.Members) {
		return Approval{}, false, fmt.Errorf("proposal %s: %d members given, %d expected: %w", p.ID, len(members), len(p.Members), ErrInvalid)
	}
	if h.Beneficiaries() > h.MaxBeneficiaries() {
		return Approval{}, false, &StateError{What: fmt.Sprintf("home %s would exceed its cap of %d programme beneficiaries", h.ID, h.MaxBeneficiaries())}
	}
	h.UpdatedAt = at
	p.Status, p.DecidedBy, p.DecidedAt, p.PlacementID = ProposalApproved, by, at, placementID
	pl := Placement{
		ID: placementID, Code: placementCode(h, at), ProposalID: p.ID, HomeID: h.ID, District: h.District,
		Residents: slices.Clone(p.Members), Status: PlacementProposed,
		History:   []Transition{{To: PlacementProposed, By: by, At: at}},
		CreatedAt: at, UpdatedAt: at,
	}
	return Approval{Proposal: p, Home: h, Placement: pl}, false, nil
}

// placementCode is a placement's short name for staff: the home's code and
// the month of approval, e.g. "SI-07-2611".
func placementCode(h Home, at time.Time) string {
	if h.Code == "" {
		return ""
	}
	return h.Code + "-" + at.Format("0601")
}

// Reject applies a mediator's rejection. already=true means the same
// mediator had rejected it before and nothing changes.
func Reject(p *Proposal, by, reason string, at time.Time) (already bool, err error) {
	if p.Status != ProposalPending {
		if p.Status == ProposalRejected && p.DecidedBy == by {
			return true, nil
		}
		return false, decided(p)
	}
	if by == "" {
		return false, invalid("decided_by", "is empty")
	}
	p.Status, p.DecidedBy, p.DecidedAt, p.Reason = ProposalRejected, by, at, reason
	return false, nil
}

// Vacated checks that a stored placement old may become p and returns the
// residents whose places in the home the change gives up: all of them when
// an open placement ends, the ones it drops while it stays open. Moving
// the placement to another home or adding a resident is a *FieldError
// (that takes a new proposal); reopening an ended placement is a
// *StateError. Stores free the places (Release) in the same step as the
// placement.
func Vacated(old, p *Placement) ([]string, error) {
	if p.HomeID != old.HomeID {
		return nil, &FieldError{Field: "home_id", Reason: "a placement cannot move to another home"}
	}
	for _, r := range p.Residents {
		if !old.HasResident(r) {
			return nil, &FieldError{Field: "residents", Reason: r + " is new: residents join through a proposal"}
		}
	}
	switch {
	case !old.Status.Open() && p.Status.Open():
		return nil, &StateError{What: "placement " + old.ID + " has ended and cannot reopen"}
	case !old.Status.Open():
		return nil, nil
	case !p.Status.Open():
		return old.Residents, nil
	}
	return slices.DeleteFunc(slices.Clone(old.Residents), p.HasResident), nil
}

// Release frees the places a placement's residents hold in h, as when the
// placement ends. It reports whether anything changed.
func Release(h *Home, residents []string) bool {
	n := len(h.Occupants)
	h.Occupants = slices.DeleteFunc(slices.Clone(h.Occupants), func(o Occupant) bool {
		return slices.Contains(residents, o.PersonID)
	})
	return len(h.Occupants) != n
}
