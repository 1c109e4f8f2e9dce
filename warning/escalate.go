package warning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/convivo/convivo/housing"
)

// EscalateReport sums up one Escalate.
type EscalateReport struct {
	Open     int // alerts nobody acknowledged
	Steps    int // escalation steps this call took
	Notified int // notifications made: escalation steps, and alerts whose first notification had not gone out
}

// Escalate takes the escalation steps due at now for every alert nobody
// acknowledged (housing's rules: the district's mediators after
// Config.EscalateAfter, the admins after twice that), records them on the
// alert and tells the people of each step, once. It also notifies the
// open alerts and steps whose notification never completed, so run it
// every hour or so. Running it again, here or on another replica, takes
// no step twice. Errors on some alerts do not stop the others; the first
// is returned.
func (s *Service) Escalate(ctx context.Context, now time.Time) (EscalateReport, error) {
	open, err := s.openAlerts(ctx)
	if err != nil {
		return EscalateReport{}, err
	}
	rep := EscalateReport{Open: len(open)}
	var errs []error
	for i := range open {
		n, err := s.escalate(ctx, &open[i], now)
		rep.Steps += n
		errs = append(errs, err)
	}
	open = slices.DeleteFunc(open, func(a housing.Alert) bool { return a.Status != housing.AlertOpen })
	rep.Notified, err = s.redeliver(ctx, open, newPlacementCache(s.store))
	if err := errors.Join(append(errs, err)...); err != nil {
		return rep, fmt.Errorf("warning: escalate: %w", err)
	}
	return rep, nil
}

// escalate records the steps due at now on *a and returns how many it
// took. When the alert changed meanwhile (acknowledged, or escalated by
// another replica), it reads it again and decides again; *a ends as
// stored.
func (s *Service) escalate(ctx context.Context, a *housing.Alert, now time.Time) (int, error) {
	for range 3 {
		b := *a
		b.Escalations = slices.Clone(a.Escalations)
		added := b.Escalate(now, s.cfg.EscalateAfter)
		if len(added) == 0 {
			return 0, nil
		}
		err := s.store.PutAlert(ctx, &b)
		if err == nil {
			*a = b
			return len(added), nil
		}
		if !errors.Is(err, housing.ErrConflict) {
			return 0, fmt.Errorf("warning: escalate alert %s: %w", a.ID, err)
		}
		if *a, err = s.store.Alert(ctx, a.ID); err != nil {
			return 0, fmt.Errorf("warning: reread alert %s: %w", a.ID, err)
		}
	}
	return 0, fmt.Errorf("warning: escalate alert %s: changed too often: %w", a.ID, housing.ErrConflict)
}
