package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
)

// deskSetup imports a seeded data set, runs a round in Bologna and
// returns its proposal ids and a Bologna mediator's id.
func deskSetup(t *testing.T, c *cli) (props []string, mediator string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(c.mustRun("", "seed", "--people", "150", "--homes", "50", "--seed", "3")), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("", "import", "all", file)
	var rounds []roundJSON
	if err := json.Unmarshal([]byte(c.mustRun("", "match", "--district", "Bologna", "--json")), &rounds); err != nil {
		t.Fatal(err)
	}
	for _, p := range rounds[0].Proposals {
		props = append(props, p.ID)
	}
	if len(props) < 2 {
		t.Fatalf("the round stored %d proposals; want at least 2", len(props))
	}
	for _, line := range strings.Split(c.mustRun("", "people", "--role", "mediator", "--district", "Bologna"), "\n")[1:] {
		if f := strings.Fields(line); len(f) > 1 && strings.Contains(line, "mediator") {
			return props, f[1]
		}
	}
	t.Fatal("no mediator in Bologna")
	return nil, ""
}

func TestMatchThenDecide(t *testing.T) {
	c := newCLI(t)
	props, med := deskSetup(t, c)
	list := c.mustRun("", "proposals", "--district", "Bologna")
	for _, id := range props {
		if !strings.Contains(list, id) {
			t.Errorf("proposals does not list %s:\n%s", id, list)
		}
	}
	out := c.mustRun("", "decide", "approve", props[0], "--as", med)
	if !strings.HasPrefix(out, "approved "+props[0]+": placement pl_") {
		t.Fatalf("decide approve printed %q", out)
	}
	plID := strings.TrimSuffix(strings.Fields(out)[3], ":")
	again := c.mustRun("", "decide", "approve", props[0], "--as", med)
	if !strings.Contains(again, plID) {
		t.Errorf("approving again printed %q; want the same placement %s", again, plID)
	}
	code, _, errs := c.run("", "decide", "reject", props[0], "--reason", "habits")
	if code != exitError || !strings.Contains(errs, "already approved") || !strings.Contains(errs, "(by "+med) {
		t.Errorf("rejecting a decided proposal = exit %d, %q; want exit 1 naming who decided", code, errs)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"decide", "reject", props[1], "--reason", "other"}, exitUsage},
		{[]string{"decide", "reject", props[1], "--reason", "bored"}, exitUsage},
		{[]string{"decide", "maybe", props[1]}, exitUsage},
		{[]string{"decide", "approve", props[1], "--as", "p_nobody"}, exitUsage},
		{[]string{"decide", "approve", "pr_nothing"}, exitError},
	} {
		if code, _, errs := c.run("", tc.args...); code != tc.code {
			t.Errorf("convivo %v = exit %d (%q); want %d", tc.args, code, firstLine(errs), tc.code)
		}
	}
	out = c.mustRun("", "decide", "reject", props[1], "--reason", "other", "--note", "family reasons", "--as", med)
	if !strings.Contains(out, "rejected "+props[1]+" (other: family reasons)") {
		t.Errorf("decide reject printed %q", out)
	}
	if rejected := c.mustRun("", "proposals", "--status", "rejected"); !strings.Contains(rejected, props[1]) || !strings.Contains(rejected, med) {
		t.Errorf("proposals --status rejected:\n%s", rejected)
	}
	if cleared := c.mustRun("", "decide", "clear", props[1]); !strings.HasPrefix(cleared, "cleared "+props[1]) {
		t.Errorf("decide clear printed %q", cleared)
	}
	pls := c.mustRun("", "placements", "--district", "Bologna")
	if !strings.Contains(pls, plID) || !strings.Contains(pls, "proposed") {
		t.Errorf("placements:\n%s", pls)
	}
	checkPlacementAtDesk(t, c, plID, med)
}

// checkPlacementAtDesk changes a placement from the command line.
func checkPlacementAtDesk(t *testing.T, c *cli, plID, med string) {
	t.Helper()
	show := c.mustRun("", "placement", "show", plID)
	if !strings.Contains(show, "residents:") || !strings.Contains(show, "history:") || !strings.Contains(show, "by "+med) {
		t.Errorf("placement show:\n%s", show)
	}
	if code, _, errs := c.run("", "placement", "trial", plID, "--until", "2999-01-01"); code != exitError || !strings.Contains(errs, "cannot go from proposed to trial") {
		t.Errorf("trial before the introduction = exit %d, %q; want refused", code, errs)
	}
	if code, _, _ := c.run("", "placement", "end", plID, "--outcome", "bored"); code != exitUsage {
		t.Errorf("end with an unknown outcome = exit %d; want %d", code, exitUsage)
	}
	ended := c.mustRun("", "placement", "end", plID, "--outcome", "other", "--reason", "plans changed", "--as", med)
	if !strings.Contains(ended, "· ended") || !strings.Contains(ended, "outcome:    other plans changed") {
		t.Errorf("placement end printed:\n%s", ended)
	}
	if open := c.mustRun("", "placements", "--district", "Bologna"); strings.Contains(open, plID) {
		t.Errorf("an ended placement is listed as open:\n%s", open)
	}
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background(), housing.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range log {
		seen[e.Action] = true
	}
	for _, a := range []string{"desk.read", "proposal.approve", "proposal.reject", "exclusion.clear", "placement.ended"} {
		if !seen[a] {
			t.Errorf("audit log has no %q entry", a)
		}
	}
}
