// Package subject gathers one person's own data for their rights of
// access and portability (GDPR art. 15 and 20): the copy `convivo export
// --person` writes and the one the bot's /imieidati sends.
//
// A copy holds the person's records and leaves other people out: shared
// records (placements, chores, outings) keep only the person's own id,
// other residents become "another resident" and staff are named by role
// (and, in the access log, district). Care fields and what staff wrote
// about the placements come only when the caller asks for them.
//
// Collect only reads; auditing the read is the caller's job, as only the
// caller knows who asked.
package subject

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// Source is what Collect reads; housing.Store satisfies it.
type Source interface {
	Person(ctx context.Context, id string) (housing.Person, error)
	Profile(ctx context.Context, personID string) (housing.Profile, error)
	CareInfo(ctx context.Context, personID string) (housing.CareInfo, error)
	Consents(ctx context.Context, personID string) ([]housing.ConsentRecord, error)
	ListPlacements(ctx context.Context, f housing.PlacementFilter) ([]housing.Placement, error)
	Assignments(ctx context.Context, f housing.AssignmentFilter) ([]housing.Assignment, error)
	CheckIns(ctx context.Context, f housing.CheckInFilter) ([]housing.CheckIn, error)
	Events(ctx context.Context, f housing.EventFilter) ([]housing.Event, error)
	Outings(ctx context.Context, f housing.OutingFilter) ([]housing.Outing, error)
	AuditLog(ctx context.Context, f housing.AuditFilter) ([]housing.AuditEntry, error)
	PseudonymOwner(ctx context.Context, pseudonym string) (string, error)
}

// The words that stand for other people in a copy.
const (
	AnotherResident = "another resident"
	SomeoneElse     = "someone else"
	You             = "you"
	Operator        = "operator"  // someone at the command line
	Automatic       = "automatic" // Convivo itself: the bot, the jobs
	FormerStaff     = "a former member of staff"
)

// Export is one person's copy of their data.
type Export struct {
	ExportedAt  time.Time               `json:"exported_at"`
	Person      housing.Person          `json:"person"`
	Profile     *housing.Profile        `json:"profile,omitempty"`
	Care        *housing.CareInfo       `json:"care,omitempty"` // with Options.WithCare only
	Consents    []housing.ConsentRecord `json:"consents"`
	Placements  []housing.Placement     `json:"placements"`
	Assignments []housing.Assignment    `json:"assignments"`
	CheckIns    []housing.CheckIn       `json:"checkins"`
	Events      []housing.Event         `json:"events"`
	Outings     []housing.Outing        `json:"outings"`
	AccessLog   []AccessEntry           `json:"access_log"`
}

// AccessEntry is one line of the person's access log: who read or changed
// their data, staff by role and district.
type AccessEntry struct {
	At       time.Time    `json:"at"`
	Who      string       `json:"who"` // You, "social-worker, Bologna", Operator, Automatic, FormerStaff
	Role     housing.Role `json:"role,omitempty"`
	District string       `json:"district,omitempty"`
	Action   string       `json:"action"`
	Record   string       `json:"record"`
	Purpose  string       `json:"purpose,omitempty"`
}

// Options tunes Collect.
type Options struct {
	// Now stamps the copy (ExportedAt, in UTC).
	Now time.Time
	// WithCare adds the care team's fields (Export.Care).
	WithCare bool
	// StaffNotes keeps the free text staff wrote about the placements:
	// the reasons of status changes and of an ending.
	StaffNotes bool
}

// Collect returns person id's copy. housing.ErrNotFound (wrapped) if the
// person does not exist.
func Collect(ctx context.Context, s Source, id string, opts Options) (Export, error) {
	p, err := s.Person(ctx, id)
	if err != nil {
		return Export{}, fmt.Errorf("subject: person %s: %w", id, err)
	}
	doc := Export{ExportedAt: opts.Now.UTC(), Person: p}
	if doc.Profile, err = optional(s.Profile(ctx, id)); err != nil {
		return Export{}, fmt.Errorf("subject: profile of %s: %w", id, err)
	}
	if opts.WithCare {
		if doc.Care, err = optional(s.CareInfo(ctx, id)); err != nil {
			return Export{}, fmt.Errorf("subject: care fields of %s: %w", id, err)
		}
	}
	if err := collectOwn(ctx, s, id, &doc); err != nil {
		return Export{}, fmt.Errorf("subject: records of %s: %w", id, err)
	}
	if err := redact(ctx, s, id, &doc, opts.StaffNotes); err != nil {
		return Export{}, fmt.Errorf("subject: records of %s: %w", id, err)
	}
	if doc.AccessLog, err = accessLog(ctx, s, id); err != nil {
		return Export{}, fmt.Errorf("subject: access log of %s: %w", id, err)
	}
	return doc, nil
}

