package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/convivo/convivo/housing"
)

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // the command failed (bad data, infeasible, store error)
	exitUsage = 2 // the command line was wrong
)

// env is what every subcommand gets from the process: configuration and
// the standard streams.
type env struct {
	args   []string      // the whole command line, for forwarding to a running service
	store  housing.Store // when set (inside `convivo serve`), commands use it and do not close it
	cfg    Config
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	usage   string // argument synopsis, e.g. "people|homes FILE"
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is the table of subcommands, in the order help lists them.
func commands() []command {
	return []command{
		{"serve", "", "run the bot, the sender, the scheduler and the health and metrics listener", cmdServe},
		{"demo", "[--data DIR] [--out DIR] [--lang it|en] [--days 30] [--seed 1] [--speed N]", "play a simulated month of the whole service against a fake Telegram: no token needed", cmdDemo},
		{"seed", "[--people N] [--homes M] [--seed S] [--format json|csv] [--out DIR]", "write a deterministic synthetic data set", cmdSeed},
		{"import", "people|homes|all FILE [--dry-run]", "import people or homes from CSV or JSON, all or nothing", cmdImport},
		{"export", "[--district D] | --person ID [--with-care]", "write everything, or one person's own data, as JSON", cmdExport},
		{"people", "[--district D] [--role R] [--status S]", "list people", cmdPeople},
		{"homes", "[--district D] [--kind K] [--free]", "list homes", cmdHomes},
		{"match", "[--district D] [--kind K] [--json] [--dry-run]", "run a matching round and store its proposals as pending", cmdMatch},
		{"alerts", "[--district D] [--status S] [--as PERSON_ID] [--lang it|en]", "list early-warning alerts: case codes, level, reasons in plain words, created, status", cmdAlerts},
		{"proposals", "[--district D] [--status S]", "list proposals (pending by default) with members and decisions", cmdProposals},
		{"decide", "approve|reject|clear ID [--reason R] [--note N] [--as MEDIATOR_ID]", "approve or reject a proposal, or clear an exclusion", cmdDecide},
		{"placements", "[--district D] [--status open|all|S]", "list placements with residents and their next date", cmdPlacements},
		{"placement", "show|answer|meet|trial|start|extend|end|move ID [flags]", "show or change one placement: the lifecycle at a desk", cmdPlacement},
		{"invite", "--role R --district D [--person ID] [--ttl 72h]", "create a one-time invitation link", cmdInvite},
		{"audit", "verify | --person ID", "check the audit log's hash chain, or list who looked at a person's data", cmdAudit},
		{"erase", "--person ID [--yes] [--force]", "erase a person everywhere (right to erasure); without --yes, show what would go", cmdErase},
		{"retention", "[--dry-run]", "delete and redact what the retention policy no longer keeps", cmdRetention},
		{"rotate-key", "[--generate KID]", "re-seal encrypted data under the first key of CONVIVO_DATA_KEY, or print a new key", cmdRotateKey},
		{"solve", "PROBLEM < instance.json", "run one solver on a JSON instance (assignment, matching, roommates, stable-marriage, hospital-resident, groups)", cmdSolve},
	}
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError carries a specific exit status with its message.
type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// run is the whole program: it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, getenv, stdin, stdout, stderr, nil)
}

// runWith is run with an already open store (nil: commands open their own).
func runWith(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, st housing.Store) int {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "convivo: %v\n", err)
		return exitUsage
	}
	e := &env{args: args, store: st, cfg: cfg, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help" {
		printHelp(stdout)
		if len(args) < 2 {
			return exitUsage
		}
		return exitOK
	}
	name := args[1]
	for _, c := range commands() {
		if c.name == name {
			err := c.run(ctx, e, args[2:])
			if errors.Is(err, errForward) {
				return forward(ctx, e)
			}
			return report(stderr, err)
		}
	}
	fmt.Fprintf(stderr, "convivo: unknown command %q (run 'convivo help')\n", name)
	return exitUsage
}

// report prints err as one line and maps it to an exit status.
func report(stderr io.Writer, err error) int {
	var ue *usageError
	var ce *codedError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "convivo: %v\n", err)
		return exitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "convivo: %v\n", err)
		return ce.code
	default:
		fmt.Fprintf(stderr, "convivo: %v\n", err)
		return exitError
	}
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "convivo: cohabitation and housing matches for mental-health programmes")
	fmt.Fprintln(w, "\nUsage: convivo COMMAND [flags]\n\nCommands:")
	width := 0
	for _, c := range commands() {
		width = max(width, len(c.name))
	}
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'convivo COMMAND --help' for a command's flags. Configuration comes from CONVIVO_* environment variables; see README.md.")
}

// newFlags returns a FlagSet for a subcommand that reports errors as usage
// errors and prints help on --help.
func newFlags(e *env, name, usage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: convivo %s %s\n\n%s\n", name, usage, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning flag errors into usage errors (exit 2)
// and --help into a clean exit.
// The flag package calls fs.Usage on every parse error; the usage is
// printed only for --help, so a wrong flag gives one line, not a page.
func parseFlags(fs *flag.FlagSet, args []string) error {
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return err
		}
		return usagef("%s: %v", fs.Name(), strings.TrimSpace(err.Error()))
	}
	return nil
}

// lookup returns the command named name.
func lookup(name string) command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	panic("convivo: no command " + name)
}

// flagsFor returns a FlagSet for the command named name.
func flagsFor(e *env, name string) *flag.FlagSet {
	c := lookup(name)
	return newFlags(e, c.name, c.usage, c.summary)
}
