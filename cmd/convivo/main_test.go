package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
)

// cli runs convivo in-process with the given environment.
type cli struct {
	t   *testing.T
	env map[string]string
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{t: t, env: map[string]string{
		"CONVIVO_DATA":         filepath.Join(t.TempDir(), "convivo.db"),
		"CONVIVO_BOT_USERNAME": "convivo_test_bot",
	}}
}

// run returns the exit status, stdout and stderr.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"convivo"}, args...), func(k string) string { return c.env[k] },
		strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// mustRun fails the test unless the command exits 0.
func (c *cli) mustRun(stdin string, args ...string) string {
	c.t.Helper()
	code, out, errs := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("convivo %v = exit %d; stderr:\n%s", args, code, errs)
	}
	return out
}

func TestSeedImportList(t *testing.T) {
	c := newCLI(t)
	seed := c.mustRun("", "seed", "--people", "200", "--homes", "60", "--seed", "1")
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	if again := c.mustRun("", "seed", "--people", "200", "--homes", "60", "--seed", "1"); again != seed {
		t.Errorf("seed with the same --seed gave different output")
	}
	code, out, errs := c.run("", "import", "all", file)
	if code != 0 || !strings.Contains(out, "imported") || !strings.Contains(out, "60 homes") {
		t.Errorf("import all = exit %d, %q; want 'imported ... 60 homes'", code, out)
	}
	if !strings.Contains(errs, "stored in clear") {
		t.Errorf("import without CONVIVO_DATA_KEY printed %q on stderr; want a warning that the data are in clear", errs)
	}
	homes := c.mustRun("", "homes", "--district", "Savena Idice")
	rows := strings.Count(homes, "Savena Idice")
	if rows == 0 || strings.Contains(homes, "Pianura Est") {
		t.Errorf("homes --district 'Savena Idice' listed %d Savena Idice rows, or other districts:\n%s", rows, homes)
	}
	people := c.mustRun("", "people", "--role", "mediator")
	if !strings.Contains(people, "mediator") || strings.Contains(people, "beneficiary") {
		t.Errorf("people --role mediator:\n%s", people)
	}
	// Importing the same file again clashes on every id and imports nothing.
	code, _, errs = c.run("", "import", "all", file)
	if code != 1 || !strings.Contains(errs, "already exists in the store") {
		t.Errorf("second import = exit %d, %q; want exit 1 naming existing ids", code, firstLine(errs))
	}
}

