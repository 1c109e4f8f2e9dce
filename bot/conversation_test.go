package bot

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
)

// checkNothingStored fails unless the store knows nothing about u: no
// person, no conversation, no audit entry about anyone.
func checkNothingStored(t *testing.T, h *harness, u *tgUser) {
	t.Helper()
	ctx := context.Background()
	if p, err := h.store.PersonByTelegramID(ctx, u.u.ID); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("PersonByTelegramID(%d) = %+v, %v; want ErrNotFound", u.u.ID, p, err)
	}
	if !u.noState() {
		t.Errorf("a conversation is stored for %d: %+v", u.u.ID, u.conv())
	}
	people, err := h.store.ListPeople(ctx, housing.PersonFilter{})
	if err != nil || len(people) != 0 {
		t.Errorf("ListPeople = %v, %v; want nobody", people, err)
	}
	if a := h.auditActions(); len(a) != 0 {
		t.Errorf("audit log = %v; want empty", a)
	}
}

func TestStrangerIsRefusedAndNothingStored(t *testing.T) {
	h := newHarness(t)
	u := h.user(201, "de")
	for _, text := range []string{"ciao", "/start", "/help", "/profilo", "/invita", "/qualcosa"} {
		u.say(text)
		m := u.expect("solo su invito")
		if !strings.Contains(m.Text, "by invitation only") {
			t.Errorf("refusal of %q = %q; want Italian and English", text, m.Text)
		}
		if m.ReplyMarkup != nil {
			t.Errorf("refusal of %q has buttons", text)
		}
	}
	checkNothingStored(t, h, u)
}

func TestInvitationTokens(t *testing.T) {
	h := newHarness(t)
	expired := h.invite(housing.RoleBeneficiary, func(inv *housing.Invitation) {
		inv.ExpiresAt = h.clock.Now().Add(-time.Minute)
		inv.CreatedAt = inv.ExpiresAt.Add(-time.Hour)
	})
	forged, _ := housing.NewInvitationToken() // well formed, never stored
	for _, tc := range []struct {
		name, token, want string
	}{
		{"expired", expired, "è scaduto"},
		{"forged", forged, "non funziona"},
		{"malformed", "abc", "non funziona"},
		{"too long", forged + "x", "non funziona"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := h.user(210, "it")
			u.say("/start " + tc.token)
			u.expect(tc.want)
			if !u.noState() {
				t.Errorf("a conversation was stored after a %s token", tc.name)
			}
		})
	}
	checkNothingStored(t, h, h.user(210, "it"))

	t.Run("used", func(t *testing.T) {
		token := h.invite(housing.RoleBeneficiary)
		first, second := h.user(211, "it"), h.user(212, "en")
		first.say("/start " + token)
		first.expect("Prima di cominciare")
		second.say("/start " + token)
		second.expect("already been used")
		if !second.noState() {
			t.Errorf("the second user's conversation was stored")
		}
		first.say("/start " + token) // the same user again: the notice again
		first.expect("Prima di cominciare")
	})
}

func TestRacingRedemptionHasOneWinner(t *testing.T) {
	h := newHarness(t)
	token := h.invite(housing.RoleBeneficiary)
	users := []*tgUser{h.user(221, "it"), h.user(222, "it"), h.user(223, "it")}
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { u.say("/start " + token) })
	}
	wg.Wait()
	winners := 0
	for _, u := range users {
		m := u.expect("")
		switch {
		case strings.Contains(m.Text, "Prima di cominciare"):
			winners++
		case !strings.Contains(m.Text, "già stato usato"):
			t.Errorf("user %d got %q", u.u.ID, m.Text)
		}
	}
	if winners != 1 {
		t.Errorf("%d users redeemed one invitation; want 1", winners)
	}
}

func TestDeclineKeepsOnlyTheRefusal(t *testing.T) {
	h := newHarness(t)
	u := h.user(231, "it")
	u.say("/start " + h.invite(housing.RoleBeneficiary))
	u.expect("Prima di cominciare")
	u.press("Non accetto")
	u.expect("Non ho salvato niente di te")
	if _, err := h.store.PersonByTelegramID(context.Background(), u.u.ID); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("PersonByTelegramID after decline: %v; want ErrNotFound", err)
	}
	if !u.noState() {
		t.Errorf("conversation kept after decline: %+v", u.conv())
	}
	log, err := h.store.AuditLog(context.Background(), housing.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last := log[len(log)-1]
	if last.Action != "consent.declined" || !strings.HasPrefix(last.Record, "invitation/") || last.Subject != "" {
		t.Errorf("last audit entry = %+v; want consent.declined on the invitation, no subject", last)
	}

	// An invitation for an existing record keeps a declined consent record.
	known := h.addPerson(0, housing.RoleBeneficiary, func(p *housing.Person) { p.Status = housing.StatusInvited })
	v := h.user(232, "it")
	v.say("/start " + h.invite(housing.RoleBeneficiary, func(inv *housing.Invitation) { inv.PersonID = known.ID }))
	v.expect("Prima di cominciare")
	v.press("Non accetto")
	v.expect("Non ho salvato niente di te")
	consents, err := h.store.Consents(context.Background(), known.ID)
	if err != nil || len(consents) != 1 || consents[0].Decision != housing.ConsentDeclined {
		t.Errorf("Consents(%s) = %+v, %v; want one declined record", known.ID, consents, err)
	}
}

