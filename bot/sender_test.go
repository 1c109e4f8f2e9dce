package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"

	"github.com/convivo/convivo/bot/telegramtest"
)

// autoClock is a fake clock whose Sleep returns at once, moving the time
// forward by d: waits cost no real time and their length shows in the
// times the fake server records.
type autoClock struct {
	mu  sync.Mutex
	now time.Time
}

func newAutoClock() *autoClock {
	return &autoClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *autoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *autoClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

// newTestSender returns a fake server on a fake clock and a Sender on it.
func newTestSender(t *testing.T, cfg SenderConfig, out Outbox, opts ...telegramtest.Option) (*telegramtest.Server, *Sender, *autoClock) {
	t.Helper()
	clock := newAutoClock()
	srv, c, _ := newTestClient(t, append(opts, telegramtest.WithClock(clock.Now))...)
	cfg.Clock = clock
	return srv, NewSender(c, out, c.logger, cfg), clock
}

// callsTo returns the recorded calls of method to chatID.
func callsTo(srv *telegramtest.Server, method string, chatID int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range srv.Calls() {
		if c.Method == method && c.ChatID == chatID {
			out = append(out, c)
		}
	}
	return out
}

func TestSendFailures(t *testing.T) {
	tests := []struct {
		name      string
		fail      telegramtest.Failure
		times     int
		wantCalls int
		wantErr   bool
		minWait   time.Duration // between the first and the last call
	}{
		{"429 waits retry_after", telegramtest.TooManyRequests(3), 1, 2, false, 3 * time.Second},
		{"429 twice", telegramtest.TooManyRequests(2), 2, 3, false, 4 * time.Second},
		{"500 retried", telegramtest.InternalError(), 2, 3, false, 0},
		{"502 html retried", telegramtest.BadGateway(), 1, 2, false, 0},
		{"dropped connection retried", telegramtest.Disconnect(), 1, 2, false, 0},
		{"500 gives up after MaxAttempts", telegramtest.InternalError(), 10, 3, true, 0},
		{"400 not retried", telegramtest.Failure{Code: 400, Description: "Bad Request: chat not found"}, 1, 1, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, s, _ := newTestSender(t, SenderConfig{MaxAttempts: 3, MinBackoff: time.Second}, nil)
			srv.FailNext("sendMessage", 42, tt.times, tt.fail)
			_, err := s.Send(t.Context(), tgbotapi.NewMessage(42, "ciao"))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Send() = %v; want error: %v", err, tt.wantErr)
			}
			calls := callsTo(srv, "sendMessage", 42)
			if len(calls) != tt.wantCalls {
				t.Fatalf("made %d calls; want %d", len(calls), tt.wantCalls)
			}
			if got := calls[len(calls)-1].Time.Sub(calls[0].Time); got < tt.minWait {
				t.Errorf("first to last call took %v; want at least %v", got, tt.minWait)
			}
			if want := map[bool]int{true: 0, false: 1}[tt.wantErr]; len(srv.Sent(42)) != want {
				t.Errorf("len(Sent(42)) = %d; want %d (delivered once or not at all)", len(srv.Sent(42)), want)
			}
		})
	}
}

func TestSendBlocked(t *testing.T) {
	var mu sync.Mutex
	var blocked []int64
	cfg := SenderConfig{OnBlocked: func(_ context.Context, chatID int64) {
		mu.Lock()
		defer mu.Unlock()
		blocked = append(blocked, chatID)
	}}
	srv, s, _ := newTestSender(t, cfg, nil)
	srv.FailNext("sendMessage", 42, 1, telegramtest.Blocked())
	ctx := t.Context()
	for i := range 2 {
		_, err := s.Send(ctx, tgbotapi.NewMessage(42, "ciao"))
		if !errors.Is(err, ErrBlocked) {
			t.Errorf("Send #%d to a blocked chat = %v; want ErrBlocked", i+1, err)
		}
	}
	if got := len(callsTo(srv, "sendMessage", 42)); got != 1 {
		t.Errorf("made %d calls to the blocked chat; want 1 (then it stops)", got)
	}
	if diff := cmp.Diff([]int64{42}, blocked); diff != "" {
		t.Errorf("OnBlocked calls mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.Send(ctx, tgbotapi.NewMessage(43, "ciao")); err != nil {
		t.Errorf("Send to another chat = %v; want success", err)
	}
	s.Unblock(42)
	if _, err := s.Send(ctx, tgbotapi.NewMessage(42, "ciao")); err != nil || s.Blocked(42) {
		t.Errorf("Send after Unblock = %v (blocked %v); want success", err, s.Blocked(42))
	}
}

func TestSendNotModifiedIsSuccess(t *testing.T) {
	srv, s, _ := newTestSender(t, SenderConfig{}, nil)
	ctx := t.Context()
	m, err := s.Send(ctx, tgbotapi.NewMessage(42, "domanda"))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second edit changes nothing: Telegram answers 400
		if _, err := s.Send(ctx, tgbotapi.NewEditMessageText(42, m.MessageID, "domanda 2")); err != nil {
			t.Errorf("Send(edit) = %v; want success", err)
		}
	}
	if got := callsTo(srv, "editMessageText", 42); len(got) != 2 || got[1].Status != http.StatusBadRequest {
		t.Errorf("edit calls = %d, want 2 with the second answered 400", len(got))
	}
}

