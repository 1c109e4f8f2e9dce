package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

// After an approval the bot introduces the people concerned: each (and the
// IESA host, and whoever already lives in the home) is asked in chat,
// with first names and the district only, whether they would like to meet.
// Everyone says yes → the mediator schedules the meeting, and only then do
// people learn a place (the meeting's); then an optional trial, then the
// placement with its review date and exit goal. Someone says no → the
// placement ends as declined, the mediator is told, and the pair is not
// proposed again unless a mediator clears it. Messages the bot sends on its
// own go through the outbox with keys derived from the records.

// introduce starts the introduction of an approved placement, asked by
// mediator by: unless someone else already started it, every person
// concernedPeople who uses the chat is asked, and the mediators are told who
// was (and who must be asked in person).
func (b *Bot) introduce(ctx context.Context, pl housing.Placement, by string) {
	r := b.runner()
	moved, err := r.Introduce(ctx, pl.ID, rounds.Actor{ID: by, Role: housing.RoleMediator})
	var se *housing.StateError
	switch {
	case errors.As(err, &se):
		return // already introduced, by the job or another replica
	case err != nil: // moved is zero: log the id asked for
		b.logger.ErrorContext(ctx, "bot: introduce", slog.String("placement", pl.ID), slog.Any("err", err))
		return
	}
	pl = moved
	people, home, err := b.concernedPeople(ctx, pl)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: introduce", slog.String("placement", pl.ID), slog.Any("err", err))
		return
	}
	var asked, offline []housing.Person
	for i := range people {
		if !inChat(&people[i]) {
			offline = append(offline, people[i])
			continue
		}
		asked = append(asked, people[i])
		if err := b.askToMeet(ctx, pl, &people[i], people, &home); err != nil {
			b.logger.ErrorContext(ctx, "bot: ask to meet", slog.String("placement", pl.ID), slog.Any("err", err))
		}
	}
	b.tellStaff(ctx, pl, "intro:"+pl.ID+":staff", func(lang housing.Lang) (string, [][]button) {
		text := b.tr.T(lang, "review.intro.sent", map[string]any{"ID": pl.ProposalID, "People": staffList(asked)})
		if len(offline) > 0 {
			text += "\n\n" + b.tr.T(lang, "review.intro.offline", map[string]any{"People": staffList(offline)})
		}
		return text, b.offlineRows(lang, pl.ID, offline)
	})
}

// inChat reports whether the bot can ask p in chat.
func inChat(p *housing.Person) bool {
	return p.TelegramID != 0 && p.Status == housing.StatusActive
}

// concernedPeople returns the people an introduction asks, and the home.
func (b *Bot) concernedPeople(ctx context.Context, pl housing.Placement) ([]housing.Person, housing.Home, error) {
	home, err := b.store.Home(ctx, pl.HomeID)
	if err != nil {
		return nil, home, fmt.Errorf("bot: home %s: %w", pl.HomeID, err)
	}
	ids, err := b.runner().Concerned(ctx, pl)
	if err != nil {
		return nil, home, err
	}
	people := make([]housing.Person, 0, len(ids))
	for _, id := range ids {
		p, err := b.store.Person(ctx, id)
		if err != nil {
			return nil, home, fmt.Errorf("bot: person %s: %w", id, err)
		}
		people = append(people, p)
	}
	return people, home, nil
}

// staffList names people for staff: "BO-0001 Marco, BO-0002 Luca".
func staffList(people []housing.Person) string {
	out := make([]string, 0, len(people))
	for _, p := range people {
		out = append(out, p.Label())
	}
	return strings.Join(out, ", ")
}

// offlineRows lets a mediator record the answers of people without chat.
func (b *Bot) offlineRows(lang housing.Lang, plID string, offline []housing.Person) [][]button {
	var rows [][]button
	for _, p := range offline {
		rows = append(rows, []button{
			{b.tr.T(lang, "review.intro.offline_yes", map[string]any{"Who": p.Label()}), "ans:" + plID + ":" + p.ID + ":yes"},
			{b.tr.T(lang, "review.intro.offline_no", map[string]any{"Who": p.Label()}), "ans:" + plID + ":" + p.ID + ":no"},
		})
	}
	return rows
}

