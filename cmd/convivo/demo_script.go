package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
)

// at returns the simulated time of day day (from 0) at hh:mm.
func (d *demo) at(day, hh, mm int) time.Time {
	s := demoStart(d.loc)
	return time.Date(s.Year(), s.Month(), s.Day()+day, hh, mm, 0, 0, d.loc)
}

// script puts on the agenda what the people of the district do, day by
// day; what they do in answer to the bot comes from react.
func (d *demo) script() {
	w := d.world
	add := d.agenda.add
	add(d.at(0, 9, 0), func(ctx context.Context) error {
		if err := d.say(ctx, w.worker, "/start"); err != nil {
			return err
		}
		return d.say(ctx, w.worker, "/help")
	})
	for i, a := range w.newcomers {
		join := []time.Time{d.at(0, 9, 30), d.at(0, 11, 0), d.at(1, 10, 0), d.at(2, 9, 30)}[i%4]
		add(join.Add(-20*time.Minute), func(ctx context.Context) error { return d.inviteAtDesk(ctx, a) })
		if i == 2 {
			add(join, func(ctx context.Context) error { return d.joinInterrupted(ctx, a) })
			add(d.at(1, 18, 0), func(ctx context.Context) error { return d.resume(ctx, a) })
			continue
		}
		add(join, func(ctx context.Context) error { return d.join(ctx, a) })
	}
	add(d.at(0, 15, 0), d.inviteDecline)
	add(d.at(1, 12, 0), func(ctx context.Context) error { return d.say(ctx, w.newcomers[0], "/profilo") })
	add(d.at(2, 11, 0), d.stranger)
	add(d.at(2, 15, 0), func(ctx context.Context) error { return d.say(ctx, w.mediator, "/abbina") })
	add(d.at(3, 10, 0), d.review)
	add(d.at(5, 11, 0), d.reminders)
	add(d.at(7, 19, 0), d.swap)
	add(d.at(9, 10, 0), d.outing)
	add(d.at(10, 21, 10), d.report)
	add(d.at(12, 18, 0), d.rights)
	add(d.at(17, 9, 10), d.alertByID)
}

// introduce tells who lives in the district when the demo starts.
func (d *demo) introduce() {
	w := d.world
	d.tr.dayLine(d.clock.Now())
	d.note("Il distretto %s: %d persone (con chi ospita e gli operatori), %d case. %s è l'assistente sociale, %s si occupa della mediazione abitativa.",
		"The %s district: %d people (hosts and staff included), %d homes. %s is the social worker, %s the housing mediator.",
		demoDistrict, w.people, len(w.homes), w.worker.person.DisplayName, w.mediator.person.DisplayName)
	for _, hh := range w.households {
		var names []string
		for _, a := range hh.residents {
			names = append(names, a.label)
		}
		d.note("Nella casa %s vivono insieme da venerdì scorso: %s.", "In home %s, living together since last Friday: %s.",
			hh.home.Code, strings.Join(names, ", "))
	}
}

// say makes a sends text to the bot and waits until the bot is quiet.
func (d *demo) say(ctx context.Context, a *actor, text string) error {
	d.tr.said(d.clock.Now(), a.label, text)
	d.srv.SendText(a.user, text)
	d.sent()
	return d.settle(ctx)
}

// press makes a press the button labelled label (a leading "✓ " ignored)
// in the latest message that has one, and waits until the bot is quiet.
func (d *demo) press(ctx context.Context, a *actor, label string) error {
	m, exact, ok := d.findButton(a.user.ID, label)
	if !ok {
		return fmt.Errorf("demo: %s has no button %q; the last keyboard is %v", a.label, label, d.lastLabels(a.user.ID))
	}
	d.tr.pressed(d.clock.Now(), a.label, strings.TrimPrefix(exact, "✓ "))
	d.srv.PressButton(a.user.ID, a.user.ID, m.MessageID, exact)
	d.sent()
	return d.settle(ctx)
}

// findButton returns the latest message in chat with a callback button
// labelled label, and the button's exact label.
func (d *demo) findButton(chat int64, label string) (tgbotapi.Message, string, bool) {
	sent := d.srv.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		for _, b := range buttons(sent[i]) {
			if b.CallbackData != nil && (b.Text == label || strings.TrimPrefix(b.Text, "✓ ") == label) {
				return sent[i], b.Text, true
			}
		}
	}
	return tgbotapi.Message{}, "", false
}

// buttons returns a message's inline buttons, row by row.
func buttons(m tgbotapi.Message) []tgbotapi.InlineKeyboardButton {
	if m.ReplyMarkup == nil {
		return nil
	}
	var out []tgbotapi.InlineKeyboardButton
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		out = append(out, row...)
	}
	return out
}

// lastLabels returns the labels of the last keyboard in chat, for errors.
func (d *demo) lastLabels(chat int64) []string {
	sent := d.srv.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		if bs := buttons(sent[i]); len(bs) > 0 {
			var out []string
			for _, b := range bs {
				out = append(out, b.Text)
			}
			return out
		}
	}
	return nil
}

// last returns the bot's last message in chat.
func (d *demo) last(chat int64) (tgbotapi.Message, bool) { return d.srv.LastSent(chat) }

// note writes a narrator's line in the transcript's language.
func (d *demo) note(it, en string, args ...any) {
	text := it
	if d.o.lang == housing.LangEN {
		text = en
	}
	d.tr.note(d.clock.Now(), fmt.Sprintf(text, args...))
}

