package boltstore

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// unique reports whether index name allows one record per value.
func unique(name string) bool {
	return name == index.PersonTelegram || name == index.InvitationToken
}

// indexKey returns the key of id's entry under value: value, NUL, id.
func indexKey(value, id string) []byte {
	k := make([]byte, 0, len(value)+1+len(id))
	k = append(k, value...)
	k = append(k, 0)
	return append(k, id...)
}

// lookup returns the ids under e, in key order. Ids never contain NUL, so
// a key whose rest has one belongs to a longer value and is skipped.
func lookup(tx *bolt.Tx, e index.Entry) []string {
	prefix := indexKey(e.Value, "")
	var ids []string
	c := tx.Bucket([]byte(e.Index)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if rest := k[len(prefix):]; bytes.IndexByte(rest, 0) < 0 {
			ids = append(ids, string(rest))
		}
	}
	return ids
}

// usable returns the entries with a value: those a filter's set fields
// select by.
func usable(entries ...index.Entry) []index.Entry {
	return slices.DeleteFunc(entries, func(e index.Entry) bool { return e.Value == "" })
}

// lookupAll returns the ids under every entry in es, in id order: the
// intersection of their lookups. es must not be empty.
func lookupAll(tx *bolt.Tx, es []index.Entry) []string {
	ids := lookup(tx, es[0])
	for _, e := range es[1:] {
		if len(ids) == 0 {
			break
		}
		ids = intersect(ids, lookup(tx, e))
	}
	return ids
}

// intersect returns the ids in both sorted lists a and b, reusing a.
func intersect(a, b []string) []string {
	out := a[:0]
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch c := strings.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// reindex replaces record id's index entries before with after. A unique
// index value held by another record is housing.ErrConflict.
func reindex(tx *bolt.Tx, id string, before, after []index.Entry) error {
	remove, add := index.Diff(before, after)
	for _, e := range add {
		if !unique(e.Index) {
			continue
		}
		for _, other := range lookup(tx, e) {
			if other != id {
				return fmt.Errorf("%s %q is taken by %s: %w", e.Index, e.Value, other, housing.ErrConflict)
			}
		}
	}
	for _, e := range remove {
		if err := tx.Bucket([]byte(e.Index)).Delete(indexKey(e.Value, id)); err != nil {
			return fmt.Errorf("index %s: %w", e.Index, err)
		}
	}
	for _, e := range add {
		if err := tx.Bucket([]byte(e.Index)).Put(indexKey(e.Value, id), nil); err != nil {
			return fmt.Errorf("index %s: %w", e.Index, err)
		}
	}
	return nil
}
