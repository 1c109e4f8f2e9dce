package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing/seal"
)

// markerKey names the seal marker: a known text sealed under the key in
// use (seal.Keyring.Marker), set by the first Open with a keyring.
func (s *Store) markerKey() string { return s.key("meta", "sealed") }

// checkMarker holds the namespace to the keyring: a namespace with a
// marker needs a keyring that opens it, and a keyring marks a namespace
// that has none.
func (s *Store) checkMarker(ctx context.Context) error {
	if s.keys != nil {
		if err := s.rdb.SetNX(ctx, s.markerKey(), s.keys.Marker(), 0).Err(); err != nil {
			return err
		}
	}
	marker, err := s.rdb.Get(ctx, s.markerKey()).Bytes()
	switch {
	case errors.Is(err, redis.Nil) && s.keys == nil:
		return nil
	case err != nil:
		return err
	}
	return seal.CheckMarker(s.keys, marker)
}

// aad returns the additional data binding a sealed value to its key: the
// key without the namespace, e.g. "care:p_12".
func (s *Store) aad(key string) []byte { return []byte(strings.TrimPrefix(key, s.ns)) }

// sealedKey reports whether key holds a record of a kind that is sealed
// whole when the store has a keyring: profiles, care fields, check-ins,
// events and alerts.
func (s *Store) sealedKey(key string) bool {
	kind, _, _ := strings.Cut(strings.TrimPrefix(key, s.ns), ":")
	switch kind {
	case "profile", "care", "checkin", "event", "alert":
		return true
	}
	return false
}

// encode returns v as JSON, sealed when key holds a sensitive record and
// the store has a keyring.
func (s *Store) encode(key string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", key, err)
	}
	if !s.sealedKey(key) {
		return b, nil
	}
	return s.keys.Wrap(b, s.aad(key)), nil
}

// decode reads the value b of key into v, opening it if it is sealed.
func (s *Store) decode(key string, b []byte, v any) error {
	b, err := s.keys.Unwrap(b, s.aad(key))
	if err != nil {
		return fmt.Errorf("open %s: %w", key, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}