// inviteAtDesk makes the one-time link of an invited person the way
// `convivo invite --person` does, at the simulated time, and the worker
// hands it over.
func (d *demo) inviteAtDesk(ctx context.Context, a *actor) error {
	token, hash := housing.NewInvitationToken()
	at := d.clock.Now()
	inv := &housing.Invitation{TokenHash: hash, Role: a.person.Role, District: a.person.District, PersonID: a.person.ID,
		CreatedBy: d.world.worker.person.ID, CreatedAt: at, ExpiresAt: at.Add(housing.DefaultInvitationTTL)}
	if err := d.store.CreateInvitation(ctx, inv); err != nil {
		return fmt.Errorf("demo: invite %s: %w", a.person.ID, err)
	}
	if err := audit(ctx, d.store, "invitation.create", "invitation/"+inv.ID, a.person.ID, "demo invite"); err != nil {
		return err
	}
	d.stats.invited++
	a.token = token
	d.note("%s prepara alla scrivania il link di invito per %s (convivo invite --role %s --person %s) e glielo dà durante un colloquio.",
		"%s makes %s's invitation link at the desk (convivo invite --role %s --person %s) and hands it over at an appointment.",
		d.world.worker.person.DisplayName, a.person.DisplayName, a.person.Role, a.person.ID)
	return nil
}

// consentLabels are the notice's buttons, as people read them.
func consentLabel(lang housing.Lang, accept bool) string {
	switch {
	case lang == housing.LangEN && accept:
		return "I agree"
	case lang == housing.LangEN:
		return "I don't agree"
	case accept:
		return "Accetto"
	}
	return "Non accetto"
}

// join opens the link, accepts the notice and answers the whole interview.
func (d *demo) join(ctx context.Context, a *actor) error {
	defer d.compactAfterFirst(a)()
	if err := d.openLink(ctx, a); err != nil {
		return err
	}
	return d.interview(ctx, a, 0)
}

// compactAfterFirst shows interviews after the first one in brief.
func (d *demo) compactAfterFirst(a *actor) func() {
	if a == d.world.newcomers[0] {
		return func() {}
	}
	d.tr.compact = true
	return func() { d.tr.compact = false }
}

// openLink opens the invitation link and accepts the notice.
func (d *demo) openLink(ctx context.Context, a *actor) error {
	if err := d.say(ctx, a, "/start "+a.token); err != nil {
		return err
	}
	if err := d.press(ctx, a, consentLabel(housing.Lang(a.user.LanguageCode), true)); err != nil {
		return err
	}
	d.stats.joined++
	return nil
}

// joinInterrupted joins and stops half way through the interview.
func (d *demo) joinInterrupted(ctx context.Context, a *actor) error {
	defer d.compactAfterFirst(a)()
	if err := d.openLink(ctx, a); err != nil {
		return err
	}
	if err := d.interview(ctx, a, 9); err != nil {
		return err
	}
	d.note("%s deve andare: lascia l'intervista a metà.", "%s has to go and leaves the interview half way.", a.person.DisplayName)
	return nil
}

// resume comes back to the interview with /start and finishes it.
func (d *demo) resume(ctx context.Context, a *actor) error {
	defer d.compactAfterFirst(a)()
	if err := d.say(ctx, a, "/start"); err != nil {
		return err
	}
	return d.interview(ctx, a, 0)
}

// inviteDecline: the worker makes a link with /invita for a student
// looking for a room, who reads the notice and declines.
func (d *demo) inviteDecline(ctx context.Context) error {
	w := d.world.worker
	if err := d.say(ctx, w, "/invita"); err != nil {
		return err
	}
	if err := d.press(ctx, w, d.pick(w.user.ID, "Coinquilino", "Flatmate")); err != nil {
		return err
	}
	if err := d.press(ctx, w, demoDistrict); err != nil {
		return err
	}
	m, _ := d.last(w.user.ID)
	token := linkToken(m.Text)
	if token == "" {
		return fmt.Errorf("demo: /invita sent no link: %q", m.Text)
	}
	d.stats.invited++
	luca := &actor{user: telegramtest.User(900100, "Luca", string(d.o.lang)), label: "Luca"}
	d.world.actors[luca.user.ID] = luca
	d.note("%s manda il link a Luca, uno studente che cerca una stanza.", "%s sends the link to Luca, a student looking for a room.",
		w.person.DisplayName)
	d.clock.set(d.clock.Now().Add(40 * time.Minute))
	if err := d.say(ctx, luca, "/start "+token); err != nil {
		return err
	}
	if err := d.press(ctx, luca, consentLabel(d.o.lang, false)); err != nil {
		return err
	}
	d.stats.declined++
	return nil
}

// pick returns the label of the first button in chat's last keyboard that
// starts with one of the prefixes.
func (d *demo) pick(chat int64, prefixes ...string) string {
	for _, l := range d.lastLabels(chat) {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				return l
			}
		}
	}
	return prefixes[0]
}

// linkRE finds the token of an invitation link.
var linkRE = regexp.MustCompile(`\?start=([A-Za-z0-9_-]+)`)

func linkToken(text string) string {
	if m := linkRE.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// stranger: someone who found the bot writes without an invitation.
func (d *demo) stranger(ctx context.Context) error {
	s := &actor{user: telegramtest.User(900200, "Sconosciuto", string(d.o.lang)), label: d.pickLang("Sconosciuto", "Stranger")}
	s.user.FirstName = s.label
	d.world.actors[s.user.ID] = s
	d.note("Qualcuno trova il bot per caso e gli scrive.", "Someone comes across the bot and writes to it.")
	return d.say(ctx, s, "/start")
}

func (d *demo) pickLang(it, en string) string {
	if d.o.lang == housing.LangEN {
		return en
	}
	return it
}
