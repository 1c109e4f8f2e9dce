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

// outingKind describes how outings are stored.
func outingKind() kind[housing.Outing] {
	return kind[housing.Outing]{
		name: "outing", prefix: "o",
		id:      func(o *housing.Outing) *string { return &o.ID },
		version: func(o *housing.Outing) *int64 { return &o.Version },
		entries: index.Outing,
	}
}

// PutOuting creates or replaces an outing, assigning an ID when it is
// empty. ErrConflict on a stale version.
func (s *Store) PutOuting(ctx context.Context, o *housing.Outing) error {
	return upsert(ctx, s, outingKind(), o, (*housing.Outing).Validate)
}

// Outing returns one outing, or ErrNotFound.
func (s *Store) Outing(ctx context.Context, id string) (housing.Outing, error) {
	return get(ctx, s, outingKind(), id)
}

// Outings returns the outings matching f, ordered by At, then ID. It
// intersects the sets of the district, home and invitee that f sets, or
// reads every outing when it sets none.
func (s *Store) Outings(ctx context.Context, f housing.OutingFilter) ([]housing.Outing, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list outings: %w", err)
	}
	sets := s.entrySets(
		index.Entry{Index: index.OutingInvitee, Value: f.Invitee},
		index.Entry{Index: index.OutingHome, Value: f.HomeID},
		index.Entry{Index: index.OutingDistrict, Value: f.District},
	)
	out, err := list(ctx, s, outingKind(), sets, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.Outing) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// entrySets returns the keys of the index sets of the entries with a
// value: those a filter's set fields select by.
func (s *Store) entrySets(es ...index.Entry) []string {
	var sets []string
	for _, e := range es {
		if e.Value != "" {
			sets = append(sets, s.entryKey(e))
		}
	}
	return sets
}
