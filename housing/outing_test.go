package housing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/convivo/convivo/housing"
)

func newOuting(at time.Time, capacity int, invitees ...string) housing.Outing {
	return housing.Outing{
		ID: "o_1", Title: "Gelato in Piazza Maggiore", At: at, Place: "Piazza Maggiore",
		Organiser: "fac_1", District: "Bologna Est", HomeIDs: []string{"h_1"},
		Invitees: invitees, Capacity: capacity, Status: housing.OutingPlanned,
	}
}

func TestRSVPCapacityAndWaitlist(t *testing.T) {
	at := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)
	o := newOuting(at, 2, "anna", "luca", "marta", "piero", "sara")
	steps := []struct {
		person       string
		answer       housing.Answer
		want         housing.RSVPResult
		wantPromoted string
		confirmed    []string
		waitlist     []string
	}{
		{"anna", housing.AnswerYes, housing.RSVPConfirmed, "", []string{"anna"}, nil},
		{"luca", housing.AnswerYes, housing.RSVPConfirmed, "", []string{"anna", "luca"}, nil},
		{"marta", housing.AnswerYes, housing.RSVPWaitlisted, "", []string{"anna", "luca"}, []string{"marta"}},
		{"piero", housing.AnswerMaybe, housing.RSVPMaybe, "", []string{"anna", "luca"}, []string{"marta"}},
		{"piero", housing.AnswerYes, housing.RSVPWaitlisted, "", []string{"anna", "luca"}, []string{"marta", "piero"}},
		// Saying yes again keeps one's place in line.
		{"marta", housing.AnswerYes, housing.RSVPWaitlisted, "", []string{"anna", "luca"}, []string{"marta", "piero"}},
		{"anna", housing.AnswerYes, housing.RSVPConfirmed, "", []string{"anna", "luca"}, []string{"marta", "piero"}},
		// A yes turned no frees a place for the first in line.
		{"anna", housing.AnswerNo, housing.RSVPDeclined, "marta", []string{"luca", "marta"}, []string{"piero"}},
		// A maybe holds no place either.
		{"luca", housing.AnswerMaybe, housing.RSVPMaybe, "piero", []string{"marta", "piero"}, nil},
		{"sara", housing.AnswerYes, housing.RSVPWaitlisted, "", []string{"marta", "piero"}, []string{"sara"}},
		// Leaving the waitlist promotes nobody.
		{"sara", housing.AnswerNo, housing.RSVPDeclined, "", []string{"marta", "piero"}, nil},
		{"anna", housing.AnswerYes, housing.RSVPWaitlisted, "", []string{"marta", "piero"}, []string{"anna"}},
		{"piero", housing.AnswerNo, housing.RSVPDeclined, "anna", []string{"anna", "marta"}, nil}, // in order of first answer
		// A free place is taken at once.
		{"marta", housing.AnswerNo, housing.RSVPDeclined, "", []string{"anna"}, nil},
		{"sara", housing.AnswerYes, housing.RSVPConfirmed, "", []string{"anna", "sara"}, nil},
	}
	now := at.Add(-48 * time.Hour)
	for i, s := range steps {
		now = now.Add(time.Minute)
		got, promoted, err := housing.RSVP(&o, s.person, s.answer, now)
		if err != nil || got != s.want || promoted != s.wantPromoted {
			t.Fatalf("step %d: RSVP(%s, %s) = %v, %q, %v; want %v, %q, nil", i, s.person, s.answer, got, promoted, err, s.want, s.wantPromoted)
		}
		if diff := cmp.Diff(s.confirmed, o.Confirmed(), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("step %d: Confirmed() (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(s.waitlist, o.Waitlist, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("step %d: Waitlist (-want +got):\n%s", i, diff)
		}
		if err := o.Validate(); err != nil {
			t.Errorf("step %d: Validate() = %v", i, err)
		}
	}
	if got := o.Answer("luca"); got != housing.AnswerMaybe {
		t.Errorf("Answer(luca) = %q; want maybe", got)
	}
}

func TestRSVPNoLimit(t *testing.T) {
	at := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)
	o := newOuting(at, 0, "a", "b", "c")
	for _, p := range o.Invitees {
		if got, _, err := housing.RSVP(&o, p, housing.AnswerYes, at.Add(-time.Hour)); got != housing.RSVPConfirmed || err != nil {
			t.Errorf("RSVP(%s, yes) = %v, %v; want confirmed", p, got, err)
		}
	}
}

func TestRSVPRefused(t *testing.T) {
	at := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		status  housing.OutingStatus
		person  string
		answer  housing.Answer
		when    time.Time
		wantErr error
	}{
		{"not invited", housing.OutingPlanned, "stranger", housing.AnswerYes, at.Add(-time.Hour), housing.ErrForbidden},
		{"at the start", housing.OutingPlanned, "anna", housing.AnswerYes, at, housing.ErrConflict},
		{"after the start", housing.OutingPlanned, "anna", housing.AnswerNo, at.Add(time.Minute), housing.ErrConflict},
		{"cancelled", housing.OutingCancelled, "anna", housing.AnswerYes, at.Add(-time.Hour), housing.ErrConflict},
		{"unknown answer", housing.OutingPlanned, "anna", "perhaps", at.Add(-time.Hour), housing.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOuting(at, 2, "anna", "luca")
			o.Status = tt.status
			before := o
			got, promoted, err := housing.RSVP(&o, tt.person, tt.answer, tt.when)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("RSVP(%s, %s) = %v, %q, %v; want %v", tt.person, tt.answer, got, promoted, err, tt.wantErr)
			}
			if diff := cmp.Diff(before, o); diff != "" {
				t.Errorf("a refused RSVP changed the outing (-before +after):\n%s", diff)
			}
		})
	}
}

