package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/bot/telegramtest"
)

// syncBuffer is a bytes.Buffer safe for a logger used by several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testLogger logs everything, debug included, into the returned buffer.
func testLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func newTestClient(t *testing.T, opts ...telegramtest.Option) (*telegramtest.Server, *Client, *syncBuffer) {
	t.Helper()
	srv := telegramtest.NewServer(t, opts...)
	logger, logs := testLogger()
	c, err := NewClient(t.Context(), srv.Token(), srv.Endpoint(), logger, WithHTTPTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() {
		c.CloseIdleConnections()
		if strings.Contains(logs.String(), srv.Token()) {
			t.Errorf("the log contains the bot token:\n%s", logs)
		}
	})
	return srv, c, logs
}

// checkNoToken fails if token appears in err or in any error it wraps.
func checkNoToken(t *testing.T, err error, token string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want one")
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
		if strings.Contains(s, token) {
			t.Errorf("error %q contains the token", s)
		}
	}
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), token) {
			t.Errorf("wrapped error %q contains the token", e.Error())
		}
	}
}

func TestNewClient(t *testing.T) {
	srv, c, _ := newTestClient(t)
	if diff := cmp.Diff(srv.Bot(), c.Self()); diff != "" {
		t.Errorf("Self() mismatch (-want +got):\n%s", diff)
	}
	if got := c.HTTPTimeout(); got != 10*time.Second {
		t.Errorf("HTTPTimeout() = %v; want 10s", got)
	}
}

func TestNewClientErrorsHideToken(t *testing.T) {
	srv := telegramtest.NewServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/bot%s/%s"
	ln.Close()
	token := srv.Token()
	tests := []struct {
		name, token, endpoint string
		wantCode              int
	}{
		{"connection refused", token, refused, 0},
		{"wrong token", token + "x", srv.Endpoint(), 401},
		{"bad endpoint", token, "http://[::1/bot%s/%s", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(t.Context(), tt.token, tt.endpoint, slog.New(slog.DiscardHandler))
			checkNoToken(t, err, token)
			var ae *APIError
			if errors.As(err, &ae) != (tt.wantCode != 0) || (ae != nil && ae.Code != tt.wantCode) {
				t.Errorf("NewClient(%s) = %v; want API error code %d", tt.name, err, tt.wantCode)
			}
		})
	}
}

func TestRequestHonoursContext(t *testing.T) {
	srv, c, _ := newTestClient(t)
	srv.FailNext("sendMessage", 0, 1, telegramtest.Hang())
	ctx, cancel := context.WithCancel(t.Context())
	defer time.AfterFunc(20*time.Millisecond, cancel).Stop()
	_, err := c.Send(ctx, tgbotapi.NewMessage(1, "x"))
	// Without the context the call would end at the 10 s HTTP timeout, with
	// a deadline error instead.
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send on a hung call = %v; want context.Canceled", err)
	}
	if IsTemporary(err) {
		t.Errorf("IsTemporary(%v) = true; want false for a cancelled call", err)
	}
	checkNoToken(t, err, srv.Token())
}

func TestErrorClassification(t *testing.T) {
	srv, c, logs := newTestClient(t)
	photo := tgbotapi.NewPhoto(1, tgbotapi.FileBytes{Name: "a.png", Bytes: []byte("png")})
	tests := []struct {
		name        string
		method      string
		f           telegramtest.Failure
		send        tgbotapi.Chattable
		wantCode    int
		blocked     bool
		notModified bool
		retry       time.Duration
		temporary   bool
	}{
		{"429", "sendMessage", telegramtest.TooManyRequests(7), nil, 429, false, false, 7 * time.Second, true},
		{"403", "sendMessage", telegramtest.Blocked(), nil, 403, true, false, 0, false},
		{"403 upload", "sendPhoto", telegramtest.Blocked(), photo, 403, true, false, 0, false},
		{"not modified", "sendMessage", telegramtest.NotModified(), nil, 400, false, true, 0, false},
		{"500", "sendMessage", telegramtest.InternalError(), nil, 500, false, false, 0, true},
		{"502 html", "sendMessage", telegramtest.BadGateway(), nil, 502, false, false, 0, true},
		{"dropped connection", "sendMessage", telegramtest.Disconnect(), nil, 0, false, false, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.FailNext(tt.method, 0, 1, tt.f)
			send := tt.send
			if send == nil {
				send = tgbotapi.NewMessage(1, "x")
			}
			_, err := c.Send(t.Context(), send)
			checkNoToken(t, err, srv.Token())
			code := 0
			if ae := (*APIError)(nil); errors.As(err, &ae) {
				code = ae.Code
			}
			if code != tt.wantCode {
				t.Errorf("Send() = %v; want API error code %d", err, tt.wantCode)
			}
			if got := IsBlocked(err); got != tt.blocked {
				t.Errorf("IsBlocked(%v) = %v; want %v", err, got, tt.blocked)
			}
			if got := IsNotModified(err); got != tt.notModified {
				t.Errorf("IsNotModified(%v) = %v; want %v", err, got, tt.notModified)
			}
			if got, _ := RetryAfter(err); got != tt.retry {
				t.Errorf("RetryAfter(%v) = %v; want %v", err, got, tt.retry)
			}
			if got := IsTemporary(err); got != tt.temporary {
				t.Errorf("IsTemporary(%v) = %v; want %v", err, got, tt.temporary)
			}
		})
	}
	if !strings.Contains(logs.String(), "method=sendPhoto status=403") {
		t.Errorf("debug log lacks the failed sendPhoto call:\n%s", logs)
	}
}

