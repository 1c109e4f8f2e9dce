package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/seal"
)

const (
	// maxAttempts bounds the retries of one contended transaction.
	maxAttempts = 200
	// openTimeout bounds Open's ping when ctx has no earlier deadline, so
	// a server that drops packets is an error and not a long hang.
	openTimeout = 10 * time.Second
)

// Options configures a Store.
type Options struct {
	// Namespace prefixes every key as "{Namespace}:"; default "convivo".
	// It may hold A-Z a-z 0-9 _ - . only.
	Namespace string
	// Now is accepted for symmetry with boltstore.Options and ignored:
	// Redis expires state values by its own clock, and records keep the
	// timestamps their callers set.
	Now func() time.Time
	// Keyring, when set, seals the sensitive values (see the package
	// doc). Nil stores them in clear, and opening a namespace that holds
	// sealed data then fails with an error wrapping seal.ErrNoKey.
	Keyring *seal.Keyring
}

// Store is a housing.Store on Redis. It is safe for concurrent use, also
// by several processes sharing one Redis.
type Store struct {
	rdb  redis.UniversalClient
	ns   string // "{namespace}:"
	keys *seal.Keyring

	takeScript, claimScript *redis.Script
}

var _ housing.Store = (*Store)(nil)

// Open connects to the Redis at url (redis://user:pass@host:port/db, or
// rediss:// for TLS; go-redis URL options such as dial_timeout apply) and
// pings it, so an unreachable server is an error here, within ten seconds,
// and not at the first request. For Sentinel or Cluster, see
// NewWithClient.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: parse url: %w", err)
	}
	return NewWithClient(ctx, redis.NewClient(ro), opts)
}

// NewWithClient returns a Store on a client the caller built, such as a
// redis.NewFailoverClient for Sentinel or a redis.NewClusterClient (see
// redis.ParseFailoverURL and redis.ParseClusterURL). It pings like Open;
// the Store owns the client from then on and Close closes it, also when
// NewWithClient fails.
func NewWithClient(ctx context.Context, rdb redis.UniversalClient, opts Options) (*Store, error) {
	ns := opts.Namespace
	if ns == "" {
		ns = "convivo"
	}
	if !validNamespace(ns) {
		_ = rdb.Close() // the namespace is the error worth reporting
		return nil, fmt.Errorf("redisstore: namespace %q: want A-Z a-z 0-9 _ - . only: %w", ns, housing.ErrInvalid)
	}
	s := &Store{
		rdb: rdb, ns: "{" + ns + "}:", keys: opts.Keyring,
		takeScript: redis.NewScript(takeSrc), claimScript: redis.NewScript(claimSrc),
	}
	pingCtx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	if err := rdb.Ping(pingCtx).Err(); err != nil {
		_ = rdb.Close() // the ping error is the one worth reporting
		return nil, fmt.Errorf("redisstore: open: ping: %w", err)
	}
	if err := s.checkMarker(pingCtx); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redisstore: open: %w", err)
	}
	return s, nil
}

// validNamespace reports whether ns is usable inside a hash tag.
func validNamespace(ns string) bool {
	if len(ns) > 64 {
		return false
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Sealed reports whether the store seals sensitive values.
func (s *Store) Sealed() bool { return s.keys != nil }

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// Close closes the connections to Redis.
func (s *Store) Close() error {
	if err := s.rdb.Close(); err != nil {
		return fmt.Errorf("redisstore: close: %w", err)
	}
	return nil
}

// Namespace returns the hash-tagged prefix of every key, e.g. "{convivo}:".
func (s *Store) Namespace() string { return s.ns }

// key joins parts under the namespace.
func (s *Store) key(parts ...string) string { return s.ns + strings.Join(parts, ":") }

// recKey names a record of kind.
func (s *Store) recKey(kind, id string) string { return s.key(kind, id) }

// allKey names the set of all ids of kind.
func (s *Store) allKey(kind string) string { return s.key("all", kind) }

// atomically runs fn as an optimistic transaction watching keys, retrying
// it with a short jittered pause when a watched key changed before EXEC.
// fn may watch more keys (tx.Watch) before reading them.
func (s *Store) atomically(ctx context.Context, fn func(*redis.Tx) error, keys ...string) error {
	for attempt := range maxAttempts {
		err := s.rdb.Watch(ctx, fn, keys...)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
		pause := time.Duration(rand.Int64N(int64(min(attempt+1, 20)) * int64(100*time.Microsecond)))
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return fmt.Errorf("gave up after %d contended attempts: %w", maxAttempts, housing.ErrConflict)
}

// checkID returns ErrInvalid for a malformed id argument.
func checkID(field, id string) error {
	if !housing.ValidID(id) {
		return &housing.FieldError{Field: field, Reason: fmt.Sprintf("%q is not a valid id", id)}
	}
	return nil
}
