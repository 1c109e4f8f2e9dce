package main

import (
	"slices"
	"testing"
	"time"

	"github.com/convivo/convivo/scheduler"
)

// TestJobTable: every job's spec parses in Europe/Rome, none fires in
// 02:00-02:59 (except hourly ones), and the table holds every job the
// README lists.
func TestJobTable(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	s := &service{e: &env{cfg: Config{Timezone: loc}}, metrics: newMetrics(nil), opts: serviceOptions{now: time.Now}}
	jobs := s.jobs()
	if err := scheduler.ValidateJobs(jobs, loc); err != nil {
		t.Fatalf("ValidateJobs = %v", err)
	}
	var names []string
	for _, j := range jobs {
		names = append(names, j.Name)
	}
	for _, want := range []string{"rota", "chore-reminders", "checkin", "checkin-close", "outing-reminders",
		"nightly-round", "placements", "risk-scan", "escalate", "retention"} {
		if !slices.Contains(names, want) {
			t.Errorf("job table lacks %q (has %v)", want, names)
		}
	}
}
