package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// ids returns the ids of records, in order.
func ids[T any](rs []T, id func(*T) string) []string {
	out := make([]string, len(rs))
	for i := range rs {
		out[i] = id(&rs[i])
	}
	return out
}

// wantIDs fails the test unless got holds the ids want, in order.
func wantIDs(t *testing.T, what string, got []string, err error, want ...string) {
	t.Helper()
	must(t, what, err)
	if len(got) != len(want) {
		t.Errorf("%s = %v; want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %v; want %v", what, got, want)
			return
		}
	}
}

// testLifeIndexesFollowChanges checks that a record changed to other
// values leaves the lists of its old values and joins the new ones.
func testLifeIndexesFollowChanges(t *testing.T, s housing.Store) {
	ctx := t.Context()
	day := housingtest.Epoch().Truncate(24 * time.Hour)
	assignmentID := func(a *housing.Assignment) string { return a.ID }

	a := &housing.Assignment{HomeID: "h1", TaskID: "t1", Effort: 1, Due: day, AssignedTo: "p1", PersonID: "p1",
		Status: housing.AssignmentAssigned}
	must(t, "PutAssignment", s.PutAssignment(ctx, a))
	b := &housing.Assignment{HomeID: "h1", TaskID: "t2", Effort: 1, Due: day.AddDate(0, 0, 1), AssignedTo: "p1",
		PersonID: "p1", Status: housing.AssignmentAssigned}
	must(t, "PutAssignment", s.PutAssignment(ctx, b))
	a.PersonID, a.Status, a.Due = "p2", housing.AssignmentSwapped, day.AddDate(0, 0, 3)
	must(t, "PutAssignment(swapped, moved)", s.PutAssignment(ctx, a))
	for _, tc := range []struct {
		name string
		f    housing.AssignmentFilter
		want []string
	}{
		{"p1", housing.AssignmentFilter{PersonID: "p1"}, []string{b.ID}},
		{"p2", housing.AssignmentFilter{PersonID: "p2"}, []string{a.ID}},
		{"h1 by due", housing.AssignmentFilter{HomeID: "h1"}, []string{b.ID, a.ID}},
		{"h1 from day+2", housing.AssignmentFilter{HomeID: "h1", From: day.AddDate(0, 0, 2)}, []string{a.ID}},
		{"h1 to day+3", housing.AssignmentFilter{HomeID: "h1", To: day.AddDate(0, 0, 3)}, []string{b.ID}},
		{"h1 and p2", housing.AssignmentFilter{HomeID: "h1", PersonID: "p2"}, []string{a.ID}},
		{"h2", housing.AssignmentFilter{HomeID: "h2"}, nil},
		{"all", housing.AssignmentFilter{}, []string{b.ID, a.ID}},
	} {
		got, err := s.Assignments(ctx, tc.f)
		wantIDs(t, "Assignments("+tc.name+")", ids(got, assignmentID), err, tc.want...)
	}

	at := housingtest.Epoch()
	o := &housing.Outing{Title: "Cinema", At: at, Place: "Lumière", Organiser: "w1", District: housing.DistrictBologna,
		HomeIDs: []string{"h1"}, Invitees: []string{"p1", "p2"}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	must(t, "PutOuting", s.PutOuting(ctx, o))
	o.District, o.HomeIDs, o.Invitees = housing.DistrictPianuraEst, nil, []string{"p2", "p3"}
	must(t, "PutOuting(changed)", s.PutOuting(ctx, o))
	outingID := func(o *housing.Outing) string { return o.ID }
	for _, tc := range []struct {
		name string
		f    housing.OutingFilter
		want []string
	}{
		{"invitee p1", housing.OutingFilter{Invitee: "p1"}, nil},
		{"invitee p3", housing.OutingFilter{Invitee: "p3"}, []string{o.ID}},
		{"home h1", housing.OutingFilter{HomeID: "h1"}, nil},
		{"old district", housing.OutingFilter{District: housing.DistrictBologna}, nil},
		{"new district, p2", housing.OutingFilter{District: housing.DistrictPianuraEst, Invitee: "p2"}, []string{o.ID}},
		{"before it", housing.OutingFilter{Invitee: "p2", To: at}, nil},
	} {
		got, err := s.Outings(ctx, tc.f)
		wantIDs(t, "Outings("+tc.name+")", ids(got, outingID), err, tc.want...)
	}

	al := &housing.Alert{PlacementID: "pl1", Level: housing.AlertAtRisk, Score: 40, DedupKey: "k", CreatedAt: at,
		Status: housing.AlertOpen, Reasons: []housing.Reason{{Key: "risk.mood_low"}}}
	must(t, "PutAlert", s.PutAlert(ctx, al))
	must(t, "Resolve", al.Resolve("w1", "talked", at.Add(time.Hour)))
	must(t, "PutAlert(resolved)", s.PutAlert(ctx, al))
	alertID := func(a *housing.Alert) string { return a.ID }
	for _, tc := range []struct {
		name string
		f    housing.AlertFilter
		want []string
	}{
		{"open", housing.AlertFilter{Status: housing.AlertOpen}, nil},
		{"resolved", housing.AlertFilter{Status: housing.AlertResolved, PlacementID: "pl1"}, []string{al.ID}},
		{"pl1 open only", housing.AlertFilter{PlacementID: "pl1", OpenOnly: true}, nil},
	} {
		got, err := s.Alerts(ctx, tc.f)
		wantIDs(t, "Alerts("+tc.name+")", ids(got, alertID), err, tc.want...)
	}
}

// testLifeVersionsAndRepeats checks the version rule where the other tests
// do not, that deleting a task twice is harmless, and that a risk score
// at an instant already stored replaces it.
func testLifeVersionsAndRepeats(t *testing.T, s housing.Store) {
	ctx := t.Context()
	at := housingtest.Epoch()
	ghost := &housing.Task{ID: "t-ghost", HomeID: "h1", Title: "Windows", EveryDays: 7, Effort: 1, Version: 3}
	wantErr(t, "PutTask(version 3, none stored)", s.PutTask(ctx, ghost), housing.ErrConflict)

	sw := &housing.Swap{HomeID: "h1", AssignmentID: "a1", From: "p1", To: "p2", Status: housing.SwapPending, CreatedAt: at}
	must(t, "PutSwap", s.PutSwap(ctx, sw))
	stale := *sw
	sw.Status, sw.AnsweredAt = housing.SwapAccepted, at.Add(time.Minute)
	must(t, "PutSwap(accept)", s.PutSwap(ctx, sw))
	wantErr(t, "PutSwap(stale)", s.PutSwap(ctx, &stale), housing.ErrConflict)
	if got, err := s.Swap(ctx, sw.ID); err != nil || got.Version != 2 || got.Status != housing.SwapAccepted {
		t.Errorf("Swap(%s) = v%d %s, %v; want v2 accepted", sw.ID, got.Version, got.Status, err)
	}

	l := &housing.Ledger{HomeID: "h1"}
	must(t, "PutLedger", s.PutLedger(ctx, l))
	l.Credit("p2", 2, at)
	must(t, "PutLedger(credit)", s.PutLedger(ctx, l))
	if got, err := s.Ledger(ctx, "h1"); err != nil || got.Version != 2 || got.Balance["p2"] != 2 {
		t.Errorf("Ledger(h1) = %+v, %v; want v2 with p2 at 2", got, err)
	}

	task := &housing.Task{HomeID: "h1", Title: "Windows", EveryDays: 7, Effort: 1}
	must(t, "PutTask", s.PutTask(ctx, task))
	must(t, "DeleteTask", s.DeleteTask(ctx, task.ID))
	must(t, "DeleteTask(again)", s.DeleteTask(ctx, task.ID))
	must(t, "PutTask(same id anew)", s.PutTask(ctx, &housing.Task{ID: task.ID, HomeID: "h2", Title: "Bins", EveryDays: 7, Effort: 1}))
	if got, err := s.Tasks(ctx, "h1"); err != nil || len(got) != 0 {
		t.Errorf("Tasks(h1) after the id moved to h2 = %v, %v; want none", got, err)
	}

	must(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 10, Level: housing.AlertNone}))
	must(t, "AppendRisk(same instant)", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 30, Level: housing.AlertWatch}))
	hist, err := s.RiskHistory(ctx, "pl1", time.Time{})
	must(t, "RiskHistory", err)
	if len(hist) != 1 || hist[0].Score != 30 {
		t.Errorf("RiskHistory(pl1) = %+v; want the one score 30", hist)
	}
	if late, err := s.RiskHistory(ctx, "pl1", at.Add(time.Nanosecond)); err != nil || len(late) != 0 {
		t.Errorf("RiskHistory(pl1, after it) = %+v, %v; want none", late, err)
	}
}

