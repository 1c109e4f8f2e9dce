package housing

import (
	"errors"
	"testing"
	"time"
)

func TestPrefsValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Prefs)
		ok     bool
	}{
		{"defaults", func(*Prefs) {}, true},
		{"hour 24", func(p *Prefs) { p.ReminderHour = 24 }, false},
		{"check-in hour -1", func(p *Prefs) { p.CheckInHour = -1 }, false},
		{"day 7", func(p *Prefs) { p.CheckInDay = 7 }, false},
		{"unknown kind", func(p *Prefs) { p.Off = []ReminderKind{"news"} }, false},
		{"bad id", func(p *Prefs) { p.PersonID = "a b" }, false},
		{"all off", func(p *Prefs) { p.Off = ReminderKinds() }, true},
	} {
		p := DefaultPrefs("p_1")
		tc.change(&p)
		if err := p.Validate(); (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: Validate() = %v; want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestPrefsAwayWantsToggle(t *testing.T) {
	p := DefaultPrefs("p_1")
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if p.Away(now) {
		t.Errorf("Away with no pause = true")
	}
	p.AwayUntil = now.Add(time.Hour)
	if !p.Away(now) || p.Away(now.Add(time.Hour)) {
		t.Errorf("Away(now), Away(until) = %v, %v; want true, false", p.Away(now), p.Away(now.Add(time.Hour)))
	}
	p.Toggle(RemindOutings)
	if p.Wants(RemindOutings) || !p.Wants(RemindChores) {
		t.Errorf("after one toggle Wants(outings), Wants(chores) = %v, %v; want false, true", p.Wants(RemindOutings), p.Wants(RemindChores))
	}
	p.Toggle(RemindOutings)
	if !p.Wants(RemindOutings) || len(p.Off) != 0 {
		t.Errorf("after two toggles Off = %v; want empty", p.Off)
	}
}

func TestPrefsCheckInTime(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Skip(err)
	}
	mon := time.Date(2026, 10, 19, 0, 0, 0, 0, rome) // the week summer time ends
	for _, tc := range []struct {
		day  time.Weekday
		hour int
		want time.Time
	}{
		{time.Monday, 9, time.Date(2026, 10, 19, 9, 0, 0, 0, rome)},
		{time.Sunday, 18, time.Date(2026, 10, 25, 18, 0, 0, 0, rome)},
		{time.Wednesday, 20, time.Date(2026, 10, 21, 20, 0, 0, 0, rome)},
	} {
		p := Prefs{CheckInDay: tc.day, CheckInHour: tc.hour}
		if got := p.CheckInTime(mon); !got.Equal(tc.want) {
			t.Errorf("CheckInTime(%s %d:00) = %v; want %v", tc.day, tc.hour, got, tc.want)
		}
	}
}
