package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// What the staff do: the mediator asks for a matching round, reviews the
// proposals (details, approvals, a rejection with a reason, alternatives),
// sets the meetings, starts trials and then living together; the social
// worker takes on the alerts about the households they follow, and
// resolves them after a visit.

// codeRE finds case codes in staff messages.
var codeRE = regexp.MustCompile(`\b[A-Z]{2}-\d{4}\b`)

// inChat reports whether everyone named by a case code in text can be
// reached in chat.
func (d *demo) inChat(text string) bool {
	codes := codeRE.FindAllString(text, -1)
	for _, c := range codes {
		if d.world.byCode[c] == nil {
			return false
		}
	}
	return len(codes) > 0
}

// cards returns the proposal cards in the mediator's chat, oldest first.
func (d *demo) cards() []tgbotapi.Message {
	var out []tgbotapi.Message
	for _, m := range d.srv.Sent(d.world.mediator.user.ID) {
		if strings.HasPrefix(m.Text, "📋") && hasButton(m, []string{"✅ Approva", "✅ Approve"}) {
			out = append(out, m)
		}
	}
	return out
}

// newcomersIn counts the newcomers a card names.
func (d *demo) newcomersIn(text string) int {
	n := 0
	for _, c := range codeRE.FindAllString(text, -1) {
		if a := d.world.byCode[c]; a != nil && a.newcomer {
			n++
		}
	}
	return n
}

// review is the mediator's morning with the proposals: a look at the
// details of one (and why not someone else), approvals for the ones with
// the people who just joined, a rejection with a reason, alternatives.
func (d *demo) review(ctx context.Context) error {
	m := d.world.mediator
	cards := d.cards()
	if len(cards) == 0 {
		d.note("Nessuna proposta da guardare.", "No proposals to look at.")
		return nil
	}
	approve, other := d.choose(cards)
	first := approve
	if len(first) == 0 {
		first = cards
	}
	if err := d.details(ctx, first[0]); err != nil {
		return err
	}
	for _, c := range approve {
		d.clock.set(d.clock.Now().Add(3 * time.Minute))
		if err := d.pressIn(ctx, m, c.MessageID, []string{"✅ Approva", "✅ Approve"}); err != nil {
			return err
		}
		d.stats.approved++
	}
	if len(other) > 0 {
		if err := d.reject(ctx, other[0]); err != nil {
			return err
		}
	}
	if len(other) > 1 {
		d.clock.set(d.clock.Now().Add(4 * time.Minute))
		return d.pressIn(ctx, m, other[1].MessageID, []string{"🔁 Alternative", "🔁 Alternatives"})
	}
	return nil
}

// choose picks up to three proposals to approve, everyone in them
// reachable in chat: those with the people who just joined first, then
// others; the rest stay to look at.
func (d *demo) choose(cards []tgbotapi.Message) (approve, other []tgbotapi.Message) {
	picked := map[int]bool{}
	for _, newcomers := range []bool{true, false} {
		for _, c := range cards {
			if len(picked) < 3 && !picked[c.MessageID] && d.inChat(c.Text) && (d.newcomersIn(c.Text) > 0 || !newcomers) {
				picked[c.MessageID] = true
				approve = append(approve, c)
			}
		}
	}
	for _, c := range cards {
		if !picked[c.MessageID] {
			other = append(other, c)
		}
	}
	return approve, other
}

// details opens a card's details and asks why not someone else.
func (d *demo) details(ctx context.Context, card tgbotapi.Message) error {
	m := d.world.mediator
	if err := d.pressIn(ctx, m, card.MessageID, []string{"🔎 Dettagli", "🔎 Details"}); err != nil {
		return err
	}
	shown, _ := d.message(m.user.ID, card.MessageID) // the card, now with the details
	if !strings.Contains(shown.Text, "/annulla") && !strings.Contains(shown.Text, "/cancel") {
		return nil
	}
	if other := d.someoneWaiting(card.Text); other != "" {
		d.clock.set(d.clock.Now().Add(2 * time.Minute))
		return d.say(ctx, m, other)
	}
	return nil
}

// someoneWaiting returns the case code of a newcomer the card does not
// name, to ask why not them.
func (d *demo) someoneWaiting(text string) string {
	for _, a := range d.world.newcomers {
		if !strings.Contains(text, a.person.Code) {
			return a.person.Code
		}
	}
	return ""
}

