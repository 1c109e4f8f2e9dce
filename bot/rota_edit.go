package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// Changing the rota: residents of a home and the mediators of its district
// add, change and remove tasks from /turni. A change applies from the next
// week the rota gives out; this week's tasks stay as they are.

// flowRota is the conversation that waits for a new task's name.
const flowRota = "rota"

// everyDaysChoices are the frequencies offered as buttons, in days.
func everyDaysChoices() []int { return []int{1, 2, 3, 4, 7, 14} }

// effortChoices are the efforts offered as buttons.
func effortChoices() []int { return []int{1, 2, 3, 4, 5} }

// onTaskEdit handles the task-editing buttons of /turni; parts is the
// option split at ':', the home id second.
func (b *Bot) onTaskEdit(ctx context.Context, c *caller, parts []string) string {
	if len(parts) < 2 {
		return b.t(c, "button.stale", nil)
	}
	h, err := b.editableHousehold(ctx, c, parts[1])
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	if parts[0] == "edit" {
		b.listTasks(ctx, c, &h)
		return ""
	}
	if parts[0] == "add" {
		b.askTaskTitle(ctx, c, h.home.ID)
		return ""
	}
	if len(parts) < 3 {
		return b.t(c, "button.stale", nil)
	}
	t, err := b.task(ctx, h.home.ID, parts[2])
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	arg := -1
	if len(parts) == 4 {
		if arg, err = strconv.Atoi(parts[3]); err != nil {
			return b.t(c, "button.stale", nil)
		}
	}
	return b.editTask(ctx, c, parts[0], &t, arg)
}

