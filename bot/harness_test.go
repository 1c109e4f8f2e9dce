package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
)

// The harness runs the whole bot the way production does: the real
// tgbotapi client (through Client, Sender and Poller) against the fake Bot
// API server, and the embedded store in a temporary file. Tests act as
// Telegram users: say, press, expect.

// testClock is a settable clock for the Bot and the store.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type harness struct {
	t      *testing.T
	srv    *telegramtest.Server
	client *Client
	clock  *testClock
	path   string
	logs   *lockedBuffer
	logger *slog.Logger
	tune   func(*Config)

	store housing.Store
	bot   *Bot
	stop  func()

	mu     sync.Mutex
	cursor map[int64]int // per chat: how many bot messages expect consumed
}

// newHarness starts a bot on a fresh store; tune, if given, changes its
// Config.
func newHarness(t *testing.T, tune ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, clock: &testClock{now: housingtest.Epoch()}, logs: &lockedBuffer{},
		path: filepath.Join(t.TempDir(), "c.db"), cursor: map[int64]int{}}
	h.logger = slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if len(tune) > 0 {
		h.tune = tune[0]
	}
	h.srv = telegramtest.NewServer(t)
	c, err := NewClient(t.Context(), h.srv.Token(), h.srv.Endpoint(), h.logger)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	h.client = c
	h.start()
	t.Cleanup(func() {
		h.shutdown()
		for _, bad := range []string{"missing translation", "panicked"} {
			if strings.Contains(h.logs.String(), bad) {
				t.Errorf("bot logged %q:\n%s", bad, h.logs.String())
			}
		}
	})
	return h
}

// start opens the store and runs a new Sender, Bot and Poller.
func (h *harness) start() {
	h.t.Helper()
	st, err := boltstore.Open(h.path, boltstore.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatalf("boltstore.Open: %v", err)
	}
	h.store = st
	fast := SenderConfig{GlobalRate: 10000, GlobalBurst: 1000, PrivateRate: 10000, PrivateBurst: 1000,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	sender := NewSender(h.client, nil, h.logger, fast)
	cfg := Config{BotUsername: h.srv.Bot().UserName, Now: h.clock.Now}
	if h.tune != nil {
		h.tune(&cfg)
	}
	b, err := New(sender, st, cfg, h.logger)
	if err != nil {
		h.t.Fatalf("New: %v", err)
	}
	h.bot = b
	poller := NewPoller(h.client, NewStateOffsets(st), b.Handle, h.logger, PollerConfig{Timeout: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- poller.Run(ctx) }()
	h.stop = func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("Poller.Run: %v", err)
		}
	}
}

// shutdown stops the poller and closes the store.
func (h *harness) shutdown() {
	if h.stop == nil {
		return
	}
	h.stop()
	h.stop = nil
	if err := h.store.Close(); err != nil {
		h.t.Errorf("close store: %v", err)
	}
}

// restart stops everything and starts a new Bot on the same store file,
// as a redeploy would.
func (h *harness) restart() {
	h.t.Helper()
	h.shutdown()
	h.start()
}

// ctx returns a context that ends a test step that waits too long.
func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(h.t.Context(), 15*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// tgUser is a Telegram user in the test.
type tgUser struct {
	h *harness
	u tgbotapi.User
}

// user returns a Telegram user with a first name fitting lang.
func (h *harness) user(id int64, lang string) *tgUser {
	name := "Giulia"
	if lang == "en" {
		name = "Grace"
	}
	return &tgUser{h: h, u: telegramtest.User(id, name, lang)}
}

// say sends text to the bot.
func (u *tgUser) say(text string) { u.h.srv.SendText(u.u, text) }

// keyboardMessage returns the last message in u's chat with buttons.
func (u *tgUser) keyboardMessage() tgbotapi.Message {
	u.h.t.Helper()
	sent := u.h.srv.Sent(u.u.ID)
	for i := len(sent) - 1; i >= 0; i-- {
		if kb := sent[i].ReplyMarkup; kb != nil && len(kb.InlineKeyboard) > 0 {
			return sent[i]
		}
	}
	u.h.t.Fatalf("chat %d: no message with buttons", u.u.ID)
	return tgbotapi.Message{}
}

// buttonData finds the button labelled label (a leading "✓ " ignored) in
// the last keyboard of u's chat.
func (u *tgUser) buttonData(label string) (tgbotapi.Message, string) {
	u.h.t.Helper()
	m := u.keyboardMessage()
	var labels []string
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && (b.Text == label || strings.TrimPrefix(b.Text, "✓ ") == label) {
				return m, *b.CallbackData
			}
			labels = append(labels, b.Text)
		}
	}
	u.h.t.Fatalf("chat %d: no button %q in the last keyboard %q (message %q)", u.u.ID, label, labels, m.Text)
	return m, ""
}

// press taps the button labelled label in the last keyboard of u's chat
// and waits until the bot answered the press.
func (u *tgUser) press(label string) string {
	u.h.t.Helper()
	m, data := u.buttonData(label)
	return u.pressData(m.MessageID, data)
}

