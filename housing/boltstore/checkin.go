package boltstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// checkIns describes how weekly check-ins are stored, sealed.
func (s *Store) checkIns() kind[housing.CheckIn] {
	return kind[housing.CheckIn]{
		name: "check-in", bucket: bucketCheckIns, idField: "id", prefix: "ci",
		id:       func(c *housing.CheckIn) *string { return &c.ID },
		version:  func(c *housing.CheckIn) *int64 { return &c.Version },
		entries:  index.CheckIn,
		validate: (*housing.CheckIn).Validate,
		keys:     s.keys,
	}
}

// PutCheckIn creates or replaces a weekly check-in, assigning an ID when
// it is empty. ErrConflict on a stale version.
func (s *Store) PutCheckIn(ctx context.Context, c *housing.CheckIn) error {
	return write(ctx, s, s.checkIns(), c, modePut, nil)
}

// CheckIns returns the check-ins matching f, ordered by Week, then ID
// (ISO weeks such as "2026-W48" sort as text). It intersects the indexes
// of the person and placement f sets, or scans the bucket.
func (s *Store) CheckIns(ctx context.Context, f housing.CheckInFilter) ([]housing.CheckIn, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list check-ins: %w", err)
	}
	by := usable(
		index.Entry{Index: index.CheckInPerson, Value: f.PersonID},
		index.Entry{Index: index.CheckInPlacement, Value: f.PlacementID},
	)
	out, err := list(ctx, s, s.checkIns(), by, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.CheckIn) int {
		return cmp.Or(strings.Compare(a.Week, b.Week), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
