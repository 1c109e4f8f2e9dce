package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// This file holds the people's rights at the command line: a copy of
// one person's data (`convivo export --person`, GDPR art. 15 and 20) and
// erasure (`convivo erase`, art. 17).

// personExport is what `convivo export --person` writes: the person's own
// records. Others' ids are left out of shared records (placements,
// outings); staff are named in the access log by role and district only.
type personExport struct {
	ExportedAt  time.Time               `json:"exported_at"`
	Person      housing.Person          `json:"person"`
	Profile     *housing.Profile        `json:"profile,omitempty"`
	Care        *housing.CareInfo       `json:"care,omitempty"` // with --with-care only
	Consents    []housing.ConsentRecord `json:"consents"`
	Placements  []housing.Placement     `json:"placements"`
	Assignments []housing.Assignment    `json:"assignments"`
	CheckIns    []housing.CheckIn       `json:"checkins"`
	Events      []housing.Event         `json:"events"`
	Outings     []housing.Outing        `json:"outings"`
	AccessLog   []accessEntry           `json:"access_log"`
}

// accessEntry is one line of the person's access log, as they get it.
type accessEntry struct {
	At      time.Time `json:"at"`
	Who     string    `json:"who"` // "you", "social-worker, Bologna", "operator"
	Action  string    `json:"action"`
	Record  string    `json:"record"`
	Purpose string    `json:"purpose,omitempty"`
}

// exportPerson writes one person's data as JSON, auditing the export (and
// the care fields' read, with withCare).
func exportPerson(ctx context.Context, w io.Writer, s housing.Store, id string, withCare bool) error {
	p, err := s.Person(ctx, id)
	if err != nil {
		return errPersonNotFound("export", id, err)
	}
	doc := personExport{ExportedAt: now().UTC(), Person: p}
	if doc.Profile, err = optional(s.Profile(ctx, id)); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if withCare {
		if doc.Care, err = optional(s.CareInfo(ctx, id)); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := audit(ctx, s, "care.read", "care/"+id, id, "export for the person"); err != nil {
			return err
		}
	}
	if err := collectOwn(ctx, s, id, &doc); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if doc.AccessLog, err = accessLog(ctx, s, id); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := audit(ctx, s, "person.export", "person/"+id, id, "access request (art. 15)"); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
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
// reports and outings into doc, leaving other people out of the shared
// ones.
func collectOwn(ctx context.Context, s housing.Store, id string, doc *personExport) error {
	var errs [6]error
	doc.Consents, errs[0] = s.Consents(ctx, id)
	doc.Placements, errs[1] = s.ListPlacements(ctx, housing.PlacementFilter{PersonID: id})
	doc.Assignments, errs[2] = s.Assignments(ctx, housing.AssignmentFilter{PersonID: id})
	doc.CheckIns, errs[3] = s.CheckIns(ctx, housing.CheckInFilter{PersonID: id})
	doc.Events, errs[4] = s.Events(ctx, housing.EventFilter{PersonID: id})
	doc.Outings, errs[5] = s.Outings(ctx, housing.OutingFilter{Invitee: id})
	if err := errors.Join(errs[:]...); err != nil {
		return err
	}
	for i := range doc.Placements {
		pl := &doc.Placements[i]
		others := slices.DeleteFunc(slices.Clone(pl.Residents), func(r string) bool { return r == id })
		pl.Residents = []string{id}
		for j := range pl.History {
			if slices.Contains(others, pl.History[j].By) {
				pl.History[j].By = "another resident"
			}
		}
	}
	mine := func(ids []string) []string {
		return slices.DeleteFunc(slices.Clone(ids), func(x string) bool { return x != id })
	}
	for i := range doc.Outings {
		o := &doc.Outings[i]
		o.Invitees, o.Waitlist, o.Attended = mine(o.Invitees), mine(o.Waitlist), mine(o.Attended)
		o.Replies = slices.DeleteFunc(o.Replies, func(r housing.Reply) bool { return r.PersonID != id })
	}
	return nil
}

// accessLog returns who read or changed the person's data, staff by role
// and district.
func accessLog(ctx context.Context, s housing.Store, id string) ([]accessEntry, error) {
	log, err := s.AuditLog(ctx, housing.AuditFilter{Subject: id})
	if err != nil {
		return nil, err
	}
	out := make([]accessEntry, 0, len(log))
	for _, a := range log {
		who := "operator"
		switch {
		case a.Actor == a.Subject:
			who = "you"
		case housing.IsPseudonym(a.Actor):
			who = "a former member of staff"
			if pid, err := s.PseudonymOwner(ctx, a.Actor); err == nil {
				if p, err := s.Person(ctx, pid); err == nil {
					who = string(p.Role) + ", " + p.District
				}
			}
		case a.ActorRole != "" && a.ActorRole != housing.RoleAdmin:
			who = string(a.ActorRole)
		}
		out = append(out, accessEntry{At: a.At, Who: who, Action: a.Action, Record: recordOf(a), Purpose: a.Purpose})
	}
	return out, nil
}

func cmdErase(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "erase")
	storeFlags(e, fs)
	var id string
	var yes, force bool
	fs.StringVar(&id, "person", "", "the person to erase (required)")
	fs.BoolVar(&yes, "yes", false, "erase; without it, show what would be erased and change nothing")
	fs.BoolVar(&force, "force", false, "erase even someone who holds a place in an open placement (their pseudonym keeps the place)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("erase: unexpected argument %q", fs.Arg(0))
	}
	if !housing.ValidID(id) {
		return usagef("erase: --person ID is required")
	}
	return withStore(ctx, e, func(s housing.Store) error {
		p, err := s.Person(ctx, id)
		if err != nil {
			return errPersonNotFound("erase", id, err)
		}
		open, err := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: id, OpenOnly: true})
		if err != nil {
			return fmt.Errorf("erase: %w", err)
		}
		if !yes {
			return previewErasure(ctx, e.stdout, s, p, open)
		}
		if len(open) > 0 && !force {
			return &codedError{code: exitError, err: fmt.Errorf(
				"erase: %s holds a place in open placement %s (%s): end it first, or pass --force", p.Label(), open[0].ID, open[0].Status)}
		}
		return erase(ctx, e, s, p)
	})
}

