package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	gocmp "github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/convivo/convivo/bot/telegramtest"
)

// memOutbox is an in-memory Outbox for the tests; the stores implement the
// real ones.
type memOutbox struct {
	mu      sync.Mutex
	entries map[string]*memEntry
	claims  int
}

type memEntry struct {
	m            OutboxMessage
	claimedUntil time.Time
	sentAt       time.Time
	failed       string
	postponed    int // Postpone calls that moved it
}

var _ Outbox = (*memOutbox)(nil)

func newMemOutbox() *memOutbox { return &memOutbox{entries: map[string]*memEntry{}} }

func (o *memOutbox) Enqueue(_ context.Context, m OutboxMessage) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.entries[m.Key]; !ok {
		o.entries[m.Key] = &memEntry{m: m}
	}
	return nil
}

func (o *memOutbox) Claim(_ context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.claims++
	var due []*memEntry
	for _, e := range o.entries {
		if !e.m.NotBefore.After(now) && e.sentAt.IsZero() && e.failed == "" && !e.claimedUntil.After(now) {
			due = append(due, e)
		}
	}
	slices.SortFunc(due, func(a, b *memEntry) int {
		return cmp.Or(a.m.NotBefore.Compare(b.m.NotBefore), strings.Compare(a.m.Key, b.m.Key))
	})
	var out []OutboxMessage
	for _, e := range due[:min(limit, len(due))] {
		e.claimedUntil = now.Add(lease)
		out = append(out, e.m)
	}
	return out, nil
}

func (o *memOutbox) mark(key string, f func(e *memEntry)) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[key]
	if !ok {
		return fmt.Errorf("memOutbox: no message %q", key)
	}
	f(e)
	return nil
}

func (o *memOutbox) MarkSent(_ context.Context, key string, at time.Time) error {
	return o.mark(key, func(e *memEntry) { e.sentAt = at })
}

func (o *memOutbox) MarkFailed(_ context.Context, key string, _ time.Time, reason string) error {
	return o.mark(key, func(e *memEntry) { e.failed = reason })
}

// Postpone makes a pending message due at until, unclaimed.
func (o *memOutbox) Postpone(_ context.Context, key string, until time.Time) error {
	return o.mark(key, func(e *memEntry) {
		if e.sentAt.IsZero() && e.failed == "" {
			e.m.NotBefore, e.claimedUntil = until, time.Time{}
			e.postponed++
		}
	})
}

// state returns "pending", "sent" or "failed: reason" for key.
func (o *memOutbox) state(key string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch e := o.entries[key]; {
	case e == nil:
		return "missing"
	case !e.sentAt.IsZero():
		return "sent"
	case e.failed != "":
		return "failed: " + e.failed
	}
	return "pending"
}

// waitState waits until every key has its wanted state.
func (o *memOutbox) waitState(t *testing.T, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := map[string]string{}
		for k := range want {
			got[k] = o.state(k)
		}
		if gocmp.Equal(want, got) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox states mismatch (-want +got):\n%s", gocmp.Diff(want, got))
		}
		time.Sleep(time.Millisecond)
	}
}

// runSender runs s.Run until the test ends.
func runSender(t *testing.T, s *Sender) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v; want nil after ctx ends", err)
		}
	})
}

func outboxConfig() SenderConfig {
	return SenderConfig{OutboxPoll: 5 * time.Millisecond, OutboxLease: time.Minute}
}

