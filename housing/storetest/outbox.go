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
