package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// The interview asks the questions of interview_questions.go one at a
// time. Answers go into a draft in the conversation state after every
// step, so a restart resumes at the same question; the Profile is saved
// (version-checked) when the interview, or the section being changed,
// ends.

// questions returns the caller's whole interview.
func (b *Bot) questions(c *caller) []question {
	role := housing.RoleBeneficiary
	if c.person != nil {
		role = c.person.Role
	}
	return questionsFor(role, b.cfg.Districts, b.cfg.Now().Year())
}

// inScope reports whether q is asked now: in the section being changed
// (if any) and applicable to the answers so far.
func (c *caller) inScope(q *question) bool {
	return (c.conv.Section == "" || q.section == c.conv.Section) && q.applies(c.conv.Draft)
}

// scope returns the questions asked now, in order.
func (b *Bot) scope(c *caller) []question {
	var out []question
	for _, q := range b.questions(c) {
		if c.inScope(&q) {
			out = append(out, q)
		}
	}
	return out
}

// current returns the question being asked.
func (b *Bot) current(c *caller) (question, bool) {
	if c.conv.Draft == nil {
		return question{}, false
	}
	for _, q := range b.scope(c) {
		if q.key == c.conv.Step {
			return q, true
		}
	}
	return question{}, false
}

// neighbour returns the question asked after (dir 1) or before (dir -1)
// the one with key.
func (b *Bot) neighbour(c *caller, key string, dir int) (question, bool) {
	qs := b.questions(c)
	i := slices.IndexFunc(qs, func(q question) bool { return q.key == key })
	if i < 0 {
		return question{}, false
	}
	for i += dir; i >= 0 && i < len(qs); i += dir {
		if c.inScope(&qs[i]) {
			return qs[i], true
		}
	}
	return question{}, false
}

// draftOf returns the caller's draft answers, or an empty profile.
func (b *Bot) draftOf(c *caller) housing.Profile {
	if c.conv.Draft != nil {
		return *c.conv.Draft
	}
	return housing.Profile{PersonID: c.person.ID}
}

// startInterview asks the first question of the whole interview
// (section "") or of one section.
func (b *Bot) startInterview(ctx context.Context, c *caller, draft housing.Profile, section string) {
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowInterview, Section: section, Draft: &draft, Explained: c.conv.Explained}
	qs := b.scope(c)
	if len(qs) == 0 {
		b.finish(ctx, c)
		return
	}
	if section == "" {
		intro := "interview.intro"
		if c.person.Role == housing.RoleHost {
			intro = "interview.intro_host"
		}
		b.reply(ctx, c, b.t(c, intro, nil))
	}
	b.ask(ctx, c, qs[0])
}

// ask sends question q with its progress marker, the reason for asking the
// first time, and its buttons.
func (b *Bot) ask(ctx context.Context, c *caller, q question) {
	n, total := b.progress(c, q.key)
	text := b.t(c, "interview.progress", map[string]int{"N": n, "Total": total}) + "\n\n" + b.t(c, "q."+q.key, nil)
	why := "q." + q.key + ".why"
	if c.conv.Section == "" && !slices.Contains(c.conv.Explained, q.key) && b.tr.has(why) {
		text += "\n\n" + b.t(c, why, nil)
		c.conv.Explained = append(c.conv.Explained, q.key)
	}
	if q.kind == qMulti && c.conv.Step != q.key {
		c.conv.Selected = q.get(c.conv.Draft)
	}
	c.conv.Step = q.key
	c.conv.Keyboard, c.conv.Message = "", 0
	if rows := b.questionRows(c, &q, n > 1); len(rows) > 0 {
		b.askFlow(ctx, c, text, rows)
		return
	}
	c.conv.Message = b.send(ctx, c.chatID, text, nil)
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
	}
}

// progress returns the position of question key and the number of
// questions: those already passed that applied, this one, and every one
// still ahead, conditional or not, so the total only ever shrinks.
func (b *Bot) progress(c *caller, key string) (n, total int) {
	ahead := false
	for _, q := range b.questions(c) {
		switch {
		case c.conv.Section != "" && q.section != c.conv.Section:
		case q.key == key:
			ahead = true
			total++
			n = total
		case ahead || q.applies(c.conv.Draft):
			total++
		}
	}
	return n, total
}

