package bot

import (
	"context"
	"log/slog"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
)

// onMessage routes a message: private chats only, rate-limited per user,
// commands to their handlers after the role check, other text to the flow
// in progress.
func (b *Bot) onMessage(ctx context.Context, m *tgbotapi.Message) {
	if m.From == nil || m.Chat == nil || m.Chat.Type != "private" || m.From.IsBot {
		return
	}
	switch b.limits.check(m.From.ID) {
	case silence:
		return
	case warn:
		b.send(ctx, m.Chat.ID, b.tr.T(langFromCode(m.From.LanguageCode), "slow_down", nil), nil)
		return
	}
	c, err := b.who(ctx, *m.From, m.Chat.ID)
	if err != nil {
		b.replyError(ctx, m.Chat.ID, langFromCode(m.From.LanguageCode), err, scopeGeneral)
		return
	}
	b.markSeen(ctx, c)
	if name, args, ok := parseCommand(m.Text); ok {
		b.onCommand(ctx, c, name, args)
		return
	}
	b.onText(ctx, c, m.Text)
}

// parseCommand splits "/name@bot args" into a lower-case name and the
// arguments.
func parseCommand(text string) (name, args string, ok bool) {
	rest, found := strings.CutPrefix(text, "/")
	if !found || rest == "" {
		return "", "", false
	}
	name, args, _ = strings.Cut(rest, " ")
	if i := strings.IndexAny(name, "\n\t"); i >= 0 {
		name, args = name[:i], rest[i+1:]
	}
	name, _, _ = strings.Cut(name, "@")
	return strings.ToLower(name), strings.TrimSpace(args), name != ""
}

// onCommand checks the caller's role against the table and runs the
// command.
func (b *Bot) onCommand(ctx context.Context, c *caller, name, args string) {
	cmd, ok := lookupCommand(name)
	switch {
	case !ok && c.role == roleStranger:
		b.refuseStranger(ctx, c)
		return
	case !ok:
		b.reply(ctx, c, b.t(c, "command.unknown", nil))
		return
	case !allowed(c.role, cmd.action):
		b.deny(ctx, c)
		return
	}
	switch cmd.action {
	case actStart:
		b.cmdStart(ctx, c, args)
	case actHelp:
		b.cmdHelp(ctx, c)
	case actProfile:
		b.cmdProfile(ctx, c)
	case actLanguage:
		b.cmdLanguage(ctx, c)
	case actPrivacy:
		b.cmdPrivacy(ctx, c)
	case actCancel:
		b.cmdCancel(ctx, c)
	case actInvite:
		b.cmdInvite(ctx, c)
	case actRota:
		b.cmdRota(ctx, c)
	case actChores:
		b.cmdDone(ctx, c)
	case actOuting:
		b.cmdOuting(ctx, c)
	case actPrefs:
		b.cmdPrefs(ctx, c)
	case actProposals:
		b.cmdProposals(ctx, c)
	case actPlacements:
		b.cmdPlacements(ctx, c, cmd.name, args)
	case actRound:
		b.cmdRound(ctx, c, args)
	case actReport:
		b.cmdReport(ctx, c)
	case actAlerts:
		b.cmdAlerts(ctx, c, cmd.name, args)
	case actMyData:
		b.cmdMyData(ctx, c)
	case actErase:
		b.cmdErase(ctx, c)
	}
}

// deny answers a command the caller's role does not allow.
func (b *Bot) deny(ctx context.Context, c *caller) {
	if c.role == roleStranger {
		b.refuseStranger(ctx, c)
		return
	}
	b.reply(ctx, c, b.t(c, "command.forbidden", nil))
}

// refuseStranger tells someone without an invitation, in Italian and in
// English, that the service is by invitation. Nothing about them is kept.
// Someone the store knows but who is not taking part is told in their
// language.
func (b *Bot) refuseStranger(ctx context.Context, c *caller) {
	if c.person != nil { // a record that left the service or never consented
		b.reply(ctx, c, b.t(c, "stranger.known", nil))
		return
	}
	text := b.tr.T(housing.LangIT, "stranger.refusal", nil) + "\n\n" + b.tr.T(housing.LangEN, "stranger.refusal", nil)
	b.reply(ctx, c, text)
}

// onText handles a message that is not a command.
func (b *Bot) onText(ctx context.Context, c *caller, text string) {
	switch {
	case c.role == roleStranger:
		b.refuseStranger(ctx, c)
	case c.conv.Flow == flowInterview && allowed(c.role, actInterview):
		b.interviewText(ctx, c, text)
	case c.conv.Flow == flowOuting && allowed(c.role, actOuting):
		b.outingText(ctx, c, text)
	case c.conv.Flow == flowCheckIn && allowed(c.role, actCheckIn):
		b.checkInText(ctx, c, text)
	case c.conv.Flow == flowRota && allowed(c.role, actRota):
		b.rotaText(ctx, c, text)
	case c.conv.Flow == flowReview && allowed(c.role, actReview):
		b.reviewText(ctx, c, text)
	case c.conv.Flow == flowReport && allowed(c.role, actReport):
		b.reportNoteText(ctx, c, text)
	case c.conv.Flow == flowAlert && allowed(c.role, actAlerts):
		b.alertNoteText(ctx, c, text)
	case c.conv.Flow == flowConsent || c.conv.Flow == flowInvite:
		b.reply(ctx, c, b.t(c, "use_buttons", nil))
	case c.role == rolePaused:
		b.reply(ctx, c, b.t(c, "privacy.paused", nil))
	default:
		b.reply(ctx, c, b.t(c, "unknown_text", nil))
	}
}

