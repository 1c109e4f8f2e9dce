package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

// onReviewButton handles a mediator's press on a proposal or a placement,
// or on the keyboard of a typed step. Options are "<verb>:<id>[:<arg>]".
func (b *Bot) onReviewButton(ctx context.Context, c *caller, p press) string {
	verb, rest, _ := strings.Cut(p.option, ":")
	id, arg, _ := strings.Cut(rest, ":")
	switch verb {
	case "approve", "reject", "reason", "note-skip", "alt", "details", "back":
		prop, err := b.districtProposal(ctx, c, id)
		if err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		if prop.Status != housing.ProposalPending {
			b.endReviewFlow(ctx, c, id)
			b.showCard(ctx, c, p.msg.MessageID, prop, nil)
			return b.clipAnswer(b.decisionLine(ctx, c.lang, prop))
		}
		return b.onPendingButton(ctx, c, p, verb, prop, arg)
	case "flow-cancel":
		b.endReviewFlow(ctx, c, "")
		b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
		return b.t(c, "cancel.review", nil)
	}
	return b.onPlacementButton(ctx, c, p, verb, id, arg)
}

// clipAnswer shortens a callback answer to Telegram's 200 characters.
func (b *Bot) clipAnswer(s string) string {
	r := []rune(s)
	if len(r) > 190 {
		return string(r[:190]) + "…"
	}
	return s
}

// districtProposal loads proposal id and checks that it is in the
// caller's district: mediators see only their own.
func (b *Bot) districtProposal(ctx context.Context, c *caller, id string) (housing.Proposal, error) {
	p, err := b.store.Proposal(ctx, id)
	if err != nil {
		return p, fmt.Errorf("bot: proposal %s: %w", id, err)
	}
	if p.District != c.person.District {
		return p, fmt.Errorf("bot: proposal %s is not in %s: %w", id, c.person.District, housing.ErrForbidden)
	}
	return p, nil
}

// onPendingButton handles a press on a pending proposal.
func (b *Bot) onPendingButton(ctx context.Context, c *caller, p press, verb string, prop housing.Proposal, arg string) string {
	msg := p.msg.MessageID
	switch verb {
	case "approve":
		return b.approveProposal(ctx, c, msg, prop)
	case "reject":
		b.endReviewFlow(ctx, c, prop.ID)
		b.askReason(ctx, c, msg, prop)
		return ""
	case "reason":
		return b.pickReason(ctx, c, msg, prop, arg)
	case "note-skip":
		if c.conv.Review == nil || c.conv.Review.Record != prop.ID {
			return b.t(c, "button.stale", nil)
		}
		return b.rejectProposal(ctx, c, msg, prop, c.conv.Review.Value, "")
	case "alt":
		b.endReviewFlow(ctx, c, prop.ID)
		return b.showAlternatives(ctx, c, msg, prop)
	case "details":
		return b.showProposalDetails(ctx, c, msg, prop)
	}
	b.endReviewFlow(ctx, c, prop.ID)
	b.showCard(ctx, c, msg, prop, b.cardRows(c.lang, prop.ID))
	return ""
}

// showCard redraws message msgID as prop's card with rows (none: no
// buttons).
func (b *Bot) showCard(ctx context.Context, c *caller, msgID int, prop housing.Proposal, rows [][]button) {
	text, err := b.proposalCard(ctx, c.lang, prop)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.editReview(ctx, c, msgID, text, kindReview, rows)
}

// editReview replaces message msgID's text and buttons; the buttons are a
// new pending action of kind.
func (b *Bot) editReview(ctx context.Context, c *caller, msgID int, text, kind string, rows [][]button) string {
	edit := tgbotapi.NewEditMessageText(c.chatID, msgID, text)
	id := ""
	if len(rows) > 0 {
		kb, aid, err := b.keyboard(ctx, c.id, kind, rows)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return ""
		}
		edit.ReplyMarkup, id = kb, aid
	}
	if _, err := b.out.Send(ctx, edit); err != nil && !IsNotModified(err) {
		b.logger.WarnContext(ctx, "bot: edit review message", "err", err)
	}
	return id
}

