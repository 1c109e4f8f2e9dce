package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/convivo/convivo/housing"
)

// The flows a conversation can be in.
const (
	flowNone      = ""
	flowConsent   = "consent"   // the privacy notice after an invitation
	flowInterview = "interview" // the preference interview, whole or one section
	flowInvite    = "invite"    // /invita: role, then district
)

// conversation is where a person is in a flow. It lives in the StateStore
// under "conv:<telegram id>", so a restart resumes at the same step. Before
// consent it holds nothing but the invitation's token hash and, if chosen,
// a language.
type conversation struct {
	Flow     string `json:"flow,omitempty"`
	Keyboard string `json:"kb,omitempty"`  // action id of the flow's live keyboard
	Message  int    `json:"msg,omitempty"` // message showing that keyboard

	Lang   housing.Lang `json:"lang,omitempty"`   // chosen with /lingua before consent
	Invite string       `json:"invite,omitempty"` // token hash of the redeemed invitation

	Step      string           `json:"step,omitempty"`    // the question being asked
	Section   string           `json:"section,omitempty"` // editing one section ("": whole interview)
	Draft     *housing.Profile `json:"draft,omitempty"`   // answers not saved yet
	Selected  []string         `json:"sel,omitempty"`     // multi-select choices so far
	Explained []string         `json:"why,omitempty"`     // questions whose reason was given

	Role housing.Role `json:"role,omitempty"` // /invita: the role chosen

	Review *reviewStep `json:"review,omitempty"` // flowReview: what the mediator is typing for (review.go)

	Report *reportDraft `json:"report,omitempty"` // flowReport: the report being written (report.go)
}

func convKey(telegramID int64) string { return "conv:" + strconv.FormatInt(telegramID, 10) }

// loadConv returns the conversation of a Telegram user; a zero one when
// there is none.
func (b *Bot) loadConv(ctx context.Context, telegramID int64) (conversation, error) {
	var c conversation
	raw, err := b.store.GetState(ctx, convKey(telegramID))
	if errors.Is(err, housing.ErrNotFound) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("bot: load conversation: %w", err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return conversation{}, fmt.Errorf("bot: decode conversation: %w", err)
	}
	return c, nil
}

// saveConv stores c, or deletes it when it holds nothing.
func (b *Bot) saveConv(ctx context.Context, telegramID int64, c conversation) error {
	if c.Flow == flowNone && c.Lang == "" {
		return b.clearConv(ctx, telegramID)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("bot: encode conversation: %w", err)
	}
	if err := b.store.PutState(ctx, convKey(telegramID), raw, b.cfg.ConversationTTL); err != nil {
		return fmt.Errorf("bot: save conversation: %w", err)
	}
	return nil
}

// clearConv forgets a conversation.
func (b *Bot) clearConv(ctx context.Context, telegramID int64) error {
	if err := b.store.DeleteState(ctx, convKey(telegramID)); err != nil {
		return fmt.Errorf("bot: clear conversation: %w", err)
	}
	return nil
}

// offsetKey is where StateOffsets keeps the poller's watermark.
const offsetKey = "bot:offset"

// StateOffsets is the Poller's OffsetStore over a housing.StateStore: the
// watermark lives under "bot:offset", so it survives restarts with the
// rest of the data.
type StateOffsets struct {
	state housing.StateStore
}

var _ OffsetStore = (*StateOffsets)(nil)

// NewStateOffsets returns a StateOffsets over state.
func NewStateOffsets(state housing.StateStore) *StateOffsets { return &StateOffsets{state: state} }

// Offset returns the saved watermark, 0 when none was saved.
func (o *StateOffsets) Offset(ctx context.Context) (int64, error) {
	raw, err := o.state.GetState(ctx, offsetKey)
	if errors.Is(err, housing.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("bot: read offset: %w", err)
	}
	id, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bot: read offset %q: %w", raw, err)
	}
	return id, nil
}

// SaveOffset saves id as the watermark.
func (o *StateOffsets) SaveOffset(ctx context.Context, id int64) error {
	if err := o.state.PutState(ctx, offsetKey, []byte(strconv.FormatInt(id, 10)), 0); err != nil {
		return fmt.Errorf("bot: save offset: %w", err)
	}
	return nil
}

// retireKeyboard removes the flow's live keyboard from the screen and the
// store, when the flow moves on without a press.
func (b *Bot) retireKeyboard(ctx context.Context, c *caller) {
	if c.conv.Keyboard == "" {
		return
	}
	b.dropAction(ctx, c.conv.Keyboard)
	b.editKeyboard(ctx, c.chatID, c.conv.Message, noKeyboard())
	c.conv.Keyboard, c.conv.Message = "", 0
}

// endFlow ends the caller's conversation if it is in flow: it retires the
// flow's live keyboard and forgets the conversation, keeping only the
// language chosen with /lingua.
func (b *Bot) endFlow(ctx context.Context, c *caller, flow string) {
	if c.conv.Flow != flow {
		return
	}
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Lang: c.conv.Lang}
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.logger.WarnContext(ctx, "bot: end flow", slog.String("flow", flow), slog.Any("err", err))
	}
}
