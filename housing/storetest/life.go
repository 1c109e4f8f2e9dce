package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/google/go-cmp/cmp"
)

func testLifeTasksAndAssignments(t *testing.T, s housing.Store) {
	ctx := t.Context()
	day := housingtest.Epoch().Truncate(24 * time.Hour)
	task := &housing.Task{HomeID: "h1", Key: "task.kitchen", EveryDays: 1, Start: day, Effort: 2}
	must(t, "PutTask", s.PutTask(ctx, task))
	if task.ID == "" || task.Version != 1 {
		t.Fatalf("PutTask set ID %q Version %d; want an id and 1", task.ID, task.Version)
	}
	other := &housing.Task{HomeID: "h2", Key: "task.bathroom", EveryDays: 7, Start: day, Effort: 3}
	must(t, "PutTask", s.PutTask(ctx, other))
	tasks, err := s.Tasks(ctx, "h1")
	must(t, "Tasks", err)
	if diff := cmp.Diff([]housing.Task{*task}, tasks); diff != "" {
		t.Errorf("Tasks(h1) (-want +got):\n%s", diff)
	}
	stale := *task
	task.Effort = 3
	must(t, "PutTask(update)", s.PutTask(ctx, task))
	wantErr(t, "PutTask(stale)", s.PutTask(ctx, &stale), housing.ErrConflict)

	var made []housing.Assignment
	for i := range 3 {
		due := day.AddDate(0, 0, 2-i) // stored out of order
		a := &housing.Assignment{ID: housing.AssignmentID(task.ID, due), HomeID: "h1", TaskID: task.ID, Effort: 2,
			Due: due, AssignedTo: "p1", PersonID: "p1", Status: housing.AssignmentAssigned}
		must(t, "PutAssignment", s.PutAssignment(ctx, a))
		made = append([]housing.Assignment{*a}, made...)
	}
	dup := made[0]
	dup.Version = 0
	wantErr(t, "PutAssignment(same id again)", s.PutAssignment(ctx, &dup), housing.ErrConflict)
	got, err := s.Assignments(ctx, housing.AssignmentFilter{HomeID: "h1"})
	must(t, "Assignments", err)
	if diff := cmp.Diff(made, got); diff != "" {
		t.Errorf("Assignments(h1) by due (-want +got):\n%s", diff)
	}
	window, err := s.Assignments(ctx, housing.AssignmentFilter{PersonID: "p1", From: day.AddDate(0, 0, 1), To: day.AddDate(0, 0, 2)})
	must(t, "Assignments", err)
	if len(window) != 1 || !window[0].Due.Equal(day.AddDate(0, 0, 1)) {
		t.Errorf("Assignments(window) = %v; want the one due on day+1", window)
	}
	one, err := s.Assignment(ctx, made[1].ID)
	must(t, "Assignment", err)
	one.Status, one.DoneBy, one.DoneAt = housing.AssignmentDone, "p1", day
	must(t, "PutAssignment(done)", s.PutAssignment(ctx, &one))
	_, err = s.Assignment(ctx, "nope")
	wantErr(t, "Assignment(missing)", err, housing.ErrNotFound)

	must(t, "DeleteTask", s.DeleteTask(ctx, task.ID))
	tasks, err = s.Tasks(ctx, "h1")
	must(t, "Tasks", err)
	if len(tasks) != 0 {
		t.Errorf("Tasks after delete = %v; want none", tasks)
	}
	still, err := s.Assignments(ctx, housing.AssignmentFilter{HomeID: "h1"})
	must(t, "Assignments", err)
	if len(still) != 3 {
		t.Errorf("assignments after the task was deleted = %d; want 3 (history stays)", len(still))
	}
}

