package bot

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// stringConsts returns the string constants of package bot (test files
// left out) whose names start with prefix, name → value, read from the
// source: so a button kind or a flow added anywhere is walked too.
func stringConsts(t *testing.T, prefix string) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			d, ok := n.(*ast.GenDecl)
			if !ok || d.Tok != token.CONST {
				return true
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, prefix) || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out[id.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
			return false
		})
	}
	return out
}

// buttonCase is one kind of button: a standalone kind, or a flow's live
// keyboard.
type buttonCase struct {
	name       string
	kind, flow string
	action     action
}

// buttonCases lists every kind of button and the action the router maps
// it to. Flows whose keyboards carry their own kind map to nothing.
func buttonCases(t *testing.T) (cases []buttonCase, unmapped []string) {
	t.Helper()
	for name, kind := range stringConsts(t, "kind") {
		if kind == kindFlow {
			continue
		}
		a := pressAction(&caller{}, press{action: pendingAction{Kind: kind}})
		cases = append(cases, buttonCase{name: name, kind: kind, action: a})
	}
	for name, flow := range stringConsts(t, "flow") {
		c := &caller{conv: conversation{Flow: flow, Keyboard: "live"}}
		a := pressAction(c, press{actionID: "live", action: pendingAction{Kind: kindFlow}})
		if a == "" {
			unmapped = append(unmapped, name)
			continue
		}
		cases = append(cases, buttonCase{name: name, kind: kindFlow, flow: flow, action: a})
	}
	slices.SortFunc(cases, func(x, y buttonCase) int { return strings.Compare(x.name, y.name) })
	slices.Sort(unmapped)
	return cases, unmapped
}

// TestButtonKindsMapped: every kind of button the code declares maps to an
// action of the role table, as pinned here (changing the mapping means
// changing this list on purpose); of the flows, only those whose keyboards
// use a kind of their own map to none (a press on their flow keyboard is
// stale).
func TestButtonKindsMapped(t *testing.T) {
	cases, unmapped := buttonCases(t)
	actions := map[action]bool{}
	for _, acts := range permissions() {
		for _, a := range acts {
			actions[a] = true
		}
	}
	got := map[string]action{}
	for _, c := range cases {
		if c.action == "" || !actions[c.action] {
			t.Errorf("button %s maps to action %q, which no role has", c.name, c.action)
		}
		got[c.name] = c.action
	}
	want := map[string]action{
		"flowConsent": actConsent, "flowInterview": actInterview, "flowInvite": actInvite, "flowOuting": actOuting,
		"flowReport": actReport, "flowReview": actReview, "kindAlert": actAlerts, "kindAttend": actOuting,
		"kindChange": actProfile, "kindCheckIn": actCheckIn, "kindChore": actChores, "kindIntro": actIntro,
		"kindLang": actLanguage, "kindPrefs": actPrefs, "kindPrivacy": actPrivacy, "kindRSVP": actOuting,
		"kindReview": actReview, "kindRights": actErase, "kindRota": actRota,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("buttons and their actions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"flowAlert", "flowCheckIn", "flowNone", "flowRota"}, unmapped); diff != "" {
		t.Errorf("flows whose keyboard maps to no action (-want +got):\n%s", diff)
	}
}

// TestButtonRoleTable presses every kind of button as every role, against
// the running bot, and compares what happened with the role table: the
// press is refused exactly when the table denies the action.
func TestButtonRoleTable(t *testing.T) {
	h := newHarness(t)
	cases, _ := buttonCases(t)
	forbidden := h.bot.tr.T(housing.LangIT, "command.forbidden", nil)
	id := int64(9000)
	for _, role := range callerRoles() {
		for _, bc := range cases {
			t.Run(fmt.Sprintf("%s/%s", role, bc.name), func(t *testing.T) {
				id++
				u := h.callerAs(id, role)
				msgID, data := h.buttonFor(u, bc)
				c, err := h.bot.who(context.Background(), u.u, u.u.ID)
				noErr(t, "who", err)
				answer := u.pressData(msgID, data)
				denied := answer == forbidden
				if want := allowed(c.role, bc.action); denied == want {
					t.Errorf("%s pressed by %s (acting as %s): answer %q; table allows %s: %v",
						bc.name, role, c.role, answer, bc.action, want)
				}
			})
		}
	}
}

// buttonFor sends u a message with one button of case bc (option "x":
// nothing the bot would offer) and, for a flow, makes it the live keyboard
// of u's conversation in that flow. It returns the message and the
// button's data.
func (h *harness) buttonFor(u *tgUser, bc buttonCase) (int, string) {
	h.t.Helper()
	ctx := context.Background()
	u.say("/help") // once answered, the bot is done with u's earlier updates and their state
	u.expect("")
	kb, actionID, err := h.bot.keyboard(ctx, u.u.ID, bc.kind, [][]button{{{"x", "x"}}})
	noErr(h.t, "keyboard", err)
	msgID := h.bot.send(ctx, u.u.ID, "buttons", kb)
	if bc.kind == kindFlow {
		conv := u.conv()
		conv.Flow, conv.Keyboard, conv.Message = bc.flow, actionID, msgID
		noErr(h.t, "saveConv", h.bot.saveConv(ctx, u.u.ID, conv))
	}
	return msgID, callbackData(actionID, 0)
}
