package storetest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/seal"
)

// Opener opens the store at one location (a file, a namespace) with a
// keyring, or none; each call opens it again. The caller closes what it
// opened.
type Opener func(t *testing.T, keys *seal.Keyring) (housing.Store, error)

// NewLocation returns an Opener for a fresh, empty location and registers
// its cleanup.
type NewLocation func(t *testing.T) Opener

// Keyring returns a keyring for tests from a spec of ids and fill bytes:
// Keyring(t, "k2", 2, "k1", 1) holds k2 (active) and k1, whose keys are
// 32 copies of the byte.
func Keyring(t *testing.T, idsAndFills ...any) *seal.Keyring {
	t.Helper()
	var parts []string
	for i := 0; i+1 < len(idsAndFills); i += 2 {
		key := bytes.Repeat([]byte{byte(idsAndFills[i+1].(int))}, seal.KeySize)
		parts = append(parts, idsAndFills[i].(string)+":"+base64.StdEncoding.EncodeToString(key))
	}
	k, err := seal.Parse(strings.Join(parts, ","))
	if err != nil {
		t.Fatalf("Keyring(%v) = %v", idsAndFills, err)
	}
	return k
}

// RunSealed runs the whole contract suite on stores opened with a
// keyring, then the tests of encryption at rest: sealed round trips
// across a reopen, refusal without the key or with a wrong one, key
// rotation, and sealing data written before encryption was turned on.
func RunSealed(t *testing.T, newLocation NewLocation) {
	t.Run("Contract", func(t *testing.T) {
		Run(t, func(t *testing.T) housing.Store {
			return mustOpen(t, newLocation(t), Keyring(t, "k1", 1))
		})
	})
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"RoundTripAcrossReopen", testSealedRoundTrip},
		{"RefusesWithoutTheKey", testSealedRefusals},
		{"RotateKey", testRotateKey},
		{"SealExistingData", testSealExisting},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newLocation(t)) })
	}
}

// mustOpen opens the store at open's location and closes it when the
// test ends (a store the test closed itself may fail to close again).
func mustOpen(t *testing.T, open Opener, keys *seal.Keyring) housing.Store {
	t.Helper()
	s, err := open(t, keys)
	if err != nil {
		t.Fatalf("opening the store = %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sensitive is one record of every sealed kind, as read back.
type sensitive struct {
	Profile housing.Profile
	Care    housing.CareInfo
	CheckIn []housing.CheckIn
	Events  []housing.Event
	Alert   housing.Alert
	Risk    []housing.Risk
	State   []byte
	Outbox  []housing.OutboxMessage
}

// writeSensitive writes one record of every sealed kind for a new person.
func writeSensitive(t *testing.T, s housing.Store) string {
	t.Helper()
	f := newFixture(t, s)
	at := housingtest.Epoch()
	m := DefaultMarks()
	p := f.person()
	must(t, "PutProfile", s.PutProfile(f.ctx, f.b.Profile(p.ID, func(pr *housing.Profile) { pr.Interests = []string{m.Interest} })))
	must(t, "PutCareInfo", s.PutCareInfo(f.ctx, &housing.CareInfo{PersonID: p.ID, Notes: m.Note}))
	must(t, "PutCheckIn", s.PutCheckIn(f.ctx, &housing.CheckIn{ID: "ci1", PersonID: p.ID, PlacementID: "pl1", Week: "2026-W48", Mood: 2, Note: m.Note, Answered: true, At: at}))
	must(t, "PutEvent", s.PutEvent(f.ctx, &housing.Event{ID: "ev1", PlacementID: "pl1", PersonID: p.ID, Kind: housing.EventConflict, Note: m.Note, At: at}))
	must(t, "PutAlert", s.PutAlert(f.ctx, &housing.Alert{ID: "al1", PlacementID: "pl1", Level: housing.AlertWatch, DedupKey: "d",
		Reasons: []housing.Reason{{Key: "k", PersonID: p.ID}}, CreatedAt: at, Status: housing.AlertResolved, Resolution: m.Note}))
	must(t, "AppendRisk", s.AppendRisk(f.ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 3, Reasons: []housing.Reason{{Key: "k", PersonID: p.ID}}}))
	must(t, "PutState", s.PutState(f.ctx, "conv:1", []byte(m.Note), 0))
	must(t, "Enqueue", s.Enqueue(f.ctx, housing.OutboxMessage{Key: "m1", ChatID: 1, PersonID: p.ID, Kind: "x", Text: m.Note}))
	return p.ID
}

// readSensitive reads back what writeSensitive wrote.
func readSensitive(t *testing.T, s housing.Store, id string) sensitive {
	t.Helper()
	ctx := t.Context()
	var r sensitive
	var errs [8]error
	r.Profile, errs[0] = s.Profile(ctx, id)
	r.Care, errs[1] = s.CareInfo(ctx, id)
	r.CheckIn, errs[2] = s.CheckIns(ctx, housing.CheckInFilter{PersonID: id})
	r.Events, errs[3] = s.Events(ctx, housing.EventFilter{PersonID: id})
	r.Alert, errs[4] = s.Alert(ctx, "al1")
	r.Risk, errs[5] = s.RiskHistory(ctx, "pl1", time.Time{})
	r.State, errs[6] = s.GetState(ctx, "conv:1")
	r.Outbox, errs[7] = s.Claim(ctx, housingtest.Epoch().AddDate(1, 0, 0), time.Nanosecond, 10)
	must(t, "reading back the sealed records", errors.Join(errs[:]...))
	return r
}

func testSealedRoundTrip(t *testing.T, open Opener) {
	k1 := Keyring(t, "k1", 1)
	s := mustOpen(t, open, k1)
	id := writeSensitive(t, s)
	before := readSensitive(t, s, id)
	if before.Care.Notes != DefaultMarks().Note || string(before.State) != DefaultMarks().Note || len(before.Outbox) != 1 {
		t.Fatalf("sealed records read back wrong: %+v", before)
	}
	must(t, "Close", s.Close())
	s = mustOpen(t, open, k1)
	after := readSensitive(t, s, id)
	before.Outbox, after.Outbox = nil, nil // claimed once already
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("sealed records after a reopen (-before +after):\n%s", diff)
	}
}

func testSealedRefusals(t *testing.T, open Opener) {
	s := mustOpen(t, open, Keyring(t, "k1", 1))
	writeSensitive(t, s)
	must(t, "Close", s.Close())
	for _, tc := range []struct {
		name string
		keys *seal.Keyring
		want error
	}{
		{"no key", nil, seal.ErrNoKey},
		{"another key under the same id", Keyring(t, "k1", 9), seal.ErrWrongKey},
		{"a ring without the data's key", Keyring(t, "k2", 2), seal.ErrUnknownKey},
	} {
		s, err := open(t, tc.keys)
		if err == nil {
			s.Close()
		}
		if !errors.Is(err, tc.want) || err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("opening sealed data with %s = %v; want one line wrapping %v", tc.name, err, tc.want)
		}
	}
}

