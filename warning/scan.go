package warning

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/convivo/convivo/housing"
)

// ScanReport sums up one Scan.
type ScanReport struct {
	Placements  int                        // placements scored
	Alerts      int                        // new alerts this scan created
	ByLevel     map[housing.AlertLevel]int // new alerts by level
	AtLevel     map[housing.AlertLevel]int // placements at each level tonight, none included
	Redelivered int                        // notifications of earlier alerts that had not gone out
	Failed      int                        // placements that could not be scored or notified
	Duration    time.Duration
}

// Scan scores every placement where people live together at time now,
// appends each score to the placement's risk history and raises the
// alerts housing.ShouldAlert calls for, given the placement's latest
// alert. It first notifies the open alerts whose notification never
// completed. A placement that fails does not stop the others: Scan scores
// them all, then returns an error naming how many failed and the first
// error; an alert that was stored but not notified goes out with the next
// Scan or Escalate. Running Scan again for the same night, on this
// replica or another, raises nothing new.
func (s *Service) Scan(ctx context.Context, now time.Time) (ScanReport, error) {
	start := s.cfg.Now()
	rep := ScanReport{ByLevel: make(map[housing.AlertLevel]int), AtLevel: make(map[housing.AlertLevel]int)}
	var errs []error
	open, err := s.openAlerts(ctx)
	if err == nil {
		rep.Redelivered, err = s.redeliver(ctx, open, newPlacementCache(s.store))
	}
	if err != nil {
		errs = append(errs, err)
	}
	pls, err := s.living(ctx)
	if err != nil {
		return rep, err
	}
	rep.Placements = len(pls)
	var mu sync.Mutex
	record := func(pl housing.Placement, res result, err error) {
		mu.Lock()
		defer mu.Unlock()
		rep.AtLevel[res.level]++
		if res.raised != "" {
			rep.Alerts++
			rep.ByLevel[res.raised]++
		}
		if err != nil {
			rep.Failed++
			errs = append(errs, err)
			s.log.Warn("warning: scan placement", slog.String("placement", pl.ID), slog.Any("err", err))
		}
	}
	if err := s.each(ctx, pls, func(pl housing.Placement) {
		res, err := s.scanPlacement(ctx, pl, now)
		record(pl, res, err)
	}); err != nil {
		return rep, fmt.Errorf("warning: scan: %w", err)
	}
	rep.Duration = s.cfg.Now().Sub(start)
	if len(errs) > 0 {
		return rep, fmt.Errorf("warning: scan: %d of %d placements failed, %d errors in all, the first: %w",
			rep.Failed, rep.Placements, len(errs), errs[0])
	}
	return rep, nil
}

// each calls fn for every placement, cfg.Workers at a time, and returns
// ctx's error if it ends first.
func (s *Service) each(ctx context.Context, pls []housing.Placement, fn func(housing.Placement)) error {
	if s.cfg.Workers == 1 {
		for _, pl := range pls {
			if err := ctx.Err(); err != nil {
				return err
			}
			fn(pl)
		}
		return nil
	}
	var g errgroup.Group
	g.SetLimit(s.cfg.Workers)
	for _, pl := range pls {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			fn(pl)
			return nil
		})
	}
	_ = g.Wait() // the workers return no error
	return ctx.Err()
}