// approveProposal approves prop for the caller and starts the introduction.
func (b *Bot) approveProposal(ctx context.Context, c *caller, msgID int, prop housing.Proposal) string {
	pl, err := b.runner().Approve(ctx, prop.ID, actorOf(c))
	var se *housing.StateError
	switch {
	case errors.As(err, &se) && se.By != "":
		fresh, ferr := b.store.Proposal(ctx, prop.ID)
		if ferr != nil {
			return b.errorText(ctx, c.lang, ferr, scopeGeneral)
		}
		b.showCard(ctx, c, msgID, fresh, nil)
		return b.clipAnswer(b.decisionLine(ctx, c.lang, fresh))
	case errors.As(err, &se):
		b.showCard(ctx, c, msgID, prop, b.cardRows(c.lang, prop.ID))
		b.reply(ctx, c, b.t(c, "review.no_room", nil))
		return b.t(c, "review.no_room_short", nil)
	case err != nil:
		b.showCard(ctx, c, msgID, prop, b.cardRows(c.lang, prop.ID))
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	fresh, err := b.store.Proposal(ctx, prop.ID)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.showCard(ctx, c, msgID, fresh, nil)
	b.introduce(ctx, pl, c.person.ID)
	return b.t(c, "review.approved_short", nil)
}

// askReason shows the preset rejection reasons under the card.
func (b *Bot) askReason(ctx context.Context, c *caller, msgID int, prop housing.Proposal) {
	var buttons []button
	for _, code := range rounds.RejectReasons() {
		buttons = append(buttons, button{b.t(c, "review.reason."+code, nil), "reason:" + prop.ID + ":" + code})
	}
	rows := append(grid(buttons, 2), []button{{b.t(c, "review.btn.back", nil), "back:" + prop.ID}})
	text, err := b.proposalCard(ctx, c.lang, prop)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.editReview(ctx, c, msgID, text+"\n\n"+b.t(c, "review.reject.ask", nil), kindReview, rows)
}

// pickReason takes a preset reason and asks for an optional note (a
// required one for "other"), as the conversation's typed step.
func (b *Bot) pickReason(ctx context.Context, c *caller, msgID int, prop housing.Proposal, code string) string {
	if !slices.Contains(rounds.RejectReasons(), code) {
		return b.t(c, "button.stale", nil)
	}
	text, err := b.proposalCard(ctx, c.lang, prop)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	reason := b.t(c, "review.reason."+code, nil)
	rows := [][]button{{{b.t(c, "review.btn.reject_now", nil), "note-skip:" + prop.ID}}, {{b.t(c, "review.btn.back", nil), "back:" + prop.ID}}}
	ask := "review.reject.note"
	if code == rounds.ReasonOther {
		rows, ask = rows[1:], "review.reject.note_needed"
	}
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowReview, Message: msgID, Review: &reviewStep{Step: "note", Record: prop.ID, Value: code}}
	c.conv.Keyboard = b.editReview(ctx, c, msgID, text+"\n\n"+b.t(c, ask, map[string]any{"Reason": reason}), kindFlow, rows)
	b.saveReviewFlow(ctx, c)
	return ""
}

// rejectProposal rejects prop with reason code and note.
func (b *Bot) rejectProposal(ctx context.Context, c *caller, msgID int, prop housing.Proposal, code, note string) string {
	reason, err := rounds.FormatReason(code, note)
	if err != nil {
		b.reply(ctx, c, b.t(c, "review.reject.note_needed", map[string]any{"Reason": b.t(c, "review.reason."+code, nil)}))
		return ""
	}
	b.endReviewFlow(ctx, c, prop.ID)
	_, err = b.runner().Reject(ctx, prop.ID, actorOf(c), reason)
	var se *housing.StateError
	if err != nil && !errors.As(err, &se) {
		b.showCard(ctx, c, msgID, prop, b.cardRows(c.lang, prop.ID))
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	fresh, ferr := b.store.Proposal(ctx, prop.ID)
	if ferr != nil {
		return b.errorText(ctx, c.lang, ferr, scopeGeneral)
	}
	b.showCard(ctx, c, msgID, fresh, nil)
	if err != nil {
		return b.clipAnswer(b.decisionLine(ctx, c.lang, fresh))
	}
	b.reply(ctx, c, b.t(c, "review.rejected", nil))
	return b.t(c, "review.rejected_short", nil)
}

// saveReviewFlow stores the caller's conversation, telling them when it
// cannot.
func (b *Bot) saveReviewFlow(ctx context.Context, c *caller) {
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
	}
}

// endReviewFlow forgets the caller's typed step about record (any record
// when empty), keeping the message it belonged to.
func (b *Bot) endReviewFlow(ctx context.Context, c *caller, record string) {
	if c.conv.Flow != flowReview || (record != "" && c.conv.Review != nil && c.conv.Review.Record != record) {
		return
	}
	b.dropAction(ctx, c.conv.Keyboard)
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: end review step", "err", err)
	}
}