// testLifeInvalid checks that malformed records and filters are
// ErrInvalid.
func testLifeInvalid(t *testing.T, s housing.Store) {
	ctx := t.Context()
	at := housingtest.Epoch()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"PutTask(no frequency)", func() error { return s.PutTask(ctx, &housing.Task{HomeID: "h1", Title: "x", Effort: 1}) }},
		{"Tasks(bad home)", func() error { _, err := s.Tasks(ctx, "h 1"); return err }},
		{"DeleteTask(empty)", func() error { return s.DeleteTask(ctx, "") }},
		{"PutAssignment(no due)", func() error {
			return s.PutAssignment(ctx, &housing.Assignment{HomeID: "h1", TaskID: "t1", Effort: 1, AssignedTo: "p1",
				PersonID: "p1", Status: housing.AssignmentAssigned})
		}},
		{"Assignments(bad person)", func() error {
			_, err := s.Assignments(ctx, housing.AssignmentFilter{PersonID: "p:1"})
			return err
		}},
		{"PutLedger(no home)", func() error { return s.PutLedger(ctx, &housing.Ledger{}) }},
		{"PutSwap(bad status)", func() error {
			return s.PutSwap(ctx, &housing.Swap{HomeID: "h1", AssignmentID: "a1", From: "p1", To: "p2", Status: "maybe", CreatedAt: at})
		}},
		{"Outings(bad invitee)", func() error { _, err := s.Outings(ctx, housing.OutingFilter{Invitee: "{p}"}); return err }},
		{"PutCheckIn(bad week)", func() error {
			return s.PutCheckIn(ctx, &housing.CheckIn{PersonID: "p1", PlacementID: "pl1", Week: "48", At: at})
		}},
		{"PutEvent(bad kind)", func() error {
			return s.PutEvent(ctx, &housing.Event{PlacementID: "pl1", PersonID: "p1", Kind: "party", At: at})
		}},
		{"Alerts(bad status)", func() error { _, err := s.Alerts(ctx, housing.AlertFilter{Status: "lost"}); return err }},
		{"AppendRisk(no time)", func() error { return s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1"}) }},
		{"AppendRisk(bad level)", func() error {
			return s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Level: "panic"})
		}},
		{"RiskHistory(bad placement)", func() error { _, err := s.RiskHistory(ctx, "", at); return err }},
	} {
		if err := tc.call(); !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", tc.name, err)
		}
	}
}
