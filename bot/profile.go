package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// cmdProfile shows the caller's answers with a Change button per section;
// someone without saved answers starts the interview, and someone in the
// middle of it gets the current question again.
func (b *Bot) cmdProfile(ctx context.Context, c *caller) {
	if c.conv.Flow == flowInterview {
		b.resume(ctx, c)
		return
	}
	prof, err := b.store.Profile(ctx, c.person.ID)
	if errors.Is(err, housing.ErrNotFound) {
		b.startInterview(ctx, c, housing.Profile{PersonID: c.person.ID}, "")
		return
	}
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.sendSummary(ctx, c, &prof, b.t(c, "summary.header", nil))
}

// sendSummary sends header, the answers section by section, and the Change
// buttons.
func (b *Bot) sendSummary(ctx context.Context, c *caller, p *housing.Profile, header string) {
	sections := sectionsFor(c.person.Role)
	var buttons []button
	for _, s := range sections {
		label := b.t(c, "summary.change", map[string]string{"Section": b.t(c, "section."+s, nil)})
		buttons = append(buttons, button{label: label, option: "s:" + s})
	}
	kb, _, err := b.keyboard(ctx, c.id, kindChange, grid(buttons, 2))
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, header+"\n"+b.summaryText(c, p), kb)
}

// summaryText lists a profile's answers in plain words. Only the person's
// own answers appear: care-team fields are never shown here.
func (b *Bot) summaryText(c *caller, p *housing.Profile) string {
	var sb strings.Builder
	qs := b.questions(c)
	for _, s := range sectionsFor(c.person.Role) {
		sb.WriteString("\n" + b.t(c, "section."+s, nil) + "\n")
		for i := range qs {
			if q := &qs[i]; q.section == s && q.applies(p) {
				sb.WriteString("• " + b.t(c, "q."+q.key+".short", nil) + ": " + b.answerText(c, q, p) + "\n")
			}
		}
	}
	return sb.String()
}

// answerText is one answer in words.
func (b *Bot) answerText(c *caller, q *question, p *housing.Profile) string {
	none := b.t(c, "summary.unanswered", nil)
	switch q.key {
	case "move_in":
		layout := b.t(c, "date.layout", nil)
		switch {
		case p.MoveInFrom.IsZero():
			return none
		case p.MoveInTo.IsZero():
			return b.t(c, "summary.move_from", map[string]string{"From": p.MoveInFrom.Format(layout)})
		}
		return b.t(c, "summary.move_between", map[string]string{
			"From": p.MoveInFrom.Format(layout), "To": p.MoveInTo.Format(layout)})
	case "budget":
		if p.BudgetMax == 0 {
			return none
		}
		return fmt.Sprintf("%d €", p.BudgetMax)
	}
	v := q.get(p)
	if len(v) == 0 {
		return none
	}
	switch q.kind {
	case qChoice, qLevel, qMulti:
		return b.joinLabels(c, q, v)
	case qLanguages:
		return strings.Join(languageNames(c.lang, v), ", ")
	}
	return strings.Join(v, ", ")
}

// joinLabels returns the labels of options, comma-separated.
func (b *Bot) joinLabels(c *caller, q *question, options []string) string {
	labels := make([]string, 0, len(options))
	for _, o := range options {
		if q.raw {
			labels = append(labels, o)
		} else {
			labels = append(labels, b.t(c, q.labelID(o), nil))
		}
	}
	return strings.Join(labels, ", ")
}

// languageNames returns the names of language codes in lang.
func languageNames(lang housing.Lang, codes []string) []string {
	var out []string
	for _, code := range codes {
		name := code
		for _, l := range knownLanguages() {
			if l.code == code {
				name = l.it
				if lang == housing.LangEN {
					name = l.en
				}
			}
		}
		out = append(out, name)
	}
	return out
}

// onChangeButton re-asks one section's questions, then shows the summary
// again.
func (b *Bot) onChangeButton(ctx context.Context, c *caller, p press) string {
	section := strings.TrimPrefix(p.option, "s:")
	if !slices.Contains(sectionsFor(c.person.Role), section) {
		return b.t(c, "button.stale", nil)
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, noKeyboard())
	prof, err := b.store.Profile(ctx, c.person.ID)
	switch {
	case errors.Is(err, housing.ErrNotFound):
		b.startInterview(ctx, c, housing.Profile{PersonID: c.person.ID}, "")
	case err != nil:
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	default:
		b.startInterview(ctx, c, prof, section)
	}
	return ""
}

// cmdLanguage offers the two languages.
func (b *Bot) cmdLanguage(ctx context.Context, c *caller) {
	rows := [][]button{{{label: "Italiano", option: string(housing.LangIT)}, {label: "English", option: string(housing.LangEN)}}}
	kb, _, err := b.keyboard(ctx, c.id, kindLang, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, b.t(c, "lang.choose", nil), kb)
}

// onLanguageButton stores the chosen language (on the person, or in the
// conversation before consent) and repeats the step in progress in it.
func (b *Bot) onLanguageButton(ctx context.Context, c *caller, p press) string {
	lang := housing.Lang(p.option)
	if !lang.Valid() {
		return b.t(c, "button.stale", nil)
	}
	if c.person != nil {
		person := *c.person
		person.Language, person.UpdatedAt = lang, b.cfg.Now()
		if err := b.store.UpdatePerson(ctx, &person); err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		b.audit(ctx, auditBy(&person, "person.language", "person/"+person.ID, "language "+string(lang)))
		c.person = &person
		if person.Role.Staff() {
			if err := b.registerChat(ctx, &person); err != nil {
				b.logger.WarnContext(ctx, "bot: staff command menu", "err", err)
			}
		}
	} else {
		c.conv.Lang = lang
		if err := b.saveConv(ctx, c.id, c.conv); err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
	}
	c.lang = lang
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
	b.reply(ctx, c, b.t(c, "lang.set", nil))
	if c.conv.Flow != flowNone {
		b.resume(ctx, c)
	}
	return ""
}
