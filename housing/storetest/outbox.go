package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/google/go-cmp/cmp"
)

func outboxKeys(ms []housing.OutboxMessage) []string {
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key)
	}
	return keys
}

func testOutbox(t *testing.T, s housing.Store) {
	ctx := t.Context()
	t0 := housingtest.Epoch()
	msg := func(key string, chat int64, due time.Time) housing.OutboxMessage {
		return housing.OutboxMessage{Key: key, ChatID: chat, PersonID: fmt.Sprintf("p%d", chat), Kind: "reminder", Text: "Ciao " + key, NotBefore: due}
	}
	full := msg("r:a", 1, t0)
	full.ParseMode, full.Keyboard, full.Photo = "HTML", []byte(`{"inline_keyboard":[[{"text":"ok","callback_data":"a:x"}]]}`), []byte{0x89, 'P', 'N', 'G'}
	full.Quiet = true
	for _, m := range []housing.OutboxMessage{full, msg("r:c", 2, t0.Add(time.Minute)), msg("r:b", 1, t0), msg("r:later", 3, t0.Add(time.Hour))} {
		must(t, "Enqueue", s.Enqueue(ctx, m))
	}
	dup := msg("r:a", 9, t0)
	must(t, "Enqueue(duplicate key)", s.Enqueue(ctx, dup))
	wantErr(t, "Enqueue(no chat)", s.Enqueue(ctx, housing.OutboxMessage{Key: "x", Text: "t"}), housing.ErrInvalid)
	wantErr(t, "Enqueue(no key)", s.Enqueue(ctx, housing.OutboxMessage{ChatID: 1, Text: "t"}), housing.ErrInvalid)
	depth, err := s.OutboxDepth(ctx)
	must(t, "OutboxDepth", err)
	if depth != 4 {
		t.Errorf("OutboxDepth = %d; want 4", depth)
	}

	got, err := s.Claim(ctx, t0.Add(2*time.Minute), time.Minute, 10)
	must(t, "Claim", err)
	if diff := cmp.Diff([]string{"r:a", "r:b", "r:c"}, outboxKeys(got)); diff != "" {
		t.Fatalf("Claim keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(full, got[0]); diff != "" {
		t.Errorf("claimed message differs from enqueued (-want +got):\n%s", diff)
	}
	// Claimed messages are not handed out again until the lease ends.
	again, err := s.Claim(ctx, t0.Add(2*time.Minute+30*time.Second), time.Minute, 10)
	must(t, "Claim", err)
	if len(again) != 0 {
		t.Errorf("Claim during the lease = %v; want none", outboxKeys(again))
	}
	must(t, "MarkSent", s.MarkSent(ctx, "r:a", t0.Add(2*time.Minute)))
	must(t, "MarkFailed", s.MarkFailed(ctx, "r:b", t0.Add(2*time.Minute), "blocked"))
	wantErr(t, "MarkSent(unknown)", s.MarkSent(ctx, "r:nope", t0), housing.ErrNotFound)
	// After the lease: only r:c (not marked) comes back.
	after, err := s.Claim(ctx, t0.Add(4*time.Minute), time.Minute, 10)
	must(t, "Claim", err)
	if diff := cmp.Diff([]string{"r:c"}, outboxKeys(after)); diff != "" {
		t.Errorf("Claim after lease (-want +got):\n%s", diff)
	}
	// A sent key stays deduplicated.
	must(t, "Enqueue(sent key again)", s.Enqueue(ctx, msg("r:a", 1, t0)))
	later, err := s.Claim(ctx, t0.Add(2*time.Hour), time.Minute, 10)
	must(t, "Claim", err)
	// r:c's claim ended at +5m, so it is due again, before r:later.
	if diff := cmp.Diff([]string{"r:c", "r:later"}, outboxKeys(later)); diff != "" {
		t.Errorf("Claim later (-want +got):\n%s", diff)
	}
	depth, err = s.OutboxDepth(ctx)
	must(t, "OutboxDepth", err)
	if depth != 2 {
		t.Errorf("OutboxDepth after marks = %d; want 2 (r:c, r:later)", depth)
	}
	n, err := s.DropPending(ctx, "p3")
	must(t, "DropPending", err)
	if n != 1 {
		t.Errorf("DropPending(p3) = %d; want 1", n)
	}
	rest, err := s.Claim(ctx, t0.Add(3*time.Hour), time.Minute, 10)
	must(t, "Claim", err)
	if diff := cmp.Diff([]string{"r:c"}, outboxKeys(rest)); diff != "" {
		t.Errorf("Claim after DropPending (-want +got):\n%s", diff)
	}
}

// testOutboxPostpone: a postponed message is not claimable before its new
// due time, even once its claim has ended, and is claimable, unchanged,
// from then on; Postpone leaves a sent message alone and refuses an
// unknown key.
func testOutboxPostpone(t *testing.T, s housing.Store) {
	ctx := t.Context()
	t0 := housingtest.Epoch()
	m := housing.OutboxMessage{Key: "q:1", ChatID: 1, PersonID: "p1", Kind: "reminder", Text: "Ciao", NotBefore: t0, Quiet: true}
	must(t, "Enqueue", s.Enqueue(ctx, m))
	must(t, "Enqueue", s.Enqueue(ctx, housing.OutboxMessage{Key: "q:sent", ChatID: 2, Kind: "alert", Text: "x", NotBefore: t0}))
	got, err := s.Claim(ctx, t0, time.Minute, 10)
	must(t, "Claim", err)
	if diff := cmp.Diff([]string{"q:1", "q:sent"}, outboxKeys(got)); diff != "" {
		t.Fatalf("Claim keys (-want +got):\n%s", diff)
	}
	must(t, "MarkSent", s.MarkSent(ctx, "q:sent", t0))
	until := t0.Add(11 * time.Hour)
	must(t, "Postpone", s.Postpone(ctx, "q:1", until))
	must(t, "Postpone(again)", s.Postpone(ctx, "q:1", until))
	must(t, "Postpone(sent)", s.Postpone(ctx, "q:sent", until))
	wantErr(t, "Postpone(unknown)", s.Postpone(ctx, "q:nope", until), housing.ErrNotFound)
	for _, tc := range []struct {
		name string
		now  time.Time
		want []string
	}{
		{"after the claim, before until", t0.Add(2 * time.Minute), nil},
		{"just before until", until.Add(-time.Millisecond), nil},
		{"at until", until, []string{"q:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Claim(ctx, tc.now, time.Minute, 10)
			must(t, "Claim", err)
			if diff := cmp.Diff(tc.want, outboxKeys(got)); diff != "" {
				t.Fatalf("Claim(%v) keys (-want +got):\n%s", tc.now, diff)
			}
			if len(got) > 0 {
				if diff := cmp.Diff(m, got[0]); diff != "" {
					t.Errorf("postponed message differs from enqueued (-want +got):\n%s", diff)
				}
			}
		})
	}
	depth, err := s.OutboxDepth(ctx)
	must(t, "OutboxDepth", err)
	if depth != 1 {
		t.Errorf("OutboxDepth = %d; want 1 (q:1 pending, q:sent not)", depth)
	}
	// The sent key stays sent: enqueueing it again adds nothing.
	must(t, "Enqueue(sent key again)", s.Enqueue(ctx, housing.OutboxMessage{Key: "q:sent", ChatID: 2, Kind: "alert", Text: "x", NotBefore: t0}))
	if got, err := s.Claim(ctx, until.Add(time.Hour), time.Minute, 10); err != nil || len(got) != 1 || got[0].Key != "q:1" {
		t.Errorf("Claim after the sent key's Postpone = %v, %v; want [q:1]", outboxKeys(got), err)
	}
}

// testConcurrentClaim: 4 workers claim from one outbox of 200 messages at
// once; every message is claimed exactly once.
func testConcurrentClaim(t *testing.T, s housing.Store) {
	ctx := t.Context()
	t0 := housingtest.Epoch()
	for i := range 200 {
		must(t, "Enqueue", s.Enqueue(ctx, housing.OutboxMessage{Key: fmt.Sprintf("k%03d", i), ChatID: int64(i + 1), Kind: "alert", Text: "x", NotBefore: t0}))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				ms, err := s.Claim(ctx, t0, time.Hour, 7)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					seen[m.Key]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 200 {
		t.Errorf("claimed %d distinct messages; want 200", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("message %s claimed %d times; want 1", k, n)
		}
	}
}