func TestSendSplitsLongText(t *testing.T) {
	var lines []string
	for i := range 400 {
		lines = append(lines, strings.Repeat("parola ", 3)+"<b>riga</b> "+string(rune('a'+i%26)))
	}
	text := strings.Join(lines, "\n")
	tests := []struct {
		name, text, mode, visible string
	}{
		{"plain", text, "", text},
		{"html", "<i>" + text + "</i>", tgbotapi.ModeHTML, strings.ReplaceAll(text, "<b>riga</b>", "riga")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, s, _ := newTestSender(t, SenderConfig{}, nil)
			msg := tgbotapi.NewMessage(42, tt.text)
			msg.ParseMode = tt.mode
			msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData("ok", "ok")))
			last, err := s.Send(t.Context(), msg)
			if err != nil {
				t.Fatalf("Send(%d chars) = %v", len(tt.text), err)
			}
			sent := srv.Sent(42)
			if len(sent) < 2 {
				t.Fatalf("sent %d messages; want the text split", len(sent))
			}
			var got []string
			for i, m := range sent {
				got = append(got, m.Text)
				if (m.ReplyMarkup != nil) != (i == len(sent)-1) {
					t.Errorf("part %d has keyboard %v; want it on the last part only", i, m.ReplyMarkup != nil)
				}
			}
			if diff := cmp.Diff(tt.visible, strings.Join(got, "\n")); diff != "" {
				t.Errorf("parts do not join to the text (-want +got):\n%s", diff)
			}
			if last.MessageID != sent[len(sent)-1].MessageID {
				t.Errorf("Send returned message %d; want the last part %d", last.MessageID, sent[len(sent)-1].MessageID)
			}
		})
	}
}

func TestSendLongCaption(t *testing.T) {
	srv, s, _ := newTestSender(t, SenderConfig{}, nil)
	photo := tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "a.png", Bytes: []byte("png")})
	photo.Caption = strings.Repeat("didascalia ", 200)
	if _, err := s.Send(t.Context(), photo); err != nil {
		t.Fatal(err)
	}
	sent := srv.Sent(42)
	if len(sent) != 2 || sent[0].Photo == nil || sent[0].Caption != "" || sent[1].Text != photo.Caption {
		t.Errorf("sent %d messages (first has photo %v, caption %d chars); want the photo without caption, then the caption as text",
			len(sent), sent[0].Photo != nil, len(sent[0].Caption))
	}
}

// checkSpacing checks that the calls respect a token bucket of rate r and
// burst b: any b+1 consecutive calls span at least 1/r.
func checkSpacing(t *testing.T, calls []telegramtest.Call, r rate.Limit, b int) {
	t.Helper()
	min := time.Duration(float64(time.Second) / float64(r))
	for k := b; k < len(calls); k++ {
		if got := calls[k].Time.Sub(calls[k-b].Time); got < min {
			t.Errorf("calls %d..%d span %v; want at least %v (rate %v, burst %d)", k-b, k, got, min, r, b)
		}
	}
}

