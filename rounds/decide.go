package rounds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// Actor is who makes a decision or a change: a person id (or, from the
// command line without --as, "cli-<user>") and the role they act in. It is
// recorded in the proposal or placement and in the audit trail.
type Actor struct {
	ID   string
	Role housing.Role
}

// The preset reasons a mediator picks from when rejecting a proposal. The
// reason is stored as "<code>" or "<code>: <note>", to learn from later.
const (
	ReasonHabits   = "habits"    // daily habits or rhythms would clash
	ReasonSupport  = "support"   // the support needed and offered do not fit
	ReasonCarePlan = "care-plan" // the care team's plan or the person's project says no
	ReasonPlace    = "place"     // the home or its area is not right for them
	ReasonTiming   = "timing"    // not the right moment
	ReasonOther    = "other"     // something else: the note says what
)

// RejectReasons lists the preset reasons, in the order a mediator sees them.
func RejectReasons() []string {
	return []string{ReasonHabits, ReasonSupport, ReasonCarePlan, ReasonPlace, ReasonTiming, ReasonOther}
}

// FormatReason joins a preset reason code and an optional note into the
// stored reason. ErrInvalid for an unknown code, and for ReasonOther
// without a note.
func FormatReason(code, note string) (string, error) {
	note = strings.Join(strings.Fields(note), " ")
	switch {
	case !slices.Contains(RejectReasons(), code):
		return "", fmt.Errorf("rounds: reason %q is not one of %v: %w", code, RejectReasons(), housing.ErrInvalid)
	case code == ReasonOther && note == "":
		return "", fmt.Errorf("rounds: reason %q needs a note: %w", code, housing.ErrInvalid)
	case len(note) > 500:
		return "", fmt.Errorf("rounds: reason note is longer than 500 bytes: %w", housing.ErrInvalid)
	case note == "":
		return code, nil
	}
	return code + ": " + note, nil
}

// ParseReason splits a stored reason into its code and note.
func ParseReason(reason string) (code, note string) {
	code, note, _ = strings.Cut(reason, ": ")
	return code, note
}

// Approve approves a pending proposal for by: the store gives its members
// places in the home and creates their placement (status proposed), never
// exceeding the home's capacity. A proposal someone else decided is a
// *housing.StateError (ErrConflict) saying who and when; approving again
// what by already approved returns the same placement.
func (r *Runner) Approve(ctx context.Context, proposalID string, by Actor) (housing.Placement, error) {
	pl, err := r.store.ApproveProposal(ctx, proposalID, by.ID, r.now())
	if err != nil {
		return housing.Placement{}, fmt.Errorf("rounds: approve %s: %w", proposalID, err)
	}
	for _, m := range pl.Residents {
		if err := r.auditAs(ctx, by, "proposal.approve", "proposal/"+proposalID, m, "mediator review"); err != nil {
			return pl, err
		}
	}
	return pl, nil
}

// Reject rejects a pending proposal for by with a reason (FormatReason).
// Later rounds never propose its members together, nor any of them for its
// home, until a mediator clears it (Clear). Errors as Approve.
func (r *Runner) Reject(ctx context.Context, proposalID string, by Actor, reason string) (housing.Proposal, error) {
	if strings.TrimSpace(reason) == "" {
		return housing.Proposal{}, fmt.Errorf("rounds: reject %s: no reason: %w", proposalID, housing.ErrInvalid)
	}
	p, err := r.store.RejectProposal(ctx, proposalID, by.ID, reason, r.now())
	if err != nil {
		return housing.Proposal{}, fmt.Errorf("rounds: reject %s: %w", proposalID, err)
	}
	for _, m := range p.Members {
		if err := r.auditAs(ctx, by, "proposal.reject", "proposal/"+proposalID, m, "mediator review"); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Clearance records that a mediator lifted an exclusion.
type Clearance struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
}

// clearKey is where the clearance of a rejected proposal or a declined
// placement is kept.
func clearKey(recordID string) string { return "rounds:cleared:" + recordID }

// Clear lifts the exclusion that a rejected proposal or a declined
// introduction (a placement ended with OutcomeDeclined) puts on its people
// and home, so that later rounds may propose them together again.
// ErrNotFound for an unknown id; ErrInvalid for a record that excludes
// nothing. Clearing twice is harmless.
func (r *Runner) Clear(ctx context.Context, recordID string, by Actor, reason string) error {
	members, err := r.excluding(ctx, recordID)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(Clearance{By: by.ID, At: r.now(), Reason: reason})
	if err != nil {
		return fmt.Errorf("rounds: clear %s: %w", recordID, err)
	}
	if err := r.store.PutState(ctx, clearKey(recordID), raw, 0); err != nil {
		return fmt.Errorf("rounds: clear %s: %w", recordID, err)
	}
	for _, m := range members {
		if err := r.auditAs(ctx, by, "exclusion.clear", recordID, m, reason); err != nil {
			return err
		}
	}
	return nil
}

// excluding returns the people of a rejected proposal or declined
// placement.
func (r *Runner) excluding(ctx context.Context, id string) ([]string, error) {
	p, err := r.store.Proposal(ctx, id)
	if err == nil {
		if p.Status != housing.ProposalRejected {
			return nil, fmt.Errorf("rounds: clear %s: the proposal is %s, not rejected: %w", id, p.Status, housing.ErrInvalid)
		}
		return p.Members, nil
	}
	if !errors.Is(err, housing.ErrNotFound) {
		return nil, fmt.Errorf("rounds: clear %s: %w", id, err)
	}
	pl, err := r.store.Placement(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("rounds: clear %s: %w", id, err)
	}
	if pl.Outcome != housing.OutcomeDeclined {
		return nil, fmt.Errorf("rounds: clear %s: the placement was not declined: %w", id, housing.ErrInvalid)
	}
	return pl.Residents, nil
}

// cleared reports whether a mediator cleared the exclusion of record id.
func (r *Runner) cleared(ctx context.Context, id string) (bool, error) {
	_, err := r.store.GetState(ctx, clearKey(id))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, housing.ErrNotFound):
		return false, nil
	}
	return false, fmt.Errorf("rounds: clearance of %s: %w", id, err)
}

// auditAs appends an audit entry for an action of by about subject.
func (r *Runner) auditAs(ctx context.Context, by Actor, action, record, subject, purpose string) error {
	return r.audit(ctx, Options{Actor: by.ID, ActorRole: by.Role, Purpose: purpose}, action, record, subject)
}
