package boltstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// openTest opens a store at path and closes it when the test ends.
func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// outboxMsg returns a valid message due at t0.
func outboxMsg(key string) housing.OutboxMessage {
	return housing.OutboxMessage{
		Key: key, ChatID: 42, PersonID: "p-1", Kind: "reminder", Text: "Ciao Anna", ParseMode: "HTML",
		Keyboard: json.RawMessage(`{"inline_keyboard":[]}`), Photo: []byte("PNG-secret"), NotBefore: housingtest.Epoch(),
	}
}

// outboxKeys returns the keys of ms.
func outboxKeys(ms []housing.OutboxMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

// mustOutbox fails the test now if err is not nil.
func mustOutbox(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func TestOutboxInvalid(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "c.db"))
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		edit func(*housing.OutboxMessage)
	}{
		{"no key", func(m *housing.OutboxMessage) { m.Key = "" }},
		{"long key", func(m *housing.OutboxMessage) { m.Key = string(bytes.Repeat([]byte("k"), housing.MaxOutboxKey+1)) }},
		{"no chat", func(m *housing.OutboxMessage) { m.ChatID = 0 }},
		{"bad person", func(m *housing.OutboxMessage) { m.PersonID = "p 1" }},
		{"nothing to send", func(m *housing.OutboxMessage) { m.Text, m.Photo = "", nil }},
		{"parse mode", func(m *housing.OutboxMessage) { m.ParseMode = "Markdown" }},
		{"keyboard", func(m *housing.OutboxMessage) { m.Keyboard = json.RawMessage(`{`) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := outboxMsg("k")
			tc.edit(&m)
			if err := s.Enqueue(ctx, m); !errors.Is(err, housing.ErrInvalid) {
				t.Errorf("Enqueue(%s) = %v; want ErrInvalid", tc.name, err)
			}
		})
	}
	t0 := housingtest.Epoch()
	for name, err := range map[string]error{
		"Claim(lease 0)":    second(s.Claim(ctx, t0, 0, 10)),
		"Claim(limit 0)":    second(s.Claim(ctx, t0, time.Minute, 0)),
		"MarkSent(\"\")":    s.MarkSent(ctx, "", t0),
		"MarkFailed(\"\")":  s.MarkFailed(ctx, "", t0, "x"),
		"DropPending(\"\")": second(s.DropPending(ctx, "")),
	} {
		if !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", name, err)
		}
	}
	if depth, err := s.OutboxDepth(ctx); depth != 0 || err != nil {
		t.Errorf("OutboxDepth after invalid calls = %d, %v; want 0, nil", depth, err)
	}
}

// second returns the error of a two-result call.
func second[T any](_ T, err error) error { return err }

// rawOutbox returns the stored outbox record under key and the number of
// entries in the due and person indexes.
func rawOutbox(t *testing.T, s *Store, key string) (rec map[string]any, due, person int) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketOutbox)).Get([]byte(key))
		if bytes.Contains(v, []byte("Ciao")) || bytes.Contains(v, []byte("p-1")) {
			t.Errorf("stored record %s = %s; want no text and no person id", key, v)
		}
		due = tx.Bucket([]byte(bucketOutboxDue)).Stats().KeyN
		person = tx.Bucket([]byte(bucketOutboxPerson)).Stats().KeyN
		return json.Unmarshal(v, &rec)
	})
	if err != nil {
		t.Fatalf("reading outbox record %s: %v", key, err)
	}
	return rec, due, person
}

