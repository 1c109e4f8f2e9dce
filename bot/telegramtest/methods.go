package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of uploaded photos
	_ "image/png"  // DecodeConfig of uploaded photos
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	maxTextLen     = 4096
	maxCaptionLen  = 1024
	maxCallbackLen = 64
	maxUploadBytes = 50 << 20
)

func (s *Server) methodTable() map[string]methodFunc {
	return map[string]methodFunc{
		"getMe":                  func(context.Context, *Call) (any, *apiError) { return s.bot, nil },
		"getUpdates":             s.getUpdates,
		"sendMessage":            s.sendMessage,
		"sendPhoto":              s.sendPhoto,
		"sendDocument":           s.sendDocument,
		"editMessageText":        s.editMessageText,
		"editMessageReplyMarkup": s.editMessageReplyMarkup,
		"answerCallbackQuery":    s.answerCallbackQuery,
		"setMyCommands":          s.setMyCommands,
		"deleteMyCommands":       s.deleteMyCommands,
		"setWebhook":             s.setWebhook,
		"deleteWebhook":          s.deleteWebhook,
	}
}

// parseCall reads the form (url-encoded or multipart) of a request.
func parseCall(r *http.Request, now time.Time) (*Call, error) {
	c := &Call{Method: r.PathValue("method"), Params: map[string]string{}, Time: now}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(maxUploadBytes); err != nil {
			return c, fmt.Errorf("can't parse multipart form: %v", err)
		}
		for k, v := range r.MultipartForm.Value {
			c.Params[k] = v[0]
		}
		for field, hs := range r.MultipartForm.File {
			for _, h := range hs {
				f, err := h.Open()
				if err != nil {
					return c, err
				}
				data, err := io.ReadAll(f)
				f.Close()
				if err != nil {
					return c, err
				}
				c.Files = append(c.Files, File{Field: field, Name: h.Filename, Data: data})
			}
		}
	} else {
		if err := r.ParseForm(); err != nil {
			return c, fmt.Errorf("can't parse form: %v", err)
		}
		for k, v := range r.Form {
			c.Params[k] = v[0]
		}
	}
	c.ChatID, _ = strconv.ParseInt(c.Params["chat_id"], 10, 64)
	if raw := c.Params["reply_markup"]; raw != "" && raw != "null" {
		var kb tgbotapi.InlineKeyboardMarkup
		if err := json.Unmarshal([]byte(raw), &kb); err != nil {
			return c, fmt.Errorf("can't parse reply keyboard markup JSON object")
		}
		if kb.InlineKeyboard != nil {
			c.Keyboard = &kb
		}
	}
	return c, nil
}

// param returns a parameter, treating tgbotapi's "null" for empty lists as absent.
func (c *Call) param(name string) string {
	if v := c.Params[name]; v != "null" {
		return v
	}
	return ""
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

// validateKeyboard checks inline buttons the way Telegram does.
func validateKeyboard(kb *tgbotapi.InlineKeyboardMarkup) *apiError {
	if kb == nil {
		return nil
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return badRequest("text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxCallbackLen) {
				return badRequest("BUTTON_DATA_INVALID")
			}
		}
	}
	return nil
}

// text parses a text or caption per parse_mode and checks its length.
func (c *Call) text(field string, limit int, required bool) (string, *apiError) {
	raw := c.Params[field]
	visible := raw
	if strings.EqualFold(c.Params["parse_mode"], "HTML") {
		v, err := parseHTML(raw)
		if err != nil {
			return "", badRequest("can't parse entities: %v", err)
		}
		visible = v
	}
	switch {
	case required && strings.TrimSpace(visible) == "":
		return "", badRequest("message text is empty")
	case utf16Len(visible) > limit && field == "caption":
		return "", badRequest("message caption is too long")
	case utf16Len(visible) > limit:
		return "", badRequest("message is too long")
	}
	return visible, nil
}