func testLifeLedgerSwapOuting(t *testing.T, s housing.Store) {
	ctx := t.Context()
	at := housingtest.Epoch()
	_, err := s.Ledger(ctx, "h1")
	wantErr(t, "Ledger(none)", err, housing.ErrNotFound)
	l := &housing.Ledger{HomeID: "h1"}
	l.Credit("p1", 3, at)
	must(t, "PutLedger", s.PutLedger(ctx, l))
	gotL, err := s.Ledger(ctx, "h1")
	must(t, "Ledger", err)
	if diff := cmp.Diff(*l, gotL); diff != "" {
		t.Errorf("Ledger (-want +got):\n%s", diff)
	}
	stale := gotL
	stale.Version = 0
	wantErr(t, "PutLedger(version 0 over existing)", s.PutLedger(ctx, &stale), housing.ErrConflict)

	sw := &housing.Swap{HomeID: "h1", AssignmentID: "a1", From: "p1", To: "p2", Status: housing.SwapPending, CreatedAt: at}
	must(t, "PutSwap", s.PutSwap(ctx, sw))
	gotS, err := s.Swap(ctx, sw.ID)
	must(t, "Swap", err)
	if diff := cmp.Diff(*sw, gotS); diff != "" {
		t.Errorf("Swap (-want +got):\n%s", diff)
	}

	o1 := &housing.Outing{Title: "Gelato", At: at.Add(48 * time.Hour), Place: "Piazza", Organiser: "w1", District: housing.DistrictBologna,
		HomeIDs: []string{"h1"}, Invitees: []string{"p1", "p2"}, Capacity: 2, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	o2 := &housing.Outing{Title: "Museo", At: at.Add(24 * time.Hour), Place: "MAMbo", Organiser: "w1", District: housing.DistrictSavenaIdice,
		Invitees: []string{"p3"}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	must(t, "PutOuting", s.PutOuting(ctx, o1))
	must(t, "PutOuting", s.PutOuting(ctx, o2))
	all, err := s.Outings(ctx, housing.OutingFilter{})
	must(t, "Outings", err)
	if len(all) != 2 || all[0].ID != o2.ID {
		t.Errorf("Outings() = %d, first %v; want 2, the earlier (%s) first", len(all), all, o2.ID)
	}
	mine, err := s.Outings(ctx, housing.OutingFilter{Invitee: "p2", From: at})
	must(t, "Outings", err)
	if len(mine) != 1 || mine[0].ID != o1.ID {
		t.Errorf("Outings(invitee p2) = %v; want %s", mine, o1.ID)
	}
	if _, _, err := housing.RSVP(o1, "p1", housing.AnswerYes, at); err != nil {
		t.Fatal(err)
	}
	must(t, "PutOuting(reply)", s.PutOuting(ctx, o1))
	got, err := s.Outing(ctx, o1.ID)
	must(t, "Outing", err)
	if diff := cmp.Diff(*o1, got); diff != "" {
		t.Errorf("Outing after a reply (-want +got):\n%s", diff)
	}
}

func testLifeCheckInsEventsAlerts(t *testing.T, s housing.Store) {
	ctx := t.Context()
	at := housingtest.Epoch()
	for i, mood := range []int{4, 2} {
		c := &housing.CheckIn{PersonID: "p1", PlacementID: "pl1", Week: []string{"2026-W47", "2026-W48"}[i],
			Mood: mood, Answered: true, At: at.AddDate(0, 0, 7*i-7), Note: "private note"}
		must(t, "PutCheckIn", s.PutCheckIn(ctx, c))
	}
	must(t, "PutCheckIn", s.PutCheckIn(ctx, &housing.CheckIn{PersonID: "p2", PlacementID: "pl2", Week: "2026-W48", At: at}))
	cs, err := s.CheckIns(ctx, housing.CheckInFilter{PlacementID: "pl1"})
	must(t, "CheckIns", err)
	if len(cs) != 2 || cs[0].Week != "2026-W47" || cs[1].Mood != 2 || cs[1].Note != "private note" {
		t.Errorf("CheckIns(pl1) = %+v; want W47 then W48 (mood 2, note kept)", cs)
	}
	recent, err := s.CheckIns(ctx, housing.CheckInFilter{PersonID: "p1", Since: at.Add(-time.Hour)})
	must(t, "CheckIns", err)
	if len(recent) != 1 {
		t.Errorf("CheckIns(since) = %d; want 1", len(recent))
	}

	ev := &housing.Event{PlacementID: "pl1", PersonID: "p1", Kind: housing.EventTalk, At: at}
	must(t, "PutEvent", s.PutEvent(ctx, ev))
	open, err := s.Events(ctx, housing.EventFilter{PlacementID: "pl1", OpenOnly: true})
	must(t, "Events", err)
	if len(open) != 1 {
		t.Fatalf("Events(open) = %d; want 1", len(open))
	}
	ev.ResolvedBy, ev.ResolvedAt = "w1", at.Add(time.Hour)
	must(t, "PutEvent(resolve)", s.PutEvent(ctx, ev))
	open, err = s.Events(ctx, housing.EventFilter{PlacementID: "pl1", OpenOnly: true})
	must(t, "Events", err)
	if len(open) != 0 {
		t.Errorf("Events(open) after resolve = %d; want 0", len(open))
	}

	a := &housing.Alert{ID: "al-pl1-1", PlacementID: "pl1", Level: housing.AlertWatch, Score: 25, DedupKey: "pl1|watch",
		CreatedAt: at, Status: housing.AlertOpen, Reasons: []housing.Reason{{Key: "risk.checkins_missed", N: 3}}}
	must(t, "PutAlert", s.PutAlert(ctx, a))
	twice := *a
	twice.Version = 0
	err = s.PutAlert(ctx, &twice)
	if !errors.Is(err, housing.ErrConflict) {
		t.Errorf("PutAlert(same id twice) = %v; want ErrConflict (never two alerts for one)", err)
	}
	must(t, "Acknowledge", a.Acknowledge("w1", at.Add(time.Hour)))
	must(t, "PutAlert(ack)", s.PutAlert(ctx, a))
	got, err := s.Alert(ctx, a.ID)
	must(t, "Alert", err)
	if diff := cmp.Diff(*a, got); diff != "" {
		t.Errorf("Alert (-want +got):\n%s", diff)
	}
	acked, err := s.Alerts(ctx, housing.AlertFilter{Status: housing.AlertAcknowledged})
	must(t, "Alerts", err)
	if len(acked) != 1 {
		t.Errorf("Alerts(acknowledged) = %d; want 1", len(acked))
	}

	for i, score := range []int{10, 30, 50} {
		must(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at.AddDate(0, 0, i), Score: score}))
	}
	must(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl2", At: at, Score: 99}))
	hist, err := s.RiskHistory(ctx, "pl1", at.AddDate(0, 0, 1))
	must(t, "RiskHistory", err)
	if len(hist) != 2 || hist[0].Score != 30 || hist[1].Score != 50 {
		t.Errorf("RiskHistory(pl1, since day 1) = %+v; want scores 30, 50", hist)
	}
}