// askToMeet asks person p whether they would like to meet the others
// concerned: their first names and the district, nothing else.
func (b *Bot) askToMeet(ctx context.Context, pl housing.Placement, p *housing.Person, people []housing.Person, home *housing.Home) error {
	lang := personLang(p)
	newcomer := pl.HasResident(p.ID)
	var others []string
	living := false // whether the others include someone already living there
	for _, o := range people {
		if o.ID == p.ID || (!newcomer && !pl.HasResident(o.ID)) {
			continue // people already living there meet the newcomers
		}
		others = append(others, o.DisplayName)
		living = living || !pl.HasResident(o.ID)
	}
	id := "review.intro.peer"
	switch {
	case !newcomer:
		id = "review.intro.host"
	case living:
		id = "review.intro.join"
	}
	text := b.tr.T(lang, id, map[string]any{"Name": p.DisplayName, "Others": b.joinFirstNames(lang, others),
		"Many": len(others) > 1, "District": home.District})
	rows := [][]button{{{b.tr.T(lang, "review.intro.yes", nil), "yes:" + pl.ID}, {b.tr.T(lang, "review.intro.no", nil), "no:" + pl.ID}}}
	return b.notify(ctx, p, notice{key: "intro:" + pl.ID + ":" + p.ID, kind: "introduction", text: text, kbKind: kindIntro, rows: rows})
}

// joinFirstNames writes "Marco", "Marco e Luca", "Anna, Marco e Luca".
func (b *Bot) joinFirstNames(lang housing.Lang, names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + b.tr.T(lang, "review.and", nil) + " " + names[len(names)-1]
}

// tellStaff queues a message about pl to its mediators: the one who
// approved it, or, when they cannot be reached (an approval from the
// command line), every mediator of its district. msg writes the text and
// buttons in a language. Keys are key + ":" + mediator id.
func (b *Bot) tellStaff(ctx context.Context, pl housing.Placement, key string, msg func(lang housing.Lang) (string, [][]button)) {
	staff, err := b.placementStaff(ctx, pl)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: mediators of a placement", slog.String("placement", pl.ID), slog.Any("err", err))
		return
	}
	for i := range staff {
		text, rows := msg(personLang(&staff[i]))
		if err := b.notify(ctx, &staff[i], notice{key: key + ":" + staff[i].ID, kind: "placement", text: text, kbKind: kindReview, rows: rows}); err != nil {
			b.logger.ErrorContext(ctx, "bot: tell mediator", slog.String("placement", pl.ID), slog.Any("err", err))
		}
	}
}

// placementStaff returns who follows pl: the mediator who approved it if
// they can be reached, else the district's mediators.
func (b *Bot) placementStaff(ctx context.Context, pl housing.Placement) ([]housing.Person, error) {
	if len(pl.History) > 0 {
		p, err := b.store.Person(ctx, pl.History[0].By)
		if err == nil && p.Role == housing.RoleMediator && inChat(&p) && p.District == pl.District {
			return []housing.Person{p}, nil
		}
	}
	return b.districtMediators(ctx, pl.District)
}

// onIntroButton handles a resident's "would you like to meet?" answer.
func (b *Bot) onIntroButton(ctx context.Context, c *caller, p press) string {
	verb, id, _ := strings.Cut(p.option, ":")
	yes := verb == "yes"
	st, err := b.runner().Answer(ctx, id, c.person.ID, yes, actorOf(c))
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
	var se *housing.StateError
	switch {
	case errors.As(err, &se):
		b.reply(ctx, c, b.t(c, "review.intro.closed", nil))
		return ""
	case err != nil:
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	case !st.Recorded:
		b.reply(ctx, c, b.t(c, "review.intro.already", nil))
		return ""
	case !yes:
		b.reply(ctx, c, b.t(c, "review.intro.thanks_no", nil))
	default:
		b.reply(ctx, c, b.t(c, "review.intro.thanks_yes", nil))
	}
	b.afterAnswer(ctx, st, c.person.ID)
	return ""
}