func TestImportBadRowChangesNothing(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	c.mustRun("", "seed", "--people", "20", "--homes", "6", "--seed", "7", "--format", "csv", "--out", dir)
	c.mustRun("", "import", "people", filepath.Join(dir, "people.csv"))
	before := c.mustRun("", "export")

	// A second file: two good rows and one with a bad tidiness on line 3.
	good := c.mustRun("", "seed", "--people", "3", "--homes", "0", "--seed", "8", "--format", "csv", "--out", filepath.Join(dir, "b"))
	_ = good
	data, err := os.ReadFile(filepath.Join(dir, "b", "people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	header := strings.Split(lines[0], ",")
	col := indexOf(header, "tidiness")
	// Give the new people fresh ids so only the bad field can fail.
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Replace(lines[i], ",", "-new,", 1)
	}
	cells := strings.Split(lines[2], ",")
	cells[col] = "9"
	lines[2] = strings.Join(cells, ",")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := c.run("", "import", "people", bad)
	if code != 1 {
		t.Fatalf("import with a bad row = exit %d; want 1 (stderr %q)", code, errs)
	}
	if !strings.Contains(errs, "line 3: field tidiness") {
		t.Errorf("import error = %q; want it to name line 3 and field tidiness", errs)
	}
	if after := c.mustRun("", "export"); after != stripAudit(after, before) {
		t.Errorf("store changed after a refused import")
	}
}

// stripAudit returns before when the exports differ only in nothing: the
// export document holds no audit entries, so it is a plain comparison that
// reads as intent in the test above.
func stripAudit(after, before string) string {
	if after == before {
		return before
	}
	return after + "\x00changed"
}

func TestInvite(t *testing.T) {
	c := newCLI(t)
	out := c.mustRun("", "invite", "--role", "beneficiary", "--district", "pianura est", "--ttl", "48h")
	m := regexp.MustCompile(`^https://t\.me/convivo_test_bot\?start=([A-Za-z0-9_-]{22,64})\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("invite printed %q; want a t.me deep link with a token", out)
	}
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inv, err := st.InvitationByTokenHash(t.Context(), housing.HashToken(m[1]))
	if err != nil {
		t.Fatalf("invitation not stored under the token's hash: %v", err)
	}
	if inv.District != housing.DistrictPianuraEst || inv.Role != housing.RoleBeneficiary {
		t.Errorf("invitation = %s in %s; want beneficiary in Pianura Est", inv.Role, inv.District)
	}
	raw, err := os.ReadFile(c.env["CONVIVO_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(m[1])) {
		t.Errorf("the data file contains the plain token")
	}
}

func TestUsageErrors(t *testing.T) {
	c := newCLI(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"homes", "--colour"}, 2, "flag provided but not defined"},
		{[]string{"homes", "--district", "Atlantis"}, 2, "unknown district"},
		{[]string{"invite", "--role", "king", "--district", "Bologna"}, 2, "not a role"},
		{[]string{"import", "people"}, 2, "want WHAT FILE"},
		{[]string{"import", "pets", "x.csv"}, 2, "want people, homes or all"},
		{[]string{"homes", "--help"}, 0, ""},
		{[]string{"help"}, 0, ""},
	} {
		code, out, errs := c.run("", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") > 1 {
			t.Errorf("convivo %v = exit %d, %q; want exit %d and one line containing %q", tc.args, code, errs, tc.code, tc.want)
		}
		if tc.code != 0 && out != "" {
			t.Errorf("convivo %v printed %q on stdout; want only the one-line error", tc.args, out)
		}
	}
	code, out, _ := c.run("", "import", "--help")
	if code != 0 || !strings.Contains(out, "tidiness") {
		t.Errorf("import --help = exit %d; want 0 and the column list", code)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestMatchStoresProposals(t *testing.T) {
	c := newCLI(t)
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(c.mustRun("", "seed", "--people", "150", "--homes", "50", "--seed", "3")), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("", "import", "all", file)
	dry := c.mustRun("", "match", "--district", "Bologna", "--dry-run")
	if !strings.Contains(dry, "not stored (--dry-run)") || !strings.Contains(dry, "members:") {
		t.Fatalf("match --dry-run printed:\n%s", dry)
	}
	out := c.mustRun("", "match", "--district", "Bologna")
	if !strings.Contains(out, "stored as pending") || !strings.Contains(out, "strongest:") {
		t.Fatalf("match printed:\n%s", out)
	}
	var doc exportDoc
	if err := json.Unmarshal([]byte(c.mustRun("", "export", "--district", "Bologna")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Proposals) == 0 {
		t.Fatal("no proposals stored after match")
	}
	members := map[string]bool{}
	for _, p := range doc.Proposals {
		if p.Status != housing.ProposalPending || p.District != housing.DistrictBologna {
			t.Errorf("proposal %s is %s in %s; want pending in Bologna", p.ID, p.Status, p.District)
		}
		sum := 0
		for _, f := range p.Factors {
			sum += f.Contribution
		}
		if sum != p.Score {
			t.Errorf("proposal %s factors sum to %d; score %d", p.ID, sum, p.Score)
		}
		for _, m := range p.Members {
			members[m] = true
		}
	}
	// A second round proposes nobody already in a pending proposal.
	var again []roundJSON
	if err := json.Unmarshal([]byte(c.mustRun("", "match", "--district", "Bologna", "--json")), &again); err != nil {
		t.Fatal(err)
	}
	for _, p := range again[0].Proposals {
		for _, m := range p.Members {
			if members[m] {
				t.Errorf("second round proposed %s again while their proposal is pending", m)
			}
		}
	}
}

func TestHelpOnce(t *testing.T) {
	c := newCLI(t)
	for _, cmd := range commands() {
		code, out, _ := c.run("", cmd.name, "--help")
		if code != 0 || strings.Count(out, "Usage: convivo "+cmd.name) != 1 {
			t.Errorf("convivo %s --help = exit %d with %d usage lines; want exit 0 and one", cmd.name, code, strings.Count(out, "Usage: convivo "+cmd.name))
		}
	}
}
