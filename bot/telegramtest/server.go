// Package telegramtest is a fake Telegram Bot API server for tests and the
// demo: the real tgbotapi client talks to it over HTTP.
//
// The server speaks the Bot API's wire format (POST /bot{token}/{method},
// form-encoded or multipart, answers in the {ok, result} envelope) for the
// methods Convivo uses, keeps chats and messages the way Telegram does
// (message ids increasing per chat, edits, inline keyboards, getUpdates with
// real offset and long-poll semantics), records every call, lets a test act as
// the users (SendText, Press) and injects failures (429, 403, 400, 500, a hung
// or dropped connection) or enforces Telegram's rate limits.
//
// Shaped like golang/build's NewFakeGerrit:
//
//	srv := telegramtest.NewServer(t)
//	api, _ := tgbotapi.NewBotAPIWithAPIEndpoint(srv.Token(), srv.Endpoint())
//	srv.SendText(telegramtest.User(42, "Ada", "it"), "/start")
//	calls, err := srv.WaitFor(ctx, telegramtest.SentTo(42, 1))
package telegramtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// BotID is the user id of the fake bot; the token starts with it.
const BotID = 7000001

// Server is a fake Bot API server. All methods are safe for concurrent use.
type Server struct {
	tb      testing.TB // nil outside tests
	srv     *httptest.Server
	token   string
	now     func() time.Time
	bot     tgbotapi.User
	methods map[string]methodFunc
	quit    chan struct{}
	once    sync.Once

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every change
	calls      []Call
	updates    []tgbotapi.Update // not yet confirmed, ascending update_id
	nextUpdate int
	allowed    map[string]bool // nil: every kind the fake produces
	pollGen    int             // bumped by every getUpdates: an older poll answers 409
	polling    int             // getUpdates calls waiting for an update
	chats      map[int64]*chat
	users      map[int64]tgbotapi.User
	callbacks  map[string]bool // issued callback query ids
	nextQuery  int
	nextFile   int
	faults     []*fault
	limits     *limiter // nil: limits not enforced
	commands   map[string][]tgbotapi.BotCommand
	webhook    Webhook
}

// Call is one request the bot made, as the server understood it.
type Call struct {
	Method string
	// ChatID is the chat_id parameter, 0 when absent or not numeric.
	ChatID int64
	// Params holds every form field (reply_markup as its raw JSON).
	Params map[string]string
	// Keyboard is reply_markup decoded when it is an inline keyboard.
	Keyboard *tgbotapi.InlineKeyboardMarkup
	// Files are the uploaded files of a multipart request.
	Files []File
	// Time is the server's clock when the request arrived.
	Time time.Time
	// Status is the HTTP status answered (0 for a hung or dropped request).
	Status int
	// Error is the error description when Status is not 200.
	Error string
	// Message is the message sent or edited, for successful send and edit
	// methods.
	Message *tgbotapi.Message
}

// File is one uploaded file of a multipart request.
type File struct {
	Field string // form field: "photo", "document"
	Name  string
	Data  []byte
}

// Webhook is the webhook the bot set, if any.
type Webhook struct {
	URL            string
	SecretToken    string
	AllowedUpdates []string
}

type chat struct {
	info   tgbotapi.Chat
	nextID int
	msgs   []*tgbotapi.Message // ascending message_id
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token instead of a random one.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithClock sets the clock used for message dates, call times and rate
// limits. The long-poll timeout always uses real time.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithLimits makes the server answer 429 when the bot exceeds l.
func WithLimits(l Limits) Option { return func(s *Server) { s.limits = newLimiter(l) } }

// NewServer starts a fake Bot API server that is closed when the test ends.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := start(tb, opts)
	tb.Cleanup(s.Close)
	return s
}

// New starts a fake Bot API server outside a test (for the demo); call
// Close when done.
func New(opts ...Option) *Server { return start(nil, opts) }

