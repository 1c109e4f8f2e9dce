package bot

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// readCatalog returns the messages of one language: <lang>.json and every
// feature's <feature>.<lang>.json. An id defined twice fails the test.
func readCatalog(t *testing.T, lang housing.Lang) map[string]string {
	t.Helper()
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range files {
		base := strings.TrimPrefix(f, "locales/")
		if base != string(lang)+".json" && !strings.HasSuffix(base, "."+string(lang)+".json") {
			continue
		}
		raw, err := locales.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s catalog: %v", f, err)
		}
		var part map[string]string
		if err := json.Unmarshal(raw, &part); err != nil {
			t.Fatalf("%s catalog is not a flat JSON object of strings: %v", f, err)
		}
		for id, text := range part {
			if _, dup := m[id]; dup {
				t.Errorf("%s: message %q is defined twice", f, id)
			}
			m[id] = text
		}
	}
	return m
}

// placeholderRE finds the fields a template uses: {{.Name}}, {{if .Name}}.
var placeholderRE = regexp.MustCompile(`\{\{[^}]*?\.([A-Z][A-Za-z0-9]*)[^}]*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

func TestCatalogsMatch(t *testing.T) {
	it, en := readCatalog(t, housing.LangIT), readCatalog(t, housing.LangEN)
	for id, text := range it {
		other, ok := en[id]
		if !ok {
			t.Errorf("%q is missing in English", id)
			continue
		}
		if strings.TrimSpace(text) == "" || strings.TrimSpace(other) == "" {
			t.Errorf("%q is empty in a language", id)
		}
		if diff := cmp.Diff(placeholders(text), placeholders(other)); diff != "" {
			t.Errorf("%q has different placeholders (-it +en):\n%s", id, diff)
		}
	}
	for id := range en {
		if _, ok := it[id]; !ok {
			t.Errorf("%q is missing in Italian", id)
		}
	}
}

func TestCatalogVoice(t *testing.T) {
	// Words for staff screens, or about health, never in a message to people.
	banned := map[housing.Lang]*regexp.Regexp{
		housing.LangIT: regexp.MustCompile(`(?i)\b(utent[ei]|pazient[ei]|beneficiar[ioe]|beneficiari[ae]|cas[oi]|diagnos\w*|psichiatr\w*|dipendenz\w*|tossicodipenden\w*|farmac[oi])\b`),
		housing.LangEN: regexp.MustCompile(`(?i)\b(users?|patients?|beneficiar(y|ies)|cases?|diagnos\w*|psychiatr\w*|addict\w*|medication)\b`),
	}
	for lang, re := range banned {
		for id, text := range readCatalog(t, lang) {
			if w := re.FindString(text); w != "" {
				t.Errorf("%s %q uses %q: %q", lang, id, w, text)
			}
		}
	}
	it := readCatalog(t, housing.LangIT)
	for id, text := range it {
		if strings.HasPrefix(id, "q.") && strings.Count(id, ".") == 1 && strings.Count(text, "?") > 1 {
			t.Errorf("question %q asks more than one thing: %q", id, text)
		}
	}
}

// TestCatalogCoversCode checks that every message id the code can ask for
// exists: the interview's, the commands', the roles' and sections', and
// every literal id in the package's source.
func TestCatalogCoversCode(t *testing.T) {
	it := readCatalog(t, housing.LangIT)
	var need []string
	for _, role := range []housing.Role{housing.RoleBeneficiary, housing.RoleHost} {
		for _, q := range questionsFor(role, housing.DefaultDistricts(), 2026) {
			need = append(need, "q."+q.key, "q."+q.key+".short")
			if !q.raw && q.kind != qNumber && q.kind != qText && q.kind != qLanguages {
				for _, o := range q.options {
					need = append(need, q.labelID(o))
				}
			}
			if q.kind == qNumber || q.kind == qLanguages {
				need = append(need, "q."+q.key+".invalid")
			}
		}
		for _, s := range sectionsFor(role) {
			need = append(need, "section."+s)
		}
	}
	for _, c := range commands() {
		need = append(need, "cmd."+c.name)
	}
	for _, r := range housing.Roles() {
		need = append(need, "role."+string(r))
	}
	for _, f := range []string{flowConsent, flowInterview, flowInvite} {
		need = append(need, "cancel."+f)
	}
	need = append(need, sourceMessageIDs(t)...)
	for _, id := range need {
		if _, ok := it[id]; !ok {
			t.Errorf("the code uses message %q, which the catalog lacks", id)
		}
	}
}

// sourceMessageIDs returns the string literals of the package's source
// that are message ids.
func sourceMessageIDs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	namespaces := []string{"stranger", "slow_down", "command", "use_buttons", "unknown_text", "button", "help",
		"cancel", "invite", "start", "error", "consent", "privacy", "interview", "btn", "text", "summary", "date",
		"lang", "opt", "accept", "rota", "outing", "checkin", "prefs", "task"}
	idRE := regexp.MustCompile(`^[a-z_]+(\.[a-z0-9_+-]+)+$`)
	var ids []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && idRE.MatchString(s) {
				ns, _, _ := strings.Cut(s, ".")
				if slices.Contains(namespaces, ns) {
					ids = append(ids, s)
				}
			}
			return true
		})
	}
	if len(ids) < 30 {
		t.Errorf("found only %d message ids in the source; the scan is broken", len(ids))
	}
	return ids
}

func TestCallbackAnswersFit(t *testing.T) {
	// These texts answer button presses: Telegram allows 200 characters.
	for _, lang := range catalogLangs() {
		cat := readCatalog(t, lang)
		for id, text := range cat {
			short := strings.HasPrefix(id, "button.") || strings.HasPrefix(id, "error.") ||
				slices.Contains([]string{"command.forbidden", "privacy.kept", "interview.pick_one"}, id)
			if short && len(utf16.Encode([]rune(text))) > 200 {
				t.Errorf("%s %q is too long for a callback answer", lang, id)
			}
			if strings.HasPrefix(id, "cmd.") && (len(text) < 3 || len(utf16.Encode([]rune(text))) > 256) {
				t.Errorf("%s %q is not a valid command description", lang, id)
			}
		}
	}
}

func TestTranslator(t *testing.T) {
	logs := &lockedBuffer{}
	tr, err := newTranslator(slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang housing.Lang
		id   string
		data any
		want string
	}{
		{housing.LangIT, "start.known", map[string]string{"Name": "Ada"}, "Ciao Ada!"},
		{housing.LangEN, "start.known", map[string]string{"Name": "Ada"}, "Hi Ada!"},
		{"fr", "btn.back", nil, "Indietro"},
		{housing.LangEN, "q.languages.invalid", map[string]string{"Words": ""}, "Write the names"},
		{housing.LangEN, "q.languages.invalid", map[string]string{"Words": "xx"}, "I don't know: xx."},
		{housing.LangIT, "no.such.message", nil, "no.such.message"},
	} {
		if got := tr.T(tc.lang, tc.id, tc.data); !strings.HasPrefix(got, tc.want) {
			t.Errorf("T(%s, %q) = %q; want it to start with %q", tc.lang, tc.id, got, tc.want)
		}
	}
	if !strings.Contains(logs.String(), "missing translation") {
		t.Errorf("a missing message was not logged")
	}
}

func TestLangFromCode(t *testing.T) {
	for code, want := range map[string]housing.Lang{
		"en": housing.LangEN, "en-GB": housing.LangEN, "EN-us": housing.LangEN,
		"it": housing.LangIT, "": housing.LangIT, "fr": housing.LangIT, "eng": housing.LangIT,
	} {
		if got := langFromCode(code); got != want {
			t.Errorf("langFromCode(%q) = %q; want %q", code, got, want)
		}
	}
}
