package rounds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// The placement lifecycle, after a mediator approved a proposal:
// proposed → introduced (the people concerned are asked whether they
// would like to meet) → trial (optional, with an end date) → active (with
// a review date, six months after the start unless set) → under review
// (the review date came) → active again (extended) or ended (with an
// outcome). Every change is version-checked in the store, recorded in the
// placement's History with who, when and why, and audited. Ending a
// placement frees its places for the next round.

// updateAttempts bounds the retries of a change that met a newer version.
const updateAttempts = 5

// update loads placement id, applies change and stores it. When another
// change was stored in between (a stale version), it starts again from the
// new record, so change decides on fresh state; change's own errors, and
// refusals by the store (*housing.StateError), stop at once.
func (r *Runner) update(ctx context.Context, id string, change func(p *housing.Placement) error) (housing.Placement, error) {
	for attempt := 1; ; attempt++ {
		p, err := r.store.Placement(ctx, id)
		if err != nil {
			return housing.Placement{}, fmt.Errorf("rounds: placement %s: %w", id, err)
		}
		if err := change(&p); err != nil {
			return housing.Placement{}, fmt.Errorf("rounds: placement %s: %w", id, err)
		}
		err = r.store.UpdatePlacement(ctx, &p)
		var se *housing.StateError
		switch {
		case err == nil:
			return p, nil
		case errors.As(err, &se) || !errors.Is(err, housing.ErrConflict) || attempt == updateAttempts:
			return housing.Placement{}, fmt.Errorf("rounds: placement %s: %w", id, err)
		}
	}
}

// move is update for a status change, audited once per resident.
func (r *Runner) move(ctx context.Context, id string, to housing.PlacementStatus, by Actor, reason string, also func(p *housing.Placement) error) (housing.Placement, error) {
	p, err := r.update(ctx, id, func(p *housing.Placement) error {
		if also != nil {
			if err := also(p); err != nil {
				return err
			}
		}
		return p.Move(to, by.ID, r.now(), reason)
	})
	if err != nil {
		return p, err
	}
	return p, r.auditResidents(ctx, by, "placement."+string(to), p, reason)
}

func (r *Runner) auditResidents(ctx context.Context, by Actor, action string, p housing.Placement, purpose string) error {
	for _, m := range p.Residents {
		if err := r.auditAs(ctx, by, action, "placement/"+p.ID, m, purpose); err != nil {
			return err
		}
	}
	return nil
}

// Introduce moves an approved placement from proposed to introduced: the
// people concerned are now asked whether they would like to meet. Of
// several concurrent callers exactly one succeeds; the others get a
// *housing.StateError.
func (r *Runner) Introduce(ctx context.Context, id string, by Actor) (housing.Placement, error) {
	return r.move(ctx, id, housing.PlacementIntroduced, by, "introduction", nil)
}

// StartTrial starts a trial stay that ends on end (after now).
func (r *Runner) StartTrial(ctx context.Context, id string, by Actor, end time.Time) (housing.Placement, error) {
	if !end.After(r.now()) {
		return housing.Placement{}, fmt.Errorf("rounds: trial end %s is not in the future: %w", end.Format(time.DateOnly), housing.ErrInvalid)
	}
	return r.move(ctx, id, housing.PlacementTrial, by, "trial until "+end.Format(time.DateOnly), func(p *housing.Placement) error {
		p.TrialEnd = end
		return nil
	})
}

// StartOptions are the choices made when a placement starts.
type StartOptions struct {
	ExitGoal   string    // e.g. "own ERP flat", "flat for two"
	ReviewDate time.Time // zero: housing.DefaultReviewAfter months after the start
}

// Start starts living together (from introduced or after the trial), with
// an exit goal and a review date.
func (r *Runner) Start(ctx context.Context, id string, by Actor, o StartOptions) (housing.Placement, error) {
	goal := strings.Join(strings.Fields(o.ExitGoal), " ")
	if len(goal) > 200 {
		return housing.Placement{}, fmt.Errorf("rounds: exit goal is longer than 200 bytes: %w", housing.ErrInvalid)
	}
	if !o.ReviewDate.IsZero() && !o.ReviewDate.After(r.now()) {
		return housing.Placement{}, fmt.Errorf("rounds: review date %s is not in the future: %w", o.ReviewDate.Format(time.DateOnly), housing.ErrInvalid)
	}
	return r.move(ctx, id, housing.PlacementActive, by, "start", func(p *housing.Placement) error {
		if goal != "" {
			p.ExitGoal = goal
		}
		if !o.ReviewDate.IsZero() {
			p.ReviewDate = o.ReviewDate
		}
		return nil
	})
}

