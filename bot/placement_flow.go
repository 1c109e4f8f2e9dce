package bot

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

// The steps a mediator types through after everyone said yes: the meeting
// (when, then where), the trial's end, the exit goal; and the buttons that
// extend, end or change a placement.

// exitGoals are the preset exit goals: the code a button carries and the
// words stored in the placement (staff English).
func exitGoals() [][2]string {
	return [][2]string{
		{"erp", "own ERP flat"}, {"two", "flat for two"}, {"cohousing", "long-term cohousing"}, {"family", "back with family"},
	}
}

// goalWords returns the stored words of a preset goal code ("" for none).
func (b *Bot) goalWords(code string) string {
	for _, g := range exitGoals() {
		if g[0] == code {
			return g[1]
		}
	}
	return ""
}

// goalLabel translates a stored preset goal; typed goals show as typed.
func (b *Bot) goalLabel(lang housing.Lang, goal string) string {
	for _, g := range exitGoals() {
		if g[1] == goal {
			return b.tr.T(lang, "review.goal."+g[0], nil)
		}
	}
	return goal
}

// dayText and clockTime write times in the Bot's location.
func (b *Bot) dayText(t time.Time) string  { return t.In(b.cfg.Location).Format("02/01/2006") }
func (b *Bot) timeText(t time.Time) string { return t.In(b.cfg.Location).Format("15:04") }

// startReviewStep sets the caller in flowReview at step for record and asks
// text with rows (a Cancel button is added).
func (b *Bot) startReviewStep(ctx context.Context, c *caller, step, record, value, text string, rows [][]button) {
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowReview, Review: &reviewStep{Step: step, Record: record, Value: value}}
	rows = append(rows, []button{{b.t(c, "review.btn.cancel", nil), "flow-cancel"}})
	b.askFlow(ctx, c, text, rows)
}

