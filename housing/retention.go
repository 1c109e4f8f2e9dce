package housing

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a calendar span such as 24 months or 5 years, for retention.
// The zero Period keeps for ever; a Period that is Set with no years,
// months or days means "at once".
type Period struct {
	Years, Months, Days int
	Set                 bool // false: keep for ever
}

// ParsePeriod reads a period: "never" (or "") keeps for ever, "0" means at
// once, otherwise a number followed by d (days), m (months) or y (years):
// "30d", "24m", "5y".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "", "never":
		return Period{}, nil
	case "0":
		return Period{Set: true}, nil
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 || n > 1000 {
		return Period{}, fmt.Errorf("period %q: want never, 0, or a number and d, m or y (30d, 24m, 5y): %w", s, ErrInvalid)
	}
	switch s[len(s)-1] {
	case 'd':
		return Period{Days: n, Set: true}, nil
	case 'm':
		return Period{Months: n, Set: true}, nil
	case 'y':
		return Period{Years: n, Set: true}, nil
	}
	return Period{}, fmt.Errorf("period %q: want never, 0, or a number and d, m or y (30d, 24m, 5y): %w", s, ErrInvalid)
}

// String returns the period as ParsePeriod reads it.
func (p Period) String() string {
	switch {
	case !p.Set:
		return "never"
	case p.Years != 0:
		return strconv.Itoa(p.Years) + "y"
	case p.Months != 0:
		return strconv.Itoa(p.Months) + "m"
	case p.Days != 0:
		return strconv.Itoa(p.Days) + "d"
	}
	return "0"
}

// Horizon returns the moment before which records have been kept for p at
// now, and false when p keeps for ever.
func (p Period) Horizon(now time.Time) (time.Time, bool) {
	if !p.Set {
		return time.Time{}, false
	}
	return now.AddDate(-p.Years, -p.Months, -p.Days), true
}

// Expired reports whether something that ended at t has been kept for p
// at now. A zero t never expires.
func (p Period) Expired(t, now time.Time) bool {
	h, ok := p.Horizon(now)
	return ok && !t.IsZero() && t.Before(h)
}

// approxDays returns the period's length in days, a month counted as 30
// and a year as 365, for comparing periods of different units.
func (p Period) approxDays() int { return 365*p.Years + 30*p.Months + p.Days }

// MinAuditRetention is the shortest time the audit log is kept: 24 months.
const MinAuditRetention = 24

// RetentionPolicy says how long each kind of record is kept, counted from
// when it stopped being needed: a check-in from when it was answered, a
// placement from when it ended, an invitation from its use or expiry.
type RetentionPolicy struct {
	CheckInNotes     Period `json:"checkin_notes"`     // check-ins' free-text notes are blanked
	CheckIns         Period `json:"checkins"`          // check-ins are deleted
	EventNotes       Period `json:"event_notes"`       // resolved events' notes are blanked
	Events           Period `json:"events"`            // resolved events are deleted
	Alerts           Period `json:"alerts"`            // resolved alerts are deleted
	Risk             Period `json:"risk"`              // risk scores are deleted
	Placements       Period `json:"placements"`        // ended placements are deleted
	Proposals        Period `json:"proposals"`         // decided proposals are deleted
	Invitations      Period `json:"invitations"`       // used or expired invitations are deleted
	DeclinedConsents Period `json:"declined_consents"` // consent records that say "declined" are deleted
	Outbox           Period `json:"outbox"`            // delivery records of sent or failed messages are deleted
	Audit            Period `json:"audit"`             // audit entries are pruned, keeping the chain's anchor
}

// DefaultRetentionPolicy returns the defaults, to be confirmed with the
// data-protection officer: notes 6 and 12 months, check-ins, events,
// alerts and the audit log 24 months, risk scores 12 months, ended
// placements and decided proposals 5 years, invitations 90 days, delivery
// records 30 days, declined consents at once.
func DefaultRetentionPolicy() RetentionPolicy {
	return RetentionPolicy{
		CheckInNotes: Period{Months: 6, Set: true}, CheckIns: Period{Months: 24, Set: true},
		EventNotes: Period{Months: 12, Set: true}, Events: Period{Months: 24, Set: true},
		Alerts: Period{Months: 24, Set: true}, Risk: Period{Months: 12, Set: true},
		Placements: Period{Years: 5, Set: true}, Proposals: Period{Years: 5, Set: true},
		Invitations: Period{Days: 90, Set: true}, DeclinedConsents: Period{Set: true},
		Outbox: Period{Days: 30, Set: true}, Audit: Period{Months: MinAuditRetention, Set: true},
	}
}

// fields returns the policy's periods by the names ParseRetention reads.
func (p *RetentionPolicy) fields() []struct {
	Name   string
	Period *Period
} {
	return []struct {
		Name   string
		Period *Period
	}{
		{"checkin-notes", &p.CheckInNotes}, {"checkins", &p.CheckIns},
		{"event-notes", &p.EventNotes}, {"events", &p.Events}, {"alerts", &p.Alerts},
		{"risk", &p.Risk}, {"placements", &p.Placements}, {"proposals", &p.Proposals},
		{"invitations", &p.Invitations}, {"declined-consents", &p.DeclinedConsents},
		{"outbox", &p.Outbox}, {"audit", &p.Audit},
	}
}

