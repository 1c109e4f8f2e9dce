package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing/seal"
)

// RotateKey re-seals every sensitive value not sealed under the keyring's
// active key (values in clear included): the sealed kinds' records, state
// values (keeping their expiry), pending outbox messages and risk scores,
// each key in its own optimistic transaction; then it moves the marker to
// the active key. It returns how many values it re-sealed. TakeState's
// one-minute receipts are left to expire. An error wrapping seal.ErrNoKey
// without a keyring.
func (s *Store) RotateKey(ctx context.Context) (int, error) {
	if s.keys == nil {
		return 0, fmt.Errorf("redisstore: rotate key: %w", seal.ErrNoKey)
	}
	n := 0
	for _, p := range []struct {
		pattern string
		reseal  func(context.Context, string) (int, error)
	}{
		{"profile:*", s.resealString}, {"care:*", s.resealString}, {"checkin:*", s.resealString},
		{"event:*", s.resealString}, {"alert:*", s.resealString}, {"state:*", s.resealString},
		{"outbox:msg:*", s.resealOutbox}, {"risk:*", s.resealRisk},
	} {
		keys, err := s.scanKeys(ctx, p.pattern)
		if err != nil {
			return n, fmt.Errorf("redisstore: rotate key: %w", err)
		}
		for _, key := range keys {
			m, err := p.reseal(ctx, key)
			if err != nil {
				return n, fmt.Errorf("redisstore: rotate key %s: %w", key, err)
			}
			n += m
		}
	}
	if err := s.rdb.Set(ctx, s.markerKey(), s.keys.Marker(), 0).Err(); err != nil {
		return n, fmt.Errorf("redisstore: rotate key: %w", err)
	}
	return n, nil
}

// reseal returns v sealed under the active key, and false when it is
// already.
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

// resealString re-seals the STRING under key, keeping its expiry.
func (s *Store) resealString(ctx context.Context, key string) (int, error) {
	n := 0
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		n = 0
		v, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil // gone meanwhile
		}
		if err != nil {
			return err
		}
		nv, changed, err := s.reseal(v, s.aad(key))
		if err != nil || !changed {
			return err
		}
		n = 1
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.SetArgs(ctx, key, nv, redis.SetArgs{KeepTTL: true})
			return nil
		})
		return err
	}, key)
	return n, err
}

// resealHash re-seals the fields of the HASH under key that field picks,
// with the additional data aad gives each.
func (s *Store) resealHash(ctx context.Context, key string, pick func(field string) bool, aad func(field string) []byte) (int, error) {
	n := 0
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		n = 0
		all, err := tx.HGetAll(ctx, key).Result()
		if err != nil {
			return err
		}
		changes := map[string]any{}
		for f, v := range all {
			if !pick(f) {
				continue
			}
			nv, changed, err := s.reseal([]byte(v), aad(f))
			if err != nil {
				return fmt.Errorf("field %s: %w", f, err)
			}
			if changed {
				changes[f] = nv
			}
		}
		if len(changes) == 0 {
			return nil
		}
		n = len(changes)
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.HSet(ctx, key, changes)
			return nil
		})
		return err
	}, key)
	return n, err
}

// resealOutbox re-seals a pending message's "message" field.
func (s *Store) resealOutbox(ctx context.Context, key string) (int, error) {
	return s.resealHash(ctx, key,
		func(f string) bool { return f == "message" },
		func(string) []byte { return s.aad(key) })
}

// resealRisk re-seals every score of a placement's risk hash.
func (s *Store) resealRisk(ctx context.Context, key string) (int, error) {
	return s.resealHash(ctx, key,
		func(string) bool { return true },
		func(f string) []byte { return s.aad(key + ":" + f) })
}
