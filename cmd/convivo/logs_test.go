package main

import (
	"context"
	"encoding/json"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// What people type and what the care team records must never reach the
// logs, even at debug level; nor must the bot token.
const (
	secretNote    = "ZEBRA-NOTE-77: my flatmate shouts at night"
	secretBudget  = "4231 euro"
	careNote      = "ZEBRA-CARE-NOTE methadone 60mg"
	typedLanguage = "arabo, italiano"
)

// forbidden are the patterns no log line may hold, beyond the token.
var forbidden = []*regexp.Regexp{
	regexp.MustCompile(`ZEBRA`),
	regexp.MustCompile(`(^|[^0-9.])4231([^0-9]|$)`), // the budget, as typed or stored
	regexp.MustCompile(`(^|[^0-9.])1979([^0-9]|$)`), // the birth year
	regexp.MustCompile(`(?i)arabo|methadone|serdp`),
}

// scenario drives a running service as its users, one update at a time.
type scenario struct {
	t   *testing.T
	srv *telegramtest.Server
	svc *service
	st  housing.Store

	mu      sync.Mutex
	handled int
	changed chan struct{}
	pushed  int
}

func (s *scenario) onHandled(tgbotapi.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handled++
	close(s.changed)
	s.changed = make(chan struct{})
}

// settle waits until every update pushed so far was handled.
func (s *scenario) settle() {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		done, changed := s.handled >= s.pushed, s.changed
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			s.t.Fatalf("%d of %d updates handled after 10 s", s.handled, s.pushed)
		}
	}
}

func (s *scenario) say(u tgbotapi.User, text string) {
	s.t.Helper()
	s.pushed++
	s.srv.SendText(u, text)
	s.settle()
}

func (s *scenario) press(u tgbotapi.User, m tgbotapi.Message, label string) {
	s.t.Helper()
	s.pushed++
	s.srv.PressButton(u.ID, u.ID, m.MessageID, label)
	s.settle()
}

// waitText waits for a message to u containing sub and returns it.
func (s *scenario) waitText(u tgbotapi.User, sub string) tgbotapi.Message {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), 10*time.Second)
	defer cancel()
	var found tgbotapi.Message
	_, err := s.srv.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, m := range s.srv.Sent(u.ID) {
			if strings.Contains(m.Text, sub) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		s.t.Fatalf("chat %d: no message containing %q", u.ID, sub)
	}
	return found
}

var questionLine = regexp.MustCompile(`^\d+/\d+\n`)

// interview answers the questions in u's chat until the bot stops asking:
// typed answers where there are no options, the first option otherwise.
func (s *scenario) interview(u tgbotapi.User) {
	s.t.Helper()
	for range 80 {
		m, ok := s.srv.LastSent(u.ID)
		if !ok || !questionLine.MatchString(m.Text) {
			return
		}
		q := strings.ToLower(m.Text)
		var opts []string
		multi := false
		for _, row := range keyboardOf(m) {
			for _, b := range row {
				switch b.Text {
				case "Fatto":
					multi = true
				case "Indietro", "Salta":
				default:
					opts = append(opts, b.Text)
				}
			}
		}
		switch {
		case len(opts) == 0 && strings.Contains(q, "euro"):
			s.say(u, secretBudget)
		case len(opts) == 0 && strings.Contains(q, "anno"):
			s.say(u, "1979")
		case len(opts) == 0 && strings.Contains(q, "lingue"):
			s.say(u, typedLanguage)
		case len(opts) == 0:
			s.t.Fatalf("unexpected typed question %q", m.Text)
		default:
			s.press(u, m, opts[0])
			if multi {
				m, _ = s.srv.LastSent(u.ID)
				s.press(u, m, "Fatto")
			}
		}
	}
	s.t.Fatalf("the interview did not end")
}

func keyboardOf(m tgbotapi.Message) [][]tgbotapi.InlineKeyboardButton {
	if m.ReplyMarkup == nil {
		return nil
	}
	return m.ReplyMarkup.InlineKeyboard
}

// seeded is what seedHousehold stored.
type seeded struct {
	worker, bruno, carla housing.Person
	inviteToken          string
}

