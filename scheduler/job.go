package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Job is one entry of the scheduler's job table.
type Job struct {
	// Name identifies the job in the slot store and in logs. It must be
	// unique in the table and must not contain ':' or white space.
	Name string
	// Spec is a standard five-field cron spec ("0 8 * * *") or a descriptor
	// such as "@daily", read in the scheduler's location. It must not name
	// the hours 02:00-02:59 (see ValidateJobs).
	Spec string
	// Run does the work of one slot. It returns when the work is done or ctx
	// ends; an error is logged and the slot is not recorded as completed.
	Run func(ctx context.Context, slot Slot) error
	// DryRun marks the job as a rehearsal: Run gets Slot.DryRun set and must
	// change nothing, and the scheduler keeps the job's slots apart from the
	// real ones in the store, so switching DryRun off never skips a slot.
	DryRun bool
}

// Slot is one scheduled firing of a job: the local time the spec named, not
// the moment the run started (which is later after an outage).
type Slot struct {
	Job    string    // the job's name
	Time   time.Time // the scheduled time, in the scheduler's location
	DryRun bool      // the job's DryRun
}

// slotLayout formats a slot's local wall-clock time. Strings in this layout
// sort in time order (except within a repeated autumn hour, where the same
// wall time occurs twice and so names one slot).
const slotLayout = "2006-01-02T15:04"

// ID returns the slot's local wall-clock time as the store knows it, such as
// "2026-10-25T08:00".
func (s Slot) ID() string { return s.Time.Format(slotLayout) }

// String returns the slot's key, the job name and the ID: "reminders:2026-10-25T08:00".
func (s Slot) String() string { return s.Job + ":" + s.ID() }

// ErrInvalidJob is wrapped by the errors that ValidateJobs and New return for
// a bad job table.
var ErrInvalidJob = errors.New("invalid job")

// forbiddenHour is the local hour in which no job may be scheduled: in
// Europe/Rome (and the rest of the EU) 02:00-02:59 is skipped on the last
// Sunday of March and happens twice on the last Sunday of October.
const forbiddenHour = 2

// referenceYear is the year over which ValidateJobs looks for the location's
// clock changes and iterates each job's firing times.
const referenceYear = 2026

// allHours is a SpecSchedule.Hour mask with every hour 0-23 set.
const allHours = 1<<24 - 1

// parsedJob is a validated job with its schedule in the scheduler's location.
type parsedJob struct {
	Job
	schedule *cron.SpecSchedule
}

// storeName is the job's name in the slot store; dry runs are kept apart.
func (j parsedJob) storeName() string {
	if j.DryRun {
		return "dryrun." + j.Name
	}
	return j.Name
}

// ValidateJobs reports whether jobs is a job table the scheduler accepts in
// loc: every job has a unique name without ':' or white space, a Run
// function and a spec that cron's standard parser reads as a calendar
// schedule (not "@every", which has no fixed slots, and without a TZ= or
// CRON_TZ= prefix, since the location is the scheduler's). No job may fire
// between 02:00 and 02:59 local time, nor in any other wall-clock hour that
// loc skips or repeats in 2026: the hour field is checked and every firing
// over 2026 in loc is computed. A job that fires in every hour ("0 * * * *")
// is exempt: it has no wall-clock time to lose, and its repeated autumn slots
// name the same slot IDs, so it runs once per wall-clock slot. New calls
// ValidateJobs; call it from a test to check a job table of constants.
func ValidateJobs(jobs []Job, loc *time.Location) error {
	_, err := parseJobs(jobs, loc)
	return err
}

// parseJobs validates jobs and parses their specs in loc.
func parseJobs(jobs []Job, loc *time.Location) ([]parsedJob, error) {
	if loc == nil {
		return nil, fmt.Errorf("scheduler: nil location: %w", ErrInvalidJob)
	}
	risky := riskyHours(loc, referenceYear)
	seen := make(map[string]bool, len(jobs))
	parsed := make([]parsedJob, 0, len(jobs))
	for _, j := range jobs {
		p, err := parseJob(j, loc, risky)
		if err != nil {
			return nil, err
		}
		if seen[j.Name] {
			return nil, fmt.Errorf("scheduler: job %q: duplicate name: %w", j.Name, ErrInvalidJob)
		}
		seen[j.Name] = true
		parsed = append(parsed, p)
	}
	return parsed, nil
}

