package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// Marks are the distinctive values an erasure fixture writes about the
// person to erase, for tests that search a store's raw bytes for them.
type Marks struct {
	PersonID    string
	Name        string
	Code        string
	TelegramID  int64
	Interest    string // a profile answer
	Note        string // a check-in note, an event note, a care note
	Expectation string // a host's free-text expectation, in a profile
}

// Strings returns the marks as the strings to search for.
func (m Marks) Strings() []string {
	return []string{m.PersonID, m.Name, m.Code, strconv.FormatInt(m.TelegramID, 10), m.Interest, m.Note, m.Expectation}
}

// DefaultMarks returns the marks FillPerson writes.
func DefaultMarks() Marks {
	return Marks{
		PersonID: "p_erase_zq", Name: "Zelinda Quarantotto", Code: "BO-ZQ-4242",
		TelegramID: 987654321, Interest: "zebracrossing", Note: "ZEBRA-PLAINTEXT-42",
		Expectation: "QUOKKA-EXPECTATION-17",
	}
}

// Filled names what FillPerson wrote besides the person.
type Filled struct {
	Other, Staff  *housing.Person
	Home          *housing.Home
	Placement     housing.Placement
	Proposal      *housing.Proposal
	OtherCheckIn  housing.CheckIn
	Alert         housing.Alert
	Outing        housing.Outing
	OtherMessage  string // key of a pending message to someone else
	OtherState    string // a state key of someone else
	ActionForThem string // a state key whose value names their Telegram id
}

// ActionOwner is the DropState of the erasure tests: a state value
// {"u": telegramID} belongs to that Telegram user, as the bot's button
// actions do.
func ActionOwner(telegramID int64) func(key string, value []byte) bool {
	return func(key string, value []byte) bool {
		var a struct {
			U int64 `json:"u"`
		}
		return strings.HasPrefix(key, "act:") && json.Unmarshal(value, &a) == nil && a.U == telegramID
	}
}

// FillPerson writes a person with the marks m and every kind of record
// that names them: profile, care fields, consents, a placement with
// another person, check-ins, an event, an alert and risk scores, a rota,
// a ledger, an outing, an invitation, outbox messages, state values and
// audit entries. It is the fixture of the erasure tests.
func FillPerson(t *testing.T, s housing.Store, m Marks) Filled {
	t.Helper()
	f := newFixture(t, s)
	ctx, at := f.ctx, housingtest.Epoch()
	var out Filled
	x := f.person(func(p *housing.Person) {
		p.ID, p.DisplayName, p.Code, p.TelegramID = m.PersonID, m.Name, m.Code, m.TelegramID
	})
	out.Other = f.person()
	out.Staff = f.person(func(p *housing.Person) { p.Role = housing.RoleSocialWorker })
	must(t, "PutProfile", s.PutProfile(ctx, f.b.Profile(x.ID, func(p *housing.Profile) {
		p.Interests = []string{m.Interest}
		p.Host = &housing.HostProfile{HouseholdSize: 1, Expectations: m.Expectation}
	})))
	must(t, "PutCareInfo", s.PutCareInfo(ctx, &housing.CareInfo{PersonID: x.ID, Notes: m.Note, ResponsibleWorkers: []string{out.Staff.ID}}))
	must(t, "PutCareInfo", s.PutCareInfo(ctx, &housing.CareInfo{PersonID: out.Other.ID, Exclusions: []string{x.ID}}))
	must(t, "AddConsent", s.AddConsent(ctx, &housing.ConsentRecord{PersonID: x.ID, Decision: housing.ConsentAccepted, TextVersion: "2026-11", Language: housing.LangIT, At: at}))
	out.Home = f.home()
	out.Proposal = f.proposal(out.Home, x, out.Other)
	pl, err := s.ApproveProposal(ctx, out.Proposal.ID, out.Staff.ID, at)
	must(t, "ApproveProposal", err)
	out.Placement = pl
	fillLife(t, s, x, &out)
	fillMessages(t, s, x, &out)
	return out
}

