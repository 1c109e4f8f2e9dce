package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/convivo/convivo/housing"
)

// The rota's scheduled work: RotaJob gives out each week, and
// ChoreRemindersJob reminds people of the day's tasks at the hour they
// chose. Both are idempotent per slot: assignments have deterministic ids
// (housing.AssignmentID), messages deterministic outbox keys.

// weekDoneTTL is how long the bot remembers that a home's week was given
// out.
const weekDoneTTL = 15 * 24 * time.Hour

// RotaJob gives out the week that holds slot (suggested spec "0 6 * * 1":
// Mondays at 06:00) in every home where people live together: it creates
// the home's rota from housing.DefaultTasks the first time, brings people
// back from a pause level in the ledger (Ledger.Resume), records last
// week's undone tasks as missed (a signal for early warning, nothing
// more), assigns the week with housing.AssignWeek, skipping people who are
// away, and sends each person their tasks for the week. A home already
// given out this week is left alone, so the job can run again for the
// same slot; ChoreRemindersJob does the same for a home the job missed.
func (b *Bot) RotaJob(ctx context.Context, slot time.Time) error {
	hs, err := b.households(ctx)
	if err != nil {
		return err
	}
	week := housing.WeekStart(slot, b.cfg.Location)
	var errs []error
	for i := range hs {
		if err := b.rotaWeek(ctx, &hs[i], week); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs("rota", errs)
}

// ChoreRemindersJob reminds people of their tasks due on slot's day
// (suggested spec "0 8-20 * * *": hourly, within the hours people can
// choose). Everyone whose reminder hour is the slot's hour or earlier and
// who has not been reminded of a task yet gets one message per task, with
// Done and Can't today buttons: so a slot lost to downtime is made up by
// the next one, and the key "chore:<assignment>:<person>" makes sure
// nobody is reminded of the same task twice. A slot of a day already over
// does nothing.
func (b *Bot) ChoreRemindersJob(ctx context.Context, slot time.Time) error {
	day := b.midnight(slot, 0)
	if b.midnight(b.cfg.Now(), 0).After(day) {
		return nil
	}
	hs, err := b.households(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for i := range hs {
		if err := b.remindChores(ctx, &hs[i], day, slot); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs("chore reminders", errs)
}

// remindChores sends h's reminders for day at slot.
func (b *Bot) remindChores(ctx context.Context, h *household, day, slot time.Time) error {
	if err := b.rotaWeek(ctx, h, housing.WeekStart(day, nil)); err != nil {
		return err
	}
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: h.home.ID, From: day, To: b.midnight(day, 1)})
	if err != nil {
		return fmt.Errorf("bot: assignments of %s: %w", h.home.ID, err)
	}
	tasks, err := b.taskMap(ctx, h.home.ID)
	if err != nil {
		return err
	}
	prefs, err := b.allPrefs(ctx, h)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range as {
		p, t := h.person(a.PersonID), tasks[a.TaskID]
		if p == nil || t == nil || (a.Status != housing.AssignmentAssigned && a.Status != housing.AssignmentSwapped) {
			continue
		}
		pr := prefs[p.ID]
		if !pr.Wants(housing.RemindChores) || pr.Away(slot) || pr.ReminderHour > b.local(slot).Hour() {
			continue
		}
		errs = append(errs, b.notify(ctx, p, b.choreNotice(p, &a, t, slot)))
	}
	return errors.Join(errs...)
}

// choreKey is the outbox key of the reminder of assignment a to person.
func choreKey(assignmentID, personID string) string { return "chore:" + assignmentID + ":" + personID }

// choreNotice is the day's reminder of a to p, with Done and Can't today.
func (b *Bot) choreNotice(p *housing.Person, a *housing.Assignment, t *housing.Task, at time.Time) notice {
	return notice{key: choreKey(a.ID, p.ID), kind: "chore", at: at, kbKind: kindChore,
		text: b.tr.T(p.Language, "rota.remind", map[string]string{"Task": b.taskName(p.Language, t)}),
		rows: b.choreRows(p.Language, a.ID)}
}

// choreRows are the buttons under a reminder.
func (b *Bot) choreRows(lang housing.Lang, assignmentID string) [][]button {
	return [][]button{{
		{label: b.tr.T(lang, "rota.btn_done", nil), option: "done:" + assignmentID},
		{label: b.tr.T(lang, "rota.btn_cant", nil), option: "cant:" + assignmentID},
	}}
}

// rotaWeek makes sure the week from weekStart is given out in h's home,
// and tells each member their tasks. It does nothing for a week already
// given out.
func (b *Bot) rotaWeek(ctx context.Context, h *household, weekStart time.Time) error {
	done := "rota-week:" + h.home.ID + ":" + weekStart.Format(time.DateOnly)
	if _, err := b.store.GetState(ctx, done); err == nil {
		return nil
	} else if !errors.Is(err, housing.ErrNotFound) {
		return fmt.Errorf("bot: rota week: %w", err)
	}
	tasks, err := b.homeTasks(ctx, &h.home, weekStart)
	if err != nil {
		return err
	}
	prefs, err := b.allPrefs(ctx, h)
	if err != nil {
		return err
	}
	// A household that starts living together, or a week the job
	// missed, is given out from today: days already past stay empty.
	end := time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day()+7, 0, 0, 0, 0, weekStart.Location())
	from := weekStart
	if today := b.midnight(b.cfg.Now(), 0); today.After(from) && today.Before(end) {
		from = today
	}
	members := h.members(prefs, from)
	ledger, err := b.resumeMembers(ctx, h.home.ID, members, prefs)
	if err != nil {
		return err
	}
	if err := b.closeWeek(ctx, h.home.ID, weekStart); err != nil {
		return err
	}
	as := housing.AssignWeek(tasks, members, ledger, from)
	for i := range as {
		if !as[i].Due.Before(end) {
			continue
		}
		if err := b.store.PutAssignment(ctx, &as[i]); err != nil && !errors.Is(err, housing.ErrConflict) {
			return fmt.Errorf("bot: assign %s: %w", as[i].ID, err)
		}
	}
	if err := b.sendWeek(ctx, h, weekStart, prefs); err != nil {
		return err
	}
	if err := b.store.PutState(ctx, done, []byte("1"), weekDoneTTL); err != nil {
		return fmt.Errorf("bot: rota week: %w", err)
	}
	return nil
}

