package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/seal"
	"github.com/convivo/convivo/scheduler"
)

// This file holds the operator's side of encryption at rest and
// retention: the keyring from the configuration, `convivo rotate-key`,
// `convivo retention` and the daily retention job.

// loadKeyring returns the data keyring from CONVIVO_DATA_KEY or the file
// CONVIVO_DATA_KEY_FILE names, or nil when neither is set (the stores then
// refuse data that is already sealed). A key file must not be readable by
// group or others. Errors never repeat a key.
func loadKeyring(cfg Config) (*seal.Keyring, error) {
	spec := cfg.DataKey
	switch {
	case cfg.DataKey != "" && cfg.DataKeyFile != "":
		return nil, errors.New("set CONVIVO_DATA_KEY or CONVIVO_DATA_KEY_FILE, not both")
	case cfg.DataKeyFile != "":
		fi, err := os.Stat(cfg.DataKeyFile)
		if err != nil {
			return nil, fmt.Errorf("CONVIVO_DATA_KEY_FILE: %w", err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("CONVIVO_DATA_KEY_FILE %s is readable by others (mode %v): chmod 600 it", cfg.DataKeyFile, fi.Mode().Perm())
		}
		b, err := os.ReadFile(cfg.DataKeyFile)
		if err != nil {
			return nil, fmt.Errorf("CONVIVO_DATA_KEY_FILE: %w", err)
		}
		spec = string(b)
	case spec == "":
		return nil, nil
	}
	k, err := seal.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("CONVIVO_DATA_KEY: %w", err)
	}
	return k, nil
}

// loadRetention returns the default retention policy with the overrides
// of CONVIVO_RETENTION and CONVIVO_AUDIT_RETENTION.
func loadRetention(spec, audit string) (housing.RetentionPolicy, error) {
	p, err := housing.ParseRetention(housing.DefaultRetentionPolicy(), spec)
	if err != nil {
		return p, fmt.Errorf("CONVIVO_RETENTION: %w", err)
	}
	if audit != "" {
		if p, err = housing.ParseRetention(p, "audit="+audit); err != nil {
			return p, fmt.Errorf("CONVIVO_AUDIT_RETENTION: %w", err)
		}
	}
	return p, nil
}

// sensitiveDataWithoutKey returns an error when no keyring is configured
// but the store already holds people, whose records are health data: a
// stricter start-up check than the stores' own, which refuse only data
// that is already sealed. `convivo serve` may call it after openStore.
func sensitiveDataWithoutKey(ctx context.Context, st housing.Store, keys *seal.Keyring) error {
	if keys != nil {
		return nil
	}
	people, err := st.ListPeople(ctx, housing.PersonFilter{})
	if err != nil {
		return err
	}
	if len(people) > 0 {
		return fmt.Errorf("the store holds %d people's data in clear: set CONVIVO_DATA_KEY and run 'convivo rotate-key'", len(people))
	}
	return nil
}

func cmdRotateKey(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "rotate-key")
	storeFlags(e, fs)
	var generate string
	fs.StringVar(&generate, "generate", "", "print a new random key under this key id and change nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("rotate-key: unexpected argument %q", fs.Arg(0))
	}
	if generate != "" {
		key, err := seal.GenerateKey(generate)
		if err != nil {
			return usagef("rotate-key: --generate: %v", err)
		}
		fmt.Fprintln(e.stdout, key)
		fmt.Fprintln(e.stderr, "Put it first in CONVIVO_DATA_KEY, keep the old key after it, restart the service, then run 'convivo rotate-key'.")
		return nil
	}
	return withStore(ctx, e, func(s housing.Store) error {
		n, err := s.RotateKey(ctx)
		if errors.Is(err, seal.ErrNoKey) {
			return usagef("rotate-key: no data key: set CONVIVO_DATA_KEY (or CONVIVO_DATA_KEY_FILE)")
		}
		if err != nil {
			return fmt.Errorf("rotate-key: %w", err)
		}
		if err := audit(ctx, s, "key.rotate", "store", "", "key rotation"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "re-sealed %d values under the active key; keys no longer in use can leave CONVIVO_DATA_KEY\n", n)
		return nil
	})
}

func cmdRetention(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "retention")
	storeFlags(e, fs)
	var dryRun bool
	fs.BoolVar(&dryRun, "dry-run", false, "show what would be deleted or redacted; change nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("retention: unexpected argument %q", fs.Arg(0))
	}
	return withStore(ctx, e, func(s housing.Store) error {
		rep, err := applyRetention(ctx, s, e.cfg.Retention, now(), dryRun)
		if err != nil {
			return err
		}
		printRetention(e.stdout, e.cfg.Retention, rep)
		return nil
	})
}

// applyRetention runs the policy and, unless it is a dry run that changed
// nothing, records the run in the audit log.
func applyRetention(ctx context.Context, s housing.Store, policy housing.RetentionPolicy, at time.Time, dryRun bool) (housing.RetentionReport, error) {
	rep, err := s.ApplyRetention(ctx, policy, at, dryRun)
	if err != nil {
		return rep, fmt.Errorf("retention: %w", err)
	}
	if dryRun || rep.Deleted.Total()+rep.Redacted.Total() == 0 {
		return rep, nil
	}
	return rep, audit(ctx, s, "retention.apply", "store", "", "retention: "+tallyText(rep.Deleted)+"; redacted "+tallyText(rep.Redacted))
}

// printRetention writes the policy and what a run did, one kind a line.
func printRetention(w io.Writer, policy housing.RetentionPolicy, rep housing.RetentionReport) {
	fmt.Fprintf(w, "policy: %s\n", policy)
	seen := map[string]bool{}
	for _, t := range []housing.Tally{rep.Deleted, rep.Redacted} {
		for k := range t {
			seen[k] = true
		}
	}
	kinds := slices.Sorted(maps.Keys(seen))
	if len(kinds) > 0 {
		fmt.Fprintf(w, "%-12s %8s %8s\n", "record", "delete", "redact")
	}
	for _, k := range kinds {
		fmt.Fprintf(w, "%-12s %8d %8d\n", k, rep.Deleted[k], rep.Redacted[k])
	}
	verb := "deleted %d records and redacted %d\n"
	if rep.DryRun {
		verb = "would delete %d records and redact %d (--dry-run: nothing changed)\n"
	}
	fmt.Fprintf(w, verb, rep.Deleted.Total(), rep.Redacted.Total())
}

// tallyText writes a tally as "checkin 3, event 1", kinds sorted.
func tallyText(t housing.Tally) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(t)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, t[k]))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// RetentionSpec is when the daily retention job runs: 04:15, local time.
const RetentionSpec = "15 4 * * *"

// retentionJob returns the daily retention job for the scheduler's table:
// it applies policy to st at now() (a dry run changes nothing) and logs
// what went, never what it was.
func retentionJob(st housing.Store, policy housing.RetentionPolicy, logger *slog.Logger, now func() time.Time) scheduler.Job {
	return scheduler.Job{
		Name: "retention",
		Spec: RetentionSpec,
		Run: func(ctx context.Context, slot scheduler.Slot) error {
			rep, err := applyRetention(ctx, st, policy, now(), slot.DryRun)
			if err != nil {
				return err
			}
			logger.Info("retention applied", slog.Bool("dry_run", slot.DryRun),
				slog.String("deleted", tallyText(rep.Deleted)), slog.String("redacted", tallyText(rep.Redacted)))
			return nil
		},
	}
}
