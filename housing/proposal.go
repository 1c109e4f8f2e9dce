package housing

import (
	"time"
)

// ProposalStatus is where a proposal is in the mediator's review.
type ProposalStatus string

// The proposal statuses.
const (
	ProposalPending    ProposalStatus = "pending"
	ProposalApproved   ProposalStatus = "approved"
	ProposalRejected   ProposalStatus = "rejected"
	ProposalSuperseded ProposalStatus = "superseded" // a later round replaced it
)

// Valid reports whether s is known.
func (s ProposalStatus) Valid() bool {
	switch s {
	case ProposalPending, ProposalApproved, ProposalRejected, ProposalSuperseded:
		return true
	}
	return false
}

// Factor is one factor's signed contribution to a proposal's score, in
// thousandths of a point: contributions sum to Proposal.Score. Key is a
// translation key such as "factor.tidiness".
type Factor struct {
	Key          string `json:"key"`
	Contribution int    `json:"contribution"`
}

// Proposal is a household the matching engine proposes for a home: who,
// where, how good a fit and why. A mediator approves or rejects it.
type Proposal struct {
	ID        string         `json:"id"`
	RoundID   string         `json:"round_id,omitempty"`
	District  string         `json:"district"`
	Kind      HomeKind       `json:"kind"`
	HomeID    string         `json:"home_id"`
	Members   []string       `json:"members"` // person ids of the people who would move in
	Score     int            `json:"score"`   // 0..1000, thousandths
	Factors   []Factor       `json:"factors,omitempty"`
	Checked   []string       `json:"checked,omitempty"`  // translation keys of constraints checked
	Warnings  []string       `json:"warnings,omitempty"` // translation keys of stretched tolerances
	Status    ProposalStatus `json:"status"`
	DecidedBy string         `json:"decided_by,omitempty"`
	DecidedAt time.Time      `json:"decided_at,omitzero"`
	Reason    string         `json:"reason,omitempty"` // rejection reason, kept for learning
	// PlacementID is the placement an approval created.
	PlacementID string    `json:"placement_id,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	Version     int64     `json:"version"`
}

// Validate checks the proposal's fields.
func (p *Proposal) Validate() error {
	if p.ID != "" {
		if err := checkID("id", p.ID); err != nil {
			return err
		}
	}
	if !p.Kind.Valid() {
		return invalid("kind", "%q is not a home kind", p.Kind)
	}
	if err := checkID("home_id", p.HomeID); err != nil {
		return err
	}
	if len(p.Members) == 0 {
		return invalid("members", "is empty")
	}
	if err := checkIDs("members", p.Members); err != nil {
		return err
	}
	seen := make(map[string]bool, len(p.Members))
	for _, m := range p.Members {
		if seen[m] {
			return invalid("members", "%s appears twice", m)
		}
		seen[m] = true
	}
	if p.Score < 0 || p.Score > 1000 {
		return invalid("score", "%d is not between 0 and 1000", p.Score)
	}
	if !p.Status.Valid() {
		return invalid("status", "%q is not a proposal status", p.Status)
	}
	return nil
}

// HasMember reports whether person id is one of the members.
func (p *Proposal) HasMember(id string) bool {
	for _, m := range p.Members {
		if m == id {
			return true
		}
	}
	return false
}
