package boltstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// tasks describes how rota tasks are stored.
func tasks() kind[housing.Task] {
	return kind[housing.Task]{
		name: "task", bucket: bucketTasks, idField: "id", prefix: "t",
		id:       func(t *housing.Task) *string { return &t.ID },
		version:  func(t *housing.Task) *int64 { return &t.Version },
		entries:  index.Task,
		validate: (*housing.Task).Validate,
	}
}

// assignments describes how assignments are stored. Their index keys
// carry the due date (see assignmentEntries).
func assignments() kind[housing.Assignment] {
	return kind[housing.Assignment]{
		name: "assignment", bucket: bucketAssignments, idField: "id", prefix: "as",
		id:       func(a *housing.Assignment) *string { return &a.ID },
		version:  func(a *housing.Assignment) *int64 { return &a.Version },
		entries:  assignmentEntries,
		validate: (*housing.Assignment).Validate,
	}
}

// ledgers describes how fairness ledgers are stored: by home id.
func ledgers() kind[housing.Ledger] {
	return kind[housing.Ledger]{
		name: "ledger", bucket: bucketLedgers, idField: "home_id",
		id:       func(l *housing.Ledger) *string { return &l.HomeID },
		version:  func(l *housing.Ledger) *int64 { return &l.Version },
		validate: (*housing.Ledger).Validate,
	}
}

// swaps describes how swap requests are stored.
func swaps() kind[housing.Swap] {
	return kind[housing.Swap]{
		name: "swap", bucket: bucketSwaps, idField: "id", prefix: "sw",
		id:       func(s *housing.Swap) *string { return &s.ID },
		version:  func(s *housing.Swap) *int64 { return &s.Version },
		validate: (*housing.Swap).Validate,
	}
}

// PutTask creates or replaces a rota task, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutTask(ctx context.Context, t *housing.Task) error {
	return write(ctx, s, tasks(), t, modePut, nil)
}

// DeleteTask removes a task and its index entry; its past assignments
// stay. A missing task is not an error, so a repeated call is harmless.
func (s *Store) DeleteTask(ctx context.Context, id string) error {
	if err := checkID("id", id); err != nil {
		return fmt.Errorf("boltstore: delete task: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error { return remove(tx, tasks(), id) })
	if err != nil {
		return fmt.Errorf("boltstore: delete task %s: %w", id, err)
	}
	return nil
}

// Tasks returns a home's tasks, in id order.
func (s *Store) Tasks(ctx context.Context, homeID string) ([]housing.Task, error) {
	if err := checkID("home_id", homeID); err != nil {
		return nil, fmt.Errorf("boltstore: list tasks: %w", err)
	}
	by := []index.Entry{{Index: index.TaskHome, Value: homeID}}
	return list(ctx, s, tasks(), by, func(*housing.Task) bool { return true })
}

// PutAssignment creates or replaces an assignment, assigning an ID when
// it is empty. ErrConflict on a stale version, or for Version 0 when the
// ID exists.
func (s *Store) PutAssignment(ctx context.Context, a *housing.Assignment) error {
	return write(ctx, s, assignments(), a, modePut, nil)
}

// Assignment returns one assignment, or ErrNotFound.
func (s *Store) Assignment(ctx context.Context, id string) (housing.Assignment, error) {
	return get(ctx, s, assignments(), id)
}

// Assignments returns the assignments matching f, ordered by Due, then ID.
// With a person or a home it reads only the window From..To of that
// index; otherwise it scans the bucket.
func (s *Store) Assignments(ctx context.Context, f housing.AssignmentFilter) ([]housing.Assignment, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list assignments: %w", err)
	}
	var out []housing.Assignment
	err := s.view(ctx, func(tx *bolt.Tx) error {
		name, value := index.AssignmentPerson, f.PersonID
		if value == "" {
			name, value = index.AssignmentHome, f.HomeID
		}
		var err error
		if value == "" {
			out, err = scan(tx, assignments(), nil, f.Match)
		} else {
			out, err = loadIDs(tx, assignments(), lookupDue(tx, name, value, f.From, f.To), f.Match)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: list assignments: %w", err)
	}
	slices.SortFunc(out, func(a, b housing.Assignment) int {
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// dueBytes returns a due date as 8 big-endian bytes: Unix seconds with
// the sign bit flipped, so that byte order is time order, before 1970 too.
func dueBytes(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(t.Unix())^(1<<63))
}

// assignmentEntries returns an assignment's index entries with its due
// date after the value, so that an index key, value + NUL + due + NUL +
// id, sorts by due date (to the second), then id.
func assignmentEntries(a *housing.Assignment) []index.Entry {
	es := index.Assignment(a)
	due := "\x00" + string(dueBytes(a.Due))
	for i := range es {
		es[i].Value += due
	}
	return es
}

// lookupDue returns the ids under value in the ordered index name whose
// due second is from from's to to's, both included (a zero time leaves
// that end open), in (due second, id) order.
func lookupDue(tx *bolt.Tx, name, value string, from, to time.Time) []string {
	prefix := indexKey(value, "")
	start := prefix
	if !from.IsZero() {
		start = append(slices.Clone(prefix), dueBytes(from)...)
	}
	var last []byte
	if !to.IsZero() {
		last = dueBytes(to)
	}
	var ids []string
	c := tx.Bucket([]byte(name)).Cursor()
	for k, _ := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rest := k[len(prefix):]
		if len(rest) < 10 || rest[8] != 0 {
			continue // not an assignment key; none is written
		}
		if last != nil && bytes.Compare(rest[:8], last) > 0 {
			break
		}
		ids = append(ids, string(rest[9:]))
	}
	return ids
}

// PutLedger creates or replaces a home's fairness ledger. ErrConflict on
// a stale version.
func (s *Store) PutLedger(ctx context.Context, l *housing.Ledger) error {
	return write(ctx, s, ledgers(), l, modePut, nil)
}

// Ledger returns a home's ledger, or ErrNotFound.
func (s *Store) Ledger(ctx context.Context, homeID string) (housing.Ledger, error) {
	return get(ctx, s, ledgers(), homeID)
}

// PutSwap creates or replaces a swap request, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutSwap(ctx context.Context, sw *housing.Swap) error {
	return write(ctx, s, swaps(), sw, modePut, nil)
}

// Swap returns one swap request, or ErrNotFound.
func (s *Store) Swap(ctx context.Context, id string) (housing.Swap, error) {
	return get(ctx, s, swaps(), id)
}
