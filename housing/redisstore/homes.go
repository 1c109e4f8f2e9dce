package redisstore

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// homeKind describes how homes are stored.
func homeKind() kind[housing.Home] {
	return kind[housing.Home]{
		name: "home", prefix: "h",
		id:      func(h *housing.Home) *string { return &h.ID },
		version: func(h *housing.Home) *int64 { return &h.Version },
		entries: index.Home,
	}
}

// placementKind describes how placements are stored.
func placementKind() kind[housing.Placement] {
	return kind[housing.Placement]{
		name: "placement", prefix: "pl",
		id:      func(p *housing.Placement) *string { return &p.ID },
		version: func(p *housing.Placement) *int64 { return &p.Version },
		entries: index.Placement,
	}
}

// CreateHome stores a new home. ErrConflict if the ID exists.
func (s *Store) CreateHome(ctx context.Context, h *housing.Home) error {
	if err := h.Validate(); err != nil {
		return fmt.Errorf("redisstore: create home: %w", err)
	}
	return create(ctx, s, homeKind(), h, nil)
}

// Home returns the home with id, or ErrNotFound.
func (s *Store) Home(ctx context.Context, id string) (housing.Home, error) {
	return get(ctx, s, homeKind(), id)
}

// UpdateHome replaces a home. ErrNotFound, ErrConflict.
func (s *Store) UpdateHome(ctx context.Context, h *housing.Home) error {
	if err := h.Validate(); err != nil {
		return fmt.Errorf("redisstore: update home: %w", err)
	}
	return update(ctx, s, homeKind(), h, nil)
}

// ListHomes returns the homes matching f, ordered by ID.
func (s *Store) ListHomes(ctx context.Context, f housing.HomeFilter) ([]housing.Home, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list homes: %w", err)
	}
	var sets []string
	if f.District != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.HomeDistrict, Value: f.District}))
	}
	if f.Kind != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.HomeKind, Value: string(f.Kind)}))
	}
	return list(ctx, s, homeKind(), sets, f.Match)
}

// Placement returns the placement with id, or ErrNotFound.
func (s *Store) Placement(ctx context.Context, id string) (housing.Placement, error) {
	return get(ctx, s, placementKind(), id)
}

// UpdatePlacement replaces a placement. When it ends, its residents'
// places in the home are freed in the same transaction, as are the places
// of residents it drops while open. ErrNotFound, ErrConflict (a stale
// version, or reopening an ended placement); ErrInvalid when it would
// change the placement's home or add residents, which takes a new
// proposal.
func (s *Store) UpdatePlacement(ctx context.Context, p *housing.Placement) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("redisstore: update placement: %w", err)
	}
	return update(ctx, s, placementKind(), p, s.releasePlaces)
}

// releasePlaces frees in the home the places that the change from old to
// new gives up (housing.Vacated): every resident's when the placement
// ends, a dropped resident's while it stays open.
func (s *Store) releasePlaces(ctx context.Context, tx *redis.Tx, old, new *housing.Placement) (func(redis.Pipeliner) error, error) {
	gone, err := housing.Vacated(old, new)
	if err != nil {
		return nil, err
	}
	if len(gone) == 0 {
		return nil, nil
	}
	homeKey := s.recKey("home", old.HomeID)
	if err := tx.Watch(ctx, homeKey).Err(); err != nil {
		return nil, err
	}
	h, err := load[housing.Home](ctx, s, tx, homeKey)
	if err != nil {
		return nil, fmt.Errorf("home %s: %w", old.HomeID, err)
	}
	if !housing.Release(&h, gone) {
		return nil, nil
	}
	h.Version++
	return func(pipe redis.Pipeliner) error { return s.setJSON(ctx, pipe, homeKey, &h) }, nil
}

// ListPlacements returns the placements matching f, ordered by ID.
func (s *Store) ListPlacements(ctx context.Context, f housing.PlacementFilter) ([]housing.Placement, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list placements: %w", err)
	}
	var sets []string
	if f.HomeID != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.PlacementHome, Value: f.HomeID}))
	}
	if f.PersonID != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.PlacementPerson, Value: f.PersonID}))
	}
	if f.Status != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.PlacementStatus, Value: string(f.Status)}))
	}
	return list(ctx, s, placementKind(), sets, f.Match)
}
