package subject

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
)

// world is a store where Anna lives with Bruno in a flat that the social
// worker Sara and the mediator Mirta follow.
type world struct {
	s                     housing.Store
	anna, bruno, sara, mi housing.Person
	pl                    housing.Placement
}

func newWorld(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"), boltstore.Options{Now: housingtest.Epoch})
	noErr(t, "Open", err)
	t.Cleanup(func() { s.Close() })
	var b housingtest.Builder
	w := world{s: s}
	for _, p := range []*housing.Person{
		b.Person(func(p *housing.Person) { p.DisplayName = "Anna" }),
		b.Person(func(p *housing.Person) { p.DisplayName = "Bruno Rossi" }),
		b.Person(func(p *housing.Person) { p.DisplayName = "Sara Verdi"; p.Role = housing.RoleSocialWorker }),
		b.Person(func(p *housing.Person) { p.DisplayName = "Mirta Neri"; p.Role = housing.RoleMediator }),
	} {
		noErr(t, "CreatePerson", s.CreatePerson(ctx, p))
	}
	ps, err := s.ListPeople(ctx, housing.PersonFilter{})
	noErr(t, "ListPeople", err)
	w.anna, w.bruno, w.sara, w.mi = ps[0], ps[1], ps[2], ps[3]
	noErr(t, "PutProfile", s.PutProfile(ctx, b.Profile(w.anna.ID)))
	noErr(t, "PutCareInfo", s.PutCareInfo(ctx, &housing.CareInfo{PersonID: w.anna.ID, TargetGroup: housing.GroupCSM,
		SupportIntensity: housing.IntensityLight, ResponsibleWorkers: []string{w.sara.ID}, Notes: "care team note"}))
	home := b.Home()
	noErr(t, "CreateHome", s.CreateHome(ctx, home))
	prop := b.Proposal(home, []string{w.anna.ID, w.bruno.ID})
	noErr(t, "CreateProposal", s.CreateProposal(ctx, prop))
	at := housingtest.Epoch()
	w.pl, err = s.ApproveProposal(ctx, prop.ID, w.mi.ID, at)
	noErr(t, "ApproveProposal", err)
	noErr(t, "Move", w.pl.Move(housing.PlacementIntroduced, w.mi.ID, at, "staff remark about Bruno"))
	noErr(t, "Move", w.pl.Move(housing.PlacementActive, w.bruno.ID, at, "Bruno's words"))
	noErr(t, "UpdatePlacement", s.UpdatePlacement(ctx, &w.pl))
	w.life(t)
	return w
}

