package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os/user"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

// The mediator's desk: the same review and lifecycle as in chat, for
// mediators working at a computer. Decisions and changes go through
// package rounds (atomic, capacity-safe, audited); the people concerned
// are told by the running service's bot at its next follow-up
// (bot.PlacementJob), which introduces what was approved here.

// parseMixed parses flags wherever they are among the positional
// arguments ('decide approve ID --as P' as users type it) and returns the
// positional ones.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// deskActor returns who acts from the command line: the mediator --as
// names (who must be an active mediator), or "cli-<user>".
func deskActor(ctx context.Context, s housing.Store, as string) (rounds.Actor, error) {
	if as == "" {
		name := "cli"
		if u, err := user.Current(); err == nil && housing.ValidID("cli-"+u.Username) {
			name = "cli-" + u.Username
		}
		return rounds.Actor{ID: name, Role: housing.RoleMediator}, nil
	}
	p, err := s.Person(ctx, as)
	if errors.Is(err, housing.ErrNotFound) {
		return rounds.Actor{}, usagef("--as %q: no such person", as)
	}
	if err != nil {
		return rounds.Actor{}, err
	}
	if p.Role != housing.RoleMediator || p.Status != housing.StatusActive {
		return rounds.Actor{}, usagef("--as %s: %s is not an active mediator", as, p.Label())
	}
	return rounds.Actor{ID: p.ID, Role: p.Role}, nil
}

// deskAudit records that the command line showed a person's data.
func deskAudit(ctx context.Context, s housing.Store, action, record, subject, purpose string) error {
	e := &housing.AuditEntry{At: now(), Actor: cliActor(), ActorRole: housing.RoleMediator, Action: action,
		Record: record, Subject: subject, Purpose: purpose}
	if err := s.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// peopleLabels returns "code name" of each id, auditing the read.
func peopleLabels(ctx context.Context, s housing.Store, ids []string, record, purpose string) (string, error) {
	var out []string
	for _, id := range ids {
		p, err := s.Person(ctx, id)
		if err != nil {
			return "", fmt.Errorf("person %s: %w", id, err)
		}
		if err := deskAudit(ctx, s, "desk.read", record, id, purpose); err != nil {
			return "", err
		}
		out = append(out, p.Label())
	}
	return strings.Join(out, ", "), nil
}

func homeLabel(ctx context.Context, s housing.Store, id string) string {
	h, err := s.Home(ctx, id)
	if err != nil || h.Code == "" {
		return id
	}
	return h.Code
}

func cmdProposals(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "proposals")
	storeFlags(e, fs)
	var district, status string
	fs.StringVar(&district, "district", "", "only this district")
	fs.StringVar(&status, "status", "pending", "pending, approved, rejected, superseded, or all")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("proposals: unexpected argument %q", fs.Arg(0))
	}
	f := housing.ProposalFilter{Status: housing.ProposalStatus(status)}
	if status == "all" {
		f.Status = ""
	} else if !f.Status.Valid() {
		return usagef("proposals: --status %q is not pending, approved, rejected, superseded or all", status)
	}
	var err error
	if f.District, err = districtFlag(e, district); err != nil {
		return err
	}
	return withStore(ctx, e, func(s housing.Store) error {
		props, err := s.ListProposals(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDISTRICT\tHOME\tKIND\tSCORE\tSTATUS\tMEMBERS\tDECIDED")
		for _, p := range props {
			members, err := peopleLabels(ctx, s, p.Members, "proposal/"+p.ID, "convivo proposals")
			if err != nil {
				return err
			}
			decided := "-"
			if p.Status != housing.ProposalPending && p.DecidedBy != "" {
				decided = p.DecidedBy + " " + p.DecidedAt.Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.District, homeLabel(ctx, s, p.HomeID), p.Kind,
				points(p.Score), p.Status, members, decided)
		}
		fmt.Fprintf(tw, "\n%d proposals\n", len(props))
		return tw.Flush()
	})
}

func cmdPlacements(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "placements")
	storeFlags(e, fs)
	var district, status string
	fs.StringVar(&district, "district", "", "only this district")
	fs.StringVar(&status, "status", "open", "open, all, or one status (proposed, introduced, trial, active, under-review, ended)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("placements: unexpected argument %q", fs.Arg(0))
	}
	f := housing.PlacementFilter{OpenOnly: status == "open"}
	if status != "open" && status != "all" {
		if f.Status = housing.PlacementStatus(status); !f.Status.Valid() {
			return usagef("placements: --status %q is not open, all or a placement status", status)
		}
	}
	var err error
	if f.District, err = districtFlag(e, district); err != nil {
		return err
	}
	return withStore(ctx, e, func(s housing.Store) error {
		pls, err := s.ListPlacements(ctx, f)
		if err != nil {
			return err
		}
		r := rounds.New(s, mustWeights(e), now)
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tDISTRICT\tHOME\tSTATUS\tRESIDENTS\tNEXT\tEXIT GOAL")
		for _, p := range pls {
			residents, err := peopleLabels(ctx, s, p.Residents, "placement/"+p.ID, "convivo placements")
			if err != nil {
				return err
			}
			next := "-"
			if d, err := r.NextDate(ctx, p); err == nil && d.Kind != "" && !d.At.IsZero() {
				next = d.Kind + " " + d.At.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.District, homeLabel(ctx, s, p.HomeID), p.Status,
				residents, next, orDash(p.ExitGoal))
		}
		fmt.Fprintf(tw, "\n%d placements\n", len(pls))
		return tw.Flush()
	})
}