// homeTasks returns the home's tasks, creating the template rota of its
// kind the first time (never again, so a household that removed every
// task keeps an empty rota). Template tasks have deterministic ids, so a
// creation cut short by a crash completes without duplicates.
func (b *Bot) homeTasks(ctx context.Context, home *housing.Home, weekStart time.Time) ([]housing.Task, error) {
	tasks, err := b.store.Tasks(ctx, home.ID)
	if err != nil || len(tasks) > 0 {
		return tasks, wrapErr("tasks of "+home.ID, err)
	}
	marker := "rota-tasks:" + home.ID
	if _, err := b.store.GetState(ctx, marker); err == nil {
		return nil, nil
	}
	for _, t := range housing.DefaultTasks(home.Kind) {
		t.ID, t.HomeID, t.UpdatedBy, t.UpdatedAt = templateTaskID(home.ID, t.Key), home.ID, "bot", b.cfg.Now()
		if t.EveryDays > 0 {
			t.Start = weekStart
		}
		if err := b.store.PutTask(ctx, &t); err != nil && !errors.Is(err, housing.ErrConflict) {
			return nil, fmt.Errorf("bot: create task %s: %w", t.Key, err)
		}
	}
	if err := b.store.PutState(ctx, marker, []byte("1"), 0); err != nil {
		return nil, fmt.Errorf("bot: rota created: %w", err)
	}
	tasks, err = b.store.Tasks(ctx, home.ID)
	return tasks, wrapErr("tasks of "+home.ID, err)
}

// templateTaskID is the id of a home's template task key.
func templateTaskID(homeID, key string) string {
	sum := sha256.Sum256([]byte(homeID + "|" + key))
	return "tk_" + hex.EncodeToString(sum[:8])
}

// wrapErr wraps a store error with what was being read; nil stays nil.
func wrapErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("bot: %s: %w", what, err)
}

// taskMap returns a home's tasks by id.
func (b *Bot) taskMap(ctx context.Context, homeID string) (map[string]*housing.Task, error) {
	tasks, err := b.store.Tasks(ctx, homeID)
	if err != nil {
		return nil, fmt.Errorf("bot: tasks of %s: %w", homeID, err)
	}
	m := make(map[string]*housing.Task, len(tasks))
	for i := range tasks {
		m[tasks[i].ID] = &tasks[i]
	}
	return m, nil
}

// ledger returns a home's ledger, an empty one if it has none yet.
func (b *Bot) ledger(ctx context.Context, homeID string) (housing.Ledger, error) {
	l, err := b.store.Ledger(ctx, homeID)
	if errors.Is(err, housing.ErrNotFound) {
		return housing.Ledger{HomeID: homeID}, nil
	}
	return l, wrapErr("ledger of "+homeID, err)
}

// resumeMembers brings every member back from a pause level with the
// others (Ledger.Resume) and returns the ledger to assign with.
func (b *Bot) resumeMembers(ctx context.Context, homeID string, members []housing.RotaMember, prefs map[string]housing.Prefs) (housing.Ledger, error) {
	l, err := b.ledger(ctx, homeID)
	if err != nil {
		return l, err
	}
	var back []string
	for _, m := range members {
		if pr := prefs[m.PersonID]; !m.Paused && pr.Resume {
			l.Resume(m.PersonID, members)
			back = append(back, m.PersonID)
		}
	}
	if len(back) == 0 {
		return l, nil
	}
	if err := b.store.PutLedger(ctx, &l); err != nil {
		return l, fmt.Errorf("bot: ledger of %s: %w", homeID, err)
	}
	for _, id := range back {
		pr := prefs[id]
		pr.Resume = false
		if err := b.savePrefs(ctx, pr); err != nil {
			return l, err
		}
	}
	return l, nil
}