// JSON returns the copy as indented JSON, without HTML escaping, ending
// in a newline.
func (e Export) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		return nil, fmt.Errorf("subject: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// optional turns ErrNotFound into a nil record.
func optional[T any](v T, err error) (*T, error) {
	if errors.Is(err, housing.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// collectOwn reads the person's consents, placements, chores, check-ins,
// reports and outings into doc.
func collectOwn(ctx context.Context, s Source, id string, doc *Export) error {
	var errs [6]error
	doc.Consents, errs[0] = s.Consents(ctx, id)
	doc.Placements, errs[1] = s.ListPlacements(ctx, housing.PlacementFilter{PersonID: id})
	doc.Assignments, errs[2] = s.Assignments(ctx, housing.AssignmentFilter{PersonID: id})
	doc.CheckIns, errs[3] = s.CheckIns(ctx, housing.CheckInFilter{PersonID: id})
	doc.Events, errs[4] = s.Events(ctx, housing.EventFilter{PersonID: id})
	doc.Outings, errs[5] = s.Outings(ctx, housing.OutingFilter{Invitee: id})
	return errors.Join(errs[:]...)
}

// redact leaves other people out of the shared records in doc: only the
// person's own id stays; anyone else is named by what they are (names).
// Without staffNotes, what staff wrote about the placements goes too.
func redact(ctx context.Context, s Source, id string, doc *Export, staffNotes bool) error {
	n := names{s: s, self: id, seen: map[string]string{}}
	for i := range doc.Placements {
		pl := &doc.Placements[i]
		pl.Residents = []string{id}
		if !staffNotes {
			pl.Reason = ""
		}
		for j := range pl.History {
			tr := &pl.History[j]
			if !staffNotes && tr.By != id {
				tr.Reason = ""
			}
			tr.By = n.of(ctx, tr.By)
		}
	}
	for i := range doc.Assignments {
		a := &doc.Assignments[i]
		a.AssignedTo, a.PersonID, a.CantBy, a.DoneBy = n.of(ctx, a.AssignedTo), n.of(ctx, a.PersonID), n.of(ctx, a.CantBy), n.of(ctx, a.DoneBy)
	}
	for i := range doc.Events {
		doc.Events[i].ResolvedBy = n.of(ctx, doc.Events[i].ResolvedBy)
	}
	mine := func(ids []string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x != id })
	}
	for i := range doc.Outings {
		o := &doc.Outings[i]
		o.Invitees, o.Waitlist, o.Attended = mine(o.Invitees), mine(o.Waitlist), mine(o.Attended)
		o.Replies = slices.DeleteFunc(o.Replies, func(r housing.Reply) bool { return r.PersonID != id })
		o.Organiser, o.AttendanceBy = n.of(ctx, o.Organiser), n.of(ctx, o.AttendanceBy)
	}
	return n.err
}

// names names the people in someone's copy: the person by their id,
// residents as AnotherResident, staff by role, anyone else (an erased
// person, the command line) as SomeoneElse.
type names struct {
	s    Source
	self string
	seen map[string]string
	err  error
}

// of returns how id appears in the copy; "" stays "".
func (n *names) of(ctx context.Context, id string) string {
	if id == "" || id == n.self {
		return id
	}
	if name, ok := n.seen[id]; ok {
		return name
	}
	name := SomeoneElse
	p, err := n.s.Person(ctx, id)
	switch {
	case err == nil && p.Role.Staff():
		name = string(p.Role)
	case err == nil:
		name = AnotherResident
	case !errors.Is(err, housing.ErrNotFound) && !errors.Is(err, housing.ErrInvalid):
		n.err = errors.Join(n.err, err)
	}
	n.seen[id] = name
	return name
}

// accessLog returns who read or changed the person's data.
func accessLog(ctx context.Context, s Source, id string) ([]AccessEntry, error) {
	log, err := s.AuditLog(ctx, housing.AuditFilter{Subject: id})
	if err != nil {
		return nil, err
	}
	out := make([]AccessEntry, 0, len(log))
	for _, a := range log {
		e := AccessEntry{At: a.At, Who: Automatic, Action: a.Action, Record: recordOf(a), Purpose: a.Purpose}
		switch {
		case strings.HasPrefix(a.Actor, "cli"):
			e.Who = Operator
		case a.Actor == a.Subject:
			e.Who = You
		case housing.IsPseudonym(a.Actor):
			e.Who, e.Role = FormerStaff, a.ActorRole
			if pid, err := s.PseudonymOwner(ctx, a.Actor); err == nil {
				if p, err := s.Person(ctx, pid); err == nil {
					e.Who, e.Role, e.District = string(p.Role)+", "+p.District, p.Role, p.District
				}
			}
		case a.ActorRole != "" && a.ActorRole != housing.RoleAdmin:
			e.Who, e.Role = string(a.ActorRole), a.ActorRole
		}
		out = append(out, e)
	}
	return out, nil
}

// recordOf names an audit entry's record without the subject's
// pseudonym: "care" for "care/ps_…".
func recordOf(a housing.AuditEntry) string {
	if a.Subject != "" {
		if kind, ok := strings.CutSuffix(a.Record, "/"+a.Subject); ok {
			return kind
		}
	}
	if a.Record == "" {
		return "-"
	}
	return a.Record
}
