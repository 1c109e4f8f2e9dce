package warning_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// brief is a reason reduced to what the tests check.
type brief struct {
	Key          string
	PersonID     string
	Contribution int
}

func briefs(rs []housing.Reason) []brief {
	var out []brief
	for _, r := range rs {
		out = append(out, brief{r.Key, r.PersonID, r.Contribution})
	}
	return out
}

// raised is an alert reduced to what the tests check.
type raised struct {
	At      time.Time
	Level   housing.AlertLevel
	Score   int
	Reasons []brief
}

func summarize(as []housing.Alert) []raised {
	var out []raised
	for _, a := range as {
		out = append(out, raised{a.CreatedAt, a.Level, a.Score, briefs(a.Reasons)})
	}
	return out
}

// wantDeclining is what the nightly scans of the declining household
// raise. The Monday figures are those housing's risk tests work out by
// hand for weeks 4, 5 and 6 of the decline; between Mondays only the
// chores move, and on Thursday of week 4 they add a reason the first
// alert did not have.
func wantDeclining(h household) []raised {
	return []raised{
		{h.night(8, 0), housing.AlertWatch, 29, []brief{
			{housing.ReasonMoodDrop, "anna", 14}, {housing.ReasonMoodLow, "anna", 8}, {housing.ReasonChoresDrop, "", 7},
		}},
		{h.night(8, 3), housing.AlertWatch, 34, []brief{ // 67% of chores done, 18 of 27
			{housing.ReasonMoodDrop, "anna", 14}, {housing.ReasonChoresDrop, "", 10},
			{housing.ReasonMoodLow, "anna", 8}, {housing.ReasonChoresLow, "", 2},
		}},
		{h.night(9, 0), housing.AlertAtRisk, 49, []brief{
			{housing.ReasonMoodDrop, "anna", 15}, {housing.ReasonMoodLow, "anna", 14},
			{housing.ReasonChoresDrop, "", 13}, {housing.ReasonChoresLow, "", 7},
		}},
		{h.night(10, 0), housing.AlertAtRisk, 68, []brief{
			{housing.ReasonMoodLow, "anna", 17}, {housing.ReasonChoresDrop, "", 14}, {housing.ReasonMoodDrop, "anna", 14},
			{housing.ReasonChoresLow, "", 13}, {housing.ReasonCheckInsMissed, "marta", 10},
		}},
	}
}

// nights returns the nightly scans of the six weeks of decline, from the
// Monday after the healthy weeks to the Monday after the last week.
func nights(h household) []time.Time {
	var out []time.Time
	for n := range 6*7 + 1 {
		out = append(out, h.night(4, n))
	}
	return out
}

// simulate scans every night with each of the services at once (replicas)
// and returns the alerts each night raised, by night.
func simulate(t *testing.T, h household, st interface {
	warning.Store
	stateWriter
}, svcs ...*warning.Service) map[time.Time]int {
	t.Helper()
	raisedOn := make(map[time.Time]int)
	for _, now := range nights(h) {
		seen(t, st, now)
		var wg sync.WaitGroup
		reps := make([]warning.ScanReport, len(svcs))
		errs := make([]error, len(svcs))
		for i, s := range svcs {
			wg.Go(func() { reps[i], errs[i] = s.Scan(t.Context(), now) })
		}
		wg.Wait()
		for i, rep := range reps {
			if errs[i] != nil {
				t.Fatalf("Scan(%v) = %v", now, errs[i])
			}
			if rep.Placements != 1 {
				t.Errorf("Scan(%v).Placements = %d; want 1", now, rep.Placements)
			}
			raisedOn[now] += rep.Alerts
		}
	}
	return raisedOn
}

// staffOnly fails the test for every message to someone not staff, or
// living in the household.
func staffOnly(t *testing.T, msgs []message) {
	t.Helper()
	for _, m := range msgs {
		if !m.To.Role.Staff() || slices.Contains(residents(), m.To.ID) {
			t.Errorf("message %s went to %s (%s); want staff only", m.Key, m.To.ID, m.To.Role)
		}
	}
}

func TestScanDecliningHousehold(t *testing.T) {
	for _, replicas := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d replicas", replicas), func(t *testing.T) {
			h := declining(t)
			m, o := newMemStore(), newOutbox()
			h.load(m, "pl_1")
			// Replicas meet before creating an alert, so that each has
			// decided to create it before either does.
			m.beforeCreate = barrier(replicas)
			var svcs []*warning.Service
			for range replicas {
				svcs = append(svcs, newService(t, m, o, warning.Config{}))
			}
			raisedOn := simulate(t, h, m, svcs...)
			as, _ := m.Alerts(t.Context(), housing.AlertFilter{})
			want := wantDeclining(h)
			if diff := cmp.Diff(want, summarize(as)); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			for _, now := range nights(h) {
				n := 0
				if slices.ContainsFunc(want, func(r raised) bool { return r.At.Equal(now) }) {
					n = 1
				}
				if raisedOn[now] != n {
					t.Errorf("alerts raised on %v = %d; want %d", now, raisedOn[now], n)
				}
			}
			checkMessages(t, o.messages(), as, worker)
			if hist, _ := m.RiskHistory(t.Context(), "pl_1", time.Time{}); len(hist) != len(nights(h)) {
				t.Errorf("risk history has %d scores; want one a night, %d", len(hist), len(nights(h)))
			}
		})
	}
}

