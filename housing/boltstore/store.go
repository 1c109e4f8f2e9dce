package boltstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// ErrLocked means another process holds the data file open. Only one
// process may open the embedded store at a time.
var ErrLocked = errors.New("the data file is in use by another convivo process (convivo serve?)")

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = time.Second

// Bucket names of the records.
const (
	bucketPeople      = "people"
	bucketProfiles    = "profiles"
	bucketCare        = "care"
	bucketHomes       = "homes"
	bucketPlacements  = "placements"
	bucketProposals   = "proposals"
	bucketInvitations = "invitations"
	bucketConsents    = "consents"
	bucketAudit       = "audit"
	bucketState       = "state"
	bucketTasks       = "tasks"
	bucketAssignments = "assignments"
	bucketLedgers     = "ledgers"
	bucketSwaps       = "swaps"
	bucketOutings     = "outings"
	bucketCheckIns    = "checkins"
	bucketEvents      = "events"
	bucketAlerts      = "alerts"
	bucketRisk        = "risk"
)

// buckets lists every bucket Open creates: records, then indexes. Open
// creates the ones a file written by an older version lacks.
func buckets() []string {
	return append([]string{
		bucketPeople, bucketProfiles, bucketCare, bucketHomes, bucketPlacements,
		bucketProposals, bucketInvitations, bucketConsents, bucketAudit, bucketState,
		bucketTasks, bucketAssignments, bucketLedgers, bucketSwaps, bucketOutings,
		bucketCheckIns, bucketEvents, bucketAlerts, bucketRisk,
		index.PersonTelegram, index.PersonDistrict, index.PersonRole,
		index.HomeDistrict, index.HomeKind,
		index.PlacementHome, index.PlacementPerson, index.PlacementStatus,
		index.ProposalDistrict, index.ProposalStatus,
		index.InvitationToken, index.ConsentPerson, index.AuditSubject,
	}, index.Life()...)
}

// Options configures Open.
type Options struct {
	// Now returns the current time, for state TTLs. Default time.Now.
	Now func() time.Time
	// Timeout is how long to wait for the file lock before failing with
	// ErrLocked. Zero (or less) means DefaultTimeout, never waiting
	// forever.
	Timeout time.Duration
}

// Store is a housing.Store in one bbolt file. It is safe for concurrent
// use; bbolt runs one write transaction at a time.
type Store struct {
	db  *bolt.DB
	now func() time.Time
}

var _ housing.Store = (*Store)(nil)

// Open opens or creates the data file at path (mode 0600) and its buckets,
// and purges expired state values.
// It fails with an error wrapping ErrLocked when another process holds the
// file.
func Open(path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range buckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		_, err := purgeState(tx, opts.Now())
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return &Store{db: db, now: opts.Now}, nil
}

// Path returns the data file's path.
func (s *Store) Path() string { return s.db.Path() }

// Ping reports whether the store is open, by running a read transaction.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.view(ctx, func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("boltstore: ping: %w", err)
	}
	return nil
}

// Close closes the data file, releasing its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// view runs fn in a read transaction unless ctx is done.
func (s *Store) view(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// update runs fn in a write transaction unless ctx is done.
func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(fn)
}

// checkID returns a *housing.FieldError unless id is a valid identifier.
func checkID(field, id string) error {
	if !housing.ValidID(id) {
		return &housing.FieldError{Field: field, Reason: fmt.Sprintf("%q is not a valid id", id)}
	}
	return nil
}