// fillLife writes the house-life records of FillPerson.
func fillLife(t *testing.T, s housing.Store, x *housing.Person, out *Filled) {
	t.Helper()
	ctx, at, pl := t.Context(), housingtest.Epoch(), out.Placement.ID
	m := DefaultMarks()
	mine := &housing.CheckIn{PersonID: x.ID, PlacementID: pl, Week: "2026-W48", Mood: 2, Note: x.Code + " " + m.Note, Answered: true, At: at}
	must(t, "PutCheckIn", s.PutCheckIn(ctx, mine))
	out.OtherCheckIn = housing.CheckIn{PersonID: out.Other.ID, PlacementID: pl, Week: "2026-W48", Mood: 4, Answered: true, At: at}
	must(t, "PutCheckIn", s.PutCheckIn(ctx, &out.OtherCheckIn))
	ev := &housing.Event{PlacementID: pl, PersonID: x.ID, Kind: housing.EventTalk, Note: m.Note, At: at}
	must(t, "PutEvent", s.PutEvent(ctx, ev))
	risk := housing.Risk{PlacementID: pl, At: at, Score: 60, Level: housing.AlertAtRisk,
		Reasons: []housing.Reason{{Key: housing.ReasonTalkRequest, PersonID: x.ID, N: 1, Contribution: 60}}}
	must(t, "AppendRisk", s.AppendRisk(ctx, risk))
	out.Alert = housing.NewAlert(risk, at)
	out.Alert.EventID = ev.ID
	must(t, "PutAlert", s.PutAlert(ctx, &out.Alert))
	task := &housing.Task{HomeID: out.Home.ID, Key: "task.kitchen", EveryDays: 1, Effort: 2}
	must(t, "PutTask", s.PutTask(ctx, task))
	a := &housing.Assignment{ID: housing.AssignmentID(task.ID, at), HomeID: out.Home.ID, TaskID: task.ID, Effort: 2,
		Due: at, AssignedTo: x.ID, PersonID: x.ID, Status: housing.AssignmentAssigned}
	must(t, "PutAssignment", s.PutAssignment(ctx, a))
	l := &housing.Ledger{HomeID: out.Home.ID}
	l.Credit(x.ID, 2, at)
	l.Credit(out.Other.ID, 3, at)
	must(t, "PutLedger", s.PutLedger(ctx, l))
	out.Outing = housing.Outing{Title: "Cinema", At: at.Add(48 * time.Hour), Organiser: out.Staff.ID,
		Invitees: []string{x.ID, out.Other.ID}, Status: housing.OutingPlanned, CreatedAt: at, UpdatedAt: at}
	must(t, "PutOuting", s.PutOuting(ctx, &out.Outing))
}

// fillMessages writes the invitation, outbox, state and audit records of
// FillPerson.
func fillMessages(t *testing.T, s housing.Store, x *housing.Person, out *Filled) {
	t.Helper()
	var b housingtest.Builder
	ctx, at, tg := t.Context(), housingtest.Epoch(), x.TelegramID
	inv, _ := b.Invitation(func(i *housing.Invitation) { i.ID, i.PersonID = "inv_zq", x.ID })
	must(t, "CreateInvitation", s.CreateInvitation(ctx, inv))
	_, err := s.RedeemInvitation(ctx, inv.TokenHash, tg, at)
	must(t, "RedeemInvitation", err)
	for _, msg := range []housing.OutboxMessage{
		{Key: "checkin:" + x.ID + ":2026-W48", ChatID: tg, PersonID: x.ID, Kind: "checkin", Text: "Ciao " + x.DisplayName},
		{Key: "welcome:42", ChatID: tg, Kind: "welcome", Text: "Benvenuta " + x.DisplayName},
		{Key: "reminder:" + x.ID + ":done", ChatID: tg, PersonID: x.ID, Kind: "reminder", Text: "fatto"},
		{Key: "checkin:" + out.Other.ID + ":2026-W48", ChatID: 5151, PersonID: out.Other.ID, Kind: "checkin", Text: "Ciao"},
	} {
		must(t, "Enqueue", s.Enqueue(ctx, msg))
	}
	must(t, "MarkSent", s.MarkSent(ctx, "reminder:"+x.ID+":done", at))
	out.OtherMessage = "checkin:" + out.Other.ID + ":2026-W48"
	tgs := strconv.FormatInt(tg, 10)
	out.OtherState, out.ActionForThem = "conv:5151", "act:abc123"
	for k, v := range map[string]string{
		"conv:" + tgs: `{"step":"interests","draft":"` + x.DisplayName + `"}`, "seen:" + x.ID: at.Format(time.RFC3339),
		out.ActionForThem: `{"u":` + tgs + `,"k":"flow","o":["a"]}`, out.OtherState: `{"step":"x"}`,
		"act:other": `{"u":5151,"k":"flow","o":["a"]}`,
	} {
		must(t, "PutState", s.PutState(ctx, k, []byte(v), time.Hour))
	}
	for _, e := range []housing.AuditEntry{
		{Actor: out.Staff.ID, ActorRole: housing.RoleSocialWorker, Action: "care.read", Record: "care/" + x.ID, Subject: x.ID, Purpose: "review"},
		{Actor: x.ID, ActorRole: housing.RoleBeneficiary, Action: "profile.read", Record: "profile/" + x.ID, Subject: x.ID},
		{Actor: "cli:op", Action: "care.read", Record: "care/" + out.Other.ID, Subject: out.Other.ID},
	} {
		e.At = at
		must(t, "AppendAudit", s.AppendAudit(ctx, &e))
	}
}

