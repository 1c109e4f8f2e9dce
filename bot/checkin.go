package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// The weekly check-in: once a week, at the day and hour each person chose,
// "How is living together going this week?" with 1 to 5 (with emoji), an
// optional note, and "I'd like to talk to my worker", which stores a
// talk-request event and calls Config.OnEvent at once. Weeks nobody
// answered are recorded as such, so that silence is a signal.

// kindCheckIn is the pending action kind of the check-in buttons, and
// flowCheckIn the conversation that waits for the optional note.
const (
	kindCheckIn = "checkin"
	flowCheckIn = "checkin"
)

// checkInGrace is how long after the question a week's check-in stays
// open once the week has ended; askedTTL how long the bot remembers when
// it asked; closeWeeks how many past weeks CheckInCloseJob looks at.
const (
	checkInGrace = 48 * time.Hour
	askedTTL     = 40 * 24 * time.Hour
	closeWeeks   = 4
)

// moods are the answers' emoji, for 1 to 5.
func moods() []string { return []string{"😞", "🙁", "😐", "🙂", "😄"} }

// checkInID is the id of a person's check-in of one week in one
// placement: answering again, and recording a non-answer, find it.
func checkInID(personID, placementID, week string) string {
	sum := sha256.Sum256([]byte(personID + "|" + placementID + "|" + week))
	return "ci_" + hex.EncodeToString(sum[:10])
}

// askedKey is the state key that records when a week's question was
// queued for a person.
func askedKey(personID, placementID, week string) string {
	return "checkin-asked:" + personID + ":" + placementID + ":" + week
}

// CheckInJob asks the weekly question (suggested spec "0 8-20 * * *":
// hourly, within the hours people can choose) of everyone whose chosen
// day and hour in slot's ISO week have come, who wants it and is not
// away. A slot lost to downtime is made up by the next one in the same
// week; the key "checkin:<person>:<placement>:<week>" asks once a week. A
// slot of a week already over does nothing.
func (b *Bot) CheckInJob(ctx context.Context, slot time.Time) error {
	week := housing.ISOWeek(slot, b.cfg.Location)
	if housing.ISOWeek(b.cfg.Now(), b.cfg.Location) != week {
		return nil
	}
	hs, err := b.households(ctx)
	if err != nil {
		return err
	}
	weekStart := housing.WeekStart(slot, b.cfg.Location)
	var errs []error
	for i := range hs {
		h := &hs[i]
		prefs, err := b.allPrefs(ctx, h)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for j := range h.people {
			p := &h.people[j]
			pr := prefs[p.ID]
			if !pr.Wants(housing.RemindCheckIn) || pr.Away(slot) || pr.CheckInTime(weekStart).After(slot) {
				continue
			}
			errs = append(errs, b.askCheckIn(ctx, p, h.placementOf(p.ID).ID, week, slot))
		}
	}
	return joinErrs("check-in", errs)
}

// askCheckIn queues the week's question for p and remembers when.
func (b *Bot) askCheckIn(ctx context.Context, p *housing.Person, placementID, week string, slot time.Time) error {
	if p.TelegramID == 0 || p.Status != housing.StatusActive {
		return nil
	}
	n := notice{key: "checkin:" + p.ID + ":" + placementID + ":" + week, kind: "checkin", at: slot,
		text: b.tr.T(p.Language, "checkin.ask", nil), kbKind: kindCheckIn, rows: b.moodRows(p.Language, placementID, week)}
	if err := b.notify(ctx, p, n); err != nil {
		return err
	}
	now := []byte(b.cfg.Now().UTC().Format(time.RFC3339))
	if _, err := b.store.ClaimState(ctx, askedKey(p.ID, placementID, week), now, askedTTL); err != nil {
		return fmt.Errorf("bot: remember check-in question: %w", err)
	}
	return nil
}

// moodRows are 1 to 5 and "I'd like to talk to my worker".
func (b *Bot) moodRows(lang housing.Lang, placementID, week string) [][]button {
	var row []button
	for i, e := range moods() {
		n := strconv.Itoa(i + 1)
		row = append(row, button{label: n + " " + e, option: "mood:" + placementID + ":" + week + ":" + n})
	}
	return [][]button{row, {b.talkButton(lang, placementID, week)}}
}