func TestSendRateLimits(t *testing.T) {
	tests := []struct {
		name   string
		chatID int64
		n      int
		r      rate.Limit
		b      int
	}{
		{"private chat", 42, 8, 1, 3},
		{"group", -42, 25, rate.Every(time.Minute / 18), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The fake enforces Telegram's limits: defaults must stay under.
			srv, s, _ := newTestSender(t, SenderConfig{}, nil, telegramtest.WithLimits(telegramtest.TelegramLimits()))
			for range tt.n {
				if _, err := s.Send(t.Context(), tgbotapi.NewMessage(tt.chatID, "x")); err != nil {
					t.Fatal(err)
				}
			}
			calls := callsTo(srv, "sendMessage", tt.chatID)
			if len(calls) != tt.n {
				t.Fatalf("made %d calls; want %d (a 429 from the fake means a limit was exceeded)", len(calls), tt.n)
			}
			checkSpacing(t, calls, tt.r, tt.b)
		})
	}
}

func TestSendGlobalRateLimit(t *testing.T) {
	cfg := SenderConfig{GlobalRate: 10, GlobalBurst: 2, PrivateRate: rate.Inf}
	srv, s, clock := newTestSender(t, cfg, nil)
	start := clock.Now()
	const chats, each = 5, 10
	var wg sync.WaitGroup
	for c := range chats {
		wg.Go(func() {
			for range each {
				if _, err := s.Send(t.Context(), tgbotapi.NewMessage(int64(100+c), "x")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	// 50 messages at 10/s with a burst of 2 need at least 4.8 s.
	want := time.Duration(float64(chats*each-cfg.GlobalBurst) / float64(cfg.GlobalRate) * float64(time.Second))
	calls := srv.Calls()
	if got := calls[len(calls)-1].Time.Sub(start); got < want {
		t.Errorf("%d messages went out in %v; want at least %v", chats*each, got, want)
	}
}

func TestSendOrderWithinChat(t *testing.T) {
	srv, s, _ := newTestSender(t, SenderConfig{PrivateRate: rate.Inf, GlobalRate: rate.Inf}, nil)
	// One caller sends in sequence while others race for the same chat: the
	// sequence stays in order and nothing is lost.
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				if _, err := s.Send(t.Context(), tgbotapi.NewMessage(42, "noise")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	var want []string
	for i := range 10 {
		txt := string(rune('a' + i))
		want = append(want, txt)
		if _, err := s.Send(t.Context(), tgbotapi.NewMessage(42, txt)); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	var got []string
	for _, m := range srv.Sent(42) {
		if m.Text != "noise" {
			got = append(got, m.Text)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sequence out of order (-want +got):\n%s", diff)
	}
	if n := len(srv.Sent(42)); n != 30 {
		t.Errorf("sent %d messages; want 30", n)
	}
}

func TestSendCancelled(t *testing.T) {
	srv, s, _ := newTestSender(t, SenderConfig{}, nil)
	srv.FailNext("sendMessage", 42, 1, telegramtest.Hang())
	ctx, cancel := context.WithCancel(t.Context())
	defer time.AfterFunc(20*time.Millisecond, cancel).Stop()
	if _, err := s.Send(ctx, tgbotapi.NewMessage(42, "x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v; want context.Canceled", err)
	}
	if got := len(callsTo(srv, "sendMessage", 42)); got > 1 {
		t.Errorf("made %d calls; want no retry after cancellation", got)
	}
}

// BenchmarkSend measures one Send through the limiters (set to infinite) and
// the real client to the fake server over loopback.
func BenchmarkSend(b *testing.B) {
	srv := telegramtest.NewServer(b)
	c, err := NewClient(b.Context(), srv.Token(), srv.Endpoint(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	s := NewSender(c, nil, slog.New(slog.DiscardHandler), SenderConfig{GlobalRate: rate.Inf, PrivateRate: rate.Inf})
	msg := tgbotapi.NewMessage(42, "promemoria: oggi tocca a te buttare la plastica")
	for b.Loop() {
		if _, err := s.Send(b.Context(), msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitText measures splitting a 20,000-character HTML text.
func BenchmarkSplitText(b *testing.B) {
	text := strings.Repeat("<b>Riga</b> di testo &amp; altro, abbastanza lunga.\n", 400)
	for b.Loop() {
		if parts := SplitText(text, true, MaxTextLen); len(parts) < 4 {
			b.Fatalf("got %d parts", len(parts))
		}
	}
}
