package scheduler

import (
	"fmt"
	"strings"
	"time"
)

// DefaultQuietHours is the quiet-hours window used when none is configured.
const DefaultQuietHours = "21:00-08:00"

// QuietHours is a daily window of local wall-clock time in which messages are
// held: from Start (included) to End (excluded), across midnight when Start
// is after End. Start and End are wall-clock readings, as durations since
// midnight, so "08:00" is 08:00 on the clock even on a day with a clock
// change. Start == End means no quiet hours; so does the zero value.
type QuietHours struct {
	Start, End time.Duration // in [0, 24h)
	Location   *time.Location
}

// ParseQuietHours parses a window such as "21:00-08:00" (HH:MM-HH:MM, 24-hour
// clock) in loc.
func ParseQuietHours(s string, loc *time.Location) (QuietHours, error) {
	if loc == nil {
		return QuietHours{}, fmt.Errorf("scheduler: quiet hours %q: nil location", s)
	}
	from, to, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("scheduler: quiet hours %q: want HH:MM-HH:MM", s)
	}
	start, err := parseClock(from)
	if err != nil {
		return QuietHours{}, fmt.Errorf("scheduler: quiet hours %q: %w", s, err)
	}
	end, err := parseClock(to)
	if err != nil {
		return QuietHours{}, fmt.Errorf("scheduler: quiet hours %q: %w", s, err)
	}
	return QuietHours{Start: start, End: end, Location: loc}, nil
}

// parseClock parses "HH:MM" as a duration since midnight.
func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("time of day %q: %w", s, err)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// String returns the window as "HH:MM-HH:MM".
func (q QuietHours) String() string {
	clock := func(d time.Duration) string {
		return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return clock(q.Start) + "-" + clock(q.End)
}

// Contains reports whether t falls in the quiet hours, reading t's wall clock
// in q.Location.
func (q QuietHours) Contains(t time.Time) bool {
	if q.Start == q.End {
		return false
	}
	w := sinceMidnight(t.In(q.location()))
	if q.Start < q.End {
		return q.Start <= w && w < q.End
	}
	return w >= q.Start || w < q.End
}

// NextAllowed returns the first instant at or after t that is not in the
// quiet hours: t itself if t is not quiet, else the moment the window ends.
// On a day with a clock change that is the first instant whose wall clock
// reads End or later (or, if End falls in the skipped hour, the change
// itself), and it is returned in q.Location.
func (q QuietHours) NextAllowed(t time.Time) time.Time {
	t = t.In(q.location())
	// Within one zone period the wall clock runs with real time, so the end
	// of the window is a plain step ahead; a clock change between t and that
	// step moves t to the change and the search starts again from there.
	for range 8 {
		if !q.Contains(t) {
			return t
		}
		step := q.End - sinceMidnight(t)
		if step <= 0 {
			step += 24 * time.Hour
		}
		end := t.Add(step)
		_, change := t.ZoneBounds()
		if change.IsZero() || end.Before(change) {
			return end
		}
		t = change
	}
	return t // not reached with real zones, which change at most a few times a day
}

// location returns q.Location, or UTC for the zero QuietHours.
func (q QuietHours) location() *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}

// sinceMidnight returns t's wall-clock reading as a duration since midnight.
func sinceMidnight(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}