func TestMarkAttendance(t *testing.T) {
	at := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)
	o := newOuting(at, 0, "anna", "luca", "marta")
	if err := housing.MarkAttendance(&o, "fac_1", []string{"anna"}, at.Add(-time.Minute)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("MarkAttendance before the start = %v; want ErrConflict", err)
	}
	err := housing.MarkAttendance(&o, "fac_1", []string{"anna", "stranger"}, at.Add(3*time.Hour))
	checkField(t, "MarkAttendance(stranger)", err, "attended[1]")
	if err := housing.MarkAttendance(&o, "fac_1", []string{"marta", "anna", "marta"}, at.Add(3*time.Hour)); err != nil {
		t.Fatalf("MarkAttendance = %v", err)
	}
	if diff := cmp.Diff([]string{"anna", "marta"}, o.Attended); diff != "" || o.Status != housing.OutingHeld {
		t.Errorf("Attended (-want +got):\n%s status %s; want held", diff, o.Status)
	}
	if _, _, err := housing.RSVP(&o, "luca", housing.AnswerYes, at.Add(4*time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("RSVP after attendance = %v; want ErrConflict", err)
	}
	c := newOuting(at, 0, "anna")
	c.Status = housing.OutingCancelled
	if err := housing.MarkAttendance(&c, "fac_1", nil, at.Add(time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("MarkAttendance on a cancelled outing = %v; want ErrConflict", err)
	}
}

func TestOutingReminders(t *testing.T) {
	loc := rome(t)
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	tests := []struct {
		name string
		at   time.Time
		want []time.Time
	}{
		{"ordinary Saturday afternoon", time.Date(2026, 11, 28, 16, 0, 0, 0, loc),
			[]time.Time{utc(2026, 11, 27, 17, 0), utc(2026, 11, 28, 13, 0)}},
		// Clocks go back at 03:00 CEST on 25 October 2026: the evening
		// before is still 18:00 CEST (16:00 UTC), 17 hours before a 10:00
		// CET start rather than 16.
		{"the morning the clocks go back", time.Date(2026, 10, 25, 10, 0, 0, 0, loc),
			[]time.Time{utc(2026, 10, 24, 16, 0), utc(2026, 10, 25, 7, 0)}},
		// Two hours before 04:00 CET is 01:00 UTC, which reads 02:00 CET,
		// the second time the clock shows 02:00 that night.
		{"just after the change", time.Date(2026, 10, 25, 4, 0, 0, 0, loc),
			[]time.Time{utc(2026, 10, 24, 16, 0), utc(2026, 10, 25, 1, 0)}},
		{"the day after the change", time.Date(2026, 10, 26, 10, 0, 0, 0, loc),
			[]time.Time{utc(2026, 10, 25, 17, 0), utc(2026, 10, 26, 7, 0)}},
		{"clocks go forward on 29 March 2026", time.Date(2026, 3, 29, 12, 0, 0, 0, loc),
			[]time.Time{utc(2026, 3, 28, 17, 0), utc(2026, 3, 29, 8, 0)}},
		// Both fall on the evening before: 18:00 and 22:30.
		{"just after midnight", time.Date(2026, 11, 28, 0, 30, 0, 0, loc),
			[]time.Time{utc(2026, 11, 27, 17, 0), utc(2026, 11, 27, 21, 30)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := housing.OutingReminders(newOuting(tt.at, 0, "anna"), loc)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(time.Time.Equal)); diff != "" {
				t.Errorf("OutingReminders(%v) (-want +got):\n%s", tt.at, diff)
			}
			for _, r := range got {
				if !r.Before(tt.at) {
					t.Errorf("reminder %v is not before the outing %v", r, tt.at)
				}
			}
		})
	}
	c := newOuting(time.Date(2026, 11, 28, 16, 0, 0, 0, loc), 0, "anna")
	c.Status = housing.OutingCancelled
	if got := housing.OutingReminders(c, loc); got != nil {
		t.Errorf("OutingReminders(cancelled) = %v; want none", got)
	}
}

func TestOutingValidate(t *testing.T) {
	at := time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		edit  func(o *housing.Outing)
		field string
	}{
		{"valid", func(*housing.Outing) {}, ""},
		{"no title", func(o *housing.Outing) { o.Title = "  " }, "title"},
		{"no time", func(o *housing.Outing) { o.At = time.Time{} }, "at"},
		{"negative capacity", func(o *housing.Outing) { o.Capacity = -1 }, "capacity"},
		{"unknown status", func(o *housing.Outing) { o.Status = "maybe" }, "status"},
		{"nobody invited", func(o *housing.Outing) { o.Invitees = nil }, "invitees"},
		{"invited twice", func(o *housing.Outing) { o.Invitees = []string{"anna", "anna"} }, "invitees"},
		{"bad organiser", func(o *housing.Outing) { o.Organiser = "" }, "organiser"},
		{"reply from a stranger", func(o *housing.Outing) {
			o.Replies = []housing.Reply{{PersonID: "x", Answer: housing.AnswerYes, At: at}}
		}, "replies[0]"},
		{"waiting without a yes", func(o *housing.Outing) {
			o.Replies = []housing.Reply{{PersonID: "anna", Answer: housing.AnswerNo, At: at}}
			o.Waitlist = []string{"anna"}
		}, "waitlist[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOuting(at, 2, "anna", "luca")
			tt.edit(&o)
			checkField(t, "Outing.Validate()", o.Validate(), tt.field)
		})
	}
}
