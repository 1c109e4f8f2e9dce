package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
)

// ConsentTextVersion names the version of the privacy notice people accept;
// it changes whenever the notice's meaning does.
const ConsentTextVersion = "2026-11"

// Messenger sends one request to Telegram and returns the message sent or
// edited. *Sender satisfies it; the Bot sends everything through it.
type Messenger interface {
	Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error)
}

// Config tunes a Bot; zero fields take the defaults.
type Config struct {
	// BotUsername is the bot's @name without the @, for invitation links
	// https://t.me/<BotUsername>?start=<token>.
	BotUsername string
	// Districts are the configured districts (housing.DefaultDistricts()).
	Districts housing.Districts
	// Now is the clock for expiries and records (time.Now).
	Now func() time.Time
	// InvitationTTL is how long a link made with /invita works
	// (housing.DefaultInvitationTTL).
	InvitationTTL time.Duration
	// ActionTTL is how long a keyboard's buttons work (7 days).
	ActionTTL time.Duration
	// ConversationTTL is how long an unfinished conversation is kept
	// (30 days).
	ConversationTTL time.Duration
	// MessageRate and MessageBurst limit the messages one user may send
	// (one every 2 s, burst 10); the excess gets one "slow down", then
	// silence.
	MessageRate  rate.Limit
	MessageBurst int
	// Enqueuer takes the messages that must not be lost (reminders,
	// check-ins, offers) into the outbox: the Sender, so that its Run
	// wakes at once. When nil they go straight into the store's outbox,
	// which the Sender polls.
	Enqueuer interface {
		Enqueue(ctx context.Context, m housing.OutboxMessage) error
	}
	// Quiet moves every message the bot sends on its own to a resident
	// (beneficiary, co-resident, host) out of the quiet hours: NextAllowed
	// returns the first moment at or after t that is not quiet
	// (scheduler.QuietHours). Nil means no quiet hours.
	Quiet interface{ NextAllowed(t time.Time) time.Time }
	// Location is where days, hours and weeks of house life are read
	// (time.Local); give it the scheduler's.
	Location *time.Location
	// OnEvent, if set, is called after a resident's report is stored, such
	// as a request to talk to their worker (housing.EventTalk), e.g. to
	// raise an early-warning alert at once.
	OnEvent func(ctx context.Context, e housing.Event)
	// Warning is the early-warning service behind /segnala, /allerte,
	// /allerta and the alert buttons (alert.go); since the service needs
	// the Bot as its Notifier, it may also be given later with SetWarning.
	// Nil: reports are stored without an alert, and the staff commands
	// say the service is not available.
	Warning Warning
	// Weights score the rounds mediators run from chat (/abbina) and the
	// nightly round; the zero value means the defaults everywhere.
	Weights matching.WeightsConfig
}