// reject rejects a proposal for clashing habits, with a note.
func (d *demo) reject(ctx context.Context, card tgbotapi.Message) error {
	m := d.world.mediator
	d.clock.set(d.clock.Now().Add(5 * time.Minute))
	if err := d.pressIn(ctx, m, card.MessageID, []string{"❌ Rifiuta", "❌ Reject"}); err != nil {
		return err
	}
	if err := d.pressIn(ctx, m, 0, []string{"Abitudini incompatibili", "Clashing habits"}); err != nil {
		return err
	}
	d.stats.rejected++
	return d.say(ctx, m, d.pickLang("Orari molto diversi: una lavora di notte. Ne riparlo con l'équipe.",
		"Very different hours: one works nights. I'll talk it over with the team."))
}

// alertRE finds an alert's id.
var alertRE = regexp.MustCompile(`\bal_[0-9a-f]+\b`)

// newcomerCode returns the case code of the first newcomer text names,
// else its first case code.
func (d *demo) newcomerCode(text string) string {
	codes := codeRE.FindAllString(text, -1)
	for _, c := range codes {
		if a := d.world.byCode[c]; a != nil && a.newcomer {
			return c
		}
	}
	if len(codes) > 0 {
		return codes[0]
	}
	return ""
}

// onAllYes: everyone would like to meet. The mediator sets the meeting for
// two working days later, starts a two-week trial the day after it, and
// when the trial ends starts living together, with the exit goal of a
// flat of one's own.
func (d *demo) onAllYes(r received) bool {
	if !hasButton(r.m, lblMeet) {
		return false
	}
	who := d.newcomerCode(r.m.Text) // names the placement for /convivenza
	a := r.a
	d.agenda.add(d.office(d.clock.Now().Add(time.Hour)), func(ctx context.Context) error {
		meet := d.office(d.clock.Now().AddDate(0, 0, 2))
		meet = time.Date(meet.Year(), meet.Month(), meet.Day(), 15, 0, 0, 0, d.loc).Add(time.Duration(d.stats.meetings) * 90 * time.Minute)
		if err := d.pressIn(ctx, a, r.m.MessageID, lblMeet); err != nil {
			return err
		}
		if err := d.say(ctx, a, meet.Format("02/01 15:04")); err != nil {
			return err
		}
		if err := d.say(ctx, a, "Casa di Quartiere, via Faenza 4, San Lazzaro"); err != nil {
			return err
		}
		d.stats.meetings++
		set, _ := d.last(a.user.ID)
		trial := d.office(meet.AddDate(0, 0, 1))
		d.agenda.add(time.Date(trial.Year(), trial.Month(), trial.Day(), 10, 0, 0, 0, d.loc), func(ctx context.Context) error {
			return d.startTrial(ctx, a, set, who)
		})
		return nil
	})
	return true
}

// startTrial starts a two-week trial from the message that set the
// meeting, and plans the start of living together at its end.
func (d *demo) startTrial(ctx context.Context, a *actor, set tgbotapi.Message, who string) error {
	if !hasButton(set, lblTrial) {
		return nil
	}
	if err := d.pressIn(ctx, a, set.MessageID, lblTrial); err != nil {
		return err
	}
	if err := d.pressIn(ctx, a, 0, lblTwoWeeks); err != nil {
		return err
	}
	d.stats.trials++
	end := d.clock.Now().AddDate(0, 0, 14)
	d.agenda.add(time.Date(end.Year(), end.Month(), end.Day(), 10, 30, 0, 0, d.loc), func(ctx context.Context) error {
		return d.startLiving(ctx, a, who)
	})
	return nil
}

// startLiving starts living together after a trial: from the bot's
// reminder that the trial ends today when there is one, else from
// /convivenza and the case code of someone who joins (a home's code could
// name two placements: the people already living there, and the trial).
func (d *demo) startLiving(ctx context.Context, a *actor, who string) error {
	if m, ok := d.last(a.user.ID); !ok || !hasButton(m, lblStart) || hasButton(m, lblTrial) {
		if err := d.say(ctx, a, "/convivenza "+who); err != nil {
			return err
		}
	}
	if !d.hasLastButton(a, lblStart) {
		return nil
	}
	if err := d.pressIn(ctx, a, 0, lblStart); err != nil {
		return err
	}
	d.stats.started++
	return d.pressIn(ctx, a, 0, lblGoalERP)
}