// closeWeek records the tasks of the week before weekStart that nobody
// did as missed: only a signal for early warning, it costs nobody points.
func (b *Bot) closeWeek(ctx context.Context, homeID string, weekStart time.Time) error {
	from := time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day()-7, 0, 0, 0, 0, weekStart.Location())
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: homeID, From: from, To: weekStart})
	if err != nil {
		return fmt.Errorf("bot: last week of %s: %w", homeID, err)
	}
	now := b.cfg.Now()
	for i := range as {
		a := &as[i]
		if !a.Overdue(now) || housing.MarkMissed(a, now) != nil {
			continue
		}
		if err := b.store.PutAssignment(ctx, a); err != nil && !errors.Is(err, housing.ErrConflict) {
			return fmt.Errorf("bot: mark %s missed: %w", a.ID, err)
		}
	}
	return nil
}

// sendWeek tells each member taking part their tasks of the week from
// weekStart.
func (b *Bot) sendWeek(ctx context.Context, h *household, weekStart time.Time, prefs map[string]housing.Prefs) error {
	end := time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day()+7, 0, 0, 0, 0, weekStart.Location())
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: h.home.ID, From: weekStart, To: end})
	if err != nil {
		return fmt.Errorf("bot: week of %s: %w", h.home.ID, err)
	}
	tasks, err := b.taskMap(ctx, h.home.ID)
	if err != nil {
		return err
	}
	var errs []error
	for i := range h.people {
		p := &h.people[i]
		pr := prefs[p.ID]
		mine := slices.DeleteFunc(slices.Clone(as), func(a housing.Assignment) bool { return a.PersonID != p.ID })
		if len(mine) == 0 || !pr.Wants(housing.RemindChores) || pr.Away(weekStart) {
			continue
		}
		text := b.tr.T(p.Language, "rota.week_intro", nil) + "\n" + b.assignmentLines(p.Language, mine, tasks, nil)
		key := "rota-week:" + h.home.ID + ":" + weekStart.Format(time.DateOnly) + ":" + p.ID
		errs = append(errs, b.notify(ctx, p, notice{key: key, kind: "rota", text: text, at: weekStart}))
	}
	return errors.Join(errs...)
}

// handOver gives the open tasks person holds from today until until
// (they are going away) to the housemates the rota would have chosen
// without them: housing.AssignWeek run again with them paused. Nothing is
// held against them, and nothing is handed to someone away too.
func (b *Bot) handOver(ctx context.Context, h *household, personID string, until time.Time) error {
	now := b.cfg.Now()
	as, err := b.store.Assignments(ctx, housing.AssignmentFilter{HomeID: h.home.ID, PersonID: personID,
		From: b.midnight(now, 0), To: until})
	if err != nil || len(as) == 0 {
		return wrapErr("tasks to hand over", err)
	}
	plan, err := b.planWithout(ctx, h, as)
	if err != nil {
		return err
	}
	var errs []error
	for i := range as {
		a := &as[i]
		to := plan[a.ID]
		if to == "" || to == personID || (a.Status != housing.AssignmentAssigned && a.Status != housing.AssignmentSwapped) {
			continue
		}
		if a.AssignedTo == personID {
			a.AssignedTo = to
		}
		a.PersonID, a.Status, a.UpdatedAt = to, housing.AssignmentSwapped, now
		if a.AssignedTo == to {
			a.Status = housing.AssignmentAssigned
		}
		errs = append(errs, wrapErr("hand over "+a.ID, b.store.PutAssignment(ctx, a)))
	}
	return errors.Join(errs...)
}

// planWithout returns who the rota would give each of as to with the
// household as it is now (someone away paused): assignment id -> person.
func (b *Bot) planWithout(ctx context.Context, h *household, as []housing.Assignment) (map[string]string, error) {
	tasks, err := b.store.Tasks(ctx, h.home.ID)
	if err != nil {
		return nil, fmt.Errorf("bot: tasks of %s: %w", h.home.ID, err)
	}
	prefs, err := b.allPrefs(ctx, h)
	if err != nil {
		return nil, err
	}
	ledger, err := b.ledger(ctx, h.home.ID)
	if err != nil {
		return nil, err
	}
	members := h.members(prefs, b.cfg.Now())
	plan := map[string]string{}
	weeks := map[time.Time]bool{}
	for _, a := range as {
		week := housing.WeekStart(a.Due, nil)
		if weeks[week] {
			continue
		}
		weeks[week] = true
		for _, x := range housing.AssignWeek(tasks, members, ledger, week) {
			plan[x.ID] = x.PersonID
		}
	}
	return plan, nil
}
