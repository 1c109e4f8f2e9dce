package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SendText makes user from write text to the bot in their private chat and
// returns the update queued for getUpdates. A text starting with '/' carries
// a bot_command entity, as Telegram sends it.
func (s *Server) SendText(from tgbotapi.User, text string) tgbotapi.Update {
	return s.SendTextIn(from.ID, from, text)
}

// SendTextIn makes user from write text in chatID (a group when negative).
func (s *Server) SendTextIn(chatID int64, from tgbotapi.User, text string) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[from.ID] = from
	ch := s.chatLocked(chatID)
	info, user := ch.info, from
	m := tgbotapi.Message{MessageID: ch.nextID, From: &user, Date: int(s.now().Unix()), Chat: &info, Text: text}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		cmd, _, _ = strings.Cut(cmd, "\n")
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: utf16Len(cmd)}}
	}
	ch.nextID++
	stored := m
	ch.msgs = append(ch.msgs, &stored)
	return s.pushLocked(tgbotapi.Update{Message: &m})
}

// Press makes user userID tap the inline button with callback data data
// under message messageID in chatID, and returns the callback_query update.
// It reports a test error when the message has no such button (a real user
// could not tap it).
func (s *Server) Press(userID, chatID int64, messageID int, data string) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	var msg tgbotapi.Message
	if ch := s.chats[chatID]; ch != nil && ch.find(messageID) != nil {
		msg = *ch.find(messageID)
	}
	if !hasButton(msg.ReplyMarkup, func(b tgbotapi.InlineKeyboardButton) bool {
		return b.CallbackData != nil && *b.CallbackData == data
	}) {
		s.errorf("telegramtest: Press: message %d in chat %d has no button with data %q", messageID, chatID, data)
	}
	if msg.Chat == nil {
		info := s.chatLocked(chatID).info
		msg = tgbotapi.Message{MessageID: messageID, Chat: &info}
	}
	from, ok := s.users[userID]
	if !ok {
		from = tgbotapi.User{ID: userID, FirstName: fmt.Sprintf("User %d", userID)}
	}
	s.nextQuery++
	id := strconv.FormatInt(int64(s.nextQuery)*7919+1e15, 10)
	s.callbacks[id] = true
	cq := &tgbotapi.CallbackQuery{ID: id, From: &from, Message: &msg,
		ChatInstance: strconv.FormatInt(chatID*31+17, 10), Data: data}
	return s.pushLocked(tgbotapi.Update{CallbackQuery: cq})
}

// PressButton is Press with the button found by its label.
func (s *Server) PressButton(userID, chatID int64, messageID int, label string) tgbotapi.Update {
	s.mu.Lock()
	var data string
	found := false
	if ch := s.chats[chatID]; ch != nil {
		if m := ch.find(messageID); m != nil {
			found = hasButton(m.ReplyMarkup, func(b tgbotapi.InlineKeyboardButton) bool {
				if b.Text == label && b.CallbackData != nil {
					data = *b.CallbackData
					return true
				}
				return false
			})
		}
	}
	s.mu.Unlock()
	if !found {
		s.errorf("telegramtest: PressButton: message %d in chat %d has no callback button %q", messageID, chatID, label)
		return tgbotapi.Update{}
	}
	return s.Press(userID, chatID, messageID, data)
}

func hasButton(kb *tgbotapi.InlineKeyboardMarkup, match func(tgbotapi.InlineKeyboardButton) bool) bool {
	if kb == nil {
		return false
	}
	for _, row := range kb.InlineKeyboard {
		if slices.ContainsFunc(row, match) {
			return true
		}
	}
	return false
}

// Push queues any update (its update_id is assigned) and returns it.
func (s *Server) Push(u tgbotapi.Update) tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pushLocked(u)
}

func (s *Server) pushLocked(u tgbotapi.Update) tgbotapi.Update {
	u.UpdateID = s.nextUpdate
	s.nextUpdate++
	s.updates = append(s.updates, u)
	s.notifyLocked()
	return u
}