// questionRows returns the buttons of q: its options (the current answer
// ticked), Done for a multi-select, then Back and Skip.
func (b *Bot) questionRows(c *caller, q *question, back bool) [][]button {
	var rows [][]button
	chosen := q.get(c.conv.Draft)
	if q.kind == qMulti {
		chosen = c.conv.Selected
	}
	var opts []button
	for _, o := range q.options {
		label := o
		if !q.raw {
			label = b.t(c, q.labelID(o), nil)
		}
		option := "v:" + o
		if q.kind == qMulti {
			option = "t:" + o
		}
		if slices.Contains(chosen, o) {
			label = "✓ " + label
		}
		opts = append(opts, button{label: label, option: option})
	}
	switch {
	case q.kind == qLevel || (q.kind == qChoice && len(opts) > 2):
		rows = grid(opts, 1)
	case len(opts) > 0:
		rows = grid(opts, 2)
	}
	if q.kind == qMulti {
		rows = append(rows, []button{{label: b.t(c, "btn.done", nil), option: "done"}})
	}
	var nav []button
	if back {
		nav = append(nav, button{label: b.t(c, "btn.back", nil), option: "back"})
	}
	if q.optional {
		nav = append(nav, button{label: b.t(c, "btn.skip", nil), option: "skip"})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows
}

// onInterviewButton handles a press under the current question.
func (b *Bot) onInterviewButton(ctx context.Context, c *caller, p press) string {
	q, ok := b.current(c)
	if !ok {
		b.resume(ctx, c)
		return ""
	}
	kind, value, _ := strings.Cut(p.option, ":")
	var echo string
	switch kind {
	case "t":
		c.conv.Selected = toggle(c.conv.Selected, value)
		return b.redrawMulti(ctx, c, &q, p, "")
	case "done":
		if len(c.conv.Selected) == 0 && !q.optional {
			return b.redrawMulti(ctx, c, &q, p, b.t(c, "interview.pick_one", nil))
		}
		sel := ordered(q.options, c.conv.Selected)
		q.set(c.conv.Draft, sel, b.cfg.Now())
		echo = b.joinLabels(c, &q, sel)
	case "v":
		q.set(c.conv.Draft, []string{value}, b.cfg.Now())
		echo = strings.TrimPrefix(p.label(), "✓ ")
	case "skip":
		q.set(c.conv.Draft, nil, b.cfg.Now())
		echo = p.label()
	case "back":
		b.editKeyboard(ctx, c.chatID, p.msg.MessageID, noKeyboard())
		if prev, ok := b.neighbour(c, q.key, -1); ok {
			q = prev
		}
		b.ask(ctx, c, q)
		return ""
	}
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+echo)
	b.next(ctx, c, q)
	return ""
}

// redrawMulti replaces a multi-select's keyboard after a toggle (the
// pressed action is spent, so the new keyboard is a new action) and
// returns the callback answer.
func (b *Bot) redrawMulti(ctx context.Context, c *caller, q *question, p press, answer string) string {
	n, _ := b.progress(c, q.key)
	kb, id, err := b.keyboard(ctx, c.id, kindFlow, b.questionRows(c, q, n > 1))
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	c.conv.Keyboard, c.conv.Message = id, p.msg.MessageID
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.dropAction(ctx, id)
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
	return answer
}

// toggle adds v to set, or removes it.
func toggle(set []string, v string) []string {
	if i := slices.Index(set, v); i >= 0 {
		return slices.Delete(slices.Clone(set), i, i+1)
	}
	return append(slices.Clone(set), v)
}

// ordered returns the options in sel, in the order of options.
func ordered(options, sel []string) []string {
	var out []string
	for _, o := range options {
		if slices.Contains(sel, o) {
			out = append(out, o)
		}
	}
	return out
}

// interviewText handles a typed answer.
func (b *Bot) interviewText(ctx context.Context, c *caller, text string) {
	q, ok := b.current(c)
	if !ok {
		b.resume(ctx, c)
		return
	}
	vals, problem := b.parseAnswer(c, &q, text)
	if problem != "" {
		b.reply(ctx, c, problem)
		return
	}
	q.set(c.conv.Draft, vals, b.cfg.Now())
	b.retireKeyboard(ctx, c)
	b.next(ctx, c, q)
}

