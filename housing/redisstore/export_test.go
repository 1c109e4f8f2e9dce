package redisstore

import (
	"context"
	"time"
)

// Keys returns every key of the store's namespace (SCAN MATCH "{ns}:*").
func Keys(ctx context.Context, s *Store) ([]string, error) {
	var keys []string
	iter := s.rdb.Scan(ctx, 0, s.ns+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	return keys, iter.Err()
}

// DeleteNamespace deletes every key of the store's namespace.
func DeleteNamespace(ctx context.Context, s *Store) error {
	keys, err := Keys(ctx, s)
	if err != nil || len(keys) == 0 {
		return err
	}
	return s.rdb.Del(ctx, keys...).Err()
}

// TakeWithToken is TakeState as the call named token, to repeat a call.
func TakeWithToken(ctx context.Context, s *Store, key, token string) ([]byte, error) {
	return s.take(ctx, key, token)
}

// ClaimWithToken is ClaimState as the call named token, to repeat a call.
func ClaimWithToken(ctx context.Context, s *Store, key string, value []byte, ttl time.Duration, token string) (bool, error) {
	return s.claim(ctx, key, value, ttl, token)
}