// mustWeights returns the configured weights, or the defaults when they do
// not load (listing dates does not score anything).
func mustWeights(e *env) matching.WeightsConfig {
	w, err := loadWeights(e.cfg)
	if err != nil {
		return matching.WeightsConfig{}
	}
	return w
}

func cmdDecide(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "decide")
	storeFlags(e, fs)
	var reason, note, as string
	fs.StringVar(&reason, "reason", "", "reject: "+strings.Join(rounds.RejectReasons(), ", "))
	fs.StringVar(&note, "note", "", "reject: a few words on the reason (required with --reason other)")
	fs.StringVar(&as, "as", "", "the deciding mediator's person id (default cli-<user>)")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || !slices.Contains([]string{"approve", "reject", "clear"}, pos[0]) {
		return usagef("decide: want approve|reject|clear ID, e.g. 'convivo decide reject pr_12 --reason habits'")
	}
	verb, id := pos[0], pos[1]
	full := ""
	if verb == "reject" {
		if full, err = rounds.FormatReason(reason, note); err != nil {
			return usagef("decide reject: --reason %q (with --note %q): want one of %s, and a note with other",
				reason, note, strings.Join(rounds.RejectReasons(), ", "))
		}
	}
	return withStore(ctx, e, func(s housing.Store) error {
		by, err := deskActor(ctx, s, as)
		if err != nil {
			return err
		}
		r := rounds.New(s, mustWeights(e), now)
		return decide(ctx, e, r, verb, id, full, by)
	})
}

// decide applies one decision and says what happens next.
func decide(ctx context.Context, e *env, r *rounds.Runner, verb, id, reason string, by rounds.Actor) error {
	var se *housing.StateError
	switch verb {
	case "approve":
		pl, err := r.Approve(ctx, id, by)
		if errors.As(err, &se) {
			return &codedError{code: exitError, err: fmt.Errorf("decide approve %s: %s%s", id, se.What, decidedBy(se))}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "approved %s: placement %s created (%s); the bot will ask the people concerned whether they would like to meet\n",
			id, pl.ID, pl.Status)
	case "reject":
		if _, err := r.Reject(ctx, id, by, reason); errors.As(err, &se) {
			return &codedError{code: exitError, err: fmt.Errorf("decide reject %s: %s%s", id, se.What, decidedBy(se))}
		} else if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "rejected %s (%s): its people are not proposed together again, nor for its home, until cleared ('convivo decide clear %s')\n",
			id, reason, id)
	case "clear":
		if err := r.Clear(ctx, id, by, "cleared at the desk"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "cleared %s: later rounds may propose its people together again\n", id)
	}
	return nil
}

// decidedBy says who made an earlier decision, when the error knows.
func decidedBy(se *housing.StateError) string {
	if se.By == "" {
		return ""
	}
	return " (by " + se.By + " at " + se.AtRFC + ")"
}

func cmdPlacement(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "placement")
	storeFlags(e, fs)
	var o placementFlags
	fs.StringVar(&o.as, "as", "", "the mediator's person id (default cli-<user>)")
	fs.StringVar(&o.until, "until", "", "trial, extend: the new date (YYYY-MM-DD)")
	fs.StringVar(&o.review, "review", "", "start: the review date (YYYY-MM-DD; default six months on)")
	fs.StringVar(&o.goal, "goal", "", "start: the exit goal, e.g. 'own ERP flat', 'flat for two'")
	fs.StringVar(&o.outcome, "outcome", "", "end: autonomous-exit, moved, returned-to-service, conflict, other")
	fs.StringVar(&o.person, "person", "", "move, answer: the person's id")
	fs.StringVar(&o.answer, "answer", "", "answer: yes or no (for someone without chat)")
	fs.StringVar(&o.at, "at", "", "meet: when, 'YYYY-MM-DD HH:MM'")
	fs.StringVar(&o.place, "place", "", "meet: where (the only address the people get)")
	fs.StringVar(&o.reason, "reason", "", "why, for the history")
	pos, err := parseMixed(fs, args)
	if err != nil {
		return err
	}
	verbs := []string{"show", "answer", "meet", "trial", "start", "extend", "end", "move"}
	if len(pos) != 2 || !slices.Contains(verbs, pos[0]) {
		return usagef("placement: want %s ID, e.g. 'convivo placement end pl_3 --outcome autonomous-exit'", strings.Join(verbs, "|"))
	}
	return withStore(ctx, e, func(s housing.Store) error {
		by, err := deskActor(ctx, s, o.as)
		if err != nil {
			return err
		}
		r := rounds.New(s, mustWeights(e), now)
		pl, err := changePlacement(ctx, r, pos[0], pos[1], o, by)
		if err != nil {
			return err
		}
		if pl.ID == "" {
			if pl, err = s.Placement(ctx, pos[1]); err != nil {
				return err
			}
		}
		return printPlacement(ctx, e, s, r, pl)
	})
}