// parseAnswer reads a typed answer to q, or returns a helpful reply
// saying what to write.
func (b *Bot) parseAnswer(c *caller, q *question, text string) ([]string, string) {
	switch q.kind {
	case qNumber:
		n, ok := parseNumber(text)
		if !ok || n < q.min || n > q.max {
			return nil, b.t(c, "q."+q.key+".invalid", map[string]int{"Min": q.min, "Max": q.max})
		}
		return []string{strconv.Itoa(n)}, ""
	case qText:
		s := strings.TrimSpace(text)
		if s == "" || utf8.RuneCountInString(s) > q.max {
			return nil, b.t(c, "text.invalid", map[string]int{"Max": q.max})
		}
		return []string{s}, ""
	case qLanguages:
		codes, unknown := parseLanguages(text)
		if len(unknown) > 0 || len(codes) == 0 {
			return nil, b.t(c, "q.languages.invalid", map[string]string{"Words": strings.Join(unknown, ", ")})
		}
		return codes, ""
	}
	return nil, b.t(c, "use_buttons", nil)
}

// next asks the question after q, or ends the interview.
func (b *Bot) next(ctx context.Context, c *caller, q question) {
	c.conv.Keyboard, c.conv.Message = "", 0
	if n, ok := b.neighbour(c, q.key, 1); ok {
		b.ask(ctx, c, n)
		return
	}
	b.finish(ctx, c)
}

// finish saves the profile (version-checked) and shows the summary.
func (b *Bot) finish(ctx context.Context, c *caller) {
	draft := b.draftOf(c)
	normalize(&draft, b.questions(c))
	draft.PersonID, draft.UpdatedAt = c.person.ID, b.cfg.Now()
	section := c.conv.Section
	err := b.store.PutProfile(ctx, &draft)
	if err != nil && !errors.Is(err, housing.ErrConflict) {
		// Keep the draft: /start asks the last question again.
		if serr := b.saveConv(ctx, c.id, c.conv); serr != nil {
			b.logger.WarnContext(ctx, "bot: keep interview draft", "err", serr)
		}
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	c.conv = conversation{}
	if cerr := b.clearConv(ctx, c.id); cerr != nil {
		b.logger.WarnContext(ctx, "bot: end interview", "err", cerr)
	}
	if err != nil { // changed elsewhere meanwhile: show what is stored
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		b.cmdProfile(ctx, c)
		return
	}
	purpose := "interview"
	if section != "" {
		purpose = "edit " + section
	}
	b.audit(ctx, auditBy(c.person, "profile.write", "profile/"+c.person.ID, purpose))
	header := "interview.done"
	if section != "" {
		header = "interview.section_saved"
	}
	b.sendSummary(ctx, c, &draft, b.t(c, header, nil))
}

// parseNumber reads a whole number the way people type it: "300",
// "300 €", "1.200", "euro 450".
func parseNumber(text string) (int, bool) {
	s := strings.ToLower(strings.TrimSpace(text))
	for _, unit := range []string{"€", "euro", "eur"} {
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, unit), unit))
	}
	if groupedThousands(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	if s == "" || len(s) > 9 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// groupedThousands reports whether s is digits with dots between
// thousands, like "1.200".
func groupedThousands(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts[0]) < 1 || len(parts[0]) > 3 {
		return false
	}
	for i, p := range parts {
		if (i > 0 && len(p) != 3) || strings.IndexFunc(p, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return false
		}
	}
	return true
}

// parseLanguages reads a list of languages written as names (Italian or
// English) or ISO codes, separated by commas, spaces or "e"/"and". It
// returns the codes, without repeats, and the words it did not know.
func parseLanguages(text string) (codes, unknown []string) {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '.' || unicode.IsSpace(r)
	})
	for _, w := range words {
		if slices.Contains([]string{"e", "ed", "and", "o", "or", "un", "po'", "poco", "a", "bit", "little"}, w) {
			continue
		}
		code, ok := languageCode(w)
		switch {
		case !ok:
			unknown = append(unknown, w)
		case !slices.Contains(codes, code):
			codes = append(codes, code)
		}
	}
	return codes, unknown
}

// languageCode finds a language by code or name.
func languageCode(word string) (string, bool) {
	for _, l := range knownLanguages() {
		if word == l.code || word == l.it || word == strings.ToLower(l.en) || slices.Contains(l.aliases, word) {
			return l.code, true
		}
	}
	return "", false
}
