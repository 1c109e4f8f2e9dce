package boltstore

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing/seal"
)

// markerKey is the meta bucket's key of the seal marker: a known text
// sealed under the key in use (seal.Keyring.Marker), written by the first
// Open with a keyring.
const markerKey = "sealed"

// checkMarker, in Open's transaction, holds the file to its keyring: a
// file with a marker needs a keyring that opens it, and a keyring marks a
// file that has none.
func (s *Store) checkMarker(tx *bolt.Tx) error {
	b := tx.Bucket([]byte(bucketMeta))
	marker := b.Get([]byte(markerKey))
	switch {
	case marker == nil && s.keys == nil:
		return nil
	case marker == nil:
		return b.Put([]byte(markerKey), s.keys.Marker())
	}
	return seal.CheckMarker(s.keys, marker)
}

// resealer returns v, the stored value under key, re-sealed under the
// active key, and false when it is current already (or holds nothing
// sealed).
type resealer func(key, v []byte) ([]byte, bool, error)

// sealedBuckets returns the buckets whose values hold sealed data, with
// how to re-seal each value.
func (s *Store) sealedBuckets() map[string]resealer {
	whole := func(aad func(key []byte) []byte) resealer {
		return func(key, v []byte) ([]byte, bool, error) { return s.reseal(v, aad(key)) }
	}
	record := func(bucket string) resealer {
		return whole(func(key []byte) []byte { return []byte(bucket + "/" + string(key)) })
	}
	return map[string]resealer{
		bucketProfiles: record(bucketProfiles), bucketCare: record(bucketCare),
		bucketCheckIns: record(bucketCheckIns), bucketEvents: record(bucketEvents),
		bucketAlerts: record(bucketAlerts), bucketRisk: whole(riskAAD),
		bucketState: s.resealState, bucketOutbox: s.resealOutbox,
	}
}

// reseal seals v (in clear, or sealed under any key of the ring) under
// the active key; false when it is sealed under it already.
func (s *Store) reseal(v, aad []byte) ([]byte, bool, error) {
	if s.keys.Current(v) {
		return v, false, nil
	}
	plain, err := s.keys.Unwrap(v, aad)
	if err != nil {
		return nil, false, err
	}
	return s.keys.Seal(plain, aad), true, nil
}

// resealState re-seals a state value, keeping its expiry.
func (s *Store) resealState(key, v []byte) ([]byte, bool, error) {
	if len(v) < expiryLen {
		return v, false, nil
	}
	inner, changed, err := s.reseal(v[expiryLen:], stateAAD(string(key)))
	if !changed || err != nil {
		return v, false, err
	}
	return append(v[:expiryLen:expiryLen], inner...), true, nil
}

// resealOutbox re-seals a pending outbox message.
func (s *Store) resealOutbox(key, v []byte) ([]byte, bool, error) {
	rec, err := decodeOutbox(s.keys, key, v)
	if err != nil || rec.Message == nil {
		return v, false, err
	}
	var raw outboxRecord
	if err := json.Unmarshal(v, &raw); err != nil {
		return nil, false, err
	}
	if raw.Sealed != nil && s.keys.Current(raw.Sealed) {
		return v, false, nil
	}
	b, err := encodeOutbox(s.keys, string(key), rec)
	return b, err == nil, err
}

// RotateKey re-seals, in one transaction, every sensitive value that is
// not sealed under the keyring's active key, values in clear included,
// moves the marker to the active key and compacts the file, so that no
// copy under the old key is left in its free pages. It returns how many
// values it re-sealed. An error wrapping seal.ErrNoKey without a keyring.
func (s *Store) RotateKey(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("boltstore: rotate key: %w", seal.ErrNoKey)
	}
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for name, reseal := range s.sealedBuckets() {
			m, err := resealBucket(tx.Bucket([]byte(name)), reseal)
			if err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
			n += m
		}
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(markerKey), s.keys.Marker())
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: rotate key: %w", err)
	}
	if err := s.compact(); err != nil {
		return n, fmt.Errorf("boltstore: rotate key: %w", err)
	}
	return n, nil
}

// resealBucket re-seals the values of b that need it.
func resealBucket(b *bolt.Bucket, reseal resealer) (int, error) {
	type kv struct{ k, v []byte }
	var todo []kv
	err := b.ForEach(func(k, v []byte) error {
		nv, changed, err := reseal(k, v)
		if err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if changed {
			todo = append(todo, kv{append([]byte(nil), k...), nv})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, e := range todo {
		if err := b.Put(e.k, e.v); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}
