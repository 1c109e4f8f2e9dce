package bot

import (
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

func TestParseCallbackData(t *testing.T) {
	id := newActionID()
	for _, tc := range []struct {
		data  string
		index int
		ok    bool
	}{
		{callbackData(id, 0), 0, true},
		{callbackData(id, 7), 7, true},
		{callbackData(id, 99), 99, true},
		{"a:" + id + ":100", 0, false},
		{"a:" + id + ":07", 0, false},
		{"a:" + id + ":-1", 0, false},
		{"a:" + id + ":+1", 0, false},
		{"a:" + id + ":", 0, false},
		{"a:" + id + ":1:2", 0, false},
		{"a:" + id[:21] + ":1", 0, false},
		{"a:" + id + "x:1", 0, false},
		{"a:" + id[:21] + "=:1", 0, false},
		{"b:" + id + ":1", 0, false},
		{"", 0, false},
		{"a:", 0, false},
	} {
		gotID, index, ok := parseCallbackData(tc.data)
		if ok != tc.ok || index != tc.index || (ok && gotID != id) {
			t.Errorf("parseCallbackData(%q) = %q, %d, %v; want %q, %d, %v", tc.data, gotID, index, ok, id, tc.index, tc.ok)
		}
	}
	if n := len(callbackData(id, 99)); n > 64 {
		t.Errorf("callback data is %d bytes; Telegram allows 64", n)
	}
}

func FuzzCallbackData(f *testing.F) {
	id := newActionID()
	for _, s := range []string{callbackData(id, 0), callbackData(id, 42), "a:" + id + ":100", "a:" + id + ":01",
		"a:" + id + ":-1", "a:" + id[:21] + ":0", "a:" + id + ":0:0", "a:" + strings.Repeat("é", 11) + ":0", "", "a:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		gotID, index, ok := parseCallbackData(data)
		if !ok {
			return
		}
		if len(gotID) != actionIDLen || !isBase64URL(gotID) || index < 0 || index >= maxOptions {
			t.Fatalf("parseCallbackData(%q) accepted id %q, index %d", data, gotID, index)
		}
		if again := callbackData(gotID, index); again != data {
			t.Fatalf("parseCallbackData(%q) = %q, %d, which writes back as %q", data, gotID, index, again)
		}
	})
}

// tokenRE is the shape of an invitation token, independent of the code
// under test.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

func FuzzStartPayload(f *testing.F) {
	token, _ := housing.NewInvitationToken()
	for _, s := range []string{token, " " + token + " ", token + "x", token[:31], "", "abc", token[:31] + "=",
		token[:30] + "é", token + " " + token, "\x00" + token} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		got, ok := parseStartPayload(arg)
		want := strings.TrimSpace(arg)
		if wantOK := tokenRE.MatchString(want); ok != wantOK {
			t.Fatalf("parseStartPayload(%q) ok = %v; want %v", arg, ok, wantOK)
		}
		if ok && got != want {
			t.Fatalf("parseStartPayload(%q) = %q; want %q", arg, got, want)
		}
	})
}

// pushes numbers the callback queries tests forge.
var pushes atomic.Int64

// pushPress sends a callback query with data under msg, as a client that
// forged or replayed it would, and returns the bot's answer. The fake
// server did not issue the query id, so the answer itself is refused
// (400), but it is recorded.
func (u *tgUser) pushPress(from tgbotapi.User, msg tgbotapi.Message, data string) string {
	u.h.t.Helper()
	id := fmt.Sprintf("forged-%d", pushes.Add(1))
	u.h.srv.Push(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: id, From: &from, Message: &msg, Data: data}})
	return u.h.answerOf(id)
}

// snapshot is what a press must not change.
type snapshot struct {
	Conv  conversation
	Audit []string
}

func (u *tgUser) snapshot() snapshot { return snapshot{Conv: u.conv(), Audit: u.h.auditActions()} }

func TestPressesThatChangeNothing(t *testing.T) {
	h := newHarness(t)
	u := h.user(401, "it")
	u.join(housing.RoleBeneficiary)
	u.run(italianInterview()[:2])
	q3, yes := u.buttonData("Sì")
	_, no := u.buttonData("No")
	u.expect("3/26")
	u.press("Sì")
	u.expect("4/26")
	before := u.snapshot()
	live, liveData := u.buttonData("No")
	stranger := h.user(402, "en").u

	for _, tc := range []struct {
		name string
		from tgbotapi.User
		msg  tgbotapi.Message
		data string
		want string
	}{
		{"replayed", u.u, q3, yes, "non funziona più"},
		{"replayed with another option", u.u, q3, no, "non funziona più"},
		{"forged id", u.u, live, callbackData(newActionID(), 0), "non funziona più"},
		{"garbage", u.u, live, "hello", "non funziona più"},
		{"index out of range", u.u, live, strings.TrimSuffix(liveData, ":1") + ":99", "non funziona più"},
		{"other user", stranger, live, liveData, "not for you"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := u.pushPress(tc.from, tc.msg, tc.data); !strings.Contains(got, tc.want) {
				t.Errorf("answer = %q; want %q", got, tc.want)
			}
			if diff := cmp.Diff(before, u.snapshot()); diff != "" {
				t.Errorf("the press changed something (-before +after):\n%s", diff)
			}
		})
	}

	// Another user pressing a real button (e.g. in a forwarded message).
	up := h.srv.Press(stranger.ID, u.u.ID, live.MessageID, liveData)
	if got := h.answerOf(up.CallbackQuery.ID); !strings.Contains(got, "non è per te") {
		t.Errorf("other user's press answered %q", got)
	}
	if diff := cmp.Diff(before, u.snapshot()); diff != "" {
		t.Errorf("the other user's press changed something (-before +after):\n%s", diff)
	}
	// The owner's press still works.
	u.press("No")
	u.expect("5/26")
}

func TestExpiredButtons(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.ActionTTL = time.Hour })
	u := h.user(411, "it")
	u.join(housing.RoleBeneficiary)
	u.run(italianInterview()[:3])
	u.expect("4/26")
	before := u.snapshot()
	h.clock.Advance(2 * time.Hour)
	if got := u.press("No"); !strings.Contains(got, "non funziona più") {
		t.Errorf("expired press answered %q", got)
	}
	if diff := cmp.Diff(before, u.snapshot()); diff != "" {
		t.Errorf("the expired press changed something (-before +after):\n%s", diff)
	}
	u.say("/start")
	u.expect("4/26")
	u.press("No")
	u.expect("5/26")
}

func TestEveryPressIsAnswered(t *testing.T) {
	h := newHarness(t)
	u := h.user(421, "it")
	u.join(housing.RoleBeneficiary)
	u.run(italianInterview()[:4])
	u.expect("5/26")
	for _, c := range h.srv.Calls() {
		if c.Method == "answerCallbackQuery" && c.Status != 200 {
			t.Errorf("answerCallbackQuery failed: %d %s", c.Status, c.Error)
		}
	}
	answers := 0
	for _, c := range h.srv.Calls() {
		if c.Method == "answerCallbackQuery" {
			answers++
		}
	}
	// Accept, then 2 toggles + Done, 2 toggles + Done, and one button twice.
	if presses := 1 + 3 + 3 + 1 + 1; answers != presses {
		t.Errorf("%d callback answers for %d presses", answers, presses)
	}
}
