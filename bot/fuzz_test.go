package bot

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/warning"
)

// Fuzz tests for what people type: the parsers of numbers, languages,
// dates and commands, and every free-text step of every flow, driven
// through the Bot's text handler. The seed corpora are in
// testdata/fuzz/<FuzzName>; `go test -fuzz=FuzzFreeText ./bot` explores
// further.

// fuzzNow is the fuzzers' clock: Thursday 26 November 2026, 10:00 in
// Rome.
func fuzzNow() time.Time { return housingtest.Epoch() }

func FuzzParseNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		n, ok := parseNumber(text)
		if !ok {
			return
		}
		if n < 0 || n > 999_999_999 || !strings.ContainsAny(text, "0123456789") {
			t.Fatalf("parseNumber(%q) = %d, true; want 0 to 999999999 from digits", text, n)
		}
		if again, ok := parseNumber(strconv.Itoa(n)); !ok || again != n {
			t.Fatalf("parseNumber(%q) = %d, but parseNumber(%q) = %d, %v", text, n, strconv.Itoa(n), again, ok)
		}
	})
}

func FuzzParseLanguages(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		codes, unknown := parseLanguages(text)
		for i, code := range codes {
			if got, ok := languageCode(code); !ok || got != code || slices.Contains(codes[:i], code) {
				t.Fatalf("parseLanguages(%q) codes = %q: %q is unknown or repeated", text, codes, code)
			}
		}
		for _, w := range unknown {
			if w == "" || !strings.Contains(strings.ToLower(text), w) {
				t.Fatalf("parseLanguages(%q) unknown = %q: %q is not a word of the text", text, unknown, w)
			}
		}
	})
}

func FuzzParseWhen(f *testing.F) {
	loc := fuzzRome(f)
	f.Fuzz(func(t *testing.T, s string, hours uint16) {
		now := fuzzNow().Add(time.Duration(hours) * time.Hour)
		at, ok := parseWhen(s, now, loc)
		if !ok {
			return
		}
		if !at.After(now) || !at.Before(now.AddDate(1, 0, 1)) || at.Second() != 0 || at.Location() != loc {
			t.Fatalf("parseWhen(%q, %v) = %v; want a minute within a year after now, in Rome", s, now, at)
		}
		written := at.Format("2/1/2006 15:04")
		if again, ok := parseWhen(written, now, loc); !ok || !again.Equal(at) {
			t.Fatalf("parseWhen(%q) = %v, but parseWhen(%q) = %v, %v", s, at, written, again, ok)
		}
	})
}

func FuzzParseReviewDate(f *testing.F) {
	loc := fuzzRome(f)
	f.Fuzz(func(t *testing.T, s string, needTime bool) {
		now := fuzzNow()
		at, ok := parseReviewDate(s, now, loc, needTime)
		if !ok {
			return
		}
		if at.Second() != 0 || at.Location() != loc || at.Year() < now.Year()-1 || at.Year() > now.Year()+6 {
			t.Fatalf("parseReviewDate(%q) = %v; want a minute in Rome from last year to six years ahead", s, at)
		}
		written := at.Format("2/1/2006 15:04")
		if again, ok := parseReviewDate(written, now, loc, true); !ok || !again.Equal(at) {
			t.Fatalf("parseReviewDate(%q) = %v, but parseReviewDate(%q) = %v, %v", s, at, written, again, ok)
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		name, args, ok := parseCommand(text)
		if !ok {
			return
		}
		if !strings.HasPrefix(text, "/") || name == "" || name != strings.ToLower(name) ||
			strings.ContainsAny(name, " \n\t@") || args != strings.TrimSpace(args) {
			t.Fatalf("parseCommand(%q) = %q, %q, true", text, name, args)
		}
	})
}

func FuzzParseKind(f *testing.F) {
	f.Fuzz(func(t *testing.T, arg string) {
		kind, ok := parseKind(arg)
		if ok && kind != "" && !kind.Valid() {
			t.Fatalf("parseKind(%q) = %q, true; not a home kind", arg, kind)
		}
		if ok != (kind != "" || strings.TrimSpace(arg) == "") {
			t.Fatalf("parseKind(%q) = %q, %v", arg, kind, ok)
		}
	})
}

// FuzzFreeText types text at one free-text step of one flow (scenario
// picks which, modulo their number) and checks that the bot neither
// panics nor stays silent, and stores only valid records (the store
// refuses the others).
func FuzzFreeText(f *testing.F) {
	w := newTextWorld(f)
	f.Fuzz(func(t *testing.T, scenario uint8, text string) {
		sc := w.scenarios[int(scenario)%len(w.scenarios)]
		ctx := context.Background()
		c := w.enter(t, sc)
		before := w.out.count()
		w.bot.onText(ctx, c, text)
		if w.out.count() == before {
			t.Fatalf("%s: no answer to %q", sc.name, text)
		}
		if !utf8.ValidString(text) {
			return
		}
		for _, m := range w.out.since(before) {
			if !utf8.ValidString(m) {
				t.Fatalf("%s: answer to %q is not UTF-8: %q", sc.name, text, m)
			}
		}
	})
}

func fuzzRome(f *testing.F) *time.Location {
	f.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		f.Fatal(err)
	}
	return loc
}

