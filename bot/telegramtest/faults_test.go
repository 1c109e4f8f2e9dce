package telegramtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
)

func TestFailNext(t *testing.T) {
	srv, api := newAPI(t)
	srv.FailNext("sendMessage", 42, 2, telegramtest.TooManyRequests(7))
	srv.FailNext("sendMessage", 0, 1, telegramtest.Blocked())
	srv.FailNext("", 0, 1, telegramtest.InternalError())
	tests := []struct {
		chatID     int64
		wantCode   int
		wantRetry  int
		wantPrefix string
	}{
		{43, 403, 0, "Forbidden: bot was blocked"}, // the 429 rule is for chat 42 only
		{42, 429, 7, "Too Many Requests: retry after 7"},
		{42, 429, 7, "Too Many Requests"},
		{42, 500, 0, "Internal Server Error"},
		{42, 0, 0, ""},
	}
	for i, tt := range tests {
		_, err := api.Send(tgbotapi.NewMessage(tt.chatID, "x"))
		if tt.wantCode == 0 {
			if err != nil {
				t.Errorf("call %d: Send = %v; want success once the rules are used up", i, err)
			}
			continue
		}
		e := apiError(t, err)
		if e.Code != tt.wantCode || e.RetryAfter != tt.wantRetry || !strings.HasPrefix(e.Message, tt.wantPrefix) {
			t.Errorf("call %d: Send = %d %q retry %d; want %d %q retry %d",
				i, e.Code, e.Message, e.RetryAfter, tt.wantCode, tt.wantPrefix, tt.wantRetry)
		}
	}
	calls := srv.Calls()
	if got := calls[len(calls)-2]; got.Status != 500 || got.Error != "Internal Server Error" {
		t.Errorf("recorded failed call = status %d %q; want 500", got.Status, got.Error)
	}
	if got := len(srv.Sent(42)); got != 1 {
		t.Errorf("len(Sent(42)) = %d; want 1 (failed calls send nothing)", got)
	}
}

func TestHangAndDisconnect(t *testing.T) {
	srv := telegramtest.NewServer(t)
	hc := &http.Client{Timeout: 10 * time.Second}
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), hc)
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext("sendMessage", 0, 1, telegramtest.Disconnect())
	if _, err := api.Send(tgbotapi.NewMessage(1, "x")); err == nil {
		t.Errorf("Send after Disconnect succeeded; want a transport error")
	}

	srv.FailNext("sendMessage", 0, 1, telegramtest.Hang())
	ctx, cancel := context.WithCancel(t.Context())
	api.Client = ctxClient{ctx, hc}
	errc := make(chan error, 1)
	go func() {
		_, err := api.Send(tgbotapi.NewMessage(1, "x"))
		errc <- err
	}()
	// The hung call is recorded when it ends, so cancel right away: the
	// request must end with the context, not answer.
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Send on a hung call = %v; want context.Canceled", err)
	}
	call, err := srv.WaitCall(waitCtx(t), func(c telegramtest.Call) bool { return c.Error == "aborted" })
	if err != nil || call.Status != 0 {
		t.Errorf("hung call recorded as %+v, %v; want status 0 aborted", call, err)
	}
}

// ctxClient binds every request to ctx.
type ctxClient struct {
	ctx context.Context
	hc  *http.Client
}

func (c ctxClient) Do(r *http.Request) (*http.Response, error) { return c.hc.Do(r.WithContext(c.ctx)) }

func TestBadGateway(t *testing.T) {
	srv, api := newAPI(t)
	srv.FailNext("", 0, 1, telegramtest.BadGateway())
	if _, err := api.Send(tgbotapi.NewMessage(1, "x")); err == nil {
		t.Errorf("Send on a 502 HTML answer succeeded; want an error")
	}
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestEnforceLimits(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	srv, api := newAPI(t, telegramtest.WithClock(clock.Now), telegramtest.WithLimits(telegramtest.TelegramLimits()))
	send := func(chatID int64) int {
		_, err := api.Send(tgbotapi.NewMessage(chatID, "x"))
		if err == nil {
			return 0
		}
		return apiError(t, err).RetryAfter
	}
	// Private chat: a burst of 5, then one per second.
	for i := range 5 {
		if r := send(42); r != 0 {
			t.Fatalf("private message %d refused (retry %d); want the burst of 5 accepted", i, r)
		}
	}
	if r := send(42); r != 1 {
		t.Errorf("6th private message in the same instant: retry_after = %d; want 1", r)
	}
	clock.Advance(time.Second)
	if r := send(42); r != 0 {
		t.Errorf("private message a second later refused (retry %d)", r)
	}
	// Group: 20 per minute.
	clock.Advance(time.Minute)
	for i := range 20 {
		clock.Advance(time.Second)
		if r := send(-7); r != 0 {
			t.Fatalf("group message %d refused (retry %d); want 20 per minute accepted", i, r)
		}
	}
	if r := send(-7); r != 41 {
		t.Errorf("21st group message in a minute: retry_after = %d; want 41", r)
	}
	// Global: 30 per second across chats.
	clock.Advance(time.Minute)
	for i := range 30 {
		if r := send(int64(1000 + i)); r != 0 {
			t.Fatalf("global message %d refused (retry %d)", i, r)
		}
	}
	if r := send(2000); r != 1 {
		t.Errorf("31st message in a second: retry_after = %d; want 1", r)
	}
	// Calls carry the server's (fake) clock.
	calls := srv.Calls()
	if got := calls[len(calls)-1].Time; !got.Equal(clock.Now()) {
		t.Errorf("last call Time = %v; want the fake clock %v", got, clock.Now())
	}
}