// press is one button press, after its action was taken.
type press struct {
	actionID string
	action   pendingAction
	option   string
	msg      *tgbotapi.Message // the message under which the button was
}

// label returns the text of the pressed button.
func (p press) label() string { return labelOf(p.action, p.option) }

// onCallback handles a button press. Every press is answered, so the
// person's client never spins; a press that is malformed, replayed,
// expired, stale or someone else's changes nothing and gets a polite
// answer.
func (b *Bot) onCallback(ctx context.Context, cq *tgbotapi.CallbackQuery) {
	answer := ""
	defer func() { b.answerCallback(ctx, cq.ID, answer) }()
	if cq.From == nil {
		return
	}
	lang := langFromCode(cq.From.LanguageCode)
	id, index, ok := parseCallbackData(cq.Data)
	if !ok || cq.Message == nil || cq.Message.Chat == nil {
		answer = b.tr.T(lang, "button.gone", nil)
		return
	}
	a, option, err := b.takeAction(ctx, id, index, cq.From.ID)
	if err != nil {
		answer = b.errorText(ctx, lang, err, scopeGeneral)
		return
	}
	c, err := b.who(ctx, *cq.From, cq.Message.Chat.ID)
	if err != nil {
		answer = b.errorText(ctx, lang, err, scopeGeneral)
		return
	}
	b.markSeen(ctx, c)
	answer = b.dispatchPress(ctx, c, press{actionID: id, action: a, option: option, msg: cq.Message})
}

// dispatchPress runs the handler of a pressed button after the role check
// and returns the text of the callback answer.
func (b *Bot) dispatchPress(ctx context.Context, c *caller, p press) string {
	act := pressAction(c, p)
	if act == "" {
		return b.t(c, "button.stale", nil)
	}
	if !allowed(c.role, act) {
		return b.t(c, "command.forbidden", nil)
	}
	b.logger.DebugContext(ctx, "bot: button", slog.String("kind", p.action.Kind), slog.String("action", string(act)))
	switch act {
	case actConsent:
		return b.onConsent(ctx, c, p)
	case actInterview:
		return b.onInterviewButton(ctx, c, p)
	case actInvite:
		return b.onInviteButton(ctx, c, p)
	case actLanguage:
		return b.onLanguageButton(ctx, c, p)
	case actPrivacy:
		return b.onPrivacyButton(ctx, c, p)
	case actProfile:
		return b.onChangeButton(ctx, c, p)
	case actRota:
		return b.onRotaButton(ctx, c, p)
	case actChores:
		return b.onChoreButton(ctx, c, p)
	case actOuting:
		if p.action.Kind == kindFlow {
			return b.onOutingFlowButton(ctx, c, p)
		}
		return b.onOutingButton(ctx, c, p)
	case actCheckIn:
		return b.onCheckInButton(ctx, c, p)
	case actPrefs:
		return b.onPrefsButton(ctx, c, p)
	case actReview:
		return b.onReviewButton(ctx, c, p)
	case actIntro:
		return b.onIntroButton(ctx, c, p)
	case actReport:
		return b.onReportButton(ctx, c, p)
	case actAlerts:
		return b.onAlertButton(ctx, c, p)
	case actErase:
		return b.onRightsButton(ctx, c, p)
	}
	return b.t(c, "button.stale", nil)
}

// pressAction maps a press to the action it asks for: a flow button counts
// only while it is the live keyboard of the caller's conversation; ""
// means the press is stale.
func pressAction(c *caller, p press) action {
	switch p.action.Kind {
	case kindLang:
		return actLanguage
	case kindPrivacy:
		return actPrivacy
	case kindChange:
		return actProfile
	case kindRota:
		return actRota
	case kindChore:
		return actChores
	case kindRSVP, kindAttend:
		return actOuting
	case kindCheckIn:
		return actCheckIn
	case kindPrefs:
		return actPrefs
	case kindReview:
		return actReview
	case kindIntro:
		return actIntro
	case kindAlert:
		return actAlerts
	case kindRights:
		return actErase
	case kindFlow:
		if c.conv.Keyboard != p.actionID {
			return ""
		}
		switch c.conv.Flow {
		case flowConsent:
			return actConsent
		case flowInterview:
			return actInterview
		case flowInvite:
			return actInvite
		case flowOuting:
			return actOuting
		case flowReview:
			return actReview
		case flowReport:
			return actReport
		}
	}
	return ""
}

// cmdHelp lists the commands the caller's role may use.
func (b *Bot) cmdHelp(ctx context.Context, c *caller) {
	var sb strings.Builder
	sb.WriteString(b.t(c, "help.intro", nil))
	for _, cmd := range commandsFor(c.role) {
		sb.WriteString("\n/" + cmd.name + " – " + b.t(c, "cmd."+cmd.name, nil))
	}
	b.reply(ctx, c, sb.String())
}

// cmdCancel stops the flow in progress; saved answers stay.
func (b *Bot) cmdCancel(ctx context.Context, c *caller) {
	if c.conv.Flow == flowNone {
		b.reply(ctx, c, b.t(c, "cancel.nothing", nil))
		return
	}
	b.retireKeyboard(ctx, c)
	flow := c.conv.Flow
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "cancel."+flow, nil))
}
