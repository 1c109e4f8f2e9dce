package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/convivo/convivo/housing"
)

// Swaps: from /turni a resident picks one of their tasks, a housemate
// and, if they like, one of the housemate's tasks to take in exchange.
// The housemate gets Accept / No thanks; nothing changes until they
// accept, and the ledger is untouched either way: whoever does a task
// gets its points.

// onRotaButton handles the buttons of /turni.
func (b *Bot) onRotaButton(ctx context.Context, c *caller, p press) string {
	parts := strings.Split(p.option, ":")
	if parts[0] == "days" && p.msg.Text == b.t(c, "rota.ask_days", nil) {
		return b.toggleDays(ctx, c, p, parts)
	}
	b.pressed(ctx, c, p)
	switch {
	case parts[0] == "home" && len(parts) == 2:
		b.showHome(ctx, c, parts[1])
	case parts[0] == "swap":
		b.swapPickMine(ctx, c)
	case parts[0] == "swapa" && len(parts) == 2:
		b.swapPickMate(ctx, c, parts[1])
	case parts[0] == "swapto" && len(parts) == 3:
		b.swapPickReturn(ctx, c, parts[1], parts[2])
	case parts[0] == "swapret" && len(parts) == 4:
		b.proposeSwap(ctx, c, parts[1], parts[2], parts[3])
	default:
		return b.onTaskEdit(ctx, c, parts)
	}
	return ""
}

// showHome shows a mediator the rota of a home of their district.
func (b *Bot) showHome(ctx context.Context, c *caller, homeID string) {
	h, err := b.editableHousehold(ctx, c, homeID)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	b.showRota(ctx, c, &h)
}

// editableHousehold returns the household of homeID if the caller may see
// and change its rota: they live there, or they mediate in its district.
func (b *Bot) editableHousehold(ctx context.Context, c *caller, homeID string) (household, error) {
	h, err := b.householdByHome(ctx, homeID)
	if err != nil {
		return h, err
	}
	if !housing.CanEditRota(c.person.Role) || (!h.has(c.person.ID) &&
		(c.person.Role != housing.RoleMediator || h.home.District != c.person.District)) {
		return h, fmt.Errorf("bot: %s may not change the rota of %s: %w", c.person.ID, homeID, housing.ErrForbidden)
	}
	return h, nil
}

// openAssignments returns person's open tasks from today for a week.
func (b *Bot) openAssignments(ctx context.Context, homeID, personID string) ([]housing.Assignment, error) {
	now := b.cfg.Now()
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: homeID, PersonID: personID,
		From: b.midnight(now, 0), To: b.midnight(now, 8)})
	if err != nil {
		return nil, fmt.Errorf("bot: open tasks of %s: %w", personID, err)
	}
	var out []housing.Assignment
	for _, a := range as {
		if a.Status.Open() {
			out = append(out, a)
		}
	}
	return out, nil
}

// swapPickMine asks which of the caller's tasks they want to swap.
func (b *Bot) swapPickMine(ctx context.Context, c *caller) {
	h, err := b.householdOf(ctx, c.person)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	as, err := b.openAssignments(ctx, h.home.ID, c.person.ID)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	buttons, err := b.assignmentButtons(ctx, c.lang, h.home.ID, as, func(a housing.Assignment) string { return "swapa:" + a.ID })
	if err != nil || len(buttons) == 0 {
		b.reply(ctx, c, b.t(c, "rota.swap_none", nil))
		return
	}
	b.sendButtons(ctx, c, b.t(c, "rota.swap_which", nil), kindRota, grid(buttons, 1))
}

// assignmentButtons makes one button per assignment, "day · task".
func (b *Bot) assignmentButtons(ctx context.Context, lang housing.Lang, homeID string, as []housing.Assignment, option func(housing.Assignment) string) ([]button, error) {
	tasks, err := b.taskMap(ctx, homeID)
	if err != nil {
		return nil, err
	}
	var out []button
	for _, a := range as {
		if t := tasks[a.TaskID]; t != nil {
			out = append(out, button{label: b.dayLabel(lang, a.Due) + " · " + b.taskName(lang, t), option: option(a)})
		}
	}
	return out, nil
}

