package scheduler_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/scheduler"
)

func TestStateSlots(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "c.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := scheduler.StateSlots{State: st}
	ctx := t.Context()
	for i, want := range []bool{true, false} {
		got, err := s.ClaimSlot(ctx, "reminders", "2026-10-25T08:00", time.Hour)
		if err != nil || got != want {
			t.Errorf("ClaimSlot #%d = %v, %v; want %v, nil", i, got, err, want)
		}
	}
	if last, err := s.LastCompleted(ctx, "reminders"); err != nil || last != "" {
		t.Errorf("LastCompleted(new) = %q, %v; want \"\", nil", last, err)
	}
	for _, slot := range []string{"2026-10-25T08:00", "2026-10-26T08:00", "2026-10-24T08:00"} {
		if err := s.SetCompleted(ctx, "reminders", slot); err != nil {
			t.Fatal(err)
		}
	}
	if last, err := s.LastCompleted(ctx, "reminders"); err != nil || last != "2026-10-26T08:00" {
		t.Errorf("LastCompleted = %q, %v; want the latest, 2026-10-26T08:00", last, err)
	}
}