// askMeeting asks when the meeting is, once everyone said yes.
func (b *Bot) askMeeting(ctx context.Context, c *caller, pl housing.Placement) {
	st, err := b.runner().IntroStatus(ctx, pl.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if pl.Status != housing.PlacementIntroduced || !st.AllYes {
		b.reply(ctx, c, b.t(c, "review.meet.not_yet", nil))
		return
	}
	b.startReviewStep(ctx, c, "meet-when", pl.ID, "", b.t(c, "review.meet.when", nil), nil)
}

// placementText handles the typed steps about a placement.
func (b *Bot) placementText(ctx context.Context, c *caller, st *reviewStep, text string) {
	pl, err := b.districtPlacement(ctx, c, st.Record)
	if err != nil {
		b.endReviewFlow(ctx, c, "")
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	now := b.cfg.Now()
	switch st.Step {
	case "meet-when":
		at, ok := parseReviewDate(text, now, b.cfg.Location, true)
		if !ok || !at.After(now) {
			b.reply(ctx, c, b.t(c, "review.meet.when_invalid", nil))
			return
		}
		b.startReviewStep(ctx, c, "meet-where", pl.ID, at.Format(time.RFC3339), b.t(c, "review.meet.where",
			map[string]any{"Date": b.dayText(at), "Time": b.timeText(at)}), nil)
	case "meet-where":
		at, err := time.Parse(time.RFC3339, st.Value)
		if err != nil {
			b.endReviewFlow(ctx, c, "")
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
		b.setMeeting(ctx, c, pl, at, text)
	case "trial":
		end, ok := parseReviewDate(text, now, b.cfg.Location, false)
		if !ok || !end.After(now) {
			b.reply(ctx, c, b.t(c, "review.trial.invalid", nil))
			return
		}
		b.startTrial(ctx, c, pl, end)
	case "goal":
		b.startPlacement(ctx, c, pl, text)
	default:
		b.endReviewFlow(ctx, c, "")
		b.reply(ctx, c, b.t(c, "unknown_text", nil))
	}
}

// setMeeting records the meeting and tells everyone concerned when and
// where: the only address they get.
func (b *Bot) setMeeting(ctx context.Context, c *caller, pl housing.Placement, at time.Time, place string) {
	m, err := b.runner().ScheduleMeeting(ctx, pl.ID, at, place, actorOf(c))
	if errors.Is(err, housing.ErrInvalid) {
		b.reply(ctx, c, b.t(c, "review.meet.where_invalid", nil))
		return
	}
	b.endReviewFlow(ctx, c, "")
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.tellMeeting(ctx, pl, m)
	b.sendReviewRows(ctx, c, b.t(c, "review.meet.done", map[string]any{"Date": b.dayText(m.At), "Time": b.timeText(m.At),
		"Place": m.Place}), [][]button{
		{{b.t(c, "review.btn.trial", nil), "trial:" + pl.ID}, {b.t(c, "review.btn.start", nil), "start:" + pl.ID}},
		{{b.t(c, "review.btn.end", nil), "end:" + pl.ID}},
	})
}

// tellMeeting tells everyone concerned by pl when and where they meet,
// once per meeting time.
func (b *Bot) tellMeeting(ctx context.Context, pl housing.Placement, m rounds.Meeting) {
	b.tellConcerned(ctx, pl, "meeting:"+pl.ID+":"+strconv.FormatInt(m.At.Unix(), 10), "review.meet.people",
		map[string]any{"Date": b.dayText(m.At), "Time": b.timeText(m.At), "Place": m.Place})
}

// sendReviewRows sends text with mediator buttons.
func (b *Bot) sendReviewRows(ctx context.Context, c *caller, text string, rows [][]button) {
	kb, _, err := b.keyboard(ctx, c.id, kindReview, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, text, kb)
}

// askTrial asks until when the trial stay lasts.
func (b *Bot) askTrial(ctx context.Context, c *caller, pl housing.Placement) {
	b.startReviewStep(ctx, c, "trial", pl.ID, "", b.t(c, "review.trial.ask", nil), [][]button{{
		{b.t(c, "review.btn.two_weeks", nil), "trial-days:" + pl.ID + ":14"},
		{b.t(c, "review.btn.one_month", nil), "trial-days:" + pl.ID + ":30"},
	}})
}

// startTrialIn starts a trial of arg days.
func (b *Bot) startTrialIn(ctx context.Context, c *caller, pl housing.Placement, arg string) string {
	days, err := strconv.Atoi(arg)
	if err != nil || days < 1 || days > 92 {
		return b.t(c, "button.stale", nil)
	}
	b.startTrial(ctx, c, pl, b.cfg.Now().AddDate(0, 0, days))
	return ""
}

// startTrial starts the trial until end and tells everyone concerned.
func (b *Bot) startTrial(ctx context.Context, c *caller, pl housing.Placement, end time.Time) {
	b.endReviewFlow(ctx, c, "")
	pl, err := b.runner().StartTrial(ctx, pl.ID, actorOf(c), end)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.tellConcerned(ctx, pl, "trial:"+pl.ID, "review.trial.people", map[string]any{"Date": b.dayText(end)})
	b.sendReviewRows(ctx, c, b.t(c, "review.trial.done", map[string]any{"Date": b.dayText(end)}), [][]button{
		{{b.t(c, "review.btn.start", nil), "start:" + pl.ID}}, {{b.t(c, "review.btn.end", nil), "end:" + pl.ID}},
	})
}

// tellConcerned queues message id to everyone concerned by pl (with
// their first name as Name), under key + ":" + person id.
func (b *Bot) tellConcerned(ctx context.Context, pl housing.Placement, key, id string, data map[string]any) {
	people, _, err := b.concernedPeople(ctx, pl)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: people of a placement", slog.String("placement", pl.ID), slog.Any("err", err))
		return
	}
	for i := range people {
		d := map[string]any{"Name": people[i].DisplayName}
		for k, v := range data {
			d[k] = v
		}
		text := b.tr.T(personLang(&people[i]), id, d)
		if err := b.notify(ctx, &people[i], notice{key: key + ":" + people[i].ID, kind: "placement", text: text}); err != nil {
			b.logger.ErrorContext(ctx, "bot: tell placement news", slog.Any("err", err))
		}
	}
}

// askGoal asks the exit goal before the placement starts.
func (b *Bot) askGoal(ctx context.Context, c *caller, pl housing.Placement) {
	var buttons []button
	for _, g := range exitGoals() {
		buttons = append(buttons, button{b.t(c, "review.goal."+g[0], nil), "goal:" + pl.ID + ":" + g[0]})
	}
	buttons = append(buttons, button{b.t(c, "review.goal.later", nil), "goal:" + pl.ID + ":later"})
	b.startReviewStep(ctx, c, "goal", pl.ID, "", b.t(c, "review.goal.ask", nil), grid(buttons, 2))
}

// startPlacement starts living together with goal, and tells everyone.
func (b *Bot) startPlacement(ctx context.Context, c *caller, pl housing.Placement, goal string) {
	b.endReviewFlow(ctx, c, "")
	pl, err := b.runner().Start(ctx, pl.ID, actorOf(c), rounds.StartOptions{ExitGoal: goal})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.tellConcerned(ctx, pl, "start:"+pl.ID, "review.start.people", nil)
	b.reply(ctx, c, b.t(c, "review.start.done", map[string]any{"Review": b.dayText(pl.ReviewDate)}))
	b.showPlacement(ctx, c, pl)
}

// extendPlacement moves the review date by arg months from the later of now and
// the current review date.
func (b *Bot) extendPlacement(ctx context.Context, c *caller, pl housing.Placement, arg string) {
	months, err := strconv.Atoi(arg)
	if err != nil || months < 1 || months > 12 {
		b.reply(ctx, c, b.t(c, "button.stale", nil))
		return
	}
	base := b.cfg.Now()
	if pl.ReviewDate.After(base) {
		base = pl.ReviewDate
	}
	pl, err = b.runner().Extend(ctx, pl.ID, actorOf(c), base.AddDate(0, months, 0), "")
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "review.extended", map[string]any{"Date": b.dayText(pl.ReviewDate)}))
}

