package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
)

func TestPanicIsLoggedAndJobRunsNextSlot(t *testing.T) {
	loc := rome(t)
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(time.Date(2026, 5, 12, 0, 30, 0, 0, loc))
		rec := newRecorder(loc)
		var calls atomic.Int32
		flaky := func(context.Context, Slot) error {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return nil
		}
		jobs := []Job{{Name: "flaky", Spec: "0 * * * *", Run: rec.job(flaky)}}
		store := newMemSlots()
		logger, logs := newLogger()
		stop := start(t, mustNew(t, jobs, store, loc, logger, WithMaxCatchUp(0)))
		sleepUntil(time.Date(2026, 5, 12, 3, 30, 0, 0, loc))
		stop()

		want := map[string][]ran{"flaky": onTimeRuns("2026-05-12T01:00+02:00", "2026-05-12T02:00+02:00", "2026-05-12T03:00+02:00")}
		if diff := cmp.Diff(want, rec.get()); diff != "" {
			t.Errorf("runs differ (-want +got):\n%s", diff)
		}
		out := logs.String()
		if !strings.Contains(out, `msg="cron: panic" job=flaky`) || !strings.Contains(out, "err=boom") {
			t.Errorf("log has no panic record for job flaky with err=boom:\n%s", out)
		}
		if last, _ := store.LastCompleted(t.Context(), "flaky"); last != "2026-05-12T03:00" {
			t.Errorf("LastCompleted(flaky) = %q; want %q", last, "2026-05-12T03:00")
		}
	})
}

func TestFailedJobIsNotRecordedCompleted(t *testing.T) {
	loc := rome(t)
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(time.Date(2026, 5, 12, 7, 30, 0, 0, loc))
		failing := func(context.Context, Slot) error { return errors.New("smtp down") }
		jobs := []Job{{Name: "failing", Spec: "0 8 * * *", Run: failing}}
		store := newMemSlots()
		logger, logs := newLogger()
		stop := start(t, mustNew(t, jobs, store, loc, logger, WithMaxCatchUp(0)))
		sleepUntil(time.Date(2026, 5, 12, 8, 30, 0, 0, loc))
		stop()
		if last, _ := store.LastCompleted(t.Context(), "failing"); last != "" {
			t.Errorf("LastCompleted(failing) = %q; want \"\"", last)
		}
		if !strings.Contains(logs.String(), `msg="scheduler: job failed" job=failing slot=2026-05-12T08:00 err="smtp down"`) {
			t.Errorf("log has no failure record for slot 2026-05-12T08:00:\n%s", logs)
		}
	})
}

func TestOverlappingRunIsSkipped(t *testing.T) {
	loc := rome(t)
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(time.Date(2026, 5, 12, 0, 0, 30, 0, loc))
		rec := newRecorder(loc)
		var calls atomic.Int32
		slowFirst := func(context.Context, Slot) error {
			if calls.Add(1) == 1 {
				time.Sleep(150 * time.Second) // through the 00:02 and 00:03 firings
			}
			return nil
		}
		jobs := []Job{{Name: "minutely", Spec: "* * * * *", Run: rec.job(slowFirst)}}
		logger, logs := newLogger()
		stop := start(t, mustNew(t, jobs, newMemSlots(), loc, logger, WithMaxCatchUp(0)))
		sleepUntil(time.Date(2026, 5, 12, 0, 6, 30, 0, loc))
		stop()

		want := map[string][]ran{"minutely": onTimeRuns(
			"2026-05-12T00:01+02:00", "2026-05-12T00:04+02:00", "2026-05-12T00:05+02:00", "2026-05-12T00:06+02:00")}
		if diff := cmp.Diff(want, rec.get()); diff != "" {
			t.Errorf("runs differ (-want +got):\n%s", diff)
		}
		if got := strings.Count(logs.String(), `msg="cron: skip" job=minutely`); got != 2 {
			t.Errorf("log has %d skip records; want 2:\n%s", got, logs)
		}
	})
}

