package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// maxAlertsListed bounds the alerts /allerte shows at once.
const maxAlertsListed = 20

// auditAlertList is the audit action of listing alerts with /allerte.
const auditAlertList = "alert.list"

// minAlertPrefix is the shortest start of an alert id /allerta accepts.
const minAlertPrefix = 6

// alertsFor returns the caller's open alerts, or tells them why not.
func (b *Bot) alertsFor(ctx context.Context, c *caller) ([]housing.Alert, bool) {
	if b.cfg.Warning == nil {
		b.reply(ctx, c, b.t(c, "alert.unavailable", nil))
		return nil, false
	}
	as, err := b.cfg.Warning.Open(ctx, *c.person)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return nil, false
	}
	return as, true
}

// cmdAlerts handles /allerte (the caller's unresolved alerts, oldest
// first) and /allerta <id> (one alert with its history).
func (b *Bot) cmdAlerts(ctx context.Context, c *caller, name, args string) {
	if name == "allerta" || name == "alert" {
		b.cmdAlert(ctx, c, args)
		return
	}
	as, ok := b.alertsFor(ctx, c)
	if !ok {
		return
	}
	if len(as) == 0 {
		b.reply(ctx, c, b.t(c, "alert.list.none", nil))
		return
	}
	var sb strings.Builder
	sb.WriteString(b.t(c, "alert.list.head", map[string]any{"N": len(as)}))
	for i, a := range as {
		if i == maxAlertsListed {
			sb.WriteString("\n\n" + b.t(c, "alert.list.more", map[string]any{"N": len(as) - i}))
			break
		}
		line, err := b.alertListLine(ctx, c, a)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
		sb.WriteString("\n\n" + line)
	}
	b.reply(ctx, c, sb.String())
}

// alertListLine is one alert of /allerte: level, placement, first reason,
// status, and the command that opens it. Listing shows case codes and
// signals, so it is audited once per resident.
func (b *Bot) alertListLine(ctx context.Context, c *caller, a housing.Alert) (string, error) {
	pl, err := b.store.Placement(ctx, a.PlacementID)
	if err != nil {
		return "", err
	}
	codes, err := b.alertCodes(ctx, a, pl)
	if err != nil {
		return "", err
	}
	for _, r := range pl.Residents {
		b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: auditAlertList,
			Record: "alert/" + a.ID, Subject: r, Purpose: warning.AuditPurpose})
	}
	t := b.alertText()
	reasons := t.Reasons(c.lang, a, codes)
	return b.t(c, "alert.list.item", map[string]any{
		"Level": t.Level(c.lang, a.Level), "Placement": placementCode(&pl), "Codes": alertResidentCodes(pl, codes),
		"First": strings.Join(reasons[:min(1, len(reasons))], ""), "More": max(0, len(reasons)-1),
		"Status": t.Status(c.lang, a, codes), "ID": a.ID,
	}), nil
}

// cmdAlert handles /allerta <id>: the id, or the start of the id of one
// of the caller's unresolved alerts.
func (b *Bot) cmdAlert(ctx context.Context, c *caller, args string) {
	id := strings.TrimSpace(args)
	if id == "" {
		b.reply(ctx, c, b.t(c, "alert.usage", nil))
		return
	}
	if b.cfg.Warning == nil {
		b.reply(ctx, c, b.t(c, "alert.unavailable", nil))
		return
	}
	if !housing.ValidID(id) {
		b.reply(ctx, c, b.t(c, "alert.unknown", map[string]any{"ID": id}))
		return
	}
	err := b.showAlertDetails(ctx, c, id)
	if !errors.Is(err, housing.ErrNotFound) {
		return
	}
	as, ok := b.alertsFor(ctx, c)
	if !ok {
		return
	}
	var match []string
	for _, a := range as {
		if len(id) >= minAlertPrefix && strings.HasPrefix(a.ID, id) {
			match = append(match, a.ID)
		}
	}
	if len(match) != 1 {
		b.reply(ctx, c, b.t(c, "alert.unknown", map[string]any{"ID": id}))
		return
	}
	_ = b.showAlertDetails(ctx, c, match[0])
}

