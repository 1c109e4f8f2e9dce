package warning

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// The audit actions this package records, with AuditPurpose.
const (
	ActionAck     = "alert.ack"
	ActionResolve = "alert.resolve"
	ActionRead    = "alert.read"
	AuditPurpose  = "early warning"
)

// AlertDetails is what staff see of an alert.
type AlertDetails struct {
	Alert     housing.Alert
	Placement housing.Placement
	Residents []housing.Person // the placement's residents, by id, those still on record
	History   []housing.Risk   // the placement's scores from Config.History before the alert on, oldest first
	Events    []housing.Event  // the placement's events of the same period, and those still open
}

// Acknowledge records that by has seen alert alertID and is on it, which
// stops its escalation. Only active staff may: a social worker responsible
// for one of the placement's residents, a mediator of its district, or an
// admin (housing.ErrForbidden otherwise). Acknowledging again changes
// nothing; a resolved alert is a *housing.StateError (ErrConflict);
// housing.ErrNotFound for an unknown alert. Each change is audited once
// per resident.
func (s *Service) Acknowledge(ctx context.Context, alertID string, by housing.Person, now time.Time) (housing.Alert, error) {
	return s.change(ctx, alertID, by, now, ActionAck, func(a *housing.Alert) error {
		return a.Acknowledge(by.ID, now)
	})
}

// Resolve closes alert alertID with a note of what was done, under the
// same rules as Acknowledge. Its reasons stay quiet for
// housing.ResolvedQuiet. Resolving a resolved alert is a
// *housing.StateError.
func (s *Service) Resolve(ctx context.Context, alertID string, by housing.Person, note string, now time.Time) (housing.Alert, error) {
	return s.change(ctx, alertID, by, now, ActionResolve, func(a *housing.Alert) error {
		return a.Resolve(by.ID, note, now)
	})
}

// change applies fn to the stored alert on behalf of by and stores it,
// reading it again when it changed meanwhile (an escalation).
func (s *Service) change(ctx context.Context, alertID string, by housing.Person, now time.Time, action string, fn func(*housing.Alert) error) (housing.Alert, error) {
	for range 5 {
		a, pl, err := s.load(ctx, alertID, by)
		if err != nil {
			return housing.Alert{}, err
		}
		before := a.Status
		if err := fn(&a); err != nil {
			return housing.Alert{}, fmt.Errorf("warning: %s %s: %w", action, alertID, err)
		}
		if a.Status == before {
			return a, nil // already acknowledged: nothing to store or audit
		}
		err = s.store.PutAlert(ctx, &a)
		if errors.Is(err, housing.ErrConflict) {
			continue
		}
		if err != nil {
			return housing.Alert{}, fmt.Errorf("warning: %s %s: %w", action, alertID, err)
		}
		return a, s.audit(ctx, by, action, a.ID, pl, now)
	}
	return housing.Alert{}, fmt.Errorf("warning: %s %s: the alert changed too often: %w", action, alertID, housing.ErrConflict)
}

// load reads an alert and its placement and checks that viewer may see
// them.
func (s *Service) load(ctx context.Context, alertID string, viewer housing.Person) (housing.Alert, housing.Placement, error) {
	if !viewer.Role.Staff() {
		return housing.Alert{}, housing.Placement{}, forbidden(viewer, alertID)
	}
	a, err := s.store.Alert(ctx, alertID)
	if err != nil {
		return housing.Alert{}, housing.Placement{}, fmt.Errorf("warning: alert %s: %w", alertID, err)
	}
	pl, err := s.store.Placement(ctx, a.PlacementID)
	if err != nil {
		return housing.Alert{}, housing.Placement{}, fmt.Errorf("warning: placement of alert %s: %w", alertID, err)
	}
	ok, err := s.may(ctx, viewer, pl)
	if err != nil {
		return housing.Alert{}, housing.Placement{}, err
	}
	if !ok {
		return housing.Alert{}, housing.Placement{}, forbidden(viewer, alertID)
	}
	return a, pl, nil
}

func forbidden(viewer housing.Person, alertID string) error {
	return fmt.Errorf("warning: %s (%s) may not handle alert %s: %w", viewer.ID, viewer.Role, alertID, housing.ErrForbidden)
}

