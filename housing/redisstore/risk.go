package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
)

// riskKey names the hash of a placement's scores, by riskField.
func (s *Store) riskKey(placementID string) string { return s.key("risk", placementID) }

// riskTimesKey names the sorted set of a placement's riskFields, all
// scored 0, so that they sort as text: in time order.
func (s *Store) riskTimesKey(placementID string) string { return s.key("riskat", placementID) }

// riskAAD binds a sealed score to its placement and field.
func (s *Store) riskAAD(placementID, field string) []byte {
	return s.aad(s.riskKey(placementID) + ":" + field)
}

// riskField returns the field of a score at t: its Unix nanoseconds in 20
// digits. t must be within the range housing.Risk.Validate allows.
func riskField(t time.Time) string { return fmt.Sprintf("%020d", t.UnixNano()) }

// lastNanos returns the latest time that Unix nanoseconds hold, in 2262.
func lastNanos() time.Time { return time.Unix(0, math.MaxInt64) }

// nanosHold reports whether t, as Unix nanoseconds, is from 0 to
// math.MaxInt64: from 1970 to 2262.
func nanosHold(t time.Time) bool { return !t.Before(time.Unix(0, 0)) && !t.After(lastNanos()) }

// AppendRisk adds a risk score to a placement's history, in one MULTI. A
// score at the same instant as one already stored replaces it, so a
// repeated nightly scan, or a call that go-redis repeats, adds nothing.
func (s *Store) AppendRisk(ctx context.Context, r housing.Risk) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("redisstore: append risk: %w", err)
	}
	v, err := json.Marshal(&r)
	if err != nil {
		return fmt.Errorf("redisstore: append risk %s: %w", r.PlacementID, err)
	}
	field := riskField(r.At)
	v = s.keys.Wrap(v, s.riskAAD(r.PlacementID, field))
	_, err = s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, s.riskKey(r.PlacementID), field, v)
		pipe.ZAdd(ctx, s.riskTimesKey(r.PlacementID), redis.Z{Member: field})
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisstore: append risk %s: %w", r.PlacementID, err)
	}
	return nil
}

// RiskHistory returns a placement's scores at or after since, oldest
// first: a lexical range of its sorted set, then the hash's fields.
func (s *Store) RiskHistory(ctx context.Context, placementID string, since time.Time) ([]housing.Risk, error) {
	if err := checkID("placement_id", placementID); err != nil {
		return nil, fmt.Errorf("redisstore: risk history: %w", err)
	}
	start := "-"
	switch {
	case since.After(lastNanos()):
		return nil, nil // no score can be that late
	case nanosHold(since):
		start = "[" + riskField(since)
	}
	fields, err := s.rdb.ZRangeByLex(ctx, s.riskTimesKey(placementID), &redis.ZRangeBy{Min: start, Max: "+"}).Result()
	if err != nil || len(fields) == 0 {
		return nil, wrapRisk(placementID, err)
	}
	vals, err := s.rdb.HMGet(ctx, s.riskKey(placementID), fields...).Result()
	if err != nil {
		return nil, wrapRisk(placementID, err)
	}
	out := make([]housing.Risk, 0, len(vals))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			return nil, wrapRisk(placementID, fmt.Errorf("score %s has no value", fields[i]))
		}
		var r housing.Risk
		plain, err := s.keys.Unwrap([]byte(str), s.riskAAD(placementID, fields[i]))
		if err != nil {
			return nil, wrapRisk(placementID, fmt.Errorf("open score %s: %w", fields[i], err))
		}
		if err := json.Unmarshal(plain, &r); err != nil {
			return nil, wrapRisk(placementID, fmt.Errorf("decode score %s: %w", fields[i], err))
		}
		out = append(out, r)
	}
	return out, nil
}

// wrapRisk prefixes a RiskHistory error; nil stays nil.
func wrapRisk(placementID string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redisstore: risk history %s: %w", placementID, err)
}