func start(tb testing.TB, opts []Option) *Server {
	s := &Server{
		tb:         tb,
		now:        time.Now,
		quit:       make(chan struct{}),
		changed:    make(chan struct{}),
		nextUpdate: 500000001,
		chats:      map[int64]*chat{},
		users:      map[int64]tgbotapi.User{},
		callbacks:  map[string]bool{},
		commands:   map[string][]tgbotapi.BotCommand{},
		bot: tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Convivo Test",
			UserName: "convivo_test_bot", CanJoinGroups: true},
	}
	s.token = fmt.Sprintf("%d:%s", BotID, randomHex(17))
	for _, o := range opts {
		o(s)
	}
	s.methods = s.methodTable()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{bot}/{method}", s.serve)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
	})
	s.srv = httptest.NewServer(mux)
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// Close stops the server; requests still waiting (long polls, hangs) end.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.quit)
		s.srv.Close()
	})
}

// Token returns the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// Endpoint returns the API endpoint in tgbotapi's format
// ("http://127.0.0.1:port/bot%s/%s").
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// URL returns the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Bot returns the bot's own user, as getMe answers it.
func (s *Server) Bot() tgbotapi.User { return s.bot }

// User returns a Telegram user with the given id, first name and
// language_code, for SendText and Press.
func User(id int64, firstName, languageCode string) tgbotapi.User {
	return tgbotapi.User{ID: id, FirstName: firstName, LanguageCode: languageCode}
}

// envelope is the Bot API's response envelope.
type envelope struct {
	OK          bool                         `json:"ok"`
	Result      any                          `json:"result,omitempty"`
	ErrorCode   int                          `json:"error_code,omitempty"`
	Description string                       `json:"description,omitempty"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters,omitempty"`
}

// apiError is a failed call's answer.
type apiError struct {
	code        int
	description string
	retryAfter  int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: 400, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

// errAborted means the client went away or the server closed: answer nothing.
var errAborted = &apiError{}

type methodFunc func(ctx context.Context, c *Call) (any, *apiError)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.PathValue("bot"), "bot")
	if !ok {
		writeJSON(w, http.StatusNotFound, envelope{ErrorCode: 404, Description: "Not Found"})
		return
	}
	if token != s.token {
		writeJSON(w, http.StatusUnauthorized, envelope{ErrorCode: 401, Description: "Unauthorized"})
		return
	}
	c, err := parseCall(r, s.now())
	if err != nil {
		s.finish(w, c, nil, badRequest("%v", err))
		return
	}
	h, ok := s.methods[c.Method]
	if !ok {
		s.finish(w, c, nil, &apiError{code: 404, description: "Not Found"})
		return
	}
	if f := s.takeFault(c.Method, c.ChatID); f != nil {
		s.answerFault(w, r, c, f)
		return
	}
	if e := s.checkLimits(c.Method, c.ChatID, c.Time); e != nil {
		s.finish(w, c, nil, e)
		return
	}
	result, e := h(r.Context(), c)
	s.finish(w, c, result, e)
}

// finish records c, then writes the answer: a client that got an answer
// always finds its call in Calls.
func (s *Server) finish(w http.ResponseWriter, c *Call, result any, e *apiError) {
	status, env := http.StatusOK, envelope{OK: true, Result: result}
	switch {
	case e == errAborted:
		c.Status, c.Error = 0, "aborted"
		s.record(*c)
		return
	case e != nil:
		status, env = e.code, envelope{ErrorCode: e.code, Description: e.description}
		if e.retryAfter > 0 {
			env.Parameters = &tgbotapi.ResponseParameters{RetryAfter: e.retryAfter}
		}
		c.Status, c.Error = e.code, e.description
	default:
		c.Status = http.StatusOK
		switch c.Method {
		case "setWebhook":
			env.Description = "Webhook was set"
		case "deleteWebhook":
			env.Description = "Webhook was deleted"
		}
	}
	s.record(*c)
	writeJSON(w, status, env)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// record appends c to the call log and wakes waiters.
func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns every call recorded so far, in the order they completed.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneCalls(s.calls)
}