// afterAnswer tells the mediators when an introduction is complete or
// declined, and the others when it is off.
func (b *Bot) afterAnswer(ctx context.Context, st rounds.IntroStatus, who string) {
	pl := st.Placement
	people, home, err := b.concernedPeople(ctx, pl)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: after an answer", slog.String("placement", pl.ID), slog.Any("err", err))
		return
	}
	switch {
	case st.Declined:
		name := b.staffName(ctx, who)
		b.tellStaff(ctx, pl, "intro:"+pl.ID+":declined", func(lang housing.Lang) (string, [][]button) {
			return b.tr.T(lang, "review.intro.declined", map[string]any{"Who": name, "Home": homeCode(&home)}),
				[][]button{{{b.tr.T(lang, "review.btn.clear", nil), "clear:" + pl.ID}}}
		})
		for i := range people {
			if people[i].ID == who {
				continue
			}
			text := b.tr.T(personLang(&people[i]), "review.intro.off", nil)
			if err := b.notify(ctx, &people[i], notice{key: "intro:" + pl.ID + ":off:" + people[i].ID, kind: "introduction", text: text}); err != nil {
				b.logger.ErrorContext(ctx, "bot: tell introduction off", slog.Any("err", err))
			}
		}
	case st.Completed:
		b.tellStaff(ctx, pl, "intro:"+pl.ID+":all-yes", func(lang housing.Lang) (string, [][]button) {
			return b.tr.T(lang, "review.intro.all_yes", map[string]any{"People": staffList(people), "Home": homeCode(&home)}),
				[][]button{{{b.tr.T(lang, "review.btn.meet", nil), "meet:" + pl.ID}}}
		})
	}
}

// districtPlacement loads placement id and checks that it is in the
// caller's district.
func (b *Bot) districtPlacement(ctx context.Context, c *caller, id string) (housing.Placement, error) {
	pl, err := b.store.Placement(ctx, id)
	if err != nil {
		return pl, fmt.Errorf("bot: placement %s: %w", id, err)
	}
	if pl.District != c.person.District {
		return pl, fmt.Errorf("bot: placement %s is not in %s: %w", id, c.person.District, housing.ErrForbidden)
	}
	return pl, nil
}

// onPlacementButton handles a mediator's press about a placement.
func (b *Bot) onPlacementButton(ctx context.Context, c *caller, p press, verb, id, arg string) string {
	pl, err := b.districtPlacement(ctx, c, id)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if verb != "show" {
		b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
	}
	switch verb {
	case "ans":
		return b.answerFor(ctx, c, pl, arg)
	case "meet":
		b.askMeeting(ctx, c, pl)
	case "trial":
		b.askTrial(ctx, c, pl)
	case "trial-days":
		return b.startTrialIn(ctx, c, pl, arg)
	case "start":
		b.askGoal(ctx, c, pl)
	case "goal":
		b.startPlacement(ctx, c, pl, b.goalWords(arg))
	case "ext":
		b.extendPlacement(ctx, c, pl, arg)
	case "end":
		b.askOutcome(ctx, c, pl)
	case "out":
		b.endPlacement(ctx, c, pl, housing.Outcome(arg))
	case "move":
		b.askMoveOut(ctx, c, pl)
	case "mv":
		b.moveOutOf(ctx, c, pl, arg)
	case "clear":
		b.clearExclusion(ctx, c, pl)
	case "show":
		b.showPlacement(ctx, c, pl)
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// answerFor records the answer of someone without chat, given by the
// mediator: arg is "<person id>:yes|no".
func (b *Bot) answerFor(ctx context.Context, c *caller, pl housing.Placement, arg string) string {
	who, ans, _ := strings.Cut(arg, ":")
	st, err := b.runner().Answer(ctx, pl.ID, who, ans == "yes", actorOf(c))
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.reply(ctx, c, b.t(c, "review.intro.recorded", map[string]any{"Who": b.staffName(ctx, who)}))
	b.afterAnswer(ctx, st, who)
	return ""
}

// clearExclusion lets later rounds propose a declined introduction again.
func (b *Bot) clearExclusion(ctx context.Context, c *caller, pl housing.Placement) {
	if err := b.runner().Clear(ctx, pl.ID, actorOf(c), "cleared in chat"); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "review.cleared", nil))
}

// showPlacement sends a placement's card with the buttons its status
// allows, and audits the read.
func (b *Bot) showPlacement(ctx context.Context, c *caller, pl housing.Placement) {
	text, err := b.placementCard(ctx, c.lang, pl)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	for _, m := range pl.Residents {
		b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: "placement.read",
			Record: "placement/" + pl.ID, Subject: m, Purpose: "/convivenza"})
	}
	rows := b.placementRows(ctx, c.lang, pl)
	if len(rows) == 0 {
		b.reply(ctx, c, text)
		return
	}
	kb, _, err := b.keyboard(ctx, c.id, kindReview, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, text, kb)
}

