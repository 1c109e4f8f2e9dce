package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/storetest"
)

// open opens a store at path and closes it when the test ends.
func open(t *testing.T, path string, opts boltstore.Options) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) housing.Store {
		return open(t, filepath.Join(t.TempDir(), "convivo.db"), boltstore.Options{})
	})
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// snapshot is everything a test wrote, as read back through the store.
type snapshot struct {
	People      []housing.Person
	Profile     housing.Profile
	Care        housing.CareInfo
	Homes       []housing.Home
	Proposals   []housing.Proposal
	Placements  []housing.Placement
	Invitation  housing.Invitation
	Consents    []housing.ConsentRecord
	Audit       []housing.AuditEntry
	State       []byte
	ByTelegram  housing.Person
	InDistrict  []housing.Person
	ForSubject  []housing.AuditEntry
	OpenPlacing []housing.Placement
}

// fill writes one record of every kind and returns the ids it reads back
// by.
func fill(t *testing.T, s housing.Store) (personID, tokenHash string) {
	t.Helper()
	ctx := t.Context()
	var b housingtest.Builder
	a := b.Person(func(p *housing.Person) { p.TelegramID = 77 })
	c := b.Person(func(p *housing.Person) { p.District = housing.DistrictPianuraEst })
	must(t, "CreatePerson", s.CreatePerson(ctx, a))
	must(t, "CreatePerson", s.CreatePerson(ctx, c))
	must(t, "PutProfile", s.PutProfile(ctx, b.Profile(a.ID)))
	must(t, "PutCareInfo", s.PutCareInfo(ctx, &housing.CareInfo{PersonID: a.ID, SupportIntensity: housing.IntensityLight, Notes: "n"}))
	h := b.Home()
	must(t, "CreateHome", s.CreateHome(ctx, h))
	p := b.Proposal(h, []string{a.ID, c.ID})
	must(t, "CreateProposal", s.CreateProposal(ctx, p))
	_, err := s.ApproveProposal(ctx, p.ID, "p-med", housingtest.Epoch())
	must(t, "ApproveProposal", err)
	inv, _ := b.Invitation()
	must(t, "CreateInvitation", s.CreateInvitation(ctx, inv))
	must(t, "AddConsent", s.AddConsent(ctx, &housing.ConsentRecord{
		PersonID: a.ID, Decision: housing.ConsentAccepted, TextVersion: "2026-11", Language: housing.LangIT, At: housingtest.Epoch(),
	}))
	for _, subject := range []string{a.ID, "", a.ID} {
		must(t, "AppendAudit", s.AppendAudit(ctx, &housing.AuditEntry{Actor: "p-sw", Action: "care.read", Subject: subject, At: housingtest.Epoch()}))
	}
	must(t, "PutState", s.PutState(ctx, "conv:77", []byte("step=2"), 0))
	return a.ID, inv.TokenHash
}