// pressAt taps the i-th button (row by row) of the last keyboard.
func (u *tgUser) pressAt(i int) string {
	u.h.t.Helper()
	m := u.keyboardMessage()
	var all []tgbotapi.InlineKeyboardButton
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		all = append(all, row...)
	}
	if i >= len(all) {
		u.h.t.Fatalf("chat %d: keyboard has %d buttons; want index %d", u.u.ID, len(all), i)
	}
	return u.pressData(m.MessageID, *all[i].CallbackData)
}

// pressData taps the button with data under message msgID and returns the
// text the bot answered the press with.
func (u *tgUser) pressData(msgID int, data string) string {
	u.h.t.Helper()
	up := u.h.srv.Press(u.u.ID, u.u.ID, msgID, data)
	return u.h.answerOf(up.CallbackQuery.ID)
}

// answerOf waits for the answer to callback query id and returns its text.
func (h *harness) answerOf(id string) string {
	h.t.Helper()
	c, err := h.srv.WaitCall(h.ctx(), func(c telegramtest.Call) bool {
		return c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == id
	})
	if err != nil {
		h.t.Fatalf("callback %s was not answered: %v", id, err)
	}
	return c.Params["text"]
}

// expect waits for the bot's next message in u's chat containing sub
// (messages before it are skipped) and returns it.
func (u *tgUser) expect(sub string) tgbotapi.Message {
	u.h.t.Helper()
	chat := u.u.ID
	var found tgbotapi.Message
	_, err := u.h.srv.WaitFor(u.h.ctx(), func([]telegramtest.Call) bool {
		sent := u.h.srv.Sent(chat)
		u.h.mu.Lock()
		defer u.h.mu.Unlock()
		for i := u.h.cursor[chat]; i < len(sent); i++ {
			if strings.Contains(sent[i].Text, sub) {
				found = sent[i]
				u.h.cursor[chat] = i + 1
				return true
			}
		}
		return false
	})
	if err != nil {
		var texts []string
		for _, m := range u.h.srv.Sent(chat) {
			texts = append(texts, m.Text)
		}
		u.h.t.Fatalf("chat %d: no message containing %q; the bot sent:\n%s", chat, sub, strings.Join(texts, "\n----\n"))
	}
	return found
}

// sentCount returns how many bot messages in u's chat contain sub.
func (u *tgUser) sentCount(sub string) int {
	n := 0
	for _, m := range u.h.srv.Sent(u.u.ID) {
		if strings.Contains(m.Text, sub) {
			n++
		}
	}
	return n
}

// person returns the person bound to u, failing the test if none.
func (u *tgUser) person() housing.Person {
	u.h.t.Helper()
	p, err := u.h.store.PersonByTelegramID(context.Background(), u.u.ID)
	if err != nil {
		u.h.t.Fatalf("PersonByTelegramID(%d): %v", u.u.ID, err)
	}
	return p
}

// invite stores an invitation for role in Bologna and returns its token.
func (h *harness) invite(role housing.Role, opts ...func(*housing.Invitation)) string {
	h.t.Helper()
	var b housingtest.Builder
	inv, token := b.Invitation(append([]func(*housing.Invitation){func(inv *housing.Invitation) {
		inv.ID = housing.NewID("inv")
		inv.Role = role
	}}, opts...)...)
	if err := h.store.CreateInvitation(context.Background(), inv); err != nil {
		h.t.Fatalf("CreateInvitation: %v", err)
	}
	return token
}

// addPerson stores an active person bound to Telegram id tid.
func (h *harness) addPerson(tid int64, role housing.Role, opts ...func(*housing.Person)) housing.Person {
	h.t.Helper()
	var b housingtest.Builder
	p := b.Person(append([]func(*housing.Person){func(p *housing.Person) {
		p.ID = housing.NewID("p")
		p.Code = fmt.Sprintf("BO-%04d", tid%10000)
		p.Role, p.TelegramID = role, tid
	}}, opts...)...)
	if err := h.store.CreatePerson(context.Background(), p); err != nil {
		h.t.Fatalf("CreatePerson: %v", err)
	}
	return *p
}

// join takes u through /start with a fresh invitation for role and
// accepts the notice.
func (u *tgUser) join(role housing.Role) {
	u.h.t.Helper()
	u.say("/start " + u.h.invite(role))
	u.expect("privacy")
	u.press(u.h.bot.tr.T(langFromCode(u.u.LanguageCode), "consent.accept", nil))
}

// convOf returns u's stored conversation.
func (u *tgUser) conv() conversation {
	u.h.t.Helper()
	c, err := u.h.bot.loadConv(context.Background(), u.u.ID)
	if err != nil {
		u.h.t.Fatalf("loadConv: %v", err)
	}
	return c
}

// noState reports whether the store holds no conversation for u.
func (u *tgUser) noState() bool {
	_, err := u.h.store.GetState(context.Background(), convKey(u.u.ID))
	return errors.Is(err, housing.ErrNotFound)
}

// auditActions returns the actions of the audit log, in order.
func (h *harness) auditActions() []string {
	h.t.Helper()
	log, err := h.store.AuditLog(context.Background(), housing.AuditFilter{})
	if err != nil {
		h.t.Fatalf("AuditLog: %v", err)
	}
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}

// hasAction reports whether the audit log holds action.
func (h *harness) hasAction(action string) bool { return slices.Contains(h.auditActions(), action) }
