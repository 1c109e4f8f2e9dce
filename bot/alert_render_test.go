package bot

import (
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// TestAlertCatalogsCover checks that both catalogs have every message the
// early-warning and report code can ask for: one per reason key, level,
// event kind and escalation step, the report kinds in both voices, and
// every literal id in alert*.go and report*.go.
func TestAlertCatalogsCover(t *testing.T) {
	need := housing.ReasonKeys()
	for _, l := range []housing.AlertLevel{housing.AlertNone, housing.AlertWatch, housing.AlertAtRisk, housing.AlertUrgent} {
		need = append(need, "alert.level."+string(l))
	}
	for _, k := range []housing.EventKind{housing.EventTalk, housing.EventConflict, housing.EventArrears, housing.EventEmergency, housing.EventUnreachable} {
		need = append(need, "alert.event."+string(k))
	}
	for _, r := range housing.EscalationPath() {
		need = append(need, "alert.to."+string(r))
	}
	for _, role := range []housing.Role{housing.RoleBeneficiary, housing.RoleMediator} {
		for _, k := range reportKinds(role) {
			id := "report.kind." + string(k)
			if role.Staff() {
				id += "_staff"
			}
			need = append(need, id)
		}
	}
	for _, id := range []string{"report.no_home", "report.ask_place", "report.ask_kind", "report.done_now", "report.done_later"} {
		need = append(need, id, id+"_staff")
	}
	need = append(need, "cancel."+flowReport, "cancel."+flowAlert, "cmd.segnala", "cmd.allerte", "cmd.allerta")
	need = append(need, alertSourceIDs(t)...)
	for _, lang := range catalogLangs() {
		cat := readCatalog(t, lang)
		for _, id := range need {
			if _, ok := cat[id]; !ok {
				t.Errorf("%s catalog lacks %q", lang, id)
			}
		}
	}
}

// alertSourceIDs returns the message ids written as literals in the
// early-warning and report files.
func alertSourceIDs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("alert*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("report*.go")
	idRE := regexp.MustCompile(`^(alert|report|risk|cancel)(\.[a-z0-9_-]+)+$`)
	var ids []string
	fset := token.NewFileSet()
	for _, name := range append(files, more...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && idRE.MatchString(s) && s != auditAlertList {
					ids = append(ids, s)
				}
			}
			return true
		})
	}
	if len(ids) < 40 {
		t.Errorf("found only %d message ids in the alert and report files; the scan is broken", len(ids))
	}
	return ids
}

// newTestAlertText returns an AlertText whose log the test checks for
// missing translations.
func newTestAlertText(t *testing.T) *AlertText {
	t.Helper()
	logs := &lockedBuffer{}
	at, err := NewAlertText(time.UTC, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "missing translation") || strings.Contains(logs.String(), "error") {
			t.Errorf("AlertText logged:\n%s", logs.String())
		}
	})
	return at
}