func TestInvitationBindsExistingPerson(t *testing.T) {
	h := newHarness(t)
	known := h.addPerson(0, housing.RoleBeneficiary, func(p *housing.Person) {
		p.Status, p.DisplayName = housing.StatusInvited, "Marta"
	})
	u := h.user(241, "it")
	u.say("/start " + h.invite(housing.RoleBeneficiary, func(inv *housing.Invitation) { inv.PersonID = known.ID }))
	u.expect("Prima di cominciare")
	u.press("Accetto")
	u.expect("Grazie, Marta!")
	u.expect("1/26")
	p := u.person()
	if p.ID != known.ID || p.Status != housing.StatusActive || p.TelegramID != u.u.ID {
		t.Errorf("person = %+v; want %s bound and active", p, known.ID)
	}
}

func TestStaffJoinWithoutInterview(t *testing.T) {
	h := newHarness(t)
	u := h.user(251, "it")
	u.say("/start " + h.invite(housing.RoleSocialWorker))
	notice := u.expect("registro ogni tua lettura")
	if strings.Contains(notice.Text, "come ti piacerebbe vivere") {
		t.Errorf("staff got the residents' notice: %q", notice.Text)
	}
	u.press("Accetto")
	u.expect("ora sei dentro")
	if !u.noState() {
		t.Errorf("staff member has a conversation after joining: %+v", u.conv())
	}
	scope := tgbotapi.NewBotCommandScopeChat(u.u.ID)
	var names []string
	for _, c := range h.srv.Commands(&scope, "") {
		names = append(names, c.Command)
	}
	if got, want := strings.Join(names, " "), "start help uscita lingua privacy imieidati cancella annulla invita allerte allerta"; got != want {
		t.Errorf("staff menu = %q; want %q", got, want)
	}
}

