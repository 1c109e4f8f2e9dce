// Package scheduler runs Convivo's periodic jobs (reminders, check-ins, the
// risk scan, escalations, matching rounds) on github.com/robfig/cron/v3, in a
// way that survives what cron alone does not:
//
//   - Time zone: schedules are read in the location given to New (cron's
//     default would be the machine's).
//   - Clock changes: no job may be scheduled in 02:00-02:59 local time, which
//     Europe/Rome skips in March and repeats in October (ValidateJobs).
//   - Replicas and repeats: every firing names a slot, the scheduled local
//     time ("reminders:2026-10-25T08:00"), and runs only if this process
//     claims that slot in the shared SlotStore, so each slot runs once however
//     many replicas run.
//   - Downtime: at start-up each job's most recent slot runs once if it was
//     missed and is not older than the catch-up limit; older missed slots are
//     dropped, not replayed.
//   - Panics and overlaps: a panic is recovered and logged and the job runs
//     again at its next slot; a firing while the job still runs in this
//     process is skipped.
//
// The package reads time through the time package, as cron does; tests
// virtualise it with testing/synctest, and simulations drive slots with
// RunDue.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// SlotStore records which slots of which jobs were claimed and completed. It
// is shared by every replica and must be safe for concurrent use. Slots are
// Slot.ID strings, which sort in time order.
type SlotStore interface {
	// ClaimSlot atomically marks slot of job as taken for ttl and reports
	// whether this call took it: false if it was already taken and has not
	// expired. It returns an error only if the store cannot answer.
	ClaimSlot(ctx context.Context, job, slot string, ttl time.Duration) (bool, error)
	// LastCompleted returns the latest slot of job recorded by SetCompleted,
	// or "" if there is none. It returns an error only if the store cannot
	// answer.
	LastCompleted(ctx context.Context, job string) (string, error)
	// SetCompleted records slot as completed for job. It should keep the
	// greater of the stored and the given slot; overwriting is acceptable,
	// since claims already prevent a second run.
	SetCompleted(ctx context.Context, job, slot string) error
}

// DefaultMaxCatchUp is how old a missed slot may be and still run at
// start-up, unless WithMaxCatchUp says otherwise.
const DefaultMaxCatchUp = 24 * time.Hour

// claimMargin is added to the catch-up limit to make a claim's lifetime, so a
// claim outlives every moment at which some replica could still run its slot.
const claimMargin = 24 * time.Hour

// onTime is how late a firing may start and still count as on time when
// catch-up is off.
const onTime = time.Minute

// storeTimeout bounds the bookkeeping calls made after a job returns, which
// run even while the scheduler shuts down.
const storeTimeout = 10 * time.Second

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithMaxCatchUp sets how old a job's most recent missed slot may be and
// still run at start-up. 0 turns catch-up off; then a slot runs only if its
// firing starts within a minute of its time.
func WithMaxCatchUp(d time.Duration) Option {
	return func(s *Scheduler) { s.maxCatchUp = d }
}

// Scheduler runs a table of jobs, each slot once across replicas. Its
// methods are safe for concurrent use.
type Scheduler struct {
	jobs       []parsedJob
	store      SlotStore
	loc        *time.Location
	logger     *slog.Logger
	maxCatchUp time.Duration
}

// New returns a Scheduler for jobs, which must pass ValidateJobs in loc,
// recording slots in store and logging to logger.
func New(jobs []Job, store SlotStore, loc *time.Location, logger *slog.Logger, opts ...Option) (*Scheduler, error) {
	if store == nil || logger == nil {
		return nil, fmt.Errorf("scheduler: nil store or logger")
	}
	parsed, err := parseJobs(jobs, loc)
	if err != nil {
		return nil, err
	}
	s := &Scheduler{jobs: parsed, store: store, loc: loc, logger: logger, maxCatchUp: DefaultMaxCatchUp}
	for _, opt := range opts {
		opt(s)
	}
	if s.maxCatchUp < 0 {
		return nil, fmt.Errorf("scheduler: negative catch-up limit %v", s.maxCatchUp)
	}
	return s, nil
}

// Run schedules the jobs on a cron.Cron in the scheduler's location, runs
// each job's missed slot (see the package comment), and returns nil once
// ctx ends and the runs in progress have returned. Jobs get ctx, so they see
// it end. Run may be called again after it returns.
func (s *Scheduler) Run(ctx context.Context) error {
	c := cron.New(
		cron.WithLocation(s.loc),
		cron.WithParser(cron.NewParser(cron.Minute|cron.Hour|cron.Dom|cron.Month|cron.Dow|cron.Descriptor)),
		cron.WithLogger(cronLogger{logger: s.logger, info: slog.LevelDebug}),
	)
	var catchUp sync.WaitGroup
	for _, j := range s.jobs {
		run := s.cronJob(ctx, j)
		c.Schedule(j.schedule, run)
		if s.maxCatchUp > 0 {
			catchUp.Go(run.Run)
		}
	}
	c.Start()
	s.logger.Info("scheduler: started", slog.Int("jobs", len(s.jobs)), slog.String("location", s.loc.String()))
	<-ctx.Done()
	stopped := c.Stop()
	catchUp.Wait()
	<-stopped.Done()
	s.logger.Info("scheduler: stopped")
	return nil
}

