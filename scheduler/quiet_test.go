package scheduler

import (
	"testing"
	"time"
)

func mustQuiet(t *testing.T, s string, loc *time.Location) QuietHours {
	t.Helper()
	q, err := ParseQuietHours(s, loc)
	if err != nil {
		t.Fatalf("ParseQuietHours(%q) = %v", s, err)
	}
	return q
}

func TestParseQuietHours(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		in         string
		start, end time.Duration
		ok         bool
	}{
		{DefaultQuietHours, 21 * time.Hour, 8 * time.Hour, true},
		{"08:00-21:00", 8 * time.Hour, 21 * time.Hour, true},
		{" 22:30 - 07:15 ", 22*time.Hour + 30*time.Minute, 7*time.Hour + 15*time.Minute, true},
		{"00:00-00:00", 0, 0, true},
		{"2100-0800", 0, 0, false},
		{"21:00", 0, 0, false},
		{"24:00-08:00", 0, 0, false},
		{"21:60-08:00", 0, 0, false},
		{"9pm-8am", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tc := range tests {
		q, err := ParseQuietHours(tc.in, loc)
		if (err == nil) != tc.ok {
			t.Errorf("ParseQuietHours(%q) = %v; want ok %v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && (q.Start != tc.start || q.End != tc.end || q.Location != loc) {
			t.Errorf("ParseQuietHours(%q) = %+v; want Start %v End %v in %v", tc.in, q, tc.start, tc.end, loc)
		}
	}
	if _, err := ParseQuietHours(DefaultQuietHours, nil); err == nil {
		t.Errorf("ParseQuietHours(%q, nil) = nil error; want an error", DefaultQuietHours)
	}
	if got := mustQuiet(t, " 22:30 - 07:15 ", loc).String(); got != "22:30-07:15" {
		t.Errorf("QuietHours.String() = %q; want %q", got, "22:30-07:15")
	}
}

func TestQuietHoursContains(t *testing.T) {
	loc := rome(t)
	q := mustQuiet(t, DefaultQuietHours, loc)
	tests := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 5, 12, 20, 59, 59, 0, loc), false},
		{time.Date(2026, 5, 12, 21, 0, 0, 0, loc), true},
		{time.Date(2026, 5, 12, 23, 59, 0, 0, loc), true},
		{time.Date(2026, 5, 13, 0, 0, 0, 0, loc), true},
		{time.Date(2026, 5, 13, 7, 59, 59, 0, loc), true},
		{time.Date(2026, 5, 13, 8, 0, 0, 0, loc), false},
		{time.Date(2026, 5, 13, 12, 0, 0, 0, loc), false},
		{time.Date(2026, 5, 13, 6, 30, 0, 0, time.UTC), false}, // 08:30 in Rome
		{time.Date(2026, 5, 13, 19, 30, 0, 0, time.UTC), true}, // 21:30 in Rome
		{time.Date(2026, 3, 29, 7, 30, 0, 0, loc), true},       // spring day, 07:30 CEST
		{time.Date(2026, 3, 29, 6, 30, 0, 0, time.UTC), false}, // spring day, 08:30 CEST
		{time.Date(2026, 10, 25, 6, 30, 0, 0, time.UTC), true}, // autumn day, 07:30 CET
		{time.Date(2026, 10, 25, 7, 30, 0, 0, time.UTC), false},
	}
	for _, tc := range tests {
		if got := q.Contains(tc.at); got != tc.want {
			t.Errorf("QuietHours(%v).Contains(%v) = %v; want %v", q, tc.at, got, tc.want)
		}
	}
	day := mustQuiet(t, "08:00-21:00", loc)
	if !day.Contains(time.Date(2026, 5, 12, 12, 0, 0, 0, loc)) || day.Contains(time.Date(2026, 5, 12, 22, 0, 0, 0, loc)) {
		t.Errorf("QuietHours(08:00-21:00).Contains is wrong at 12:00 or 22:00")
	}
	var zero QuietHours
	if zero.Contains(time.Date(2026, 5, 12, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("QuietHours{}.Contains(midnight) = true; want false")
	}
}

func TestQuietHoursNextAllowed(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		window   string
		at, want time.Time
	}{
		{DefaultQuietHours, time.Date(2026, 5, 12, 12, 0, 0, 0, loc), time.Date(2026, 5, 12, 12, 0, 0, 0, loc)},
		{DefaultQuietHours, time.Date(2026, 5, 12, 22, 15, 0, 0, loc), time.Date(2026, 5, 13, 8, 0, 0, 0, loc)},
		{DefaultQuietHours, time.Date(2026, 5, 13, 3, 0, 0, 0, loc), time.Date(2026, 5, 13, 8, 0, 0, 0, loc)},
		{DefaultQuietHours, time.Date(2026, 5, 12, 19, 15, 0, 0, time.UTC), time.Date(2026, 5, 13, 8, 0, 0, 0, loc)},
		// The night of the spring change is an hour shorter, that of the autumn one an hour longer.
		{DefaultQuietHours, time.Date(2026, 3, 28, 22, 0, 0, 0, loc), time.Date(2026, 3, 29, 8, 0, 0, 0, loc)},
		{DefaultQuietHours, time.Date(2026, 10, 24, 22, 0, 0, 0, loc), time.Date(2026, 10, 25, 8, 0, 0, 0, loc)},
		// A window ending inside the skipped hour ends at the change, 03:00 CEST.
		{"21:00-02:30", time.Date(2026, 3, 28, 22, 0, 0, 0, loc), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		// A window ending inside the repeated hour ends at its first 02:30, CEST.
		{"21:00-02:30", time.Date(2026, 10, 24, 22, 0, 0, 0, loc), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"08:00-21:00", time.Date(2026, 5, 12, 8, 0, 0, 0, loc), time.Date(2026, 5, 12, 21, 0, 0, 0, loc)},
	}
	for _, tc := range tests {
		q := mustQuiet(t, tc.window, loc)
		got := q.NextAllowed(tc.at)
		if !got.Equal(tc.want) || got.Location() != loc {
			t.Errorf("QuietHours(%v).NextAllowed(%v) = %v; want %v in %v", q, tc.at, got, tc.want.In(loc), loc)
		}
	}
}

// TestQuietHoursNextAllowedOracle compares NextAllowed with a minute-by-minute
// scan for the first instant outside the window, on days around both 2026
// clock changes and an ordinary day, for windows that cross midnight, end
// inside the changed hour, or contain it.
func TestQuietHoursNextAllowedOracle(t *testing.T) {
	loc := rome(t)
	windows := []string{DefaultQuietHours, "08:00-21:00", "00:00-06:00", "21:00-02:30", "01:30-02:30", "02:15-03:15", "23:00-00:00", "12:00-12:00"}
	days := []time.Time{
		time.Date(2026, 3, 28, 0, 0, 0, 0, loc),
		time.Date(2026, 10, 24, 0, 0, 0, 0, loc),
		time.Date(2026, 5, 12, 0, 0, 0, 0, loc),
	}
	for _, w := range windows {
		q := mustQuiet(t, w, loc)
		for _, day := range days {
			for at := day; at.Before(day.Add(72 * time.Hour)); at = at.Add(17 * time.Minute) {
				want := at
				for q.Contains(want) {
					want = want.Add(time.Minute)
				}
				if got := q.NextAllowed(at); !got.Equal(want) {
					t.Errorf("QuietHours(%v).NextAllowed(%v) = %v; want %v", q, at, got, want)
				}
			}
		}
	}
}