// swapPickMate asks which housemate to ask.
func (b *Bot) swapPickMate(ctx context.Context, c *caller, aid string) {
	a, h, err := b.memberAssignment(ctx, c, aid)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	if a.PersonID != c.person.ID || !a.Status.Open() {
		b.reply(ctx, c, b.t(c, "rota.swap_none", nil))
		return
	}
	prefs, err := b.allPrefs(ctx, &h)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	var buttons []button
	for _, m := range h.members(prefs, b.cfg.Now()) {
		if q := h.person(m.PersonID); !m.Paused && q.ID != c.person.ID && q.TelegramID != 0 {
			buttons = append(buttons, button{label: q.DisplayName, option: "swapto:" + aid + ":" + q.ID})
		}
	}
	if len(buttons) == 0 {
		b.reply(ctx, c, b.t(c, "rota.swap_nobody", nil))
		return
	}
	b.sendButtons(ctx, c, b.t(c, "rota.swap_who", nil), kindRota, grid(buttons, 2))
}

// swapPickReturn asks which of the housemate's tasks the caller offers to
// take in exchange, if any.
func (b *Bot) swapPickReturn(ctx context.Context, c *caller, aid, to string) {
	h, err := b.householdOf(ctx, c.person)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	as, err := b.openAssignments(ctx, h.home.ID, to)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	buttons, err := b.assignmentButtons(ctx, c.lang, h.home.ID, as, func(r housing.Assignment) string {
		return "swapret:" + aid + ":" + to + ":" + r.ID
	})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	buttons = append(buttons, button{label: b.t(c, "rota.swap_nothing_back", nil), option: "swapret:" + aid + ":" + to + ":-"})
	b.sendButtons(ctx, c, b.t(c, "rota.swap_return", map[string]string{"Name": h.name(to)}), kindRota, grid(buttons, 1))
}

// proposeSwap stores the request and asks the housemate.
func (b *Bot) proposeSwap(ctx context.Context, c *caller, aid, to, rid string) {
	a, h, err := b.memberAssignment(ctx, c, aid)
	if err != nil {
		b.replyLife(ctx, c, err)
		return
	}
	var ret *housing.Assignment
	if rid != "-" {
		r, err := b.store.Assignment(ctx, rid)
		if err != nil || r.HomeID != h.home.ID {
			b.replyError(ctx, c.chatID, c.lang, fmt.Errorf("bot: swap return %s: %w", rid, housing.ErrNotFound), scopeGeneral)
			return
		}
		ret = &r
	}
	prefs, err := b.allPrefs(ctx, &h)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	now := b.cfg.Now()
	s, err := housing.ProposeSwap("", a, ret, to, h.members(prefs, now), now)
	if err == nil {
		err = b.store.PutSwap(ctx, &s)
	}
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if err := b.askSwap(ctx, &h, &s, &a, ret); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "rota.swap_sent", map[string]string{"Name": h.name(to)}))
}

// askSwap sends the request to the housemate asked.
func (b *Bot) askSwap(ctx context.Context, h *household, s *housing.Swap, a, ret *housing.Assignment) error {
	q := h.person(s.To)
	tasks, err := b.taskMap(ctx, h.home.ID)
	if q == nil || err != nil {
		return wrapErr("ask swap", cmpErr(err, housing.ErrNotFound))
	}
	data := map[string]string{"Name": h.name(s.From), "Task": b.assignmentTask(q.Language, tasks, a),
		"Day": b.dayLabel(q.Language, a.Due)}
	if ret != nil {
		data["Return"] = b.assignmentTask(q.Language, tasks, ret)
		data["ReturnDay"] = b.dayLabel(q.Language, ret.Due)
	}
	return b.notify(ctx, q, notice{key: "swap:" + s.ID, kind: "swap", kbKind: kindChore, rows: b.swapRows(q.Language, s.ID),
		text: b.tr.T(q.Language, "rota.swap_ask", data)})
}

// swapRows are the buttons under a swap request.
func (b *Bot) swapRows(lang housing.Lang, sid string) [][]button {
	return [][]button{{
		{label: b.tr.T(lang, "rota.btn_accept", nil), option: "accept:" + sid},
		{label: b.tr.T(lang, "rota.btn_refuse", nil), option: "refuse:" + sid},
	}}
}

