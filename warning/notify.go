package warning

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// notifiedKey is the marker that the Notifier took alert id.
func notifiedKey(id string) string { return "alert-notified:" + id }

// escalatedKey is the marker that the Notifier took escalation step i of
// alert id.
func escalatedKey(id string, i int) string { return "alert-escalated:" + id + ":" + strconv.Itoa(i) }

// once calls send unless the marker key exists, and sets the marker when
// send succeeds. It reports whether send was called and succeeded. A
// crash between send and the marker repeats send later, which the
// outbox's keys make harmless.
func (s *Service) once(ctx context.Context, key string, send func() error) (bool, error) {
	_, err := s.store.GetState(ctx, key)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, housing.ErrNotFound):
		return false, fmt.Errorf("warning: read marker %s: %w", key, err)
	}
	if err := send(); err != nil {
		return false, err
	}
	stamp := []byte(s.cfg.Now().UTC().Format(time.RFC3339))
	if err := s.store.PutState(ctx, key, stamp, markerTTL); err != nil {
		return true, fmt.Errorf("warning: set marker %s: %w", key, err)
	}
	return true, nil
}

// notifyRaised tells the placement's social workers about alert a, once.
func (s *Service) notifyRaised(ctx context.Context, a housing.Alert, pl housing.Placement) (bool, error) {
	return s.once(ctx, notifiedKey(a.ID), func() error {
		to, err := s.workers(ctx, pl)
		if err != nil {
			return err
		}
		hist, err := s.store.RiskHistory(ctx, pl.ID, a.CreatedAt.Add(-s.cfg.History))
		if err != nil {
			return fmt.Errorf("warning: risk history of %s: %w", pl.ID, err)
		}
		if err := s.notifier.AlertRaised(ctx, a, pl, to, hist); err != nil {
			return fmt.Errorf("warning: notify alert %s: %w", a.ID, err)
		}
		return nil
	})
}

// notifyEscalation tells the people of step i of a's escalations, once.
func (s *Service) notifyEscalation(ctx context.Context, a housing.Alert, pl housing.Placement, i int) (bool, error) {
	step := a.Escalations[i]
	return s.once(ctx, escalatedKey(a.ID, i), func() error {
		to, err := s.staffWith(ctx, step.To, pl)
		if err != nil {
			return err
		}
		if err := s.notifier.AlertEscalated(ctx, a, pl, to, step); err != nil {
			return fmt.Errorf("warning: notify escalation %d of alert %s: %w", i, a.ID, err)
		}
		return nil
	})
}

// workers returns the staff responsible for the placement's residents,
// from their care records. With none, the alert goes to the district's
// mediators (and without them, to the admins): an alert nobody receives
// would be lost.
func (s *Service) workers(ctx context.Context, pl housing.Placement) ([]housing.Person, error) {
	ids, err := s.responsible(ctx, pl)
	if err != nil {
		return nil, err
	}
	var people []housing.Person
	for _, id := range ids {
		p, err := s.store.Person(ctx, id)
		if errors.Is(err, housing.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("warning: responsible worker %s: %w", id, err)
		}
		people = append(people, p)
	}
	if people = staffOnly(pl, people); len(people) > 0 {
		return people, nil
	}
	s.log.Warn("warning: no responsible worker; the alert goes to the mediators", slog.String("placement", pl.ID))
	return s.staffWith(ctx, housing.RoleMediator, pl)
}

// responsible returns the ids of the responsible workers of the
// placement's residents, sorted, without duplicates.
func (s *Service) responsible(ctx context.Context, pl housing.Placement) ([]string, error) {
	var ids []string
	for _, r := range pl.Residents {
		c, err := s.store.CareInfo(ctx, r)
		if errors.Is(err, housing.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("warning: care info of %s: %w", r, err)
		}
		ids = append(ids, c.ResponsibleWorkers...)
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// staffWith returns the active people with role in the placement's
// district (any district for admins). With no mediator there, it returns
// the admins.
func (s *Service) staffWith(ctx context.Context, role housing.Role, pl housing.Placement) ([]housing.Person, error) {
	f := housing.PersonFilter{Role: role, Status: housing.StatusActive}
	if role != housing.RoleAdmin {
		f.District = pl.District
	}
	people, err := s.store.ListPeople(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("warning: list %s people: %w", role, err)
	}
	if people = staffOnly(pl, people); len(people) == 0 && role != housing.RoleAdmin {
		s.log.Warn("warning: nobody to escalate to; the admins get it", slog.String("placement", pl.ID), slog.String("role", string(role)))
		return s.staffWith(ctx, housing.RoleAdmin, pl)
	}
	return people, nil
}

// staffOnly keeps the active staff who do not live in the placement,
// sorted by id, without duplicates: residents are never told their home
// was flagged.
func staffOnly(pl housing.Placement, people []housing.Person) []housing.Person {
	out := slices.DeleteFunc(slices.Clone(people), func(p housing.Person) bool {
		return !p.Role.Staff() || p.Status != housing.StatusActive || pl.HasResident(p.ID)
	})
	slices.SortFunc(out, func(a, b housing.Person) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b housing.Person) bool { return a.ID == b.ID })
}

// redeliver notifies the open alerts (not acknowledged, not resolved)
// whose notification never completed, and the escalation steps recorded
// but never notified. It returns how many notifications it made.
func (s *Service) redeliver(ctx context.Context, alerts []housing.Alert, pls *placementCache) (int, error) {
	n := 0
	var errs []error
	for _, a := range alerts {
		pl, err := pls.get(ctx, a.PlacementID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sent, err := s.notifyRaised(ctx, a, pl)
		n += b2i(sent)
		errs = append(errs, err)
		for i := range a.Escalations {
			sent, err := s.notifyEscalation(ctx, a, pl, i)
			n += b2i(sent)
			errs = append(errs, err)
		}
	}
	return n, errors.Join(errs...)
}

// openAlerts returns the alerts nobody acknowledged yet.
func (s *Service) openAlerts(ctx context.Context) ([]housing.Alert, error) {
	as, err := s.store.Alerts(ctx, housing.AlertFilter{Status: housing.AlertOpen})
	if err != nil {
		return nil, fmt.Errorf("warning: list open alerts: %w", err)
	}
	return as, nil
}

// placementCache reads each placement once.
type placementCache struct {
	store Store
	m     map[string]housing.Placement
}

func newPlacementCache(store Store) *placementCache {
	return &placementCache{store: store, m: make(map[string]housing.Placement)}
}

func (c *placementCache) get(ctx context.Context, id string) (housing.Placement, error) {
	if pl, ok := c.m[id]; ok {
		return pl, nil
	}
	pl, err := c.store.Placement(ctx, id)
	if err != nil {
		return housing.Placement{}, fmt.Errorf("warning: placement %s: %w", id, err)
	}
	c.m[id] = pl
	return pl, nil
}

// latest returns the alert created last, or nil.
func latest(as []housing.Alert) *housing.Alert {
	if len(as) == 0 {
		return nil
	}
	a := slices.MaxFunc(as, func(x, y housing.Alert) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), strings.Compare(x.ID, y.ID))
	})
	return &a
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
