package redisstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// checkInKind describes how weekly check-ins are stored.
func checkInKind() kind[housing.CheckIn] {
	return kind[housing.CheckIn]{
		name: "checkin", prefix: "ci",
		id:      func(c *housing.CheckIn) *string { return &c.ID },
		version: func(c *housing.CheckIn) *int64 { return &c.Version },
		entries: index.CheckIn,
	}
}

// PutCheckIn creates or replaces a weekly check-in, assigning an ID when
// it is empty. ErrConflict on a stale version.
func (s *Store) PutCheckIn(ctx context.Context, c *housing.CheckIn) error {
	return upsert(ctx, s, checkInKind(), c, (*housing.CheckIn).Validate)
}

// CheckIns returns the check-ins matching f, ordered by Week, then ID
// (ISO weeks such as "2026-W48" sort as text). It intersects the sets of
// the person and placement f sets, or reads every check-in.
func (s *Store) CheckIns(ctx context.Context, f housing.CheckInFilter) ([]housing.CheckIn, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list check-ins: %w", err)
	}
	sets := s.entrySets(
		index.Entry{Index: index.CheckInPerson, Value: f.PersonID},
		index.Entry{Index: index.CheckInPlacement, Value: f.PlacementID},
	)
	out, err := list(ctx, s, checkInKind(), sets, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.CheckIn) int {
		return cmp.Or(strings.Compare(a.Week, b.Week), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
