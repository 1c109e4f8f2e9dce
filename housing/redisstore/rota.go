package redisstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// taskKind describes how rota tasks are stored.
func taskKind() kind[housing.Task] {
	return kind[housing.Task]{
		name: "task", prefix: "t",
		id:      func(t *housing.Task) *string { return &t.ID },
		version: func(t *housing.Task) *int64 { return &t.Version },
		entries: index.Task,
	}
}

// assignmentKind describes how assignments are stored: in a sorted set
// per home and per holder, scored by due date.
func assignmentKind() kind[housing.Assignment] {
	return kind[housing.Assignment]{
		name: "assignment", prefix: "as",
		id:      func(a *housing.Assignment) *string { return &a.ID },
		version: func(a *housing.Assignment) *int64 { return &a.Version },
		scored:  assignmentScored,
	}
}

// ledgerKind describes how fairness ledgers are stored: by home id.
func ledgerKind() kind[housing.Ledger] {
	return kind[housing.Ledger]{
		name:    "ledger",
		id:      func(l *housing.Ledger) *string { return &l.HomeID },
		version: func(l *housing.Ledger) *int64 { return &l.Version },
	}
}

// swapKind describes how swap requests are stored.
func swapKind() kind[housing.Swap] {
	return kind[housing.Swap]{
		name: "swap", prefix: "sw",
		id:      func(s *housing.Swap) *string { return &s.ID },
		version: func(s *housing.Swap) *int64 { return &s.Version },
	}
}

// assignmentScored returns an assignment's ordered index entries, scored
// by its due date in Unix seconds (exact in a float64).
func assignmentScored(a *housing.Assignment) []scored {
	es := index.Assignment(a)
	zs := make([]scored, len(es))
	for i, e := range es {
		zs[i] = scored{Entry: e, score: float64(a.Due.Unix())}
	}
	return zs
}

// PutTask creates or replaces a rota task, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutTask(ctx context.Context, t *housing.Task) error {
	return upsert(ctx, s, taskKind(), t, (*housing.Task).Validate)
}

// DeleteTask removes a task and its index entry; its past assignments
// stay. A missing task is not an error, so a repeated call is harmless.
func (s *Store) DeleteTask(ctx context.Context, id string) error {
	if err := checkID("id", id); err != nil {
		return fmt.Errorf("redisstore: delete task: %w", err)
	}
	if err := remove(ctx, s, taskKind(), id); err != nil {
		return fmt.Errorf("redisstore: delete task %s: %w", id, err)
	}
	return nil
}

// Tasks returns a home's tasks, ordered by ID.
func (s *Store) Tasks(ctx context.Context, homeID string) ([]housing.Task, error) {
	if err := checkID("home_id", homeID); err != nil {
		return nil, fmt.Errorf("redisstore: list tasks: %w", err)
	}
	sets := []string{s.entryKey(index.Entry{Index: index.TaskHome, Value: homeID})}
	return list(ctx, s, taskKind(), sets, func(*housing.Task) bool { return true })
}

// PutAssignment creates or replaces an assignment, assigning an ID when
// it is empty. ErrConflict on a stale version, or for Version 0 when the
// ID exists.
func (s *Store) PutAssignment(ctx context.Context, a *housing.Assignment) error {
	return upsert(ctx, s, assignmentKind(), a, (*housing.Assignment).Validate)
}

// Assignment returns one assignment, or ErrNotFound.
func (s *Store) Assignment(ctx context.Context, id string) (housing.Assignment, error) {
	return get(ctx, s, assignmentKind(), id)
}

// Assignments returns the assignments matching f, ordered by Due, then ID.
// With a person or a home it reads only the window From..To of that
// sorted set; otherwise every assignment.
func (s *Store) Assignments(ctx context.Context, f housing.AssignmentFilter) ([]housing.Assignment, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list assignments: %w", err)
	}
	ids, err := s.assignmentIDs(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("redisstore: list assignments: %w", err)
	}
	out, err := loadIDs(ctx, s, assignmentKind(), ids, f.Match)
	if err != nil {
		return nil, fmt.Errorf("redisstore: list assignments: %w", err)
	}
	slices.SortFunc(out, func(a, b housing.Assignment) int {
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// assignmentIDs returns the ids of the assignments f may select: those of
// its person's or home's sorted set due from From's second to To's, both
// included, or all of them.
func (s *Store) assignmentIDs(ctx context.Context, f housing.AssignmentFilter) ([]string, error) {
	e := index.Entry{Index: index.AssignmentPerson, Value: f.PersonID}
	if f.PersonID == "" {
		e = index.Entry{Index: index.AssignmentHome, Value: f.HomeID}
	}
	if e.Value == "" {
		return s.rdb.SMembers(ctx, s.allKey("assignment")).Result()
	}
	return s.rdb.ZRangeByScore(ctx, s.scoredKey(e), &redis.ZRangeBy{
		Min: secondBound(f.From, "-inf"), Max: secondBound(f.To, "+inf"),
	}).Result()
}

// secondBound returns t's Unix second as a sorted-set bound, or open for
// a zero t.
func secondBound(t time.Time, open string) string {
	if t.IsZero() {
		return open
	}
	return strconv.FormatInt(t.Unix(), 10)
}

// PutLedger creates or replaces a home's fairness ledger. ErrConflict on
// a stale version.
func (s *Store) PutLedger(ctx context.Context, l *housing.Ledger) error {
	return upsert(ctx, s, ledgerKind(), l, (*housing.Ledger).Validate)
}

// Ledger returns a home's ledger, or ErrNotFound.
func (s *Store) Ledger(ctx context.Context, homeID string) (housing.Ledger, error) {
	return get(ctx, s, ledgerKind(), homeID)
}

// PutSwap creates or replaces a swap request, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutSwap(ctx context.Context, sw *housing.Swap) error {
	return upsert(ctx, s, swapKind(), sw, (*housing.Swap).Validate)
}

// Swap returns one swap request, or ErrNotFound.
func (s *Store) Swap(ctx context.Context, id string) (housing.Swap, error) {
	return get(ctx, s, swapKind(), id)
}
