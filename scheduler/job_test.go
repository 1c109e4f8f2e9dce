package scheduler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func noop(context.Context, Slot) error { return nil }

func TestValidateJobsSpecs(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		spec string
		ok   bool
	}{
		{"0 8 * * *", true},
		{"0 3 * * *", true},
		{"30 1 * * *", true},
		{"0 * * * *", true}, // every hour: exempt
		{"*/15 * * * *", true},
		{"* * * * *", true},
		{"0 0-23 * * *", true},
		{"0 9 * * 1", true},
		{"0 20 1 * *", true},
		{"@daily", true},
		{"@hourly", true},
		{"@weekly", true},
		{"30 2 * * *", false},
		{"0 2 * * 0", false},
		{"* 2 * * *", false},
		{"0 1-3 * * *", false},
		{"0 */2 * * *", false},
		{"0 0,2,4 * * *", false},
		{"@every 1h", false},
		{"CRON_TZ=UTC 0 8 * * *", false},
		{"TZ=Europe/Rome 0 8 * * *", false},
		{"0 8 * *", false},
		{"0 8 * * * *", false},
		{"0 25 * * *", false},
		{"", false},
		{"every morning", false},
	}
	for _, tc := range tests {
		err := ValidateJobs([]Job{{Name: "j", Spec: tc.spec, Run: noop}}, loc)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateJobs(spec %q) = %v; want ok %v", tc.spec, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidJob) {
			t.Errorf("ValidateJobs(spec %q) = %v; want it to wrap ErrInvalidJob", tc.spec, err)
		}
	}
}

func TestValidateJobsTable(t *testing.T) {
	loc := rome(t)
	good := Job{Name: "reminders", Spec: "0 8 * * *", Run: noop}
	tests := []struct {
		name string
		jobs []Job
		loc  *time.Location
		ok   bool
	}{
		{"empty table", nil, loc, true},
		{"one job", []Job{good}, loc, true},
		{"UTC", []Job{good}, time.UTC, true},
		{"nil location", []Job{good}, nil, false},
		{"duplicate name", []Job{good, good}, loc, false},
		{"empty name", []Job{{Spec: "0 8 * * *", Run: noop}}, loc, false},
		{"name with colon", []Job{{Name: "a:b", Spec: "0 8 * * *", Run: noop}}, loc, false},
		{"name with space", []Job{{Name: "a b", Spec: "0 8 * * *", Run: noop}}, loc, false},
		{"nil Run", []Job{{Name: "a", Spec: "0 8 * * *"}}, loc, false},
		{"02:30 in UTC too", []Job{{Name: "a", Spec: "30 2 * * *", Run: noop}}, time.UTC, false},
		// New York changes at 02:00 as well; Lord Howe by half an hour at 02:00.
		{"02:30 in New York", []Job{{Name: "a", Spec: "30 2 * * *", Run: noop}}, mustLoad(t, "America/New_York"), false},
		{"01:30 in Lord Howe", []Job{{Name: "a", Spec: "30 1 * * *", Run: noop}}, mustLoad(t, "Australia/Lord_Howe"), false},
		{"00:30 in Santiago", []Job{{Name: "a", Spec: "30 0 * * *", Run: noop}}, mustLoad(t, "America/Santiago"), false},
		{"00:30 in Rome", []Job{{Name: "a", Spec: "30 0 * * *", Run: noop}}, loc, true},
	}
	for _, tc := range tests {
		err := ValidateJobs(tc.jobs, tc.loc)
		if (err == nil) != tc.ok {
			t.Errorf("%s: ValidateJobs() = %v; want ok %v", tc.name, err, tc.ok)
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%s) = %v", name, err)
	}
	return loc
}

func TestRiskyHours(t *testing.T) {
	tests := []struct {
		zone string
		want []int
	}{
		{"Europe/Rome", []int{2}},
		{"UTC", []int{2}},
		{"America/Santiago", []int{0, 2, 23}}, // 24:00 -> 23:00 in April, 00:00 -> 01:00 in September
		{"Australia/Lord_Howe", []int{1, 2}},  // 02:00 -> 01:30 in April, 02:00 -> 02:30 in October
		{"Asia/Tokyo", []int{2}},
	}
	for _, tc := range tests {
		risky := riskyHours(mustLoad(t, tc.zone), referenceYear)
		var got []int
		for h := range 24 {
			if risky[h] {
				got = append(got, h)
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("riskyHours(%s, %d) differs (-want +got):\n%s", tc.zone, referenceYear, diff)
		}
	}
}

func TestSlot(t *testing.T) {
	loc := rome(t)
	s := Slot{Job: "reminders", Time: time.Date(2026, 10, 25, 8, 0, 0, 0, loc)}
	if got, want := s.ID(), "2026-10-25T08:00"; got != want {
		t.Errorf("Slot.ID() = %q; want %q", got, want)
	}
	if got, want := s.String(), "reminders:2026-10-25T08:00"; got != want {
		t.Errorf("Slot.String() = %q; want %q", got, want)
	}
}

func TestPrevFire(t *testing.T) {
	loc := rome(t)
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, loc) }
	tests := []struct {
		spec string
		now  time.Time
		want time.Time
	}{
		{"0 8 * * *", at(5, 12, 8, 0), at(5, 12, 8, 0)},
		{"0 8 * * *", at(5, 12, 7, 59), at(5, 11, 8, 0)},
		{"0 * * * *", at(5, 12, 13, 30), at(5, 12, 13, 0)},
		{"* * * * *", at(5, 12, 13, 30).Add(30 * time.Second), at(5, 12, 13, 30)},
		{"0 9 * * 1", at(5, 12, 8, 0), at(5, 11, 9, 0)},                          // Monday
		{"0 9 1 1 *", at(5, 12, 8, 0), at(1, 1, 9, 0)},                           // yearly
		{"0 9 29 2 *", at(5, 12, 8, 0), time.Date(2024, 2, 29, 9, 0, 0, 0, loc)}, // leap day
		{"0 3 * * *", at(3, 29, 3, 0), at(3, 29, 3, 0)},                          // just after the spring gap
	}
	for _, tc := range tests {
		s, err := parseSpec(tc.spec, loc)
		if err != nil {
			t.Fatalf("parseSpec(%q) = %v", tc.spec, err)
		}
		got, ok := prevFire(s, tc.now)
		if !ok || !got.Equal(tc.want) {
			t.Errorf("prevFire(%q, %v) = %v, %v; want %v, true", tc.spec, tc.now, got, ok, tc.want)
		}
	}
}

func BenchmarkValidateJobs(b *testing.B) {
	loc := rome(b)
	jobs := []Job{
		{Name: "reminders", Spec: "0 8 * * *", Run: noop},
		{Name: "checkins", Spec: "0 18 * * 0", Run: noop},
		{Name: "riskscan", Spec: "30 3 * * *", Run: noop},
		{Name: "escalation", Spec: "*/15 * * * *", Run: noop},
		{Name: "office", Spec: "*/5 9-17 * * 1-5", Run: noop},
	}
	for b.Loop() {
		if err := ValidateJobs(jobs, loc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPrevFire(b *testing.B) {
	loc := rome(b)
	now := time.Date(2026, 5, 12, 13, 30, 0, 0, loc)
	for _, spec := range []string{"0 8 * * *", "*/15 * * * *", "0 9 * * 1"} {
		s, err := parseSpec(spec, loc)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(spec, func(b *testing.B) {
			for b.Loop() {
				prevFire(s, now)
			}
		})
	}
}
