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
	"github.com/convivo/convivo/housing"
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

// waitMetric waits until /metrics has the line want (name and value) and
// fails the test if it does not come within 5 s. The handler counts an
// update after the reply is out, so a test that saw the reply waits.
func (s *served) waitMetric(want string) {
	s.t.Helper()
	name, _, _ := strings.Cut(want, " ")
	var got string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got = s.metric(name); got == want {
			return
		}
	}
	s.t.Errorf("/metrics: %q; want %q", got, want)
}

// metric returns the /metrics line starting with name followed by a space.
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
	s.waitMetric("convivo_updates_handled_total 1") // the forged ones were not handled
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
	s.waitMetric("convivo_updates_handled_total 1")
	start := time.Now()
	s.stop()
	t.Logf("stopped in %v", time.Since(start))
	if got := savedOffset(t, env); got != int64(u.UpdateID) {
		t.Errorf("saved offset = %d; want %d", got, u.UpdateID)
	}
}

// sharedStore lets two services in one process share an open store: only
// the test closes it.
type sharedStore struct{ housing.Store }

func (sharedStore) Close() error { return nil }

// replica is one service of several in the test.
type replica struct {
	svc  *service
	logs *safeBuffer
	stop func() // cancels Run and waits for it
}

// startReplica runs a service on env (and on st, when not nil) with a
// short poll lease.
func startReplica(t *testing.T, vars map[string]string, st housing.Store, lease bot.LeaseConfig) *replica {
	t.Helper()
	getenv := func(k string) string { return vars[k] }
	cfg, err := LoadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{logs: &safeBuffer{}}
	e := &env{cfg: cfg, getenv: getenv, stdin: strings.NewReader(""), stdout: io.Discard, stderr: r.logs}
	logger := slog.New(slog.NewTextHandler(r.logs, nil))
	r.svc, err = newService(t.Context(), e, logger, serviceOptions{noListen: true, store: st, lease: lease})
	if err != nil {
		t.Fatalf("newService: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.Run(ctx) }()
	var once sync.Once
	r.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v; want nil", err)
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

// waitHeld waits until r holds the poll lease and returns how long it took.
func (r *replica) waitHeld(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	for !r.svc.lease.Held() {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("replica did not take the poll lease within 10 s:\n%s", r.logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// jobRuns returns how many times job ran on r.
func (r *replica) jobRuns(t *testing.T, job string) float64 {
	t.Helper()
	families, err := r.svc.metrics.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0.0
	for _, f := range families {
		if f.GetName() != "convivo_job_runs_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "job" && l.GetValue() == job {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return n
}

// TestReplicasOnePolls runs two services on one store: one polls, the
// other takes over when it stops, both answer, and each daily cron slot
// runs once. On Redis when CONVIVO_TEST_REDIS_URL is set (a Redis that
// does not answer fails the test), else on one embedded store shared in
// the process.
func TestReplicasOnePolls(t *testing.T) {
	for _, backend := range []string{"bolt", "redis"} {
		t.Run(backend, func(t *testing.T) {
			srv := telegramtest.NewServer(t)
			env := serveEnv(t, srv)
			var st housing.Store
			if backend == "redis" {
				c, _, _ := redisCLI(t) // skips without CONVIVO_TEST_REDIS_URL
				env["CONVIVO_REDIS_URL"], env["CONVIVO_REDIS_NAMESPACE"] = c.env["CONVIVO_REDIS_URL"], c.env["CONVIVO_REDIS_NAMESPACE"]
			} else {
				cfg, err := LoadConfig(func(k string) string { return env[k] })
				if err != nil {
					t.Fatal(err)
				}
				open, err := openStore(t.Context(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { open.Close() })
				st = sharedStore{open}
			}
			testReplicas(t, srv, env, st)
		})
	}
}

func testReplicas(t *testing.T, srv *telegramtest.Server, env map[string]string, st housing.Store) {
	lease := bot.LeaseConfig{TTL: time.Second, Renew: 100 * time.Millisecond}
	a := startReplica(t, env, st, lease)
	a.waitHeld(t)
	b := startReplica(t, env, st, lease)
	first := telegramtest.User(601, "Ada", "it")
	srv.SendText(first, "/start")
	waitReply(t, srv, first.ID, a.logs)
	time.Sleep(5 * lease.Renew) // b tries, and fails, to take the lease
	if !a.svc.lease.Held() || b.svc.lease.Held() {
		t.Errorf("a holds the lease: %v, b: %v; want only a", a.svc.lease.Held(), b.svc.lease.Held())
	}
	for _, c := range srv.Calls() {
		if c.Method == "getUpdates" && c.Status == http.StatusConflict {
			t.Errorf("getUpdates answered 409 (%s): two replicas polled", c.Error)
		}
	}
	a.stop()
	took := b.waitHeld(t)
	t.Logf("b took over %v after a stopped", took)
	second := telegramtest.User(602, "Bea", "it")
	srv.SendText(second, "/start")
	waitReply(t, srv, second.ID, b.logs)
	b.stop()
	for _, job := range []string{"checkin-close", "risk-scan", "nightly-round", "retention"} {
		if runs := a.jobRuns(t, job) + b.jobRuns(t, job); runs != 1 {
			t.Errorf("job %s ran %v times on two replicas; want once", job, runs)
		}
	}
}
