package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
	"github.com/convivo/convivo/housing/seal"
)

// kind describes how one record type is stored, so that loading, saving
// and listing are written once for all of them.
type kind[T any] struct {
	name     string                 // in error messages: "person"
	bucket   string                 // the record bucket
	idField  string                 // the id's field name, for validation errors
	prefix   string                 // housing.NewID prefix; "" if ids are never assigned
	id       func(*T) *string       // the record's id field
	version  func(*T) *int64        // the Version field; nil for records never changed
	entries  func(*T) []index.Entry // index entries; nil for none
	validate func(*T) error
	// keys seals the records of a sensitive kind (nil: in clear); only
	// the Store's methods for those kinds set it.
	keys *seal.Keyring
}

// aad returns the additional data that binds a sealed record to its
// bucket and id.
func (k kind[T]) aad(id string) []byte { return []byte(k.bucket + "/" + id) }

// mode says which version rule a write follows.
type mode int

const (
	modeCreate mode = iota // the record must not exist; Version becomes 1
	modeUpdate             // the record must exist with the caller's Version
	modePut                // like modeUpdate, or absent and Version 0
)

// verb names a mode in error messages.
func (m mode) verb() string {
	switch m {
	case modeCreate:
		return "create"
	case modeUpdate:
		return "update"
	}
	return "put"
}

// load reads record id of kind k; housing.ErrNotFound if it is absent.
func load[T any](tx *bolt.Tx, k kind[T], id string) (T, error) {
	v := tx.Bucket([]byte(k.bucket)).Get([]byte(id))
	if v == nil {
		var rec T
		return rec, housing.ErrNotFound
	}
	return decode(k, []byte(id), v)
}

// save checks rec's version against the stored record under mode m, sets
// its new version, and writes it and its index entries. It returns the
// record it replaced, or nil.
func save[T any](tx *bolt.Tx, k kind[T], rec *T, m mode) (*T, error) {
	id := *k.id(rec)
	stored, err := load(tx, k, id)
	var old *T
	switch {
	case err == nil:
		old = &stored
	case !errors.Is(err, housing.ErrNotFound):
		return nil, err
	}
	if err := nextVersion(k, old, rec, m); err != nil {
		return nil, err
	}
	if err := put(tx, k, old, rec); err != nil {
		return nil, err
	}
	return old, nil
}

// nextVersion applies mode m's rule to rec, given the stored old record or
// nil, and sets rec's Version to the one to store.
func nextVersion[T any](k kind[T], old, rec *T, m mode) error {
	switch {
	case m == modeCreate && old != nil:
		return fmt.Errorf("%s %s already exists: %w", k.name, *k.id(rec), housing.ErrConflict)
	case m == modeUpdate && old == nil:
		return housing.ErrNotFound
	}
	if k.version == nil {
		return nil
	}
	v, stored := k.version(rec), int64(0)
	if old != nil {
		stored = *k.version(old)
	}
	if m != modeCreate && *v != stored {
		return fmt.Errorf("version %d is stale (stored: %d): %w", *v, stored, housing.ErrConflict)
	}
	*v = stored + 1
	return nil
}

