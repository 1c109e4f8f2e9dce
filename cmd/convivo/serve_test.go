package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/bot/telegramtest"
)

// The tests here run `convivo serve` through run(), against the fake Bot
// API, the way main does, and talk to it over its listener (Mat Ryer's
// "poll the health endpoint until ready").

// safeBuffer is a log sink safe for concurrent writes.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// served is one `convivo serve` running in the test.
type served struct {
	t      *testing.T
	env    map[string]string
	base   string // http://listener
	logs   *safeBuffer
	cancel context.CancelFunc
	done   chan struct{} // closed when run returned
	code   int           // run's exit status, once done
}

// serveEnv returns the environment of a service on a fresh data file,
// sealed, talking to srv.
func serveEnv(t *testing.T, srv *telegramtest.Server) map[string]string {
	t.Helper()
	return map[string]string{
		"CONVIVO_DATA":           filepath.Join(t.TempDir(), "convivo.db"),
		"CONVIVO_DATA_KEY":       testKey("k1", 7),
		"CONVIVO_TELEGRAM_TOKEN": srv.Token(),
		"CONVIVO_TELEGRAM_API":   srv.Endpoint(),
		"CONVIVO_LISTEN":         freeAddr(t),
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe runs `convivo serve` with env and waits until /healthz
// answers 200.
func startServe(t *testing.T, env map[string]string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &served{t: t, env: env, base: "http://" + env["CONVIVO_LISTEN"], logs: &safeBuffer{}, cancel: cancel,
		done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.code = run(ctx, []string{"convivo", "serve"}, func(k string) string { return env[k] },
			strings.NewReader(""), io.Discard, s.logs)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			t.Errorf("serve did not stop")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("serve exited with %d before it was ready:\n%s", s.code, s.logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not ready after 10 s (last error %v):\n%s", err, s.logs)
		}
	}
}

// stop cancels the service's context, as SIGINT does, and checks that it
// exits 0 within 10 s.
func (s *served) stop() {
	s.t.Helper()
	s.cancel()
	select {
	case <-s.done:
		if s.code != 0 {
			s.t.Errorf("serve exited with %d after SIGINT; want 0:\n%s", s.code, s.logs)
		}
	case <-time.After(10 * time.Second):
		s.t.Fatalf("serve did not exit within 10 s of SIGINT:\n%s", s.logs)
	}
}

// health returns what /healthz answers.
func (s *served) health() health {
	s.t.Helper()
	resp, err := http.Get(s.base + "/healthz")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		s.t.Fatalf("/healthz: %v", err)
	}
	return h
}

// metric returns the /metrics line starting with name.
func (s *served) metric(name string) string {
	s.t.Helper()
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, name+" ") {
			return strings.TrimSpace(line)
		}
	}
	s.t.Errorf("/metrics has no %s", name)
	return ""
}

// savedOffset reads the update offset the service left in its store.
func savedOffset(t *testing.T, env map[string]string) int64 {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	off, err := bot.NewStateOffsets(st).Offset(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return off
}

// waitReply waits until the bot sent a message to chat.
func waitReply(t *testing.T, srv *telegramtest.Server, chat int64, logs fmt.Stringer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := srv.WaitFor(ctx, telegramtest.SentTo(chat, 1)); err != nil {
		t.Fatalf("no reply to chat %d: %v\n%s", chat, err, logs)
	}
}

// pushUpdate posts u to the service's webhook as Telegram would, with
// secret, and returns the status.
func pushUpdate(t *testing.T, url, secret string, u tgbotapi.Update) int {
	t.Helper()
	body, _ := json.Marshal(u)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(bot.WebhookSecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestServeWebhookMode(t *testing.T) {
	srv := telegramtest.NewServer(t)
	env := serveEnv(t, srv)
	env["CONVIVO_WEBHOOK_URL"] = "http://" + env["CONVIVO_LISTEN"] // no path: /telegram/webhook
	s := startServe(t, env)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := srv.WaitCall(ctx, func(c telegramtest.Call) bool { return c.Method == "setWebhook" }); err != nil {
		t.Fatalf("setWebhook was not called: %v\n%s", err, s.logs)
	}
	hook := srv.Webhook()
	if want := s.base + defaultWebhookPath; hook.URL != want || !bot.ValidWebhookSecret(hook.SecretToken) {
		t.Fatalf("webhook set = %q with secret %q; want %q and a valid secret", hook.URL, hook.SecretToken, want)
	}
	if h := s.health(); !h.OK || h.Updates != "webhook" {
		t.Errorf("/healthz = %+v; want ok in webhook mode", h)
	}

	stranger := telegramtest.User(555, "Ada", "it")
	forged := srv.SendText(stranger, "/start forged")
	if got := pushUpdate(t, hook.URL, "", forged); got != http.StatusUnauthorized {
		t.Errorf("push without the secret = %d; want 401", got)
	}
	if got := pushUpdate(t, hook.URL, hook.SecretToken+"x", forged); got != http.StatusUnauthorized {
		t.Errorf("push with a wrong secret = %d; want 401", got)
	}
	u := srv.SendText(stranger, "/start")
	if got := pushUpdate(t, hook.URL, hook.SecretToken, u); got != http.StatusOK {
		t.Fatalf("push with the secret = %d; want 200", got)
	}
	waitReply(t, srv, stranger.ID, s.logs)
	if got := s.metric("convivo_updates_handled_total"); got != "convivo_updates_handled_total 1" {
		t.Errorf("metric = %q; want 1 update handled (the forged ones were not)", got)
	}
	s.stop()
	if got := savedOffset(t, env); got != int64(u.UpdateID) {
		t.Errorf("saved offset = %d; want %d", got, u.UpdateID)
	}
}

func TestServePollingDeletesWebhook(t *testing.T) {
	srv := telegramtest.NewServer(t)
	env := serveEnv(t, srv)
	// The service ran in webhook mode before.
	c, err := bot.NewClient(t.Context(), srv.Token(), srv.Endpoint(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetWebhook(t.Context(), "https://convivo.example/telegram/webhook", "old-secret"); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, env)
	user := telegramtest.User(556, "Bea", "it")
	u := srv.SendText(user, "/start")
	waitReply(t, srv, user.ID, s.logs)
	if hook := srv.Webhook(); hook.URL != "" {
		t.Errorf("webhook after serve started polling = %+v; want deleted", hook)
	}
	h := s.health()
	if !h.OK || h.Updates != "polling" || h.LastPollAgeSec < 0 {
		t.Errorf("/healthz = %+v; want ok, polling, a last poll", h)
	}
	if got := s.metric("convivo_updates_handled_total"); got != "convivo_updates_handled_total 1" {
		t.Errorf("metric = %q; want 1 update handled", got)
	}
	start := time.Now()
	s.stop()
	t.Logf("stopped in %v", time.Since(start))
	if got := savedOffset(t, env); got != int64(u.UpdateID) {
		t.Errorf("saved offset = %d; want %d", got, u.UpdateID)
	}
}
