package telegramtest_test

import (
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/bot/telegramtest"
)

func updateIDs(ups []tgbotapi.Update) []int {
	ids := []int{}
	for _, u := range ups {
		ids = append(ids, u.UpdateID)
	}
	return ids
}

func TestSendTextCommand(t *testing.T) {
	srv, api := newAPI(t)
	ada := telegramtest.User(42, "Ada", "it")
	srv.SendText(ada, "/start tok123")
	srv.SendText(ada, "ciao")
	ups, err := api.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(ups) != 2 {
		t.Fatalf("GetUpdates = %v, %v; want 2 updates", updateIDs(ups), err)
	}
	m := ups[0].Message
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "tok123" {
		t.Errorf("command message = %q %q; want start tok123", m.Command(), m.CommandArguments())
	}
	if m.From.LanguageCode != "it" || m.Chat.ID != 42 || m.Chat.Type != "private" || m.Chat.FirstName != "Ada" {
		t.Errorf("message from %+v in %+v; want Ada (it) in private chat 42", m.From, m.Chat)
	}
	if ups[1].Message.IsCommand() || ups[1].Message.MessageID != m.MessageID+1 {
		t.Errorf("second message = %+v; want a plain text with the next id", ups[1].Message)
	}
}

func TestGetUpdatesOffsets(t *testing.T) {
	srv, api := newAPI(t)
	ada := telegramtest.User(42, "Ada", "it")
	var ids []int
	for range 4 {
		ids = append(ids, srv.SendText(ada, "x").UpdateID)
	}
	tests := []struct {
		name        string
		cfg         tgbotapi.UpdateConfig
		want        []int
		wantPending int
	}{
		{"no offset returns all", tgbotapi.UpdateConfig{}, ids, 4},
		{"limit", tgbotapi.UpdateConfig{Limit: 2}, ids[:2], 4},
		{"offset confirms earlier", tgbotapi.UpdateConfig{Offset: ids[2]}, ids[2:], 2},
		{"confirmed are gone", tgbotapi.UpdateConfig{}, ids[2:], 2},
		{"negative offset keeps the last", tgbotapi.UpdateConfig{Offset: -1}, ids[3:], 1},
		{"past the end", tgbotapi.UpdateConfig{Offset: ids[3] + 1}, []int{}, 0},
	}
	for _, tt := range tests {
		ups, err := api.GetUpdates(tt.cfg)
		if err != nil {
			t.Fatalf("%s: GetUpdates: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, updateIDs(ups)); diff != "" {
			t.Errorf("%s: GetUpdates(%+v) ids mismatch (-want +got):\n%s", tt.name, tt.cfg, diff)
		}
		if got := len(srv.Pending()); got != tt.wantPending {
			t.Errorf("%s: len(Pending()) = %d; want %d", tt.name, got, tt.wantPending)
		}
	}
}

func TestAllowedUpdates(t *testing.T) {
	srv, api := newAPI(t)
	sent, err := api.Send(newKeyboardMessage(42))
	if err != nil {
		t.Fatal(err)
	}
	srv.SendText(telegramtest.User(42, "Ada", "it"), "x")
	press := srv.Press(42, 42, sent.MessageID, "q:yes")
	// tgbotapi sends a nil list as "null": the fake treats it as absent.
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"callback_query"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{press.UpdateID}, updateIDs(ups)); diff != "" {
		t.Errorf("GetUpdates(callback_query only) mismatch (-want +got):\n%s", diff)
	}
	cq := ups[0].CallbackQuery
	if cq.Data != "q:yes" || cq.From.ID != 42 || cq.Message.MessageID != sent.MessageID || cq.Message.Chat.ID != 42 {
		t.Errorf("callback query = %+v; want q:yes from 42 on message %d", cq, sent.MessageID)
	}
	if _, err := api.Request(tgbotapi.NewCallback(cq.ID, "ok")); err != nil {
		t.Errorf("answerCallbackQuery(%s): %v", cq.ID, err)
	}
	if _, err := api.Request(tgbotapi.NewCallback("123", "")); err == nil {
		t.Errorf("answerCallbackQuery(unknown id) succeeded; want 400")
	}
}

func newKeyboardMessage(chatID int64) tgbotapi.MessageConfig {
	msg := tgbotapi.NewMessage(chatID, "domanda")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Sì", "q:yes"), tgbotapi.NewInlineKeyboardButtonData("No", "q:no")))
	return msg
}

func TestPressButton(t *testing.T) {
	srv, api := newAPI(t)
	sent, err := api.Send(newKeyboardMessage(42))
	if err != nil {
		t.Fatal(err)
	}
	if got := srv.PressButton(42, 42, sent.MessageID, "No"); got.CallbackQuery == nil || got.CallbackQuery.Data != "q:no" {
		t.Errorf("PressButton(No) = %+v; want callback data q:no", got.CallbackQuery)
	}
}

func TestLongPollReturnsEarly(t *testing.T) {
	srv, api := newAPI(t)
	type result struct {
		ups []tgbotapi.Update
		err error
	}
	done := make(chan result, 1)
	go func() {
		// A 60 s poll: the test would time out if the fake did not answer
		// as soon as the update arrives.
		ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		done <- result{ups, err}
	}()
	ctx := waitCtx(t)
	if err := srv.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	u := srv.SendText(telegramtest.User(7, "Bo", "en"), "hi")
	select {
	case r := <-done:
		if r.err != nil || len(r.ups) != 1 || r.ups[0].UpdateID != u.UpdateID {
			t.Errorf("GetUpdates = %v, %v; want [%d]", updateIDs(r.ups), r.err, u.UpdateID)
		}
	case <-ctx.Done():
		t.Fatal("long poll did not return when an update arrived")
	}
}

func TestSecondPollerConflicts(t *testing.T) {
	srv, api := newAPI(t)
	errc := make(chan error, 1)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		errc <- err
	}()
	if err := srv.WaitPolling(waitCtx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatalf("second GetUpdates: %v", err)
	}
	if e := apiError(t, <-errc); e.Code != 409 {
		t.Errorf("first poll error = %d %q; want 409 Conflict", e.Code, e.Message)
	}
}

func TestConcurrentSends(t *testing.T) {
	srv, api := newAPI(t)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := api.Send(tgbotapi.NewMessage(int64(1+i%2), "x")); err != nil {
				t.Errorf("Send: %v", err)
			}
		})
	}
	wg.Wait()
	for _, chatID := range []int64{1, 2} {
		sent := srv.Sent(chatID)
		for i, m := range sent {
			if m.MessageID != i+1 {
				t.Fatalf("Sent(%d)[%d].MessageID = %d; want %d", chatID, i, m.MessageID, i+1)
			}
		}
		if len(sent) != n/2 {
			t.Errorf("len(Sent(%d)) = %d; want %d", chatID, len(sent), n/2)
		}
	}
}