// countingMessenger answers every request as Telegram would and keeps the
// texts sent.
type countingMessenger struct {
	mu    sync.Mutex
	texts []string
}

func (m *countingMessenger) Send(_ context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	text := ""
	switch v := c.(type) {
	case tgbotapi.MessageConfig:
		text = v.Text
	case tgbotapi.EditMessageTextConfig:
		text = v.Text
	}
	m.texts = append(m.texts, text)
	return tgbotapi.Message{MessageID: len(m.texts), Text: text, Chat: &tgbotapi.Chat{ID: 1, Type: "private"}}, nil
}

func (m *countingMessenger) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.texts)
}

func (m *countingMessenger) since(n int) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.texts[n:])
}

// textScenario is one place where people type: a user and their
// conversation (and outing draft).
type textScenario struct {
	name  string
	user  int64
	conv  conversation
	draft *outingDraft
}

// textWorld is a Bot on a store in Bologna: Anna and Bruno live together
// (PL1), Carla and Dario are being introduced (PL2), Elena is proposed to
// a home (pending), Hana hosts, Mirta mediates, Paolo withdrew consent.
type textWorld struct {
	bot       *Bot
	out       *countingMessenger
	store     housing.Store
	scenarios []textScenario
}

// The Telegram ids of textWorld.
const (
	tAnna, tBruno, tCarla, tDario, tElena, tHana, tMirta, tPaolo int64 = 11, 12, 13, 14, 15, 16, 17, 18
)

func newTextWorld(f *testing.F) *textWorld {
	f.Helper()
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(f.TempDir(), "fuzz.db"), boltstore.Options{Now: fuzzNow})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	out := &countingMessenger{}
	b, err := New(out, st, Config{Now: fuzzNow, Location: fuzzRome(f)}, logger)
	if err != nil {
		f.Fatal(err)
	}
	svc, err := warning.New(st, b, warning.Config{Location: b.cfg.Location, Workers: 1, Now: fuzzNow}, logger)
	if err != nil {
		f.Fatal(err)
	}
	b.SetWarning(svc)
	w := &textWorld{bot: b, out: out, store: st}
	ids := w.people(f)
	pl1 := w.placement(f, []string{ids[tAnna], ids[tBruno]}, housing.PlacementActive)
	pl2 := w.placement(f, []string{ids[tCarla], ids[tDario]}, housing.PlacementIntroduced)
	var hb housingtest.Builder
	home := hb.Home(func(h *housing.Home) { h.ID = "h_pending" })
	fuzzNoErr(f, st.CreateHome(ctx, home))
	prop := hb.Proposal(home, []string{ids[tElena]}, func(p *housing.Proposal) { p.ID = "pr_pending" })
	fuzzNoErr(f, st.CreateProposal(ctx, prop))
	week := housing.ISOWeek(fuzzNow(), b.cfg.Location)
	fuzzNoErr(f, st.PutCheckIn(ctx, &housing.CheckIn{ID: "ci_anna", PersonID: ids[tAnna], PlacementID: pl1.ID, Week: week,
		Mood: 3, Answered: true, At: fuzzNow()}))
	w.scenarios = w.textScenarios(ids, pl1, pl2, prop.ID, week)
	return w
}

// people stores the people and their profiles and returns their ids by
// Telegram id.
func (w *textWorld) people(f *testing.F) map[int64]string {
	f.Helper()
	ctx := context.Background()
	var hb housingtest.Builder
	ids := map[int64]string{}
	roles := map[int64]housing.Role{tHana: housing.RoleHost, tMirta: housing.RoleMediator, tBruno: housing.RoleCoResident}
	for _, tid := range []int64{tAnna, tBruno, tCarla, tDario, tElena, tHana, tMirta, tPaolo} {
		p := hb.Person(func(p *housing.Person) {
			p.TelegramID, p.Role = tid, cmpOr(roles[tid], housing.RoleBeneficiary)
			if tid == tPaolo {
				p.Status = housing.StatusPaused
			}
		})
		fuzzNoErr(f, w.store.CreatePerson(ctx, p))
		ids[tid] = p.ID
		if p.Role.Resident() {
			fuzzNoErr(f, w.store.PutProfile(ctx, hb.Profile(p.ID)))
		}
	}
	return ids
}

func cmpOr(r, def housing.Role) housing.Role {
	if r == "" {
		return def
	}
	return r
}

