package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/bot/telegramtest"
)

// newAPI returns the real client pointed at a new fake server.
func newAPI(t *testing.T, opts ...telegramtest.Option) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	srv := telegramtest.NewServer(t, opts...)
	api, err := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return srv, api
}

// waitCtx bounds a wait so that a broken fake fails instead of hanging.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *tgbotapi.Error", err, err)
	}
	return e
}

func TestGetMe(t *testing.T) {
	srv, api := newAPI(t)
	if diff := cmp.Diff(srv.Bot(), api.Self); diff != "" {
		t.Errorf("api.Self mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(srv.Token(), "7000001:") {
		t.Errorf("Token() = %q; want prefix 7000001:", srv.Token())
	}
}

func TestWrongTokenAndUnknownMethod(t *testing.T) {
	srv, api := newAPI(t)
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("7000001:WRONG", srv.Endpoint())
	if e := apiError(t, err); e.Code != 401 || e.Message != "Unauthorized" {
		t.Errorf("getMe with wrong token = %d %q; want 401 Unauthorized", e.Code, e.Message)
	}
	_, err = api.MakeRequest("sendSticker", nil)
	if e := apiError(t, err); e.Code != 404 || e.Message != "Not Found" {
		t.Errorf("unknown method = %d %q; want 404 Not Found", e.Code, e.Message)
	}
}

func TestSendMessage(t *testing.T) {
	srv, api := newAPI(t)
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Accetto", "consent:yes")))
	msg := tgbotapi.NewMessage(42, "ciao")
	msg.ReplyMarkup = kb
	var ids []int
	for _, chatID := range []int64{42, 42, -100, 42} {
		msg.ChatID = chatID
		m, err := api.Send(msg)
		if err != nil {
			t.Fatalf("Send(chat %d): %v", chatID, err)
		}
		ids = append(ids, m.MessageID)
		if m.Chat == nil || m.Chat.ID != chatID || m.Text != "ciao" || m.From.ID != telegramtest.BotID || m.Date == 0 {
			t.Errorf("Send(chat %d) = %+v; want text ciao from the bot in chat %d with a date", chatID, m, chatID)
		}
		if m.ReplyMarkup == nil || cmp.Diff(kb, *m.ReplyMarkup) != "" {
			t.Errorf("Send(chat %d).ReplyMarkup = %+v; want %+v", chatID, m.ReplyMarkup, kb)
		}
	}
	if want := []int{1, 2, 1, 3}; cmp.Diff(want, ids) != "" {
		t.Errorf("message ids = %v; want %v (increasing per chat)", ids, want)
	}
	if got := srv.Sent(-100); len(got) != 1 || got[0].Chat.Type != "group" {
		t.Errorf("Sent(-100) = %+v; want one message in a group chat", got)
	}
	calls := srv.Calls()
	last := calls[len(calls)-1]
	if last.Method != "sendMessage" || last.ChatID != 42 || last.Params["text"] != "ciao" ||
		last.Keyboard == nil || *last.Keyboard.InlineKeyboard[0][0].CallbackData != "consent:yes" {
		t.Errorf("last call = %+v; want sendMessage to 42 with the keyboard decoded", last)
	}
}

func TestSendMessageValidation(t *testing.T) {
	_, api := newAPI(t)
	long := strings.Repeat("é", 4097)
	tests := []struct {
		name, text, mode, want string
	}{
		{"html ok", "<b>a</b> &lt;3 &amp; <a href=\"https://x\">x</a>", "HTML", ""},
		{"unsupported tag", "<br>a", "HTML", "Bad Request: can't parse entities: unsupported start tag \"br\" at byte offset 0"},
		{"unescaped lt", "1 < 2", "HTML", "Bad Request: can't parse entities: unclosed start tag at byte offset 2"},
		{"unclosed", "<b>a", "HTML", "Bad Request: can't parse entities: can't find end tag corresponding to start tag \"b\""},
		{"bare ampersand", "a & b", "HTML", "Bad Request: can't parse entities: can't find end of the entity at byte offset 2"},
		{"plain lt", "1 < 2", "", ""},
		{"too long", long, "", "Bad Request: message is too long"},
		{"tags do not count", "<b>" + long[:4096*2] + "</b>", "HTML", ""},
		{"empty", "", "", "Bad Request: message text is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tgbotapi.NewMessage(42, tt.text)
			msg.ParseMode = tt.mode
			_, err := api.Send(msg)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Send(%.20q, %q) error = %q; want %q", tt.text, tt.mode, got, tt.want)
			}
		})
	}
}