// placementFlags are the flags of 'convivo placement'.
type placementFlags struct {
	as, until, review, goal, outcome, person, answer, at, place, reason string
}

// changePlacement applies verb to placement id; "show" changes nothing
// and returns a zero placement.
func changePlacement(ctx context.Context, r *rounds.Runner, verb, id string, o placementFlags, by rounds.Actor) (housing.Placement, error) {
	day := func(flag, v string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			return t, usagef("placement %s: --%s %q: want YYYY-MM-DD", verb, flag, v)
		}
		return t, nil
	}
	switch verb {
	case "answer":
		if o.person == "" || (o.answer != "yes" && o.answer != "no") {
			return housing.Placement{}, usagef("placement answer: want --person ID --answer yes|no")
		}
		st, err := r.Answer(ctx, id, o.person, o.answer == "yes", by)
		return st.Placement, err
	case "meet":
		at, err := time.ParseInLocation("2006-01-02 15:04", o.at, time.Local)
		if err != nil {
			return housing.Placement{}, usagef("placement meet: --at %q: want 'YYYY-MM-DD HH:MM'", o.at)
		}
		_, err = r.ScheduleMeeting(ctx, id, at, o.place, by)
		return housing.Placement{}, err
	case "trial":
		end, err := day("until", o.until)
		if err != nil {
			return housing.Placement{}, err
		}
		return r.StartTrial(ctx, id, by, end)
	case "start":
		var review time.Time
		if o.review != "" {
			var err error
			if review, err = day("review", o.review); err != nil {
				return housing.Placement{}, err
			}
		}
		return r.Start(ctx, id, by, rounds.StartOptions{ExitGoal: o.goal, ReviewDate: review})
	case "extend":
		until, err := day("until", o.until)
		if err != nil {
			return housing.Placement{}, err
		}
		return r.Extend(ctx, id, by, until, o.reason)
	case "end":
		out := housing.Outcome(o.outcome)
		if !slices.Contains(rounds.Outcomes(), out) {
			return housing.Placement{}, usagef("placement end: --outcome %q: want one of %v", o.outcome, rounds.Outcomes())
		}
		return r.End(ctx, id, by, out, o.reason)
	case "move":
		if o.person == "" {
			return housing.Placement{}, usagef("placement move: want --person ID")
		}
		return r.MoveOut(ctx, id, o.person, by, o.reason)
	}
	return housing.Placement{}, nil
}

// printPlacement writes one placement: residents, dates, goal, history.
func printPlacement(ctx context.Context, e *env, s housing.Store, r *rounds.Runner, p housing.Placement) error {
	residents, err := peopleLabels(ctx, s, p.Residents, "placement/"+p.ID, "convivo placement")
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "placement %s · home %s (%s) · %s\n", p.ID, homeLabel(ctx, s, p.HomeID), p.District, p.Status)
	fmt.Fprintf(w, "  residents:  %s\n", residents)
	for _, d := range []struct {
		name string
		at   time.Time
	}{{"start", p.Start}, {"trial end", p.TrialEnd}, {"review", p.ReviewDate}} {
		if !d.at.IsZero() {
			fmt.Fprintf(w, "  %-11s %s\n", d.name+":", d.at.Format(time.DateOnly))
		}
	}
	if m, err := r.Meeting(ctx, p.ID); err == nil {
		fmt.Fprintf(w, "  meeting:    %s, %s\n", m.At.Format("2006-01-02 15:04"), m.Place)
	}
	if p.ExitGoal != "" {
		fmt.Fprintf(w, "  exit goal:  %s\n", p.ExitGoal)
	}
	if p.Outcome != housing.OutcomeNone {
		fmt.Fprintf(w, "  outcome:    %s %s\n", p.Outcome, p.Reason)
	}
	fmt.Fprintln(w, "  history:")
	for _, t := range p.History {
		from := ""
		if t.From != "" && t.From != t.To {
			from = string(t.From) + " → "
		}
		fmt.Fprintf(w, "    %s  %s%s  by %s  %s\n", t.At.Format("2006-01-02 15:04"), from, t.To, t.By, t.Reason)
	}
	return nil
}
