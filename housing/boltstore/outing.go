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

// outings describes how outings are stored.
func outings() kind[housing.Outing] {
	return kind[housing.Outing]{
		name: "outing", bucket: bucketOutings, idField: "id", prefix: "o",
		id:       func(o *housing.Outing) *string { return &o.ID },
		version:  func(o *housing.Outing) *int64 { return &o.Version },
		entries:  index.Outing,
		validate: (*housing.Outing).Validate,
	}
}

// PutOuting creates or replaces an outing, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutOuting(ctx context.Context, o *housing.Outing) error {
	return write(ctx, s, outings(), o, modePut, nil)
}

// Outing returns one outing, or ErrNotFound.
func (s *Store) Outing(ctx context.Context, id string) (housing.Outing, error) {
	return get(ctx, s, outings(), id)
}

// Outings returns the outings matching f, ordered by At, then ID. It
// intersects the indexes of the district, home and invitee that f sets,
// or scans the bucket when it sets none.
func (s *Store) Outings(ctx context.Context, f housing.OutingFilter) ([]housing.Outing, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list outings: %w", err)
	}
	by := usable(
		index.Entry{Index: index.OutingInvitee, Value: f.Invitee},
		index.Entry{Index: index.OutingHome, Value: f.HomeID},
		index.Entry{Index: index.OutingDistrict, Value: f.District},
	)
	out, err := list(ctx, s, outings(), by, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.Outing) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