// erase erases p and reports what went.
func erase(ctx context.Context, e *env, s housing.Store, p housing.Person) error {
	rep, err := s.ErasePerson(ctx, p.ID, housing.ErasureOptions{DropState: botActionOf(p.TelegramID)})
	if err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	if err := audit(ctx, s, "person.erase", "person/"+rep.Pseudonym, rep.Pseudonym, "erasure (art. 17)"); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "erased %s: deleted %s; pseudonymised %s; the audit log and others' records now say %s, linked to no one\n",
		p.ID, tallyText(rep.Deleted), tallyText(rep.Pseudonymised), rep.Pseudonym)
	if e.cfg.RedisURL != "" {
		fmt.Fprintln(e.stderr, "Redis keeps deleted values in its append-only file and snapshots until they are rewritten: run BGREWRITEAOF, and let old backups expire (docs/privacy.md).")
	}
	return nil
}

// botActionOf picks the bot's pending button actions bound to a Telegram
// user: state values under "act:" whose "u" is the user's id (see
// bot/actions.go). Nil for a person who never joined on Telegram.
func botActionOf(telegramID int64) func(key string, value []byte) bool {
	if telegramID == 0 {
		return nil
	}
	return func(key string, value []byte) bool {
		var a struct {
			User int64 `json:"u"`
		}
		return strings.HasPrefix(key, "act:") && json.Unmarshal(value, &a) == nil && a.User == telegramID
	}
}

// previewErasure says what erasing p would remove, and changes nothing.
func previewErasure(ctx context.Context, w io.Writer, s housing.Store, p housing.Person, open []housing.Placement) error {
	has := func(_ any, err error) (string, error) {
		if errors.Is(err, housing.ErrNotFound) {
			return "none", nil
		}
		return "yes", err
	}
	profile, err1 := has(s.Profile(ctx, p.ID))
	care, err2 := has(s.CareInfo(ctx, p.ID))
	consents, err3 := s.Consents(ctx, p.ID)
	checkins, err4 := s.CheckIns(ctx, housing.CheckInFilter{PersonID: p.ID})
	events, err5 := s.Events(ctx, housing.EventFilter{PersonID: p.ID})
	placements, err6 := s.ListPlacements(ctx, housing.PlacementFilter{PersonID: p.ID})
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return fmt.Errorf("erase: %w", err)
	}
	fmt.Fprintf(w, "Erasing %s (%s) would delete their person record, profile (%s), care fields (%s), %d consent records, %d check-ins, %d reports, their invitations, queued messages and conversation state,\n",
		p.Label(), p.ID, profile, care, len(consents), len(checkins), len(events))
	fmt.Fprintf(w, "and put a pseudonym in their place in %d placements (%d open), proposals, homes, rotas, outings, alerts and others' care fields. The audit log keeps its entries, no longer linked to them.\n",
		len(placements), len(open))
	fmt.Fprintln(w, "Nothing was changed. Run again with --yes to erase; it cannot be undone.")
	return nil
}
