package scheduler

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// slotsOf returns each job's slot times from runs, sorted.
func slotsOf(runs map[string][]ran) map[string][]string {
	out := map[string][]string{}
	for name, rs := range runs {
		for _, r := range rs {
			out[name] = append(out[name], r.Slot)
		}
		sort.Strings(out[name])
	}
	return out
}

func TestRunDueAcrossAutumnChange(t *testing.T) {
	loc := rome(t)
	rec := newRecorder(loc)
	var mu sync.Mutex
	var order []string
	inOrder := func(_ context.Context, slot Slot) error {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, slot.Time.UTC().Format(time.RFC3339))
		return nil
	}
	jobs := []Job{
		{Name: "daily-0800", Spec: "0 8 * * *", Run: rec.job(inOrder)},
		{Name: "daily-0300", Spec: "0 3 * * *", Run: rec.job(inOrder)},
		{Name: "hourly", Spec: "0 * * * *", Run: rec.job(inOrder)},
	}
	store := newMemSlots()
	logger, _ := newLogger()
	s := mustNew(t, jobs, store, loc, logger)
	from := time.Date(2026, 10, 23, 23, 59, 0, 0, loc)
	to := time.Date(2026, 10, 26, 23, 59, 0, 0, loc)
	if err := s.RunDue(t.Context(), from, to); err != nil {
		t.Fatalf("RunDue(%v, %v) = %v", from, to, err)
	}
	want := slotsOf(map[string][]ran{
		"daily-0800": onTimeRuns("2026-10-24T08:00+02:00", "2026-10-25T08:00+01:00", "2026-10-26T08:00+01:00"),
		"daily-0300": onTimeRuns("2026-10-24T03:00+02:00", "2026-10-25T03:00+01:00", "2026-10-26T03:00+01:00"),
		"hourly":     hourlyRuns(loc, "2026-10-24", "2026-10-25", "2026-10-26"),
	})
	if diff := cmp.Diff(want, slotsOf(rec.get())); diff != "" {
		t.Errorf("RunDue slots differ (-want +got):\n%s", diff)
	}
	if !sort.StringsAreSorted(order) {
		t.Errorf("RunDue ran slots out of time order: %v", order)
	}

	// The same interval again, even from another scheduler: every slot is taken.
	again := mustNew(t, jobs, store, loc, logger)
	if err := again.RunDue(t.Context(), from, to); err != nil {
		t.Fatalf("RunDue(%v, %v) again = %v", from, to, err)
	}
	if diff := cmp.Diff(want, slotsOf(rec.get())); diff != "" {
		t.Errorf("RunDue over the same interval again ran slots (-want +got):\n%s", diff)
	}
}

func TestRunDuePanicAndCancel(t *testing.T) {
	loc := rome(t)
	rec := newRecorder(loc)
	panicky := func(_ context.Context, slot Slot) error {
		if slot.Time.Hour() == 1 {
			panic("boom")
		}
		return nil
	}
	jobs := []Job{{Name: "hourly", Spec: "0 * * * *", Run: rec.job(panicky)}}
	logger, _ := newLogger()
	s := mustNew(t, jobs, newMemSlots(), loc, logger)
	from, to := time.Date(2026, 5, 12, 0, 30, 0, 0, loc), time.Date(2026, 5, 12, 3, 30, 0, 0, loc)
	if err := s.RunDue(t.Context(), from, to); err != nil {
		t.Fatalf("RunDue(%v, %v) = %v", from, to, err)
	}
	want := []string{"2026-05-12T01:00+02:00", "2026-05-12T02:00+02:00", "2026-05-12T03:00+02:00"}
	if diff := cmp.Diff(want, slotsOf(rec.get())["hourly"]); diff != "" {
		t.Errorf("RunDue slots after a panic differ (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.RunDue(ctx, to, to.Add(3*time.Hour)); !errors.Is(err, context.Canceled) {
		t.Errorf("RunDue(cancelled) = %v; want context.Canceled", err)
	}
}

func TestDryRunKeepsSlotsApart(t *testing.T) {
	loc := rome(t)
	rec := newRecorder(loc)
	var dry []bool
	note := func(_ context.Context, slot Slot) error {
		dry = append(dry, slot.DryRun)
		return nil
	}
	store := newMemSlots()
	logger, _ := newLogger()
	from, to := time.Date(2026, 5, 12, 0, 0, 0, 0, loc), time.Date(2026, 5, 12, 12, 0, 0, 0, loc)
	for _, dryRun := range []bool{true, false} {
		jobs := []Job{{Name: "reminders", Spec: "0 8 * * *", Run: rec.job(note), DryRun: dryRun}}
		if err := mustNew(t, jobs, store, loc, logger).RunDue(t.Context(), from, to); err != nil {
			t.Fatalf("RunDue(DryRun %v) = %v", dryRun, err)
		}
	}
	if diff := cmp.Diff([]bool{true, false}, dry); diff != "" {
		t.Errorf("Slot.DryRun of the two runs differs (-want +got):\n%s", diff)
	}
	for _, name := range []string{"reminders", "dryrun.reminders"} {
		if got, _ := store.LastCompleted(t.Context(), name); got != "2026-05-12T08:00" {
			t.Errorf("LastCompleted(%s) = %q; want %q", name, got, "2026-05-12T08:00")
		}
	}
}