// editTask runs one task-editing step.
func (b *Bot) editTask(ctx context.Context, c *caller, verb string, t *housing.Task, arg int) string {
	base := t.HomeID + ":" + t.ID
	switch {
	case verb == "task":
		b.sendButtons(ctx, c, b.t(c, "rota.task_menu", map[string]string{"Task": b.taskName(c.lang, t),
			"Freq": b.frequency(c.lang, t), "Effort": strconv.Itoa(t.Effort)}), kindRota, [][]button{
			{{label: b.t(c, "rota.btn_freq", nil), option: "freq:" + base}},
			{{label: b.t(c, "rota.btn_effort", nil), option: "effort:" + base}},
			{{label: b.t(c, "rota.btn_remove", nil), option: "del:" + base}},
		})
	case verb == "freq":
		var buttons []button
		for _, n := range everyDaysChoices() {
			buttons = append(buttons, button{label: b.everyDays(c.lang, n), option: "setfreq:" + base + ":" + strconv.Itoa(n)})
		}
		rows := append(grid(buttons, 2), []button{{label: b.t(c, "rota.btn_weekdays", nil),
			option: "days:" + base + ":" + strconv.Itoa(weekdayMask(t.Weekdays))}})
		b.sendButtons(ctx, c, b.t(c, "rota.ask_freq", nil), kindRota, rows)
	case verb == "days" && arg >= 0 && arg < 1<<7:
		b.sendButtons(ctx, c, b.t(c, "rota.ask_days", nil), kindRota, b.dayRows(c.lang, base, arg))
	case verb == "effort":
		var buttons []button
		for _, n := range effortChoices() {
			buttons = append(buttons, button{label: strconv.Itoa(n), option: "seteff:" + base + ":" + strconv.Itoa(n)})
		}
		b.sendButtons(ctx, c, b.t(c, "rota.ask_effort", nil), kindRota, [][]button{buttons})
	case verb == "del":
		b.sendButtons(ctx, c, b.t(c, "rota.ask_remove", map[string]string{"Task": b.taskName(c.lang, t)}), kindRota,
			[][]button{{{label: b.t(c, "rota.btn_remove_yes", nil), option: "delok:" + base},
				{label: b.t(c, "rota.btn_keep", nil), option: "task:" + base}}})
	case verb == "delok":
		return b.removeTask(ctx, c, t)
	case arg >= 0 && slices.Contains([]string{"setfreq", "setdays", "seteff"}, verb):
		return b.changeTask(ctx, c, verb, t, arg)
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// dayRows are the weekday toggles for a task, mask holding the days
// chosen so far, and Save.
func (b *Bot) dayRows(lang housing.Lang, base string, mask int) [][]button {
	var buttons []button
	for i := range 7 {
		d := (i + 1) % 7 // Monday first
		label := b.tr.T(lang, "rota.day."+strconv.Itoa(d), nil)
		if mask&(1<<d) != 0 {
			label = "✓ " + label
		}
		buttons = append(buttons, button{label: label, option: "days:" + base + ":" + strconv.Itoa(mask^(1<<d))})
	}
	return append(grid(buttons, 4), []button{{label: b.tr.T(lang, "rota.btn_save", nil),
		option: "setdays:" + base + ":" + strconv.Itoa(mask)}})
}

// toggleDays turns one collection day on or off in place, under the
// message that asks for them.
func (b *Bot) toggleDays(ctx context.Context, c *caller, p press, parts []string) string {
	if len(parts) != 4 {
		return b.t(c, "button.stale", nil)
	}
	h, err := b.editableHousehold(ctx, c, parts[1])
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	t, err := b.task(ctx, h.home.ID, parts[2])
	mask, convErr := strconv.Atoi(parts[3])
	if err != nil || convErr != nil || mask < 0 || mask >= 1<<7 {
		return b.lifeError(ctx, c, cmpErr(err, fmt.Errorf("bot: days %q: %w", parts[3], housing.ErrInvalid)))
	}
	kb, _, err := b.keyboard(ctx, c.id, kindRota, b.dayRows(c.lang, t.HomeID+":"+t.ID, mask))
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
	return ""
}

// weekdayMask packs weekdays into bits 0 (Sunday) to 6 (Saturday).
func weekdayMask(days []time.Weekday) int {
	m := 0
	for _, d := range days {
		m |= 1 << d
	}
	return m
}

// changeTask applies a new frequency, collection days or effort.
func (b *Bot) changeTask(ctx context.Context, c *caller, verb string, t *housing.Task, arg int) string {
	switch verb {
	case "setfreq":
		t.EveryDays, t.Weekdays, t.Start = arg, nil, b.midnight(b.cfg.Now(), 0)
	case "setdays":
		var days []time.Weekday
		for d := time.Sunday; d <= time.Saturday; d++ {
			if arg&(1<<d) != 0 {
				days = append(days, d)
			}
		}
		if len(days) == 0 {
			return b.t(c, "rota.days_none", nil)
		}
		t.EveryDays, t.Weekdays = 0, days
	case "seteff":
		t.Effort = arg
	}
	t.UpdatedBy, t.UpdatedAt = c.person.ID, b.cfg.Now()
	if err := b.store.PutTask(ctx, t); err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.audit(ctx, auditBy(c.person, "life.task-update", "task/"+t.ID, "rota"))
	b.reply(ctx, c, b.t(c, "rota.task_saved", map[string]string{"Task": b.taskName(c.lang, t),
		"Freq": b.frequency(c.lang, t), "Effort": strconv.Itoa(t.Effort)}))
	return ""
}

// removeTask removes a task from the rota.
func (b *Bot) removeTask(ctx context.Context, c *caller, t *housing.Task) string {
	if err := b.store.DeleteTask(ctx, t.ID); err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.audit(ctx, auditBy(c.person, "life.task-delete", "task/"+t.ID, "rota"))
	b.reply(ctx, c, b.t(c, "rota.task_removed", map[string]string{"Task": b.taskName(c.lang, t)}))
	return ""
}

// listTasks shows a home's tasks as buttons, and Add.
func (b *Bot) listTasks(ctx context.Context, c *caller, h *household) {
	tasks, err := b.store.Tasks(ctx, h.home.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	var buttons []button
	for i := range tasks {
		t := &tasks[i]
		buttons = append(buttons, button{label: b.taskName(c.lang, t) + " · " + b.frequency(c.lang, t),
			option: "task:" + h.home.ID + ":" + t.ID})
	}
	buttons = append(buttons, button{label: b.t(c, "rota.btn_add", nil), option: "add:" + h.home.ID})
	b.sendButtons(ctx, c, b.t(c, "rota.tasks_intro", nil), kindRota, grid(buttons, 1))
}

// task returns task id of a home.
func (b *Bot) task(ctx context.Context, homeID, id string) (housing.Task, error) {
	tasks, err := b.store.Tasks(ctx, homeID)
	if err != nil {
		return housing.Task{}, fmt.Errorf("bot: tasks of %s: %w", homeID, err)
	}
	for _, t := range tasks {
		if t.ID == id {
			return t, nil
		}
	}
	return housing.Task{}, fmt.Errorf("bot: task %s: %w", id, housing.ErrNotFound)
}

// frequency says how often a task recurs: "every 2 days", "Mon, Thu".
func (b *Bot) frequency(lang housing.Lang, t *housing.Task) string {
	if len(t.Weekdays) == 0 {
		return b.everyDays(lang, t.EveryDays)
	}
	days := slices.Clone(t.Weekdays)
	slices.SortFunc(days, func(x, y time.Weekday) int { return (int(x)+6)%7 - (int(y)+6)%7 })
	var names []string
	for _, d := range days {
		names = append(names, b.tr.T(lang, "rota.day."+strconv.Itoa(int(d)), nil))
	}
	return strings.Join(names, ", ")
}

// everyDays says "every n days" in lang.
func (b *Bot) everyDays(lang housing.Lang, n int) string {
	switch n {
	case 1:
		return b.tr.T(lang, "rota.every_day", nil)
	case 7:
		return b.tr.T(lang, "rota.every_week", nil)
	}
	return b.tr.T(lang, "rota.every_n_days", map[string]int{"N": n})
}

// askTaskTitle starts the conversation that names a new task.
func (b *Bot) askTaskTitle(ctx context.Context, c *caller, homeID string) {
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowRota, Step: "title:" + homeID}
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "rota.ask_title", nil))
}

// rotaText takes a new task's name, creates it (weekly, effort 2) and
// shows its menu to adjust it.
func (b *Bot) rotaText(ctx context.Context, c *caller, text string) {
	homeID, ok := strings.CutPrefix(c.conv.Step, "title:")
	title := strings.TrimSpace(text)
	if !ok {
		b.reply(ctx, c, b.t(c, "use_buttons", nil))
		return
	}
	if title == "" || utf8.RuneCountInString(title) > 64 {
		b.reply(ctx, c, b.t(c, "rota.title_invalid", nil))
		return
	}
	h, err := b.editableHousehold(ctx, c, homeID)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	t := housing.Task{HomeID: h.home.ID, Title: title, EveryDays: 7, Start: b.midnight(b.cfg.Now(), 0), Effort: 2,
		UpdatedBy: c.person.ID, UpdatedAt: b.cfg.Now()}
	if err := b.store.PutTask(ctx, &t); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, auditBy(c.person, "life.task-create", "task/"+t.ID, "rota"))
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil && !errors.Is(err, housing.ErrNotFound) {
		b.logger.WarnContext(ctx, "bot: end rota flow", "err", err)
	}
	b.editTask(ctx, c, "task", &t, -1)
}
