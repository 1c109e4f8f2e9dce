package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// noticeID returns the message id of the privacy notice for a role: staff
// get a short one, everyone else the full plain-language one.
func noticeID(role housing.Role) string {
	if role.Staff() {
		return "consent.notice_staff"
	}
	return "consent.notice"
}

// askConsent shows the privacy notice with Accept / Decline. Until the
// person accepts, the bot keeps nothing but the conversation's invitation
// reference.
func (b *Bot) askConsent(ctx context.Context, c *caller, role housing.Role) {
	rows := [][]button{{
		{label: b.t(c, "consent.accept", nil), option: "accept"},
		{label: b.t(c, "consent.decline", nil), option: "decline"},
	}}
	b.askFlow(ctx, c, b.t(c, noticeID(role), nil)+"\n\n"+b.t(c, "consent.question", nil), rows)
}

// onConsent handles Accept and Decline under the notice.
func (b *Bot) onConsent(ctx context.Context, c *caller, p press) string {
	inv, err := b.store.InvitationByTokenHash(ctx, c.conv.Invite)
	if err == nil && inv.UsedBy != c.id {
		err = fmt.Errorf("bot: invitation %s is bound to another user: %w", inv.ID, housing.ErrConflict)
	}
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeInvitation)
	}
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n\n→ "+p.label())
	if p.option != "accept" {
		b.decline(ctx, c, inv)
		return ""
	}
	person, err := b.bindPerson(ctx, c, inv)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return ""
	}
	c.person, c.role = &person, person.Role
	b.recordConsent(ctx, &person, housing.ConsentAccepted)
	if person.Role.Staff() {
		b.welcomeStaff(ctx, c)
		return ""
	}
	b.reply(ctx, c, b.t(c, "consent.thanks", map[string]string{"Name": person.DisplayName}))
	b.startInterview(ctx, c, housing.Profile{PersonID: person.ID}, "")
	return ""
}

// bindPerson creates the person the invitation admits, or binds the
// existing record it names, with the role and district of the invitation.
func (b *Bot) bindPerson(ctx context.Context, c *caller, inv housing.Invitation) (housing.Person, error) {
	now := b.cfg.Now()
	district := inv.District
	if d, ok := b.cfg.Districts.Canonical(district); ok {
		district = d
	}
	if inv.PersonID == "" {
		p := housing.Person{Role: inv.Role, DisplayName: displayName(c), District: district, Language: c.lang,
			TelegramID: c.id, Status: housing.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := b.store.CreatePerson(ctx, &p); err != nil {
			return housing.Person{}, fmt.Errorf("bot: create person: %w", err)
		}
		b.audit(ctx, auditBy(&p, "person.create", "person/"+p.ID, "consent"))
		return p, nil
	}
	p, err := b.store.Person(ctx, inv.PersonID)
	if err != nil {
		return housing.Person{}, fmt.Errorf("bot: person of invitation %s: %w", inv.ID, err)
	}
	if p.TelegramID != 0 && p.TelegramID != c.id {
		return housing.Person{}, fmt.Errorf("bot: person %s is bound to another account: %w", p.ID, housing.ErrConflict)
	}
	p.TelegramID, p.Role, p.District, p.Language = c.id, inv.Role, district, c.lang
	p.Status, p.UpdatedAt = housing.StatusActive, now
	if strings.TrimSpace(p.DisplayName) == "" {
		p.DisplayName = displayName(c)
	}
	if err := b.store.UpdatePerson(ctx, &p); err != nil {
		return housing.Person{}, fmt.Errorf("bot: bind person: %w", err)
	}
	b.audit(ctx, auditBy(&p, "person.bind", "person/"+p.ID, "consent"))
	return p, nil
}

// displayName is the name the person gave Telegram, at most 64 characters.
func displayName(c *caller) string {
	name := strings.TrimSpace(c.from.FirstName)
	if name == "" {
		name = strings.TrimSpace(c.from.UserName)
	}
	if name == "" {
		return "—"
	}
	for utf8.RuneCountInString(name) > 64 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// decline keeps nothing but the refusal: a consent record when the
// invitation named an existing person, else an audit entry on the
// invitation without personal data.
func (b *Bot) decline(ctx context.Context, c *caller, inv housing.Invitation) {
	if inv.PersonID != "" {
		if p, err := b.store.Person(ctx, inv.PersonID); err == nil {
			b.recordConsent(ctx, &p, housing.ConsentDeclined)
		}
	} else {
		b.audit(ctx, housing.AuditEntry{Actor: "bot", Action: "consent.declined", Record: "invitation/" + inv.ID,
			Purpose: "consent"})
	}
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: forget declined conversation", slog.Any("err", err))
	}
	b.reply(ctx, c, b.t(c, "consent.declined", nil))
}

// recordConsent appends a consent record and its audit entry, and
// returns the record's id, or "" when it could not be recorded.
func (b *Bot) recordConsent(ctx context.Context, p *housing.Person, d housing.ConsentDecision) string {
	rec := housing.ConsentRecord{PersonID: p.ID, Decision: d, TextVersion: ConsentTextVersion,
		Language: p.Language, At: b.cfg.Now()}
	if !rec.Language.Valid() {
		rec.Language = housing.LangIT
	}
	if err := b.store.AddConsent(ctx, &rec); err != nil {
		b.logger.ErrorContext(ctx, "bot: record consent", slog.String("decision", string(d)), slog.Any("err", err))
		return ""
	}
	b.audit(ctx, auditBy(p, "consent."+string(d), "consent/"+rec.ID, "consent"))
	return rec.ID
}

// welcomeStaff ends the join flow of a staff member: no interview, their
// own command menu.
func (b *Bot) welcomeStaff(ctx context.Context, c *caller) {
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: end consent flow", slog.Any("err", err))
	}
	if err := b.registerChat(ctx, c.person); err != nil {
		b.logger.WarnContext(ctx, "bot: staff command menu", slog.Any("err", err))
	}
	b.reply(ctx, c, b.t(c, "consent.staff_welcome", map[string]string{"Name": c.person.DisplayName}))
}