// life stores a chore Bruno did for Anna, an outing Bruno organised, a
// report by Anna that Sara resolved, and audit entries.
func (w *world) life(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	at := housingtest.Epoch()
	noErr(t, "PutAssignment", w.s.PutAssignment(ctx, &housing.Assignment{ID: "as_1", HomeID: w.pl.HomeID, TaskID: "t_1",
		Effort: 2, Due: at, AssignedTo: w.bruno.ID, PersonID: w.anna.ID, Status: housing.AssignmentDone,
		DoneBy: w.bruno.ID, DoneAt: at}))
	noErr(t, "PutOuting", w.s.PutOuting(ctx, &housing.Outing{ID: "o_1", Title: "Cinema", At: at.Add(48 * time.Hour),
		Place: "Piazza Maggiore", Organiser: w.bruno.ID, Invitees: []string{w.anna.ID, w.bruno.ID},
		Replies: []housing.Reply{{PersonID: w.bruno.ID, Answer: housing.AnswerYes, At: at}, {PersonID: w.anna.ID, Answer: housing.AnswerMaybe, At: at}},
		Status:  housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}))
	noErr(t, "PutEvent", w.s.PutEvent(ctx, &housing.Event{ID: "ev_1", PlacementID: w.pl.ID, PersonID: w.anna.ID,
		Kind: housing.EventConflict, Note: "my own words", At: at, ResolvedBy: w.sara.ID, ResolvedAt: at}))
	noErr(t, "PutCheckIn", w.s.PutCheckIn(ctx, &housing.CheckIn{ID: "ci_1", PersonID: w.anna.ID, PlacementID: w.pl.ID,
		Week: housing.ISOWeek(at, at.Location()), Mood: 4, Answered: true, At: at}))
	noErr(t, "AddConsent", w.s.AddConsent(ctx, &housing.ConsentRecord{PersonID: w.anna.ID, Decision: housing.ConsentAccepted,
		TextVersion: "2026-11", Language: housing.LangIT, At: at}))
	for _, e := range []housing.AuditEntry{
		{Actor: w.sara.ID, ActorRole: housing.RoleSocialWorker, Action: "care.read", Record: "care/" + w.anna.ID, Subject: w.anna.ID},
		{Actor: w.anna.ID, ActorRole: housing.RoleBeneficiary, Action: "profile.write", Record: "profile/" + w.anna.ID, Subject: w.anna.ID},
		{Actor: "cli:ops", Action: "person.export", Record: "person/" + w.anna.ID, Subject: w.anna.ID},
		{Actor: "bot", Action: "care.read", Record: "care/" + w.anna.ID, Subject: w.anna.ID},
		{Actor: w.mi.ID, ActorRole: housing.RoleMediator, Action: "proposal.read", Record: "proposal/x", Subject: w.bruno.ID},
	} {
		e.At = at
		noErr(t, "AppendAudit", w.s.AppendAudit(ctx, &e))
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestCollectLeavesOthersOut(t *testing.T) {
	w := newWorld(t)
	doc, err := Collect(context.Background(), w.s, w.anna.ID, Options{Now: housingtest.Epoch()})
	noErr(t, "Collect", err)
	raw, err := doc.JSON()
	noErr(t, "JSON", err)
	out := string(raw)
	for _, leak := range []string{w.bruno.ID, w.sara.ID, w.mi.ID, "Bruno", "Sara", "Mirta", "care team note", "staff remark"} {
		if strings.Contains(out, leak) {
			t.Errorf("Anna's copy holds %q:\n%s", leak, out)
		}
	}
	if doc.Care != nil || doc.Profile == nil || len(doc.Consents) != 1 || len(doc.Placements) != 1 ||
		len(doc.Assignments) != 1 || len(doc.CheckIns) != 1 || len(doc.Events) != 1 || len(doc.Outings) != 1 {
		t.Fatalf("Collect = %+v; want profile, a consent, placement, chore, check-in, report and outing, no care fields", doc)
	}
	pl := doc.Placements[0]
	gotBy := []string{pl.History[0].By, pl.History[1].By, pl.History[2].By}
	if diff := cmp.Diff([]string{"mediator", "mediator", AnotherResident}, gotBy); diff != "" {
		t.Errorf("placement history by (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{w.anna.ID}, pl.Residents); diff != "" {
		t.Errorf("placement residents (-want +got):\n%s", diff)
	}
	a, o, e := doc.Assignments[0], doc.Outings[0], doc.Events[0]
	if a.DoneBy != AnotherResident || a.PersonID != w.anna.ID || o.Organiser != AnotherResident ||
		len(o.Replies) != 1 || len(o.Invitees) != 1 || e.ResolvedBy != "social-worker" || e.Note != "my own words" {
		t.Errorf("shared records = %+v, %+v, %+v; want others by what they are, Anna's own note kept", a, o, e)
	}
	var who []string
	for _, l := range doc.AccessLog {
		who = append(who, l.Who)
	}
	if diff := cmp.Diff([]string{"social-worker, Bologna", You, Operator, Automatic}, who); diff != "" {
		t.Errorf("access log (-want +got):\n%s", diff)
	}
}

func TestCollectOptions(t *testing.T) {
	w := newWorld(t)
	doc, err := Collect(context.Background(), w.s, w.anna.ID, Options{WithCare: true, StaffNotes: true})
	noErr(t, "Collect", err)
	if doc.Care == nil || doc.Care.Notes != "care team note" {
		t.Errorf("Collect with care: Care = %+v; want the care fields", doc.Care)
	}
	if got := doc.Placements[0].History[1].Reason; got != "staff remark about Bruno" {
		t.Errorf("Collect with staff notes: reason = %q; want the staff's text", got)
	}
	_, err = Collect(context.Background(), w.s, "p_nobody", Options{})
	if !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("Collect(p_nobody) = %v; want ErrNotFound", err)
	}
}
