package main

import (
	"context"
	"fmt"
	"os/user"
	"time"

	"github.com/convivo/convivo/housing"
)

func cmdInvite(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "invite")
	storeFlags(e, fs)
	var role, district, person string
	ttl := housing.DefaultInvitationTTL
	fs.StringVar(&role, "role", "", "role of the invited person (required)")
	fs.StringVar(&district, "district", "", "district (required)")
	fs.StringVar(&person, "person", "", "existing person record to bind (optional)")
	fs.DurationVar(&ttl, "ttl", ttl, "how long the link stays valid")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("invite: unexpected argument %q", fs.Arg(0))
	}
	if !housing.Role(role).Valid() {
		return usagef("invite: --role %q is not a role (want one of %v)", role, housing.Roles())
	}
	d, err := districtFlag(e, district)
	if err != nil || d == "" {
		return usagef("invite: --district is required and must be one of %v", e.cfg.Districts)
	}
	if ttl <= 0 || ttl > 30*24*time.Hour {
		return usagef("invite: --ttl must be between 1s and 720h")
	}
	if e.cfg.BotUsername == "" {
		return usagef("invite: set CONVIVO_BOT_USERNAME to the bot's username (from BotFather) to build the link")
	}
	token, hash := housing.NewInvitationToken()
	at := now()
	inv := &housing.Invitation{
		TokenHash: hash, Role: housing.Role(role), District: d, PersonID: person,
		CreatedBy: cliActor(), CreatedAt: at, ExpiresAt: at.Add(ttl),
	}
	return withStore(ctx, e, func(s housing.Store) error {
		if person != "" {
			if _, err := s.Person(ctx, person); err != nil {
				return fmt.Errorf("invite: person %s: %w", person, err)
			}
		}
		if err := s.CreateInvitation(ctx, inv); err != nil {
			return fmt.Errorf("invite: %w", err)
		}
		if err := audit(ctx, s, "invitation.create", "invitation/"+inv.ID, person, "invite"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "https://t.me/%s?start=%s\n", e.cfg.BotUsername, token)
		fmt.Fprintf(e.stderr, "One-time link for a %s in %s, valid until %s. Send it privately; it works once.\n",
			role, d, inv.ExpiresAt.In(e.cfg.Timezone).Format("2006-01-02 15:04"))
		return nil
	})
}

// cliActor names the operator at the command line for the audit trail.
func cliActor() string {
	if u, err := user.Current(); err == nil && housing.ValidID(u.Username) {
		return "cli:" + u.Username
	}
	return "cli"
}

// audit appends an audit entry for a CLI action.
func audit(ctx context.Context, s housing.Store, action, record, subject, purpose string) error {
	e := &housing.AuditEntry{At: now(), Actor: cliActor(), ActorRole: housing.RoleAdmin, Action: action, Record: record, Subject: subject, Purpose: purpose}
	if err := s.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
