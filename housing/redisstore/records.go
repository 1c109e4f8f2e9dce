package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// kind says how one record type is stored: the key segment and id prefix,
// where its ID and Version live, and its index entries.
type kind[T any] struct {
	name    string // key segment and the noun in errors, e.g. "person"
	prefix  string // housing.NewID prefix
	id      func(*T) *string
	version func(*T) *int64 // nil for records that are never updated
	entries func(*T) []index.Entry
	scored  func(*T) []scored // ordered index entries; nil for none
}

// unique reports whether name is an index with at most one id per value.
func unique(name string) bool {
	return name == index.PersonTelegram || name == index.InvitationToken
}

// entryKey names the key holding an index entry.
func (s *Store) entryKey(e index.Entry) string {
	if unique(e.Index) {
		return s.key("uidx", e.Index, e.Value)
	}
	return s.key("idx", e.Index, e.Value)
}

// uniqueKeys returns the keys of the unique entries among es.
func (s *Store) uniqueKeys(es []index.Entry) []string {
	var keys []string
	for _, e := range es {
		if unique(e.Index) {
			keys = append(keys, s.entryKey(e))
		}
	}
	return keys
}

// claimable checks that the unique entries among es are free or already
// point at id. The keys must be watched.
func (s *Store) claimable(ctx context.Context, tx *redis.Tx, id string, es []index.Entry) error {
	for _, e := range es {
		if !unique(e.Index) {
			continue
		}
		owner, err := tx.Get(ctx, s.entryKey(e)).Result()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			return err
		case owner != id:
			return fmt.Errorf("%s %s is taken by %s: %w", e.Index, e.Value, owner, housing.ErrConflict)
		}
	}
	return nil
}

// writeEntries queues the removal and addition of id's index entries.
func (s *Store) writeEntries(ctx context.Context, pipe redis.Pipeliner, id string, remove, add []index.Entry) {
	for _, e := range remove {
		if unique(e.Index) {
			pipe.Del(ctx, s.entryKey(e))
		} else {
			pipe.SRem(ctx, s.entryKey(e), id)
		}
	}
	for _, e := range add {
		if unique(e.Index) {
			pipe.Set(ctx, s.entryKey(e), id, 0)
		} else {
			pipe.SAdd(ctx, s.entryKey(e), id)
		}
	}
}

// load reads and decodes (opens) the record under key, through c (the
// client or a transaction); ErrNotFound when missing.
func load[T any](ctx context.Context, s *Store, c redis.Cmdable, key string) (T, error) {
	var v T
	b, err := c.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return v, housing.ErrNotFound
	}
	if err != nil {
		return v, err
	}
	return v, s.decode(key, b, &v)
}

// setJSON queues writing v as JSON under key, sealed if key holds a
// sensitive record.
func (s *Store) setJSON(ctx context.Context, pipe redis.Pipeliner, key string, v any) error {
	b, err := s.encode(key, v)
	if err != nil {
		return err
	}
	pipe.Set(ctx, key, b, 0)
	return nil
}

// get returns the record of kind k with id.
func get[T any](ctx context.Context, s *Store, k kind[T], id string) (T, error) {
	if err := checkID("id", id); err != nil {
		var zero T
		return zero, fmt.Errorf("redisstore: get %s: %w", k.name, err)
	}
	v, err := load[T](ctx, s, s.rdb, s.recKey(k.name, id))
	if err != nil {
		return v, fmt.Errorf("redisstore: get %s %s: %w", k.name, id, err)
	}
	return v, nil
}

// guard lets a create or update check more records inside its
// transaction: it may watch and read keys, and returns an error to refuse.
type guard func(ctx context.Context, tx *redis.Tx) error

// create stores v as a new record of kind k: it assigns an ID when empty,
// sets Version to 1 and writes both back into v only on success.
func create[T any](ctx context.Context, s *Store, k kind[T], v *T, check guard) error {
	c := *v
	id := k.id(&c)
	if *id == "" {
		*id = housing.NewID(k.prefix)
	}
	if k.version != nil {
		*k.version(&c) = 1
	}
	key := s.recKey(k.name, *id)
	es := k.entries(&c)
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		n, err := tx.Exists(ctx, key).Result()
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%s exists: %w", *id, housing.ErrConflict)
		}
		if err := s.claimable(ctx, tx, *id, es); err != nil {
			return err
		}
		if check != nil {
			if err := check(ctx, tx); err != nil {
				return err
			}
		}
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.SAdd(ctx, s.allKey(k.name), *id)
			s.writeEntries(ctx, pipe, *id, nil, es)
			return s.setJSON(ctx, pipe, key, &c)
		})
		return err
	}, append([]string{key}, s.uniqueKeys(es)...)...)
	if err != nil {
		return fmt.Errorf("redisstore: create %s: %w", k.name, err)
	}
	*v = c
	return nil
}