func TestSendAcceptsTrueResult(t *testing.T) {
	srv, c, _ := newTestClient(t)
	msg := tgbotapi.NewMessage(42, "q")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("ok", "ok")))
	sent, err := c.Send(t.Context(), msg)
	if err != nil {
		t.Fatal(err)
	}
	u := srv.Press(42, 42, sent.MessageID, "ok")
	got, err := c.Send(t.Context(), tgbotapi.NewCallback(u.CallbackQuery.ID, ""))
	if err != nil || got.MessageID != 0 {
		t.Errorf("Send(answerCallbackQuery) = %+v, %v; want a zero Message and no error", got, err)
	}
}

func TestWebhookAndCommands(t *testing.T) {
	srv, c, _ := newTestClient(t)
	ctx := t.Context()
	if err := c.SetWebhook(ctx, "https://convivo.example/tg", "s3cret"); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	want := telegramtest.Webhook{URL: "https://convivo.example/tg", SecretToken: "s3cret", AllowedUpdates: AllowedUpdates()}
	if diff := cmp.Diff(want, srv.Webhook()); diff != "" {
		t.Errorf("Webhook() mismatch (-want +got):\n%s", diff)
	}
	if err := c.DeleteWebhook(ctx, false); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if got := srv.Webhook(); got.URL != "" {
		t.Errorf("Webhook() after delete = %+v; want none", got)
	}

	scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
	cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Comincia"}}
	if err := c.SetCommands(ctx, &scope, "it", cmds); err != nil {
		t.Fatalf("SetCommands: %v", err)
	}
	if diff := cmp.Diff(cmds, srv.Commands(&scope, "it")); diff != "" {
		t.Errorf("Commands mismatch (-want +got):\n%s", diff)
	}
	if err := c.SetCommands(ctx, &scope, "it", nil); err != nil {
		t.Fatalf("SetCommands(empty): %v", err)
	}
	if got := srv.Commands(&scope, "it"); got != nil {
		t.Errorf("Commands after SetCommands(empty) = %v; want none", got)
	}
}

// recordingLogger is a tgbotapi.BotLogger that keeps what it is given.
type recordingLogger struct{ syncBuffer }

func (l *recordingLogger) Println(v ...any)               { fmt.Fprintln(l, v...) }
func (l *recordingLogger) Printf(format string, v ...any) { fmt.Fprintf(l, format, v...) }

// TestPackageLoggerUnused checks that tgbotapi's global logger stays silent
// on success and failure paths alike, so cmd never needs tgbotapi.SetLogger.
// Not parallel: it swaps a global for its duration.
func TestPackageLoggerUnused(t *testing.T) {
	rec := &recordingLogger{}
	if err := tgbotapi.SetLogger(rec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tgbotapi.SetLogger(stdlog.New(os.Stderr, "", stdlog.LstdFlags)) })
	srv, c, _ := newTestClient(t)
	srv.FailNext("getUpdates", 0, 1, telegramtest.InternalError())
	srv.FailNext("sendMessage", 0, 1, telegramtest.Disconnect())
	ctx := t.Context()
	_, _ = c.GetUpdates(ctx, tgbotapi.UpdateConfig{})
	_, _ = c.Send(ctx, tgbotapi.NewMessage(1, "x"))
	_, _ = c.Send(ctx, tgbotapi.NewMessage(1, "x"))
	srv.SendText(telegramtest.User(1, "A", "it"), "hi")
	if ups, err := c.GetUpdates(ctx, tgbotapi.UpdateConfig{AllowedUpdates: AllowedUpdates()}); err != nil || len(ups) != 1 {
		t.Errorf("GetUpdates = %d updates, %v; want 1", len(ups), err)
	}
	if got := rec.String(); got != "" {
		t.Errorf("tgbotapi's package logger was written to:\n%s", got)
	}
}