func testErasure(t *testing.T, s housing.Store) {
	ctx, m := t.Context(), DefaultMarks()
	f := FillPerson(t, s, m)
	before, err := s.AuditLog(ctx, housing.AuditFilter{})
	must(t, "AuditLog", err)
	rep, err := s.ErasePerson(ctx, m.PersonID, housing.ErasureOptions{DropState: ActionOwner(m.TelegramID)})
	must(t, "ErasePerson", err)
	ps := rep.Pseudonym
	if !housing.IsPseudonym(ps) || rep.PersonID != m.PersonID {
		t.Fatalf("ErasePerson report = %+v; want the person and a pseudonym", rep)
	}
	for kind, want := range map[string]int{"person": 1, "profile": 1, "care": 1, "consent": 1, "checkin": 1, "event": 1, "invitation": 1, "state": 3, "outbox": 3} {
		if got := rep.Deleted[kind]; got != want {
			t.Errorf("ErasePerson deleted %d %s; want %d (report %v)", got, kind, want, rep.Deleted)
		}
	}
	for _, kind := range []string{"home", "placement", "proposal", "alert", "assignment", "ledger", "outing", "care", "risk"} {
		if rep.Pseudonymised[kind] != 1 {
			t.Errorf("ErasePerson pseudonymised %d %s; want 1 (report %v)", rep.Pseudonymised[kind], kind, rep.Pseudonymised)
		}
	}
	checkGone(t, s, m)
	checkPseudonymised(t, s, f, m.PersonID, ps)
	checkKept(t, s, f)
	after, err := s.AuditLog(ctx, housing.AuditFilter{})
	must(t, "AuditLog", err)
	if bad, ok := housing.VerifyChain(after); !ok || len(after) != len(before) {
		t.Errorf("audit log after erasure: %d entries (want %d), chain broken at %d", len(after), len(before), bad)
	}
	if b, _ := json.Marshal(after); strings.Contains(string(b), m.PersonID) {
		t.Errorf("audit log names %s after the erasure: %s", m.PersonID, b)
	}
	_, err = s.PseudonymOwner(ctx, ps)
	wantErr(t, "PseudonymOwner(erased)", err, housing.ErrNotFound)
	_, err = s.ErasePerson(ctx, m.PersonID, housing.ErasureOptions{})
	wantErr(t, "ErasePerson(again)", err, housing.ErrNotFound)
}

// checkGone checks that the erased person's own records are gone.
func checkGone(t *testing.T, s housing.Store, m Marks) {
	t.Helper()
	ctx, id := t.Context(), m.PersonID
	_, err := s.Person(ctx, id)
	wantErr(t, "Person(erased)", err, housing.ErrNotFound)
	_, err = s.PersonByTelegramID(ctx, m.TelegramID)
	wantErr(t, "PersonByTelegramID(erased)", err, housing.ErrNotFound)
	_, err = s.Profile(ctx, id)
	wantErr(t, "Profile(erased)", err, housing.ErrNotFound)
	_, err = s.CareInfo(ctx, id)
	wantErr(t, "CareInfo(erased)", err, housing.ErrNotFound)
	for what, n := range map[string]func() (int, error){
		"Consents": func() (int, error) { c, err := s.Consents(ctx, id); return len(c), err },
		"CheckIns": func() (int, error) {
			c, err := s.CheckIns(ctx, housing.CheckInFilter{PersonID: id})
			return len(c), err
		},
		"Events": func() (int, error) { c, err := s.Events(ctx, housing.EventFilter{PersonID: id}); return len(c), err },
		"Placements": func() (int, error) {
			c, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: id})
			return len(c), err
		},
		"Assignments": func() (int, error) {
			c, err := s.Assignments(ctx, housing.AssignmentFilter{PersonID: id})
			return len(c), err
		},
		"Outings":  func() (int, error) { c, err := s.Outings(ctx, housing.OutingFilter{Invitee: id}); return len(c), err },
		"AuditLog": func() (int, error) { c, err := s.AuditLog(ctx, housing.AuditFilter{Subject: id}); return len(c), err },
	} {
		if got, err := n(); err != nil || got != 0 {
			t.Errorf("%s(%s) after erasure = %d, %v; want none", what, id, got, err)
		}
	}
	tg := strconv.FormatInt(m.TelegramID, 10)
	for _, key := range []string{"conv:" + tg, "seen:" + id, "act:abc123"} {
		_, err := s.GetState(ctx, key)
		wantErr(t, "GetState("+key+")", err, housing.ErrNotFound)
	}
	if n, err := s.OutboxDepth(ctx); err != nil || n != 1 {
		t.Errorf("OutboxDepth() after erasure = %d, %v; want 1 (someone else's message)", n, err)
	}
	if err := s.Enqueue(ctx, housing.OutboxMessage{Key: "reminder:" + id + ":done", ChatID: 1, Kind: "x", Text: "x"}); err != nil {
		t.Errorf("Enqueue(key of an erased delivery record) = %v", err)
	}
	if n, _ := s.OutboxDepth(ctx); n != 2 {
		t.Errorf("a delivery record naming %s survived the erasure: its key stayed deduplicated", id)
	}
}