func TestAlertReasonWords(t *testing.T) {
	at := newTestAlertText(t)
	codes := map[string]string{"p_1": "BO-0142", "p_2": "BO-0143"}
	date := time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		r      housing.Reason
		it, en string
	}{
		{housing.Reason{Key: housing.ReasonMoodLow, PersonID: "p_1", Value: 2.5}, "BO-0142: umore nei check-in sceso a 2,5 su 5", "BO-0142: check-in mood down to 2.5 out of 5"},
		{housing.Reason{Key: housing.ReasonMoodDrop, PersonID: "p_2", Value: 1}, "BO-0143: umore 1,0 punti sotto il suo solito", "BO-0143: mood 1.0 points below their usual"},
		{housing.Reason{Key: housing.ReasonCheckInsMissed, PersonID: "p_1", N: 3}, "BO-0142: 3 check-in settimanali di fila senza risposta", "BO-0142: 3 weekly check-ins missed in a row"},
		{housing.Reason{Key: housing.ReasonChoresLow, N: 2, Of: 9}, "faccende fatte 2/9 nelle ultime 3 settimane", "chores done 2/9 in the last 3 weeks"},
		{housing.Reason{Key: housing.ReasonChoresDrop, N: 22, Of: 89}, "faccende fatte al 22% nelle ultime 3 settimane, contro il 89%", "chores done 22% in the last 3 weeks, down from 89%"},
		{housing.Reason{Key: housing.ReasonCantRepeated, PersonID: "p_1", N: 4}, "BO-0142: 4 volte «oggi non posso»", "BO-0142: \"can't today\" 4 times"},
		{housing.Reason{Key: housing.ReasonOutingsDeclined, PersonID: "p_1", N: 3, Of: 4}, "BO-0142: 3 uscite rifiutate o mancate su 4", "BO-0142: declined or missed 3 of 4 outings"},
		{housing.Reason{Key: housing.ReasonNoOutings, N: 9}, "nessuna uscita da 9 settimane", "no outing for 9 weeks"},
		{housing.Reason{Key: housing.ReasonSilencePerson, PersonID: "p_2", N: 12}, "BO-0143: nessun messaggio da 12 giorni", "BO-0143: no word for 12 days"},
		{housing.Reason{Key: housing.ReasonSilenceHome, N: 6}, "nessuno in casa scrive da 6 giorni", "nobody in the home has written for 6 days"},
		{housing.Reason{Key: housing.ReasonTalkRequest, PersonID: "p_1", N: 1}, "BO-0142 chiede un colloquio con l'operatore di riferimento", "BO-0142 asked to talk to their worker"},
		{housing.Reason{Key: housing.ReasonTalkRequest, PersonID: "p_1", N: 2}, "(e un'altra persona)", "(and one more person)"},
		{housing.Reason{Key: housing.ReasonTalkRequest, PersonID: "p_1", N: 3}, "(e altre 2 persone)", "(and 2 more people)"},
		{housing.Reason{Key: housing.ReasonConflict, N: 1}, "un conflitto segnalato negli ultimi 30 giorni", "a conflict reported in the last 30 days"},
		{housing.Reason{Key: housing.ReasonConflict, N: 2}, "2 conflitti segnalati", "2 conflicts reported"},
		{housing.Reason{Key: housing.ReasonArrears, N: 1}, "una segnalazione di affitto non pagato", "rent arrears reported once"},
		{housing.Reason{Key: housing.ReasonEmergency, PersonID: "p_2", N: 1}, "segnalazione urgente di BO-0143", "urgent report from BO-0143"},
		{housing.Reason{Key: housing.ReasonEmergency, N: 2}, "segnalazione urgente di qualcuno (2 in tutto)", "urgent report from someone (2 in all)"},
		{housing.Reason{Key: housing.ReasonReviewNoPlan, N: 20, Date: date}, "verifica il 14/3/2027 (tra 20 giorni) e nessun obiettivo di uscita", "review on 14 Mar 2027 (in 20 days)"},
		{housing.Reason{Key: housing.ReasonReviewOverdue, N: 12, Date: date}, "verifica prevista il 14/3/2027, scaduta da 12 giorni", "review was due on 14 Mar 2027, 12 days ago"},
		{housing.Reason{Key: housing.ReasonTrialUndecided, N: 5, Date: date}, "periodo di prova che finisce il 14/3/2027 (tra 5 giorni), senza decisione", "trial ends on 14 Mar 2027 (in 5 days)"},
		{housing.Reason{Key: housing.ReasonTrialUndecided, N: -3, Date: date}, "periodo di prova finito il 14/3/2027 (3 giorni fa)", "trial ended on 14 Mar 2027 (3 days ago)"},
		{housing.Reason{Key: housing.ReasonUnreachable, PersonID: "p_2", N: 1}, "BO-0143 ha bloccato il bot", "BO-0143 blocked the bot"},
	} {
		for lang, want := range map[housing.Lang]string{housing.LangIT: tc.it, housing.LangEN: tc.en} {
			got := at.Reason(lang, tc.r, codes)
			if !strings.Contains(got, want) || strings.Contains(got, "<no value>") {
				t.Errorf("Reason(%s, %v) = %q; want it to contain %q", lang, tc.r, got, want)
			}
		}
	}
}

// TestAlertCardFitsCaption: an alert with every reason still fits a
// photo's caption, and says how many reasons Details has besides.
func TestAlertCardFitsCaption(t *testing.T) {
	h := newHarness(t)
	a := housing.Alert{ID: "al_1", PlacementID: "pl_1", Level: housing.AlertUrgent, Score: 400,
		CreatedAt: housingtest.Epoch(), Status: housing.AlertOpen}
	for _, k := range housing.ReasonKeys() {
		a.Reasons = append(a.Reasons, housing.Reason{Key: k, PersonID: "p_a_very_long_person_identifier_1234567890", N: 12345, Of: 67890,
			Value: 4.5, Date: housingtest.Epoch(), Contribution: 10})
	}
	pl := housing.Placement{ID: "pl_1", Code: "PL-1", District: housing.DistrictBologna, Residents: []string{"p_1", "p_2"}}
	for _, lang := range catalogLangs() {
		card := h.bot.alertCard(lang, strings.Repeat("⏫ header ", 20)+"\n\n", a, pl, map[string]string{})
		if !strings.HasPrefix(card, "⏫ header") {
			t.Errorf("alertCard(%s) = %q; want it to open with the header", lang, card)
		}
		if n := len(utf16.Encode([]rune(card))); n > maxAlertCaption {
			t.Errorf("alertCard(%s) is %d UTF-16 units; want at most %d", lang, n, maxAlertCaption)
		}
		if !strings.Contains(card, "Dettagli") && !strings.Contains(card, "Details") {
			t.Errorf("alertCard(%s) = %q; want it to send the rest to Details", lang, card)
		}
	}
	short := a
	short.Reasons = a.Reasons[:2]
	if card := h.bot.alertCard(housing.LangEN, "", short, pl, nil); strings.Contains(card, "more") {
		t.Errorf("alertCard(2 reasons) = %q; want them all, no \"more\"", card)
	}
}
