package redisstore

import (
	"context"
	"fmt"
	"strings"
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

// RawDump returns every key of the store's namespace with its raw value
// as Redis holds it: a string's bytes, a hash's fields and values, a set's
// or sorted set's members, a list's items, joined by new lines.
func RawDump(ctx context.Context, s *Store) (map[string]string, error) {
	keys, err := Keys(ctx, s)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		typ, err := s.rdb.Type(ctx, k).Result()
		if err != nil {
			return nil, err
		}
		var parts []string
		switch typ {
		case "string":
			v, err := s.rdb.Get(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			parts = []string{v}
		case "hash":
			m, err := s.rdb.HGetAll(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			for f, v := range m {
				parts = append(parts, f, v)
			}
		case "set":
			parts, err = s.rdb.SMembers(ctx, k).Result()
		case "zset":
			parts, err = s.rdb.ZRange(ctx, k, 0, -1).Result()
		case "list":
			parts, err = s.rdb.LRange(ctx, k, 0, -1).Result()
		default:
			err = fmt.Errorf("key %s has type %s", k, typ)
		}
		if err != nil {
			return nil, err
		}
		out[k] = strings.Join(parts, "\n")
	}
	return out, nil
}

// SetRaw writes a raw string value under key, bypassing the store.
func SetRaw(ctx context.Context, s *Store, key, value string) error {
	return s.rdb.Set(ctx, key, value, 0).Err()
}

// DeleteNamespaceOf deletes every key of namespace ns through s's client.
func DeleteNamespaceOf(ctx context.Context, s *Store, ns string) error {
	other := *s
	other.ns = "{" + ns + "}:"
	return DeleteNamespace(ctx, &other)
}
