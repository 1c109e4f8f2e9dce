package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
)

// raceStore is a store where someone else writes a record (bump) just
// before the bot's own write of it: the bot's write then meets a newer
// version, as when a housemate presses "done" in the same instant.
type raceStore struct {
	housing.Store
	bump string // the id of the assignment or swap changed meanwhile
}

func (r *raceStore) PutAssignment(ctx context.Context, a *housing.Assignment) error {
	if a.ID == r.bump {
		r.bump = ""
		cur, err := r.Store.Assignment(ctx, a.ID)
		if err != nil {
			return err
		}
		if err := r.Store.PutAssignment(ctx, &cur); err != nil {
			return err
		}
	}
	return r.Store.PutAssignment(ctx, a)
}

func (r *raceStore) PutSwap(ctx context.Context, s *housing.Swap) error {
	if s.ID == r.bump {
		r.bump = ""
		cur, err := r.Store.Swap(ctx, s.ID)
		if err != nil {
			return err
		}
		if err := r.Store.PutSwap(ctx, &cur); err != nil {
			return err
		}
	}
	return r.Store.PutSwap(ctx, s)
}

// TestSaveSwapConflictPutsBack: when the return assignment or the swap
// changed between reading and writing, the accepted swap is not saved
// half: no assignment stays moved, the swap stays pending, and the error
// asks the housemate to try again.
func TestSaveSwapConflictPutsBack(t *testing.T) {
	for _, bump := range []string{"a_return", "s_swap"} {
		t.Run(bump, func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, time.November, 30, 9, 0, 0, 0, time.UTC)
			st, err := boltstore.Open(filepath.Join(t.TempDir(), "swap.db"), boltstore.Options{Now: func() time.Time { return now }})
			noErr(t, "boltstore.Open", err)
			t.Cleanup(func() { st.Close() })
			rs := &raceStore{Store: st}
			b, err := New(&countingMessenger{}, rs, Config{Now: func() time.Time { return now }},
				slog.New(slog.NewTextHandler(io.Discard, nil)))
			noErr(t, "New", err)

			due := time.Date(2026, time.December, 2, 0, 0, 0, 0, time.UTC)
			a := housing.Assignment{ID: "a_asker", HomeID: "h_1", TaskID: "t_1", Effort: 1, Due: due,
				AssignedTo: "p_anna", PersonID: "p_anna", Status: housing.AssignmentAssigned}
			ret := housing.Assignment{ID: "a_return", HomeID: "h_1", TaskID: "t_2", Effort: 1, Due: due,
				AssignedTo: "p_luca", PersonID: "p_luca", Status: housing.AssignmentAssigned}
			s := housing.Swap{ID: "s_swap", HomeID: "h_1", AssignmentID: a.ID, InReturnID: ret.ID,
				From: "p_anna", To: "p_luca", Status: housing.SwapPending, CreatedAt: now}
			noErr(t, "PutAssignment", st.PutAssignment(ctx, &a))
			noErr(t, "PutAssignment", st.PutAssignment(ctx, &ret))
			noErr(t, "PutSwap", st.PutSwap(ctx, &s))

			moved := []*housing.Assignment{&a, &ret}
			was := []housing.Assignment{a, ret}
			noErr(t, "AcceptSwap", housing.AcceptSwap(&s, &a, &ret, "p_luca", now))
			rs.bump = bump
			err = b.saveSwap(ctx, &s, was, moved)
			if !errors.Is(err, errSwapRetry) || !errors.Is(err, housing.ErrConflict) {
				t.Fatalf("saveSwap with %s changed meanwhile = %v; want errSwapRetry and ErrConflict", bump, err)
			}
			if rs.bump != "" {
				t.Fatalf("saveSwap never wrote %s", bump)
			}
			for _, w := range was {
				got, err := st.Assignment(ctx, w.ID)
				noErr(t, "Assignment", err)
				if diff := cmp.Diff(w, got, cmp.FilterPath(func(p cmp.Path) bool {
					return p.Last().String() == ".Version"
				}, cmp.Ignore())); diff != "" {
					t.Errorf("assignment %s after the conflict (-want +got):\n%s", w.ID, diff)
				}
			}
			got, err := st.Swap(ctx, s.ID)
			noErr(t, "Swap", err)
			if got.Status != housing.SwapPending {
				t.Errorf("Swap(%s).Status = %q; want %q", s.ID, got.Status, housing.SwapPending)
			}
		})
	}
}