// ParseRetention returns base with the periods spec sets: comma-separated
// name=period pairs such as "checkins=12m,placements=10y". The names are
// checkin-notes, checkins, event-notes, events, alerts, risk, placements,
// proposals, invitations, declined-consents, outbox and audit.
func ParseRetention(base RetentionPolicy, spec string) (RetentionPolicy, error) {
	p := base
	for _, item := range strings.Split(spec, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		name, val, ok := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		var dst *Period
		for _, f := range p.fields() {
			if f.Name == name {
				dst = f.Period
			}
		}
		if !ok || dst == nil {
			return base, fmt.Errorf("retention %q: want name=period, name one of %s: %w", item, strings.Join(p.Names(), ", "), ErrInvalid)
		}
		period, err := ParsePeriod(val)
		if err != nil {
			return base, fmt.Errorf("retention %s: %w", name, err)
		}
		*dst = period
	}
	return p, p.Validate()
}

// Names returns the policy's period names, as ParseRetention reads them.
func (p RetentionPolicy) Names() []string {
	var names []string
	for _, f := range p.fields() {
		names = append(names, f.Name)
	}
	return names
}

// String returns the policy as ParseRetention reads it.
func (p RetentionPolicy) String() string {
	var parts []string
	for _, f := range p.fields() {
		parts = append(parts, f.Name+"="+f.Period.String())
	}
	return strings.Join(parts, ",")
}

// Validate checks that the audit log is kept at least MinAuditRetention
// months (720 days, or 2 years), or for ever.
func (p RetentionPolicy) Validate() error {
	if p.Audit.Set && p.Audit.approxDays() < 30*MinAuditRetention {
		return invalid("audit", "is %s; the audit log is kept at least %d months", p.Audit, MinAuditRetention)
	}
	return nil
}

// Verdict is what retention does to one record.
type Verdict int

// The verdicts.
const (
	Keep   Verdict = iota // leave it
	Redact                // its free text was blanked: store the changed record
	Delete                // delete it
)

// CheckIn decides a check-in's fate at now; on Redact it has blanked the
// note.
func (p RetentionPolicy) CheckIn(c *CheckIn, now time.Time) Verdict {
	switch {
	case p.CheckIns.Expired(c.At, now):
		return Delete
	case c.Note != "" && p.CheckInNotes.Expired(c.At, now):
		c.Note = ""
		return Redact
	}
	return Keep
}

// Event decides a reported event's fate at now: only resolved events go.
// On Redact it has blanked the note.
func (p RetentionPolicy) Event(e *Event, now time.Time) Verdict {
	switch {
	case p.Events.Expired(e.ResolvedAt, now):
		return Delete
	case e.Note != "" && p.EventNotes.Expired(e.ResolvedAt, now):
		e.Note = ""
		return Redact
	}
	return Keep
}

// Alert decides an alert's fate at now: only resolved alerts go.
func (p RetentionPolicy) Alert(a *Alert, now time.Time) Verdict {
	if a.Status == AlertResolved && p.Alerts.Expired(a.ResolvedAt, now) {
		return Delete
	}
	return Keep
}

// RiskScore decides a risk score's fate at now.
func (p RetentionPolicy) RiskScore(r *Risk, now time.Time) Verdict {
	if p.Risk.Expired(r.At, now) {
		return Delete
	}
	return Keep
}

// Placement decides a placement's fate at now: only ended ones go,
// counted from their last change.
func (p RetentionPolicy) Placement(pl *Placement, now time.Time) Verdict {
	if pl.Status == PlacementEnded && p.Placements.Expired(pl.UpdatedAt, now) {
		return Delete
	}
	return Keep
}

// Proposal decides a proposal's fate at now: only decided ones go,
// counted from the decision (or, for a superseded one, its creation).
func (p RetentionPolicy) Proposal(pr *Proposal, now time.Time) Verdict {
	if pr.Status == ProposalPending {
		return Keep
	}
	at := pr.DecidedAt
	if at.IsZero() {
		at = pr.CreatedAt
	}
	if p.Proposals.Expired(at, now) {
		return Delete
	}
	return Keep
}

// Invitation decides an invitation's fate at now: used ones from their
// use, unused ones from their expiry.
func (p RetentionPolicy) Invitation(inv *Invitation, now time.Time) Verdict {
	end := inv.ExpiresAt
	if inv.Used() {
		end = inv.UsedAt
	}
	if p.Invitations.Expired(end, now) {
		return Delete
	}
	return Keep
}

// Consent decides a consent record's fate at now: only declined ones go.
// Accepted and withdrawn records prove the lawful basis and stay.
func (p RetentionPolicy) Consent(c *ConsentRecord, now time.Time) Verdict {
	if h, ok := p.DeclinedConsents.Horizon(now); ok && c.Decision == ConsentDeclined && !c.At.After(h) {
		return Delete
	}
	return Keep
}

// OutboxDone decides the fate of the delivery record of a message sent or
// failed at doneAt.
func (p RetentionPolicy) OutboxDone(doneAt, now time.Time) Verdict {
	if p.Outbox.Expired(doneAt, now) {
		return Delete
	}
	return Keep
}

// RetentionReport says what ApplyRetention did, or would do on a dry run.
type RetentionReport struct {
	DryRun   bool  `json:"dry_run"`
	Deleted  Tally `json:"deleted"`  // records deleted, by kind ("audit" for pruned entries)
	Redacted Tally `json:"redacted"` // records whose free text was blanked, by kind
}

// NewRetentionReport returns an empty report.
func NewRetentionReport(dryRun bool) RetentionReport {
	return RetentionReport{DryRun: dryRun, Deleted: Tally{}, Redacted: Tally{}}
}

// Count records the verdict v on one record of kind.
func (r RetentionReport) Count(kind string, v Verdict) {
	switch v {
	case Delete:
		r.Deleted.Add(kind, 1)
	case Redact:
		r.Redacted.Add(kind, 1)
	}
}