// showAlternatives replaces the card with the proposal's next best options.
func (b *Bot) showAlternatives(ctx context.Context, c *caller, msgID int, prop housing.Proposal) string {
	text := b.t(c, "review.alt.none", nil)
	alt, err := b.runner().Alternatives(ctx, prop.ID, actorOf(c))
	switch {
	case err == nil:
		if text, err = b.alternativesText(ctx, c.lang, prop, alt); err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
	case !errors.Is(err, housing.ErrNotFound):
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	rows := [][]button{
		{{b.t(c, "review.btn.approve", nil), "approve:" + prop.ID}, {b.t(c, "review.btn.reject", nil), "reject:" + prop.ID}},
		{{b.t(c, "review.btn.back", nil), "back:" + prop.ID}},
	}
	b.editReview(ctx, c, msgID, text, kindReview, rows)
	return ""
}

// alternativesText writes a proposal's alternatives for a mediator.
func (b *Bot) alternativesText(ctx context.Context, lang housing.Lang, prop housing.Proposal, alt rounds.Alternatives) (string, error) {
	names := map[string]string{}
	for _, id := range append(slices.Clone(prop.Members), altPeople(alt)...) {
		if _, ok := names[id]; ok {
			continue
		}
		p, err := b.store.Person(ctx, id)
		if err != nil {
			return "", fmt.Errorf("bot: person %s: %w", id, err)
		}
		names[id] = p.Label()
	}
	homes := map[string]string{}
	homeName := func(id string) string {
		if _, ok := homes[id]; !ok {
			homes[id] = id
			if h, err := b.store.Home(ctx, id); err == nil {
				homes[id] = homeCode(&h)
			}
		}
		return homes[id]
	}
	var sb strings.Builder
	sb.WriteString(b.tr.T(lang, "review.alt.title", map[string]any{"ID": prop.ID, "Date": alt.At.In(b.cfg.Location).Format("02/01/2006")}))
	for _, m := range alt.Members {
		sb.WriteString("\n\n" + names[m.PersonID] + ":")
		for _, o := range m.Partners {
			sb.WriteString("\n• " + b.optionLine(lang, b.tr.T(lang, "review.alt.with", map[string]any{"Who": names[o.PersonID]}), o))
		}
		for _, o := range m.Homes {
			sb.WriteString("\n• " + b.optionLine(lang, b.tr.T(lang, "review.alt.home", map[string]any{"Home": homeName(o.HomeID)}), o))
		}
		if len(m.Partners)+len(m.Homes) == 0 {
			sb.WriteString("\n• " + b.tr.T(lang, "review.alt.nothing", nil))
		}
	}
	sb.WriteString("\n\n" + b.tr.T(lang, "review.alt.for_home", map[string]any{"Home": homeName(prop.HomeID)}))
	for _, o := range alt.ForHome {
		sb.WriteString("\n• " + b.optionLine(lang, names[o.PersonID], o))
	}
	if len(alt.ForHome) == 0 {
		sb.WriteString("\n• " + b.tr.T(lang, "review.alt.nothing", nil))
	}
	return sb.String(), nil
}

// altPeople returns everyone an Alternatives names.
func altPeople(a rounds.Alternatives) []string {
	var out []string
	for _, m := range a.Members {
		out = append(out, m.PersonID)
		for _, o := range m.Partners {
			out = append(out, o.PersonID)
		}
	}
	for _, o := range a.ForHome {
		out = append(out, o.PersonID)
	}
	return out
}

// optionLine writes one alternative: what, score, main factors, and
// whether it is still free.
func (b *Bot) optionLine(lang housing.Lang, what string, o rounds.Option) string {
	s := what + " — " + scorePoints(lang, o.Score, false) + "/100"
	if len(o.Factors) > 0 {
		s += " (" + b.factorList(lang, o.Factors) + ")"
	}
	if o.Taken {
		s += " " + b.tr.T(lang, "review.alt.taken", nil)
	}
	return s
}

// showProposalDetails replaces the card with the full factor breakdown and the
// constraints checked, and waits for a name to answer "why not?".
func (b *Bot) showProposalDetails(ctx context.Context, c *caller, msgID int, prop housing.Proposal) string {
	text, err := b.proposalCard(ctx, c.lang, prop)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	text += "\n\n" + b.detailsText(c.lang, prop) + "\n\n" + b.t(c, "review.details.whynot", nil)
	b.auditMembers(ctx, c.person, "proposal.details", prop, "mediator review")
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowReview, Message: msgID, Review: &reviewStep{Step: "whynot", Record: prop.ID}}
	rows := [][]button{
		{{b.t(c, "review.btn.approve", nil), "approve:" + prop.ID}, {b.t(c, "review.btn.reject", nil), "reject:" + prop.ID}},
		{{b.t(c, "review.btn.back", nil), "back:" + prop.ID}},
	}
	c.conv.Keyboard = b.editReview(ctx, c, msgID, text, kindFlow, rows)
	b.saveReviewFlow(ctx, c)
	return ""
}

