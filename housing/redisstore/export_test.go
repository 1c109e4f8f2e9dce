package redisstore

import (
	"context"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Keys returns every key of the store's namespace (SCAN MATCH "{ns}:*" on
// every primary).
func Keys(ctx context.Context, s *Store) ([]string, error) {
	var (
		mu   sync.Mutex
		keys []string
	)
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, s.ns+"*", 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	switch c := s.rdb.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(ctx, scan)
	case *redis.Client:
		err = scan(ctx, c)
	}
	return keys, err
}

// DeleteNamespace deletes every key of the store's namespace.
func DeleteNamespace(ctx context.Context, s *Store) error {
	keys, err := Keys(ctx, s)
	if err != nil || len(keys) == 0 {
		return err
	}
	return s.rdb.Del(ctx, keys...).Err()
}

// KeySlot returns the cluster hash slot of key, as the server computes it
// (CLUSTER KEYSLOT, so only on a cluster).
func KeySlot(ctx context.Context, s *Store, key string) (int64, error) {
	return s.rdb.ClusterKeySlot(ctx, key).Result()
}

// TakeWithToken is TakeState as the call named token, to repeat a call.
func TakeWithToken(ctx context.Context, s *Store, key, token string) ([]byte, error) {
	return s.take(ctx, key, token)
}

// ClaimWithToken is ClaimState as the call named token, to repeat a call.
func ClaimWithToken(ctx context.Context, s *Store, key string, value []byte, ttl time.Duration, token string) (bool, error) {
	return s.claim(ctx, key, value, ttl, token)
}
