package warning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/convivo/convivo/housing"
)

// Store is what the service needs of the storage: a subset of
// housing.Store, which both stores implement. Errors are the store's:
// housing.ErrNotFound from getters, housing.ErrConflict from a Put with a
// stale or (Version 0) existing record.
type Store interface {
	ListPlacements(ctx context.Context, f housing.PlacementFilter) ([]housing.Placement, error)
	Placement(ctx context.Context, id string) (housing.Placement, error)
	Person(ctx context.Context, id string) (housing.Person, error)
	ListPeople(ctx context.Context, f housing.PersonFilter) ([]housing.Person, error)
	CareInfo(ctx context.Context, personID string) (housing.CareInfo, error)
	AppendAudit(ctx context.Context, e *housing.AuditEntry) error

	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error

	CheckIns(ctx context.Context, f housing.CheckInFilter) ([]housing.CheckIn, error)
	Assignments(ctx context.Context, f housing.AssignmentFilter) ([]housing.Assignment, error)
	Outings(ctx context.Context, f housing.OutingFilter) ([]housing.Outing, error)
	PutEvent(ctx context.Context, e *housing.Event) error
	Events(ctx context.Context, f housing.EventFilter) ([]housing.Event, error)
	PutAlert(ctx context.Context, a *housing.Alert) error
	Alert(ctx context.Context, id string) (housing.Alert, error)
	Alerts(ctx context.Context, f housing.AlertFilter) ([]housing.Alert, error)
	AppendRisk(ctx context.Context, r housing.Risk) error
	RiskHistory(ctx context.Context, placementID string, since time.Time) ([]housing.Risk, error)
}

var _ Store = housing.Store(nil)

// Notifier tells staff about alerts; the bot implements it. It renders
// the message (case codes, the reasons in plain words, a trend chart from
// the history, Acknowledge / Details / Resolved buttons) and enqueues one
// outbox message per recipient, keyed by AlertKey or EscalationKey, so
// that a repeated call changes nothing. The recipients are always staff.
// An error means the call may be repeated later; a nil error that every
// message is safely enqueued.
type Notifier interface {
	// AlertRaised tells the placement's social workers (to) about a new
	// alert. history is the placement's recent risk scores, oldest first.
	AlertRaised(ctx context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, history []housing.Risk) error
	// AlertEscalated tells the people of an escalation step (to: the
	// district's mediators, then the admins) about an alert nobody
	// acknowledged.
	AlertEscalated(ctx context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, step housing.Escalation) error
}

// AlertKey returns the outbox key of the message that tells person about
// a new alert.
func AlertKey(alertID, personID string) string {
	return "alert:" + alertID + ":" + personID
}

// EscalationKey returns the outbox key of the message that tells person
// about an alert escalated to role to.
func EscalationKey(alertID string, to housing.Role, personID string) string {
	return "alert:" + alertID + ":" + string(to) + ":" + personID
}

// SeenKey returns the state key under which the bot keeps a person's last
// interaction, as an RFC 3339 time.
func SeenKey(personID string) string { return "seen:" + personID }

// The defaults of Config.
const (
	DefaultHistory = 8 * 7 * 24 * time.Hour // risk history sent with an alert
	DefaultWorkers = 4
)

// markerTTL is how long the notified markers are kept: longer than any
// alert stays open.
const markerTTL = 400 * 24 * time.Hour

// checkInHistory bounds the check-ins read for a placement: older ones
// weigh less than 1/100,000 in the mood averages.
const checkInHistory = 52 * 7 * 24 * time.Hour

// Config configures a Service. The zero value uses the defaults.
type Config struct {
	// Weights is the risk model; zero means housing.DefaultRiskWeights.
	Weights housing.RiskWeights
	// EscalateAfter is how long an alert may stay unacknowledged before
	// each escalation step; 0 means housing.DefaultEscalateAfter.
	EscalateAfter time.Duration
	// Location is where calendar days and weeks are read; nil means UTC.
	Location *time.Location
	// History is how far back the risk history sent with an alert and
	// shown in Details goes; 0 means DefaultHistory.
	History time.Duration
	// Workers is how many placements Scan scores at once; 0 means
	// DefaultWorkers, 1 scores them one by one in the caller's goroutine.
	Workers int
	// Now is the clock for audit entries and markers; nil means time.Now.
	Now func() time.Time
}

// Service is the early-warning service. It is safe for concurrent use,
// also by several replicas sharing one store.
type Service struct {
	store    Store
	notifier Notifier
	cfg      Config
	log      *slog.Logger
}

// New returns a Service on store that tells staff through notifier. It
// fills cfg's defaults and fails with housing.ErrInvalid on weights the
// model cannot use.
func New(store Store, notifier Notifier, cfg Config, logger *slog.Logger) (*Service, error) {
	if store == nil || notifier == nil || logger == nil {
		return nil, fmt.Errorf("warning: new: store, notifier and logger are required: %w", housing.ErrInvalid)
	}
	if cfg.Weights == (housing.RiskWeights{}) {
		cfg.Weights = housing.DefaultRiskWeights()
	}
	if err := cfg.Weights.Validate(); err != nil {
		return nil, fmt.Errorf("warning: new: weights: %w", err)
	}
	if cfg.EscalateAfter <= 0 {
		cfg.EscalateAfter = housing.DefaultEscalateAfter
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.History <= 0 {
		cfg.History = DefaultHistory
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{store: store, notifier: notifier, cfg: cfg, log: logger}, nil
}

// alertID returns the id of the alert with dedup key on a placement for
// an occasion: the night's date for the scan, the event for a report. The
// same inputs give the same id on every replica.
func alertID(placementID, dedupKey, occasion string) string {
	sum := sha256.Sum256([]byte(placementID + "|" + dedupKey + "|" + occasion))
	return "al_" + hex.EncodeToString(sum[:12])
}

// create stores a new alert and reports whether this call created it.
// When the id exists (another replica, or a repeated call, made it), a
// holds the stored alert and created is false.
func (s *Service) create(ctx context.Context, a *housing.Alert) (created bool, err error) {
	err = s.store.PutAlert(ctx, a)
	if errors.Is(err, housing.ErrConflict) {
		stored, err := s.store.Alert(ctx, a.ID)
		if err != nil {
			return false, fmt.Errorf("warning: alert %s exists but cannot be read: %w", a.ID, err)
		}
		*a = stored
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("warning: create alert for placement %s: %w", a.PlacementID, err)
	}
	return true, nil
}

// living reports whether people live together in a placement with status
// st, so that it is watched.
func living(st housing.PlacementStatus) bool {
	return st == housing.PlacementTrial || st == housing.PlacementActive || st == housing.PlacementUnderReview
}
