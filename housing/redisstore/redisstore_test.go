package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/redisstore"
	"github.com/convivo/convivo/housing/storetest"
)

// redisURL returns CONVIVO_TEST_REDIS_URL, skipping the test when it is
// unset.
func redisURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("CONVIVO_TEST_REDIS_URL")
	if url == "" {
		tb.Skip("CONVIVO_TEST_REDIS_URL not set")
	}
	return url
}

// openStore opens a store on CONVIVO_TEST_REDIS_URL in a fresh random
// namespace and deletes the namespace's keys when the test ends. A
// configured Redis that does not answer fails the test.
func openStore(tb testing.TB) *redisstore.Store {
	tb.Helper()
	url := redisURL(tb)
	return newTestStore(tb, func(o redisstore.Options) (*redisstore.Store, error) {
		return redisstore.Open(tb.Context(), url, o)
	})
}

// newTestStore opens a store with open in a fresh random namespace and
// deletes the namespace's keys and closes the store when the test ends.
func newTestStore(tb testing.TB, open func(redisstore.Options) (*redisstore.Store, error)) *redisstore.Store {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	ns := "test-" + hex.EncodeToString(b[:])
	s, err := open(redisstore.Options{Namespace: ns})
	if err != nil {
		tb.Fatalf("opening the test store = %v; want a store (the URL is set, so Redis must answer)", err)
	}
	tb.Cleanup(func() {
		ctx := context.Background() // tb.Context is already done in cleanups
		if err := redisstore.DeleteNamespace(ctx, s); err != nil {
			tb.Errorf("deleting namespace %s: %v", ns, err)
		}
		if err := s.Close(); err != nil {
			tb.Errorf("Close() = %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) housing.Store { return openStore(t) })
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	s, err := redisstore.Open(ctx, "redis://127.0.0.1:1/0", redisstore.Options{})
	if err == nil {
		s.Close()
		t.Fatalf("Open(127.0.0.1:1) = nil error; want a connection error")
	}
	if ctx.Err() != nil {
		t.Errorf("Open(127.0.0.1:1) waited for the context deadline; want it to fail at once: %v", err)
	}
	if !strings.Contains(err.Error(), "redisstore: open") {
		t.Errorf("Open(127.0.0.1:1) = %q; want it to name the package and the step", err)
	}
}

func TestOpenBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, url, ns string
		invalid       bool // want ErrInvalid
	}{
		{"bad url", "http://127.0.0.1:6379", "", false},
		{"brace in namespace", "redis://127.0.0.1:1/0", "a}b", true},
		{"colon in namespace", "redis://127.0.0.1:1/0", "a:b", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.Open(t.Context(), tc.url, redisstore.Options{Namespace: tc.ns})
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q, %q) = nil error; want an error", tc.url, tc.ns)
			}
			if got := errors.Is(err, housing.ErrInvalid); got != tc.invalid {
				t.Errorf("Open(%q, %q) = %v; ErrInvalid %v, want %v", tc.url, tc.ns, err, got, tc.invalid)
			}
		})
	}
}

// TestKeysShareOneSlot fills a namespace through every kind of write and
// checks that each key carries the namespace's hash tag first, so Redis
// Cluster puts them all in one slot.
func TestKeysShareOneSlot(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	fillEveryKind(t, s)

	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	if len(keys) < 15 {
		t.Fatalf("Keys() = %d keys; want at least 15 after writing every kind: %v", len(keys), keys)
	}
	for _, k := range keys {
		if tag := hashTag(k); tag != strings.Trim(s.Namespace(), "{}:") {
			t.Errorf("key %q has hash tag %q; want the namespace %q", k, tag, s.Namespace())
		}
	}
}

// fillEveryKind writes through every kind of call, so that s holds every
// kind of key.
func fillEveryKind(t *testing.T, s *redisstore.Store) {
	t.Helper()
	ctx := t.Context()
	var b housingtest.Builder
	p := b.Person(func(p *housing.Person) { p.TelegramID = 77 })
	mustDo(t, "CreatePerson", s.CreatePerson(ctx, p))
	mustDo(t, "PutProfile", s.PutProfile(ctx, b.Profile(p.ID)))
	mustDo(t, "PutCareInfo", s.PutCareInfo(ctx, &housing.CareInfo{PersonID: p.ID}))
	mustDo(t, "AddConsent", s.AddConsent(ctx, &housing.ConsentRecord{
		PersonID: p.ID, Decision: housing.ConsentAccepted, TextVersion: "v1", Language: housing.LangIT, At: housingtest.Epoch(),
	}))
	h := b.Home()
	mustDo(t, "CreateHome", s.CreateHome(ctx, h))
	pr := b.Proposal(h, []string{p.ID})
	mustDo(t, "CreateProposal", s.CreateProposal(ctx, pr))
	_, err := s.ApproveProposal(ctx, pr.ID, "p-med", housingtest.Epoch())
	mustDo(t, "ApproveProposal", err)
	inv, _ := b.Invitation()
	mustDo(t, "CreateInvitation", s.CreateInvitation(ctx, inv))
	mustDo(t, "AppendAudit", s.AppendAudit(ctx, &housing.AuditEntry{Actor: "p-med", Action: "x", Subject: p.ID, At: housingtest.Epoch()}))
	mustDo(t, "PutState", s.PutState(ctx, "conv:1", []byte("x"), time.Minute))
	mustDo(t, "ClaimState", claimErr(s.ClaimState(ctx, "slot:1", []byte("x"), time.Minute)))
	_, err = s.TakeState(ctx, "conv:1")
	mustDo(t, "TakeState", err)
	fillLife(t, s)
}