// read reads back what fill wrote.
func read(t *testing.T, s housing.Store, personID, tokenHash string) snapshot {
	t.Helper()
	ctx := t.Context()
	var sn snapshot
	var errs [14]error
	sn.People, errs[0] = s.ListPeople(ctx, housing.PersonFilter{})
	sn.Profile, errs[1] = s.Profile(ctx, personID)
	sn.Care, errs[2] = s.CareInfo(ctx, personID)
	sn.Homes, errs[3] = s.ListHomes(ctx, housing.HomeFilter{})
	sn.Proposals, errs[4] = s.ListProposals(ctx, housing.ProposalFilter{})
	sn.Placements, errs[5] = s.ListPlacements(ctx, housing.PlacementFilter{})
	sn.Invitation, errs[6] = s.InvitationByTokenHash(ctx, tokenHash)
	sn.Consents, errs[7] = s.Consents(ctx, personID)
	sn.Audit, errs[8] = s.AuditLog(ctx, housing.AuditFilter{})
	sn.State, errs[9] = s.GetState(ctx, "conv:77")
	sn.ByTelegram, errs[10] = s.PersonByTelegramID(ctx, 77)
	sn.InDistrict, errs[11] = s.ListPeople(ctx, housing.PersonFilter{District: housing.DistrictPianuraEst})
	sn.ForSubject, errs[12] = s.AuditLog(ctx, housing.AuditFilter{Subject: personID})
	sn.OpenPlacing, errs[13] = s.ListPlacements(ctx, housing.PlacementFilter{PersonID: personID, OpenOnly: true})
	must(t, "reading back", errors.Join(errs[:]...))
	return sn
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "convivo.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	must(t, "Open", err)
	personID, tokenHash := fill(t, s)
	before := read(t, s, personID, tokenHash)
	must(t, "Close", s.Close())
	if err := s.Ping(t.Context()); err == nil {
		t.Errorf("Ping() after Close = nil; want an error")
	}

	after := read(t, open(t, path, boltstore.Options{}), personID, tokenHash)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("after reopening (-before +after):\n%s", diff)
	}
	if len(after.People) != 2 || len(after.Placements) != 1 || len(after.Audit) != 3 || len(after.ForSubject) != 2 ||
		len(after.InDistrict) != 1 || len(after.OpenPlacing) != 1 || after.ByTelegram.ID != personID {
		t.Errorf("snapshot = %d people, %d placements, %d audit entries (%d about %s), %d in district, %d open, by telegram %s; want 2, 1, 3 (2), 1, 1, %s",
			len(after.People), len(after.Placements), len(after.Audit), len(after.ForSubject), personID,
			len(after.InDistrict), len(after.OpenPlacing), after.ByTelegram.ID, personID)
	}
}

func TestSecondOpenFailsWithErrLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "convivo.db")
	open(t, path, boltstore.Options{})
	s, err := boltstore.Open(path, boltstore.Options{Timeout: 50 * time.Millisecond})
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, boltstore.ErrLocked) {
		t.Errorf("second Open(%s) = %v; want ErrLocked", path, err)
	}
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "convivo.db")
	open(t, path, boltstore.Options{})
	fi, err := os.Stat(path)
	must(t, "Stat", err)
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("data file mode = %v; want -rw-------", got)
	}
}

func TestStateExpiresOnInjectedClock(t *testing.T) {
	now := housingtest.Epoch()
	path := filepath.Join(t.TempDir(), "convivo.db")
	s, err := boltstore.Open(path, boltstore.Options{Now: func() time.Time { return now }})
	must(t, "Open", err)
	ctx := t.Context()
	must(t, "PutState", s.PutState(ctx, "action:1", []byte("a"), time.Minute))
	must(t, "PutState", s.PutState(ctx, "action:2", []byte("b"), time.Hour))
	must(t, "PutState", s.PutState(ctx, "offset", []byte("c"), 0))

	now = now.Add(time.Minute)
	if _, err := s.GetState(ctx, "action:1"); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("GetState(action:1) at expiry = %v; want ErrNotFound", err)
	}
	if _, err := s.TakeState(ctx, "action:1"); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("TakeState(action:1) at expiry = %v; want ErrNotFound", err)
	}
	now = now.Add(time.Hour)
	must(t, "Close", s.Close())

	// Reopening purges what expired; the value without ttl stays.
	s = open(t, path, boltstore.Options{Now: func() time.Time { return now }})
	if n, err := s.PurgeState(ctx); n != 0 || err != nil {
		t.Errorf("PurgeState() after reopening = %d, %v; want 0, nil", n, err)
	}
	got, err := s.GetState(ctx, "offset")
	if string(got) != "c" || err != nil {
		t.Errorf("GetState(offset) = %q, %v; want %q, nil", got, err, "c")
	}
	must(t, "PutState", s.PutState(ctx, "action:3", nil, time.Second))
	now = now.Add(time.Second)
	if n, err := s.PurgeState(ctx); n != 1 || err != nil {
		t.Errorf("PurgeState() = %d, %v; want 1, nil", n, err)
	}
}

