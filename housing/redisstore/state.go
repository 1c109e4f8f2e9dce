package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
)

// stateKey names a StateStore value, checking the key.
func (s *Store) stateKey(key string) (string, error) {
	if !housing.ValidStateKey(key) {
		return "", &housing.FieldError{Field: "key", Reason: fmt.Sprintf("%q is not a state key", key)}
	}
	return s.key("state", key), nil
}

// checkTTL returns ErrInvalid for a negative ttl, and rounds a positive one
// below Redis's millisecond resolution up to one millisecond.
func checkTTL(ttl time.Duration) (time.Duration, error) {
	switch {
	case ttl < 0:
		return 0, &housing.FieldError{Field: "ttl", Reason: "is negative"}
	case ttl > 0 && ttl < time.Millisecond:
		return time.Millisecond, nil
	}
	return ttl, nil
}

// GetState returns the value under key, or ErrNotFound.
func (s *Store) GetState(ctx context.Context, key string) ([]byte, error) {
	k, err := s.stateKey(key)
	if err != nil {
		return nil, fmt.Errorf("redisstore: get state: %w", err)
	}
	b, err := s.rdb.Get(ctx, k).Bytes()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get state %s: %w", key, err)
	}
	return b, nil
}

// PutState sets the value under key; a ttl of 0 keeps it until deleted.
func (s *Store) PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	k, err := s.stateKey(key)
	if err == nil {
		ttl, err = checkTTL(ttl)
	}
	if err != nil {
		return fmt.Errorf("redisstore: put state: %w", err)
	}
	if err := s.rdb.Set(ctx, k, value, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: put state %s: %w", key, err)
	}
	return nil
}

// TakeState returns the value under key and deletes it (GETDEL), so of
// several concurrent callers exactly one gets it; the others get
// ErrNotFound.
func (s *Store) TakeState(ctx context.Context, key string) ([]byte, error) {
	k, err := s.stateKey(key)
	if err != nil {
		return nil, fmt.Errorf("redisstore: take state: %w", err)
	}
	b, err := s.rdb.GetDel(ctx, k).Bytes()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: take state %s: %w", key, err)
	}
	return b, nil
}

// ClaimState sets the value under key only if the key is absent or expired
// (SET NX) and reports whether this call set it.
func (s *Store) ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	k, err := s.stateKey(key)
	if err == nil {
		ttl, err = checkTTL(ttl)
	}
	if err != nil {
		return false, fmt.Errorf("redisstore: claim state: %w", err)
	}
	ok, err := s.rdb.SetNX(ctx, k, value, ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: claim state %s: %w", key, err)
	}
	return ok, nil
}

// DeleteState removes key; a missing key is not an error.
func (s *Store) DeleteState(ctx context.Context, key string) error {
	k, err := s.stateKey(key)
	if err != nil {
		return fmt.Errorf("redisstore: delete state: %w", err)
	}
	if err := s.rdb.Del(ctx, k).Err(); err != nil {
		return fmt.Errorf("redisstore: delete state %s: %w", key, err)
	}
	return nil
}
