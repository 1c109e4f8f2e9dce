package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing/boltstore"
)

// TestAdminSocket: while a service holds the data file, CLI commands reach
// it through the admin socket and behave as if they had the file.
func TestAdminSocket(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "invite", "--role", "mediator", "--district", "Bologna") // creates the file
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	srv := &adminServer{path: adminSocket(c.env["CONVIVO_DATA"]), store: st,
		getenv: func(k string) string { return c.env[k] }, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("admin server: %v", err)
		}
	})
	var out string
	for range 100 { // wait for the socket
		var code int
		if code, out, _ = c.run("", "homes"); code == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out, "0 homes") {
		t.Fatalf("homes through the admin socket printed %q", out)
	}
	code, _, errs := c.run("", "homes", "--kind", "castle")
	if code != 2 || !strings.Contains(errs, "not a home kind") {
		t.Errorf("a bad flag through the socket = exit %d, %q; want 2 and the usage error", code, errs)
	}
	if out := c.mustRun("", "invite", "--role", "beneficiary", "--district", "Bologna"); !strings.HasPrefix(out, "https://t.me/") {
		t.Errorf("invite through the socket printed %q", out)
	}
}

// TestLockedWithoutService: a held file and no socket fail at once with a
// message that says what to do.
func TestLockedWithoutService(t *testing.T) {
	c := newCLI(t)
	c.mustRun("", "homes")
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, _, errs := c.run("", "homes")
	if code != 1 || !strings.Contains(errs, "in use by a running convivo serve") {
		t.Errorf("homes on a held file = exit %d, %q; want 1 and an explanation", code, errs)
	}
}