func (b *Bot) talkButton(lang housing.Lang, placementID, week string) button {
	return button{label: b.tr.T(lang, "checkin.btn_talk", nil), option: "talk:" + placementID + ":" + week}
}

// onCheckInButton handles a mood, "nothing to add" and "talk to my worker".
func (b *Bot) onCheckInButton(ctx context.Context, c *caller, p press) string {
	parts := strings.Split(p.option, ":")
	if len(parts) < 3 {
		return b.t(c, "button.stale", nil)
	}
	verb, plid, week := parts[0], parts[1], parts[2]
	if err := b.checkInPlacement(ctx, c, plid); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	switch {
	case verb == "mood" && len(parts) == 4:
		mood, err := strconv.Atoi(parts[3])
		if err != nil || mood < 1 || mood > 5 {
			return b.t(c, "button.stale", nil)
		}
		return b.answerMood(ctx, c, p, plid, week, mood)
	case verb == "skip":
		b.pressed(ctx, c, p)
		b.endFlow(ctx, c, flowCheckIn)
		b.reply(ctx, c, b.t(c, "checkin.thanks", nil))
		return ""
	case verb == "talk":
		b.pressed(ctx, c, p)
		b.endFlow(ctx, c, flowCheckIn)
		return b.requestTalk(ctx, c, plid, week)
	}
	return b.t(c, "button.stale", nil)
}

// checkInPlacement checks that the caller lives in placement id, or hosts
// it.
func (b *Bot) checkInPlacement(ctx context.Context, c *caller, id string) error {
	pl, err := b.store.Placement(ctx, id)
	if err != nil {
		return fmt.Errorf("bot: placement %s: %w", id, err)
	}
	if pl.HasResident(c.person.ID) {
		return nil
	}
	if home, err := b.store.Home(ctx, pl.HomeID); err == nil && home.HostID == c.person.ID {
		return nil
	}
	return fmt.Errorf("bot: %s is not in placement %s: %w", c.person.ID, id, housing.ErrForbidden)
}

// answerMood records the mood and offers to add a note.
func (b *Bot) answerMood(ctx context.Context, c *caller, p press, plid, week string, mood int) string {
	now := b.cfg.Now()
	err := b.updateCheckIn(ctx, c.person.ID, plid, week, func(ci *housing.CheckIn) error {
		return ci.Answer(mood, ci.Note, ci.WantsTalk, now)
	})
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.pressed(ctx, c, p)
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowCheckIn, Step: "note:" + plid + ":" + week}
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	rows := [][]button{
		{{label: b.t(c, "checkin.btn_skip", nil), option: "skip:" + plid + ":" + week}},
		{b.talkButton(c.lang, plid, week)},
	}
	b.sendButtons(ctx, c, b.t(c, "checkin.ask_note", nil), kindCheckIn, rows)
	return ""
}

// updateCheckIn applies change to the person's check-in of week, creating
// it if needed, again on fresh records after a version race.
func (b *Bot) updateCheckIn(ctx context.Context, personID, plid, week string, change func(*housing.CheckIn) error) error {
	since, err := housing.ParseISOWeek(week, b.cfg.Location)
	if err != nil {
		return err
	}
	for range conflictRetries {
		cs, err := b.store.CheckIns(ctx, housing.CheckInFilter{PersonID: personID, PlacementID: plid, Since: since})
		if err != nil {
			return fmt.Errorf("bot: check-ins of %s: %w", personID, err)
		}
		ci := housing.CheckIn{ID: checkInID(personID, plid, week), PersonID: personID, PlacementID: plid, Week: week}
		for _, x := range cs {
			if x.Week == week {
				ci = x
			}
		}
		if err := change(&ci); err != nil {
			return err
		}
		if err = b.store.PutCheckIn(ctx, &ci); !errors.Is(err, housing.ErrConflict) {
			return wrapErr("save check-in", err)
		}
	}
	return fmt.Errorf("bot: save check-in: %w", housing.ErrConflict)
}

