package housing_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/convivo/convivo/housing"
)

func rome(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatalf("LoadLocation: %v", err)
	}
	return loc
}

func TestISOWeek(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"ordinary", time.Date(2026, 11, 23, 9, 0, 0, 0, loc), loc, "2026-W48"},
		{"31 Dec 2026 is in week 53", time.Date(2026, 12, 31, 12, 0, 0, 0, loc), loc, "2026-W53"},
		{"1 Jan 2027 still in 2026's week 53", time.Date(2027, 1, 1, 12, 0, 0, 0, loc), loc, "2026-W53"},
		{"3 Jan 2027, Sunday, ends it", time.Date(2027, 1, 3, 23, 59, 0, 0, loc), loc, "2026-W53"},
		{"4 Jan 2027 starts 2027", time.Date(2027, 1, 4, 0, 0, 0, 0, loc), loc, "2027-W01"},
		{"30 Dec 2024 is in 2025's week 1", time.Date(2024, 12, 30, 12, 0, 0, 0, loc), loc, "2025-W01"},
		{"3 Jan 2021 is in 2020's week 53", time.Date(2021, 1, 3, 12, 0, 0, 0, loc), loc, "2020-W53"},
		{"single digit padded", time.Date(2026, 2, 2, 12, 0, 0, 0, loc), loc, "2026-W06"},
		// Sunday 23:30 UTC is already Monday in Rome.
		{"read in Rome", time.Date(2025, 12, 28, 23, 30, 0, 0, time.UTC), loc, "2026-W01"},
		{"read in UTC", time.Date(2025, 12, 28, 23, 30, 0, 0, time.UTC), time.UTC, "2025-W52"},
		{"nil location is t's own", time.Date(2025, 12, 28, 23, 30, 0, 0, time.UTC), nil, "2025-W52"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := housing.ISOWeek(tt.t, tt.loc); got != tt.want {
				t.Errorf("ISOWeek(%v, %v) = %q; want %q", tt.t, tt.loc, got, tt.want)
			}
		})
	}
}