func TestRunWaitsForRunningJobs(t *testing.T) {
	loc := rome(t)
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(time.Date(2026, 5, 12, 7, 59, 0, 0, loc))
		var finished atomic.Bool
		long := func(ctx context.Context, _ Slot) error {
			<-ctx.Done()
			time.Sleep(time.Minute) // cleaning up after cancellation
			finished.Store(true)
			return ctx.Err()
		}
		jobs := []Job{{Name: "long", Spec: "0 8 * * *", Run: long}}
		logger, _ := newLogger()
		stop := start(t, mustNew(t, jobs, newMemSlots(), loc, logger, WithMaxCatchUp(0)))
		sleepUntil(time.Date(2026, 5, 12, 8, 30, 0, 0, loc))
		stop()
		if !finished.Load() {
			t.Errorf("Run returned before the running job finished")
		}
	})
}

// TestChainOrder pins the robfig/cron behaviour that cronJob's chain order
// relies on: with Recover outside SkipIfStillRunning, one panic leaves the
// job marked as running and every later firing is skipped.
func TestChainOrder(t *testing.T) {
	tests := []struct {
		name  string
		chain func(cron.Logger) cron.Chain
		want  int32
	}{
		{"SkipIfStillRunning wraps Recover", func(l cron.Logger) cron.Chain {
			return cron.NewChain(cron.SkipIfStillRunning(l), cron.Recover(l))
		}, 3},
		{"Recover wraps SkipIfStillRunning", func(l cron.Logger) cron.Chain {
			return cron.NewChain(cron.Recover(l), cron.SkipIfStillRunning(l))
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			logger, _ := newLogger()
			var calls atomic.Int32
			job := tc.chain(cronLogger{logger: logger}).Then(cron.FuncJob(func() {
				calls.Add(1)
				panic("boom")
			}))
			for range 3 {
				job.Run()
			}
			if got := calls.Load(); got != tc.want {
				t.Errorf("calls after 3 runs = %d; want %d", got, tc.want)
			}
		})
	}
}

// TestCronFacts pins the robfig/cron v3.0.1 facts the package is built
// around, so that an upgrade that changes them is noticed.
func TestCronFacts(t *testing.T) {
	if got := cron.New().Location(); got != time.Local {
		t.Errorf("cron.New().Location() = %v; want time.Local (the machine's zone)", got)
	}

	c := cron.New()
	job := &countJob{}
	c.Schedule(cron.Every(time.Hour), job)
	if got := c.Entries()[0].WrappedJob; got != cron.Job(job) {
		t.Errorf("cron.New() wraps jobs (%T); want no wrapper, so no panic recovery", got)
	}

	loc := rome(t)
	s, err := cron.ParseStandard("30 2 * * *")
	if err != nil {
		t.Fatalf("ParseStandard(30 2 * * *) = %v", err)
	}
	s.(*cron.SpecSchedule).Location = loc
	tests := []struct {
		from, to time.Time
		want     []string
	}{
		{time.Date(2026, 3, 28, 0, 0, 0, 0, loc), time.Date(2026, 3, 31, 0, 0, 0, 0, loc),
			[]string{"2026-03-28T02:30+01:00", "2026-03-30T02:30+02:00"}}, // 29 March skipped
		{time.Date(2026, 10, 24, 0, 0, 0, 0, loc), time.Date(2026, 10, 27, 0, 0, 0, 0, loc),
			[]string{"2026-10-24T02:30+02:00", "2026-10-25T02:30+02:00", "2026-10-25T02:30+01:00", "2026-10-26T02:30+01:00"}}, // 25 October twice
	}
	for _, tc := range tests {
		var got []string
		for u := s.Next(tc.from); u.Before(tc.to); u = s.Next(u) {
			got = append(got, u.Format(stamp))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("30 2 * * * from %v differs (-want +got):\n%s", tc.from, diff)
		}
	}
}

type countJob struct{ n atomic.Int32 }

func (j *countJob) Run() { j.n.Add(1) }
