package housing_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

func TestLifeKeys(t *testing.T) {
	keys := housing.LifeKeys()
	seen := make(map[string]bool)
	for _, k := range keys {
		if seen[k] {
			t.Errorf("LifeKeys(): %q twice", k)
		}
		seen[k] = true
		if !strings.HasPrefix(k, "task.") && !strings.HasPrefix(k, "risk.") {
			t.Errorf("LifeKeys(): %q is neither task.* nor risk.*", k)
		}
	}
	for _, k := range append(housing.TaskKeys(), housing.ReasonKeys()...) {
		if !seen[k] {
			t.Errorf("LifeKeys() lacks %q", k)
		}
	}
}

func reasons(keys ...string) []housing.Reason {
	var rs []housing.Reason
	for _, k := range keys {
		key, person, _ := strings.Cut(k, "|")
		rs = append(rs, housing.Reason{Key: key, PersonID: person, N: 3, Contribution: 10})
	}
	return rs
}

func TestShouldAlert(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	prev := housing.NewAlert(housing.Risk{PlacementID: "pl_1", At: t0, Score: 30, Level: housing.AlertWatch,
		Reasons: reasons(housing.ReasonMoodLow+"|anna", housing.ReasonChoresLow)}, t0)
	resolved := func(ago time.Duration) *housing.Alert {
		a := prev
		if err := a.Resolve("sw_1", "called her, all fine", t0.Add(-ago)); err != nil {
			t.Fatal(err)
		}
		return &a
	}
	later := t0.AddDate(0, 0, 1)
	risk := func(level housing.AlertLevel, keys ...string) housing.Risk {
		return housing.Risk{PlacementID: "pl_1", At: later, Score: 10 * len(keys), Level: level, Reasons: reasons(keys...)}
	}
	tests := []struct {
		name string
		prev *housing.Alert
		r    housing.Risk
		want bool
	}{
		{"first alert", nil, risk(housing.AlertWatch, housing.ReasonChoresLow), true},
		{"none never alerts", nil, risk(housing.AlertNone, housing.ReasonChoresLow), false},
		{"same reasons", &prev, risk(housing.AlertWatch, housing.ReasonChoresLow, housing.ReasonMoodLow+"|anna"), false},
		{"fewer reasons", &prev, risk(housing.AlertWatch, housing.ReasonChoresLow), false},
		{"higher level", &prev, risk(housing.AlertAtRisk, housing.ReasonChoresLow), true},
		{"lower level", &prev, risk(housing.AlertNone), false},
		{"a new reason", &prev, risk(housing.AlertWatch, housing.ReasonChoresLow, housing.ReasonConflict), true},
		{"the same reason about someone else", &prev, risk(housing.AlertWatch, housing.ReasonMoodLow+"|luca"), true},
		{"resolved yesterday, same reasons", resolved(0), risk(housing.AlertWatch, housing.ReasonChoresLow), false},
		{"resolved yesterday, new reason", resolved(0), risk(housing.AlertWatch, housing.ReasonArrears), true},
		{"resolved two weeks ago, still there", resolved(13 * 24 * time.Hour), risk(housing.AlertWatch, housing.ReasonChoresLow), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := housing.ShouldAlert(tt.prev, tt.r); got != tt.want {
				t.Errorf("ShouldAlert(%v, %v) = %v; want %v", tt.prev, tt.r, got, tt.want)
			}
		})
	}
}

func TestAlertDedupKey(t *testing.T) {
	a := housing.AlertDedupKey("pl_1", housing.AlertWatch, reasons(housing.ReasonMoodLow+"|anna", housing.ReasonChoresLow))
	b := housing.AlertDedupKey("pl_1", housing.AlertWatch, reasons(housing.ReasonChoresLow, housing.ReasonMoodLow+"|anna"))
	c := housing.AlertDedupKey("pl_1", housing.AlertAtRisk, reasons(housing.ReasonChoresLow, housing.ReasonMoodLow+"|anna"))
	if a != b || a == c {
		t.Errorf("AlertDedupKey: %q, %q, %q; want the first two equal, the third different", a, b, c)
	}
}

