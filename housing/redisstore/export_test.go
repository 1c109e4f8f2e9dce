package redisstore

import "context"

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
