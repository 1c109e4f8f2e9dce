package housing

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// OutingStatus is where a group outing is in its life.
type OutingStatus string

// The outing statuses.
const (
	OutingPlanned   OutingStatus = "planned"   // open for answers until it starts
	OutingCancelled OutingStatus = "cancelled" // called off by its organiser
	OutingHeld      OutingStatus = "held"      // it took place and attendance was recorded
)

// Valid reports whether s is known.
func (s OutingStatus) Valid() bool {
	return s == OutingPlanned || s == OutingCancelled || s == OutingHeld
}

// Answer is an invitee's reply to an outing.
type Answer string

// The answers. Only yes holds a place.
const (
	AnswerYes   Answer = "yes"
	AnswerMaybe Answer = "maybe"
	AnswerNo    Answer = "no"
)

// Valid reports whether a is known.
func (a Answer) Valid() bool { return a == AnswerYes || a == AnswerMaybe || a == AnswerNo }

// Reply is one invitee's latest answer to an outing.
type Reply struct {
	PersonID string    `json:"person_id"`
	Answer   Answer    `json:"answer"`
	At       time.Time `json:"at"`
}

// RSVPResult is what an answer got the person who gave it.
type RSVPResult string

// The RSVP results.
const (
	RSVPConfirmed  RSVPResult = "confirmed"  // yes, with a place
	RSVPWaitlisted RSVPResult = "waitlisted" // yes, but the outing is full: first come, first served
	RSVPMaybe      RSVPResult = "maybe"      // noted; a maybe holds no place
	RSVPDeclined   RSVPResult = "declined"
)

// Reminder times for outings: the evening before, at this hour local
// time, and this long before the start.
const (
	OutingEveningHour = 18
	OutingLastCall    = 2 * time.Hour
)

// Outing is a group outing, created by a facilitator or a resident, that
// residents of one or more homes are invited to.
type Outing struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	At        time.Time `json:"at"`
	Place     string    `json:"place"`
	Organiser string    `json:"organiser"` // person id
	District  string    `json:"district,omitempty"`
	HomeIDs   []string  `json:"home_ids,omitempty"`
	Invitees  []string  `json:"invitees"`           // person ids; only they may answer
	Capacity  int       `json:"capacity,omitempty"` // places; 0 means no limit
	// Replies holds each invitee's latest answer, in the order people
	// first answered.
	Replies []Reply `json:"replies,omitempty"`
	// Waitlist holds, first come first served, the people who said yes
	// when the outing was full. Everyone else who said yes has a place.
	Waitlist     []string     `json:"waitlist,omitempty"`
	Attended     []string     `json:"attended,omitempty"` // who came, once recorded
	AttendanceBy string       `json:"attendance_by,omitempty"`
	AttendanceAt time.Time    `json:"attendance_at,omitzero"`
	Status       OutingStatus `json:"status"`
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
	Version      int64        `json:"version"`
}

// Validate checks the outing's fields.
func (o *Outing) Validate() error {
	if o.ID != "" {
		if err := checkID("id", o.ID); err != nil {
			return err
		}
	}
	title := strings.TrimSpace(o.Title)
	switch {
	case title == "":
		return invalid("title", "is empty")
	case utf8.RuneCountInString(title) > 100:
		return invalid("title", "is longer than 100 characters")
	case utf8.RuneCountInString(o.Place) > 200:
		return invalid("place", "is longer than 200 characters")
	case o.At.IsZero():
		return invalid("at", "is not set")
	case o.Capacity < 0 || o.Capacity > 500:
		return invalid("capacity", "%d is not between 0 (no limit) and 500", o.Capacity)
	case !o.Status.Valid():
		return invalid("status", "%q is not an outing status", o.Status)
	case len(o.Invitees) == 0:
		return invalid("invitees", "is empty")
	}
	if err := checkID("organiser", o.Organiser); err != nil {
		return err
	}
	if err := checkIDs("home_ids", o.HomeIDs); err != nil {
		return err
	}
	if err := checkIDs("invitees", o.Invitees); err != nil {
		return err
	}
	if d := firstDuplicate(o.Invitees); d != "" {
		return invalid("invitees", "%s appears twice", d)
	}
	return o.validateReplies()
}

func (o *Outing) validateReplies() error {
	seen := make(map[string]bool, len(o.Replies))
	for i, r := range o.Replies {
		field := fmt.Sprintf("replies[%d]", i)
		switch {
		case !slices.Contains(o.Invitees, r.PersonID):
			return invalid(field, "%q is not invited", r.PersonID)
		case seen[r.PersonID]:
			return invalid(field, "%s answered twice", r.PersonID)
		case !r.Answer.Valid():
			return invalid(field, "%q is not an answer (yes, maybe, no)", r.Answer)
		}
		seen[r.PersonID] = true
	}
	for i, id := range o.Waitlist {
		if o.Answer(id) != AnswerYes {
			return invalid(fmt.Sprintf("waitlist[%d]", i), "%q did not say yes", id)
		}
	}
	for i, id := range o.Attended {
		if !slices.Contains(o.Invitees, id) {
			return invalid(fmt.Sprintf("attended[%d]", i), "%q is not invited", id)
		}
	}
	return nil
}

// firstDuplicate returns the first id that appears twice in ids, or "".
func firstDuplicate(ids []string) string {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}

// Answer returns person's latest answer, or "" if they have not answered.
func (o *Outing) Answer(person string) Answer {
	if i := o.reply(person); i >= 0 {
		return o.Replies[i].Answer
	}
	return ""
}