func TestEndedPlacementCannotReopen(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "convivo.db"), boltstore.Options{})
	ctx := t.Context()
	var b housingtest.Builder
	a := b.Person()
	h := b.Home()
	must(t, "CreatePerson", s.CreatePerson(ctx, a))
	must(t, "CreateHome", s.CreateHome(ctx, h))
	p := b.Proposal(h, []string{a.ID})
	must(t, "CreateProposal", s.CreateProposal(ctx, p))
	pl, err := s.ApproveProposal(ctx, p.ID, "p-med", housingtest.Epoch())
	must(t, "ApproveProposal", err)
	must(t, "Move", pl.Move(housing.PlacementEnded, "p-med", housingtest.Epoch(), "declined"))
	pl.Outcome = housing.OutcomeDeclined
	must(t, "UpdatePlacement(end)", s.UpdatePlacement(ctx, &pl))
	got, err := s.Home(ctx, h.ID)
	must(t, "Home", err)
	if got.Version != 3 || len(got.Occupants) != 0 {
		t.Errorf("home after approval and end = v%d with %v; want v3, no occupants", got.Version, got.Occupants)
	}
	pl.Status, pl.Outcome = housing.PlacementActive, housing.OutcomeNone
	var se *housing.StateError
	if err := s.UpdatePlacement(ctx, &pl); !errors.As(err, &se) {
		t.Errorf("UpdatePlacement(reopen) = %v; want a StateError", err)
	}
}

func TestInvalidArguments(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "convivo.db"), boltstore.Options{})
	ctx := t.Context()
	at := housingtest.Epoch()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Person(empty)", func() error { _, err := s.Person(ctx, ""); return err }},
		{"Home(bad id)", func() error { _, err := s.Home(ctx, "h 1"); return err }},
		{"PersonByTelegramID(0)", func() error { _, err := s.PersonByTelegramID(ctx, 0); return err }},
		{"InvitationByTokenHash(short)", func() error { _, err := s.InvitationByTokenHash(ctx, "abc"); return err }},
		{"ApproveProposal(no mediator)", func() error { _, err := s.ApproveProposal(ctx, "pr1", "", at); return err }},
		{"RejectProposal(no time)", func() error { _, err := s.RejectProposal(ctx, "pr1", "p-med", "", time.Time{}); return err }},
		{"UpdatePerson(no id)", func() error {
			var b housingtest.Builder
			return s.UpdatePerson(ctx, b.Person(func(p *housing.Person) { p.ID = "" }))
		}},
		{"CreateProposal(approved)", func() error {
			var b housingtest.Builder
			return s.CreateProposal(ctx, b.Proposal(b.Home(), []string{"p1"}, func(p *housing.Proposal) { p.Status = housing.ProposalApproved }))
		}},
		{"PutState(negative ttl)", func() error { return s.PutState(ctx, "k", nil, -time.Second) }},
		{"Consents(bad id)", func() error { _, err := s.Consents(ctx, "p/1"); return err }},
		{"ListPeople(bad role)", func() error { _, err := s.ListPeople(ctx, housing.PersonFilter{Role: "king"}); return err }},
		{"ListHomes(bad kind)", func() error { _, err := s.ListHomes(ctx, housing.HomeFilter{Kind: "castle"}); return err }},
		{"ListPlacements(bad person)", func() error {
			_, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: "p 1"})
			return err
		}},
		{"ListProposals(bad status)", func() error {
			_, err := s.ListProposals(ctx, housing.ProposalFilter{Status: "maybe"})
			return err
		}},
	} {
		if err := tc.call(); !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", tc.name, err)
		}
	}
}

func TestCanceledContext(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "convivo.db"), boltstore.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var b housingtest.Builder
	if err := s.CreatePerson(ctx, b.Person()); !errors.Is(err, context.Canceled) {
		t.Errorf("CreatePerson(canceled) = %v; want context.Canceled", err)
	}
	if _, err := s.ListPeople(ctx, housing.PersonFilter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("ListPeople(canceled) = %v; want context.Canceled", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Ping(canceled) = %v; want context.Canceled", err)
	}
}