// cmdPrivacy shows the notice again, with a way to withdraw consent (or,
// for someone who withdrew, to give it again).
func (b *Bot) cmdPrivacy(ctx context.Context, c *caller) {
	rows := [][]button{{
		{label: b.t(c, "privacy.withdraw", nil), option: "withdraw"},
		{label: b.t(c, "privacy.keep", nil), option: "keep"},
	}}
	if c.role == rolePaused {
		rows[0][0] = button{label: b.t(c, "privacy.rejoin", nil), option: "rejoin"}
	}
	kb, _, err := b.keyboard(ctx, c.id, kindPrivacy, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, b.t(c, noticeID(c.person.Role), nil)+"\n\n"+b.t(c, "privacy.how", nil), kb)
}

// onPrivacyButton handles the /privacy buttons.
func (b *Bot) onPrivacyButton(ctx context.Context, c *caller, p press) string {
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n\n→ "+p.label())
	switch {
	case p.option == "withdraw" && c.role != rolePaused:
		b.withdraw(ctx, c)
	case p.option == "rejoin" && c.role == rolePaused:
		b.rejoin(ctx, c)
	case p.option == "keep":
		return b.t(c, "privacy.kept", nil)
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// withdraw pauses the person, records the withdrawal, drops the messages
// queued for them, stops their flows, tells their responsible workers and
// confirms. After this the bot sends them nothing on its own: the jobs
// skip people who are not active.
func (b *Bot) withdraw(ctx context.Context, c *caller) {
	p := *c.person
	p.Status, p.UpdatedAt = housing.StatusPaused, b.cfg.Now()
	if err := b.store.UpdatePerson(ctx, &p); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, auditBy(&p, "person.pause", "person/"+p.ID, "consent withdrawn"))
	consentID := b.recordConsent(ctx, &p, housing.ConsentWithdrawn)
	if n, err := b.store.DropPending(ctx, p.ID); err != nil {
		b.logger.ErrorContext(ctx, "bot: drop queued messages of a withdrawal", slog.Any("err", err))
	} else if n > 0 {
		b.logger.InfoContext(ctx, "bot: dropped queued messages of a withdrawal", slog.Int("messages", n))
	}
	b.retireKeyboard(ctx, c)
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: forget conversation", slog.Any("err", err))
	}
	b.tellWorkers(ctx, &p, consentID)
	b.reply(ctx, c, b.t(c, "privacy.withdrawn", nil))
}

// tellWorkers lets the person's responsible workers know they withdrew
// consent, through the outbox so a failed send is retried, once per
// worker and withdrawal (consentID names the withdrawal; the time when it
// was not recorded). Staff see the case code before the name, and staff
// messages are not held by the quiet hours.
func (b *Bot) tellWorkers(ctx context.Context, p *housing.Person, consentID string) {
	care, err := b.store.CareInfo(ctx, p.ID)
	if err != nil {
		return // no care record: nobody to tell
	}
	b.audit(ctx, housing.AuditEntry{Actor: "bot", Action: "care.read", Record: "care/" + p.ID, Subject: p.ID,
		Purpose: "tell the responsible workers about a consent withdrawal"})
	if consentID == "" {
		consentID = strconv.FormatInt(p.UpdatedAt.UnixNano(), 10)
	}
	for _, id := range care.ResponsibleWorkers {
		w, err := b.store.Person(ctx, id)
		if err != nil || w.TelegramID == 0 || w.Status != housing.StatusActive {
			continue
		}
		m := housing.OutboxMessage{Key: "withdrawal:" + p.ID + ":" + w.ID + ":" + consentID, ChatID: w.TelegramID,
			PersonID: w.ID, Kind: "withdrawal", NotBefore: b.cfg.Now(),
			Text: b.tr.T(personLang(&w), "privacy.worker_notice", map[string]string{"Who": p.Label()})}
		if err := b.enqueue(ctx, m); err != nil {
			b.logger.ErrorContext(ctx, "bot: queue a withdrawal notice", slog.Any("err", err))
		}
	}
}

// rejoin gives consent again after a withdrawal.
func (b *Bot) rejoin(ctx context.Context, c *caller) {
	p := *c.person
	p.Status, p.UpdatedAt = housing.StatusActive, b.cfg.Now()
	if err := b.store.UpdatePerson(ctx, &p); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, auditBy(&p, "person.resume", "person/"+p.ID, "consent given again"))
	b.recordConsent(ctx, &p, housing.ConsentAccepted)
	b.reply(ctx, c, b.t(c, "privacy.rejoined", nil))
}