// may reports whether viewer may see and handle the alerts of placement
// pl: an active admin, a mediator of its district, or a social worker
// responsible for one of its residents.
func (s *Service) may(ctx context.Context, viewer housing.Person, pl housing.Placement) (bool, error) {
	if viewer.Status != housing.StatusActive || pl.HasResident(viewer.ID) {
		return false, nil
	}
	switch viewer.Role {
	case housing.RoleAdmin:
		return true, nil
	case housing.RoleMediator:
		return viewer.District == pl.District, nil
	case housing.RoleSocialWorker:
		ids, err := s.responsible(ctx, pl)
		return slices.Contains(ids, viewer.ID), err
	}
	return false, nil
}

// audit records one entry per resident of pl: by did action on alert id.
func (s *Service) audit(ctx context.Context, by housing.Person, action, id string, pl housing.Placement, at time.Time) error {
	for _, r := range pl.Residents {
		e := housing.AuditEntry{At: at, Actor: by.ID, ActorRole: by.Role, Action: action,
			Record: "alert/" + id, Subject: r, Purpose: AuditPurpose}
		if err := s.store.AppendAudit(ctx, &e); err != nil {
			return fmt.Errorf("warning: audit %s of alert %s: %w", action, id, err)
		}
	}
	return nil
}

// Details returns an alert with its placement, residents, risk history
// and events, for viewer, under the rules of Acknowledge; the read is
// audited once per resident.
func (s *Service) Details(ctx context.Context, alertID string, viewer housing.Person) (AlertDetails, error) {
	a, pl, err := s.load(ctx, alertID, viewer)
	if err != nil {
		return AlertDetails{}, err
	}
	now := s.cfg.Now()
	since := a.CreatedAt.Add(-s.cfg.History)
	d := AlertDetails{Alert: a, Placement: pl}
	if d.History, err = s.store.RiskHistory(ctx, pl.ID, since); err != nil {
		return AlertDetails{}, fmt.Errorf("warning: details of %s: %w", alertID, err)
	}
	evs, err := s.store.Events(ctx, housing.EventFilter{PlacementID: pl.ID})
	if err != nil {
		return AlertDetails{}, fmt.Errorf("warning: details of %s: %w", alertID, err)
	}
	d.Events = slices.DeleteFunc(evs, func(e housing.Event) bool { return !e.ResolvedAt.IsZero() && e.ResolvedAt.Before(since) })
	for _, id := range pl.Residents {
		p, err := s.store.Person(ctx, id)
		if errors.Is(err, housing.ErrNotFound) {
			continue
		}
		if err != nil {
			return AlertDetails{}, fmt.Errorf("warning: details of %s: %w", alertID, err)
		}
		d.Residents = append(d.Residents, p)
	}
	return d, s.audit(ctx, viewer, ActionRead, a.ID, pl, now)
}

// Open returns the alerts not yet resolved (open or acknowledged) that
// viewer may handle: for a social worker, those of the placements whose
// residents they are responsible for; for a mediator, those of their
// district; for an admin, all. They come ordered by creation. Anyone but
// active staff gets housing.ErrForbidden.
func (s *Service) Open(ctx context.Context, viewer housing.Person) ([]housing.Alert, error) {
	if !viewer.Role.Staff() || viewer.Status != housing.StatusActive {
		return nil, fmt.Errorf("warning: %s (%s) may not list alerts: %w", viewer.ID, viewer.Role, housing.ErrForbidden)
	}
	var all []housing.Alert
	for _, st := range []housing.AlertStatus{housing.AlertOpen, housing.AlertAcknowledged} {
		as, err := s.store.Alerts(ctx, housing.AlertFilter{Status: st})
		if err != nil {
			return nil, fmt.Errorf("warning: list %s alerts: %w", st, err)
		}
		all = append(all, as...)
	}
	pls := newPlacementCache(s.store)
	allowed := make(map[string]bool)
	var out []housing.Alert
	for _, a := range all {
		ok, seen := allowed[a.PlacementID]
		if !seen {
			pl, err := pls.get(ctx, a.PlacementID)
			if err != nil {
				return nil, err
			}
			if ok, err = s.may(ctx, viewer, pl); err != nil {
				return nil, err
			}
			allowed[a.PlacementID] = ok
		}
		if ok {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y housing.Alert) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), strings.Compare(x.ID, y.ID))
	})
	return out, nil
}