func TestEdits(t *testing.T) {
	srv, api := newAPI(t)
	sent, err := api.Send(tgbotapi.NewMessage(42, "domanda"))
	if err != nil {
		t.Fatal(err)
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sì", "q:yes")))
	user := srv.SendText(telegramtest.User(42, "Ada", "it"), "ciao")
	tests := []struct {
		name string
		c    tgbotapi.Chattable
		want string // error, "" for success
	}{
		{"text", tgbotapi.NewEditMessageText(42, sent.MessageID, "domanda 2"), ""},
		{"same text", tgbotapi.NewEditMessageText(42, sent.MessageID, "domanda 2"), telegramtest.NotModified().Description},
		{"markup", tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, kb), ""},
		{"same markup", tgbotapi.NewEditMessageReplyMarkup(42, sent.MessageID, kb), telegramtest.NotModified().Description},
		{"missing", tgbotapi.NewEditMessageText(42, 99, "x"), "Bad Request: message to edit not found"},
		{"user's message", tgbotapi.NewEditMessageText(42, user.Message.MessageID, "x"), "Bad Request: message can't be edited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.Request(tt.c)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Request(%s) error = %q; want %q", tt.name, got, tt.want)
			}
		})
	}
	m, _ := srv.LastSent(42)
	if m.Text != "domanda 2" || m.ReplyMarkup == nil || m.EditDate == 0 {
		t.Errorf("LastSent(42) = %+v; want edited text and keyboard", m)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploads(t *testing.T) {
	srv, api := newAPI(t)
	data := pngBytes(t, 64, 32)
	photo := tgbotapi.NewPhoto(-5, tgbotapi.FileBytes{Name: "chart.png", Bytes: data})
	photo.Caption = "<b>Proposta</b>"
	photo.ParseMode = tgbotapi.ModeHTML
	m, err := api.Send(photo)
	if err != nil {
		t.Fatalf("Send(photo): %v", err)
	}
	if len(m.Photo) != 1 || m.Photo[0].Width != 64 || m.Photo[0].Height != 32 || m.Caption != "Proposta" {
		t.Errorf("Send(photo) = %+v; want a 64x32 photo captioned Proposta", m)
	}
	doc := tgbotapi.NewDocument(-5, tgbotapi.FileBytes{Name: "export.csv", Bytes: []byte("a,b\n")})
	m, err = api.Send(doc)
	if err != nil {
		t.Fatalf("Send(document): %v", err)
	}
	if m.Document == nil || m.Document.FileName != "export.csv" || m.Document.FileSize != 4 {
		t.Errorf("Send(document).Document = %+v; want export.csv of 4 bytes", m.Document)
	}
	var files []telegramtest.File
	for _, c := range srv.Calls() {
		files = append(files, c.Files...)
	}
	want := []telegramtest.File{{Field: "photo", Name: "chart.png", Data: data},
		{Field: "document", Name: "export.csv", Data: []byte("a,b\n")}}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("uploaded files mismatch (-want +got):\n%s", diff)
	}
}

func TestCommandsAndWebhook(t *testing.T) {
	srv, api := newAPI(t)
	cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Inizia"}, {Command: "aiuto", Description: "Aiuto"}}
	scope := tgbotapi.NewBotCommandScopeAllPrivateChats()
	cfg := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, "it", cmds...)
	if _, err := api.Request(cfg); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	if diff := cmp.Diff(cmds, srv.Commands(&scope, "it")); diff != "" {
		t.Errorf("Commands mismatch (-want +got):\n%s", diff)
	}
	if _, err := api.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad!", Description: "x"})); err == nil {
		t.Errorf("setMyCommands(Bad!) succeeded; want BOT_COMMAND_INVALID")
	}
	if _, err := api.Request(tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(scope, "it")); err != nil {
		t.Fatalf("deleteMyCommands: %v", err)
	}
	if got := srv.Commands(&scope, "it"); got != nil {
		t.Errorf("Commands after delete = %v; want none", got)
	}

	params := tgbotapi.Params{"url": "https://convivo.example/tg", "secret_token": "s3cr-et_"}
	if _, err := api.MakeRequest("setWebhook", params); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	if got := srv.Webhook(); got.URL != params["url"] || got.SecretToken != params["secret_token"] {
		t.Errorf("Webhook() = %+v; want the url and secret set", got)
	}
	_, err := api.GetUpdates(tgbotapi.NewUpdate(0))
	if e := apiError(t, err); e.Code != 409 {
		t.Errorf("getUpdates with a webhook = %d %q; want 409", e.Code, e.Message)
	}
	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatalf("deleteWebhook: %v", err)
	}
	if _, err := api.GetUpdates(tgbotapi.NewUpdate(0)); err != nil {
		t.Errorf("getUpdates after deleteWebhook: %v", err)
	}
}