func TestOutboxMarkKeepsOnlyTheMark(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "c.db"))
	ctx := t.Context()
	t0 := housingtest.Epoch()
	mustOutbox(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:sent")))
	mustOutbox(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:failed")))
	_, err := s.Claim(ctx, t0, time.Minute, 1)
	mustOutbox(t, "Claim", err)
	mustOutbox(t, "MarkSent", s.MarkSent(ctx, "r:sent", t0))
	mustOutbox(t, "MarkFailed", s.MarkFailed(ctx, "r:failed", t0, "blocked"))
	// A second mark changes nothing.
	mustOutbox(t, "MarkFailed(sent)", s.MarkFailed(ctx, "r:sent", t0.Add(time.Hour), "late"))

	at := t0.UTC().Format(time.RFC3339Nano)
	for key, want := range map[string]map[string]any{
		"r:sent":   {"status": "sent", "done_at": at},
		"r:failed": {"status": "failed", "done_at": at, "reason": "blocked"},
	} {
		rec, due, person := rawOutbox(t, s, key)
		if diff := cmp.Diff(want, rec); diff != "" {
			t.Errorf("stored record %s (-want +got):\n%s", key, diff)
		}
		if due != 0 || person != 0 {
			t.Errorf("index entries after marking = %d due, %d person; want 0, 0", due, person)
		}
	}
}

func TestOutboxSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	ctx := t.Context()
	t0 := housingtest.Epoch()
	s, err := Open(path, Options{})
	mustOutbox(t, "Open", err)
	mustOutbox(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:a")))
	got, err := s.Claim(ctx, t0, time.Minute, 10)
	mustOutbox(t, "Claim", err)
	if len(got) != 1 {
		t.Fatalf("Claim = %v; want [r:a]", outboxKeys(got))
	}
	mustOutbox(t, "Close", s.Close())

	s = openTest(t, path)
	for _, tc := range []struct {
		now  time.Time
		want []string
	}{
		{t0.Add(time.Minute - time.Nanosecond), nil}, // still under the first claim
		{t0.Add(time.Minute), []string{"r:a"}},
	} {
		got, err := s.Claim(ctx, tc.now, time.Minute, 10)
		mustOutbox(t, "Claim", err)
		if diff := cmp.Diff(tc.want, outboxKeys(got)); diff != "" {
			t.Errorf("Claim(%v) after reopening (-want +got):\n%s", tc.now, diff)
		}
	}
}

func TestOutboxDropClaimed(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "c.db"))
	ctx := t.Context()
	t0 := housingtest.Epoch()
	other := outboxMsg("r:other")
	other.PersonID = "p-10" // shares the prefix "p-1"
	for _, m := range []housing.OutboxMessage{outboxMsg("r:a"), outboxMsg("r:b"), other} {
		mustOutbox(t, "Enqueue", s.Enqueue(ctx, m))
	}
	_, err := s.Claim(ctx, t0, time.Minute, 1)
	mustOutbox(t, "Claim", err)
	n, err := s.DropPending(ctx, "p-1")
	if n != 2 || err != nil {
		t.Errorf("DropPending(p-1) = %d, %v; want 2, nil", n, err)
	}
	if err := s.MarkSent(ctx, "r:a", t0); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("MarkSent(dropped) = %v; want ErrNotFound", err)
	}
	// The dropped key is free again.
	mustOutbox(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:a")))
	depth, err := s.OutboxDepth(ctx)
	if depth != 2 || err != nil {
		t.Errorf("OutboxDepth = %d, %v; want 2 (r:a again, r:other), nil", depth, err)
	}
}

func TestDueScore(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want uint64
	}{
		{time.Time{}, 0},
		{time.Unix(-1, 0), 0},
		{time.Unix(1, 5), 1_000_000_005},
		{time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), 1<<63 - 1},
	} {
		if got := dueScore(tc.t); got != tc.want {
			t.Errorf("dueScore(%v) = %d; want %d", tc.t, got, tc.want)
		}
	}
}

// BenchmarkClaim100 claims 100 due messages out of 100 in one committed
// (fsynced) transaction; enqueueing them is not timed.
func BenchmarkClaim100(b *testing.B) {
	s := benchStore(b)
	ctx := b.Context()
	t0 := housingtest.Epoch()
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		err := s.db.Update(func(tx *bolt.Tx) error {
			o, err := openOutbox(tx, nil)
			for i := 0; err == nil && i < 100; i++ {
				m := outboxMsg(fmt.Sprintf("r:%d:%03d", round, i))
				rec := outboxRecord{Message: &m, Status: outboxPending, Due: dueScore(t0)}
				var v []byte
				if v, err = json.Marshal(rec); err == nil {
					err = o.insert(m.Key, rec, v)
				}
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if ms, err := s.Claim(ctx, t0, time.Hour, 100); len(ms) != 100 || err != nil {
			b.Fatalf("Claim = %d messages, %v; want 100", len(ms), err)
		}
	}
}
