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

// eventKind describes how reported events are stored.
func eventKind() kind[housing.Event] {
	return kind[housing.Event]{
		name: "event", prefix: "ev",
		id:      func(e *housing.Event) *string { return &e.ID },
		version: func(e *housing.Event) *int64 { return &e.Version },
		entries: index.Event,
	}
}

// alertKind describes how alerts are stored.
func alertKind() kind[housing.Alert] {
	return kind[housing.Alert]{
		name: "alert", prefix: "al",
		id:      func(a *housing.Alert) *string { return &a.ID },
		version: func(a *housing.Alert) *int64 { return &a.Version },
		entries: index.Alert,
	}
}

// PutEvent creates or replaces a reported event, assigning an ID when it
// is empty. ErrConflict on a stale version.
func (s *Store) PutEvent(ctx context.Context, e *housing.Event) error {
	return upsert(ctx, s, eventKind(), e, (*housing.Event).Validate)
}

// Events returns the events matching f, ordered by At, then ID. It
// intersects the sets of the placement and person f sets, or reads every
// event.
func (s *Store) Events(ctx context.Context, f housing.EventFilter) ([]housing.Event, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list events: %w", err)
	}
	sets := s.entrySets(
		index.Entry{Index: index.EventPlacement, Value: f.PlacementID},
		index.Entry{Index: index.EventPerson, Value: f.PersonID},
	)
	out, err := list(ctx, s, eventKind(), sets, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.Event) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// PutAlert creates or replaces an alert, assigning an ID when it is
// empty. ErrConflict on a stale version, or for Version 0 when the ID
// exists, so a scan repeated elsewhere never makes two alerts with one id.
func (s *Store) PutAlert(ctx context.Context, a *housing.Alert) error {
	return upsert(ctx, s, alertKind(), a, (*housing.Alert).Validate)
}

// Alert returns one alert, or ErrNotFound.
func (s *Store) Alert(ctx context.Context, id string) (housing.Alert, error) {
	return get(ctx, s, alertKind(), id)
}

// Alerts returns the alerts matching f, ordered by CreatedAt, then ID. It
// intersects the sets of the placement and status f sets, or reads every
// alert.
func (s *Store) Alerts(ctx context.Context, f housing.AlertFilter) ([]housing.Alert, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list alerts: %w", err)
	}
	sets := s.entrySets(
		index.Entry{Index: index.AlertPlacement, Value: f.PlacementID},
		index.Entry{Index: index.AlertStatus, Value: string(f.Status)},
	)
	out, err := list(ctx, s, alertKind(), sets, f.Match)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b housing.Alert) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}
