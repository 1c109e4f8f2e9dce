package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/convivo/convivo/housing"
)

// conflictRetries bounds how often a change that lost a version race is
// tried again on fresh records.
const conflictRetries = 3

// onChoreButton handles Done, Can't today, an offered task's Take it /
// Not this time, and the answers to a swap request.
func (b *Bot) onChoreButton(ctx context.Context, c *caller, p press) string {
	verb, id, _ := strings.Cut(p.option, ":")
	switch verb {
	case "done":
		return b.onDone(ctx, c, p, id)
	case "cant":
		return b.onCant(ctx, c, p, id)
	case "take", "pass":
		return b.onOffer(ctx, c, p, verb, id)
	case "accept", "refuse":
		return b.onSwapAnswer(ctx, c, p, verb, id)
	}
	return b.t(c, "button.stale", nil)
}

// memberAssignment loads assignment id and checks that the caller lives
// in its home.
func (b *Bot) memberAssignment(ctx context.Context, c *caller, id string) (housing.Assignment, household, error) {
	a, err := b.store.Assignment(ctx, id)
	if err != nil {
		return a, household{}, fmt.Errorf("bot: assignment %s: %w", id, err)
	}
	h, err := b.householdOf(ctx, c.person)
	if err != nil {
		return a, h, err
	}
	if h.home.ID != a.HomeID {
		return a, h, fmt.Errorf("bot: assignment %s is not in %s's home: %w", id, c.person.ID, housing.ErrForbidden)
	}
	return a, h, nil
}

// onDone marks a task done by the caller and credits its effort to them.
// A second press, or a press by the same person on another copy of the
// button, credits nothing more.
func (b *Bot) onDone(ctx context.Context, c *caller, p press, id string) string {
	for range conflictRetries {
		a, h, err := b.memberAssignment(ctx, c, id)
		if err != nil {
			return b.lifeError(ctx, c, err)
		}
		if a.Status == housing.AssignmentDone {
			b.pressed(ctx, c, p)
			return b.t(c, "rota.already_done", nil)
		}
		var scratch housing.Ledger // Done's credit goes to the store below, with retries
		now := b.cfg.Now()
		if err := housing.Done(&a, &scratch, c.person.ID, now); err != nil {
			return b.lifeError(ctx, c, err)
		}
		if err := b.store.PutAssignment(ctx, &a); errors.Is(err, housing.ErrConflict) {
			continue
		} else if err != nil {
			return b.lifeError(ctx, c, err)
		}
		if err := b.credit(ctx, a.HomeID, c.person.ID, a.Effort); err != nil {
			b.logger.ErrorContext(ctx, "bot: credit done task", "assignment", a.ID, "err", err)
		}
		b.pressed(ctx, c, p)
		tasks, _ := b.taskMap(ctx, a.HomeID)
		b.reply(ctx, c, b.t(c, "rota.done_thanks", map[string]any{"Task": b.assignmentTask(c.lang, tasks, &a),
			"Points": a.Effort, "Month": b.monthLine(ctx, c.lang, &h, h.name, now)}))
		return ""
	}
	return b.t(c, "error.conflict", nil)
}

// credit adds points to person in a home's ledger, again on a version race.
func (b *Bot) credit(ctx context.Context, homeID, person string, points int) error {
	var err error
	for range conflictRetries {
		var l housing.Ledger
		if l, err = b.ledger(ctx, homeID); err != nil {
			return err
		}
		l.Credit(person, points, b.local(b.cfg.Now()))
		if err = b.store.PutLedger(ctx, &l); !errors.Is(err, housing.ErrConflict) {
			return wrapErr("credit "+person, err)
		}
	}
	return wrapErr("credit "+person, err)
}

// assignmentTask names a's task in lang.
func (b *Bot) assignmentTask(lang housing.Lang, tasks map[string]*housing.Task, a *housing.Assignment) string {
	if t := tasks[a.TaskID]; t != nil {
		return b.taskName(lang, t)
	}
	return "—"
}

// lifeError returns the words for err as a callback answer.
func (b *Bot) lifeError(ctx context.Context, c *caller, err error) string {
	if errors.Is(err, errNoHome) {
		return b.t(c, "rota.no_home_short", nil)
	}
	return b.errorText(ctx, c.lang, err, scopeGeneral)
}

