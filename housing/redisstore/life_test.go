package redisstore_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/redisstore"
)

// TestLifeKeysFollowChanges moves house-life records to other index
// values and deletes a task, then checks that exactly the keys of what is
// left exist: no index set keeps an id it no longer should.
func TestLifeKeysFollowChanges(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	at := housingtest.Epoch()
	day := at.Truncate(24 * time.Hour)

	task := &housing.Task{ID: "t1", HomeID: "h1", Title: "Bins", EveryDays: 7, Effort: 1}
	mustDo(t, "PutTask", s.PutTask(ctx, task))
	mustDo(t, "DeleteTask", s.DeleteTask(ctx, task.ID))

	a := &housing.Assignment{ID: "as1", HomeID: "h1", TaskID: "t1", Effort: 1, Due: day, AssignedTo: "p1", PersonID: "p1",
		Status: housing.AssignmentAssigned}
	mustDo(t, "PutAssignment", s.PutAssignment(ctx, a))
	a.PersonID, a.Due, a.Status = "p2", day.AddDate(0, 0, 3), housing.AssignmentSwapped
	mustDo(t, "PutAssignment(moved)", s.PutAssignment(ctx, a))

	o := &housing.Outing{ID: "o1", Title: "Cinema", At: at, Place: "Lumière", Organiser: "w1", District: housing.DistrictBologna,
		HomeIDs: []string{"h1"}, Invitees: []string{"p1", "p2"}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	mustDo(t, "PutOuting", s.PutOuting(ctx, o))
	o.District, o.HomeIDs, o.Invitees = housing.DistrictPianuraEst, nil, []string{"p2", "p3"}
	mustDo(t, "PutOuting(changed)", s.PutOuting(ctx, o))

	al := &housing.Alert{ID: "al1", PlacementID: "pl1", Level: housing.AlertWatch, Score: 20, DedupKey: "k", CreatedAt: at,
		Status: housing.AlertOpen, Reasons: []housing.Reason{{Key: "risk.mood_low"}}}
	mustDo(t, "PutAlert", s.PutAlert(ctx, al))
	mustDo(t, "Resolve", al.Resolve("w1", "", at.Add(time.Hour)))
	mustDo(t, "PutAlert(resolved)", s.PutAlert(ctx, al))
	mustDo(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 20}))

	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	for i, k := range keys {
		keys[i] = strings.TrimPrefix(k, s.Namespace())
	}
	slices.Sort(keys)
	want := []string{
		"alert:al1", "all:alert", "all:assignment", "all:outing", "assignment:as1",
		"idx:alert.placement:pl1", "idx:alert.status:resolved",
		"idx:outing.district:Pianura Est", "idx:outing.invitee:p2", "idx:outing.invitee:p3",
		"outing:o1", "risk:pl1", "riskat:pl1",
		"zidx:assignment.home:h1", "zidx:assignment.person:p2",
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys after the changes (-want +got):\n%s", diff)
	}
}

// fillLife writes one record of every house-life kind.
func fillLife(t *testing.T, s *redisstore.Store) {
	t.Helper()
	ctx := t.Context()
	at := housingtest.Epoch()
	task := &housing.Task{HomeID: "h1", Title: "Bins", EveryDays: 7, Effort: 1}
	mustDo(t, "PutTask", s.PutTask(ctx, task))
	mustDo(t, "PutAssignment", s.PutAssignment(ctx, &housing.Assignment{HomeID: "h1", TaskID: task.ID, Effort: 1, Due: at,
		AssignedTo: "p1", PersonID: "p1", Status: housing.AssignmentAssigned}))
	l := &housing.Ledger{HomeID: "h1"}
	l.Credit("p1", 1, at)
	mustDo(t, "PutLedger", s.PutLedger(ctx, l))
	mustDo(t, "PutSwap", s.PutSwap(ctx, &housing.Swap{HomeID: "h1", AssignmentID: "as1", From: "p1", To: "p2",
		Status: housing.SwapPending, CreatedAt: at}))
	mustDo(t, "PutOuting", s.PutOuting(ctx, &housing.Outing{Title: "Cinema", At: at, Organiser: "w1", District: housing.DistrictBologna,
		HomeIDs: []string{"h1"}, Invitees: []string{"p1"}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}))
	mustDo(t, "PutCheckIn", s.PutCheckIn(ctx, &housing.CheckIn{PersonID: "p1", PlacementID: "pl1", Week: "2026-W48", At: at}))
	mustDo(t, "PutEvent", s.PutEvent(ctx, &housing.Event{PlacementID: "pl1", PersonID: "p1", Kind: housing.EventTalk, At: at}))
	mustDo(t, "PutAlert", s.PutAlert(ctx, &housing.Alert{PlacementID: "pl1", Level: housing.AlertWatch, DedupKey: "k", CreatedAt: at,
		Status: housing.AlertOpen, Reasons: []housing.Reason{{Key: "risk.mood_low"}}}))
	mustDo(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 20}))
}
