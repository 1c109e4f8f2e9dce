package boltstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
)

// A state value is stored as its expiry in Unix nanoseconds (8 bytes,
// big-endian; 0 for none) followed by the value.
const expiryLen = 8

// checkState validates a state key and, if not nil, a ttl.
func checkState(key string, ttl time.Duration) error {
	if !housing.ValidStateKey(key) {
		return &housing.FieldError{Field: "key", Reason: fmt.Sprintf("%q is not a state key (1-200 printable ASCII bytes, no spaces)", key)}
	}
	if ttl < 0 {
		return &housing.FieldError{Field: "ttl", Reason: fmt.Sprintf("%v is negative", ttl)}
	}
	return nil
}

// stateAAD binds a sealed state value to its key.
func stateAAD(key string) []byte { return []byte(bucketState + "/" + key) }

// encodeState returns the stored form of the value under key with a ttl
// from now, the value sealed when the store has a keyring.
func (s *Store) encodeState(key string, value []byte, ttl time.Duration, now time.Time) []byte {
	var expiry int64
	if ttl > 0 {
		expiry = now.Add(ttl).UnixNano()
	}
	value = s.keys.Wrap(value, stateAAD(key))
	b := binary.BigEndian.AppendUint64(make([]byte, 0, expiryLen+len(value)), uint64(expiry))
	return append(b, value...)
}

// openState returns the value of the stored form v under key, and false
// when v is absent, malformed or expired at now.
func (s *Store) openState(key string, v []byte, now time.Time) ([]byte, bool, error) {
	value, ok := liveState(v, now)
	if !ok {
		return nil, false, nil
	}
	value, err := s.keys.Unwrap(value, stateAAD(key))
	if err != nil {
		return nil, false, fmt.Errorf("open state %s: %w", key, err)
	}
	return value, true, nil
}

// liveState returns a copy of the value in stored form v, and false when v
// is absent, malformed or expired at now.
func liveState(v []byte, now time.Time) ([]byte, bool) {
	if len(v) < expiryLen {
		return nil, false
	}
	expiry := int64(binary.BigEndian.Uint64(v))
	if expiry != 0 && now.UnixNano() >= expiry {
		return nil, false
	}
	return bytes.Clone(v[expiryLen:]), true
}

// GetState returns the value under key, or ErrNotFound (also once it has
// expired).
func (s *Store) GetState(ctx context.Context, key string) ([]byte, error) {
	if err := checkState(key, 0); err != nil {
		return nil, fmt.Errorf("boltstore: get state: %w", err)
	}
	var value []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v, ok, err := s.openState(key, tx.Bucket([]byte(bucketState)).Get([]byte(key)), s.now())
		if err != nil || !ok {
			return cmp.Or(err, housing.ErrNotFound)
		}
		value = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: get state %s: %w", key, err)
	}
	return value, nil
}

// PutState sets the value under key; a ttl of 0 keeps it until deleted.
func (s *Store) PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := checkState(key, ttl); err != nil {
		return fmt.Errorf("boltstore: put state: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketState)).Put([]byte(key), s.encodeState(key, value, ttl, s.now()))
	})
	if err != nil {
		return fmt.Errorf("boltstore: put state %s: %w", key, err)
	}
	return nil
}

// TakeState returns the value under key and deletes it in one transaction,
// so of several concurrent callers exactly one gets it; the others get
// ErrNotFound.
func (s *Store) TakeState(ctx context.Context, key string) ([]byte, error) {
	if err := checkState(key, 0); err != nil {
		return nil, fmt.Errorf("boltstore: take state: %w", err)
	}
	var value []byte
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketState))
		v, ok, err := s.openState(key, b.Get([]byte(key)), s.now())
		if err != nil {
			return err
		}
		if err := b.Delete([]byte(key)); err != nil {
			return err
		}
		if !ok {
			return housing.ErrNotFound
		}
		value = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: take state %s: %w", key, err)
	}
	return value, nil
}

// ClaimState sets the value under key only if the key is absent or
// expired, and reports whether this call set it.
func (s *Store) ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := checkState(key, ttl); err != nil {
		return false, fmt.Errorf("boltstore: claim state: %w", err)
	}
	var claimed bool
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketState))
		now := s.now()
		if _, ok := liveState(b.Get([]byte(key)), now); ok {
			return nil
		}
		claimed = true
		return b.Put([]byte(key), s.encodeState(key, value, ttl, now))
	})
	if err != nil {
		return false, fmt.Errorf("boltstore: claim state %s: %w", key, err)
	}
	return claimed, nil
}

// DeleteState removes key; a missing key is not an error.
func (s *Store) DeleteState(ctx context.Context, key string) error {
	if err := checkState(key, 0); err != nil {
		return fmt.Errorf("boltstore: delete state: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketState)).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("boltstore: delete state %s: %w", key, err)
	}
	return nil
}

// PurgeState deletes expired state values and returns how many. Reads never
// return them, but without a purge they stay in the file; Open purges once.
func (s *Store) PurgeState(ctx context.Context) (int, error) {
	var n int
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = purgeState(tx, s.now())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: purge state: %w", err)
	}
	return n, nil
}

// purgeState deletes the state values expired at now.
func purgeState(tx *bolt.Tx, now time.Time) (int, error) {
	b := tx.Bucket([]byte(bucketState))
	var expired [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if _, ok := liveState(v, now); !ok {
			expired = append(expired, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(expired), nil
}
