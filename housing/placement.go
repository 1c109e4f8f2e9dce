package housing

import (
	"time"
)

// PlacementStatus is a placement's place in its lifecycle:
// proposed → introduced → trial → active → under review → ended.
type PlacementStatus string

// The placement statuses.
const (
	PlacementProposed    PlacementStatus = "proposed"     // approved by a mediator; people not yet asked
	PlacementIntroduced  PlacementStatus = "introduced"   // the people concerned are being introduced
	PlacementTrial       PlacementStatus = "trial"        // a trial stay
	PlacementActive      PlacementStatus = "active"       // living together
	PlacementUnderReview PlacementStatus = "under-review" // review date reached or called early
	PlacementEnded       PlacementStatus = "ended"
)

// Valid reports whether s is known.
func (s PlacementStatus) Valid() bool {
	switch s {
	case PlacementProposed, PlacementIntroduced, PlacementTrial, PlacementActive, PlacementUnderReview, PlacementEnded:
		return true
	}
	return false
}

// Open reports whether the placement still holds places in its home.
func (s PlacementStatus) Open() bool { return s != PlacementEnded }

// CanMoveTo reports whether the lifecycle allows going from s to next. Any
// open placement can end; review can go back to active (extended).
func (s PlacementStatus) CanMoveTo(next PlacementStatus) bool {
	if next == PlacementEnded {
		return s != PlacementEnded
	}
	switch s {
	case PlacementProposed:
		return next == PlacementIntroduced
	case PlacementIntroduced:
		return next == PlacementTrial || next == PlacementActive
	case PlacementTrial:
		return next == PlacementActive
	case PlacementActive:
		return next == PlacementUnderReview
	case PlacementUnderReview:
		return next == PlacementActive
	}
	return false
}

// Outcome is how a placement ended.
type Outcome string

// The outcomes.
const (
	OutcomeNone       Outcome = ""
	OutcomeAutonomous Outcome = "autonomous-exit"     // left for a home of their own: the goal
	OutcomeMoved      Outcome = "moved"               // moved to another placement
	OutcomeReturned   Outcome = "returned-to-service" // back to a residential service
	OutcomeConflict   Outcome = "conflict"
	OutcomeDeclined   Outcome = "declined" // someone declined the introduction
	OutcomeOther      Outcome = "other"
)

// Valid reports whether o is known.
func (o Outcome) Valid() bool {
	switch o {
	case OutcomeNone, OutcomeAutonomous, OutcomeMoved, OutcomeReturned, OutcomeConflict, OutcomeDeclined, OutcomeOther:
		return true
	}
	return false
}

// Transition records one change of a placement's status.
type Transition struct {
	From   PlacementStatus `json:"from"`
	To     PlacementStatus `json:"to"`
	By     string          `json:"by"` // person id
	At     time.Time       `json:"at"`
	Reason string          `json:"reason,omitempty"`
}

// DefaultReviewAfter is how long after the start a placement is reviewed
// unless set otherwise: six months, as the programme's fixed-horizon
// projects do.
const DefaultReviewAfter = 6 // months

// Placement is people living, or about to live, in a home.
type Placement struct {
	ID         string          `json:"id"`
	Code       string          `json:"code,omitempty"`
	ProposalID string          `json:"proposal_id,omitempty"`
	HomeID     string          `json:"home_id"`
	District   string          `json:"district"`
	Residents  []string        `json:"residents"` // person ids
	Status     PlacementStatus `json:"status"`
	Start      time.Time       `json:"start,omitzero"`       // when living together starts (trial or active)
	TrialEnd   time.Time       `json:"trial_end,omitzero"`   // end of the trial stay, if any
	ReviewDate time.Time       `json:"review_date,omitzero"` // default Start + 6 months
	ExitGoal   string          `json:"exit_goal,omitempty"`  // e.g. "own ERP flat"
	Outcome    Outcome         `json:"outcome,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	History    []Transition    `json:"history,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	Version    int64           `json:"version"`
}

// Validate checks the placement's fields.
func (p *Placement) Validate() error {
	if p.ID != "" {
		if err := checkID("id", p.ID); err != nil {
			return err
		}
	}
	if err := checkID("home_id", p.HomeID); err != nil {
		return err
	}
	if len(p.Residents) == 0 {
		return invalid("residents", "is empty")
	}
	if err := checkIDs("residents", p.Residents); err != nil {
		return err
	}
	if !p.Status.Valid() {
		return invalid("status", "%q is not a placement status", p.Status)
	}
	if !p.Outcome.Valid() {
		return invalid("outcome", "%q is not an outcome", p.Outcome)
	}
	if p.Status == PlacementEnded && p.Outcome == OutcomeNone {
		return invalid("outcome", "an ended placement needs an outcome")
	}
	if !p.ReviewDate.IsZero() && !p.Start.IsZero() && p.ReviewDate.Before(p.Start) {
		return invalid("review_date", "is before the start")
	}
	return nil
}

// Move changes the status, recording who, when and why. It refuses
// transitions the lifecycle does not allow. Starting a trial or the
// placement sets Start and, if unset, the review date.
func (p *Placement) Move(to PlacementStatus, by string, at time.Time, reason string) error {
	if !p.Status.CanMoveTo(to) {
		return &StateError{What: "placement " + p.ID + " cannot go from " + string(p.Status) + " to " + string(to)}
	}
	p.History = append(p.History, Transition{From: p.Status, To: to, By: by, At: at, Reason: reason})
	if (to == PlacementTrial || to == PlacementActive) && p.Start.IsZero() {
		p.Start = at
	}
	if to == PlacementActive && p.ReviewDate.IsZero() {
		p.ReviewDate = p.Start.AddDate(0, DefaultReviewAfter, 0)
	}
	p.Status = to
	p.UpdatedAt = at
	return nil
}

// HasResident reports whether person id lives in the placement.
func (p *Placement) HasResident(id string) bool {
	for _, r := range p.Residents {
		if r == id {
			return true
		}
	}
	return false
}