// newMessage stores a bot message in the call's chat and returns a copy.
func (s *Server) newMessage(c *Call, fill func(m *tgbotapi.Message)) (*tgbotapi.Message, *apiError) {
	if c.ChatID == 0 {
		if c.Params["chat_id"] == "" {
			return nil, badRequest("chat_id is empty")
		}
		return nil, badRequest("chat not found")
	}
	if e := validateKeyboard(c.Keyboard); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatLocked(c.ChatID)
	info := ch.info
	m := &tgbotapi.Message{MessageID: ch.nextID, From: &s.bot, Date: int(c.Time.Unix()), Chat: &info,
		ReplyMarkup: c.Keyboard}
	fill(m)
	ch.nextID++
	ch.msgs = append(ch.msgs, m)
	s.notifyLocked()
	cp := *m
	c.Message = &cp
	return &cp, nil
}

func (s *Server) sendMessage(_ context.Context, c *Call) (any, *apiError) {
	text, e := c.text("text", maxTextLen, true)
	if e != nil {
		return nil, e
	}
	return s.newMessage(c, func(m *tgbotapi.Message) { m.Text = text })
}

func (s *Server) sendPhoto(_ context.Context, c *Call) (any, *apiError) {
	caption, e := c.text("caption", maxCaptionLen, false)
	if e != nil {
		return nil, e
	}
	f, e := c.upload("photo")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	s.nextFile++
	n := s.nextFile
	s.mu.Unlock()
	size := tgbotapi.PhotoSize{FileID: fmt.Sprintf("AgACAgQAAxk-photo-%d", n), FileUniqueID: fmt.Sprintf("AQAD%d", n),
		Width: 90, Height: 90, FileSize: len(f.Data)}
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data)); err == nil {
		size.Width, size.Height = cfg.Width, cfg.Height
	}
	return s.newMessage(c, func(m *tgbotapi.Message) {
		m.Photo, m.Caption = []tgbotapi.PhotoSize{size}, caption
	})
}

func (s *Server) sendDocument(_ context.Context, c *Call) (any, *apiError) {
	caption, e := c.text("caption", maxCaptionLen, false)
	if e != nil {
		return nil, e
	}
	f, e := c.upload("document")
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	s.nextFile++
	n := s.nextFile
	s.mu.Unlock()
	doc := &tgbotapi.Document{FileID: fmt.Sprintf("BQACAgQAAxk-doc-%d", n), FileUniqueID: fmt.Sprintf("AgAD%d", n),
		FileName: f.Name, MimeType: mime.TypeByExtension(path.Ext(f.Name)), FileSize: len(f.Data)}
	return s.newMessage(c, func(m *tgbotapi.Message) { m.Document, m.Caption = doc, caption })
}

// upload returns the uploaded file of field, or a File naming the file_id or
// URL sent instead.
func (c *Call) upload(field string) (File, *apiError) {
	for _, f := range c.Files {
		if f.Field == field {
			if len(f.Data) == 0 {
				return File{}, badRequest("file must be non-empty")
			}
			return f, nil
		}
	}
	if id := c.Params[field]; id != "" {
		return File{Field: field, Name: id}, nil
	}
	return File{}, badRequest("there is no %s in the request", field)
}

// editable finds the bot message an edit call targets.
func (s *Server) editableLocked(c *Call) (*tgbotapi.Message, *apiError) {
	if c.Params["inline_message_id"] != "" {
		return nil, badRequest("inline messages are not supported by telegramtest")
	}
	id, _ := strconv.Atoi(c.Params["message_id"])
	ch := s.chats[c.ChatID]
	if c.ChatID == 0 || ch == nil {
		return nil, badRequest("chat not found")
	}
	m := ch.find(id)
	switch {
	case m == nil:
		return nil, badRequest("message to edit not found")
	case m.From == nil || m.From.ID != s.bot.ID:
		return nil, badRequest("message can't be edited")
	}
	return m, nil
}

