package warning

import (
	"context"
	"fmt"

	"github.com/convivo/convivo/housing"
)

// Report stores an event reported about a placement and, for a request to
// talk to one's worker or an urgent report (see housing.ImmediateAlert),
// raises an urgent alert and notifies the social workers at once, without
// waiting for the night. It returns the alert and true when the event
// calls for one: a new alert, or the one still waiting for someone to
// acknowledge it with the same reason, which already says it all. The
// event gets an id when it has none; the store's errors are returned
// (housing.ErrInvalid for an invalid event, housing.ErrNotFound for an
// unknown placement). A notification that fails is returned as an error
// with the alert and true: the alert is stored, and the next Scan or
// Escalate notifies it.
func (s *Service) Report(ctx context.Context, ev housing.Event) (housing.Alert, bool, error) {
	pl, err := s.store.Placement(ctx, ev.PlacementID)
	if err != nil {
		return housing.Alert{}, false, fmt.Errorf("warning: report: placement %s: %w", ev.PlacementID, err)
	}
	if err := s.store.PutEvent(ctx, &ev); err != nil {
		return housing.Alert{}, false, fmt.Errorf("warning: report: %w", err)
	}
	a, ok := housing.ImmediateAlert(ev)
	if !ok {
		return housing.Alert{}, false, nil
	}
	waiting, err := s.store.Alerts(ctx, housing.AlertFilter{PlacementID: pl.ID, Status: housing.AlertOpen})
	if err != nil {
		return housing.Alert{}, false, fmt.Errorf("warning: report: alerts of %s: %w", pl.ID, err)
	}
	for _, w := range waiting {
		if w.DedupKey == a.DedupKey {
			return w, true, nil
		}
	}
	a.ID = alertID(pl.ID, a.DedupKey, "event:"+ev.ID)
	created, err := s.create(ctx, &a)
	if err != nil {
		return housing.Alert{}, false, err
	}
	if created {
		if _, err := s.notifyRaised(ctx, a, pl); err != nil {
			return a, true, err
		}
	}
	return a, true, nil
}