// detailsText lists every factor's contribution, largest first, the
// constraints checked and the warnings.
func (b *Bot) detailsText(lang housing.Lang, prop housing.Proposal) string {
	fs := slices.Clone(prop.Factors)
	slices.SortStableFunc(fs, func(x, y housing.Factor) int { return absInt(y.Contribution) - absInt(x.Contribution) })
	lines := []string{b.tr.T(lang, "review.details.factors", nil)}
	for _, f := range fs {
		if f.Key == matching.BaselineKey {
			lines = append(lines, "• "+b.tr.T(lang, f.Key, nil)+" "+scorePoints(lang, f.Contribution, false))
			continue
		}
		lines = append(lines, "• "+b.tr.T(lang, f.Key, nil)+" "+scorePoints(lang, f.Contribution, true))
	}
	if len(prop.Checked) > 0 {
		lines = append(lines, "", b.tr.T(lang, "review.details.checked", nil))
		for _, k := range prop.Checked {
			lines = append(lines, "✓ "+b.tr.T(lang, k, nil))
		}
	}
	return strings.Join(lines, "\n")
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// reviewText handles what a mediator types during flowReview.
func (b *Bot) reviewText(ctx context.Context, c *caller, text string) {
	st := c.conv.Review
	if st == nil {
		b.endReviewFlow(ctx, c, "")
		b.reply(ctx, c, b.t(c, "unknown_text", nil))
		return
	}
	switch st.Step {
	case "note":
		prop, err := b.districtProposal(ctx, c, st.Record)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
		b.rejectProposal(ctx, c, c.conv.Message, prop, st.Value, text)
	case "whynot":
		b.whyNot(ctx, c, st.Record, text)
	default:
		b.placementText(ctx, c, st, text)
	}
}

// whyNot answers "why not <query>?" about proposal id.
func (b *Bot) whyNot(ctx context.Context, c *caller, id, query string) {
	prop, err := b.districtProposal(ctx, c, id)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	ans, err := b.runner().WhyNot(ctx, id, query, actorOf(c))
	switch {
	case errors.Is(err, housing.ErrNotFound):
		b.reply(ctx, c, b.t(c, "review.whynot.nobody", map[string]any{"Query": query, "District": prop.District}))
		return
	case err != nil:
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.whyNotText(ctx, c, prop, ans)+"\n\n"+b.t(c, "review.whynot.more", nil))
}

// whyNotText writes a WhyNotAnswer for a mediator.
func (b *Bot) whyNotText(ctx context.Context, c *caller, prop housing.Proposal, ans rounds.WhyNotAnswer) string {
	if len(ans.Matches) > 0 {
		var ls []string
		for _, p := range ans.Matches {
			ls = append(ls, p.Label())
		}
		return b.t(c, "review.whynot.many", map[string]any{"List": strings.Join(ls, ", ")})
	}
	target := ""
	if ans.Person != nil {
		target = ans.Person.Label()
		b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: "proposal.whynot",
			Record: "proposal/" + prop.ID, Subject: ans.Person.ID, Purpose: "mediator review"})
	} else {
		target = b.t(c, "review.alt.home", map[string]any{"Home": homeCode(ans.Home)})
	}
	var lines []string
	if ans.Busy != "" {
		lines = append(lines, b.t(c, "review.whynot.busy_"+ans.Busy, map[string]any{"Who": target}))
	}
	if ans.NoProfile {
		lines = append(lines, b.t(c, "review.whynot.no_profile", map[string]any{"Who": target}))
	}
	for _, v := range ans.Verdicts {
		data := map[string]any{"Member": b.staffName(ctx, v.PersonID), "Who": target,
			"Score": scorePoints(c.lang, v.Score, false), "Proposal": scorePoints(c.lang, prop.Score, false)}
		if v.Allowed {
			lines = append(lines, b.t(c, "review.whynot.allowed", data))
			continue
		}
		var rs []string
		for _, r := range v.Reasons {
			rs = append(rs, b.t(c, r.Key, nil))
		}
		data["Reasons"] = strings.Join(rs, "; ")
		lines = append(lines, b.t(c, "review.whynot.removed", data))
	}
	return strings.Join(lines, "\n")
}
