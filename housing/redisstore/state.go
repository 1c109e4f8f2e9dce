package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
)

// receiptTTL is how long TakeState and ClaimState keep the receipt that
// lets a repeated call see its own earlier result; go-redis gives up
// retrying well within it.
const receiptTTL = time.Minute

// takeSrc gets and deletes KEYS[1]; it stores ARGV[1] (the call's token),
// ':' and the value under KEYS[2] for ARGV[2] ms, and returns that value
// again to the same token.
const takeSrc = `
local v = redis.call('GET', KEYS[1])
if v then
	redis.call('DEL', KEYS[1])
	redis.call('SET', KEYS[2], ARGV[1] .. ':' .. v, 'PX', ARGV[2])
	return v
end
local r = redis.call('GET', KEYS[2])
if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. ':' then
	return string.sub(r, #ARGV[1] + 2)
end
return false
`

// claimSrc sets KEYS[1] to ARGV[1] (for ARGV[2] ms, 0 = no expiry) if it
// is absent, recording ARGV[3] (the call's token) under KEYS[2] for ARGV[4]
// ms; it returns 1 when this call, or an earlier try of it, set the key.
const claimSrc = `
if redis.call('EXISTS', KEYS[1]) == 0 then
	if tonumber(ARGV[2]) > 0 then
		redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
	else
		redis.call('SET', KEYS[1], ARGV[1])
	end
	redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
	return 1
end
if redis.call('GET', KEYS[2]) == ARGV[3] then
	return 1
end
return 0
`

// newToken returns a random token naming one call.
func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

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
	if err == nil {
		b, err = s.keys.Unwrap(b, s.aad(k))
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
	if err := s.rdb.Set(ctx, k, s.keys.Wrap(value, s.aad(k)), ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: put state %s: %w", key, err)
	}
	return nil
}

// TakeState returns the value under key and deletes it in one step, so of
// several concurrent callers exactly one gets it; the others get
// ErrNotFound. A call that go-redis repeats after a lost reply still gets
// the value: the script leaves a short-lived receipt under the call's
// token.
func (s *Store) TakeState(ctx context.Context, key string) ([]byte, error) {
	return s.take(ctx, key, newToken())
}

// take is TakeState for the call named token.
func (s *Store) take(ctx context.Context, key, token string) ([]byte, error) {
	k, err := s.stateKey(key)
	if err != nil {
		return nil, fmt.Errorf("redisstore: take state: %w", err)
	}
	keys := []string{k, s.key("taken", key)}
	b, err := s.takeScript.Run(ctx, s.rdb, keys, token, receiptTTL.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	var v []byte
	if err == nil {
		v, err = s.keys.Unwrap([]byte(b), s.aad(k))
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: take state %s: %w", key, err)
	}
	return v, nil
}

// ClaimState sets the value under key only if the key is absent or expired
// and reports whether this call set it. A call that go-redis repeats after
// a lost reply still reports true: the script leaves a short-lived receipt
// under the call's token.
func (s *Store) ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	return s.claim(ctx, key, value, ttl, newToken())
}

// claim is ClaimState for the call named token.
func (s *Store) claim(ctx context.Context, key string, value []byte, ttl time.Duration, token string) (bool, error) {
	k, err := s.stateKey(key)
	if err == nil {
		ttl, err = checkTTL(ttl)
	}
	if err != nil {
		return false, fmt.Errorf("redisstore: claim state: %w", err)
	}
	keys := []string{k, s.key("claimed", key)}
	sealed := s.keys.Wrap(value, s.aad(k))
	n, err := s.claimScript.Run(ctx, s.rdb, keys, sealed, ttl.Milliseconds(), token, receiptTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: claim state %s: %w", key, err)
	}
	return n == 1, nil
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
