package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/bot/telegramtest"
)

const testSecret = "s3cret-Token_1"

// webhookServer serves w on an httptest server and runs it; stop ends Run
// and returns its error.
func webhookServer(t *testing.T, w *Webhook) (url string, stop func() error) {
	t.Helper()
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-errc
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return srv.URL, stop
}

// post sends body to url with secret (none when empty) as Telegram does
// and returns the status.
func post(t *testing.T, url, secret string, body []byte) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(WebhookSecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// textUpdate is a message update with id from chat.
func textUpdate(id int, chat int64, text string) []byte {
	u := tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{MessageID: id, Text: text,
		From: &tgbotapi.User{ID: chat, FirstName: "U"}, Chat: &tgbotapi.Chat{ID: chat, Type: "private"}}}
	b, _ := json.Marshal(u)
	return b
}

func newTestWebhook(t *testing.T, h *handled, offsets OffsetStore, cfg WebhookConfig) *Webhook {
	t.Helper()
	w, err := NewWebhook(testSecret, func(_ context.Context, u tgbotapi.Update) { h.add(u) }, offsets,
		slog.New(slog.DiscardHandler), cfg)
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}
	return w
}

func TestWebhookSecret(t *testing.T) {
	h := newHandled()
	url, _ := webhookServer(t, newTestWebhook(t, h, &memOffsets{}, WebhookConfig{}))
	tests := []struct {
		name, secret string
		want         int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"wrong", "s3cret-Token_2", http.StatusUnauthorized},
		{"prefix", testSecret[:5], http.StatusUnauthorized},
		{"longer", testSecret + "x", http.StatusUnauthorized},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, url, tt.secret, textUpdate(100+i, 1, "x")); got != tt.want {
				t.Errorf("POST with %s secret = %d; want %d", tt.name, got, tt.want)
			}
		})
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET = %d; want 405", resp.StatusCode)
	}
	if got := post(t, url, testSecret, textUpdate(200, 1, "ok")); got != http.StatusOK {
		t.Fatalf("POST with the secret = %d; want 200", got)
	}
	h.wait(t, 1)
	if ids, _ := h.snapshot(); !slices.Equal(ids, []int{200}) {
		t.Errorf("handled %v; want only [200]: nothing from requests without the secret", ids)
	}
}