func testRotateKey(t *testing.T, open Opener) {
	s := mustOpen(t, open, Keyring(t, "k1", 1))
	id := writeSensitive(t, s)
	want := readSensitive(t, s, id)
	must(t, "Close", s.Close())

	s = mustOpen(t, open, Keyring(t, "k2", 2, "k1", 1))
	n, err := s.RotateKey(t.Context())
	must(t, "RotateKey", err)
	if n < 8 {
		t.Errorf("RotateKey() re-sealed %d values; want at least the 8 written", n)
	}
	if n, err := s.RotateKey(t.Context()); err != nil || n != 0 {
		t.Errorf("RotateKey() again = %d, %v; want 0", n, err)
	}
	must(t, "Close", s.Close())

	s = mustOpen(t, open, Keyring(t, "k2", 2))
	got := readSensitive(t, s, id)
	want.Outbox, got.Outbox = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records under the new key alone (-want +got):\n%s", diff)
	}
	must(t, "Close", s.Close())
	if s, err := open(t, Keyring(t, "k1", 1)); !errors.Is(err, seal.ErrUnknownKey) {
		if err == nil {
			s.Close()
		}
		t.Errorf("opening with the retired key = %v; want ErrUnknownKey", err)
	}
}

func testSealExisting(t *testing.T, open Opener) {
	s := mustOpen(t, open, nil)
	id := writeSensitive(t, s)
	want := readSensitive(t, s, id)
	if _, err := s.RotateKey(t.Context()); !errors.Is(err, seal.ErrNoKey) {
		t.Errorf("RotateKey() without a keyring = %v; want ErrNoKey", err)
	}
	must(t, "Close", s.Close())

	s = mustOpen(t, open, Keyring(t, "k1", 1))
	got := readSensitive(t, s, id)
	want.Outbox, got.Outbox = nil, nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("clear records read with a keyring (-want +got):\n%s", diff)
	}
	n, err := s.RotateKey(t.Context())
	if err != nil || n < 7 {
		t.Errorf("RotateKey() over clear data = %d, %v; want every sensitive value sealed", n, err)
	}
	must(t, "Close", s.Close())
	if s, err := open(t, nil); !errors.Is(err, seal.ErrNoKey) {
		if err == nil {
			s.Close()
		}
		t.Errorf("opening without a key after sealing = %v; want ErrNoKey", err)
	}
	s = mustOpen(t, open, Keyring(t, "k1", 1))
	got = readSensitive(t, s, id)
	got.Outbox = nil
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records after sealing existing data (-want +got):\n%s", diff)
	}
}