// askOutcome asks how the placement ends.
func (b *Bot) askOutcome(ctx context.Context, c *caller, pl housing.Placement) {
	var buttons []button
	for _, o := range rounds.Outcomes() {
		buttons = append(buttons, button{b.t(c, "review.outcome."+string(o), nil), "out:" + pl.ID + ":" + string(o)})
	}
	b.sendReviewRows(ctx, c, b.t(c, "review.end.ask", map[string]any{"ID": placementCode(&pl)}), grid(buttons, 2))
}

// endPlacement ends the placement with outcome; its places are free for the next
// round.
func (b *Bot) endPlacement(ctx context.Context, c *caller, pl housing.Placement, outcome housing.Outcome) {
	if _, err := b.runner().End(ctx, pl.ID, actorOf(c), outcome, "ended in chat"); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "review.ended", map[string]any{"Outcome": b.t(c, "review.outcome."+string(outcome), nil)}))
}

// askMoveOut asks who moves out.
func (b *Bot) askMoveOut(ctx context.Context, c *caller, pl housing.Placement) {
	var buttons []button
	for _, id := range pl.Residents {
		buttons = append(buttons, button{b.staffName(ctx, id), "mv:" + pl.ID + ":" + id})
	}
	b.sendReviewRows(ctx, c, b.t(c, "review.move.ask", nil), grid(buttons, 1))
}

// moveOutOf takes person id out of the placement.
func (b *Bot) moveOutOf(ctx context.Context, c *caller, pl housing.Placement, id string) {
	if _, err := b.runner().MoveOut(ctx, pl.ID, id, actorOf(c), "moved in chat"); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "review.moved", map[string]any{"Who": b.staffName(ctx, id)}))
}

// reviewDateRE reads "03/12", "3/12/2026", "03.12 16:30", "3/12 alle 9".
var reviewDateRE = regexp.MustCompile(`^\s*(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?:[\s,]+(?:alle|ore|at|h)?\s*(\d{1,2})(?:[:.](\d{2}))?)?\s*$`)

// parseReviewDate reads a day (and, when needTime, a time) typed by a mediator,
// in loc. Without a year it is the next such day from now.
func parseReviewDate(s string, now time.Time, loc *time.Location, needTime bool) (time.Time, bool) {
	m := reviewDateRE.FindStringSubmatch(s)
	if m == nil || (needTime && m[4] == "") {
		return time.Time{}, false
	}
	num := func(s string, def int) int {
		if s == "" {
			return def
		}
		n, _ := strconv.Atoi(s)
		return n
	}
	now = now.In(loc)
	day, month, year := num(m[1], 0), num(m[2], 0), num(m[3], now.Year())
	if year < 100 {
		year += 2000
	}
	hour, minute := num(m[4], 20), num(m[5], 0)
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || year < now.Year()-1 || year > now.Year()+5 {
		return time.Time{}, false // a typo such as 1/1/0100 or 1/1/2207 is no review date
	}
	t := time.Date(year, time.Month(month), day, hour, minute, 0, 0, loc)
	if t.Day() != day {
		return time.Time{}, false // 31/02
	}
	if m[3] == "" && t.Before(now.Add(-24*time.Hour)) {
		t = t.AddDate(1, 0, 0)
	}
	return t, true
}