func (c Config) withDefaults() Config {
	if len(c.Districts) == 0 {
		c.Districts = housing.DefaultDistricts()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.InvitationTTL = orDefault(c.InvitationTTL, housing.DefaultInvitationTTL)
	c.ActionTTL = orDefault(c.ActionTTL, 7*24*time.Hour)
	c.ConversationTTL = orDefault(c.ConversationTTL, 30*24*time.Hour)
	c.MessageRate = orDefaultRate(c.MessageRate, rate.Every(2*time.Second))
	c.MessageBurst = orDefault(c.MessageBurst, 10)
	if c.Location == nil {
		c.Location = time.Local
	}
	return c
}

// Bot is Convivo's conversation layer: invitations, consent, the preference
// interview, language and commands. Its Handle method is the Poller's
// UpdateHandler. A Bot keeps no conversation in memory: everything lives in
// the store, so a restart resumes where people were.
type Bot struct {
	out    Messenger
	store  housing.Store
	cfg    Config
	logger *slog.Logger
	tr     *translator
	limits *userLimits
}

// New returns a Bot that replies through out and keeps its records in
// store. It fails only if the embedded message catalogs do not load.
func New(out Messenger, store housing.Store, cfg Config, logger *slog.Logger) (*Bot, error) {
	tr, err := newTranslator(logger)
	if err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	return &Bot{
		out: out, store: store, cfg: cfg, logger: logger, tr: tr,
		// The message limit runs on real time: it protects the service,
		// it does not schedule anything.
		limits: newUserLimits(cfg.MessageRate, cfg.MessageBurst, time.Now),
	}, nil
}

// Handle handles one update; it is the Poller's UpdateHandler.
func (b *Bot) Handle(ctx context.Context, u tgbotapi.Update) {
	switch {
	case u.CallbackQuery != nil:
		b.onCallback(ctx, u.CallbackQuery)
	case u.Message != nil:
		b.onMessage(ctx, u.Message)
	}
}

// caller is who sent an update, as the store knows them.
type caller struct {
	id     int64           // Telegram user id
	chatID int64           // where to reply
	from   tgbotapi.User   // as Telegram describes them
	person *housing.Person // nil before consent
	conv   conversation
	role   housing.Role // a housing.Role or a pseudo-role (roles.go)
	lang   housing.Lang
}

// who looks the sender up. It only reads: nothing about a stranger is
// stored.
func (b *Bot) who(ctx context.Context, from tgbotapi.User, chatID int64) (*caller, error) {
	c := &caller{id: from.ID, chatID: chatID, from: from, role: roleStranger}
	p, err := b.store.PersonByTelegramID(ctx, from.ID)
	switch {
	case err == nil:
		c.person = &p
		c.role = effectiveRole(&p)
	case !errors.Is(err, housing.ErrNotFound):
		return nil, fmt.Errorf("bot: look up sender: %w", err)
	}
	if c.conv, err = b.loadConv(ctx, from.ID); err != nil {
		return nil, err
	}
	if c.role == roleStranger && c.conv.Flow == flowConsent {
		c.role = roleInvited
	}
	c.lang = c.language()
	return c, nil
}

// effectiveRole is the role a person acts in, given their status.
func effectiveRole(p *housing.Person) housing.Role {
	switch p.Status {
	case housing.StatusActive:
		return p.Role
	case housing.StatusPaused:
		return rolePaused
	}
	// Invited (no consent yet) or left: like a stranger until they redeem
	// an invitation.
	return roleStranger
}

// language is the caller's language: their stored choice, then the one
// chosen before consent, then Telegram's language_code, then Italian.
func (c *caller) language() housing.Lang {
	switch {
	case c.person != nil && c.person.Language.Valid():
		return c.person.Language
	case c.conv.Lang.Valid():
		return c.conv.Lang
	}
	return langFromCode(c.from.LanguageCode)
}

// t translates id into the caller's language.
func (b *Bot) t(c *caller, id string, data any) string { return b.tr.T(c.lang, id, data) }

// send sends text (with an optional keyboard) to chatID and returns the
// message id, 0 when it could not be sent (which is logged).
func (b *Bot) send(ctx context.Context, chatID int64, text string, kb *tgbotapi.InlineKeyboardMarkup) int {
	msg := tgbotapi.NewMessage(chatID, text)
	if kb != nil {
		msg.ReplyMarkup = *kb
	}
	m, err := b.out.Send(ctx, msg)
	if err != nil {
		b.logger.WarnContext(ctx, "bot: send message", slog.Int64("chat", chatID), slog.Any("err", err))
		return 0
	}
	return m.MessageID
}

// reply sends text to the caller.
func (b *Bot) reply(ctx context.Context, c *caller, text string) { b.send(ctx, c.chatID, text, nil) }

// editText replaces a message's text and removes its keyboard.
func (b *Bot) editText(ctx context.Context, chatID int64, msgID int, text string) {
	if msgID == 0 {
		return
	}
	edit := tgbotapi.NewEditMessageText(chatID, msgID, text)
	if _, err := b.out.Send(ctx, edit); err != nil {
		b.logger.WarnContext(ctx, "bot: edit message", slog.Int64("chat", chatID), slog.Any("err", err))
	}
}

// editKeyboard replaces a message's keyboard (noKeyboard() removes it).
func (b *Bot) editKeyboard(ctx context.Context, chatID int64, msgID int, kb tgbotapi.InlineKeyboardMarkup) {
	if msgID == 0 {
		return
	}
	edit := tgbotapi.NewEditMessageReplyMarkup(chatID, msgID, kb)
	if _, err := b.out.Send(ctx, edit); err != nil {
		b.logger.WarnContext(ctx, "bot: edit keyboard", slog.Int64("chat", chatID), slog.Any("err", err))
	}
}

// answerCallback answers a button press, so the client stops spinning.
func (b *Bot) answerCallback(ctx context.Context, id, text string) {
	if _, err := b.out.Send(ctx, tgbotapi.NewCallback(id, text)); err != nil {
		b.logger.WarnContext(ctx, "bot: answer callback", slog.Any("err", err))
	}
}

// audit appends an audit entry; a failure is logged, as the change it
// records has already happened.
func (b *Bot) audit(ctx context.Context, e housing.AuditEntry) {
	if e.At.IsZero() {
		e.At = b.cfg.Now()
	}
	if err := b.store.AppendAudit(ctx, &e); err != nil {
		b.logger.ErrorContext(ctx, "bot: append audit entry", slog.String("action", e.Action), slog.Any("err", err))
	}
}

// auditBy returns an audit entry for an action of person p.
func auditBy(p *housing.Person, action, record, purpose string) housing.AuditEntry {
	return housing.AuditEntry{Actor: p.ID, ActorRole: p.Role, Action: action, Record: record,
		Subject: p.ID, Purpose: purpose}
}
