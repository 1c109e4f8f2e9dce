package boltstore

import (
	"context"
	"fmt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// homes describes how homes are stored.
func homes() kind[housing.Home] {
	return kind[housing.Home]{
		name: "home", bucket: bucketHomes, idField: "id", prefix: "h",
		id:       func(h *housing.Home) *string { return &h.ID },
		version:  func(h *housing.Home) *int64 { return &h.Version },
		entries:  index.Home,
		validate: (*housing.Home).Validate,
	}
}

// CreateHome stores a new home, assigning an ID when it is empty.
// ErrConflict if the ID exists.
func (s *Store) CreateHome(ctx context.Context, h *housing.Home) error {
	return write(ctx, s, homes(), h, modeCreate, nil)
}

// Home returns the home with id, or ErrNotFound.
func (s *Store) Home(ctx context.Context, id string) (housing.Home, error) {
	return get(ctx, s, homes(), id)
}

// UpdateHome replaces a home. ErrNotFound, ErrConflict.
func (s *Store) UpdateHome(ctx context.Context, h *housing.Home) error {
	return write(ctx, s, homes(), h, modeUpdate, nil)
}

// ListHomes returns the homes matching f, in id order.
func (s *Store) ListHomes(ctx context.Context, f housing.HomeFilter) ([]housing.Home, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list homes: %w", err)
	}
	by := usable(
		index.Entry{Index: index.HomeDistrict, Value: f.District},
		index.Entry{Index: index.HomeKind, Value: string(f.Kind)},
	)
	return list(ctx, s, homes(), by, f.Match)
}