// parseJob validates one job; risky is the set of forbidden local hours.
func parseJob(j Job, loc *time.Location, risky map[int]bool) (parsedJob, error) {
	if j.Name == "" || strings.ContainsAny(j.Name, ": \t\n\r") {
		return parsedJob{}, fmt.Errorf("scheduler: job name %q: empty or has ':' or white space: %w", j.Name, ErrInvalidJob)
	}
	if j.Run == nil {
		return parsedJob{}, fmt.Errorf("scheduler: job %q: nil Run: %w", j.Name, ErrInvalidJob)
	}
	spec, err := parseSpec(j.Spec, loc)
	if err != nil {
		return parsedJob{}, fmt.Errorf("scheduler: job %q: %w: %w", j.Name, ErrInvalidJob, err)
	}
	if err := checkHours(spec, loc, risky); err != nil {
		return parsedJob{}, fmt.Errorf("scheduler: job %q spec %q: %w: %w", j.Name, j.Spec, ErrInvalidJob, err)
	}
	return parsedJob{Job: j, schedule: spec}, nil
}

// parseSpec parses spec with cron's standard parser and sets its location.
func parseSpec(spec string, loc *time.Location) (*cron.SpecSchedule, error) {
	trimmed := strings.TrimSpace(spec)
	if strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ=") {
		return nil, fmt.Errorf("spec %q: a time zone prefix is not allowed, the scheduler's location applies", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("spec %q: %w", spec, err)
	}
	cal, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("spec %q: not a calendar schedule (@every has no fixed slots)", spec)
	}
	cal.Location = loc
	return cal, nil
}

// checkHours rejects a schedule that fires in a risky local hour, by its hour
// field and by its firings over the reference year; every-hour schedules pass.
func checkHours(s *cron.SpecSchedule, loc *time.Location, risky map[int]bool) error {
	if s.Hour&allHours == allHours {
		return nil
	}
	for h := range risky {
		if s.Hour&(1<<uint(h)) != 0 {
			return fmt.Errorf("hour %02d is named, and %02d:00-%02d:59 is skipped or repeated when clocks change", h, h, h)
		}
	}
	start := time.Date(referenceYear, time.January, 1, 0, 0, 0, 0, loc)
	end := start.AddDate(1, 0, 0)
	for t := s.Next(start.Add(-time.Second)); !t.IsZero() && t.Before(end); t = s.Next(t) {
		if risky[t.In(loc).Hour()] {
			return fmt.Errorf("fires at %s, in an hour that is skipped or repeated when clocks change", t.In(loc).Format(time.RFC3339))
		}
	}
	return nil
}

// riskyHours returns forbiddenHour and every local hour that loc skips or
// repeats during year.
func riskyHours(loc *time.Location, year int) map[int]bool {
	risky := map[int]bool{forbiddenHour: true}
	t := time.Date(year, time.January, 1, 0, 0, 0, 0, loc)
	end := t.AddDate(1, 0, 0)
	for i := 0; i < 16; i++ { // bounded: real zones change a few times a year
		_, change := t.ZoneBounds()
		if change.IsZero() || !change.Before(end) {
			break
		}
		before, after := wallClock(change.Add(-time.Nanosecond)), wallClock(change)
		lo, hi := before.Add(time.Nanosecond), after // skipped: (before, after)
		if after.Before(before) {
			lo, hi = after, before.Add(time.Nanosecond) // repeated: [after, before]
		}
		for h := lo.Truncate(time.Hour); h.Before(hi); h = h.Add(time.Hour) {
			risky[h.Hour()] = true
		}
		t = change
	}
	return risky
}

// wallClock returns t's wall-clock reading in its location as a UTC time, so
// that wall-clock readings can be compared and stepped through.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
