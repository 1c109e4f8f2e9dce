package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/convivo/convivo/housing"
)

// This file is `convivo audit`: checking the audit log's hash chain, and
// the staff view of who looked at a person's data.

func cmdAudit(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "audit")
	storeFlags(e, fs)
	var person string
	fs.StringVar(&person, "person", "", "list who read or changed this person's data, and why")
	base := fs.Usage
	fs.Usage = func() {
		base()
		fmt.Fprintln(e.stdout, "\n'convivo audit verify' checks that no entry was altered, removed or inserted: exit 0 if the chain is whole, 1 if not.")
	}
	verify := len(args) > 0 && args[0] == "verify"
	if verify {
		args = args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("audit: unexpected argument %q", fs.Arg(0))
	case verify && person == "":
		return withStore(ctx, e, func(s housing.Store) error { return verifyAudit(ctx, e.stdout, s) })
	case !verify && person != "":
		if !housing.ValidID(person) {
			return usagef("audit: --person %q is not a person id", person)
		}
		return withStore(ctx, e, func(s housing.Store) error { return personAudit(ctx, e, s, person) })
	}
	return usagef("audit: want 'audit verify' or 'audit --person ID'")
}

// verifyAudit checks the whole chain from its anchor. A broken chain is
// exit status 1.
func verifyAudit(ctx context.Context, w io.Writer, s housing.Store) error {
	anchor, log, err := s.AuditChain(ctx)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if bad, ok := housing.VerifyChainFrom(log, anchor); !ok {
		return &codedError{code: exitError, err: fmt.Errorf(
			"audit log broken at seq %d: an entry was altered, removed or inserted (%d entries read)", bad, len(log))}
	}
	switch {
	case len(log) == 0 && anchor.Seq == 0:
		fmt.Fprintln(w, "audit log: empty; nothing to verify")
	case len(log) == 0:
		fmt.Fprintf(w, "audit log: every entry up to seq %d was pruned by retention; anchor kept\n", anchor.Seq)
	default:
		last := log[len(log)-1]
		fmt.Fprintf(w, "audit log: %d entries, seq %d to %d, chain intact", len(log), log[0].Seq, last.Seq)
		if anchor.Seq > 0 {
			fmt.Fprintf(w, " from the retention anchor at seq %d", anchor.Seq)
		}
		// Noting the last hash elsewhere (a ticket, a mail) later shows
		// whether newer entries were cut off, which no chain can show.
		fmt.Fprintf(w, "; last hash %s\n", last.Hash)
	}
	return nil
}

// personAudit prints who looked at a person's data: when, who (name, role
// and district of staff), what, why. The lookup is itself audited.
func personAudit(ctx context.Context, e *env, s housing.Store, id string) error {
	p, err := s.Person(ctx, id)
	if err != nil {
		return fmt.Errorf("audit: person %s: %w", id, err)
	}
	log, err := s.AuditLog(ctx, housing.AuditFilter{Subject: id})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	fmt.Fprintf(e.stdout, "Who looked at the data of %s (%s), newest last:\n", p.Label(), p.ID)
	if len(log) == 0 {
		fmt.Fprintln(e.stdout, "  no access recorded")
	}
	names := actorNames{s: s, ctx: ctx, subject: p}
	for _, a := range log {
		fmt.Fprintf(e.stdout, "%s  %-40s  %-18s %-22s %s\n", a.At.In(e.cfg.Timezone).Format("2006-01-02 15:04"),
			names.of(a), a.Action, recordOf(a), orDash(a.Purpose))
	}
	return audit(ctx, s, "audit.read", "audit/"+id, id, "access report")
}

// actorNames resolves audit actors for display, remembering them.
type actorNames struct {
	s       housing.Store
	ctx     context.Context
	subject housing.Person
	seen    map[string]string
}

// of names the actor of a: the person themself, a member of staff by
// label, role and district, a command-line user, or an erased person.
func (n *actorNames) of(a housing.AuditEntry) string {
	if a.Actor == a.Subject {
		return "the person themself"
	}
	if name, ok := n.seen[a.Actor]; ok {
		return name
	}
	name := a.Actor
	if housing.IsPseudonym(a.Actor) {
		name = "(a person since erased)"
		if id, err := n.s.PseudonymOwner(n.ctx, a.Actor); err == nil {
			name = id
			if p, err := n.s.Person(n.ctx, id); err == nil {
				name = fmt.Sprintf("%s (%s, %s)", p.Label(), p.Role, p.District)
			}
		}
	} else if a.ActorRole != "" {
		name = fmt.Sprintf("%s (%s)", a.Actor, a.ActorRole)
	}
	if n.seen == nil {
		n.seen = map[string]string{}
	}
	n.seen[a.Actor] = name
	return name
}

// recordOf names an entry's record without the subject's pseudonym:
// "care" for "care/ps_…".
func recordOf(a housing.AuditEntry) string {
	if a.Subject != "" {
		if kind, ok := strings.CutSuffix(a.Record, "/"+a.Subject); ok {
			return kind
		}
	}
	return orDash(a.Record)
}

// errPersonNotFound reports a person id that does not exist, for the
// commands on one person's data.
func errPersonNotFound(cmd, id string, err error) error {
	if errors.Is(err, housing.ErrNotFound) {
		return &codedError{code: exitError, err: fmt.Errorf("%s: no person %s", cmd, id)}
	}
	return fmt.Errorf("%s: person %s: %w", cmd, id, err)
}
