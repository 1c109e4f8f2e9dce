package housing

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNoteRunes is the longest free-text note a check-in or a report may
// carry.
const MaxNoteRunes = 1000

// CheckIn is one resident's answer to the weekly "how is living together
// going?". The scheduler records a check-in nobody answered as such
// (Answered false, Mood 0), so that silence is a signal and not a gap.
type CheckIn struct {
	ID          string `json:"id"`
	PersonID    string `json:"person_id"`
	PlacementID string `json:"placement_id"`
	Week        string `json:"week"` // ISO week, e.g. "2026-W48"
	// Mood is 1 (bad) to 5 (good); 0 means no mood was given, either
	// because the check-in went unanswered or because the person skipped
	// the question and only wrote a note or asked to talk.
	Mood      int       `json:"mood"`
	Note      string    `json:"note,omitempty"` // sensitive: staff only, never logged
	WantsTalk bool      `json:"wants_talk,omitempty"`
	Answered  bool      `json:"answered"`
	At        time.Time `json:"at"` // when answered, or when recorded as unanswered
	Version   int64     `json:"version"`
}

// Validate checks the check-in's fields.
func (c *CheckIn) Validate() error {
	if c.ID != "" {
		if err := checkID("id", c.ID); err != nil {
			return err
		}
	}
	if err := checkID("person_id", c.PersonID); err != nil {
		return err
	}
	if err := checkID("placement_id", c.PlacementID); err != nil {
		return err
	}
	if _, err := ParseISOWeek(c.Week, time.UTC); err != nil {
		return err
	}
	switch {
	case c.Mood < 0 || c.Mood > 5:
		return invalid("mood", "%d is not between 1 and 5 (0 = no answer)", c.Mood)
	case !c.Answered && (c.Mood != 0 || c.Note != "" || c.WantsTalk):
		return invalid("answered", "an unanswered check-in has no mood, note or request to talk")
	case utf8.RuneCountInString(c.Note) > MaxNoteRunes:
		return invalid("note", "is longer than %d characters", MaxNoteRunes)
	case c.At.IsZero():
		return invalid("at", "is not set")
	}
	return nil
}

// Answer records a person's answer: mood 1..5, or 0 when they skipped
// the question. Answering again replaces the earlier answer.
func (c *CheckIn) Answer(mood int, note string, wantsTalk bool, at time.Time) error {
	if mood < 0 || mood > 5 {
		return invalid("mood", "%d is not between 1 and 5 (0 = skipped)", mood)
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > MaxNoteRunes {
		return invalid("note", "is longer than %d characters", MaxNoteRunes)
	}
	c.Mood, c.Note, c.WantsTalk, c.Answered, c.At = mood, note, wantsTalk, true, at
	return nil
}

// ISOWeek returns the ISO 8601 week holding t in loc, formatted as
// "2026-W48". The year is the ISO week-numbering year, which differs from
// the calendar year for a few days around New Year (31 December 2026 is in
// "2026-W53", 1 January 2027 too). A nil loc means t's own location.
func ISOWeek(t time.Time, loc *time.Location) string {
	if loc != nil {
		t = t.In(loc)
	}
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart returns midnight in loc of the Monday that starts t's ISO
// week. A nil loc means t's own location.
func WeekStart(t time.Time, loc *time.Location) time.Time {
	if loc != nil {
		t = t.In(loc)
	}
	back := (int(t.Weekday()) + 6) % 7 // days since Monday
	return time.Date(t.Year(), t.Month(), t.Day()-back, 0, 0, 0, 0, t.Location())
}

// ParseISOWeek returns midnight in loc of the Monday that starts week s
// ("2026-W48"). It is ErrInvalid (a *FieldError on "week") when s is not
// of that form or names a week the year does not have.
func ParseISOWeek(s string, loc *time.Location) (time.Time, error) {
	var y, w int
	if len(s) != 8 || s[4:6] != "-W" {
		return time.Time{}, invalid("week", "%q is not an ISO week like 2026-W48", s)
	}
	if _, err := fmt.Sscanf(s, "%04d-W%02d", &y, &w); err != nil || y < 1 || w < 1 || w > 53 {
		return time.Time{}, invalid("week", "%q is not an ISO week like 2026-W48", s)
	}
	if loc == nil {
		loc = time.UTC
	}
	// 4 January is always in week 1.
	mon := WeekStart(time.Date(y, time.January, 4, 12, 0, 0, 0, loc), nil)
	mon = time.Date(mon.Year(), mon.Month(), mon.Day()+7*(w-1), 0, 0, 0, 0, loc)
	if ISOWeek(mon, nil) != s {
		return time.Time{}, invalid("week", "%d has no week %d", y, w)
	}
	return mon, nil
}