func TestRegisterCommands(t *testing.T) {
	h := newHarness(t)
	admin := h.addPerson(261, housing.RoleAdmin, func(p *housing.Person) { p.Language = housing.LangEN })
	if err := h.bot.RegisterCommands(context.Background()); err != nil {
		t.Fatalf("RegisterCommands: %v", err)
	}
	for _, tc := range []struct {
		scope *tgbotapi.BotCommandScope
		lang  string
		want  string
	}{
		{nil, "", "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla"},
		{nil, "it", "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla"},
		{nil, "en", "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla"},
		{&tgbotapi.BotCommandScope{Type: "chat", ChatID: admin.TelegramID}, "", "start help uscita lingua privacy imieidati cancella annulla invita allerte allerta"},
	} {
		var names []string
		cmds := h.srv.Commands(tc.scope, tc.lang)
		for _, c := range cmds {
			names = append(names, c.Command)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("Commands(%v, %q) = %q; want %q", tc.scope, tc.lang, got, tc.want)
		}
		if tc.lang == "en" && cmds[0].Description != "Start, or pick up where you were" {
			t.Errorf("English menu describes /start as %q", cmds[0].Description)
		}
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	h := newHarness(t)
	u := h.user(271, "it")
	h.addPerson(u.u.ID, housing.RoleBeneficiary)
	h.srv.FailNext("sendMessage", u.u.ID, 1, telegramtest.TooManyRequests(1))
	u.say("/help")
	u.expect("Ecco cosa puoi fare")
	if n := u.sentCount("Ecco cosa puoi fare"); n != 1 {
		t.Errorf("the answer arrived %d times; want once", n)
	}
	// The fake stores a message before it records the call that sent it:
	// wait for the call log to catch up before reading it.
	sends := func(calls []telegramtest.Call) []telegramtest.Call {
		var out []telegramtest.Call
		for _, c := range calls {
			if c.Method == "sendMessage" && c.ChatID == u.u.ID {
				out = append(out, c)
			}
		}
		return out
	}
	calls, _ := h.srv.WaitFor(h.ctx(), func(calls []telegramtest.Call) bool { return len(sends(calls)) >= 2 })
	var codes []int
	for _, c := range sends(calls) {
		codes = append(codes, c.Status)
	}
	if len(codes) != 2 || codes[0] != http.StatusTooManyRequests || codes[1] != http.StatusOK {
		t.Errorf("sendMessage statuses = %v; want [429 200]", codes)
	}
	if d := codes; len(d) == 2 {
		var first, second time.Time
		for _, c := range h.srv.Calls() {
			if c.Method == "sendMessage" && c.ChatID == u.u.ID {
				if first.IsZero() {
					first = c.Time
				} else {
					second = c.Time
				}
			}
		}
		if second.Sub(first) < time.Second {
			t.Errorf("retried after %v; want at least retry_after = 1s", second.Sub(first))
		}
	}
}

func TestUnknownTextPointsToHelp(t *testing.T) {
	h := newHarness(t)
	u := h.user(281, "en")
	h.addPerson(u.u.ID, housing.RoleCoResident, func(p *housing.Person) { p.Language = housing.LangEN })
	u.say("hello?")
	u.expect("Write /help")
	u.say("/nonsense")
	u.expect("I don't know this command")
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	u := h.user(291, "it")
	u.join(housing.RoleBeneficiary)
	u.expect("1/26")
	u.say("/lingua")
	u.expect("In che lingua")
	u.press("English")
	u.expect("I'll write to you in English")
	u.expect("1/26") // the question in progress, again, in English
	u.press("A shared flat")
	u.press("Done")
	u.expect("In which areas")
	if p := u.person(); p.Language != housing.LangEN {
		t.Errorf("Language = %q; want en", p.Language)
	}
	if !h.hasAction("person.language") {
		t.Errorf("audit log %v lacks person.language", h.auditActions())
	}
	u.say("/annulla")
	u.say("/help")
	u.expect("Here is what you can do")

	// Before consent the choice lives in the conversation, then on the person.
	v := h.user(292, "en")
	v.say("/start " + h.invite(housing.RoleBeneficiary))
	v.expect("Before we start")
	v.say("/lingua")
	v.expect("Which language")
	v.press("Italiano")
	v.expect("ti scrivo in italiano")
	v.expect("Prima di cominciare")
	v.press("Accetto")
	v.expect("1/26")
	if p := v.person(); p.Language != housing.LangIT {
		t.Errorf("Language = %q; want it", p.Language)
	}
}

func TestPrivacyWithdrawal(t *testing.T) {
	h := newLifeHarness(t)
	worker := h.user(301, "it")
	w := h.addPerson(worker.u.ID, housing.RoleSocialWorker)
	u := h.user(302, "it")
	u.join(housing.RoleBeneficiary)
	u.expect("1/26")
	p := u.person()
	if err := h.store.PutCareInfo(context.Background(), &housing.CareInfo{PersonID: p.ID,
		ResponsibleWorkers: []string{w.ID}}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour) // consent records are ordered by time
	u.say("/privacy")
	u.expect("Telegram non è un canale riservato")
	u.press("Ritiro il consenso")
	u.expect("Hai ritirato il consenso")
	if n := h.deliver(); n != 1 {
		t.Errorf("deliver() = %d messages; want the worker's notice", n)
	}
	notice := worker.expect("ha ritirato il consenso")
	if !strings.Contains(notice.Text, p.DisplayName) {
		t.Errorf("worker notice %q does not name the person", notice.Text)
	}
	if !h.hasAction("care.read") {
		t.Errorf("reading the care record to find the workers was not audited: %v", h.auditActions())
	}
	p = u.person()
	if p.Status != housing.StatusPaused {
		t.Errorf("Status = %q; want paused", p.Status)
	}
	consents, _ := h.store.Consents(context.Background(), p.ID)
	if len(consents) != 2 || consents[1].Decision != housing.ConsentWithdrawn {
		t.Errorf("Consents = %+v; want accepted then withdrawn", consents)
	}
	if !u.noState() {
		t.Errorf("interview kept after withdrawal: %+v", u.conv())
	}
	u.say("/profilo")
	u.expect("non si può fare")
	u.say("ciao")
	u.expect("non ti scrivo più")

	u.say("/privacy")
	u.expect("Telegram non è un canale riservato")
	u.press("Do di nuovo il consenso")
	u.expect("Hai dato di nuovo il consenso")
	if p := u.person(); p.Status != housing.StatusActive {
		t.Errorf("Status = %q after giving consent again; want active", p.Status)
	}
}

var linkRE = regexp.MustCompile(`https://t\.me/convivo_test_bot\?start=([A-Za-z0-9_-]+)`)

func TestInviteFromChat(t *testing.T) {
	h := newHarness(t)
	sw := h.user(311, "it")
	worker := h.addPerson(sw.u.ID, housing.RoleSocialWorker)
	sw.say("/invita")
	sw.expect("Chi vuoi invitare")
	_, labels := sw.keyboardLabels()
	if strings.Contains(labels, "Assistente sociale") || strings.Contains(labels, "Amministrazione") {
		t.Errorf("a social worker is offered staff roles: %s", labels)
	}
	sw.press("Persona del programma Budget di Salute")
	sw.expect("In quale distretto")
	sw.press("Savena Idice")
	m := sw.expect("https://t.me/")
	match := linkRE.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no invitation link in %q", m.Text)
	}
	inv, err := h.store.InvitationByTokenHash(context.Background(), housing.HashToken(match[1]))
	if err != nil || inv.CreatedBy != worker.ID || inv.Role != housing.RoleBeneficiary ||
		inv.District != housing.DistrictSavenaIdice || !inv.ExpiresAt.Equal(h.clock.Now().Add(housing.DefaultInvitationTTL)) {
		t.Errorf("stored invitation = %+v, %v", inv, err)
	}

	newcomer := h.user(312, "it")
	newcomer.say("/start " + match[1])
	newcomer.expect("Prima di cominciare")
	newcomer.press("Accetto")
	newcomer.expect("1/26")
	if p := newcomer.person(); p.Role != housing.RoleBeneficiary || p.District != housing.DistrictSavenaIdice {
		t.Errorf("newcomer = %+v; want a beneficiary in Savena Idice", p)
	}
	if !h.hasAction("invitation.create") {
		t.Errorf("audit log %v lacks invitation.create", h.auditActions())
	}

	admin := h.user(313, "it")
	h.addPerson(admin.u.ID, housing.RoleAdmin)
	admin.say("/invita")
	admin.expect("Chi vuoi invitare")
	if _, labels := admin.keyboardLabels(); !strings.Contains(labels, "Assistente sociale") {
		t.Errorf("an admin is not offered staff roles: %s", labels)
	}
}