// living returns the placements where people live together, by id.
func (s *Service) living(ctx context.Context) ([]housing.Placement, error) {
	var out []housing.Placement
	for _, st := range []housing.PlacementStatus{housing.PlacementTrial, housing.PlacementActive, housing.PlacementUnderReview} {
		pls, err := s.store.ListPlacements(ctx, housing.PlacementFilter{Status: st})
		if err != nil {
			return nil, fmt.Errorf("warning: list %s placements: %w", st, err)
		}
		out = append(out, pls...)
	}
	slices.SortFunc(out, func(a, b housing.Placement) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// result is what scoring one placement gave.
type result struct {
	level  housing.AlertLevel // the placement's level tonight
	raised housing.AlertLevel // the level of the alert raised, or ""
}

// scanPlacement scores one placement, records the score and raises an
// alert if it calls for one.
func (s *Service) scanPlacement(ctx context.Context, pl housing.Placement, now time.Time) (result, error) {
	in, err := s.inputs(ctx, pl, now)
	if err != nil {
		return result{level: housing.AlertNone}, err
	}
	r := housing.Score(housing.ComputeSignals(in, now), s.cfg.Weights)
	res := result{level: r.Level}
	if err := s.store.AppendRisk(ctx, r); err != nil {
		return res, fmt.Errorf("warning: append risk of %s: %w", pl.ID, err)
	}
	if r.Level == housing.AlertNone {
		return res, nil
	}
	prev, err := s.store.Alerts(ctx, housing.AlertFilter{PlacementID: pl.ID})
	if err != nil {
		return res, fmt.Errorf("warning: alerts of %s: %w", pl.ID, err)
	}
	if !housing.ShouldAlert(latest(prev), r) {
		return res, nil
	}
	a := housing.NewAlert(r, now)
	a.ID = alertID(pl.ID, a.DedupKey, now.In(s.cfg.Location).Format(time.DateOnly))
	created, err := s.create(ctx, &a)
	if err != nil || !created {
		return res, err // not created: the replica that created it notifies
	}
	res.raised = a.Level
	_, err = s.notifyRaised(ctx, a, pl)
	return res, err
}

// inputs reads the records the risk model needs for a placement at now:
// its check-ins of the last year, its home's chores of the last six weeks,
// its residents' outings since it started, its events and its residents'
// last interactions with the bot.
func (s *Service) inputs(ctx context.Context, pl housing.Placement, now time.Time) (housing.RiskInputs, error) {
	in := housing.RiskInputs{Placement: pl, Location: s.cfg.Location, LastSeen: make(map[string]time.Time)}
	var err error
	in.CheckIns, err = s.store.CheckIns(ctx, housing.CheckInFilter{PlacementID: pl.ID, Since: now.Add(-checkInHistory)})
	if err != nil {
		return in, fmt.Errorf("warning: check-ins of %s: %w", pl.ID, err)
	}
	local := now.In(s.cfg.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.cfg.Location)
	in.Assignments, err = s.store.Assignments(ctx, housing.AssignmentFilter{
		HomeID: pl.HomeID, From: day.AddDate(0, 0, -2*housing.ChoreWindowDays-1), To: day.AddDate(0, 0, 1)})
	if err != nil {
		return in, fmt.Errorf("warning: chores of %s: %w", pl.ID, err)
	}
	if in.Outings, err = s.outings(ctx, pl); err != nil {
		return in, err
	}
	if in.Events, err = s.store.Events(ctx, housing.EventFilter{PlacementID: pl.ID}); err != nil {
		return in, fmt.Errorf("warning: events of %s: %w", pl.ID, err)
	}
	for _, id := range pl.Residents {
		if t, ok, err := s.lastSeen(ctx, id); err != nil {
			return in, err
		} else if ok {
			in.LastSeen[id] = t
		}
	}
	return in, nil
}

// outings returns the outings any resident was invited to since the
// placement started, each once.
func (s *Service) outings(ctx context.Context, pl housing.Placement) ([]housing.Outing, error) {
	var out []housing.Outing
	for _, id := range pl.Residents {
		got, err := s.store.Outings(ctx, housing.OutingFilter{Invitee: id, From: cmp.Or(pl.Start, pl.CreatedAt)})
		if err != nil {
			return nil, fmt.Errorf("warning: outings of %s: %w", id, err)
		}
		out = append(out, got...)
	}
	slices.SortFunc(out, func(a, b housing.Outing) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(out, func(a, b housing.Outing) bool { return a.ID == b.ID }), nil
}

// lastSeen reads a person's last interaction from the bot's state key. A
// missing or unreadable value is no interaction.
func (s *Service) lastSeen(ctx context.Context, personID string) (time.Time, bool, error) {
	v, err := s.store.GetState(ctx, SeenKey(personID))
	if errors.Is(err, housing.ErrNotFound) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("warning: last seen of %s: %w", personID, err)
	}
	t, err := time.Parse(time.RFC3339, string(v))
	if err != nil {
		s.log.Warn("warning: unreadable last-seen time", slog.String("person", personID))
		return time.Time{}, false, nil
	}
	return t, true, nil
}