// showAlertDetails sends alert id's details with its buttons. It tells the
// caller about any error but ErrNotFound, and returns it. An alert the
// caller may not see is ErrNotFound too, so that staff cannot learn which
// ids exist outside their district or cases.
func (b *Bot) showAlertDetails(ctx context.Context, c *caller, id string) error {
	d, err := b.cfg.Warning.Details(ctx, id, *c.person)
	if errors.Is(err, housing.ErrForbidden) {
		err = fmt.Errorf("bot: alert %s: %w", id, housing.ErrNotFound)
	}
	if errors.Is(err, housing.ErrNotFound) {
		return err
	}
	if err == nil {
		var text string
		if text, err = b.alertDetailsText(ctx, c.lang, d); err == nil {
			b.alertMessage(ctx, c, text, d.Alert)
			return nil
		}
	}
	b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
	return err
}

// alertMessage sends text with the buttons for a's status.
func (b *Bot) alertMessage(ctx context.Context, c *caller, text string, a housing.Alert) int {
	kb, _, err := b.keyboard(ctx, c.id, kindAlert, b.alertRows(c.lang, a))
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return 0
	}
	return b.send(ctx, c.chatID, text, kb)
}

// onAlertButton handles Acknowledge, Details and Resolved under an alert
// ("<verb>:<alert id>"), and the Cancel of the resolution note ("cancel").
// The pressed keyboard is used up, so the message gets fresh buttons for
// the alert's status.
func (b *Bot) onAlertButton(ctx context.Context, c *caller, p press) string {
	verb, id, _ := strings.Cut(p.option, ":")
	if b.cfg.Warning == nil {
		return b.t(c, "alert.unavailable", nil)
	}
	switch verb {
	case "ack":
		return b.ackAlert(ctx, c, p, id)
	case "details":
		if err := b.showAlertDetails(ctx, c, id); err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		b.refreshAlert(ctx, c, p, id)
		return ""
	case "resolve":
		return b.askAlertNote(ctx, c, p, id)
	case "cancel":
		b.endFlow(ctx, c, flowAlert)
		b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
		b.reply(ctx, c, b.t(c, "cancel.alert", nil))
		return ""
	}
	return b.t(c, "button.stale", nil)
}

