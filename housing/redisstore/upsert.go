package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// scored is an entry of an ordered index: a sorted set per value holding
// the ids of the records with that value, each scored by a time.
type scored struct {
	index.Entry
	score float64
}

// scoredKey names the sorted set of an ordered index entry.
func (s *Store) scoredKey(e index.Entry) string { return s.key("zidx", e.Index, e.Value) }

// writeScored queues the changes to id's ordered index entries from old
// to new: it leaves the sets it is no longer in and is (re)scored in the
// others.
func (s *Store) writeScored(ctx context.Context, pipe redis.Pipeliner, id string, old, new []scored) {
	for _, o := range old {
		if !slices.ContainsFunc(new, func(n scored) bool { return n.Entry == o.Entry }) {
			pipe.ZRem(ctx, s.scoredKey(o.Entry), id)
		}
	}
	for _, n := range new {
		pipe.ZAdd(ctx, s.scoredKey(n.Entry), redis.Z{Score: n.score, Member: id})
	}
}

// indexes returns rec's index entries and ordered index entries.
func indexes[T any](k kind[T], rec *T) ([]index.Entry, []scored) {
	if rec == nil {
		return nil, nil
	}
	var es []index.Entry
	var zs []scored
	if k.entries != nil {
		es = k.entries(rec)
	}
	if k.scored != nil {
		zs = k.scored(rec)
	}
	return es, zs
}

// upsert creates or replaces v, a record of kind k, under the LifeStore's
// version rule: Version 0 creates it (ErrConflict if the ID exists), a
// positive Version must equal the stored one. It assigns an ID when empty,
// checks the record with validate, and writes it, its index entries and
// its id in the kind's set in one transaction. On success v gets the ID
// and the new Version.
func upsert[T any](ctx context.Context, s *Store, k kind[T], v *T, validate func(*T) error) error {
	c := *v
	id := k.id(&c)
	if *id == "" && k.prefix != "" {
		*id = housing.NewID(k.prefix)
	}
	if err := validate(&c); err != nil {
		return fmt.Errorf("redisstore: put %s: %w", k.name, err)
	}
	key, want := s.recKey(k.name, *id), *k.version(&c)
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		stored, err := load[T](ctx, s, tx, key)
		var old *T
		switch {
		case err == nil:
			old = &stored
		case !errors.Is(err, housing.ErrNotFound):
			return err
		}
		if err := nextVersion(k, old, &c, want); err != nil {
			return err
		}
		before, zbefore := indexes(k, old)
		after, zafter := indexes(k, &c)
		remove, add := index.Diff(before, after)
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.SAdd(ctx, s.allKey(k.name), *id)
			s.writeEntries(ctx, pipe, *id, remove, add)
			s.writeScored(ctx, pipe, *id, zbefore, zafter)
			return s.setJSON(ctx, pipe, key, &c)
		})
		return err
	}, key)
	if err != nil {
		return fmt.Errorf("redisstore: put %s %s: %w", k.name, *id, err)
	}
	*v = c
	return nil
}

// nextVersion sets rec's Version to the one to store after the stored
// record old (nil if none), given the caller's Version want.
func nextVersion[T any](k kind[T], old, rec *T, want int64) error {
	var stored int64
	if old != nil {
		stored = *k.version(old)
	}
	switch {
	case want == 0 && old != nil:
		return fmt.Errorf("%s exists: %w", *k.id(rec), housing.ErrConflict)
	case want != stored:
		return fmt.Errorf("version %d, stored %d: %w", want, stored, housing.ErrConflict)
	}
	*k.version(rec) = stored + 1
	return nil
}

// remove deletes the record of kind k with id, its index entries and its
// id in the kind's set, in one transaction. A missing record is not an
// error, so a call that go-redis repeats is harmless.
func remove[T any](ctx context.Context, s *Store, k kind[T], id string) error {
	key := s.recKey(k.name, id)
	return s.atomically(ctx, func(tx *redis.Tx) error {
		old, err := load[T](ctx, s, tx, key)
		if errors.Is(err, housing.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		es, zs := indexes(k, &old)
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.SRem(ctx, s.allKey(k.name), id)
			s.writeEntries(ctx, pipe, id, es, nil)
			s.writeScored(ctx, pipe, id, zs, nil)
			pipe.Del(ctx, key)
			return nil
		})
		return err
	}, key)
}