// checkMessages checks that each alert went once to each of to, and
// nothing else went out.
func checkMessages(t *testing.T, msgs []message, as []housing.Alert, to ...string) {
	t.Helper()
	staffOnly(t, msgs)
	var want, got []string
	for _, a := range as {
		for _, p := range to {
			want = append(want, warning.AlertKey(a.ID, p))
		}
	}
	for _, m := range msgs {
		got = append(got, m.Key)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outbox keys (-want +got):\n%s", diff)
	}
}

func TestScanHealthyHousehold(t *testing.T) {
	h := healthy(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	simulate(t, h, m, newService(t, m, o, warning.Config{}))
	if as, _ := m.Alerts(t.Context(), housing.AlertFilter{}); len(as) != 0 {
		t.Errorf("alerts = %v; want none", summarize(as))
	}
	if msgs := o.messages(); len(msgs) != 0 {
		t.Errorf("messages = %v; want none", msgs)
	}
}

func TestScanSkipsPlacementsNotLiving(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	for _, st := range []housing.PlacementStatus{housing.PlacementProposed, housing.PlacementIntroduced, housing.PlacementEnded} {
		pl := h.placement("pl_" + string(st))
		pl.Status, pl.Outcome = st, housing.OutcomeNone
		if st == housing.PlacementEnded {
			pl.Outcome = housing.OutcomeMoved
		}
		m.placements[pl.ID] = pl
	}
	under := h.placement("pl_review")
	under.Status = housing.PlacementUnderReview
	m.placements[under.ID] = under
	m.checkIns = append(m.checkIns, h.checkIns(under.ID)...)
	now := h.night(8, 0)
	seen(t, m, now)
	rep, err := newService(t, m, o, warning.Config{}).Scan(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	// The same household's records are pl_1's and pl_review's: both alert.
	if rep.Placements != 2 || rep.Alerts != 2 || rep.ByLevel[housing.AlertWatch] != 2 || rep.AtLevel[housing.AlertWatch] != 2 {
		t.Errorf("Scan = %+v; want 2 placements, 2 watch alerts", rep)
	}
}

// TestScanRecipients checks who a new alert goes to: the responsible
// workers, never a resident even if the care record names one, and the
// district's mediators when nobody is responsible.
func TestScanRecipients(t *testing.T) {
	tests := []struct {
		name string
		care map[string][]string // responsible workers by resident
		want []string
	}{
		{"worker", map[string][]string{"anna": {worker}, "luca": {worker}}, []string{worker}},
		{"two workers", map[string][]string{"anna": {worker}, "marta": {otherWorker, worker}}, []string{worker, otherWorker}},
		{"a resident named by mistake", map[string][]string{"luca": {"anna", worker, "marta"}}, []string{worker}},
		{"nobody responsible", nil, []string{mediator}},
		{"only residents named", map[string][]string{"luca": {"anna"}}, []string{mediator}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := declining(t)
			m, o := newMemStore(), newOutbox()
			h.load(m, "pl_1")
			clear(m.care)
			for p, ws := range tt.care {
				m.care[p] = housing.CareInfo{PersonID: p, ResponsibleWorkers: ws}
			}
			now := h.night(8, 0)
			seen(t, m, now)
			if _, err := newService(t, m, o, warning.Config{}).Scan(t.Context(), now); err != nil {
				t.Fatal(err)
			}
			as, _ := m.Alerts(t.Context(), housing.AlertFilter{})
			slices.Sort(tt.want)
			checkMessages(t, o.messages(), as, tt.want...)
		})
	}
}

// TestScanCrashBeforeNotify stores an alert and then fails or crashes in
// the Notifier: the next scan delivers it, exactly once.
func TestScanCrashBeforeNotify(t *testing.T) {
	for _, crash := range []string{"error", "panic"} {
		t.Run(crash, func(t *testing.T) {
			h := declining(t)
			m, o := newMemStore(), newOutbox()
			h.load(m, "pl_1")
			s := newService(t, m, o, warning.Config{Workers: 1})
			fails := 1
			o.onRaised = func(housing.Alert) error {
				if fails == 0 {
					return nil
				}
				fails--
				if crash == "panic" {
					panic("crash between PutAlert and the notifier")
				}
				return errors.New("telegram is down")
			}
			first := h.night(8, 0)
			seen(t, m, first)
			err := scanRecovering(t, s, first)
			if err == nil {
				t.Fatalf("Scan(%v) = nil error; want the notifier's failure", first)
			}
			as, _ := m.Alerts(t.Context(), housing.AlertFilter{})
			if len(as) != 1 || len(o.messages()) != 0 {
				t.Fatalf("after the failure: %d alerts, %d messages; want 1 alert stored, nothing sent", len(as), len(o.messages()))
			}
			for n := 1; n <= 2; n++ {
				now := h.night(8, n)
				seen(t, m, now)
				rep, err := s.Scan(t.Context(), now)
				if err != nil {
					t.Fatalf("Scan(%v) = %v", now, err)
				}
				if want := 2 - n; rep.Redelivered != want || rep.Alerts != 0 {
					t.Errorf("Scan(%v) = %+v; want %d redelivered, no new alert", now, rep, want)
				}
			}
			checkMessages(t, o.messages(), as, worker)
		})
	}
}

// scanRecovering runs one Scan and turns a panic into an error, as a
// process restart would end it.
func scanRecovering(t *testing.T, s *warning.Service, now time.Time) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	_, err = s.Scan(t.Context(), now)
	return err
}

func TestNewRejectsBadWeights(t *testing.T) {
	w := housing.DefaultRiskWeights()
	w.Watch = 0
	if _, err := warning.New(newMemStore(), newOutbox(), warning.Config{Weights: w}, discard()); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("New(watch 0) = %v; want ErrInvalid", err)
	}
}