// ackAlert takes the alert on for the caller; a press after someone
// else (or the caller) already did is told who and when.
func (b *Bot) ackAlert(ctx context.Context, c *caller, p press, id string) string {
	now := b.cfg.Now()
	a, err := b.cfg.Warning.Acknowledge(ctx, id, *c.person, now)
	var se *housing.StateError
	switch {
	case errors.As(err, &se):
		b.refreshAlert(ctx, c, p, id)
		text := b.alertResolvedBefore(ctx, c, se)
		b.reply(ctx, c, text)
		return b.alertClip(text)
	case err != nil:
		b.refreshAlert(ctx, c, p, id)
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.setAlertButtons(ctx, c, p.msg.MessageID, a)
	if a.AckedBy == c.person.ID && a.AckedAt.Equal(now) {
		b.reply(ctx, c, b.t(c, "alert.acked", map[string]any{"ID": a.ID}))
		return b.t(c, "alert.acked_short", nil)
	}
	text := b.t(c, "alert.already_acked", map[string]any{"Who": b.alertLabelOf(ctx, a.AckedBy),
		"When": b.alertText().When(c.lang, a.AckedAt)})
	b.reply(ctx, c, text)
	return b.alertClip(text)
}

// alertResolvedBefore says who resolved an alert, and when, from the error of
// a change that came too late.
func (b *Bot) alertResolvedBefore(ctx context.Context, c *caller, se *housing.StateError) string {
	when := ""
	if at, err := time.Parse(time.RFC3339, se.AtRFC); err == nil {
		when = b.alertText().When(c.lang, at)
	}
	return b.t(c, "alert.already_resolved", map[string]any{"Who": b.alertLabelOf(ctx, se.By), "When": when})
}

// alertLabelOf returns how staff screens name person id.
func (b *Bot) alertLabelOf(ctx context.Context, id string) string {
	codes, err := b.alertPersonCodes(ctx, []string{id})
	if err != nil {
		return id
	}
	return alertCodeOf(codes, id)
}

// alertClip shortens a callback answer to Telegram's 200 characters.
func (b *Bot) alertClip(s string) string {
	if r := []rune(s); len(r) > 190 {
		return string(r[:190]) + "…"
	}
	return s
}

// refreshAlert gives the pressed alert message fresh buttons for the
// alert's status, reading it without an audited view.
func (b *Bot) refreshAlert(ctx context.Context, c *caller, p press, id string) {
	a, err := b.store.Alert(ctx, id)
	if err != nil {
		b.editKeyboard(ctx, c.chatID, p.msg.MessageID, noKeyboard())
		return
	}
	b.setAlertButtons(ctx, c, p.msg.MessageID, a)
}

// setAlertButtons replaces message msgID's buttons with a's.
func (b *Bot) setAlertButtons(ctx context.Context, c *caller, msgID int, a housing.Alert) {
	kb, _, err := b.keyboard(ctx, c.id, kindAlert, b.alertRows(c.lang, a))
	if err != nil {
		b.editKeyboard(ctx, c.chatID, msgID, noKeyboard())
		return
	}
	b.editKeyboard(ctx, c.chatID, msgID, *kb)
}

// askAlertNote asks for the note that resolves alert id, as the
// conversation's typed step.
func (b *Bot) askAlertNote(ctx context.Context, c *caller, p press, id string) string {
	b.refreshAlert(ctx, c, p, id)
	b.retireKeyboard(ctx, c)
	rows := [][]button{{{b.t(c, "alert.btn.cancel", nil), "cancel"}}}
	kb, kbID, err := b.keyboard(ctx, c.id, kindAlert, rows)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	msg := b.send(ctx, c.chatID, b.t(c, "alert.resolve.ask", map[string]any{"ID": id}), kb)
	c.conv = conversation{Flow: flowAlert, Step: "resolve:" + id, Keyboard: kbID, Message: msg, Lang: c.conv.Lang}
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	return ""
}

// alertNoteText takes the note that resolves the alert.
func (b *Bot) alertNoteText(ctx context.Context, c *caller, text string) {
	id, ok := strings.CutPrefix(c.conv.Step, "resolve:")
	note := strings.TrimSpace(text)
	switch {
	case !ok:
		b.endFlow(ctx, c, flowAlert)
		b.reply(ctx, c, b.t(c, "unknown_text", nil))
		return
	case note == "":
		b.reply(ctx, c, b.t(c, "alert.resolve.ask", map[string]any{"ID": id}))
		return
	case utf8.RuneCountInString(note) > housing.MaxNoteRunes:
		b.reply(ctx, c, b.t(c, "alert.resolve.too_long", map[string]any{"Max": housing.MaxNoteRunes}))
		return
	}
	a, err := b.cfg.Warning.Resolve(ctx, id, *c.person, note, b.cfg.Now())
	var se *housing.StateError
	switch {
	case errors.As(err, &se):
		b.endFlow(ctx, c, flowAlert)
		b.reply(ctx, c, b.alertResolvedBefore(ctx, c, se))
		return
	case errors.Is(err, housing.ErrInvalid):
		b.reply(ctx, c, b.t(c, "alert.resolve.too_long", map[string]any{"Max": housing.MaxNoteRunes}))
		return
	case err != nil:
		b.endFlow(ctx, c, flowAlert)
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.endFlow(ctx, c, flowAlert)
	b.reply(ctx, c, b.t(c, "alert.resolved", map[string]any{"ID": a.ID}))
}
