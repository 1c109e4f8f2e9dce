package redisstore_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/redisstore"
)

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

// rawClient returns a client on the test Redis, to read keys directly.
func rawClient(t *testing.T) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(redisURL(t))
	if err != nil {
		t.Fatalf("ParseURL = %v", err)
	}
	c := redis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestOutboxInvalid(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	t0 := housingtest.Epoch()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"Enqueue(no key)", func() error { m := outboxMsg(""); return s.Enqueue(ctx, m) }},
		{"Enqueue(long key)", func() error { return s.Enqueue(ctx, outboxMsg(strings.Repeat("k", 1001))) }},
		{"Enqueue(no chat)", func() error { m := outboxMsg("k"); m.ChatID = 0; return s.Enqueue(ctx, m) }},
		{"Enqueue(bad person)", func() error { m := outboxMsg("k"); m.PersonID = "{x}"; return s.Enqueue(ctx, m) }},
		{"Enqueue(nothing to send)", func() error { m := outboxMsg("k"); m.Text, m.Photo = "", nil; return s.Enqueue(ctx, m) }},
		{"Enqueue(parse mode)", func() error { m := outboxMsg("k"); m.ParseMode = "Markdown"; return s.Enqueue(ctx, m) }},
		{"Enqueue(keyboard)", func() error { m := outboxMsg("k"); m.Keyboard = json.RawMessage(`{`); return s.Enqueue(ctx, m) }},
		{"Claim(lease 0)", func() error { _, err := s.Claim(ctx, t0, 0, 10); return err }},
		{"Claim(limit 0)", func() error { _, err := s.Claim(ctx, t0, time.Minute, 0); return err }},
		{"MarkSent(no key)", func() error { return s.MarkSent(ctx, "", t0) }},
		{"MarkFailed(no key)", func() error { return s.MarkFailed(ctx, "", t0, "x") }},
		{"DropPending(bad id)", func() error { _, err := s.DropPending(ctx, ""); return err }},
	} {
		if err := tc.call(); !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("%s = %v; want ErrInvalid", tc.name, err)
		}
	}
	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	if len(keys) != 0 {
		t.Errorf("invalid calls wrote keys %v; want none", keys)
	}
}

// TestOutboxMarkKeepsOnlyTheMark checks that a marked message keeps its
// status, time and reason and nothing else, and leaves the indexes.
func TestOutboxMarkKeepsOnlyTheMark(t *testing.T) {
	s := openStore(t)
	rdb := rawClient(t)
	ctx := t.Context()
	t0 := housingtest.Epoch()
	mustDo(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:sent")))
	mustDo(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:failed")))
	_, err := s.Claim(ctx, t0, time.Minute, 1)
	mustDo(t, "Claim", err)
	mustDo(t, "MarkSent", s.MarkSent(ctx, "r:sent", t0))
	mustDo(t, "MarkFailed", s.MarkFailed(ctx, "r:failed", t0, "blocked"))
	// A second mark changes nothing.
	mustDo(t, "MarkFailed(sent)", s.MarkFailed(ctx, "r:sent", t0.Add(time.Hour), "late"))

	at := t0.UTC().Format(time.RFC3339Nano)
	for key, want := range map[string]map[string]string{
		"r:sent":   {"status": "sent", "done_at": at, "reason": ""},
		"r:failed": {"status": "failed", "done_at": at, "reason": "blocked"},
	} {
		got, err := rdb.HGetAll(ctx, s.Namespace()+"outbox:msg:"+key).Result()
		mustDo(t, "HGETALL", err)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored hash of %s (-want +got):\n%s", key, diff)
		}
	}
	keys, err := redisstore.Keys(ctx, s)
	mustDo(t, "Keys", err)
	want := []string{s.Namespace() + "outbox:msg:r:failed", s.Namespace() + "outbox:msg:r:sent"}
	if diff := cmp.Diff(want, keys, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("keys after marking (-want +got):\n%s", diff)
	}
}

// TestOutboxMillisecondRounding checks that due times and claims, kept to
// the millisecond, are never early: a due time rounds up, now rounds down.
func TestOutboxMillisecondRounding(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	t0 := housingtest.Epoch()
	m := outboxMsg("r:a")
	m.NotBefore = t0.Add(500 * time.Microsecond)
	mustDo(t, "Enqueue", s.Enqueue(ctx, m))
	const lease = 1500 * time.Microsecond // from t0+1ms: until t0+2.5ms, kept as t0+3ms
	for _, tc := range []struct {
		now  time.Duration
		want []string
	}{
		{499 * time.Microsecond, nil},
		{time.Millisecond, []string{"r:a"}},
		{2500*time.Microsecond - 1, nil},
		{3 * time.Millisecond, []string{"r:a"}},
	} {
		got, err := s.Claim(ctx, t0.Add(tc.now), lease, 10)
		mustDo(t, "Claim", err)
		if diff := cmp.Diff(tc.want, outboxKeys(got)); diff != "" {
			t.Errorf("Claim(t0+%v) (-want +got):\n%s", tc.now, diff)
		}
	}
}

func TestOutboxDropClaimed(t *testing.T) {
	s := openStore(t)
	rdb := rawClient(t)
	ctx := t.Context()
	t0 := housingtest.Epoch()
	other := outboxMsg("r:other")
	other.PersonID = "p-10"
	for _, m := range []housing.OutboxMessage{outboxMsg("r:a"), outboxMsg("r:b"), other} {
		mustDo(t, "Enqueue", s.Enqueue(ctx, m))
	}
	_, err := s.Claim(ctx, t0, time.Minute, 1)
	mustDo(t, "Claim", err)
	n, err := s.DropPending(ctx, "p-1")
	if n != 2 || err != nil {
		t.Errorf("DropPending(p-1) = %d, %v; want 2, nil", n, err)
	}
	if err := s.MarkSent(ctx, "r:a", t0); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("MarkSent(dropped) = %v; want ErrNotFound", err)
	}
	if n, err := rdb.Exists(ctx, s.Namespace()+"outbox:person:p-1").Result(); n != 0 || err != nil {
		t.Errorf("EXISTS person set after DropPending = %d, %v; want 0, nil", n, err)
	}
	// The dropped key is free again.
	mustDo(t, "Enqueue", s.Enqueue(ctx, outboxMsg("r:a")))
	depth, err := s.OutboxDepth(ctx)
	if depth != 2 || err != nil {
		t.Errorf("OutboxDepth = %d, %v; want 2 (r:a again, r:other), nil", depth, err)
	}
}

// BenchmarkClaim100 claims 100 due messages out of 100 with one script;
// enqueueing them is not timed.
func BenchmarkClaim100(b *testing.B) {
	s := openStore(b)
	ctx := b.Context()
	t0 := housingtest.Epoch()
	round := 0
	for b.Loop() {
		b.StopTimer()
		round++
		for i := range 100 {
			mustDo(b, "Enqueue", s.Enqueue(ctx, outboxMsg(fmt.Sprintf("r:%d:%03d", round, i))))
		}
		b.StartTimer()
		if ms, err := s.Claim(ctx, t0, time.Hour, 100); len(ms) != 100 || err != nil {
			b.Fatalf("Claim = %d messages, %v; want 100", len(ms), err)
		}
	}
}
