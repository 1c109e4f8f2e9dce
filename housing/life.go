package housing

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds what house life reports to the care team: events
// (reports and requests from residents) and early-warning alerts, with
// the alert lifecycle. The rota is in rota.go, outings in outing.go,
// check-ins in checkin.go, the risk model in risk.go.

// LifeKeys lists every translation key the house-life and early-warning
// code emits (task names and risk reasons), for the bot's i18n
// completeness test.
func LifeKeys() []string {
	return append(TaskKeys(), ReasonKeys()...)
}

// EventKind is what a resident or a worker reported.
type EventKind string

// The event kinds.
const (
	EventTalk        EventKind = "talk-request" // "I'd like to talk to my worker"
	EventConflict    EventKind = "conflict"     // a conflict with co-residents or neighbours
	EventArrears     EventKind = "arrears"      // rent arrears (morosità)
	EventEmergency   EventKind = "emergency"    // an urgent report
	EventUnreachable EventKind = "unreachable"  // the person blocked the bot; resolved when they return
)

// Valid reports whether k is known.
func (k EventKind) Valid() bool {
	switch k {
	case EventTalk, EventConflict, EventArrears, EventEmergency, EventUnreachable:
		return true
	}
	return false
}

// Event is something reported about a placement: by a resident through
// the bot, by a worker, or by the sender (a blocked bot). An open event
// counts in the early-warning score until resolved.
type Event struct {
	ID          string    `json:"id"`
	PlacementID string    `json:"placement_id"`
	PersonID    string    `json:"person_id"` // who reported it, or whom it concerns
	Kind        EventKind `json:"kind"`
	Urgent      bool      `json:"urgent,omitempty"` // the reporter said it cannot wait
	Note        string    `json:"note,omitempty"`   // sensitive: staff only, never logged
	At          time.Time `json:"at"`
	ResolvedBy  string    `json:"resolved_by,omitempty"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
	Version     int64     `json:"version"`
}

// Validate checks the event's fields.
func (e *Event) Validate() error {
	if e.ID != "" {
		if err := checkID("id", e.ID); err != nil {
			return err
		}
	}
	if err := checkID("placement_id", e.PlacementID); err != nil {
		return err
	}
	if err := checkID("person_id", e.PersonID); err != nil {
		return err
	}
	switch {
	case !e.Kind.Valid():
		return invalid("kind", "%q is not an event kind", e.Kind)
	case utf8.RuneCountInString(e.Note) > MaxNoteRunes:
		return invalid("note", "is longer than %d characters", MaxNoteRunes)
	case e.At.IsZero():
		return invalid("at", "is not set")
	case !e.ResolvedAt.IsZero() && e.ResolvedAt.Before(e.At):
		return invalid("resolved_at", "is before the event")
	}
	return nil
}

// Open reports whether the event was not resolved by now.
func (e *Event) Open(now time.Time) bool {
	return e.ResolvedAt.IsZero() || e.ResolvedAt.After(now)
}

// AlertLevel is how worrying a placement's signals are.
type AlertLevel string

// The levels, in rising order. None raises no alert.
const (
	AlertNone   AlertLevel = "none"
	AlertWatch  AlertLevel = "watch"
	AlertAtRisk AlertLevel = "at-risk"
	AlertUrgent AlertLevel = "urgent"
)

// Rank orders the levels: 0 for none (and unknown levels) up to 3 for
// urgent.
func (l AlertLevel) Rank() int {
	switch l {
	case AlertWatch:
		return 1
	case AlertAtRisk:
		return 2
	case AlertUrgent:
		return 3
	}
	return 0
}

// Valid reports whether l is known.
func (l AlertLevel) Valid() bool {
	return l == AlertNone || l == AlertWatch || l == AlertAtRisk || l == AlertUrgent
}

// AlertStatus is where an alert is in its handling.
type AlertStatus string

// The alert statuses.
const (
	AlertOpen         AlertStatus = "open"
	AlertAcknowledged AlertStatus = "acknowledged" // a worker has seen it and is on it
	AlertResolved     AlertStatus = "resolved"
)

// Valid reports whether s is known.
func (s AlertStatus) Valid() bool {
	return s == AlertOpen || s == AlertAcknowledged || s == AlertResolved
}

// Escalation records that an alert nobody acknowledged went to more people.
type Escalation struct {
	To Role      `json:"to"`
	At time.Time `json:"at"`
}

// Alert tells a placement's social workers that it may be at risk, and
// why.
type Alert struct {
	ID          string       `json:"id"`
	PlacementID string       `json:"placement_id"`
	Level       AlertLevel   `json:"level"`
	Score       int          `json:"score"`
	Reasons     []Reason     `json:"reasons"`
	EventID     string       `json:"event_id,omitempty"` // the report behind an immediate alert
	DedupKey    string       `json:"dedup_key"`
	CreatedAt   time.Time    `json:"created_at"`
	Status      AlertStatus  `json:"status"`
	AckedBy     string       `json:"acked_by,omitempty"`
	AckedAt     time.Time    `json:"acked_at,omitzero"`
	ResolvedBy  string       `json:"resolved_by,omitempty"`
	ResolvedAt  time.Time    `json:"resolved_at,omitzero"`
	Resolution  string       `json:"resolution,omitempty"` // what was done; staff only
	Escalations []Escalation `json:"escalations,omitempty"`
	Version     int64        `json:"version"`
}

// Validate checks the alert's fields.
func (a *Alert) Validate() error {
	if a.ID != "" {
		if err := checkID("id", a.ID); err != nil {
			return err
		}
	}
	if err := checkID("placement_id", a.PlacementID); err != nil {
		return err
	}
	switch {
	case !a.Level.Valid() || a.Level == AlertNone:
		return invalid("level", "%q is not an alert level (watch, at-risk, urgent)", a.Level)
	case !a.Status.Valid():
		return invalid("status", "%q is not an alert status", a.Status)
	case len(a.Reasons) == 0:
		return invalid("reasons", "an alert says why")
	case a.CreatedAt.IsZero():
		return invalid("created_at", "is not set")
	case utf8.RuneCountInString(a.Resolution) > MaxNoteRunes:
		return invalid("resolution", "is longer than %d characters", MaxNoteRunes)
	}
	return nil
}

// AlertDedupKey identifies an alert by placement, level and the keys and
// persons of its reasons (not their figures), so that a scan repeated on
// another replica finds the alert already made.
func AlertDedupKey(placementID string, level AlertLevel, reasons []Reason) string {
	ids := make([]string, len(reasons))
	for i, r := range reasons {
		ids[i] = r.id()
	}
	slices.Sort(ids)
	return placementID + ":" + string(level) + ":" + strings.Join(slices.Compact(ids), ",")
}

// NewAlert returns an open alert for r, created at now. The store assigns
// its id.
func NewAlert(r Risk, now time.Time) Alert {
	return Alert{
		PlacementID: r.PlacementID, Level: r.Level, Score: r.Score, Reasons: slices.Clone(r.Reasons),
		DedupKey: AlertDedupKey(r.PlacementID, r.Level, r.Reasons), CreatedAt: now, Status: AlertOpen,
	}
}

// ResolvedQuiet is how long after an alert is resolved its reasons stay
// quiet: the worker has dealt with them. Past it, if they are still there,
// they alert again.
const ResolvedQuiet = 14 * 24 * time.Hour

// ShouldAlert reports whether risk r, computed at r.At, warrants a new
// alert, given prev, the placement's latest alert (nil if none). Level
// none never alerts. A placement already alerted is not alerted again for
// the same reasons (same keys and persons, whatever their figures): only a
// higher level than prev's, or a reason prev did not have, alerts again.
// Once prev is resolved, its reasons stay quiet for ResolvedQuiet; after
// that r alerts as if there were no prev.
func ShouldAlert(prev *Alert, r Risk) bool {
	if r.Level.Rank() == 0 {
		return false
	}
	if prev == nil || prev.Status == AlertResolved && r.At.Sub(prev.ResolvedAt) >= ResolvedQuiet {
		return true
	}
	if r.Level.Rank() > prev.Level.Rank() {
		return true
	}
	had := make(map[string]bool, len(prev.Reasons))
	for _, x := range prev.Reasons {
		had[x.id()] = true
	}
	for _, x := range r.Reasons {
		if !had[x.id()] {
			return true
		}
	}
	return false
}

// Acknowledge records that by has seen the alert and is on it, which
// stops its escalation. Acknowledging again changes nothing; a resolved
// alert is a *StateError.
func (a *Alert) Acknowledge(by string, at time.Time) error {
	if err := checkID("acked_by", by); err != nil {
		return err
	}
	switch a.Status {
	case AlertAcknowledged:
		return nil
	case AlertResolved:
		return &StateError{What: fmt.Sprintf("alert %s already resolved", a.ID), By: a.ResolvedBy, AtRFC: a.ResolvedAt.Format(time.RFC3339)}
	}
	a.Status, a.AckedBy, a.AckedAt = AlertAcknowledged, by, at
	return nil
}

// Resolve closes the alert with a note of what was done. Resolving an
// open alert acknowledges it too. A resolved alert is a *StateError.
func (a *Alert) Resolve(by, note string, at time.Time) error {
	if err := checkID("resolved_by", by); err != nil {
		return err
	}
	if utf8.RuneCountInString(note) > MaxNoteRunes {
		return invalid("resolution", "is longer than %d characters", MaxNoteRunes)
	}
	if a.Status == AlertResolved {
		return &StateError{What: fmt.Sprintf("alert %s already resolved", a.ID), By: a.ResolvedBy, AtRFC: a.ResolvedAt.Format(time.RFC3339)}
	}
	if a.Status == AlertOpen {
		a.AckedBy, a.AckedAt = by, at
	}
	a.Status, a.ResolvedBy, a.ResolvedAt, a.Resolution = AlertResolved, by, at, strings.TrimSpace(note)
	return nil
}

// DefaultEscalateAfter is how long an alert may stay unacknowledged
// before each escalation step.
const DefaultEscalateAfter = 48 * time.Hour

// EscalationPath returns who an unacknowledged alert goes to, step by
// step, after the placement's social workers: the district's mediators,
// then the admins.
func EscalationPath() []Role { return []Role{RoleMediator, RoleAdmin} }

// Escalate takes the escalation steps that are due at now and returns
// them (already recorded in a.Escalations). Step i (0-based) is due
// (i+1)*after from CreatedAt, as long as the alert is open: not
// acknowledged, not resolved. A scan that ran late takes every step due at
// once; one that runs again takes none twice. after <= 0 means
// DefaultEscalateAfter.
func (a *Alert) Escalate(now time.Time, after time.Duration) []Escalation {
	if a.Status != AlertOpen {
		return nil
	}
	if after <= 0 {
		after = DefaultEscalateAfter
	}
	var added []Escalation
	path := EscalationPath()
	for i := len(a.Escalations); i < len(path); i++ {
		if now.Before(a.CreatedAt.Add(time.Duration(i+1) * after)) {
			break
		}
		e := Escalation{To: path[i], At: now}
		a.Escalations = append(a.Escalations, e)
		added = append(added, e)
	}
	return added
}

// ImmediateAlert returns the alert an event raises at once, without
// waiting for the nightly scan: a request to talk to one's worker, an
// urgent report (EventEmergency), or a conflict or arrears report marked
// urgent. Such an alert is urgent because a person asked for help, not
// because of a score: its Score and Contribution are 0. Its reason has the
// key the nightly scan gives the same event, so the scan does not alert
// again for it. Other events wait for the scan, and ok is false. The store
// assigns the alert's id.
func ImmediateAlert(e Event) (a Alert, ok bool) {
	keys := map[EventKind]string{
		EventTalk: ReasonTalkRequest, EventEmergency: ReasonEmergency,
		EventConflict: ReasonConflict, EventArrears: ReasonArrears,
	}
	key := keys[e.Kind]
	if key == "" || !e.Urgent && e.Kind != EventTalk && e.Kind != EventEmergency {
		return Alert{}, false
	}
	reason := Reason{Key: key, PersonID: e.PersonID, N: 1}
	if e.Kind == EventConflict || e.Kind == EventArrears {
		// The nightly scan counts these per placement, not per reporter:
		// the same identity keeps it from alerting a second time.
		reason.PersonID = ""
	}
	r := Risk{PlacementID: e.PlacementID, At: e.At, Level: AlertUrgent, Reasons: []Reason{reason}}
	a = NewAlert(r, e.At)
	a.EventID = e.ID
	return a, true
}
