package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
)

// riskAAD binds a sealed risk score to its key.
func riskAAD(key []byte) []byte { return append([]byte(bucketRisk+"/"), key...) }

// riskKey returns the risk bucket's key of a placement's score at a time:
// the placement id, NUL, then at as 8 big-endian bytes of Unix
// nanoseconds, so that a placement's history is one range in time order.
// at must be within the range housing.Risk.Validate allows.
func riskKey(placementID string, at time.Time) []byte {
	return binary.BigEndian.AppendUint64(indexKey(placementID, ""), uint64(at.UnixNano()))
}

// lastNanos returns the latest time that Unix nanoseconds hold, in 2262.
func lastNanos() time.Time { return time.Unix(0, math.MaxInt64) }

// nanosHold reports whether t, as Unix nanoseconds, is from 0 to
// math.MaxInt64: from 1970 to 2262.
func nanosHold(t time.Time) bool { return !t.Before(time.Unix(0, 0)) && !t.After(lastNanos()) }

// AppendRisk adds a risk score to a placement's history. A score at the
// same instant as one already stored replaces it, so a repeated nightly
// scan adds nothing.
func (s *Store) AppendRisk(ctx context.Context, r housing.Risk) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("boltstore: append risk: %w", err)
	}
	v, err := json.Marshal(&r)
	if err != nil {
		return fmt.Errorf("boltstore: append risk %s: %w", r.PlacementID, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		key := riskKey(r.PlacementID, r.At)
		return tx.Bucket([]byte(bucketRisk)).Put(key, s.keys.Wrap(v, riskAAD(key)))
	})
	if err != nil {
		return fmt.Errorf("boltstore: append risk %s: %w", r.PlacementID, err)
	}
	return nil
}

// RiskHistory returns a placement's scores at or after since, oldest
// first: one range of the risk bucket.
func (s *Store) RiskHistory(ctx context.Context, placementID string, since time.Time) ([]housing.Risk, error) {
	if err := checkID("placement_id", placementID); err != nil {
		return nil, fmt.Errorf("boltstore: risk history: %w", err)
	}
	prefix := indexKey(placementID, "")
	start := prefix
	switch {
	case since.After(lastNanos()):
		return nil, nil // no score can be that late
	case nanosHold(since):
		start = riskKey(placementID, since)
	}
	var out []housing.Risk
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketRisk)).Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r housing.Risk
			v, err := s.keys.Unwrap(v, riskAAD(k))
			if err != nil {
				return fmt.Errorf("open risk %q: %w", k, err)
			}
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("decode risk %q: %w", k, err)
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: risk history %s: %w", placementID, err)
	}
	return out, nil
}