// checkInText takes the optional note.
func (b *Bot) checkInText(ctx context.Context, c *caller, text string) {
	rest, ok := strings.CutPrefix(c.conv.Step, "note:")
	plid, week, ok2 := strings.Cut(rest, ":")
	now := b.cfg.Now()
	if !ok || !ok2 || (week != housing.ISOWeek(now, b.cfg.Location) && week != housing.ISOWeek(now.AddDate(0, 0, -7), b.cfg.Location)) {
		b.endFlow(ctx, c, flowCheckIn) // a note is for this week's or last week's answer, not an old one
		b.reply(ctx, c, b.t(c, "unknown_text", nil))
		return
	}
	if utf8.RuneCountInString(strings.TrimSpace(text)) > housing.MaxNoteRunes {
		b.reply(ctx, c, b.t(c, "checkin.note_too_long", map[string]int{"Max": housing.MaxNoteRunes}))
		return
	}
	err := b.updateCheckIn(ctx, c.person.ID, plid, week, func(ci *housing.CheckIn) error {
		return ci.Answer(ci.Mood, text, ci.WantsTalk, now)
	})
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.endFlow(ctx, c, flowCheckIn)
	b.reply(ctx, c, b.t(c, "checkin.note_thanks", nil))
}

// requestTalk stores the request to talk to one's worker (once per week's
// check-in), marks it on the check-in and calls Config.OnEvent.
func (b *Bot) requestTalk(ctx context.Context, c *caller, plid, week string) string {
	now := b.cfg.Now()
	sum := sha256.Sum256([]byte(c.person.ID + "|" + plid + "|" + week + "|talk"))
	e := housing.Event{ID: "ev_" + hex.EncodeToString(sum[:10]), PlacementID: plid, PersonID: c.person.ID,
		Kind: housing.EventTalk, At: now}
	err := b.store.PutEvent(ctx, &e)
	if errors.Is(err, housing.ErrConflict) {
		b.reply(ctx, c, b.t(c, "checkin.talk_already", nil))
		return ""
	} else if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if err := b.updateCheckIn(ctx, c.person.ID, plid, week, func(ci *housing.CheckIn) error {
		return ci.Answer(ci.Mood, ci.Note, true, now)
	}); err != nil {
		b.logger.ErrorContext(ctx, "bot: mark check-in", "err", err)
	}
	if b.cfg.OnEvent != nil {
		b.cfg.OnEvent(ctx, e)
	}
	b.reply(ctx, c, b.t(c, "checkin.talk_ok", nil))
	return ""
}

// CheckInCloseJob records as unanswered the check-ins of past weeks whose
// question went unanswered (suggested spec "0 7 * * *": daily at 07:00).
// A week closes once it has ended and its question is at least two days
// old, so a question asked on Sunday evening still has two days; an
// answer given later replaces the record. It looks back four weeks, so a
// few days of downtime lose nothing; records have deterministic ids, so
// running it twice records nothing twice.
func (b *Bot) CheckInCloseJob(ctx context.Context, slot time.Time) error {
	hs, err := b.households(ctx)
	if err != nil {
		return err
	}
	thisWeek := housing.WeekStart(slot, b.cfg.Location)
	var errs []error
	for i := range hs {
		h := &hs[i]
		for j := range h.people {
			pid, plid := h.people[j].ID, h.placementOf(h.people[j].ID).ID
			for back := 1; back <= closeWeeks; back++ {
				ws := time.Date(thisWeek.Year(), thisWeek.Month(), thisWeek.Day()-7*back, 12, 0, 0, 0, thisWeek.Location())
				errs = append(errs, b.closeCheckIn(ctx, pid, plid, housing.ISOWeek(ws, nil)))
			}
		}
	}
	return joinErrs("close check-ins", errs)
}

// closeCheckIn records the week's check-in as unanswered if it was asked
// long enough ago and nobody answered.
func (b *Bot) closeCheckIn(ctx context.Context, pid, plid, week string) error {
	raw, err := b.store.GetState(ctx, askedKey(pid, plid, week))
	if errors.Is(err, housing.ErrNotFound) {
		return nil
	} else if err != nil {
		return fmt.Errorf("bot: check-in question: %w", err)
	}
	asked, err := time.Parse(time.RFC3339, string(raw))
	now := b.cfg.Now()
	if err != nil || now.Sub(asked) < checkInGrace {
		return nil
	}
	ci := housing.CheckIn{ID: checkInID(pid, plid, week), PersonID: pid, PlacementID: plid, Week: week, At: now}
	if err := b.store.PutCheckIn(ctx, &ci); err != nil && !errors.Is(err, housing.ErrConflict) {
		return fmt.Errorf("bot: record unanswered check-in: %w", err)
	}
	return nil
}
