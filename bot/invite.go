package bot

import (
	"context"
	"strings"

	"github.com/convivo/convivo/housing"
)

// cmdStart handles /start: with an invitation token from a deep link it
// redeems the invitation and shows the privacy notice; without one it
// greets people the bot knows, resumes a flow in progress, and refuses
// strangers.
func (b *Bot) cmdStart(ctx context.Context, c *caller, args string) {
	switch c.role {
	case roleStranger:
		if args == "" {
			b.refuseStranger(ctx, c)
			return
		}
		b.redeem(ctx, c, args)
	case roleInvited:
		b.resume(ctx, c)
	case rolePaused:
		b.reply(ctx, c, b.t(c, "privacy.paused", nil))
	default:
		if c.conv.Flow != flowNone {
			b.resume(ctx, c)
			return
		}
		b.reply(ctx, c, b.t(c, "start.known", map[string]string{"Name": c.person.DisplayName}))
	}
}

// redeem binds the caller to the invitation whose token is in args, at
// most once (the store decides races), and shows the privacy notice. An
// unknown, malformed, expired or used token changes nothing.
func (b *Bot) redeem(ctx context.Context, c *caller, args string) {
	token, ok := parseStartPayload(args)
	if !ok {
		b.reply(ctx, c, b.t(c, "invite.unknown", nil))
		return
	}
	hash := housing.HashToken(token)
	inv, err := b.store.RedeemInvitation(ctx, hash, c.id, b.cfg.Now())
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeInvitation)
		return
	}
	b.audit(ctx, housing.AuditEntry{Actor: "bot", Action: "invitation.redeem", Record: "invitation/" + inv.ID,
		Subject: inv.PersonID, Purpose: "join"})
	c.role = roleInvited
	c.conv = conversation{Flow: flowConsent, Invite: hash}
	b.askConsent(ctx, c, inv.Role)
}

// resume shows again the step of the flow in progress, with fresh buttons.
func (b *Bot) resume(ctx context.Context, c *caller) {
	b.retireKeyboard(ctx, c)
	switch c.conv.Flow {
	case flowConsent:
		inv, err := b.store.InvitationByTokenHash(ctx, c.conv.Invite)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeInvitation)
			return
		}
		b.askConsent(ctx, c, inv.Role)
	case flowInterview:
		if q, ok := b.current(c); ok {
			b.ask(ctx, c, q)
			return
		}
		b.startInterview(ctx, c, b.draftOf(c), c.conv.Section)
	case flowInvite:
		b.cmdInvite(ctx, c)
	}
}

// cmdInvite starts /invita: which role, then which district.
func (b *Bot) cmdInvite(ctx context.Context, c *caller) {
	var buttons []button
	for _, r := range invitableRoles(c.role) {
		buttons = append(buttons, button{label: b.t(c, "role."+string(r), nil), option: "role:" + string(r)})
	}
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowInvite}
	b.askFlow(ctx, c, b.t(c, "invite.choose_role", nil), grid(buttons, 1))
}

// askFlow sends a flow step with its keyboard and remembers it as the
// conversation's live keyboard.
func (b *Bot) askFlow(ctx context.Context, c *caller, text string, rows [][]button) {
	kb, id, err := b.keyboard(ctx, c.id, kindFlow, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	c.conv.Keyboard = id
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.dropAction(ctx, id)
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	c.conv.Message = b.send(ctx, c.chatID, text, kb)
	if c.conv.Message != 0 {
		if err := b.saveConv(ctx, c.id, c.conv); err != nil {
			b.logger.WarnContext(ctx, "bot: remember keyboard message", "err", err)
		}
	}
}

// onInviteButton handles the /invita steps.
func (b *Bot) onInviteButton(ctx context.Context, c *caller, p press) string {
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
	if kind, value, _ := strings.Cut(p.option, ":"); kind == "role" {
		role := housing.Role(value)
		if !canInvite(c.role, role) {
			return b.t(c, "command.forbidden", nil)
		}
		c.conv.Role = role
		var buttons []button
		for _, d := range b.cfg.Districts {
			buttons = append(buttons, button{label: d, option: "district:" + d})
		}
		b.askFlow(ctx, c, b.t(c, "invite.choose_district", nil), grid(buttons, 2))
		return ""
	}
	district, ok := b.cfg.Districts.Canonical(strings.TrimPrefix(p.option, "district:"))
	switch {
	case !ok:
		return b.t(c, "button.stale", nil) // not a button the bot offered
	case !canInvite(c.role, c.conv.Role):
		return b.t(c, "command.forbidden", nil)
	}
	b.createInvitation(ctx, c, c.conv.Role, district)
	return ""
}

// canInvite reports whether inviter may invite someone into role.
func canInvite(inviter, role housing.Role) bool {
	for _, r := range invitableRoles(inviter) {
		if r == role {
			return true
		}
	}
	return false
}

// createInvitation stores a new invitation and sends the inviter its link.
// Only the token's hash is stored; the link is shown once.
func (b *Bot) createInvitation(ctx context.Context, c *caller, role housing.Role, district string) {
	now := b.cfg.Now()
	token, hash := housing.NewInvitationToken()
	inv := housing.Invitation{TokenHash: hash, Role: role, District: district, CreatedBy: c.person.ID,
		CreatedAt: now, ExpiresAt: now.Add(b.cfg.InvitationTTL)}
	if err := b.store.CreateInvitation(ctx, &inv); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: "invitation.create",
		Record: "invitation/" + inv.ID, Purpose: "invite " + string(role)})
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: end invite flow", "err", err)
	}
	b.reply(ctx, c, b.t(c, "invite.link", map[string]any{
		"Role": b.t(c, "role."+string(role), nil), "District": district,
		"Link": b.InviteLink(token), "Hours": int(b.cfg.InvitationTTL.Hours()),
	}))
}

// InviteLink returns the deep link that redeems token:
// https://t.me/<bot>?start=<token>.
func (b *Bot) InviteLink(token string) string {
	return "https://t.me/" + b.cfg.BotUsername + "?start=" + token
}
