package scheduler

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hourlyRuns returns the runs an hourly job should make on each of days
// (local dates): one per wall-clock hour that exists that day, at its first
// occurrence, found by stepping real time an hour at a time.
func hourlyRuns(loc *time.Location, days ...string) []ran {
	var want []ran
	for _, day := range days {
		d, err := time.ParseInLocation("2006-01-02", day, loc)
		if err != nil {
			panic(err)
		}
		seen := map[int]bool{}
		for u := d; u.Before(d.AddDate(0, 0, 1)); u = u.Add(time.Hour) {
			if !seen[u.Hour()] {
				seen[u.Hour()] = true
				want = append(want, ran{Slot: u.Format(stamp), At: u.Format(stamp)})
			}
		}
	}
	return want
}

// onDays keeps the runs whose slot falls on one of days (local dates).
func onDays(runs map[string][]ran, days []string) map[string][]ran {
	out := map[string][]ran{}
	for name, rs := range runs {
		for _, r := range rs {
			for _, d := range days {
				if strings.HasPrefix(r.Slot, d) {
					out[name] = append(out[name], r)
				}
			}
		}
	}
	return out
}

// onTime returns the runs of a job that ran exactly at its slots.
func onTimeRuns(slots ...string) []ran {
	out := make([]ran, len(slots))
	for i, s := range slots {
		out[i] = ran{Slot: s, At: s}
	}
	return out
}

func TestRunAcrossDSTChanges(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		name       string
		start, end time.Time
		days       []string
		want       map[string][]ran
	}{{
		name:  "spring forward, 29 March 2026",
		start: time.Date(2026, 3, 27, 12, 0, 0, 0, loc),
		end:   time.Date(2026, 3, 31, 0, 30, 0, 0, loc),
		days:  []string{"2026-03-28", "2026-03-29", "2026-03-30"},
		want: map[string][]ran{
			"daily-0800": onTimeRuns("2026-03-28T08:00+01:00", "2026-03-29T08:00+02:00", "2026-03-30T08:00+02:00"),
			"daily-0300": onTimeRuns("2026-03-28T03:00+01:00", "2026-03-29T03:00+02:00", "2026-03-30T03:00+02:00"),
			"hourly":     hourlyRuns(loc, "2026-03-28", "2026-03-29", "2026-03-30"),
		},
	}, {
		name:  "fall back, 25 October 2026",
		start: time.Date(2026, 10, 23, 12, 0, 0, 0, loc),
		end:   time.Date(2026, 10, 27, 0, 30, 0, 0, loc),
		days:  []string{"2026-10-24", "2026-10-25", "2026-10-26"},
		want: map[string][]ran{
			"daily-0800": onTimeRuns("2026-10-24T08:00+02:00", "2026-10-25T08:00+01:00", "2026-10-26T08:00+01:00"),
			"daily-0300": onTimeRuns("2026-10-24T03:00+02:00", "2026-10-25T03:00+01:00", "2026-10-26T03:00+01:00"),
			"hourly":     hourlyRuns(loc, "2026-10-24", "2026-10-25", "2026-10-26"),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sleepUntil(tc.start)
				rec := newRecorder(loc)
				jobs := []Job{
					{Name: "daily-0800", Spec: "0 8 * * *", Run: rec.job(nil)},
					{Name: "daily-0300", Spec: "0 3 * * *", Run: rec.job(nil)},
					{Name: "hourly", Spec: "0 * * * *", Run: rec.job(nil)},
				}
				logger, _ := newLogger()
				stop := start(t, mustNew(t, jobs, newMemSlots(), loc, logger))
				sleepUntil(tc.end)
				stop()
				got := onDays(rec.get(), tc.days)
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("runs from %v to %v differ (-want +got):\n%s", tc.start, tc.end, diff)
				}
			})
		})
	}
}

func TestHourlyCounts(t *testing.T) {
	// The oracle above, checked against plain counts so it cannot be wrong
	// in the same way as the code.
	loc := rome(t)
	for day, want := range map[string]int{"2026-03-29": 23, "2026-10-25": 24, "2026-05-12": 24} {
		if got := len(hourlyRuns(loc, day)); got != want {
			t.Errorf("len(hourlyRuns(%s)) = %d; want %d", day, got, want)
		}
	}
}