// Extend sets a new review date (after now) on an active placement or one
// under review, which becomes active again; on a trial it moves the
// trial's end. The change is recorded in History with reason.
func (r *Runner) Extend(ctx context.Context, id string, by Actor, until time.Time, reason string) (housing.Placement, error) {
	at := r.now()
	if !until.After(at) {
		return housing.Placement{}, fmt.Errorf("rounds: %s is not in the future: %w", until.Format(time.DateOnly), housing.ErrInvalid)
	}
	why := strings.TrimSpace("until " + until.Format(time.DateOnly) + " " + reason)
	p, err := r.update(ctx, id, func(p *housing.Placement) error {
		switch p.Status {
		case housing.PlacementUnderReview:
			p.ReviewDate = until
			return p.Move(housing.PlacementActive, by.ID, at, "extended "+why)
		case housing.PlacementActive:
			p.ReviewDate = until
		case housing.PlacementTrial:
			p.TrialEnd = until
		default:
			return &housing.StateError{What: "placement " + p.ID + " is " + string(p.Status) + " and cannot be extended"}
		}
		p.History = append(p.History, housing.Transition{From: p.Status, To: p.Status, By: by.ID, At: at, Reason: "extended " + why})
		p.UpdatedAt = at
		return nil
	})
	if err != nil {
		return p, err
	}
	return p, r.auditResidents(ctx, by, "placement.extend", p, why)
}

// Outcomes lists the outcomes a mediator can end a placement with.
func Outcomes() []housing.Outcome {
	return []housing.Outcome{housing.OutcomeAutonomous, housing.OutcomeMoved, housing.OutcomeReturned,
		housing.OutcomeConflict, housing.OutcomeOther}
}

// End ends an open placement with an outcome; the store frees its places
// in the same step, so the next round can fill them.
func (r *Runner) End(ctx context.Context, id string, by Actor, outcome housing.Outcome, reason string) (housing.Placement, error) {
	if outcome == housing.OutcomeNone || !outcome.Valid() {
		return housing.Placement{}, fmt.Errorf("rounds: outcome %q: %w", outcome, housing.ErrInvalid)
	}
	return r.move(ctx, id, housing.PlacementEnded, by, reason, func(p *housing.Placement) error {
		p.Outcome, p.Reason = outcome, reason
		return nil
	})
}

// Review moves the active placements in district (all, when empty) whose
// review date has come to under review, and returns them. The system is
// the actor.
func (r *Runner) Review(ctx context.Context, district string) ([]housing.Placement, error) {
	pls, err := r.store.ListPlacements(ctx, housing.PlacementFilter{District: district, Status: housing.PlacementActive})
	if err != nil {
		return nil, fmt.Errorf("rounds: placements: %w", err)
	}
	now := r.now()
	var out []housing.Placement
	for _, p := range pls {
		if p.ReviewDate.IsZero() || p.ReviewDate.After(now) {
			continue
		}
		moved, err := r.move(ctx, p.ID, housing.PlacementUnderReview, Actor{ID: "system"}, "review date reached", nil)
		var se *housing.StateError
		switch {
		case errors.As(err, &se): // someone changed it first
			continue
		case err != nil:
			return out, err
		}
		out = append(out, moved)
	}
	return out, nil
}

// MoveOut takes one person out of a placement: they leave the home and wait
// for the next round, and the others stay. The last resident moving out
// ends the placement with OutcomeMoved.
func (r *Runner) MoveOut(ctx context.Context, id, personID string, by Actor, reason string) (housing.Placement, error) {
	p, err := r.store.Placement(ctx, id)
	if err != nil {
		return housing.Placement{}, fmt.Errorf("rounds: placement %s: %w", id, err)
	}
	if !p.HasResident(personID) || !p.Status.Open() {
		return housing.Placement{}, fmt.Errorf("rounds: %s does not live in open placement %s: %w", personID, id, housing.ErrInvalid)
	}
	if len(p.Residents) == 1 {
		return r.End(ctx, id, by, housing.OutcomeMoved, reason)
	}
	// The store frees their place in the home in the same step
	// (housing.Vacated).
	at := r.now()
	p, err = r.update(ctx, id, func(p *housing.Placement) error {
		p.Residents = slices.DeleteFunc(p.Residents, func(m string) bool { return m == personID })
		p.History = append(p.History, housing.Transition{From: p.Status, To: p.Status, By: by.ID, At: at,
			Reason: strings.TrimSpace("moved out: " + personID + " " + reason)})
		p.UpdatedAt = at
		return nil
	})
	if err != nil {
		return p, err
	}
	return p, r.auditAs(ctx, by, "placement.move-out", "placement/"+id, personID, reason)
}

// Due is a placement's next date: what happens and when.
type Due struct {
	Kind string    // "meeting", "trial-end", "review", or "" when none
	At   time.Time // zero when none
}

// NextDate returns the next date of an open placement: the meeting of an
// introduction, the end of a trial, or the review of an active placement
// (past, for one under review).
func (r *Runner) NextDate(ctx context.Context, p housing.Placement) (Due, error) {
	switch p.Status {
	case housing.PlacementIntroduced:
		m, err := r.Meeting(ctx, p.ID)
		if errors.Is(err, housing.ErrNotFound) {
			return Due{}, nil
		}
		return Due{Kind: "meeting", At: m.At}, err
	case housing.PlacementTrial:
		return Due{Kind: "trial-end", At: p.TrialEnd}, nil
	case housing.PlacementActive, housing.PlacementUnderReview:
		return Due{Kind: "review", At: p.ReviewDate}, nil
	}
	return Due{}, nil
}