func TestParseISOWeek(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		week string
		want time.Time // zero: invalid
	}{
		{"2026-W48", time.Date(2026, 11, 23, 0, 0, 0, 0, loc)},
		{"2026-W53", time.Date(2026, 12, 28, 0, 0, 0, 0, loc)},
		{"2027-W01", time.Date(2027, 1, 4, 0, 0, 0, 0, loc)},
		{"2025-W01", time.Date(2024, 12, 30, 0, 0, 0, 0, loc)},
		{"2020-W53", time.Date(2020, 12, 28, 0, 0, 0, 0, loc)},
		{"2026-W44", time.Date(2026, 10, 26, 0, 0, 0, 0, loc)}, // the Monday after the clocks go back
		{"2025-W53", time.Time{}},                              // 2025 has 52 weeks
		{"2026-W54", time.Time{}},
		{"2026-W00", time.Time{}},
		{"2026W48", time.Time{}},
		{"2026-W4", time.Time{}},
		{"2026-w48", time.Time{}},
		{"abcd-W01", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.week, func(t *testing.T) {
			got, err := housing.ParseISOWeek(tt.week, loc)
			if tt.want.IsZero() {
				var fe *housing.FieldError
				if !errors.As(err, &fe) || fe.Field != "week" || !errors.Is(err, housing.ErrInvalid) {
					t.Errorf("ParseISOWeek(%q) = %v, %v; want a FieldError on week", tt.week, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseISOWeek(%q) = %v, %v; want %v", tt.week, got, err, tt.want)
			}
			if back := housing.ISOWeek(got, loc); back != tt.week {
				t.Errorf("ISOWeek(ParseISOWeek(%q)) = %q", tt.week, back)
			}
		})
	}
}

func TestWeekStart(t *testing.T) {
	loc := rome(t)
	tests := []struct {
		t, want time.Time
	}{
		{time.Date(2026, 11, 29, 23, 0, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)}, // Sunday
		{time.Date(2026, 11, 23, 0, 0, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)},  // Monday midnight
		{time.Date(2026, 10, 25, 12, 0, 0, 0, loc), time.Date(2026, 10, 19, 0, 0, 0, 0, loc)}, // the DST Sunday
		{time.Date(2027, 1, 1, 12, 0, 0, 0, loc), time.Date(2026, 12, 28, 0, 0, 0, 0, loc)},
	}
	for _, tt := range tests {
		if got := housing.WeekStart(tt.t, loc); !got.Equal(tt.want) || got.Hour() != 0 {
			t.Errorf("WeekStart(%v) = %v; want %v", tt.t, got, tt.want)
		}
	}
}

func TestCheckInValidate(t *testing.T) {
	at := time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC)
	ok := housing.CheckIn{ID: "ci_1", PersonID: "anna", PlacementID: "pl_1", Week: "2026-W48", Mood: 4, Answered: true, At: at}
	tests := []struct {
		name  string
		edit  func(c *housing.CheckIn)
		field string // "" = valid
	}{
		{"valid", func(*housing.CheckIn) {}, ""},
		{"no answer recorded as such", func(c *housing.CheckIn) { c.Answered, c.Mood = false, 0 }, ""},
		{"answered but skipped the mood, asked to talk", func(c *housing.CheckIn) { c.Mood, c.WantsTalk = 0, true }, ""},
		{"mood 6", func(c *housing.CheckIn) { c.Mood = 6 }, "mood"},
		{"mood -1", func(c *housing.CheckIn) { c.Mood = -1 }, "mood"},
		{"unanswered with a mood", func(c *housing.CheckIn) { c.Answered = false }, "answered"},
		{"unanswered asking to talk", func(c *housing.CheckIn) { c.Answered, c.Mood, c.WantsTalk = false, 0, true }, "answered"},
		{"bad week", func(c *housing.CheckIn) { c.Week = "2026-48" }, "week"},
		{"bad person", func(c *housing.CheckIn) { c.PersonID = "an na" }, "person_id"},
		{"no placement", func(c *housing.CheckIn) { c.PlacementID = "" }, "placement_id"},
		{"long note", func(c *housing.CheckIn) { c.Note = strings.Repeat("è", housing.MaxNoteRunes+1) }, "note"},
		{"note at the limit", func(c *housing.CheckIn) { c.Note = strings.Repeat("è", housing.MaxNoteRunes) }, ""},
		{"no time", func(c *housing.CheckIn) { c.At = time.Time{} }, "at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			checkField(t, "CheckIn.Validate()", c.Validate(), tt.field)
		})
	}
}

// checkField checks that err is nil when field is "", else a *FieldError
// on field wrapping ErrInvalid.
func checkField(t *testing.T, call string, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Errorf("%s = %v; want nil", call, err)
		}
		return
	}
	var fe *housing.FieldError
	if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("%s = %v; want a FieldError on %s", call, err, field)
	}
}

func TestCheckInAnswer(t *testing.T) {
	at := time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC)
	c := housing.CheckIn{PersonID: "anna", PlacementID: "pl_1", Week: "2026-W48", At: at.Add(-time.Hour)}
	if err := c.Answer(7, "", false, at); !errors.Is(err, housing.ErrInvalid) || c.Answered {
		t.Fatalf("Answer(7) = %v, answered %v; want ErrInvalid, unanswered", err, c.Answered)
	}
	if err := c.Answer(2, "  the kitchen is a mess  ", true, at); err != nil {
		t.Fatalf("Answer(2) = %v", err)
	}
	want := housing.CheckIn{PersonID: "anna", PlacementID: "pl_1", Week: "2026-W48", Mood: 2,
		Note: "the kitchen is a mess", WantsTalk: true, Answered: true, At: at}
	if c != want {
		t.Errorf("after Answer: %+v; want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() after Answer = %v", err)
	}
}
