package bot

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/convivo/convivo/housing"
)

// Buttons carry no meaning of their own. Each inline keyboard the bot sends
// is one pendingAction in the StateStore, under "act:<id>", bound to the
// Telegram user it was sent to and expiring after Config.ActionTTL; a
// button's callback data is "a:<id>:<option index>". A press takes the
// action (single use), so a replayed, forged, expired or other user's
// press finds nothing to do, and the button can only ever choose one of the
// options the bot stored.

const (
	actionIDLen     = 22 // 16 random bytes, base64url without padding
	callbackPrefix  = "a:"
	maxOptions      = 100
	actionKeyPrefix = "act:"
)

// The kinds of pending action. Flow actions belong to the conversation in
// progress and are valid only while they are its live keyboard; the others
// stand alone.
const (
	kindFlow    = "flow"    // the consent notice, an interview question, a /invita step
	kindLang    = "lang"    // the /lingua buttons
	kindPrivacy = "privacy" // the /privacy buttons
	kindChange  = "change"  // the Change buttons under a profile summary
)

// pendingAction is what a keyboard's buttons stand for.
type pendingAction struct {
	User    int64    `json:"u"`           // the only Telegram user who may press it
	Kind    string   `json:"k"`           // kindFlow, kindLang, ...
	Options []string `json:"o"`           // what each button index chooses
	Labels  []string `json:"l,omitempty"` // the buttons' texts, to echo the choice
}

// newActionID returns a fresh random action id.
func newActionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func actionKey(id string) string { return actionKeyPrefix + id }

// saveAction stores a and returns its id.
func (b *Bot) saveAction(ctx context.Context, a pendingAction) (string, error) {
	if len(a.Options) == 0 || len(a.Options) > maxOptions {
		return "", fmt.Errorf("bot: save action: %d options", len(a.Options))
	}
	v, err := json.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("bot: save action: %w", err)
	}
	id := newActionID()
	if err := b.store.PutState(ctx, actionKey(id), v, b.cfg.ActionTTL); err != nil {
		return "", fmt.Errorf("bot: save action: %w", err)
	}
	return id, nil
}

// errActionGone means the action does not exist: never issued, already
// used, or expired.
var errActionGone = errors.New("bot: button action gone")

// errNotYours means someone else pressed a button bound to another user.
var errNotYours = errors.New("bot: button pressed by another user")

// takeAction consumes action id for user and returns the option at index
// and the action. Nothing is consumed when the action belongs to another
// user or index is out of range.
func (b *Bot) takeAction(ctx context.Context, id string, index int, user int64) (pendingAction, string, error) {
	raw, err := b.store.GetState(ctx, actionKey(id))
	if err != nil {
		return pendingAction{}, "", goneOr(err)
	}
	var a pendingAction
	if err := json.Unmarshal(raw, &a); err != nil {
		return pendingAction{}, "", fmt.Errorf("bot: decode action: %w", err)
	}
	if a.User != user {
		return pendingAction{}, "", errNotYours
	}
	if index < 0 || index >= len(a.Options) {
		return pendingAction{}, "", errActionGone
	}
	if _, err := b.store.TakeState(ctx, actionKey(id)); err != nil {
		return pendingAction{}, "", goneOr(err) // a concurrent press took it first
	}
	return a, a.Options[index], nil
}

func goneOr(err error) error {
	if errors.Is(err, housing.ErrNotFound) {
		return errActionGone
	}
	return fmt.Errorf("bot: load action: %w", err)
}

// dropAction deletes an action that its keyboard no longer shows.
func (b *Bot) dropAction(ctx context.Context, id string) {
	if id == "" {
		return
	}
	if err := b.store.DeleteState(ctx, actionKey(id)); err != nil {
		b.logger.Warn("bot: drop action", slog.Any("err", err))
	}
}

// callbackData returns the data of button index of action id.
func callbackData(id string, index int) string {
	return callbackPrefix + id + ":" + strconv.Itoa(index)
}

// parseCallbackData reads callback data written by callbackData. It
// accepts nothing else: the prefix, a 22-character base64url id, and an
// index from 0 to 99 without leading zeros.
func parseCallbackData(data string) (id string, index int, ok bool) {
	rest, found := strings.CutPrefix(data, callbackPrefix)
	if !found || len(rest) < actionIDLen+2 || rest[actionIDLen] != ':' {
		return "", 0, false
	}
	id, num := rest[:actionIDLen], rest[actionIDLen+1:]
	if !isBase64URL(id) || len(num) > 2 || (len(num) == 2 && num[0] == '0') {
		return "", 0, false
	}
	index, err := strconv.Atoi(num)
	if err != nil || index < 0 || num[0] == '+' || num[0] == '-' {
		return "", 0, false
	}
	return id, index, true
}

// isBase64URL reports whether s uses only the base64url alphabet.
func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// tokenLen is the length of an invitation token (housing.NewInvitationToken).
const tokenLen = 32

// parseStartPayload returns the invitation token of a /start command's
// argument. It accepts exactly one 32-character base64url token, as
// housing.NewInvitationToken makes them, around which only spaces may be.
func parseStartPayload(arg string) (string, bool) {
	token := strings.TrimSpace(arg)
	if len(token) != tokenLen || !isBase64URL(token) {
		return "", false
	}
	return token, true
}