// placementRows are the buttons a placement's status allows.
func (b *Bot) placementRows(ctx context.Context, lang housing.Lang, pl housing.Placement) [][]button {
	t := func(k string) string { return b.tr.T(lang, k, nil) }
	end := []button{{t("review.btn.end"), "end:" + pl.ID}}
	switch pl.Status {
	case housing.PlacementIntroduced:
		st, err := b.runner().IntroStatus(ctx, pl.ID)
		if err != nil || !st.AllYes {
			return [][]button{end}
		}
		return [][]button{{{t("review.btn.meet"), "meet:" + pl.ID}}, {{t("review.btn.trial"), "trial:" + pl.ID}, {t("review.btn.start"), "start:" + pl.ID}}, end}
	case housing.PlacementTrial:
		return [][]button{{{t("review.btn.start"), "start:" + pl.ID}}, end}
	case housing.PlacementActive, housing.PlacementUnderReview:
		return [][]button{
			{{t("review.btn.extend3"), "ext:" + pl.ID + ":3"}, {t("review.btn.extend6"), "ext:" + pl.ID + ":6"}},
			{{t("review.btn.move"), "move:" + pl.ID}}, end,
		}
	case housing.PlacementEnded:
		if pl.Outcome == housing.OutcomeDeclined {
			return [][]button{{{t("review.btn.clear"), "clear:" + pl.ID}}}
		}
	}
	return nil
}

// placementCard writes a placement for staff: home, status, residents,
// dates, goal and history.
func (b *Bot) placementCard(ctx context.Context, lang housing.Lang, pl housing.Placement) (string, error) {
	h, names, err := b.homeAndLabels(ctx, pl.HomeID, pl.Residents)
	if err != nil {
		return "", err
	}
	t := func(k string, d any) string { return b.tr.T(lang, k, d) }
	lines := []string{
		t("review.pl.title", map[string]any{"ID": placementCode(&pl), "Home": homeCode(&h), "District": pl.District}),
		t("review.pl.status", map[string]any{"Status": t("review.status."+string(pl.Status), nil)}),
		t("review.pl.people", map[string]any{"People": strings.Join(names, ", ")}),
	}
	for _, d := range []struct {
		id string
		at time.Time
	}{{"review.pl.start", pl.Start}, {"review.pl.trial_end", pl.TrialEnd}, {"review.pl.review", pl.ReviewDate}} {
		if !d.at.IsZero() {
			lines = append(lines, t(d.id, map[string]any{"Date": b.dayText(d.at)}))
		}
	}
	if m, err := b.runner().Meeting(ctx, pl.ID); err == nil && pl.Status == housing.PlacementIntroduced {
		lines = append(lines, t("review.pl.meeting", map[string]any{"Date": b.dayText(m.At), "Time": b.timeText(m.At), "Place": m.Place}))
	}
	if pl.ExitGoal != "" {
		lines = append(lines, t("review.pl.goal", map[string]any{"Goal": b.goalLabel(lang, pl.ExitGoal)}))
	}
	if pl.Outcome != housing.OutcomeNone {
		lines = append(lines, t("review.pl.outcome", map[string]any{"Outcome": t("review.outcome."+string(pl.Outcome), nil)}))
	}
	lines = append(lines, "", t("review.pl.history", nil))
	for _, tr := range pl.History {
		line := b.dayText(tr.At) + " " + b.timeText(tr.At) + " · "
		if tr.From != "" && tr.From != tr.To {
			line += t("review.status."+string(tr.From), nil) + " → "
		}
		line += t("review.status."+string(tr.To), nil) + " · " + b.staffName(ctx, tr.By)
		if tr.Reason != "" {
			line += " · " + tr.Reason
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}

// placementCode names a placement for staff: its code, or its id.
func placementCode(pl *housing.Placement) string {
	if pl.Code != "" {
		return pl.Code
	}
	return pl.ID
}

// cmdPlacements handles /convivenze (the open placements of the caller's
// district with their next date) and /convivenza <code> (one placement).
func (b *Bot) cmdPlacements(ctx context.Context, c *caller, name, args string) {
	if name == "convivenza" || name == "placement" {
		b.cmdPlacement(ctx, c, args)
		return
	}
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{District: c.person.District, OpenOnly: true})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if len(pls) == 0 {
		b.reply(ctx, c, b.t(c, "review.pls.none", map[string]any{"District": c.person.District}))
		return
	}
	// By the next date that needs attention, then by code: what a mediator
	// looks at first comes first.
	slices.SortStableFunc(pls, func(x, y housing.Placement) int {
		return cmp.Or(nextDate(x).Compare(nextDate(y)), cmp.Compare(placementCode(&x), placementCode(&y)), cmp.Compare(x.ID, y.ID))
	})
	lines := []string{b.t(c, "review.pls.header", map[string]any{"District": c.person.District, "Count": len(pls)})}
	var buttons []button
	for _, pl := range pls {
		line, err := b.placementLine(ctx, c, pl)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
		lines = append(lines, line)
		if len(buttons) < maxOptions {
			buttons = append(buttons, button{placementCode(&pl), "show:" + pl.ID})
		}
	}
	kb, _, err := b.keyboard(ctx, c.id, kindReview, grid(buttons, 2))
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, strings.Join(lines, "\n"), kb)
}