func cloneCalls(calls []Call) []Call {
	out := make([]Call, len(calls))
	for i, c := range calls {
		c.Params = maps.Clone(c.Params)
		c.Files = slices.Clone(c.Files)
		out[i] = c
	}
	return out
}

// Sent returns the messages the bot sent to chatID that still exist, in
// message_id order, as they are now (edits applied).
func (s *Server) Sent(chatID int64) []tgbotapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []tgbotapi.Message
	if ch := s.chats[chatID]; ch != nil {
		for _, m := range ch.msgs {
			if m.From != nil && m.From.ID == s.bot.ID {
				out = append(out, *m)
			}
		}
	}
	return out
}

// LastSent returns the last message the bot sent to chatID.
func (s *Server) LastSent(chatID int64) (tgbotapi.Message, bool) {
	sent := s.Sent(chatID)
	if len(sent) == 0 {
		return tgbotapi.Message{}, false
	}
	return sent[len(sent)-1], true
}

// WaitFor waits until pred holds for the calls recorded so far and returns
// them. It fails when ctx ends first.
func (s *Server) WaitFor(ctx context.Context, pred func(calls []Call) bool) ([]Call, error) {
	for {
		s.mu.Lock()
		calls, changed := cloneCalls(s.calls), s.changed
		s.mu.Unlock()
		if pred(calls) {
			return calls, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return calls, fmt.Errorf("telegramtest: wait: %w", ctx.Err())
		}
	}
}

// WaitCall waits for the first recorded call matching pred.
func (s *Server) WaitCall(ctx context.Context, pred func(Call) bool) (Call, error) {
	var found Call
	_, err := s.WaitFor(ctx, func(calls []Call) bool {
		for _, c := range calls {
			if pred(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found, err
}

// SentTo is a WaitFor predicate: at least n successful sends
// (sendMessage, sendPhoto, sendDocument) to chatID.
func SentTo(chatID int64, n int) func([]Call) bool {
	return func(calls []Call) bool {
		got := 0
		for _, c := range calls {
			if c.ChatID == chatID && c.Status == http.StatusOK && isSend(c.Method) {
				got++
			}
		}
		return got >= n
	}
}

func isSend(method string) bool {
	return method == "sendMessage" || method == "sendPhoto" || method == "sendDocument"
}

// Commands returns the commands set for scope and language ("" for all
// languages); a nil scope means the default scope.
func (s *Server) Commands(scope *tgbotapi.BotCommandScope, lang string) []tgbotapi.BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[commandKey(scope, lang)])
}

// Webhook returns the webhook currently set (zero when none).
func (s *Server) Webhook() Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.webhook
	w.AllowedUpdates = slices.Clone(w.AllowedUpdates)
	return w
}

func (s *Server) chatLocked(id int64) *chat {
	if ch := s.chats[id]; ch != nil {
		return ch
	}
	info := tgbotapi.Chat{ID: id, Type: "private"}
	switch {
	case id < -1000000000000:
		info.Type, info.Title = "supergroup", fmt.Sprintf("Group %d", -id)
	case id < 0:
		info.Type, info.Title = "group", fmt.Sprintf("Group %d", -id)
	default:
		if u, ok := s.users[id]; ok {
			info.FirstName, info.LastName, info.UserName = u.FirstName, u.LastName, u.UserName
		}
	}
	ch := &chat{info: info, nextID: 1}
	s.chats[id] = ch
	return ch
}

func (ch *chat) find(id int) *tgbotapi.Message {
	i, ok := slices.BinarySearchFunc(ch.msgs, id, func(m *tgbotapi.Message, id int) int { return m.MessageID - id })
	if !ok {
		return nil
	}
	return ch.msgs[i]
}

func (s *Server) errorf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Errorf(format, args...)
	}
}
