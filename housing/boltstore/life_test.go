package boltstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/internal/index"
)

// TestLifeIndexesFollowChanges moves house-life records to other index
// values and deletes a task, then checks that the index buckets hold
// exactly the entries of what is left.
func TestLifeIndexesFollowChanges(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "convivo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := t.Context()
	at := housingtest.Epoch()
	day := at.Truncate(24 * time.Hour)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	must("PutTask", s.PutTask(ctx, &housing.Task{ID: "t1", HomeID: "h1", Title: "Bins", EveryDays: 7, Effort: 1}))
	must("DeleteTask", s.DeleteTask(ctx, "t1"))
	a := &housing.Assignment{ID: "as1", HomeID: "h1", TaskID: "t1", Effort: 1, Due: day, AssignedTo: "p1", PersonID: "p1",
		Status: housing.AssignmentAssigned}
	must("PutAssignment", s.PutAssignment(ctx, a))
	a.PersonID, a.Due, a.Status = "p2", day.AddDate(0, 0, 3), housing.AssignmentSwapped
	must("PutAssignment(moved)", s.PutAssignment(ctx, a))
	o := &housing.Outing{ID: "o1", Title: "Cinema", At: at, Organiser: "w1", District: housing.DistrictBologna,
		HomeIDs: []string{"h1"}, Invitees: []string{"p1", "p2"}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	must("PutOuting", s.PutOuting(ctx, o))
	o.District, o.HomeIDs, o.Invitees = housing.DistrictPianuraEst, nil, []string{"p2", "p3"}
	must("PutOuting(changed)", s.PutOuting(ctx, o))

	due := string(dueBytes(a.Due))
	want := map[string][]string{
		index.AssignmentHome:   {"h1\x00" + due + "\x00as1"},
		index.AssignmentPerson: {"p2\x00" + due + "\x00as1"},
		index.OutingDistrict:   {"Pianura Est\x00o1"},
		index.OutingInvitee:    {"p2\x00o1", "p3\x00o1"},
	}
	got := make(map[string][]string)
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, name := range index.Life() {
			err := tx.Bucket([]byte(name)).ForEach(func(k, _ []byte) error {
				got[name] = append(got[name], string(k))
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	must("reading the indexes", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("index entries after the changes (-want +got):\n%s", diff)
	}
}

func TestDueBytesSortInTimeOrder(t *testing.T) {
	times := []time.Time{
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Unix(0, 0),
		housingtest.Epoch(),
		housingtest.Epoch().Add(time.Second),
	}
	for i := 1; i < len(times); i++ {
		if a, b := dueBytes(times[i-1]), dueBytes(times[i]); string(a) >= string(b) {
			t.Errorf("dueBytes(%v) = %x, not before dueBytes(%v) = %x", times[i-1], a, times[i], b)
		}
	}
}
