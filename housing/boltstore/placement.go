package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// placements describes how placements are stored.
func placements() kind[housing.Placement] {
	return kind[housing.Placement]{
		name: "placement", bucket: bucketPlacements, idField: "id", prefix: "pl",
		id:       func(p *housing.Placement) *string { return &p.ID },
		version:  func(p *housing.Placement) *int64 { return &p.Version },
		entries:  index.Placement,
		validate: (*housing.Placement).Validate,
	}
}

// Placement returns the placement with id, or ErrNotFound.
func (s *Store) Placement(ctx context.Context, id string) (housing.Placement, error) {
	return get(ctx, s, placements(), id)
}

// UpdatePlacement replaces a placement. When it ends, its residents'
// places in the home are freed in the same transaction (housing.Vacated,
// housing.Release), as are the places of residents it drops while open,
// and the home's version increases. ErrNotFound, ErrConflict (a stale
// version, or reopening an ended placement, since its places may have
// been given to others); ErrInvalid when it would change the placement's
// home or add residents, which takes a new proposal.
func (s *Store) UpdatePlacement(ctx context.Context, p *housing.Placement) error {
	return write(ctx, s, placements(), p, modeUpdate, vacate)
}

// vacate frees the places that the change from old to p gives up, in the
// home the placement was stored with.
func vacate(tx *bolt.Tx, old, p *housing.Placement) error {
	gone, err := housing.Vacated(old, p)
	if err != nil || len(gone) == 0 {
		return err
	}
	h, err := load(tx, homes(), old.HomeID)
	if err != nil {
		return fmt.Errorf("home %s: %w", old.HomeID, err)
	}
	before := h
	if !housing.Release(&h, gone) {
		return nil
	}
	h.Version++
	return put(tx, homes(), &before, &h)
}

// ListPlacements returns the placements matching f, in id order.
func (s *Store) ListPlacements(ctx context.Context, f housing.PlacementFilter) ([]housing.Placement, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list placements: %w", err)
	}
	by := usable(
		index.Entry{Index: index.PlacementPerson, Value: f.PersonID},
		index.Entry{Index: index.PlacementHome, Value: f.HomeID},
		index.Entry{Index: index.PlacementStatus, Value: string(f.Status)},
	)
	return list(ctx, s, placements(), by, f.Match)
}

// openPlacements returns which of people hold a place: those in an open
// placement, or already occupying home h.
func openPlacements(tx *bolt.Tx, people []string, h *housing.Home) ([]string, error) {
	var placed []string
	for _, id := range people {
		open, err := scan(tx, placements(), []index.Entry{{Index: index.PlacementPerson, Value: id}},
			func(p *housing.Placement) bool { return p.Status.Open() })
		if err != nil {
			return nil, err
		}
		if len(open) > 0 || h.HasOccupant(id) {
			placed = append(placed, id)
		}
	}
	return placed, nil
}