// placement stores a home for members and their placement in status to.
func (w *textWorld) placement(f *testing.F, members []string, to housing.PlacementStatus) housing.Placement {
	f.Helper()
	ctx := context.Background()
	var hb housingtest.Builder
	home := hb.Home(func(h *housing.Home) { h.ID = housing.NewID("h") })
	fuzzNoErr(f, w.store.CreateHome(ctx, home))
	prop := hb.Proposal(home, members, func(p *housing.Proposal) { p.ID = housing.NewID("pr") })
	fuzzNoErr(f, w.store.CreateProposal(ctx, prop))
	pl, err := w.store.ApproveProposal(ctx, prop.ID, "p_mirta", fuzzNow())
	fuzzNoErr(f, err)
	for _, s := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementActive} {
		if pl.Status != to {
			fuzzNoErr(f, pl.Move(s, "p_mirta", fuzzNow(), ""))
		}
	}
	fuzzNoErr(f, w.store.UpdatePlacement(ctx, &pl))
	return pl
}

// textScenarios lists every free-text step.
func (w *textWorld) textScenarios(ids map[int64]string, pl1, pl2 housing.Placement, propID, week string) []textScenario {
	var out []textScenario
	for _, role := range []housing.Role{housing.RoleBeneficiary, housing.RoleHost} {
		user := map[housing.Role]int64{housing.RoleBeneficiary: tAnna, housing.RoleHost: tHana}[role]
		var hb housingtest.Builder
		for _, q := range questionsFor(role, w.bot.cfg.Districts, fuzzNow().Year()) {
			if q.kind != qNumber && q.kind != qText && q.kind != qLanguages {
				continue
			}
			draft := hb.Profile(ids[user])
			out = append(out, textScenario{name: "interview/" + q.key, user: user,
				conv: conversation{Flow: flowInterview, Step: q.key, Draft: draft}})
		}
	}
	for _, step := range []string{outingTitle, outingWhen, outingPlace, outingCapacity} {
		out = append(out, textScenario{name: "outing/" + step, user: tAnna, conv: conversation{Flow: flowOuting, Step: step},
			draft: &outingDraft{Title: "Cinema", At: fuzzNow().Add(48 * time.Hour), Place: "Piazza", HomeIDs: []string{pl1.HomeID}}})
	}
	review := func(step, record, value string) conversation {
		return conversation{Flow: flowReview, Review: &reviewStep{Step: step, Record: record, Value: value}}
	}
	meetAt := fuzzNow().Add(72 * time.Hour).Format(time.RFC3339)
	return append(out,
		textScenario{name: "checkin/note", user: tAnna, conv: conversation{Flow: flowCheckIn, Step: "note:" + pl1.ID + ":" + week}},
		textScenario{name: "report/note", user: tBruno, conv: conversation{Flow: flowReport, Step: reportStepNote,
			Report: &reportDraft{Placement: pl1.ID, Kind: housing.EventConflict}}},
		textScenario{name: "rota/title", user: tAnna, conv: conversation{Flow: flowRota, Step: "title:" + pl1.HomeID}},
		textScenario{name: "alert/resolve", user: tMirta, conv: conversation{Flow: flowAlert, Step: "resolve:al_nope"}},
		textScenario{name: "review/note", user: tMirta, conv: review("note", propID, "habits")},
		textScenario{name: "review/whynot", user: tMirta, conv: review("whynot", propID, "")},
		textScenario{name: "review/meet-when", user: tMirta, conv: review("meet-when", pl2.ID, "")},
		textScenario{name: "review/meet-where", user: tMirta, conv: review("meet-where", pl2.ID, meetAt)},
		textScenario{name: "review/trial", user: tMirta, conv: review("trial", pl2.ID, "")},
		textScenario{name: "review/goal", user: tMirta, conv: review("goal", pl1.ID, "")},
		textScenario{name: "none/resident", user: tAnna},
		textScenario{name: "none/paused", user: tPaolo},
		textScenario{name: "none/stranger", user: 99},
	)
}

// enter puts the scenario's user in its conversation and returns them as
// the bot sees them.
func (w *textWorld) enter(t *testing.T, sc textScenario) *caller {
	t.Helper()
	ctx := context.Background()
	if err := w.bot.saveConv(ctx, sc.user, sc.conv); err != nil {
		t.Fatal(err)
	}
	from := tgbotapi.User{ID: sc.user, FirstName: "Test", LanguageCode: "it"}
	c, err := w.bot.who(ctx, from, sc.user)
	if err != nil {
		t.Fatal(err)
	}
	if sc.draft != nil {
		if err := w.bot.saveDraft(ctx, c, *sc.draft); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func fuzzNoErr(f *testing.F, err error) {
	f.Helper()
	if err != nil {
		f.Fatal(err)
	}
}