func TestCatchUpAfterOutage(t *testing.T) {
	loc := rome(t)
	at := func(day, hour, min int) time.Time { return time.Date(2026, 5, day, hour, min, 0, 0, loc) }
	tests := []struct {
		name                         string
		opts                         []Option
		start, stop, restart, finish time.Time
		want                         map[string][]ran
	}{{
		name:  "6h outage across 08:00 runs it once at restart",
		start: at(12, 7, 0), stop: at(12, 7, 30), restart: at(12, 13, 30), finish: at(12, 14, 30),
		want: map[string][]ran{
			"daily": {
				{Slot: "2026-05-11T08:00+02:00", At: "2026-05-12T07:00+02:00"}, // fresh store: latest slot, 23h old
				{Slot: "2026-05-12T08:00+02:00", At: "2026-05-12T13:30+02:00"},
			},
			"hourly": { // 08:00-12:00 are not replayed
				{Slot: "2026-05-12T07:00+02:00", At: "2026-05-12T07:00+02:00"},
				{Slot: "2026-05-12T13:00+02:00", At: "2026-05-12T13:30+02:00"},
				{Slot: "2026-05-12T14:00+02:00", At: "2026-05-12T14:00+02:00"},
			},
		},
	}, {
		name:  "missed slot older than the catch-up limit is dropped",
		opts:  []Option{WithMaxCatchUp(4 * time.Hour)},
		start: at(12, 7, 0), stop: at(12, 7, 30), restart: at(12, 13, 30), finish: at(12, 14, 30),
		want: map[string][]ran{
			"hourly": {
				{Slot: "2026-05-12T07:00+02:00", At: "2026-05-12T07:00+02:00"},
				{Slot: "2026-05-12T13:00+02:00", At: "2026-05-12T13:30+02:00"},
				{Slot: "2026-05-12T14:00+02:00", At: "2026-05-12T14:00+02:00"},
			},
		},
	}, {
		name:  "three-day outage runs only the latest slot",
		start: at(12, 7, 0), stop: at(12, 7, 30), restart: at(15, 9, 0), finish: at(15, 9, 30),
		want: map[string][]ran{
			"daily": {
				{Slot: "2026-05-11T08:00+02:00", At: "2026-05-12T07:00+02:00"},
				{Slot: "2026-05-15T08:00+02:00", At: "2026-05-15T09:00+02:00"},
			},
			"hourly": {
				{Slot: "2026-05-12T07:00+02:00", At: "2026-05-12T07:00+02:00"},
				{Slot: "2026-05-15T09:00+02:00", At: "2026-05-15T09:00+02:00"},
			},
		},
	}, {
		name:  "restart with nothing missed runs nothing twice",
		start: at(12, 7, 0), stop: at(12, 8, 30), restart: at(12, 8, 40), finish: at(12, 9, 30),
		want: map[string][]ran{
			"daily": {
				{Slot: "2026-05-11T08:00+02:00", At: "2026-05-12T07:00+02:00"},
				{Slot: "2026-05-12T08:00+02:00", At: "2026-05-12T08:00+02:00"},
			},
			"hourly": onTimeRuns("2026-05-12T07:00+02:00", "2026-05-12T08:00+02:00", "2026-05-12T09:00+02:00"),
		},
	}, {
		name:  "catch-up off",
		opts:  []Option{WithMaxCatchUp(0)},
		start: at(12, 7, 0), stop: at(12, 8, 30), restart: at(12, 13, 30), finish: at(12, 14, 30),
		want: map[string][]ran{
			"daily":  onTimeRuns("2026-05-12T08:00+02:00"),
			"hourly": onTimeRuns("2026-05-12T08:00+02:00", "2026-05-12T14:00+02:00"),
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := newRecorder(loc)
				jobs := []Job{
					{Name: "daily", Spec: "0 8 * * *", Run: rec.job(nil)},
					{Name: "hourly", Spec: "0 * * * *", Run: rec.job(nil)},
				}
				store := newMemSlots()
				logger, _ := newLogger()
				sleepUntil(tc.start)
				stop := start(t, mustNew(t, jobs, store, loc, logger, tc.opts...))
				sleepUntil(tc.stop)
				stop()
				sleepUntil(tc.restart)
				stop = start(t, mustNew(t, jobs, store, loc, logger, tc.opts...))
				sleepUntil(tc.finish)
				stop()
				if diff := cmp.Diff(tc.want, rec.get()); diff != "" {
					t.Errorf("runs differ (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestTwoSchedulersOneStore(t *testing.T) {
	loc := rome(t)
	synctest.Test(t, func(t *testing.T) {
		sleepUntil(time.Date(2026, 10, 23, 0, 0, 0, 0, loc))
		rec := newRecorder(loc)
		slow := func(ctx context.Context, _ Slot) error {
			time.Sleep(10 * time.Second) // keep both replicas busy at once
			return nil
		}
		jobs := []Job{
			{Name: "daily-0800", Spec: "0 8 * * *", Run: rec.job(slow)},
			{Name: "daily-0300", Spec: "0 3 * * *", Run: rec.job(slow)},
			{Name: "hourly", Spec: "0 * * * *", Run: rec.job(slow)},
			{Name: "quarter", Spec: "*/15 * * * *", Run: rec.job(slow)},
		}
		store := newMemSlots()
		logger, _ := newLogger()
		stopA := start(t, mustNew(t, jobs, store, loc, logger))
		stopB := start(t, mustNew(t, jobs, store, loc, logger))
		sleepUntil(time.Date(2026, 10, 26, 23, 50, 0, 0, loc))
		stopA()
		stopB()

		wantCount := map[string]int{
			"daily-0800": 5,          // 22 Oct (caught up at start), 23-26 Oct
			"daily-0300": 5,          // 22 Oct (caught up at start), 23-26 Oct
			"hourly":     4 * 24,     // wall-clock hours 00:00 23 Oct to 23:00 26 Oct, 02:00 on 25 Oct once
			"quarter":    4 * 24 * 4, // 00:00 23 Oct to 23:45 26 Oct, the repeated 02:xx once
		}
		got := rec.get()
		for name, want := range wantCount {
			runs := got[name]
			seen := map[string]bool{}
			for _, r := range runs {
				id := r.Slot[:16] // local wall-clock slot
				if seen[id] {
					t.Errorf("job %s ran slot %s twice", name, id)
				}
				seen[id] = true
			}
			if len(runs) != want {
				t.Errorf("job %s ran %d slots; want %d", name, len(runs), want)
			}
		}
	})
}
