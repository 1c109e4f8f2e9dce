package warning_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

func TestEscalate(t *testing.T) {
	type step struct {
		after time.Duration // since the alert was created
		want  []string      // roles told at this step
	}
	tests := []struct {
		name  string
		cfg   time.Duration // Config.EscalateAfter
		steps []step
	}{
		{"default 48 hours", 0, []step{
			{time.Hour, nil},
			{48*time.Hour - time.Minute, nil},
			{48 * time.Hour, []string{mediator}},
			{48 * time.Hour, nil}, // again: nothing twice
			{72 * time.Hour, nil},
			{96 * time.Hour, []string{admin}},
			{200 * time.Hour, nil},
		}},
		{"a late run takes both steps", 0, []step{{100 * time.Hour, []string{mediator, admin}}, {101 * time.Hour, nil}}},
		{"configured 24 hours", 24 * time.Hour, []step{
			{23 * time.Hour, nil}, {24 * time.Hour, []string{mediator}}, {48 * time.Hour, []string{admin}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := declining(t)
			m, o := newMemStore(), newOutbox()
			h.load(m, "pl_1")
			s := newService(t, m, o, warning.Config{EscalateAfter: tt.cfg})
			a := firstAlert(t, h, m, s)
			var wantEsc []housing.Escalation
			for _, st := range tt.steps {
				before := len(o.messages())
				now := a.CreatedAt.Add(st.after)
				rep, err := s.Escalate(t.Context(), now)
				if err != nil {
					t.Fatalf("Escalate(+%v) = %v", st.after, err)
				}
				var want []string
				for _, p := range st.want {
					role := housing.RoleMediator
					if p == admin {
						role = housing.RoleAdmin
					}
					want = append(want, warning.EscalationKey(a.ID, role, p))
					wantEsc = append(wantEsc, housing.Escalation{To: role, At: now})
				}
				if diff := cmp.Diff(want, keys(o.messages()[before:])); diff != "" {
					t.Errorf("Escalate(+%v) sent (-want +got):\n%s", st.after, diff)
				}
				if rep.Steps != len(st.want) || rep.Open != 1 {
					t.Errorf("Escalate(+%v) = %+v; want %d steps of 1 open alert", st.after, rep, len(st.want))
				}
			}
			stored, _ := m.Alert(t.Context(), a.ID)
			if diff := cmp.Diff(wantEsc, stored.Escalations, cmp.Comparer(time.Time.Equal)); diff != "" {
				t.Errorf("stored escalations (-want +got):\n%s", diff)
			}
			staffOnly(t, o.messages())
		})
	}
}

func TestAcknowledgeStopsEscalation(t *testing.T) {
	tests := []struct {
		name string
		by   string
		at   time.Duration
		want []string // escalation messages
	}{
		{"worker before the first step", worker, 10 * time.Hour, nil},
		{"mediator after the first step", mediator, 50 * time.Hour, []string{mediator}},
		{"admin after both", admin, 97 * time.Hour, []string{mediator, admin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := declining(t)
			m, o := newMemStore(), newOutbox()
			h.load(m, "pl_1")
			s := newService(t, m, o, warning.Config{})
			a := firstAlert(t, h, m, s)
			for _, after := range []time.Duration{time.Hour, 10 * time.Hour, 48 * time.Hour, 50 * time.Hour, 96 * time.Hour, 97 * time.Hour, 200 * time.Hour} {
				now := a.CreatedAt.Add(after)
				if after == tt.at {
					if _, err := s.Acknowledge(t.Context(), a.ID, who(t, h, tt.by), now); err != nil {
						t.Fatalf("Acknowledge(%s) = %v", tt.by, err)
					}
				}
				if _, err := s.Escalate(t.Context(), now); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, msg := range o.messages()[1:] {
				got = append(got, msg.To.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("escalated to (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEscalateNotifyFailure records a step whose notification fails: the
// next run sends it, once.
func TestEscalateNotifyFailure(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	a := firstAlert(t, h, m, s)
	fails := 1
	o.onEscalated = func(housing.Alert, housing.Escalation) error {
		if fails > 0 {
			fails--
			return errors.New("outbox unavailable")
		}
		return nil
	}
	if _, err := s.Escalate(t.Context(), a.CreatedAt.Add(48*time.Hour)); err == nil {
		t.Fatal("Escalate = nil error; want the notifier's failure")
	}
	for _, after := range []time.Duration{49 * time.Hour, 50 * time.Hour} {
		if _, err := s.Escalate(t.Context(), a.CreatedAt.Add(after)); err != nil {
			t.Fatalf("Escalate(+%v) = %v", after, err)
		}
	}
	want := []string{warning.AlertKey(a.ID, worker), warning.EscalationKey(a.ID, housing.RoleMediator, mediator)}
	if diff := cmp.Diff(want, keys(o.messages())); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	if stored, _ := m.Alert(t.Context(), a.ID); len(stored.Escalations) != 1 {
		t.Errorf("stored escalations = %v; want the mediators' step once", stored.Escalations)
	}
}

// TestEscalateReplicas runs Escalate on two replicas at once: each step is
// taken and sent once.
func TestEscalateReplicas(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s1, s2 := newService(t, m, o, warning.Config{}), newService(t, m, o, warning.Config{})
	a := firstAlert(t, h, m, s1)
	steps := 0
	for _, after := range []time.Duration{48 * time.Hour, 96 * time.Hour} {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, s := range []*warning.Service{s1, s2} {
			wg.Go(func() {
				rep, err := s.Escalate(t.Context(), a.CreatedAt.Add(after))
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				steps += rep.Steps
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	want := []string{warning.AlertKey(a.ID, worker),
		warning.EscalationKey(a.ID, housing.RoleMediator, mediator), warning.EscalationKey(a.ID, housing.RoleAdmin, admin)}
	if diff := cmp.Diff(want, keys(o.messages())); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
	if steps != 2 {
		t.Errorf("steps taken by both replicas = %d; want 2", steps)
	}
}