// claimErr drops ClaimState's result.
func claimErr(_ bool, err error) error { return err }

// hashTag returns the part of key Redis Cluster hashes: the text between
// the first '{' and the next '}', when not empty.
func hashTag(key string) string {
	i := strings.IndexByte(key, '{')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(key[i+1:], '}')
	if j <= 0 {
		return ""
	}
	return key[i+1 : i+1+j]
}

func TestApproveRepeatSamePlacement(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	var b housingtest.Builder
	p1, p2 := b.Person(), b.Person()
	mustDo(t, "CreatePerson", s.CreatePerson(ctx, p1))
	mustDo(t, "CreatePerson", s.CreatePerson(ctx, p2))
	h := b.Home()
	mustDo(t, "CreateHome", s.CreateHome(ctx, h))
	pr := b.Proposal(h, []string{p1.ID, p2.ID})
	mustDo(t, "CreateProposal", s.CreateProposal(ctx, pr))
	first, err := s.ApproveProposal(ctx, pr.ID, "p-med", housingtest.Epoch())
	mustDo(t, "ApproveProposal", err)
	for i := range 3 {
		again, err := s.ApproveProposal(ctx, pr.ID, "p-med", housingtest.Epoch().Add(time.Hour))
		mustDo(t, "ApproveProposal(repeat)", err)
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("ApproveProposal repeat %d mismatch (-first +again):\n%s", i, diff)
		}
	}
	home, err := s.Home(ctx, h.ID)
	mustDo(t, "Home", err)
	if len(home.Occupants) != 2 || home.Version != 2 {
		t.Errorf("home after repeated approvals: %d occupants, version %d; want 2, 2", len(home.Occupants), home.Version)
	}
}

// TestPlacementChanges covers the placement rules redisstore enforces
// besides the contract: a dropped resident's place is freed, and a
// placement cannot move home, gain residents or reopen.
func TestPlacementChanges(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	var b housingtest.Builder
	p1, p2, p3 := b.Person(), b.Person(), b.Person()
	for _, p := range []*housing.Person{p1, p2, p3} {
		mustDo(t, "CreatePerson", s.CreatePerson(ctx, p))
	}
	h := b.Home()
	mustDo(t, "CreateHome", s.CreateHome(ctx, h))
	pr := b.Proposal(h, []string{p1.ID, p2.ID})
	mustDo(t, "CreateProposal", s.CreateProposal(ctx, pr))
	pl, err := s.ApproveProposal(ctx, pr.ID, "p-med", housingtest.Epoch())
	mustDo(t, "ApproveProposal", err)

	for _, tc := range []struct {
		name string
		mod  func(*housing.Placement)
		want error
	}{
		{"other home", func(p *housing.Placement) { p.HomeID = "h-other" }, housing.ErrInvalid},
		{"new resident", func(p *housing.Placement) { p.Residents = append(p.Residents, p3.ID) }, housing.ErrInvalid},
	} {
		c := pl
		c.Residents = append([]string(nil), pl.Residents...)
		tc.mod(&c)
		if err := s.UpdatePlacement(ctx, &c); !errors.Is(err, tc.want) {
			t.Errorf("UpdatePlacement(%s) = %v; want %v", tc.name, err, tc.want)
		}
	}

	pl.Residents = []string{p1.ID}
	mustDo(t, "UpdatePlacement(drop p2)", s.UpdatePlacement(ctx, &pl))
	home, err := s.Home(ctx, h.ID)
	mustDo(t, "Home", err)
	if want := []housing.Occupant{{PersonID: p1.ID, Beneficiary: true}}; !cmp.Equal(home.Occupants, want) {
		t.Errorf("occupants after dropping %s = %v; want %v", p2.ID, home.Occupants, want)
	}
	left, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: p2.ID})
	mustDo(t, "ListPlacements", err)
	if len(left) != 0 {
		t.Errorf("ListPlacements(dropped %s) = %d; want 0", p2.ID, len(left))
	}

	mustDo(t, "Move", pl.Move(housing.PlacementEnded, "p-med", housingtest.Epoch(), ""))
	pl.Outcome = housing.OutcomeDeclined
	mustDo(t, "UpdatePlacement(end)", s.UpdatePlacement(ctx, &pl))
	pl.Status, pl.Outcome = housing.PlacementActive, housing.OutcomeNone
	if err := s.UpdatePlacement(ctx, &pl); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("UpdatePlacement(reopen) = %v; want ErrConflict", err)
	}
}

func mustDo(tb testing.TB, what string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}
