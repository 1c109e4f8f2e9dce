package warning_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

func TestReport(t *testing.T) {
	h := healthy(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	at := h.day(8, 2).Add(15 * time.Hour) // a Wednesday afternoon
	ev := func(person string, kind housing.EventKind, urgent bool, after time.Duration) housing.Event {
		return housing.Event{PlacementID: "pl_1", PersonID: person, Kind: kind, Urgent: urgent, At: at.Add(after), Note: "private"}
	}
	steps := []struct {
		name   string
		ev     housing.Event
		ack    bool // acknowledge the first alert before this step
		ok     bool
		same   int // index of the step whose alert this one returns, or -1
		reason brief
	}{
		{"talk request", ev("anna", housing.EventTalk, false, 0), false, true, -1, brief{housing.ReasonTalkRequest, "anna", 0}},
		{"conflict, not urgent", ev("luca", housing.EventConflict, false, time.Hour), false, false, -1, brief{}},
		{"talk again while unacknowledged", ev("anna", housing.EventTalk, false, 2*time.Hour), false, true, 0, brief{housing.ReasonTalkRequest, "anna", 0}},
		{"urgent arrears", ev("luca", housing.EventArrears, true, 3*time.Hour), false, true, -1, brief{housing.ReasonArrears, "", 0}},
		{"emergency", ev("marta", housing.EventEmergency, false, 4*time.Hour), false, true, -1, brief{housing.ReasonEmergency, "marta", 0}},
		{"talk again once acknowledged", ev("anna", housing.EventTalk, false, 5*time.Hour), true, true, -1, brief{housing.ReasonTalkRequest, "anna", 0}},
	}
	var got []housing.Alert
	var wantKeys []string
	for i, st := range steps {
		if st.ack {
			if _, err := s.Acknowledge(t.Context(), got[0].ID, who(t, h, worker), st.ev.At); err != nil {
				t.Fatal(err)
			}
		}
		a, ok, err := s.Report(t.Context(), st.ev)
		if err != nil || ok != st.ok {
			t.Fatalf("step %d %s: Report = %v, %v; want ok %v", i, st.name, ok, err, st.ok)
		}
		got = append(got, a)
		if !ok {
			continue
		}
		if a.Level != housing.AlertUrgent || !cmp.Equal(briefs(a.Reasons), []brief{st.reason}) {
			t.Errorf("step %d %s: Report = %s %v; want urgent %v", i, st.name, a.Level, briefs(a.Reasons), st.reason)
		}
		if st.same >= 0 {
			if a.ID != got[st.same].ID {
				t.Errorf("step %d %s: Report = alert %s; want the waiting alert %s", i, st.name, a.ID, got[st.same].ID)
			}
			continue
		}
		wantKeys = append(wantKeys, warning.AlertKey(a.ID, worker))
	}
	if diff := cmp.Diff(wantKeys, keys(o.messages())); diff != "" {
		t.Errorf("sent at once (-want +got):\n%s", diff)
	}
	staffOnly(t, o.messages())
	if evs, _ := m.Events(t.Context(), housing.EventFilter{PlacementID: "pl_1"}); len(evs) != len(steps) {
		t.Errorf("events stored = %d; want %d", len(evs), len(steps))
	}
}

// TestReportThenScan checks that the night after a request to talk, the
// scan does not alert again for it.
func TestReportThenScan(t *testing.T) {
	for _, kind := range []housing.EventKind{housing.EventTalk, housing.EventConflict, housing.EventArrears} {
		t.Run(string(kind), func(t *testing.T) { testReportThenScan(t, kind) })
	}
}

// testReportThenScan: an urgent report alerts at once, and the next
// night's scan, which sees the same report, does not alert again.
func testReportThenScan(t *testing.T, kind housing.EventKind) {
	h := healthy(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	ev := housing.Event{PlacementID: "pl_1", PersonID: "luca", Kind: kind, Urgent: true, At: h.day(8, 2).Add(15 * time.Hour)}
	a, ok, err := s.Report(t.Context(), ev)
	if err != nil || !ok {
		t.Fatalf("Report = %v, %v; want an alert", ok, err)
	}
	d, err := s.Details(t.Context(), a.ID, who(t, h, worker))
	if err != nil || len(d.Events) != 1 || d.Events[0].Kind != kind || d.Alert.EventID != d.Events[0].ID {
		t.Errorf("Details = %+v, %v; want the alert with its event", d, err)
	}
	now := h.night(8, 3)
	seen(t, m, now)
	rep, err := s.Scan(t.Context(), now)
	if err != nil || rep.Alerts != 0 {
		t.Errorf("Scan = %+v, %v; want no new alert for the report already alerted", rep, err)
	}
	if n := len(o.messages()); n != 1 {
		t.Errorf("messages = %d; want the one Report sent", n)
	}
}

func TestReportErrors(t *testing.T) {
	h := healthy(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	at := h.day(8, 2)
	if _, _, err := s.Report(t.Context(), housing.Event{PlacementID: "pl_x", PersonID: "anna", Kind: housing.EventTalk, At: at}); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("Report(unknown placement) = %v; want ErrNotFound", err)
	}
	if _, _, err := s.Report(t.Context(), housing.Event{PlacementID: "pl_1", PersonID: "anna", Kind: "party", At: at}); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("Report(unknown kind) = %v; want ErrInvalid", err)
	}
	// A notification that fails leaves the alert stored; Escalate sends it.
	o.onRaised = func(housing.Alert) error { return errors.New("down") }
	a, ok, err := s.Report(t.Context(), housing.Event{PlacementID: "pl_1", PersonID: "anna", Kind: housing.EventTalk, At: at})
	if err == nil || !ok || a.ID == "" {
		t.Fatalf("Report with a failing notifier = %v, %v, %v; want the stored alert and the error", a.ID, ok, err)
	}
	o.onRaised = nil
	rep, err := s.Escalate(t.Context(), at.Add(time.Hour))
	if err != nil || rep.Notified != 1 {
		t.Errorf("Escalate = %+v, %v; want the alert notified", rep, err)
	}
	if diff := cmp.Diff([]string{warning.AlertKey(a.ID, worker)}, keys(o.messages())); diff != "" {
		t.Errorf("outbox (-want +got):\n%s", diff)
	}
}
