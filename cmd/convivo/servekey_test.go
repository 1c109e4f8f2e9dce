package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRefusesClearData: serve will not run on people's data without
// an encryption key, and says in one line what to do.
func TestServeRefusesClearData(t *testing.T) {
	c := newCLI(t)
	file := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(file, []byte(c.mustRun("", "seed", "--people", "5", "--homes", "2")), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("", "import", "all", file)
	c.env["CONVIVO_TELEGRAM_TOKEN"] = "123:fake"
	code, _, errs := c.run("", "serve")
	if code != 1 || !strings.Contains(errs, "set CONVIVO_DATA_KEY") || strings.Count(errs, "\n") != 1 {
		t.Errorf("serve on clear data = exit %d, %q; want exit 1 and one line asking for CONVIVO_DATA_KEY", code, errs)
	}
}