// onAlert: the social worker reads an alert's details and takes it on
// within the hour (in office hours); two working days later, after a
// visit, resolves it with a note, and the household starts to recover.
func (d *demo) onAlert(r received) bool {
	if !hasButton(r.m, lblAck) {
		return false
	}
	a := r.a
	id := alertRE.FindString(body(r.m))
	if a != d.world.worker || id == "" || d.alertsSeen[id] {
		return true // escalations reach the mediator only if the worker is away; details come again
	}
	d.alertsSeen[id] = true
	d.stats.alerts++
	at := d.office(d.clock.Now().Add(40 * time.Minute))
	d.agenda.add(at, func(ctx context.Context) error {
		if err := d.pressIn(ctx, a, r.m.MessageID, lblDetails); err != nil {
			return err
		}
		if err := d.pressIn(ctx, a, r.m.MessageID, lblAck); err != nil {
			return err
		}
		d.stats.acked++
		return nil
	})
	visit := d.office(at.AddDate(0, 0, 2))
	d.agenda.add(time.Date(visit.Year(), visit.Month(), visit.Day(), 17, 0, 0, 0, d.loc), func(ctx context.Context) error {
		if err := d.pressIn(ctx, a, r.m.MessageID, lblResolve); err != nil {
			return err
		}
		d.stats.resolved++
		note := d.pickLang("Sentita al telefono: tutto bene, era via qualche giorno. Ci risentiamo venerdì.",
			"Phoned: all well, they were away for a few days. We'll talk again on Friday.")
		if d.helped(body(r.m)) {
			note = d.pickLang("Visita in casa: parlato con tutti, rifatti insieme i turni, colloquio fissato per lunedì.",
				"Home visit: talked with everyone, redid the chores together, appointment set for Monday.")
		}
		return d.say(ctx, a, note)
	})
	return true
}

// helped marks the struggling household an alert names as seen to, and
// reports whether it named one.
func (d *demo) helped(text string) bool {
	for _, c := range codeRE.FindAllString(text, -1) {
		if a := d.world.byCode[c]; a != nil && a.home != nil && a.home.struggling {
			if !a.home.helped {
				a.home.helped = true
				d.note("Dopo la visita, nella casa %s le cose vanno un po' meglio.", "After the visit, things go a little better in home %s.",
					a.home.home.Code)
			}
			return true
		}
	}
	return false
}

// pressIn presses one of labels under message id (0: the latest message
// with such a button) in a's chat. A button that is gone (someone else
// was quicker, the keyboard was replaced) is left alone: people miss
// things too.
func (d *demo) pressIn(ctx context.Context, a *actor, id int, labels []string) error {
	sent := d.srv.Sent(a.user.ID)
	for i := len(sent) - 1; i >= 0; i-- {
		if id != 0 && sent[i].MessageID != id {
			continue
		}
		for _, b := range buttons(sent[i]) {
			if b.CallbackData != nil && containsLabel(labels, b.Text) {
				d.tr.pressed(d.clock.Now(), a.label, strings.TrimPrefix(b.Text, "✓ "))
				d.srv.PressButton(a.user.ID, a.user.ID, sent[i].MessageID, b.Text)
				d.sent()
				return d.settle(ctx)
			}
		}
		if id != 0 {
			return nil
		}
	}
	if id == 0 {
		return fmt.Errorf("demo: %s has no button %q; the last keyboard is %v", a.label, labels, d.lastLabels(a.user.ID))
	}
	return nil
}

// message returns message id of chat as it is now.
func (d *demo) message(chat int64, id int) (tgbotapi.Message, bool) {
	for _, m := range d.srv.Sent(chat) {
		if m.MessageID == id {
			return m, true
		}
	}
	return tgbotapi.Message{}, false
}

func containsLabel(labels []string, text string) bool {
	for _, l := range labels {
		if text == l || strings.TrimPrefix(text, "✓ ") == l {
			return true
		}
	}
	return false
}