func sameKeyboard(a, b *tgbotapi.InlineKeyboardMarkup) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func (s *Server) editMessageText(_ context.Context, c *Call) (any, *apiError) {
	text, e := c.text("text", maxTextLen, true)
	if e != nil {
		return nil, e
	}
	if e := validateKeyboard(c.Keyboard); e != nil {
		return nil, e
	}
	return s.edit(c, func(m *tgbotapi.Message) bool {
		if m.Text == text && sameKeyboard(m.ReplyMarkup, c.Keyboard) {
			return false
		}
		m.Text, m.ReplyMarkup = text, c.Keyboard
		return true
	})
}

func (s *Server) editMessageReplyMarkup(_ context.Context, c *Call) (any, *apiError) {
	if e := validateKeyboard(c.Keyboard); e != nil {
		return nil, e
	}
	return s.edit(c, func(m *tgbotapi.Message) bool {
		if sameKeyboard(m.ReplyMarkup, c.Keyboard) {
			return false
		}
		m.ReplyMarkup = c.Keyboard
		return true
	})
}

// edit applies change to the targeted message; change reports whether
// anything changed.
func (s *Server) edit(c *Call, change func(m *tgbotapi.Message) bool) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, e := s.editableLocked(c)
	if e != nil {
		return nil, e
	}
	if !change(m) {
		f := NotModified()
		return nil, &apiError{code: f.Code, description: f.Description}
	}
	m.EditDate = int(c.Time.Unix())
	s.notifyLocked()
	cp := *m
	c.Message = &cp
	return &cp, nil
}

func (s *Server) answerCallbackQuery(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callbacks[c.Params["callback_query_id"]] {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Len(c.Params["text"]) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	return true, nil
}

// validName reports whether s has between 1 and max characters, all ASCII
// letters (lower case only unless upper), digits, '_' or (when dash) '-'.
func validName(s string, max int, upper, dash bool) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' ||
			upper && r >= 'A' && r <= 'Z' || dash && r == '-'
		if !ok {
			return false
		}
	}
	return true
}

func commandKey(scope *tgbotapi.BotCommandScope, lang string) string {
	sc := tgbotapi.BotCommandScope{Type: "default"}
	if scope != nil && scope.Type != "" {
		sc = *scope
	}
	return fmt.Sprintf("%s/%d/%d/%s", sc.Type, sc.ChatID, sc.UserID, lang)
}

func (c *Call) commandScope() (*tgbotapi.BotCommandScope, *apiError) {
	raw := c.param("scope")
	if raw == "" {
		return nil, nil
	}
	var sc tgbotapi.BotCommandScope
	if err := json.Unmarshal([]byte(raw), &sc); err != nil || sc.Type == "" {
		return nil, badRequest("can't parse BotCommandScope JSON object")
	}
	return &sc, nil
}

func (s *Server) setMyCommands(_ context.Context, c *Call) (any, *apiError) {
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(c.param("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	for _, cmd := range cmds {
		if !validName(cmd.Command, 32, false, false) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(cmd.Description); n < 1 || n > 256 {
			return nil, badRequest("command description must be non-empty")
		}
	}
	scope, e := c.commandScope()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandKey(scope, c.Params["language_code"])] = cmds
	return true, nil
}

func (s *Server) deleteMyCommands(_ context.Context, c *Call) (any, *apiError) {
	scope, e := c.commandScope()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandKey(scope, c.Params["language_code"]))
	return true, nil
}

func (s *Server) setWebhook(_ context.Context, c *Call) (any, *apiError) {
	secret := c.Params["secret_token"]
	if secret != "" && !validName(secret, 256, true, true) {
		return nil, badRequest("secret token contains unallowed characters")
	}
	allowed, e := c.allowedUpdates()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = Webhook{URL: c.Params["url"], SecretToken: secret, AllowedUpdates: allowed}
	if s.webhook.URL == "" {
		s.webhook = Webhook{}
	}
	if allowed != nil {
		s.setAllowedLocked(allowed)
	}
	if c.Params["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	s.notifyLocked()
	return true, nil
}

func (s *Server) deleteWebhook(_ context.Context, c *Call) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = Webhook{}
	if c.Params["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	s.notifyLocked()
	return true, nil
}