func TestEscalate(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	newAlert := func() housing.Alert {
		return housing.NewAlert(housing.Risk{PlacementID: "pl_1", At: t0, Score: 50, Level: housing.AlertAtRisk,
			Reasons: reasons(housing.ReasonChoresLow)}, t0)
	}
	t.Run("hourly scans", func(t *testing.T) {
		a := newAlert()
		var got []housing.Escalation
		for n := 0; n <= 200; n++ {
			got = append(got, a.Escalate(h(n), 0)...)
		}
		want := []housing.Escalation{{To: housing.RoleMediator, At: h(48)}, {To: housing.RoleAdmin, At: h(96)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("escalations (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want, a.Escalations); diff != "" {
			t.Errorf("recorded escalations (-want +got):\n%s", diff)
		}
	})
	t.Run("a scan that ran late catches up", func(t *testing.T) {
		a := newAlert()
		got := a.Escalate(h(100), housing.DefaultEscalateAfter)
		want := []housing.Escalation{{To: housing.RoleMediator, At: h(100)}, {To: housing.RoleAdmin, At: h(100)}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Escalate(100h) (-want +got):\n%s", diff)
		}
	})
	t.Run("acknowledged in time", func(t *testing.T) {
		a := newAlert()
		if err := a.Acknowledge("sw_1", h(47)); err != nil {
			t.Fatal(err)
		}
		if got := a.Escalate(h(200), 0); got != nil {
			t.Errorf("Escalate after Acknowledge = %v; want none", got)
		}
	})
	t.Run("acknowledged after the first step", func(t *testing.T) {
		a := newAlert()
		a.Escalate(h(48), 0)
		if err := a.Acknowledge("med_1", h(50)); err != nil {
			t.Fatal(err)
		}
		if got := a.Escalate(h(96), 0); got != nil || len(a.Escalations) != 1 {
			t.Errorf("Escalate at 96h after Acknowledge = %v; want none and one step kept", got)
		}
	})
	t.Run("a shorter delay", func(t *testing.T) {
		a := newAlert()
		if got := a.Escalate(h(12), 12*time.Hour); len(got) != 1 || got[0].To != housing.RoleMediator {
			t.Errorf("Escalate(12h, 12h) = %v; want the mediators", got)
		}
	})
}

func TestAlertLifecycle(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	a := housing.NewAlert(housing.Risk{PlacementID: "pl_1", At: t0, Score: 50, Level: housing.AlertAtRisk,
		Reasons: reasons(housing.ReasonChoresLow)}, t0)
	if err := a.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if err := a.Acknowledge("", t0); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("Acknowledge by nobody = %v; want ErrInvalid", err)
	}
	if err := a.Acknowledge("sw_1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := a.Acknowledge("sw_2", t0.Add(2*time.Hour)); err != nil || a.AckedBy != "sw_1" {
		t.Errorf("Acknowledge again = %v, by %s; want nil, still sw_1", err, a.AckedBy)
	}
	if err := a.Resolve("sw_1", " visited, new rota agreed ", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if a.Status != housing.AlertResolved || a.Resolution != "visited, new rota agreed" {
		t.Errorf("after Resolve: %s %q", a.Status, a.Resolution)
	}
	if err := a.Resolve("sw_1", "", t0.Add(4*time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Resolve again = %v; want ErrConflict", err)
	}
	if err := a.Acknowledge("sw_1", t0.Add(4*time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Acknowledge when resolved = %v; want ErrConflict", err)
	}
	if err := a.Validate(); err != nil {
		t.Errorf("Validate() after Resolve = %v", err)
	}
}

func TestImmediateAlert(t *testing.T) {
	at := time.Date(2026, 11, 30, 21, 14, 0, 0, time.UTC)
	ev := func(kind housing.EventKind, urgent bool) housing.Event {
		return housing.Event{ID: "ev_1", PlacementID: "pl_1", PersonID: "anna", Kind: kind, Urgent: urgent, At: at}
	}
	tests := []struct {
		name    string
		e       housing.Event
		wantKey string // "" = no immediate alert
	}{
		{"talk to my worker", ev(housing.EventTalk, false), housing.ReasonTalkRequest},
		{"urgent report", ev(housing.EventEmergency, false), housing.ReasonEmergency},
		{"conflict marked urgent", ev(housing.EventConflict, true), housing.ReasonConflict},
		{"conflict", ev(housing.EventConflict, false), ""},
		{"arrears", ev(housing.EventArrears, false), ""},
		{"bot blocked", ev(housing.EventUnreachable, true), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := housing.ImmediateAlert(tt.e)
			if ok != (tt.wantKey != "") {
				t.Fatalf("ImmediateAlert(%s) ok = %v; want %v", tt.e.Kind, ok, !ok)
			}
			if !ok {
				return
			}
			// Conflicts are counted per placement, as the nightly scan
			// counts them; talk requests and emergencies name the person.
			who := "anna"
			if tt.e.Kind == housing.EventConflict {
				who = ""
			}
			want := housing.Alert{PlacementID: "pl_1", Level: housing.AlertUrgent,
				Reasons: []housing.Reason{{Key: tt.wantKey, PersonID: who, N: 1}},
				EventID: "ev_1", DedupKey: "pl_1:urgent:" + tt.wantKey + "|" + who,
				CreatedAt: at, Status: housing.AlertOpen}
			if diff := cmp.Diff(want, a); diff != "" {
				t.Errorf("ImmediateAlert (-want +got):\n%s", diff)
			}
			if err := a.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
		})
	}
}

func TestImmediateAlertThenNightlyScan(t *testing.T) {
	// A request to talk alerts at once; the night's scan, which sees the
	// same request, does not alert again.
	loc := rome(t)
	at := time.Date(2026, 11, 30, 21, 14, 0, 0, loc)
	e := housing.Event{ID: "ev_1", PlacementID: "pl_1", PersonID: "anna", Kind: housing.EventTalk, At: at}
	a, ok := housing.ImmediateAlert(e)
	if !ok {
		t.Fatal("ImmediateAlert(talk) = false")
	}
	night := time.Date(2026, 12, 1, 2, 0, 0, 0, loc)
	in := housing.RiskInputs{
		Placement: housing.Placement{ID: "pl_1", Residents: []string{"anna", "luca"}, Status: housing.PlacementActive, Start: at.AddDate(0, 0, -20)},
		Events:    []housing.Event{e},
		LastSeen:  map[string]time.Time{"anna": at, "luca": at},
		Location:  loc,
	}
	r := housing.Score(housing.ComputeSignals(in, night), housing.DefaultRiskWeights())
	if r.Level != housing.AlertWatch || !slices.ContainsFunc(r.Reasons, func(x housing.Reason) bool { return x.Key == housing.ReasonTalkRequest }) {
		t.Fatalf("night scan = %v; want watch with a talk request", r)
	}
	if housing.ShouldAlert(&a, r) {
		t.Errorf("ShouldAlert(immediate alert, %v) = true; want false", r)
	}
}

func TestEventValidate(t *testing.T) {
	at := time.Date(2026, 11, 30, 21, 14, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(e *housing.Event)
		field string
	}{
		{"valid", func(*housing.Event) {}, ""},
		{"unknown kind", func(e *housing.Event) { e.Kind = "party" }, "kind"},
		{"no placement", func(e *housing.Event) { e.PlacementID = "" }, "placement_id"},
		{"no person", func(e *housing.Event) { e.PersonID = "" }, "person_id"},
		{"no time", func(e *housing.Event) { e.At = time.Time{} }, "at"},
		{"resolved before it happened", func(e *housing.Event) { e.ResolvedAt = at.Add(-time.Hour) }, "resolved_at"},
		{"long note", func(e *housing.Event) { e.Note = strings.Repeat("x", housing.MaxNoteRunes+1) }, "note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := housing.Event{PlacementID: "pl_1", PersonID: "anna", Kind: housing.EventArrears, At: at}
			tt.edit(&e)
			checkField(t, "Event.Validate()", e.Validate(), tt.field)
		})
	}
}

func TestAlertValidate(t *testing.T) {
	at := time.Date(2026, 11, 30, 21, 14, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(a *housing.Alert)
		field string
	}{
		{"valid", func(*housing.Alert) {}, ""},
		{"level none", func(a *housing.Alert) { a.Level = housing.AlertNone }, "level"},
		{"unknown status", func(a *housing.Alert) { a.Status = "snoozed" }, "status"},
		{"no reasons", func(a *housing.Alert) { a.Reasons = nil }, "reasons"},
		{"no placement", func(a *housing.Alert) { a.PlacementID = "" }, "placement_id"},
		{"no time", func(a *housing.Alert) { a.CreatedAt = time.Time{} }, "created_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := housing.NewAlert(housing.Risk{PlacementID: "pl_1", Level: housing.AlertWatch, Score: 20,
				Reasons: reasons(housing.ReasonSilenceHome)}, at)
			tt.edit(&a)
			checkField(t, "Alert.Validate()", a.Validate(), tt.field)
		})
	}
}