// checkPseudonymised checks that others' records name the pseudonym.
func checkPseudonymised(t *testing.T, s housing.Store, f Filled, id, ps string) {
	t.Helper()
	ctx := t.Context()
	pl, err := s.Placement(ctx, f.Placement.ID)
	must(t, "Placement", err)
	if !slices.Contains(pl.Residents, ps) || slices.Contains(pl.Residents, id) || pl.Version != f.Placement.Version+1 {
		t.Errorf("placement after erasure: residents %v, version %d; want %s in place of %s, version %d", pl.Residents, pl.Version, ps, id, f.Placement.Version+1)
	}
	byPs, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: ps})
	if err != nil || len(byPs) != 1 {
		t.Errorf("ListPlacements(pseudonym) = %d, %v; want the placement, found by its index", len(byPs), err)
	}
	h, err := s.Home(ctx, f.Home.ID)
	must(t, "Home", err)
	if !h.HasOccupant(ps) || h.HasOccupant(id) {
		t.Errorf("home occupants after erasure = %+v; want %s in place of %s", h.Occupants, ps, id)
	}
	pr, err := s.Proposal(ctx, f.Proposal.ID)
	must(t, "Proposal", err)
	if !pr.HasMember(ps) || pr.HasMember(id) {
		t.Errorf("proposal members after erasure = %v; want %s", pr.Members, ps)
	}
	care, err := s.CareInfo(ctx, f.Other.ID)
	must(t, "CareInfo(other)", err)
	if !care.Excludes(ps) || care.Excludes(id) {
		t.Errorf("other's exclusions after erasure = %v; want %s", care.Exclusions, ps)
	}
	al, err := s.Alert(ctx, f.Alert.ID)
	must(t, "Alert", err)
	if al.Reasons[0].PersonID != ps || strings.Contains(al.DedupKey, id) {
		t.Errorf("alert after erasure: reason person %q, dedup %q; want %s", al.Reasons[0].PersonID, al.DedupKey, ps)
	}
	hist, err := s.RiskHistory(ctx, f.Placement.ID, time.Time{})
	must(t, "RiskHistory", err)
	if len(hist) != 1 || hist[0].Reasons[0].PersonID != ps {
		t.Errorf("risk history after erasure = %+v; want its reason on %s", hist, ps)
	}
	l, err := s.Ledger(ctx, f.Home.ID)
	must(t, "Ledger", err)
	if l.Balance[ps] != 2 || l.Balance[id] != 0 {
		t.Errorf("ledger balance after erasure = %v; want %s: 2", l.Balance, ps)
	}
	as, err := s.Assignments(ctx, housing.AssignmentFilter{PersonID: ps})
	if err != nil || len(as) != 1 || as[0].AssignedTo != ps {
		t.Errorf("Assignments(pseudonym) = %+v, %v; want the assignment, rewritten", as, err)
	}
	o, err := s.Outing(ctx, f.Outing.ID)
	must(t, "Outing", err)
	if !slices.Contains(o.Invitees, ps) || slices.Contains(o.Invitees, id) {
		t.Errorf("outing invitees after erasure = %v; want %s", o.Invitees, ps)
	}
}

// checkKept checks that others' own records survived.
func checkKept(t *testing.T, s housing.Store, f Filled) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.Person(ctx, f.Other.ID); err != nil {
		t.Errorf("Person(other) after erasure = %v", err)
	}
	cs, err := s.CheckIns(ctx, housing.CheckInFilter{PersonID: f.Other.ID})
	if err != nil || len(cs) != 1 {
		t.Errorf("CheckIns(other) after erasure = %d, %v; want 1", len(cs), err)
	}
	if _, err := s.GetState(ctx, f.OtherState); err != nil {
		t.Errorf("GetState(%s) after erasure = %v; want it kept", f.OtherState, err)
	}
	if _, err := s.GetState(ctx, "act:other"); err != nil {
		t.Errorf("GetState(act:other) after erasure = %v; want it kept", err)
	}
	mine, err := s.AuditLog(ctx, housing.AuditFilter{Subject: f.Other.ID})
	if err != nil || len(mine) != 1 {
		t.Errorf("AuditLog(other) after erasure = %d, %v; want 1", len(mine), err)
	}
	if _, err := s.ErasePerson(ctx, "no-such-person", housing.ErasureOptions{}); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("ErasePerson(unknown) = %v; want ErrNotFound", err)
	}
}
