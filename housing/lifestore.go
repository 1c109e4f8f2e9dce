package housing

import (
	"context"
	"slices"
	"time"
)

// LifeStore keeps the records of house life and early warning: rotas,
// outings, check-ins, reported events, alerts and the risk history.
//
// Put methods follow the Store's version rule: Version 0 creates the record
// (ErrConflict if the ID exists, so a deterministic ID such as
// AssignmentID makes creation idempotent), a positive Version must equal
// the stored one; the stored Version is then incremented and written back.
// An empty ID is assigned. Getters return ErrNotFound. Lists are ordered by
// ID unless said otherwise.
type LifeStore interface {
	// PutTask creates or replaces a rota task.
	PutTask(ctx context.Context, t *Task) error
	// DeleteTask removes a task; its past assignments stay.
	DeleteTask(ctx context.Context, id string) error
	// Tasks returns a home's tasks.
	Tasks(ctx context.Context, homeID string) ([]Task, error)

	// PutAssignment creates or replaces a task assignment.
	PutAssignment(ctx context.Context, a *Assignment) error
	// Assignment returns one assignment.
	Assignment(ctx context.Context, id string) (Assignment, error)
	// Assignments returns the assignments matching f, ordered by Due, then ID.
	Assignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error)

	// PutLedger creates or replaces a home's fairness ledger.
	PutLedger(ctx context.Context, l *Ledger) error
	// Ledger returns a home's ledger.
	Ledger(ctx context.Context, homeID string) (Ledger, error)

	// PutSwap creates or replaces a swap request.
	PutSwap(ctx context.Context, s *Swap) error
	// Swap returns one swap request.
	Swap(ctx context.Context, id string) (Swap, error)

	// PutOuting creates or replaces an outing.
	PutOuting(ctx context.Context, o *Outing) error
	// Outing returns one outing.
	Outing(ctx context.Context, id string) (Outing, error)
	// Outings returns the outings matching f, ordered by At, then ID.
	Outings(ctx context.Context, f OutingFilter) ([]Outing, error)

	// PutCheckIn creates or replaces a weekly check-in.
	PutCheckIn(ctx context.Context, c *CheckIn) error
	// CheckIns returns the check-ins matching f, ordered by Week, then ID.
	CheckIns(ctx context.Context, f CheckInFilter) ([]CheckIn, error)

	// PutEvent creates or replaces a reported event.
	PutEvent(ctx context.Context, e *Event) error
	// Events returns the events matching f, ordered by At, then ID.
	Events(ctx context.Context, f EventFilter) ([]Event, error)

	// PutAlert creates or replaces an alert.
	PutAlert(ctx context.Context, a *Alert) error
	// Alert returns one alert.
	Alert(ctx context.Context, id string) (Alert, error)
	// Alerts returns the alerts matching f, ordered by CreatedAt, then ID.
	Alerts(ctx context.Context, f AlertFilter) ([]Alert, error)

	// AppendRisk adds a risk score to a placement's history.
	AppendRisk(ctx context.Context, r Risk) error
	// RiskHistory returns a placement's scores since a time, oldest first.
	RiskHistory(ctx context.Context, placementID string, since time.Time) ([]Risk, error)
}

// AssignmentFilter selects assignments; zero fields match everything.
type AssignmentFilter struct {
	HomeID   string
	PersonID string    // who holds it now
	From     time.Time // Due on or after
	To       time.Time // Due before
}

// Match reports whether a passes the filter.
func (f AssignmentFilter) Match(a *Assignment) bool {
	return (f.HomeID == "" || a.HomeID == f.HomeID) &&
		(f.PersonID == "" || a.PersonID == f.PersonID) &&
		(f.From.IsZero() || !a.Due.Before(f.From)) &&
		(f.To.IsZero() || a.Due.Before(f.To))
}

// OutingFilter selects outings; zero fields match everything.
type OutingFilter struct {
	District string
	HomeID   string
	Invitee  string
	From     time.Time // At on or after
	To       time.Time // At before
}

// Match reports whether o passes the filter.
func (f OutingFilter) Match(o *Outing) bool {
	return (f.District == "" || o.District == f.District) &&
		(f.HomeID == "" || slices.Contains(o.HomeIDs, f.HomeID)) &&
		(f.Invitee == "" || slices.Contains(o.Invitees, f.Invitee)) &&
		(f.From.IsZero() || !o.At.Before(f.From)) &&
		(f.To.IsZero() || o.At.Before(f.To))
}

// CheckInFilter selects check-ins; zero fields match everything.
type CheckInFilter struct {
	PersonID    string
	PlacementID string
	Since       time.Time // At on or after
}

// Match reports whether c passes the filter.
func (f CheckInFilter) Match(c *CheckIn) bool {
	return (f.PersonID == "" || c.PersonID == f.PersonID) &&
		(f.PlacementID == "" || c.PlacementID == f.PlacementID) &&
		(f.Since.IsZero() || !c.At.Before(f.Since))
}

// EventFilter selects reported events; zero fields match everything.
type EventFilter struct {
	PlacementID string
	PersonID    string
	OpenOnly    bool // not resolved
}

// Match reports whether e passes the filter.
func (f EventFilter) Match(e *Event) bool {
	return (f.PlacementID == "" || e.PlacementID == f.PlacementID) &&
		(f.PersonID == "" || e.PersonID == f.PersonID) &&
		(!f.OpenOnly || e.ResolvedAt.IsZero())
}

// AlertFilter selects alerts; zero fields match everything.
type AlertFilter struct {
	PlacementID string
	Status      AlertStatus
	OpenOnly    bool // open or acknowledged, not resolved
}

// Match reports whether a passes the filter.
func (f AlertFilter) Match(a *Alert) bool {
	return (f.PlacementID == "" || a.PlacementID == f.PlacementID) &&
		(f.Status == "" || a.Status == f.Status) &&
		(!f.OpenOnly || a.Status != AlertResolved)
}
