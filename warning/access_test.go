package warning_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// viewers lists who may and who may not handle the household's alerts.
var viewers = []struct {
	id string
	ok bool
}{
	{worker, true}, {mediator, true}, {admin, true},
	{otherWorker, false}, // responsible for nobody here
	{farMediator, false}, // another district
	{pausedMed, false},   // not active
	{"anna", false}, {"marta", false},
}

func TestAccess(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	a := firstAlert(t, h, m, s)
	for _, v := range viewers {
		t.Run(v.id, func(t *testing.T) {
			p := who(t, h, v.id)
			d, err := s.Details(t.Context(), a.ID, p)
			if v.ok != (err == nil) || !v.ok && !errors.Is(err, housing.ErrForbidden) {
				t.Fatalf("Details(%s) = %v; want allowed %v, else ErrForbidden", v.id, err, v.ok)
			}
			if v.ok && (d.Alert.ID != a.ID || d.Placement.ID != "pl_1" || len(d.Residents) != 3 || len(d.History) != 1) {
				t.Errorf("Details(%s) = %+v; want the alert, its placement, 3 residents, 1 score", v.id, d)
			}
			if !v.ok {
				if _, err := s.Acknowledge(t.Context(), a.ID, p, a.CreatedAt.Add(time.Hour)); !errors.Is(err, housing.ErrForbidden) {
					t.Errorf("Acknowledge(%s) = %v; want ErrForbidden", v.id, err)
				}
				if _, err := s.Resolve(t.Context(), a.ID, p, "done", a.CreatedAt.Add(time.Hour)); !errors.Is(err, housing.ErrForbidden) {
					t.Errorf("Resolve(%s) = %v; want ErrForbidden", v.id, err)
				}
			}
		})
	}
	if stored, _ := m.Alert(t.Context(), a.ID); stored.Status != housing.AlertOpen {
		t.Errorf("alert status after refused changes = %s; want open", stored.Status)
	}
	// Each allowed read is audited once per resident; refusals are not.
	var got []string
	for _, e := range m.audit {
		if e.Action != warning.ActionRead || e.Record != "alert/"+a.ID || e.Purpose != warning.AuditPurpose {
			t.Errorf("audit entry %+v; want %s of alert/%s for %q", e, warning.ActionRead, a.ID, warning.AuditPurpose)
		}
		got = append(got, e.Actor+" "+string(e.ActorRole)+" "+e.Subject)
	}
	var want []string
	for _, v := range []housing.Person{who(t, h, worker), who(t, h, mediator), who(t, h, admin)} {
		for _, r := range residents() {
			want = append(want, v.ID+" "+string(v.Role)+" "+r)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

func TestOpen(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	// A second household in another district, followed by sw_2.
	far := h.placement("pl_far")
	far.District, far.Residents = housing.DistrictSavenaIdice, []string{"zeno"}
	far.Status, far.Outcome = housing.PlacementEnded, housing.OutcomeConflict // not scanned; its alert stays
	m.placements[far.ID] = far
	m.care["zeno"] = housing.CareInfo{PersonID: "zeno", ResponsibleWorkers: []string{otherWorker}}
	m.alerts["al_far"] = housing.Alert{ID: "al_far", PlacementID: far.ID, Level: housing.AlertWatch, Status: housing.AlertAcknowledged,
		Reasons: []housing.Reason{{Key: housing.ReasonConflict, Contribution: 30}}, CreatedAt: h.night(7, 0), Version: 1}
	s := newService(t, m, o, warning.Config{})
	a := firstAlert(t, h, m, s)
	tests := []struct {
		viewer string
		want   []string
		err    error
	}{
		{worker, []string{a.ID}, nil},
		{otherWorker, []string{"al_far"}, nil},
		{mediator, []string{a.ID}, nil},
		{farMediator, []string{"al_far"}, nil},
		{admin, []string{"al_far", a.ID}, nil}, // by creation
		{pausedMed, nil, housing.ErrForbidden},
		{"anna", nil, housing.ErrForbidden},
	}
	for _, tt := range tests {
		got, err := s.Open(t.Context(), who(t, h, tt.viewer))
		if !errors.Is(err, tt.err) {
			t.Errorf("Open(%s) = %v; want %v", tt.viewer, err, tt.err)
		}
		var ids []string
		for _, x := range got {
			ids = append(ids, x.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("Open(%s) = %v; want %v", tt.viewer, ids, tt.want)
		}
	}
	if _, err := s.Resolve(t.Context(), a.ID, who(t, h, worker), "called Anna, fine", a.CreatedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Open(t.Context(), who(t, h, worker)); len(got) != 0 {
		t.Errorf("Open(%s) after Resolve = %v; want none", worker, got)
	}
}

func TestAcknowledgeResolve(t *testing.T) {
	h := declining(t)
	m, o := newMemStore(), newOutbox()
	h.load(m, "pl_1")
	s := newService(t, m, o, warning.Config{})
	a := firstAlert(t, h, m, s)
	ack, res := a.CreatedAt.Add(2*time.Hour), a.CreatedAt.Add(5*time.Hour)
	for range 2 { // acknowledging twice changes nothing the second time
		got, err := s.Acknowledge(t.Context(), a.ID, who(t, h, worker), ack)
		if err != nil || got.Status != housing.AlertAcknowledged || got.AckedBy != worker || !got.AckedAt.Equal(ack) {
			t.Fatalf("Acknowledge = %+v, %v; want acknowledged by %s at %v", got, err, worker, ack)
		}
	}
	got, err := s.Resolve(t.Context(), a.ID, who(t, h, mediator), " met the flat; new rota ", res)
	if err != nil || got.Status != housing.AlertResolved || got.ResolvedBy != mediator || got.Resolution != "met the flat; new rota" {
		t.Fatalf("Resolve = %+v, %v; want resolved by %s", got, err, mediator)
	}
	if _, err := s.Resolve(t.Context(), a.ID, who(t, h, worker), "again", res); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Resolve again = %v; want ErrConflict", err)
	}
	if _, err := s.Acknowledge(t.Context(), a.ID, who(t, h, worker), res); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Acknowledge after Resolve = %v; want ErrConflict", err)
	}
	if _, err := s.Acknowledge(t.Context(), "al_missing", who(t, h, worker), res); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("Acknowledge(unknown) = %v; want ErrNotFound", err)
	}
	var got2 []string
	for _, e := range m.audit {
		got2 = append(got2, e.Action+" "+e.Actor+" "+string(e.ActorRole)+" "+e.Subject+" "+e.Record+" "+e.Purpose)
	}
	var want []string
	for _, x := range []struct{ action, by, role string }{
		{warning.ActionAck, worker, "social-worker"}, {warning.ActionResolve, mediator, "mediator"},
	} {
		for _, r := range residents() {
			want = append(want, x.action+" "+x.by+" "+x.role+" "+r+" alert/"+a.ID+" "+warning.AuditPurpose)
		}
	}
	if diff := cmp.Diff(want, got2); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
	// The resolved reasons stay quiet the next nights.
	for d := 1; d <= 2; d++ {
		now := h.night(8, d)
		seen(t, m, now)
		if rep, err := s.Scan(t.Context(), now); err != nil || rep.Alerts != 0 {
			t.Errorf("Scan(%v) after Resolve = %+v, %v; want no alert", now, rep, err)
		}
	}
}