// placementLine is one placement in /convivenze, audited as a read.
func (b *Bot) placementLine(ctx context.Context, c *caller, pl housing.Placement) (string, error) {
	h, names, err := b.homeAndLabels(ctx, pl.HomeID, pl.Residents)
	if err != nil {
		return "", err
	}
	for _, m := range pl.Residents {
		b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: "placement.list",
			Record: "placement/" + pl.ID, Subject: m, Purpose: "/convivenze"})
	}
	next := b.t(c, "review.due.none", nil)
	if due, err := b.runner().NextDate(ctx, pl); err == nil && due.Kind != "" && !due.At.IsZero() {
		next = b.t(c, "review.due."+due.Kind, map[string]any{"Date": b.dayText(due.At)})
	}
	return "• " + placementCode(&pl) + " · " + homeCode(&h) + " · " + b.t(c, "review.status."+string(pl.Status), nil) +
		" · " + strings.Join(names, ", ") + " · " + next, nil
}

// cmdPlacement shows one placement, found by its id or code, its home's
// code, or a resident's case code.
func (b *Bot) cmdPlacement(ctx context.Context, c *caller, args string) {
	q := strings.TrimSpace(args)
	if q == "" {
		b.reply(ctx, c, b.t(c, "review.pl.usage", nil))
		return
	}
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{District: c.person.District})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	// Open placements first, the newest first: a home code names the
	// household living there now, not one that ended.
	slices.SortStableFunc(pls, func(x, y housing.Placement) int {
		if xo, yo := x.Status.Open(), y.Status.Open(); xo != yo {
			if xo {
				return -1
			}
			return 1
		}
		return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), cmp.Compare(y.ID, x.ID))
	})
	for _, pl := range pls {
		ok, err := b.placementMatches(ctx, pl, q)
		if err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
		if ok {
			b.showPlacement(ctx, c, pl)
			return
		}
	}
	b.reply(ctx, c, b.t(c, "review.pl.unknown", map[string]any{"Query": q}))
}

// nextDate is the date a placement next needs attention: the trial's end,
// else the review date, else its start; the zero time sorts first.
func nextDate(pl housing.Placement) time.Time {
	switch {
	case pl.Status == housing.PlacementTrial && !pl.TrialEnd.IsZero():
		return pl.TrialEnd
	case !pl.ReviewDate.IsZero():
		return pl.ReviewDate
	}
	return pl.Start
}

// placementMatches reports whether q names pl: its id or code, its home's
// code (open placements only), or a resident's case code.
func (b *Bot) placementMatches(ctx context.Context, pl housing.Placement, q string) (bool, error) {
	if strings.EqualFold(pl.ID, q) || (pl.Code != "" && strings.EqualFold(pl.Code, q)) {
		return true, nil
	}
	if !pl.Status.Open() {
		return false, nil
	}
	h, err := b.store.Home(ctx, pl.HomeID)
	if err != nil {
		return false, fmt.Errorf("bot: home %s: %w", pl.HomeID, err)
	}
	if strings.EqualFold(homeCode(&h), q) {
		return true, nil
	}
	for _, id := range pl.Residents {
		p, err := b.store.Person(ctx, id)
		if err == nil && p.Code != "" && strings.EqualFold(p.Code, q) {
			return true, nil
		}
	}
	return false, nil
}
