package boltstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
	"github.com/convivo/convivo/housing/seal"
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
	bucketMeta        = "meta"
	bucketPseudonyms  = "pseudonyms"     // person id → audit pseudonym
	bucketPseudoOwner = "pseudonyms.rev" // audit pseudonym → person id
)

// buckets lists every bucket Open creates: records, then indexes. Open
// creates the ones a file written by an older version lacks.
func buckets() []string {
	return append([]string{
		bucketPeople, bucketProfiles, bucketCare, bucketHomes, bucketPlacements,
		bucketProposals, bucketInvitations, bucketConsents, bucketAudit, bucketState,
		bucketTasks, bucketAssignments, bucketLedgers, bucketSwaps, bucketOutings,
		bucketCheckIns, bucketEvents, bucketAlerts, bucketRisk,
		bucketMeta, bucketPseudonyms, bucketPseudoOwner,
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
	// Keyring, when set, seals the sensitive records (see the package
	// doc). Nil stores them in clear, and Open then refuses a file that
	// holds sealed data, with an error wrapping seal.ErrNoKey.
	Keyring *seal.Keyring
}

// Store is a housing.Store in one bbolt file. It is safe for concurrent
// use; bbolt runs one write transaction at a time.
type Store struct {
	// mu guards db: transactions hold it shared, compaction (which
	// replaces the file) exclusively.
	mu   sync.RWMutex
	db   *bolt.DB
	path string
	opts Options
	now  func() time.Time
	keys *seal.Keyring
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
	s := &Store{path: path, opts: opts, now: opts.Now, keys: opts.Keyring}
	db, err := s.openDB()
	if err != nil {
		return nil, err
	}
	s.db = db
	return s, nil
}

// openDB opens the file, creates missing buckets, checks the seal marker
// against the keyring and purges expired state values.
func (s *Store) openDB() (*bolt.DB, error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.opts.Timeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: %w", s.path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", s.path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range buckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		if err := s.checkMarker(tx); err != nil {
			return err
		}
		_, err := purgeState(tx, s.now())
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", s.path, err)
	}
	return db, nil
}

// Path returns the data file's path.
func (s *Store) Path() string { return s.path }

// Sealed reports whether the store seals sensitive records.
func (s *Store) Sealed() bool { return s.keys != nil }

// Ping reports whether the store is open, by running a read transaction.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.view(ctx, func(*bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("boltstore: ping: %w", err)
	}
	return nil
}

// Close closes the data file, releasing its lock.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
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
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.View(fn)
}

// update runs fn in a write transaction unless ctx is done.
func (s *Store) update(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Update(fn)
}

// checkID returns a *housing.FieldError unless id is a valid identifier.
func checkID(field, id string) error {
	if !housing.ValidID(id) {
		return &housing.FieldError{Field: field, Reason: fmt.Sprintf("%q is not a valid id", id)}
	}
	return nil
}