func TestInviteRefused(t *testing.T) {
	h := newHarness(t)
	for i, role := range []housing.Role{housing.RoleBeneficiary, housing.RoleHost, housing.RoleMediator} {
		u := h.user(int64(321+i), "it")
		h.addPerson(u.u.ID, role)
		u.say("/invita")
		u.expect("non si può fare")
	}
	if h.hasAction("invitation.create") {
		t.Errorf("an invitation was created")
	}
}

// keyboardLabels returns the last keyboard's message and its labels.
func (u *tgUser) keyboardLabels() (tgbotapi.Message, string) {
	m := u.keyboardMessage()
	var labels []string
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	return m, strings.Join(labels, " | ")
}

func TestIncomingRateLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MessageRate, c.MessageBurst = rate.Every(time.Hour), 3 })
	u := h.user(331, "it")
	h.addPerson(u.u.ID, housing.RoleBeneficiary)
	u.say("/lingua")
	for range 7 {
		u.say("ciao")
	}
	// Button presses are not limited and are handled in order after the
	// messages: once this one is answered, all messages were handled.
	u.expect("In che lingua")
	u.press("Italiano")
	if got := u.sentCount("Piano piano"); got != 1 {
		t.Errorf("%d slow-down messages; want 1", got)
	}
	if got := u.sentCount("Non ho capito"); got != 2 {
		t.Errorf("%d answers to messages within the burst; want 2", got)
	}

	stranger := h.user(332, "it")
	for range 6 {
		stranger.say("ciao")
	}
	stranger.expect("Piano piano")
	if _, err := h.store.PersonByTelegramID(context.Background(), stranger.u.ID); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("a flooding stranger was stored: %v", err)
	}
}

func TestKnownButNotTakingPart(t *testing.T) {
	h := newHarness(t)
	for i, status := range []housing.PersonStatus{housing.StatusLeft, housing.StatusInvited} {
		u := h.user(int64(341+i), "it")
		h.addPerson(u.u.ID, housing.RoleBeneficiary, func(p *housing.Person) { p.Status = status })
		for _, text := range []string{"ciao", "/profilo", "/start"} {
			u.say(text)
			u.expect("non fai parte del servizio")
		}
	}
}

func TestStateOffsets(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "o.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	o := NewStateOffsets(st)
	if got, err := o.Offset(ctx); got != 0 || err != nil {
		t.Errorf("Offset() with nothing saved = %d, %v; want 0, nil", got, err)
	}
	if err := o.SaveOffset(ctx, 42); err != nil {
		t.Fatalf("SaveOffset: %v", err)
	}
	if got, err := NewStateOffsets(st).Offset(ctx); got != 42 || err != nil {
		t.Errorf("Offset() = %d, %v; want 42", got, err)
	}
	if err := st.PutState(ctx, offsetKey, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Offset(ctx); err == nil {
		t.Errorf("Offset() of a garbled value succeeded")
	}
}
