package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// Answers, reminders and attendance of outings. An invitee can change
// their answer until the outing starts: each answer puts fresh buttons
// under the invitation. A place given up goes to the first person waiting,
// who is told. Reminders go the evening before and two hours before to
// whoever said yes or maybe; after the outing the organiser is asked who
// came.

// The kinds of pending action of outings.
const (
	kindRSVP   = "rsvp"   // Yes / Maybe / No under an invitation
	kindAttend = "attend" // the organiser's attendance toggles
)

// attendanceAfter is how long after its start an outing's organiser is
// asked who came, and attendanceWindow how long they are still asked.
const (
	attendanceAfter  = 2 * time.Hour
	attendanceWindow = 48 * time.Hour
)

// rsvpRows are the answer buttons of an invitation.
func (b *Bot) rsvpRows(lang housing.Lang, outingID string) [][]button {
	return [][]button{{
		{label: b.tr.T(lang, "outing.btn_yes", nil), option: "yes:" + outingID},
		{label: b.tr.T(lang, "outing.btn_maybe", nil), option: "maybe:" + outingID},
		{label: b.tr.T(lang, "outing.btn_no", nil), option: "no:" + outingID},
	}}
}

// onOutingButton handles answers to invitations and the organiser's
// attendance buttons.
func (b *Bot) onOutingButton(ctx context.Context, c *caller, p press) string {
	if p.action.Kind == kindAttend {
		return b.onAttendance(ctx, c, p)
	}
	verb, id, _ := strings.Cut(p.option, ":")
	answer := housing.Answer(verb)
	if !answer.Valid() {
		return b.t(c, "button.stale", nil)
	}
	o, res, promoted, err := b.rsvp(ctx, id, c.person.ID, answer)
	if errors.Is(err, housing.ErrConflict) {
		b.editKeyboard(ctx, c.chatID, p.msg.MessageID, noKeyboard())
		return b.t(c, "outing.closed", nil)
	} else if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if kb, _, err := b.keyboard(ctx, c.id, kindRSVP, b.rsvpRows(c.lang, o.ID)); err == nil {
		b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
	}
	data := map[string]any{"Title": o.Title, "N": slices.Index(o.Waitlist, c.person.ID) + 1}
	b.reply(ctx, c, b.t(c, "outing.rsvp."+string(res), data))
	if promoted != "" {
		b.tellPromoted(ctx, &o, promoted)
	}
	return ""
}

// rsvp records an answer, again on fresh records after a version race
// (several people answer at once).
func (b *Bot) rsvp(ctx context.Context, id, person string, a housing.Answer) (housing.Outing, housing.RSVPResult, string, error) {
	err := housing.ErrConflict
	for range conflictRetries {
		o, gerr := b.store.Outing(ctx, id)
		if gerr != nil {
			return o, "", "", fmt.Errorf("bot: outing %s: %w", id, gerr)
		}
		res, promoted, rerr := housing.RSVP(&o, person, a, b.cfg.Now())
		if rerr != nil {
			return o, "", "", rerr
		}
		if err = b.store.PutOuting(ctx, &o); err == nil {
			return o, res, promoted, nil
		}
		if !errors.Is(err, housing.ErrConflict) {
			break
		}
	}
	return housing.Outing{}, "", "", fmt.Errorf("bot: answer outing %s: %w", id, err)
}

// tellPromoted tells the first person waiting that a place freed up.
func (b *Bot) tellPromoted(ctx context.Context, o *housing.Outing, personID string) {
	p, err := b.store.Person(ctx, personID)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: promoted person", "err", err)
		return
	}
	text := b.tr.T(p.Language, "outing.promoted", map[string]string{"Outing": b.outingText1(p.Language, o)})
	key := "outing:" + o.ID + ":in:" + p.ID + ":" + strconv.FormatInt(o.UpdatedAt.UnixNano(), 36)
	if err := b.notify(ctx, &p, notice{key: key, kind: "outing", text: text}); err != nil {
		b.logger.ErrorContext(ctx, "bot: tell promoted person", "err", err)
	}
}

// OutingRemindersJob sends the reminders of outings that fall due by
// slot (suggested spec "*/15 0,1,3-23 * * *": every quarter of an hour but
// in the hour that summer time skips or repeats): the evening before at
// 18:00 and two hours before the start (housing.OutingReminders), to
// whoever said yes or maybe and wants outing reminders; only the latest
// one due is sent, so a slot lost to downtime sends one reminder late,
// not two. A reminder that quiet hours would push past the start is
// dropped. From two hours after the start the organiser is asked who
// came. Keys "outing:<id>:rem<n>:<person>" and "outing:<id>:attendance".
func (b *Bot) OutingRemindersJob(ctx context.Context, slot time.Time) error {
	outs, err := b.store.Outings(ctx, housing.OutingFilter{From: slot.Add(-attendanceWindow), To: slot.Add(48 * time.Hour)})
	if err != nil {
		return fmt.Errorf("bot: outings: %w", err)
	}
	var errs []error
	for i := range outs {
		o := &outs[i]
		switch {
		case o.Status != housing.OutingPlanned:
		case slot.Before(o.At):
			errs = append(errs, b.remindOuting(ctx, o, slot))
		case !slot.Before(o.At.Add(attendanceAfter)):
			errs = append(errs, b.askAttendance(ctx, o))
		}
	}
	return joinErrs("outing reminders", errs)
}