// cmpErr returns err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// onSwapAnswer applies the housemate's answer and tells the asker.
func (b *Bot) onSwapAnswer(ctx context.Context, c *caller, p press, verb, sid string) string {
	s, err := b.store.Swap(ctx, sid)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	a, h, err := b.memberAssignment(ctx, c, s.AssignmentID)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	var ret *housing.Assignment
	if s.InReturnID != "" {
		r, err := b.store.Assignment(ctx, s.InReturnID)
		if err != nil {
			return b.lifeError(ctx, c, err)
		}
		ret = &r
	}
	moved := []*housing.Assignment{&a}
	if ret != nil {
		moved = append(moved, ret)
	}
	was := make([]housing.Assignment, len(moved))
	for i, m := range moved {
		was[i] = *m
	}
	now := b.cfg.Now()
	if verb == "refuse" {
		err = housing.RefuseSwap(&s, c.person.ID, now)
	} else {
		err = housing.AcceptSwap(&s, &a, ret, c.person.ID, now)
	}
	if err == nil {
		err = b.saveSwap(ctx, &s, was, moved)
	}
	if errors.Is(err, errSwapRetry) {
		b.pressed(ctx, c, p)
		return b.reaskSwap(ctx, c, s.ID)
	} else if errors.Is(err, housing.ErrConflict) {
		b.pressed(ctx, c, p)
		return b.t(c, "rota.swap_stale", nil)
	} else if err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.pressed(ctx, c, p)
	b.tellAsker(ctx, &h, &s, &a)
	if verb == "refuse" {
		return b.t(c, "rota.swap_refuse_ok", nil)
	}
	return b.t(c, "rota.swap_thanks", nil)
}

// errSwapRetry reports that an assignment or the swap changed while an
// accepted swap was being saved: what was written is put back and the
// swap is still pending, so the housemate can answer again.
var errSwapRetry = errors.New("bot: changed meanwhile, the swap is still pending")

// saveSwap stores an answered swap and, when accepted, the assignments it
// moves (moved, as AcceptSwap left them; was, the same as read). There is
// no transaction: the assignments go first and the swap last, and when a
// write fails the assignments already written are put back, so a pending
// swap never leaves an assignment moved.
func (b *Bot) saveSwap(ctx context.Context, s *housing.Swap, was []housing.Assignment, moved []*housing.Assignment) error {
	if s.Status == housing.SwapAccepted {
		for i, m := range moved {
			if err := b.store.PutAssignment(ctx, m); err != nil {
				return b.undoSwap(ctx, s, was[:i], err)
			}
		}
	}
	if err := b.store.PutSwap(ctx, s); err != nil {
		if s.Status == housing.SwapAccepted {
			return b.undoSwap(ctx, s, was, err)
		}
		return fmt.Errorf("bot: swap %s: %w", s.ID, err)
	}
	return nil
}

// undoSwap puts back the assignments of s that were already written, as
// they were read (was), after cause stopped the swap. An assignment that
// changed again since it was written is left alone. A conflict whose
// assignments all went back is errSwapRetry; anything else is an error.
func (b *Bot) undoSwap(ctx context.Context, s *housing.Swap, was []housing.Assignment, cause error) error {
	errs := []error{cause}
	for _, w := range was {
		cur, err := b.store.Assignment(ctx, w.ID)
		if err == nil && (cur.Status != housing.AssignmentSwapped || !cur.UpdatedAt.Equal(s.AnsweredAt)) {
			continue // not the write of this swap any more
		}
		if err == nil {
			w.Version = cur.Version
			err = b.store.PutAssignment(ctx, &w)
		}
		if err != nil {
			b.logger.ErrorContext(ctx, "bot: put back a swapped assignment", "swap", s.ID, "assignment", w.ID, "err", err)
			errs = append(errs, err)
		}
	}
	if len(errs) == 1 && errors.Is(cause, housing.ErrConflict) {
		return fmt.Errorf("bot: swap %s: %w: %w", s.ID, errSwapRetry, cause)
	}
	return fmt.Errorf("bot: swap %s: %w", s.ID, errors.Join(errs...))
}

// reaskSwap tells the housemate something changed meanwhile and offers
// the swap's buttons again.
func (b *Bot) reaskSwap(ctx context.Context, c *caller, sid string) string {
	kb, _, err := b.keyboard(ctx, c.id, kindChore, b.swapRows(c.lang, sid))
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.send(ctx, c.chatID, b.t(c, "rota.swap_retry", nil), kb)
	return ""
}

// tellAsker lets the asker know the answer.
func (b *Bot) tellAsker(ctx context.Context, h *household, s *housing.Swap, a *housing.Assignment) {
	asker := h.person(s.From)
	if asker == nil {
		return
	}
	tasks, _ := b.taskMap(ctx, h.home.ID)
	id := "rota.swap_refused"
	if s.Status == housing.SwapAccepted {
		id = "rota.swap_accepted"
	}
	text := b.tr.T(asker.Language, id, map[string]string{"Name": h.name(s.To),
		"Task": b.assignmentTask(asker.Language, tasks, a)})
	if err := b.notify(ctx, asker, notice{key: "swap:" + s.ID + ":answer", kind: "swap", text: text}); err != nil {
		b.logger.ErrorContext(ctx, "bot: tell swap answer", "swap", s.ID, "err", err)
	}
}
