package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// The rota in conversation: /turni shows the week and the month's points
// to the household, /fatto marks a task done. Buttons of the rota carry
// the ids of the records they act on; every handler checks that the
// caller belongs to the home, and the domain functions (housing.Done,
// CantToday, Reassign, ProposeSwap, AcceptSwap, RefuseSwap) decide what
// is allowed, so a second press of an old button changes nothing.

// The actions of house life (the role table in roles.go says who may).
const (
	actRota    action = "rota"    // /turni and its buttons: the week, swaps, changing tasks
	actChores  action = "chores"  // /fatto, Done / Can't today, offered tasks, answers to swaps
	actOuting  action = "outing"  // /uscita, answers to invitations, attendance
	actCheckIn action = "checkin" // the weekly check-in's buttons and note
	actPrefs   action = "prefs"   // /promemoria
)

// The kinds of pending action of the rota.
const (
	kindChore = "chore" // Done / Can't today / take an offered task
	kindRota  = "rota"  // the /turni menu: swaps, task editing, a mediator's choice of home
)

// cmdRota handles /turni: the caller's home's week, or for a mediator the
// homes of their district to choose from.
func (b *Bot) cmdRota(ctx context.Context, c *caller) {
	if c.person.Role.Staff() {
		b.chooseHome(ctx, c)
		return
	}
	h, err := b.householdOf(ctx, c.person)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	b.showRota(ctx, c, &h)
}

// replyLife answers an error of house life; not living in a home has its
// own words.
func (b *Bot) replyLife(ctx context.Context, c *caller, err error) {
	if errors.Is(err, errNoHome) {
		b.reply(ctx, c, b.t(c, "rota.no_home", nil))
		return
	}
	b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
}

// chooseHome offers a mediator the homes of their district where people
// live together.
func (b *Bot) chooseHome(ctx context.Context, c *caller) {
	hs, err := b.households(ctx)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	var buttons []button
	for _, h := range hs {
		if h.home.District == c.person.District {
			buttons = append(buttons, button{label: homeLabel(&h.home), option: "home:" + h.home.ID})
		}
	}
	if len(buttons) == 0 {
		b.reply(ctx, c, b.t(c, "rota.no_homes", map[string]string{"District": c.person.District}))
		return
	}
	b.sendButtons(ctx, c, b.t(c, "rota.choose_home", nil), kindRota, grid(buttons, 3))
}

// sendButtons sends text with a keyboard of standalone buttons.
func (b *Bot) sendButtons(ctx context.Context, c *caller, text, kind string, rows [][]button) {
	kb, _, err := b.keyboard(ctx, c.id, kind, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.send(ctx, c.chatID, text, kb)
}

// showRota shows h's week: who does what on which day, what is done, and
// the month's points; with buttons to ask for a swap and to change the
// tasks. Staff see case codes before names, and their look is audited.
func (b *Bot) showRota(ctx context.Context, c *caller, h *household) {
	now := b.cfg.Now()
	week := housing.WeekStart(now, b.cfg.Location)
	if err := b.rotaWeek(ctx, h, week); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: h.home.ID, From: week, To: week.AddDate(0, 0, 7)})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	tasks, err := b.taskMap(ctx, h.home.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	name := h.name
	if c.person.Role.Staff() {
		name = func(id string) string {
			if p := h.person(id); p != nil {
				return p.Label()
			}
			return "—"
		}
		b.audit(ctx, housing.AuditEntry{Actor: c.person.ID, ActorRole: c.person.Role, Action: "life.rota-read",
			Record: "home/" + h.home.ID, Purpose: "mediation"})
	}
	var sb strings.Builder
	sb.WriteString(b.t(c, "rota.title", nil))
	if len(as) == 0 {
		sb.WriteString("\n" + b.t(c, "rota.empty", nil))
	} else {
		sb.WriteString("\n" + b.assignmentLines(c.lang, as, tasks, name))
	}
	sb.WriteString("\n\n" + b.monthLine(ctx, c.lang, h, name, now))
	rows := [][]button{{{label: b.t(c, "rota.btn_edit", nil), option: "edit:" + h.home.ID}}}
	if h.has(c.person.ID) {
		rows = append([][]button{{{label: b.t(c, "rota.btn_swap", nil), option: "swap"}}}, rows...)
	}
	b.sendButtons(ctx, c, sb.String(), kindRota, rows)
}

// monthLine is the ledger as the household sees it: "this month: Anna 6
// points, Luca 5".
func (b *Bot) monthLine(ctx context.Context, lang housing.Lang, h *household, name func(string) string, now time.Time) string {
	l, err := b.ledger(ctx, h.home.ID)
	if err != nil {
		b.logger.WarnContext(ctx, "bot: read ledger", "err", err)
	}
	var parts []string
	for _, line := range l.Month(housing.MonthKey(b.local(now))) {
		if h.has(line.PersonID) {
			parts = append(parts, name(line.PersonID)+" "+strconv.Itoa(line.Points))
		}
	}
	if len(parts) == 0 {
		return b.tr.T(lang, "rota.month_none", nil)
	}
	return b.tr.T(lang, "rota.month", map[string]string{"Points": strings.Join(parts, ", ")})
}

// assignmentLines lists assignments one per line: day, task, and, when
// name is given, who holds it; done ones are ticked. Missed ones get no
// mark at all: nothing here is a judgement.
func (b *Bot) assignmentLines(lang housing.Lang, as []housing.Assignment, tasks map[string]*housing.Task, name func(string) string) string {
	var lines []string
	for _, a := range as {
		t := tasks[a.TaskID]
		if t == nil {
			continue
		}
		line := "• " + b.dayLabel(lang, a.Due) + " · " + b.taskName(lang, t)
		if name != nil {
			line += " – " + name(a.PersonID)
		}
		if a.Status == housing.AssignmentDone {
			line += " ✅"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// taskName is a task's name in lang: the template's, or the household's
// own title.
func (b *Bot) taskName(lang housing.Lang, t *housing.Task) string {
	if t.Key != "" {
		return b.tr.T(lang, t.Key, nil)
	}
	return t.Title
}

// dayLabel is a short date: "lun 30/11".
func (b *Bot) dayLabel(lang housing.Lang, t time.Time) string {
	t = b.local(t)
	return b.tr.T(lang, "rota.day."+strconv.Itoa(int(t.Weekday())), nil) + " " + fmt.Sprintf("%d/%d", t.Day(), t.Month())
}

// cmdDone handles /fatto: the caller's open tasks of this week up to
// today, as buttons.
func (b *Bot) cmdDone(ctx context.Context, c *caller) {
	h, err := b.householdOf(ctx, c.person)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	now := b.cfg.Now()
	week := housing.WeekStart(now, b.cfg.Location)
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: h.home.ID, PersonID: c.person.ID,
		From: week, To: b.midnight(now, 1)})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	tasks, err := b.taskMap(ctx, h.home.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	var buttons []button
	for _, a := range as {
		if t := tasks[a.TaskID]; t != nil && a.Status != housing.AssignmentDone {
			buttons = append(buttons, button{label: b.dayLabel(c.lang, a.Due) + " · " + b.taskName(c.lang, t),
				option: "done:" + a.ID})
		}
	}
	if len(buttons) == 0 {
		b.reply(ctx, c, b.t(c, "rota.nothing_open", nil))
		return
	}
	b.sendButtons(ctx, c, b.t(c, "rota.which_done", nil), kindChore, grid(buttons, 1))
}

// pressed marks the message under a press with the choice and removes its
// buttons.
func (b *Bot) pressed(ctx context.Context, c *caller, p press) {
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
}