func TestWebhookRejectsBadBodies(t *testing.T) {
	h := newHandled()
	url, stop := webhookServer(t, newTestWebhook(t, h, &memOffsets{}, WebhookConfig{MaxBody: 512}))
	tests := []struct {
		name string
		body []byte
		want int
	}{
		{"oversized", textUpdate(1, 1, strings.Repeat("a", 600)), http.StatusRequestEntityTooLarge},
		{"not JSON", []byte("<html>"), http.StatusBadRequest},
		{"no update_id", []byte(`{"message":{"text":"x"}}`), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, url, testSecret, tt.body); got != tt.want {
				t.Errorf("POST %s = %d; want %d", tt.name, got, tt.want)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	if ids, _ := h.snapshot(); len(ids) != 0 {
		t.Errorf("handled %v; want nothing", ids)
	}
}

func TestWebhookOnceAndInOrder(t *testing.T) {
	h := newHandled()
	a, b := twoLanes(4)
	offsets := &memOffsets{offset: 99}
	url, stop := webhookServer(t, newTestWebhook(t, h, offsets, WebhookConfig{Lanes: 4}))
	var want []string
	id := 100
	for i := 1; i <= 10; i++ {
		want = append(want, strconv.Itoa(i))
		for _, chat := range []int64{a, b} {
			body := textUpdate(id, chat, strconv.Itoa(i))
			for range 2 { // Telegram delivers it again: its first 200 was lost
				if got := post(t, url, testSecret, body); got != http.StatusOK {
					t.Fatalf("POST update %d = %d; want 200", id, got)
				}
			}
			id++
		}
	}
	post(t, url, testSecret, textUpdate(99, a, "already handled before the start"))
	h.wait(t, 20)
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	ids, byChat := h.snapshot()
	if len(ids) != 20 {
		t.Errorf("handled %d updates %v; want each of the 20 once", len(ids), ids)
	}
	for _, chat := range []int64{a, b} {
		if diff := cmp.Diff(want, byChat[chat]); diff != "" {
			t.Errorf("chat %d handled out of order (-want +got):\n%s", chat, diff)
		}
	}
	if got, _ := offsets.Offset(t.Context()); got != int64(id-1) {
		t.Errorf("saved offset = %d; want %d", got, id-1)
	}
}

func TestWebhookLateUpdate(t *testing.T) {
	h := newHandled()
	offsets := &memOffsets{offset: 10}
	url, stop := webhookServer(t, newTestWebhook(t, h, offsets, WebhookConfig{}))
	for _, id := range []int{13, 11, 13, 12, 11} { // parallel connections reorder
		if got := post(t, url, testSecret, textUpdate(id, int64(id), "x")); got != http.StatusOK {
			t.Fatalf("POST update %d = %d; want 200", id, got)
		}
	}
	h.wait(t, 3)
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	ids, _ := h.snapshot()
	slices.Sort(ids)
	if !slices.Equal(ids, []int{11, 12, 13}) {
		t.Errorf("handled %v; want 11, 12, 13 once each", ids)
	}
	if got, _ := offsets.Offset(t.Context()); got != 13 {
		t.Errorf("saved offset = %d; want 13", got)
	}
}

func TestOutOfOrderTracker(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	tr := newOutOfOrderTracker(10, time.Minute, clock.Now)
	steps := []struct {
		add  int64
		want bool
	}{{13, true}, {12, true}, {12, false}, {13, false}, {9, false}, {2000, true}}
	for _, s := range steps {
		if got := tr.add(s.add); got != s.want {
			t.Errorf("add(%d) = %v; want %v", s.add, got, s.want)
		}
	}
	for _, id := range []int64{13, 12, 2000} {
		tr.done(id)
	}
	// 11 is awaited; 14-1999 are not: a jump beyond maxGap is a new
	// sequence, not updates in flight.
	if got := tr.watermark(); got != 10 {
		t.Errorf("watermark with 11 awaited = %d; want 10", got)
	}
	clock.Advance(2 * time.Minute)
	if got := tr.watermark(); got != 2000 {
		t.Errorf("watermark after GapWait = %d; want 2000", got)
	}
	if tr.add(11) {
		t.Errorf("add(11) after GapWait = true; want false")
	}
}

func TestWebhookQueueFullAndStopped(t *testing.T) {
	h := newHandled()
	w := newTestWebhook(t, h, &memOffsets{}, WebhookConfig{Queue: 2})
	srv := httptest.NewServer(w)
	t.Cleanup(srv.Close)
	var got []int
	for id := 1; id <= 3; id++ { // Run not started: nothing leaves the queue
		got = append(got, post(t, srv.URL, testSecret, textUpdate(id, 1, "x")))
	}
	if want := []int{200, 200, 503}; !slices.Equal(got, want) {
		t.Errorf("statuses with a queue of 2 = %v; want %v", got, want)
	}
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- w.Run(ctx) }()
	h.wait(t, 2)
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if status := post(t, srv.URL, testSecret, textUpdate(4, 1, "x")); status != http.StatusServiceUnavailable {
		t.Errorf("POST after Run returned = %d; want 503", status)
	}
}

// memClaims is an in-memory UpdateClaims.
type memClaims struct {
	mu   sync.Mutex
	keys map[string]bool
}

func (m *memClaims) ClaimState(_ context.Context, key string, _ []byte, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys[key] {
		return false, nil
	}
	m.keys[key] = true
	return true, nil
}

func TestWebhookClaimsAcrossReplicas(t *testing.T) {
	h := newHandled()
	claims := &memClaims{keys: map[string]bool{}}
	offsets := &memOffsets{}
	url1, stop1 := webhookServer(t, newTestWebhook(t, h, offsets, WebhookConfig{Claims: claims}))
	url2, stop2 := webhookServer(t, newTestWebhook(t, h, &memOffsets{}, WebhookConfig{Claims: claims}))
	body := textUpdate(7, 1, "x")
	for _, url := range []string{url1, url2} { // the retry reaches the other replica
		if got := post(t, url, testSecret, body); got != http.StatusOK {
			t.Fatalf("POST = %d; want 200", got)
		}
	}
	post(t, url2, testSecret, textUpdate(8, 2, "y"))
	h.wait(t, 2)
	_ = stop1()
	_ = stop2()
	if ids, _ := h.snapshot(); len(ids) != 2 {
		t.Errorf("handled %v; want 7 and 8 once each", ids)
	}
}

// TestWebhookWithTelegram registers the webhook with the real client,
// then acts as Telegram: it pushes a user's message with the secret
// setWebhook was given, and the handler's reply reaches the fake.
func TestWebhookWithTelegram(t *testing.T) {
	srv, c, _ := newTestClient(t)
	echo := func(ctx context.Context, u tgbotapi.Update) {
		if _, err := c.Send(ctx, tgbotapi.NewMessage(u.Message.Chat.ID, "got "+u.Message.Text)); err != nil {
			t.Errorf("Send: %v", err)
		}
	}
	w, err := NewWebhook(testSecret, echo, &memOffsets{}, slog.New(slog.DiscardHandler), WebhookConfig{})
	if err != nil {
		t.Fatal(err)
	}
	url, _ := webhookServer(t, w)
	if err := c.SetWebhook(t.Context(), url+"/telegram/webhook", testSecret); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	if _, err := c.GetUpdates(t.Context(), tgbotapi.UpdateConfig{}); apiCode(err) != http.StatusConflict {
		t.Errorf("GetUpdates with a webhook set = %v; want 409", err)
	}
	u := srv.SendText(telegramtest.User(42, "Ada", "it"), "ciao")
	body, _ := json.Marshal(u)
	if got := post(t, url, srv.Webhook().SecretToken, body); got != http.StatusOK {
		t.Fatalf("POST = %d; want 200", got)
	}
	if _, err := srv.WaitFor(waitCtx(t), telegramtest.SentTo(42, 1)); err != nil {
		t.Fatal(err)
	}
	if m, _ := srv.LastSent(42); m.Text != "got ciao" {
		t.Errorf("reply = %q; want %q", m.Text, "got ciao")
	}
	if w.LastUpdate().IsZero() {
		t.Errorf("LastUpdate() is zero after an update")
	}
}

func TestValidWebhookSecret(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"abc_DEF-123", true},
		{"", false},
		{"has space", false},
		{"è", false},
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
	}
	for _, tt := range tests {
		if got := ValidWebhookSecret(tt.in); got != tt.want {
			t.Errorf("ValidWebhookSecret(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}