// remindOuting sends o's latest reminder due by slot.
func (b *Bot) remindOuting(ctx context.Context, o *housing.Outing, slot time.Time) error {
	due := -1
	for i, t := range housing.OutingReminders(*o, b.cfg.Location) {
		if !t.After(slot) {
			due = i
		}
	}
	if due < 0 || !b.notBefore(slot).Before(o.At) {
		return nil
	}
	var errs []error
	for _, r := range o.Replies {
		if r.Answer == housing.AnswerNo || slices.Contains(o.Waitlist, r.PersonID) {
			continue
		}
		p, err := b.store.Person(ctx, r.PersonID)
		if err != nil {
			errs = append(errs, fmt.Errorf("bot: outing %s: %w", o.ID, err))
			continue
		}
		pr, err := b.prefs(ctx, p.ID)
		if err != nil || !pr.Wants(housing.RemindOutings) || pr.Away(slot) {
			errs = append(errs, err)
			continue
		}
		id := "outing.remind_eve"
		if due > 0 {
			id = "outing.remind_soon"
		}
		text := b.tr.T(p.Language, id, map[string]string{"Title": o.Title, "Time": b.local(o.At).Format("15:04"),
			"Place": o.Place})
		key := "outing:" + o.ID + ":rem" + strconv.Itoa(due) + ":" + p.ID
		errs = append(errs, b.notify(ctx, &p, notice{key: key, kind: "outing", text: text, at: slot}))
	}
	return errors.Join(errs...)
}

// attendees returns who may have come to o: those who said yes or maybe,
// in the order they answered.
func attendees(o *housing.Outing) []string {
	var ids []string
	for _, r := range o.Replies {
		if r.Answer != housing.AnswerNo {
			ids = append(ids, r.PersonID)
		}
	}
	return ids
}

// askAttendance asks the organiser who came.
func (b *Bot) askAttendance(ctx context.Context, o *housing.Outing) error {
	org, err := b.store.Person(ctx, o.Organiser)
	if err != nil {
		return fmt.Errorf("bot: organiser of %s: %w", o.ID, err)
	}
	ids := attendees(o)
	if len(ids) == 0 {
		return nil // nobody said they would come: nothing to ask
	}
	sel := strings.Repeat("1", min(len(ids), maxOptions-1)) // everyone who said yes or maybe came, until told otherwise
	rows, err := b.attendanceRows(ctx, &org, o, sel)
	if err != nil {
		return err
	}
	text := b.tr.T(org.Language, "outing.ask_attendance", map[string]string{"Title": o.Title})
	return b.notify(ctx, &org, notice{key: "outing:" + o.ID + ":attendance", kind: "outing", text: text,
		kbKind: kindAttend, rows: rows})
}

// attendanceRows are one toggle per possible attendee (sel: '1' for
// present, in attendees order) and Save. Staff see case codes.
func (b *Bot) attendanceRows(ctx context.Context, org *housing.Person, o *housing.Outing, sel string) ([][]button, error) {
	ids := attendees(o)
	if len(ids) > maxOptions-1 {
		ids = ids[:maxOptions-1]
	}
	var rows [][]button
	for i, id := range ids {
		p, err := b.store.Person(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("bot: attendee of %s: %w", o.ID, err)
		}
		label := p.DisplayName
		if org.Role.Staff() {
			label = p.Label()
		}
		flipped := []byte(sel)
		if sel[i] == '1' {
			label = "✓ " + label
			flipped[i] = '0'
		} else {
			flipped[i] = '1'
		}
		rows = append(rows, []button{{label: label, option: "t:" + o.ID + ":" + string(flipped)}})
	}
	return append(rows, []button{{label: b.tr.T(org.Language, "outing.btn_save", nil), option: "s:" + o.ID + ":" + sel}}), nil
}

// onAttendance toggles an attendee in place, or saves the attendance.
func (b *Bot) onAttendance(ctx context.Context, c *caller, p press) string {
	parts := strings.Split(p.option, ":")
	if len(parts) != 3 {
		return b.t(c, "button.stale", nil)
	}
	o, err := b.store.Outing(ctx, parts[1])
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	sel := parts[2]
	if o.Organiser != c.person.ID || len(sel) != min(len(attendees(&o)), maxOptions-1) {
		return b.t(c, "button.stale", nil)
	}
	if parts[0] == "t" {
		rows, err := b.attendanceRows(ctx, c.person, &o, sel)
		if err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		kb, _, err := b.keyboard(ctx, c.id, kindAttend, rows)
		if err != nil {
			return b.errorText(ctx, c.lang, err, scopeGeneral)
		}
		b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
		return ""
	}
	return b.saveAttendance(ctx, c, p, o.ID, sel)
}

// saveAttendance records who came (housing.MarkAttendance).
func (b *Bot) saveAttendance(ctx context.Context, c *caller, p press, id, sel string) string {
	err := housing.ErrConflict
	var present []string
	for range conflictRetries {
		o, gerr := b.store.Outing(ctx, id)
		if gerr != nil {
			return b.errorText(ctx, c.lang, gerr, scopeGeneral)
		}
		present = present[:0]
		for i, pid := range attendees(&o) {
			if i < len(sel) && sel[i] == '1' {
				present = append(present, pid)
			}
		}
		if err = housing.MarkAttendance(&o, c.person.ID, present, b.cfg.Now()); err != nil {
			break
		}
		if err = b.store.PutOuting(ctx, &o); !errors.Is(err, housing.ErrConflict) {
			break
		}
	}
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if c.person.Role.Staff() {
		b.audit(ctx, auditBy(c.person, "life.outing-attendance", "outing/"+id, "outing"))
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, noKeyboard())
	b.reply(ctx, c, b.t(c, "outing.attendance_saved", map[string]int{"N": len(present)}))
	return ""
}
