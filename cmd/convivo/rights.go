package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/subject"
)

// This file holds the people's rights at the command line: a copy of
// one person's data (`convivo export --person`, GDPR art. 15 and 20) and
// erasure (`convivo erase`, art. 17).

// personExport is what `convivo export --person` writes: the person's own
// records (package subject). Others' ids are left out of shared records
// (placements, chores, outings); staff are named by role, and in the
// access log by role and district.
type personExport = subject.Export

// exportPerson writes one person's data as JSON, auditing the export (and
// the care fields' read, with withCare). What staff wrote about the
// placements stays in: staff hand the copy over.
func exportPerson(ctx context.Context, w io.Writer, s housing.Store, id string, withCare bool) error {
	doc, err := subject.Collect(ctx, s, id, subject.Options{Now: now(), WithCare: withCare, StaffNotes: true})
	if errors.Is(err, housing.ErrNotFound) {
		return errPersonNotFound("export", id, err)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if withCare {
		if err := audit(ctx, s, "care.read", "care/"+id, id, "export for the person"); err != nil {
			return err
		}
	}
	if err := audit(ctx, s, "person.export", "person/"+id, id, "access request (art. 15)"); err != nil {
		return err
	}
	b, err := doc.JSON()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = w.Write(b)
	return err
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