// seedHousehold stores a social worker, two beneficiaries living together
// under her care (with care notes), whose weekly check-in is due, and an
// invitation for a newcomer.
func seedHousehold(t *testing.T, st housing.Store) seeded {
	t.Helper()
	ctx := context.Background()
	var b housingtest.Builder
	person := func(tid int64, role housing.Role, name string) housing.Person {
		p := b.Person(func(p *housing.Person) { p.Role, p.TelegramID, p.DisplayName = role, tid, name })
		must(t, st.CreatePerson(ctx, p))
		return *p
	}
	h := seeded{worker: person(701, housing.RoleSocialWorker, "Sonia"),
		bruno: person(702, housing.RoleBeneficiary, "Bruno"), carla: person(703, housing.RoleBeneficiary, "Carla")}
	now := time.Now()
	for _, p := range []housing.Person{h.bruno, h.carla} {
		must(t, st.PutCareInfo(ctx, &housing.CareInfo{PersonID: p.ID, TargetGroup: housing.GroupSerDP,
			SupportIntensity: housing.IntensityMedium, Notes: careNote, ResponsibleWorkers: []string{h.worker.ID}, UpdatedAt: now}))
		prefs := housing.DefaultPrefs(p.ID)
		prefs.CheckInDay, prefs.CheckInHour = time.Monday, 0 // due from the start of the week
		raw, _ := json.Marshal(prefs)
		must(t, st.PutState(ctx, housing.PrefsKey(p.ID), raw, 0))
	}
	home := b.Home()
	must(t, st.CreateHome(ctx, home))
	prop := b.Proposal(home, []string{h.bruno.ID, h.carla.ID})
	must(t, st.CreateProposal(ctx, prop))
	pl, err := st.ApproveProposal(ctx, prop.ID, h.worker.ID, now)
	must(t, err)
	for _, to := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementActive} {
		must(t, pl.Move(to, h.worker.ID, now, ""))
		must(t, st.UpdatePlacement(ctx, &pl))
	}
	inv, token := b.Invitation(func(inv *housing.Invitation) { inv.CreatedAt, inv.ExpiresAt = now, now.Add(72*time.Hour) })
	must(t, st.CreateInvitation(ctx, inv))
	h.inviteToken = token
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestLogsKeepNothingPrivate runs the service at debug level with JSON
// logs through a newcomer's interview, a weekly check-in with a note and a
// request to talk that alerts the social worker, then checks that every
// log line is JSON and that none holds the token, what people typed, their
// profile or their care team's fields.
func TestLogsKeepNothingPrivate(t *testing.T) {
	srv := telegramtest.NewServer(t)
	vars := serveEnv(t, srv)
	vars["CONVIVO_LOG_FORMAT"], vars["CONVIVO_LOG_LEVEL"] = "json", "debug"
	vars["CONVIVO_QUIET_HOURS"] = "00:00-00:00" // none: the test may run at night
	getenv := func(k string) string { return vars[k] }
	cfg, err := LoadConfig(getenv)
	must(t, err)
	st, err := openStore(t.Context(), cfg)
	must(t, err)
	h := seedHousehold(t, st)

	logs := &safeBuffer{}
	e := &env{cfg: cfg, getenv: getenv, stdin: strings.NewReader(""), stdout: io.Discard, stderr: logs}
	s := &scenario{t: t, srv: srv, st: st, changed: make(chan struct{})}
	s.svc, err = newService(t.Context(), e, newLogger(e), serviceOptions{store: st, noCron: true, handled: s.onHandled,
		sender: bot.SenderConfig{PrivateRate: 1000, PrivateBurst: 100}}) // Telegram's 1/s per chat would slow the test
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.svc.Run(ctx) }()

	newcomer := telegramtest.User(704, "Dario", "it")
	s.say(newcomer, "/start "+h.inviteToken)
	s.press(newcomer, s.waitText(newcomer, "privacy"), "Accetto")
	s.interview(newcomer)
	dario, err := st.PersonByTelegramID(t.Context(), newcomer.ID)
	must(t, err)
	if prof, err := st.Profile(t.Context(), dario.ID); err != nil || prof.BudgetMax != 4231 {
		t.Errorf("newcomer's profile budget = %d, %v; want 4231 from the interview", prof.BudgetMax, err)
	}

	must(t, s.svc.bot.CheckInJob(t.Context(), time.Now()))
	bruno, carla := telegramtest.User(702, "Bruno", "it"), telegramtest.User(703, "Carla", "it")
	s.press(bruno, s.waitText(bruno, "Come sta andando"), "1 😞")
	s.waitText(bruno, "Vuoi aggiungere qualcosa")
	s.say(bruno, secretNote)
	s.press(carla, s.waitText(carla, "Come sta andando"), "2 🙁")
	s.press(carla, s.waitText(carla, "Vuoi aggiungere qualcosa"), "Vorrei parlare con chi mi segue")
	worker := telegramtest.User(701, "Sonia", "it")
	waitReply(t, srv, worker.ID, logs)

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	checkLogs(t, logs.String(), srv.Token())
}

var levelRE = regexp.MustCompile(`^\{"time":"[^"]*","level":"([A-Z]+)"`)

// checkLogs fails for a log line that is not JSON or holds private data.
func checkLogs(t *testing.T, logs, token string) {
	t.Helper()
	_, secret, _ := strings.Cut(token, ":")
	levels := map[string]int{}
	for line := range strings.Lines(logs) {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		// slog writes its own level first (a record may repeat the key).
		if m := levelRE.FindStringSubmatch(line); m != nil {
			levels[m[1]]++
		}
		if strings.Contains(line, secret) {
			t.Errorf("log line holds the bot token: %s", line)
		}
		for _, re := range forbidden {
			if re.MatchString(line) {
				t.Errorf("log line matches %v: %s", re, line)
			}
		}
	}
	if levels["DEBUG"] == 0 || len(slices.Collect(strings.Lines(logs))) < 20 {
		t.Errorf("logged %v; want debug lines of the whole scenario", levels)
	}
	t.Logf("checked %v log lines", levels)
}