// put writes rec, replacing old (nil if new), with its index entries.
func put[T any](tx *bolt.Tx, k kind[T], old, rec *T) error {
	id := *k.id(rec)
	if k.entries != nil {
		var before []index.Entry
		if old != nil {
			before = k.entries(old)
		}
		if err := reindex(tx, id, before, k.entries(rec)); err != nil {
			return err
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", k.name, id, err)
	}
	return tx.Bucket([]byte(k.bucket)).Put([]byte(id), k.keys.Wrap(b, k.aad(id)))
}

// write validates rec and saves it under mode m in one transaction, first
// assigning an ID when it is empty, k has a prefix and m may create the
// record. hook, if not nil, runs in the same transaction after the save
// with the record replaced (nil if new); its error aborts everything. On
// success the stored record, with its ID and Version, is copied back into
// rec.
func write[T any](ctx context.Context, s *Store, k kind[T], rec *T, m mode, hook func(tx *bolt.Tx, old, rec *T) error) error {
	r := *rec
	id := k.id(&r)
	if m != modeUpdate && *id == "" && k.prefix != "" {
		*id = housing.NewID(k.prefix)
	}
	if err := k.validate(&r); err != nil {
		return fmt.Errorf("boltstore: %s %s: %w", m.verb(), k.name, err)
	}
	if err := checkID(k.idField, *id); err != nil {
		return fmt.Errorf("boltstore: %s %s: %w", m.verb(), k.name, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		old, err := save(tx, k, &r, m)
		if err != nil || hook == nil {
			return err
		}
		return hook(tx, old, &r)
	})
	if err != nil {
		return fmt.Errorf("boltstore: %s %s %s: %w", m.verb(), k.name, *id, err)
	}
	*rec = r
	return nil
}

// get returns record id of kind k, or an error wrapping housing.ErrNotFound.
func get[T any](ctx context.Context, s *Store, k kind[T], id string) (T, error) {
	var rec T
	if err := checkID(k.idField, id); err != nil {
		return rec, fmt.Errorf("boltstore: get %s: %w", k.name, err)
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		rec, err = load(tx, k, id)
		return err
	})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("boltstore: get %s %s: %w", k.name, id, err)
	}
	return rec, nil
}

// scan returns the records of kind k that match, in id order: those under
// every index entry in by, or all of them when by is empty.
func scan[T any](tx *bolt.Tx, k kind[T], by []index.Entry, match func(*T) bool) ([]T, error) {
	if len(by) > 0 {
		return loadIDs(tx, k, lookupAll(tx, by), match)
	}
	var out []T
	err := tx.Bucket([]byte(k.bucket)).ForEach(func(id, v []byte) error {
		rec, err := decode(k, id, v)
		if err == nil && match(&rec) {
			out = append(out, rec)
		}
		return err
	})
	return out, err
}

// loadIDs returns the records of kind k with ids that match, in the order
// of ids. An id without a record is an error: an index points to it.
func loadIDs[T any](tx *bolt.Tx, k kind[T], ids []string, match func(*T) bool) ([]T, error) {
	b := tx.Bucket([]byte(k.bucket))
	var out []T
	for _, id := range ids {
		rec, err := decode(k, []byte(id), b.Get([]byte(id)))
		if err != nil {
			return nil, err
		}
		if match(&rec) {
			out = append(out, rec)
		}
	}
	return out, nil
}

// decode returns the record of kind k stored as v under id; a nil v is
// a missing record that an index points to.
func decode[T any](k kind[T], id, v []byte) (T, error) {
	var rec T
	if v == nil {
		return rec, fmt.Errorf("index points to missing %s %s", k.name, id)
	}
	v, err := k.keys.Unwrap(v, k.aad(string(id)))
	if err != nil {
		return rec, fmt.Errorf("open %s %s: %w", k.name, id, err)
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("decode %s %s: %w", k.name, id, err)
	}
	return rec, nil
}

// remove deletes record id of kind k and its index entries; a missing
// record is not an error.
func remove[T any](tx *bolt.Tx, k kind[T], id string) error {
	old, err := load(tx, k, id)
	switch {
	case errors.Is(err, housing.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if k.entries != nil {
		if err := reindex(tx, id, k.entries(&old), nil); err != nil {
			return err
		}
	}
	return tx.Bucket([]byte(k.bucket)).Delete([]byte(id))
}

// list is scan in a read transaction, with errors prefixed.
func list[T any](ctx context.Context, s *Store, k kind[T], by []index.Entry, match func(*T) bool) ([]T, error) {
	var out []T
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = scan(tx, k, by, match)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: list %s: %w", k.name, err)
	}
	return out, nil
}
