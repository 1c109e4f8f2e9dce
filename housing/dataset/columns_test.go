package dataset

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the column tables in FORMATS.md")

// TestFormatsDoc checks that FORMATS.md holds the column tables the code
// generates.
func TestFormatsDoc(t *testing.T) {
	doc, err := os.ReadFile("FORMATS.md")
	if err != nil {
		t.Fatal(err)
	}
	got := string(doc)
	want := got
	for _, s := range []struct {
		marker string
		cols   []Column
	}{{"people columns", PeopleColumns()}, {"homes columns", HomesColumns()}} {
		want = replaceSection(t, want, s.marker, ColumnsMarkdown(s.cols))
	}
	if *update {
		if err := os.WriteFile("FORMATS.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FORMATS.md column tables are stale (-want +got), run go test -update:\n%s", diff)
	}
}

// replaceSection puts body between "<!-- marker -->" and "<!-- end marker -->".
func replaceSection(t *testing.T, doc, marker, body string) string {
	t.Helper()
	start, end := "<!-- "+marker+" -->\n", "<!-- end "+marker+" -->"
	i, j := strings.Index(doc, start), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("FORMATS.md lacks the markers %q ... %q", start, end)
	}
	return doc[:i+len(start)] + "\n" + body + "\n" + doc[j:]
}

func TestColumnsDescribeTheWriters(t *testing.T) {
	var pb, hb bytes.Buffer
	if err := WritePeopleCSV(&pb, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteHomesCSV(&hb, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		header string
		cols   []Column
	}{{"people", pb.String(), PeopleColumns()}, {"homes", hb.String(), HomesColumns()}} {
		var names []string
		for _, col := range c.cols {
			names = append(names, col.Name)
			if col.Help == "" || col.Type == "" {
				t.Errorf("%s column %s has no help or type", c.name, col.Name)
			}
		}
		if got, want := strings.TrimSpace(c.header), strings.Join(names, ","); got != want {
			t.Errorf("%s header = %q; want %q", c.name, got, want)
		}
	}
}

// TestColumnValuesDecode checks that every documented value of every
// column is accepted, in upper case too.
func TestColumnValuesDecode(t *testing.T) {
	for _, c := range peopleTable() {
		for _, v := range c.Values {
			rec := PersonRecord{Profile: &housing.Profile{Host: &housing.HostProfile{}}, Care: &housing.CareInfo{}}
			if err := c.decode(&rec, strings.ToUpper(v)); err != nil {
				t.Errorf("people column %s: decode(%q) = %v; want nil", c.Name, v, err)
			}
		}
	}
	for _, c := range homesTable() {
		for _, v := range c.Values {
			var h housing.Home
			if err := c.decode(&h, strings.ToUpper(v)); err != nil {
				t.Errorf("homes column %s: decode(%q) = %v; want nil", c.Name, v, err)
			}
		}
	}
}

func TestWriteColumns(t *testing.T) {
	var b bytes.Buffer
	if err := WriteColumns(&b, HomesColumns()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if got, want := len(lines), len(HomesColumns()); got != want {
		t.Fatalf("WriteColumns wrote %d lines; want %d", got, want)
	}
	if !strings.HasPrefix(lines[0], "id ") || !strings.Contains(lines[0], "required") {
		t.Errorf("WriteColumns first line = %q; want the id column, required", lines[0])
	}
}

func TestCellEscaping(t *testing.T) {
	for _, s := range []string{"", "a", "=1+1", "+39", "-5", "@x", "\tx", "'", "'a", "'=x", "''", "'''=", "'\t"} {
		e := escapeCell(s)
		if got := unescapeCell(e); got != s {
			t.Errorf("unescapeCell(escapeCell(%q)) = %q; want %q", s, got, s)
		}
		if e != "" && strings.IndexByte("=+-@\t\r", e[0]) >= 0 {
			t.Errorf("escapeCell(%q) = %q starts like a formula", s, e)
		}
	}
}