// Pending returns the updates not yet confirmed by a getUpdates offset.
func (s *Server) Pending() []tgbotapi.Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.updates)
}

func updateKind(u tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil:
		return "channel_post"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.ChatMember != nil:
		return "chat_member"
	case u.InlineQuery != nil:
		return "inline_query"
	}
	return "other"
}

// allowedUpdates parses allowed_updates; nil means absent (or tgbotapi's
// "null"), an empty list means the default set.
func (c *Call) allowedUpdates() ([]string, *apiError) {
	raw := c.param("allowed_updates")
	if raw == "" {
		return nil, nil
	}
	list := []string{}
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, badRequest("can't parse allowed_updates JSON array")
	}
	return list, nil
}

func (s *Server) setAllowedLocked(list []string) {
	if len(list) == 0 {
		s.allowed = nil
		return
	}
	s.allowed = map[string]bool{}
	for _, k := range list {
		s.allowed[k] = true
	}
}

// confirmLocked forgets the updates an offset confirms.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && s.updates[i].UpdateID < offset {
			i++
		}
		s.updates = s.updates[i:]
	case offset < 0 && -offset < len(s.updates):
		s.updates = s.updates[len(s.updates)+offset:]
	}
}

// availableLocked drops updates of kinds not allowed and returns up to limit.
func (s *Server) availableLocked(limit int) []tgbotapi.Update {
	if s.allowed != nil {
		s.updates = slices.DeleteFunc(s.updates, func(u tgbotapi.Update) bool { return !s.allowed[updateKind(u)] })
	}
	return slices.Clone(s.updates[:min(limit, len(s.updates))])
}

func (s *Server) getUpdates(ctx context.Context, c *Call) (any, *apiError) {
	offset, _ := strconv.Atoi(c.Params["offset"])
	limit, _ := strconv.Atoi(c.Params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(c.Params["timeout"])
	allowed, e := c.allowedUpdates()
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	if s.webhook.URL != "" {
		s.mu.Unlock()
		return nil, &apiError{code: 409, description: "Conflict: can't use getUpdates method while webhook is active; " +
			"use deleteWebhook to delete the webhook first"}
	}
	s.pollGen++
	gen := s.pollGen
	s.notifyLocked()
	if allowed != nil {
		s.setAllowedLocked(allowed)
	}
	s.confirmLocked(offset)
	s.mu.Unlock()
	return s.longPoll(ctx, gen, limit, time.Duration(timeout)*time.Second)
}

// longPoll waits up to timeout (real time) for updates.
func (s *Server) longPoll(ctx context.Context, gen, limit int, timeout time.Duration) (any, *apiError) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if gen != s.pollGen {
			s.mu.Unlock()
			return nil, &apiError{code: 409, description: "Conflict: terminated by other getUpdates request; " +
				"make sure that only one bot instance is running"}
		}
		ups := s.availableLocked(limit)
		if len(ups) > 0 || timeout <= 0 {
			s.mu.Unlock()
			return ups, nil
		}
		s.polling++
		s.notifyLocked()
		changed := s.changed
		s.mu.Unlock()
		ended := true
		select {
		case <-changed:
			ended = false
		case <-timer.C:
		case <-ctx.Done():
		case <-s.quit:
		}
		s.mu.Lock()
		s.polling--
		s.mu.Unlock()
		if ended {
			if ctx.Err() != nil || isClosed(s.quit) {
				return nil, errAborted
			}
			return []tgbotapi.Update{}, nil
		}
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// WaitPolling waits until the bot is waiting in a long getUpdates call:
// every update queued so far has been confirmed and none is pending.
func (s *Server) WaitPolling(ctx context.Context) error {
	for {
		s.mu.Lock()
		polling, changed := s.polling > 0, s.changed
		s.mu.Unlock()
		if polling {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: wait for polling: %w", ctx.Err())
		}
	}
}
