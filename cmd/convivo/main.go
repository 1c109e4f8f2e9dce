// Command convivo runs Convivo: the Telegram bot, the scheduler and the
// matching engine of a cohabitation and housing-match service for people
// in mental-health and addiction programmes, and the command-line tools
// operators and mediators use at a desk. Run `convivo help` for the
// subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Rome without the system's zone files
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
