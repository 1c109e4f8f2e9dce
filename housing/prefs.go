package housing

import (
	"fmt"
	"slices"
	"time"
)

// ReminderKind names a kind of message a resident can turn off.
type ReminderKind string

// The reminder kinds.
const (
	RemindChores  ReminderKind = "chores"  // the rota: the week's tasks, the day's reminders
	RemindOutings ReminderKind = "outings" // reminders of outings one said yes or maybe to
	RemindCheckIn ReminderKind = "checkin" // the weekly "how is living together going?"
)

// ReminderKinds lists every reminder kind.
func ReminderKinds() []ReminderKind {
	return []ReminderKind{RemindChores, RemindOutings, RemindCheckIn}
}

// Valid reports whether k is known.
func (k ReminderKind) Valid() bool { return slices.Contains(ReminderKinds(), k) }

// The defaults of a resident's preferences.
const (
	DefaultReminderHour = 9           // chore reminders at 09:00
	DefaultCheckInDay   = time.Sunday // the weekly check-in on Sunday ...
	DefaultCheckInHour  = 18          // ... at 18:00
)

// Prefs are one resident's choices about what the bot sends them and when.
// The bot keeps them in the StateStore under PrefsKey; a person without
// a stored record has DefaultPrefs. Hours are local wall-clock hours.
type Prefs struct {
	PersonID     string         `json:"person_id"`
	ReminderHour int            `json:"reminder_hour"` // 0-23: when the day's chore reminders come
	CheckInDay   time.Weekday   `json:"checkin_day"`   // the day of the weekly check-in
	CheckInHour  int            `json:"checkin_hour"`  // 0-23: its hour
	Off          []ReminderKind `json:"off,omitempty"` // kinds the person turned off
	// AwayUntil, when after now, means the person is away ("I'm away
	// until ..."): the rota skips them without penalty and nothing is sent
	// to them but answers.
	AwayUntil time.Time `json:"away_until,omitzero"`
	// Resume is set when a pause starts and cleared once the rota has
	// brought the person level with the others (Ledger.Resume) after it.
	Resume    bool      `json:"resume,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// PrefsKey returns the StateStore key of a person's preferences.
func PrefsKey(personID string) string { return "prefs:" + personID }

// DefaultPrefs returns the preferences of someone who chose nothing:
// every reminder on, chores at 09:00, the check-in on Sunday at 18:00.
func DefaultPrefs(personID string) Prefs {
	return Prefs{PersonID: personID, ReminderHour: DefaultReminderHour, CheckInDay: DefaultCheckInDay,
		CheckInHour: DefaultCheckInHour}
}

// Validate checks the preferences' fields.
func (p *Prefs) Validate() error {
	if err := checkID("person_id", p.PersonID); err != nil {
		return err
	}
	switch {
	case p.ReminderHour < 0 || p.ReminderHour > 23:
		return invalid("reminder_hour", "%d is not an hour (0-23)", p.ReminderHour)
	case p.CheckInDay < time.Sunday || p.CheckInDay > time.Saturday:
		return invalid("checkin_day", "%d is not a weekday (0 = Sunday .. 6 = Saturday)", p.CheckInDay)
	case p.CheckInHour < 0 || p.CheckInHour > 23:
		return invalid("checkin_hour", "%d is not an hour (0-23)", p.CheckInHour)
	}
	for i, k := range p.Off {
		if !k.Valid() {
			return invalid(fmt.Sprintf("off[%d]", i), "%q is not a reminder kind (want one of %v)", k, ReminderKinds())
		}
	}
	return nil
}

// Away reports whether the person is away at t.
func (p *Prefs) Away(t time.Time) bool { return t.Before(p.AwayUntil) }

// Wants reports whether the person wants reminders of kind k.
func (p *Prefs) Wants(k ReminderKind) bool { return !slices.Contains(p.Off, k) }

// Toggle turns reminders of kind k off if they were on, on if they were
// off.
func (p *Prefs) Toggle(k ReminderKind) {
	if i := slices.Index(p.Off, k); i >= 0 {
		p.Off = slices.Delete(p.Off, i, i+1)
		return
	}
	p.Off = append(p.Off, k)
}

// CheckInTime returns when, in the ISO week that starts at weekStart
// (a Monday at midnight, as WeekStart returns it), the person's weekly
// check-in is due.
func (p *Prefs) CheckInTime(weekStart time.Time) time.Time {
	offset := (int(p.CheckInDay) + 6) % 7 // days after Monday
	return time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day()+offset, p.CheckInHour, 0, 0, 0,
		weekStart.Location())
}