// after lets an update change more records in the same transaction: given
// the stored and the new record it may watch and read keys, and returns
// the writes to queue (or nil).
type after[T any] func(ctx context.Context, tx *redis.Tx, old, new *T) (func(redis.Pipeliner) error, error)

// update replaces the record of kind k with v when v.Version matches the
// stored one, increments the version and writes it back into v.
func update[T any](ctx context.Context, s *Store, k kind[T], v *T, then after[T]) error {
	c := *v
	id := *k.id(&c)
	if err := checkID("id", id); err != nil {
		return fmt.Errorf("redisstore: update %s: %w", k.name, err)
	}
	key := s.recKey(k.name, id)
	es := k.entries(&c)
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		old, err := load[T](ctx, s, tx, key)
		if err != nil {
			return err
		}
		if *k.version(&old) != *k.version(v) {
			return fmt.Errorf("version %d, stored %d: %w", *k.version(v), *k.version(&old), housing.ErrConflict)
		}
		*k.version(&c) = *k.version(v) + 1
		if err := s.claimable(ctx, tx, id, es); err != nil {
			return err
		}
		var more func(redis.Pipeliner) error
		if then != nil {
			if more, err = then(ctx, tx, &old, &c); err != nil {
				return err
			}
		}
		remove, add := index.Diff(k.entries(&old), es)
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			s.writeEntries(ctx, pipe, id, remove, add)
			if more != nil {
				if err := more(pipe); err != nil {
					return err
				}
			}
			return s.setJSON(ctx, pipe, key, &c)
		})
		return err
	}, append([]string{key}, s.uniqueKeys(es)...)...)
	if err != nil {
		return fmt.Errorf("redisstore: update %s %s: %w", k.name, id, err)
	}
	*v = c
	return nil
}

// list returns the records of kind k whose ids are in every set of sets
// (all records when sets is empty) and that pass match, ordered by ID.
func list[T any](ctx context.Context, s *Store, k kind[T], sets []string, match func(*T) bool) ([]T, error) {
	if len(sets) == 0 {
		sets = []string{s.allKey(k.name)}
	}
	ids, err := s.rdb.SInter(ctx, sets...).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: list %s: %w", k.name, err)
	}
	vs, err := loadIDs(ctx, s, k, ids, match)
	if err != nil {
		return nil, fmt.Errorf("redisstore: list %s: %w", k.name, err)
	}
	slices.SortFunc(vs, func(a, b T) int { return cmp.Compare(*k.id(&a), *k.id(&b)) })
	return vs, nil
}

// loadIDs returns the records of kind k with ids that pass match, in the
// order of ids, skipping those deleted since the ids were read.
func loadIDs[T any](ctx context.Context, s *Store, k kind[T], ids []string, match func(*T) bool) ([]T, error) {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.recKey(k.name, id)
	}
	vs, err := loadMany[T](ctx, s, keys)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(vs, func(v T) bool { return !match(&v) }), nil
}

// loadMany reads the records under keys with MGET in chunks, skipping
// missing ones.
func loadMany[T any](ctx context.Context, s *Store, keys []string) ([]T, error) {
	const chunk = 500
	vs := make([]T, 0, len(keys))
	for start := 0; start < len(keys); start += chunk {
		vals, err := s.rdb.MGet(ctx, keys[start:min(start+chunk, len(keys))]...).Result()
		if err != nil {
			return nil, err
		}
		for i, val := range vals {
			str, ok := val.(string)
			if !ok {
				continue // deleted since the index was read
			}
			var v T
			if err := s.decode(keys[start+i], []byte(str), &v); err != nil {
				return nil, err
			}
			vs = append(vs, v)
		}
	}
	return vs, nil
}