// cronJob returns j as a cron.Job that runs the slot due at the moment it is
// called, wrapped so that a run is skipped while the previous one is still
// going, and a panic is logged and forgotten. The order matters: Recover
// must be inside SkipIfStillRunning, or a panic would leave the job marked
// as running for good.
func (s *Scheduler) cronJob(ctx context.Context, j parsedJob) cron.Job {
	l := cronLogger{logger: s.logger.With(slog.String("job", j.Name)), info: slog.LevelInfo}
	chain := cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l))
	return chain.Then(cron.FuncJob(func() { s.runDue(ctx, j, time.Now()) }))
}

// runDue runs j's most recent slot at or before now, if it is not older than
// the catch-up limit (or onTime, when catch-up is off). It serves both cron's
// firings, where that slot is the one just due, and the catch-up at start-up.
func (s *Scheduler) runDue(ctx context.Context, j parsedJob, now time.Time) {
	at, ok := prevFire(j.schedule, now)
	if !ok || now.Sub(at) > max(s.maxCatchUp, onTime) {
		s.logger.Debug("scheduler: no slot to run", slog.String("job", j.Name), slog.Time("now", now))
		return
	}
	s.runSlot(ctx, j, at)
}

// runSlot runs one slot of j unless it is already completed or claimed,
// and records it as completed if the job succeeds. A store error means the
// slot is not run: running unclaimed could run it twice.
func (s *Scheduler) runSlot(ctx context.Context, j parsedJob, at time.Time) {
	slot := Slot{Job: j.Name, Time: at.In(s.loc), DryRun: j.DryRun}
	log := s.logger.With(slog.String("job", j.Name), slog.String("slot", slot.ID()))
	if ctx.Err() != nil {
		return
	}
	name, id := j.storeName(), slot.ID()
	last, err := s.store.LastCompleted(ctx, name)
	if err != nil {
		log.Error("scheduler: read last completed slot", slog.Any("err", err))
		return
	}
	if last >= id {
		log.Debug("scheduler: slot already completed", slog.String("last", last))
		return
	}
	claimed, err := s.store.ClaimSlot(ctx, name, id, s.maxCatchUp+claimMargin)
	if err != nil {
		log.Error("scheduler: claim slot", slog.Any("err", err))
		return
	}
	if !claimed {
		log.Debug("scheduler: slot claimed elsewhere")
		return
	}
	s.execute(ctx, j, slot, log)
}

// execute calls j.Run for slot and records the slot as completed if it
// succeeds; the record is written even while ctx ends.
func (s *Scheduler) execute(ctx context.Context, j parsedJob, slot Slot, log *slog.Logger) {
	start := time.Now()
	if err := j.Run(ctx, slot); err != nil {
		log.Error("scheduler: job failed", slog.Any("err", err), slog.Duration("took", time.Since(start)))
		return
	}
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	if err := s.store.SetCompleted(bctx, j.storeName(), slot.ID()); err != nil {
		log.Error("scheduler: record completed slot", slog.Any("err", err))
		return
	}
	log.Info("scheduler: job done", slog.Bool("dry_run", slot.DryRun), slog.Duration("took", time.Since(start)))
}

// RunDue runs, in time order and one at a time, every slot of every job in
// (from, to], with the claims and records of Run but without cron and
// without the catch-up limit: every slot in the interval runs. A panic is
// logged and the next slot runs. It is for simulations, such as a demo that
// plays a month in a few seconds; it returns ctx's error if ctx ends first.
func (s *Scheduler) RunDue(ctx context.Context, from, to time.Time) error {
	type due struct {
		job parsedJob
		at  time.Time
	}
	var all []due
	for _, j := range s.jobs {
		for t := j.schedule.Next(from); !t.IsZero() && !t.After(to); t = j.schedule.Next(t) {
			all = append(all, due{j, t})
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].at.Before(all[b].at) })
	for _, d := range all {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("scheduler: run due slots: %w", err)
		}
		l := cronLogger{logger: s.logger.With(slog.String("job", d.job.Name)), info: slog.LevelInfo}
		cron.Recover(l)(cron.FuncJob(func() { s.runSlot(ctx, d.job, d.at) })).Run()
	}
	return nil
}

// prevFire returns the latest firing of s at or before now, and false if
// there is none in the last five years. It looks back further and further,
// so that each step holds few firings of a schedule that had none in the
// step before.
func prevFire(s cron.Schedule, now time.Time) (time.Time, bool) {
	const day = 24 * time.Hour
	lookBack := [...]time.Duration{time.Minute, time.Hour, 25 * time.Hour, 8 * day, 32 * day, 367 * day, 5 * 367 * day}
	for _, back := range lookBack {
		t := s.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for {
			n := s.Next(t)
			if n.IsZero() || n.After(now) {
				return t, true
			}
			t = n
		}
	}
	return time.Time{}, false
}

// cronLogger adapts a *slog.Logger to cron.Logger, logging cron's routine
// messages at level info.
type cronLogger struct {
	logger *slog.Logger
	info   slog.Level
}

// Info logs a routine cron message.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.logger.Log(context.Background(), l.info, "cron: "+msg, keysAndValues...)
}

// Error logs a cron error, such as a recovered panic.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.logger.Error("cron: "+msg, append(keysAndValues, slog.Any("err", err))...)
}