func TestOutboxDelivers(t *testing.T) {
	out := newMemOutbox()
	srv, s, clock := newTestSender(t, outboxConfig(), out)
	ctx := t.Context()
	now := clock.Now()
	kb, _ := json.Marshal(tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Fatto", "task:done:1"))))
	msgs := []OutboxMessage{
		{Key: "r2", ChatID: 1, Kind: "reminder", Text: "secondo", NotBefore: now.Add(-time.Minute)},
		{Key: "r1", ChatID: 1, Kind: "reminder", Text: "<b>primo</b>", ParseMode: tgbotapi.ModeHTML,
			Keyboard: kb, NotBefore: now.Add(-2 * time.Minute)},
		{Key: "c1", ChatID: -5, Kind: "checkin", Text: "gruppo", NotBefore: now},
		{Key: "p1", ChatID: 2, Kind: "alert", Text: "grafico", Photo: []byte("\x89PNG\r\n\x1a\nfake"), NotBefore: now},
		{Key: "later", ChatID: 1, Kind: "reminder", Text: "domani", NotBefore: now.Add(24 * time.Hour)},
	}
	for _, m := range msgs {
		if err := s.Enqueue(ctx, m); err != nil {
			t.Fatalf("Enqueue(%s): %v", m.Key, err)
		}
	}
	// A duplicate key changes nothing.
	if err := s.Enqueue(ctx, OutboxMessage{Key: "r1", ChatID: 1, Text: "doppione"}); err != nil {
		t.Fatal(err)
	}
	runSender(t, s)
	out.waitState(t, map[string]string{"r1": "sent", "r2": "sent", "c1": "sent", "p1": "sent", "later": "pending"})

	var texts []string
	for _, m := range srv.Sent(1) {
		texts = append(texts, m.Text)
	}
	if diff := gocmp.Diff([]string{"primo", "secondo"}, texts); diff != "" {
		t.Errorf("chat 1 got (-want +got):\n%s", diff)
	}
	first := callsTo(srv, "sendMessage", 1)[0]
	if first.Keyboard == nil || *first.Keyboard.InlineKeyboard[0][0].CallbackData != "task:done:1" {
		t.Errorf("first reminder keyboard = %+v; want the Fatto button", first.Keyboard)
	}
	photo := callsTo(srv, "sendPhoto", 2)
	if len(photo) != 1 || len(photo[0].Files) != 1 || photo[0].Files[0].Name != "photo.png" || photo[0].Params["caption"] != "grafico" {
		t.Errorf("photo calls = %+v; want one photo.png captioned grafico", photo)
	}
}

func TestOutboxFailures(t *testing.T) {
	out := newMemOutbox()
	var blocked []int64
	cfg := outboxConfig()
	cfg.OnBlocked = func(_ context.Context, chatID int64) { blocked = append(blocked, chatID) }
	cfg.MaxAttempts = 2
	srv, s, clock := newTestSender(t, cfg, out)
	srv.FailNext("sendMessage", 10, 1, telegramtest.TooManyRequests(5))
	srv.FailNext("sendMessage", 11, 1, telegramtest.Blocked())
	srv.FailNext("sendMessage", 12, 1, telegramtest.Failure{Code: 400, Description: "Bad Request: chat not found"})
	srv.FailNext("sendMessage", 13, 2, telegramtest.InternalError()) // exhausts MaxAttempts once
	now := clock.Now()
	for chat := int64(10); chat <= 13; chat++ {
		m := OutboxMessage{Key: fmt.Sprint("k", chat), ChatID: chat, Text: "promemoria", NotBefore: now}
		if err := s.Enqueue(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	runSender(t, s)
	out.waitState(t, map[string]string{
		"k10": "sent",
		"k11": "failed: recipient unreachable",
		"k12": "failed: bot: sendMessage: telegram error 400: Bad Request: chat not found",
		"k13": "pending", // postponed: claimed, retried after the lease
	})
	if got := len(srv.Sent(10)); got != 1 {
		t.Errorf("chat 10 got %d messages after a 429; want 1", got)
	}
	if gocmp.Diff([]int64{11}, blocked) != "" {
		t.Errorf("OnBlocked calls = %v; want [11]", blocked)
	}
	// Once the lease expires, the postponed message goes out.
	_ = clock.Sleep(t.Context(), cfg.OutboxLease)
	out.waitState(t, map[string]string{"k13": "sent"})
	if got := len(srv.Sent(13)); got != 1 {
		t.Errorf("chat 13 got %d messages; want 1", got)
	}
}

func TestOutboxResendsUnmarkedClaimAfterLease(t *testing.T) {
	out := newMemOutbox()
	cfg := outboxConfig()
	srv, s, clock := newTestSender(t, cfg, out)
	m := OutboxMessage{Key: "alert-1", ChatID: 7, Kind: "alert", Text: "attenzione", NotBefore: clock.Now()}
	if err := s.Enqueue(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	// A process claimed it and crashed before marking it.
	if got, _ := out.Claim(t.Context(), clock.Now(), cfg.OutboxLease, 10); len(got) != 1 {
		t.Fatalf("Claim = %d messages; want 1", len(got))
	}
	runSender(t, s)
	// The restarted sender sees nothing due while the old claim holds...
	out.mu.Lock()
	claims := out.claims
	out.mu.Unlock()
	for out.claimCount() < claims+2 {
		time.Sleep(time.Millisecond)
	}
	if got := out.state("alert-1"); got != "pending" || len(srv.Sent(7)) != 0 {
		t.Fatalf("under the old claim: state %q, %d sent; want pending, 0", got, len(srv.Sent(7)))
	}
	// ...and delivers it, once, when the claim expires.
	_ = clock.Sleep(t.Context(), cfg.OutboxLease)
	out.waitState(t, map[string]string{"alert-1": "sent"})
	if got := len(srv.Sent(7)); got != 1 {
		t.Errorf("sent %d times; want 1", got)
	}
}

// entry returns a copy of key's entry.
func (o *memOutbox) entry(key string) memEntry {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.entries[key]
}

// sendTimes returns the server's clock at each sendMessage to chatID.
func sendTimes(srv *telegramtest.Server, chatID int64) []time.Time {
	var out []time.Time
	for _, c := range callsTo(srv, "sendMessage", chatID) {
		out = append(out, c.Time)
	}
	return out
}

// TestOutboxQuietHoursAtSendTime: quiet hours 21-08. A resident's message
// due at 20:59 that the chat's limit holds until 21:01 is postponed to
// 08:00, not sent, and goes out once then; one claimed at 23:00 is
// postponed without waiting for the limits; a staff message at 23:00 goes
// at once.
func TestOutboxQuietHoursAtSendTime(t *testing.T) {
	out := newMemOutbox()
	cfg := outboxConfig()
	cfg.OutboxLease = 10 * time.Minute // the 2-minute wait fits in half of it
	cfg.PrivateRate, cfg.PrivateBurst = rate.Every(2*time.Minute), 1
	cfg.Quiet = quietWindow{start: 21, end: 8, loc: time.UTC}
	srv, s, clock := newTestSender(t, cfg, out)
	ctx := t.Context()
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	_ = clock.Sleep(ctx, day.Add(20*time.Hour+59*time.Minute).Sub(clock.Now()))
	morning := day.Add(32 * time.Hour)
	for _, m := range []OutboxMessage{
		{Key: "a-staff", ChatID: 1, Kind: "alert", Text: "a", NotBefore: clock.Now()},
		{Key: "b-resident", ChatID: 1, Kind: "reminder", Text: "b", NotBefore: clock.Now(), Quiet: true},
		{Key: "c-staff", ChatID: 2, Kind: "alert", Text: "c", NotBefore: day.Add(23 * time.Hour)},
		{Key: "d-resident", ChatID: 3, Kind: "reminder", Text: "d", NotBefore: day.Add(23 * time.Hour), Quiet: true},
	} {
		if err := s.Enqueue(ctx, m); err != nil {
			t.Fatalf("Enqueue(%s): %v", m.Key, err)
		}
	}
	runSender(t, s)
	out.waitState(t, map[string]string{"a-staff": "sent"})
	waitFor(t, "b-resident postponed", func() bool { return out.entry("b-resident").postponed > 0 })
	if got := out.entry("b-resident").m.NotBefore; !got.Equal(morning) {
		t.Errorf("b-resident postponed to %v; want %v", got, morning)
	}

	_ = clock.Sleep(ctx, day.Add(23*time.Hour).Sub(clock.Now()))
	out.waitState(t, map[string]string{"c-staff": "sent"})
	waitFor(t, "d-resident postponed", func() bool { return out.entry("d-resident").postponed > 0 })
	if diff := gocmp.Diff([]time.Time{day.Add(23 * time.Hour)}, sendTimes(srv, 2)); diff != "" {
		t.Errorf("staff message sent at (-want +got):\n%s", diff)
	}
	if got := len(srv.Sent(1)) + len(srv.Sent(3)); got != 1 {
		t.Errorf("before 08:00, %d messages reached chats 1 and 3; want 1 (a-staff)", got)
	}

	_ = clock.Sleep(ctx, morning.Sub(clock.Now()))
	out.waitState(t, map[string]string{"b-resident": "sent", "d-resident": "sent"})
	for _, tc := range []struct {
		chat int64
		want []time.Time
	}{
		{1, []time.Time{day.Add(20*time.Hour + 59*time.Minute), morning}},
		{3, []time.Time{morning}},
	} {
		if diff := gocmp.Diff(tc.want, sendTimes(srv, tc.chat)); diff != "" {
			t.Errorf("chat %d sends at (-want +got):\n%s", tc.chat, diff)
		}
	}
	for _, key := range []string{"b-resident", "d-resident"} {
		if got := out.entry(key).postponed; got != 1 {
			t.Errorf("%s postponed %d times; want 1", key, got)
		}
	}
}

// waitFor waits until cond holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still false after 10 s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (o *memOutbox) claimCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.claims
}

func TestEnqueueValidates(t *testing.T) {
	_, s, _ := newTestSender(t, SenderConfig{}, newMemOutbox())
	tests := []struct {
		name string
		m    OutboxMessage
	}{
		{"no key", OutboxMessage{ChatID: 1, Text: "x"}},
		{"no chat", OutboxMessage{Key: "k", Text: "x"}},
		{"nothing to send", OutboxMessage{Key: "k", ChatID: 1}},
		{"bad keyboard", OutboxMessage{Key: "k", ChatID: 1, Text: "x", Keyboard: json.RawMessage("{")}},
	}
	for _, tt := range tests {
		if err := s.Enqueue(t.Context(), tt.m); err == nil {
			t.Errorf("Enqueue(%s) = nil; want an error", tt.name)
		}
	}
	_, noOutbox, _ := newTestSender(t, SenderConfig{}, nil)
	if err := noOutbox.Enqueue(t.Context(), OutboxMessage{Key: "k", ChatID: 1, Text: "x"}); err == nil {
		t.Errorf("Enqueue without an outbox = nil; want an error")
	}
}

// failingOutbox fails every Claim.
type failingOutbox struct{ memOutbox }

func (*failingOutbox) Claim(context.Context, time.Time, time.Duration, int) ([]OutboxMessage, error) {
	return nil, errors.New("disk on fire")
}

func TestRunBacksOffOnClaimErrors(t *testing.T) {
	srv, s, clock := newTestSender(t, SenderConfig{MinBackoff: time.Second, MaxBackoff: 4 * time.Second}, &failingOutbox{})
	start := clock.Now()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	for clock.Now().Sub(start) < time.Minute {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil", err)
	}
	if len(srv.Calls()) != 1 { // getMe only
		t.Errorf("made %d calls; want none beyond getMe", len(srv.Calls()))
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		html  bool
		limit int
		want  []string
	}{
		{"fits", "ciao mondo", false, 10, []string{"ciao mondo"}},
		{"newline before space", "aa bb\ncc dd", false, 9, []string{"aa bb", "cc dd"}},
		{"space", "aaa bbb ccc", false, 8, []string{"aaa bbb", "ccc"}},
		{"space at the limit", "aaa bbb ccc", false, 7, []string{"aaa bbb", "ccc"}},
		{"newline before space at the limit", "aa\nbbb ccc", false, 6, []string{"aa", "bbb", "ccc"}},
		{"hard cut", "abcdefgh", false, 3, []string{"abc", "def", "gh"}},
		{"surrogates count 2", "😀😀😀", false, 4, []string{"😀😀", "😀"}},
		{"no leading whitespace part", "   aaaa bb", false, 5, []string{"   aa", "aa bb"}},
		{"tags reopened", "<b>aaa bbb</b> ccc", true, 4, []string{"<b>aaa</b>", "<b>bbb</b>", "ccc"}},
		{"nested with attributes", `<a href="x"><i>aa bb</i></a>`, true, 3,
			[]string{`<a href="x"><i>aa</i></a>`, `<a href="x"><i>bb</i></a>`}},
		{"entity is one character", "&lt;&gt; &amp;&amp;", true, 2, []string{"&lt;&gt;", "&amp;&amp;"}},
		{"tag not cut", "ab<b>cd</b>", true, 3, []string{"ab<b>c</b>", "<b>d</b>"}},
		{"trailing tags only", "<b>aa bb</b>", true, 2, []string{"<b>aa</b>", "<b>bb</b>"}},
		{"plain keeps angle brackets", "a<b c>d", false, 4, []string{"a<b", "c>d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitText(tt.text, tt.html, tt.limit)
			if diff := gocmp.Diff(tt.want, got); diff != "" {
				t.Errorf("SplitText(%q, %v, %d) mismatch (-want +got):\n%s", tt.text, tt.html, tt.limit, diff)
			}
			for _, p := range got {
				if n := visibleLen(p, tt.html); n > tt.limit {
					t.Errorf("part %q has %d characters; want at most %d", p, n, tt.limit)
				}
			}
		})
	}
}

func TestEscapeHTML(t *testing.T) {
	got := EscapeHTML(`Tom & "Jerry" <3 > 2`)
	if want := "Tom &amp; &quot;Jerry&quot; &lt;3 &gt; 2"; got != want {
		t.Errorf("EscapeHTML = %q; want %q", got, want)
	}
	if parts := SplitText(EscapeHTML(strings.Repeat("a<b ", 3000)), true, MaxTextLen); len(parts) != 3 {
		t.Errorf("escaped text split in %d parts; want 3", len(parts))
	}
}
