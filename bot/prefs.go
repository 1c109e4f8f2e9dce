package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// /promemoria: each resident chooses when the bot writes to them (the hour
// of the day's chore reminders, the day and hour of the weekly check-in),
// which reminders they want, and says when they are away ("I'm away until
// ..."): then the rota skips them without penalty, their tasks go to the
// housemates, and nothing is sent to them until they are back.

// kindPrefs is the pending action kind of the /promemoria buttons.
const kindPrefs = "prefs"

// prefHours are the hours offered for reminders and the check-in: outside
// the default quiet hours.
func prefHours() []int { return []int{8, 9, 10, 11, 12, 14, 16, 17, 18, 19, 20} }

// awayChoices are the lengths of absence offered, in days.
func awayChoices() []int { return []int{3, 7, 14, 30} }

// cmdPrefs handles /promemoria: the person's choices and what they can
// change.
func (b *Bot) cmdPrefs(ctx context.Context, c *caller) {
	pr, err := b.prefs(ctx, c.person.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.showPrefs(ctx, c, &pr)
}

// showPrefs sends the summary of pr with the menu.
func (b *Bot) showPrefs(ctx context.Context, c *caller, pr *housing.Prefs) {
	now := b.cfg.Now()
	data := map[string]string{
		"Hour": clock(pr.ReminderHour), "Day": b.t(c, "prefs.day."+strconv.Itoa(int(pr.CheckInDay)), nil),
		"CheckIn": clock(pr.CheckInHour), "Kinds": b.kindsLine(c.lang, pr),
	}
	if pr.Away(now) {
		data["Back"] = b.dayLabel(c.lang, pr.AwayUntil)
	}
	away := button{label: b.t(c, "prefs.btn_away", nil), option: "away"}
	if pr.Away(now) {
		away = button{label: b.t(c, "prefs.btn_back", nil), option: "back"}
	}
	rows := [][]button{
		{{label: b.t(c, "prefs.btn_hour", nil), option: "hour"}},
		{{label: b.t(c, "prefs.btn_checkin", nil), option: "ciday"}},
		{{label: b.t(c, "prefs.btn_kinds", nil), option: "kinds"}},
		{away},
		{{label: b.t(c, "prefs.btn_ok", nil), option: "ok"}},
	}
	b.sendButtons(ctx, c, b.t(c, "prefs.summary", data), kindPrefs, rows)
}

// clock formats an hour as "9:00".
func clock(h int) string { return strconv.Itoa(h) + ":00" }

// kindsLine says which reminders are on: "Turni ✓ · Uscite ✗ · ...".
func (b *Bot) kindsLine(lang housing.Lang, pr *housing.Prefs) string {
	var parts []string
	for _, k := range housing.ReminderKinds() {
		mark := " ✓"
		if !pr.Wants(k) {
			mark = " ✗"
		}
		parts = append(parts, b.tr.T(lang, "prefs.kind."+string(k), nil)+mark)
	}
	return strings.Join(parts, " · ")
}

// onPrefsButton handles the /promemoria buttons.
func (b *Bot) onPrefsButton(ctx context.Context, c *caller, p press) string {
	pr, err := b.prefs(ctx, c.person.ID)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	parts := strings.Split(p.option, ":")
	if parts[0] == "toggle" && len(parts) == 2 {
		return b.toggleKind(ctx, c, p, &pr, housing.ReminderKind(parts[1]))
	}
	b.pressed(ctx, c, p)
	nums := make([]int, 0, 2)
	for _, s := range parts[1:] {
		n, err := strconv.Atoi(s)
		if err != nil {
			return b.t(c, "button.stale", nil)
		}
		nums = append(nums, n)
	}
	switch {
	case parts[0] == "ok":
		return b.t(c, "prefs.kept", nil)
	case parts[0] == "menu":
		b.showPrefs(ctx, c, &pr)
	case parts[0] == "hour":
		b.sendButtons(ctx, c, b.t(c, "prefs.ask_hour", nil), kindPrefs, grid(hourButtons("sethour:"), 4))
	case parts[0] == "ciday":
		b.sendButtons(ctx, c, b.t(c, "prefs.ask_day", nil), kindPrefs, grid(b.dayButtons(c.lang), 2))
	case parts[0] == "setday" && len(nums) == 1:
		b.sendButtons(ctx, c, b.t(c, "prefs.ask_checkin_hour", nil), kindPrefs,
			grid(hourButtons("setci:"+parts[1]+":"), 4))
	case parts[0] == "kinds":
		b.sendButtons(ctx, c, b.t(c, "prefs.ask_kinds", nil), kindPrefs, b.kindRows(c.lang, &pr))
	case parts[0] == "away":
		b.sendButtons(ctx, c, b.t(c, "prefs.ask_away", nil), kindPrefs, grid(b.awayButtons(c.lang), 2))
	default:
		return b.setPref(ctx, c, &pr, parts[0], nums)
	}
	return ""
}

// setPref applies one choice and confirms it.
func (b *Bot) setPref(ctx context.Context, c *caller, pr *housing.Prefs, verb string, nums []int) string {
	validHour := func(h int) bool { return h >= 0 && h <= 23 }
	switch {
	case verb == "sethour" && len(nums) == 1 && validHour(nums[0]):
		pr.ReminderHour = nums[0]
	case verb == "setci" && len(nums) == 2 && nums[0] >= 0 && nums[0] <= 6 && validHour(nums[1]):
		pr.CheckInDay, pr.CheckInHour = time.Weekday(nums[0]), nums[1]
	case verb == "setaway" && len(nums) == 1 && nums[0] > 0 && nums[0] <= 90:
		return b.goAway(ctx, c, pr, b.midnight(b.cfg.Now(), nums[0]))
	case verb == "back":
		pr.AwayUntil = time.Time{}
		if err := b.savePrefs(ctx, *pr); err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		b.reply(ctx, c, b.t(c, "prefs.back_ok", nil))
		return ""
	default:
		return b.t(c, "button.stale", nil)
	}
	if err := b.savePrefs(ctx, *pr); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.showPrefs(ctx, c, pr)
	return b.t(c, "prefs.saved", nil)
}

// goAway pauses the person until until: the rota skips them and their
// open tasks in the meantime go to the housemates, without any penalty;
// when they are back the rota brings them level (Ledger.Resume).
func (b *Bot) goAway(ctx context.Context, c *caller, pr *housing.Prefs, until time.Time) string {
	pr.AwayUntil, pr.Resume = until, true
	if err := b.savePrefs(ctx, *pr); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if h, err := b.householdOf(ctx, c.person); err == nil {
		if err := b.handOver(ctx, &h, c.person.ID, until); err != nil {
			b.logger.ErrorContext(ctx, "bot: hand over tasks", "err", err)
		}
	}
	b.reply(ctx, c, b.t(c, "prefs.away_ok", map[string]string{"Back": b.dayLabel(c.lang, until)}))
	return ""
}

// toggleKind turns one kind of reminder on or off, in place.
func (b *Bot) toggleKind(ctx context.Context, c *caller, p press, pr *housing.Prefs, k housing.ReminderKind) string {
	if !k.Valid() {
		return b.t(c, "button.stale", nil)
	}
	pr.Toggle(k)
	if err := b.savePrefs(ctx, *pr); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	kb, _, err := b.keyboard(ctx, c.id, kindPrefs, b.kindRows(c.lang, pr))
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
	return b.t(c, "prefs.saved", nil)
}

// kindRows are the reminder toggles, then Done.
func (b *Bot) kindRows(lang housing.Lang, pr *housing.Prefs) [][]button {
	var rows [][]button
	for _, k := range housing.ReminderKinds() {
		label := b.tr.T(lang, "prefs.kind."+string(k), nil)
		if pr.Wants(k) {
			label = "✓ " + label
		}
		rows = append(rows, []button{{label: label, option: "toggle:" + string(k)}})
	}
	return append(rows, []button{{label: b.tr.T(lang, "prefs.btn_done", nil), option: "menu"}})
}

// hourButtons offers prefHours, each option prefix + hour.
func hourButtons(prefix string) []button {
	var out []button
	for _, h := range prefHours() {
		out = append(out, button{label: clock(h), option: prefix + strconv.Itoa(h)})
	}
	return out
}

// dayButtons offers the weekdays, Monday first.
func (b *Bot) dayButtons(lang housing.Lang) []button {
	var out []button
	for i := range 7 {
		d := (i + 1) % 7
		out = append(out, button{label: b.tr.T(lang, "prefs.day."+strconv.Itoa(d), nil), option: "setday:" + strconv.Itoa(d)})
	}
	return out
}

// awayButtons offers the lengths of absence.
func (b *Bot) awayButtons(lang housing.Lang) []button {
	var out []button
	for _, n := range awayChoices() {
		out = append(out, button{label: b.tr.T(lang, "prefs.away."+strconv.Itoa(n), nil), option: "setaway:" + strconv.Itoa(n)})
	}
	return out
}