func (o *Outing) reply(person string) int {
	return slices.IndexFunc(o.Replies, func(r Reply) bool { return r.PersonID == person })
}

// Confirmed returns the people who said yes and hold a place, in the
// order they first answered.
func (o *Outing) Confirmed() []string {
	var ids []string
	for _, r := range o.Replies {
		if r.Answer == AnswerYes && !slices.Contains(o.Waitlist, r.PersonID) {
			ids = append(ids, r.PersonID)
		}
	}
	return ids
}

// full reports whether every place is taken.
func (o *Outing) full() bool {
	return o.Capacity > 0 && len(o.Confirmed()) >= o.Capacity
}

// RSVP records person's answer at time at and returns what it got them.
// A yes takes a free place or joins the end of the waitlist; a maybe or a
// no gives up a place or a waitlist spot, and a place given up goes to the
// first person waiting, whose id is returned as promoted (the bot tells
// them). Answering the same again changes nothing and keeps one's place in
// line. Only invitees may answer (ErrForbidden); answers close when the
// outing starts or if it was cancelled (a *StateError, ErrConflict).
func RSVP(o *Outing, person string, answer Answer, at time.Time) (result RSVPResult, promoted string, err error) {
	if !answer.Valid() {
		return "", "", invalid("answer", "%q is not an answer (yes, maybe, no)", answer)
	}
	if !slices.Contains(o.Invitees, person) {
		return "", "", fmt.Errorf("outing %s: %s is not invited: %w", o.ID, person, ErrForbidden)
	}
	if o.Status != OutingPlanned {
		return "", "", &StateError{What: fmt.Sprintf("outing %s is %s", o.ID, o.Status)}
	}
	if !at.Before(o.At) {
		return "", "", &StateError{What: fmt.Sprintf("outing %s has started: answers are closed", o.ID)}
	}
	if o.Answer(person) == answer {
		return o.resultFor(person), "", nil
	}
	held, full := o.holdsPlace(person), o.full()
	o.setReply(person, answer, at)
	o.Waitlist = slices.DeleteFunc(o.Waitlist, func(id string) bool { return id == person })
	if answer == AnswerYes { // they held no place before: the answer changed
		if full {
			o.Waitlist = append(o.Waitlist, person)
		}
		return o.resultFor(person), "", nil
	}
	if held {
		promoted = o.promote()
	}
	return o.resultFor(person), promoted, nil
}

// holdsPlace reports whether person said yes and is not waiting.
func (o *Outing) holdsPlace(person string) bool {
	return o.Answer(person) == AnswerYes && !slices.Contains(o.Waitlist, person)
}

// setReply records person's answer, keeping their position in Replies.
func (o *Outing) setReply(person string, answer Answer, at time.Time) {
	if i := o.reply(person); i >= 0 {
		o.Replies[i].Answer, o.Replies[i].At = answer, at
	} else {
		o.Replies = append(o.Replies, Reply{PersonID: person, Answer: answer, At: at})
	}
	o.UpdatedAt = at
}

// promote gives a freed place to the first person waiting, if any.
func (o *Outing) promote() string {
	if len(o.Waitlist) == 0 || o.full() {
		return ""
	}
	first := o.Waitlist[0]
	o.Waitlist = slices.Delete(o.Waitlist, 0, 1)
	return first
}

func (o *Outing) resultFor(person string) RSVPResult {
	switch o.Answer(person) {
	case AnswerYes:
		if slices.Contains(o.Waitlist, person) {
			return RSVPWaitlisted
		}
		return RSVPConfirmed
	case AnswerMaybe:
		return RSVPMaybe
	}
	return RSVPDeclined
}

// MarkAttendance records who came to the outing, as seen by by (the
// organiser or a facilitator; the caller checks who may). It can be
// recorded from the outing's start and corrected later; it marks the
// outing held. Everyone present must have been invited (ErrInvalid). A
// cancelled outing, or one not started yet, is a *StateError.
func MarkAttendance(o *Outing, by string, present []string, at time.Time) error {
	if err := checkID("attendance_by", by); err != nil {
		return err
	}
	if o.Status == OutingCancelled {
		return &StateError{What: fmt.Sprintf("outing %s was cancelled", o.ID)}
	}
	if at.Before(o.At) {
		return &StateError{What: fmt.Sprintf("outing %s has not started yet", o.ID)}
	}
	for i, id := range present {
		if !slices.Contains(o.Invitees, id) {
			return invalid(fmt.Sprintf("attended[%d]", i), "%q is not invited", id)
		}
	}
	att := slices.Clone(present)
	slices.Sort(att)
	o.Attended = slices.Compact(att)
	o.AttendanceBy, o.AttendanceAt, o.UpdatedAt = by, at, at
	o.Status = OutingHeld
	return nil
}

// OutingReminders returns when to remind the outing's people: at
// OutingEveningHour (18:00) in loc on the calendar day before, and
// OutingLastCall (two hours) before the start, in that order. The evening
// reminder follows the wall clock, so across a change to or from summer
// time it is still 18:00 local. A cancelled outing has none. Times already
// past are the caller's to skip.
func OutingReminders(o Outing, loc *time.Location) []time.Time {
	if o.Status == OutingCancelled || o.At.IsZero() {
		return nil
	}
	if loc == nil {
		loc = o.At.Location()
	}
	local := o.At.In(loc)
	evening := time.Date(local.Year(), local.Month(), local.Day()-1, OutingEveningHour, 0, 0, 0, loc)
	last := o.At.Add(-OutingLastCall)
	if !evening.Before(last) {
		return []time.Time{last}
	}
	return []time.Time{evening, last}
}