// onCant records "can't today" and offers the task to the housemates who
// are around. Nothing is held against the person who asked.
func (b *Bot) onCant(ctx context.Context, c *caller, p press, id string) string {
	a, h, err := b.memberAssignment(ctx, c, id)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	if a.PersonID != c.person.ID {
		return b.t(c, "rota.not_yours", nil)
	}
	if a.Overdue(b.cfg.Now()) {
		return b.t(c, "rota.too_late", nil)
	}
	if err := housing.CantToday(&a, c.person.ID, b.cfg.Now()); err != nil {
		return b.lifeError(ctx, c, err)
	}
	if err := b.store.PutAssignment(ctx, &a); err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.pressed(ctx, c, p)
	tasks, err := b.taskMap(ctx, a.HomeID)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	asked, err := b.offer(ctx, &h, &a, tasks[a.TaskID], c.person)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: offer task", "assignment", a.ID, "err", err)
	}
	if asked == 0 {
		b.reply(ctx, c, b.t(c, "rota.cant_alone", nil))
		return ""
	}
	b.reply(ctx, c, b.t(c, "rota.cant_ok", nil))
	return ""
}

// offer asks every housemate who is around whether they can take a over,
// and returns how many were asked.
func (b *Bot) offer(ctx context.Context, h *household, a *housing.Assignment, t *housing.Task, from *housing.Person) (int, error) {
	if t == nil {
		return 0, nil
	}
	prefs, err := b.allPrefs(ctx, h)
	if err != nil {
		return 0, err
	}
	now := b.cfg.Now()
	asked := 0
	var errs []error
	for i := range h.people {
		q := &h.people[i]
		pr := prefs[q.ID]
		if q.ID == from.ID || q.Status != housing.StatusActive || q.TelegramID == 0 || pr.Away(now) {
			continue
		}
		text := b.tr.T(q.Language, "rota.offer", map[string]string{"Name": from.DisplayName,
			"Task": b.taskName(q.Language, t), "Day": b.dayLabel(q.Language, a.Due)})
		rows := [][]button{{
			{label: b.tr.T(q.Language, "rota.btn_take", nil), option: "take:" + a.ID},
			{label: b.tr.T(q.Language, "rota.btn_pass", nil), option: "pass:" + a.ID},
		}}
		key := "offer:" + a.ID + ":" + strconv.FormatInt(a.CantAt.Unix(), 36) + ":" + q.ID // offered again after another "can't"
		n := notice{key: key, kind: "offer", text: text, kbKind: kindChore, rows: rows}
		if err := b.notify(ctx, q, n); err != nil {
			errs = append(errs, err)
			continue
		}
		asked++
	}
	return asked, errors.Join(errs...)
}

// onOffer handles a housemate's answer to an offered task: the first to
// take it gets it (housing.Reassign), the others are thanked.
func (b *Bot) onOffer(ctx context.Context, c *caller, p press, verb, id string) string {
	b.pressed(ctx, c, p)
	if verb == "pass" {
		return b.t(c, "rota.pass_ok", nil)
	}
	a, h, err := b.memberAssignment(ctx, c, id)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	prefs, err := b.allPrefs(ctx, &h)
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	from := a.PersonID
	err = housing.Reassign(&a, c.person.ID, h.members(prefs, b.cfg.Now()), b.cfg.Now())
	if err == nil {
		err = b.store.PutAssignment(ctx, &a)
	}
	if errors.Is(err, housing.ErrConflict) {
		return b.t(c, "rota.offer_gone", nil)
	} else if err != nil {
		return b.lifeError(ctx, c, err)
	}
	tasks, _ := b.taskMap(ctx, a.HomeID)
	b.markQueued(ctx, choreKey(a.ID, c.person.ID)) // this answer is the reminder
	kb, _, err := b.keyboard(ctx, c.id, kindChore, [][]button{{b.choreRows(c.lang, a.ID)[0][0]}})
	if err != nil {
		return b.lifeError(ctx, c, err)
	}
	b.send(ctx, c.chatID, b.t(c, "rota.took", map[string]string{"Task": b.assignmentTask(c.lang, tasks, &a)}), kb)
	if asker := h.person(from); asker != nil {
		text := b.tr.T(asker.Language, "rota.taken", map[string]string{"Name": c.person.DisplayName,
			"Task": b.assignmentTask(asker.Language, tasks, &a)})
		if err := b.notify(ctx, asker, notice{key: "taken:" + a.ID + ":" + c.person.ID, kind: "offer", text: text}); err != nil {
			b.logger.ErrorContext(ctx, "bot: tell who asked", "assignment", a.ID, "err", err)
		}
	}
	return ""
}
