package main

import (
	"context"
	"slices"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The people's reactions: what each does when the bot writes to them. A
// rule recognises a message by its buttons (in Italian or English, as
// people read them), and plans an answer on the agenda a little later, in
// waking hours. People in the struggling household answer less and less,
// and worse, until their social worker has been to see them.

// rule reacts to one message, reporting whether it recognised it.
type rule func(r received) bool

// rules are tried in order; the first that recognises a message wins.
func (d *demo) rules() []rule {
	return []rule{
		d.onChore, d.onOffer, d.onSwapAsk, d.onCheckIn, d.onCheckInNote, d.onOuting, d.onAttendance,
		d.onIntro, d.onAllYes, d.onAlert,
	}
}

// Button labels, Italian then English.
var (
	lblDone      = []string{"✅ Fatto", "✅ Done"}
	lblCant      = []string{"Oggi non posso", "Can't today"}
	lblTake      = []string{"Lo faccio io", "I'll do it"}
	lblPass      = []string{"Questa volta no", "Not this time"}
	lblAccept    = []string{"Va bene", "All right"}
	lblTalk      = []string{"Vorrei parlare con chi mi segue", "I'd like to talk to my worker"}
	lblNoNote    = []string{"Niente da aggiungere", "Nothing to add"}
	lblYesOuting = []string{"Sì 🙂", "Yes 🙂"}
	lblMaybe     = []string{"Forse", "Maybe"}
	lblNo        = []string{"No"}
	lblSave      = []string{"Salva", "Save"}
	lblIntroYes  = []string{"Sì, mi va", "Yes, I'd like that"}
	lblMeet      = []string{"📅 Fissa l'incontro", "📅 Set the meeting"}
	lblTrial     = []string{"🧪 Inizia una prova", "🧪 Start a trial stay"}
	lblTwoWeeks  = []string{"2 settimane", "2 weeks"}
	lblStart     = []string{"🏠 Inizia la convivenza", "🏠 Start living together"}
	lblGoalERP   = []string{"Casa ERP propria", "Own ERP flat"}
	lblAck       = []string{"✋ Presa in carico", "✋ Acknowledge"}
	lblDetails   = []string{"Dettagli", "Details"}
	lblResolve   = []string{"Risolta (nota)", "Resolved (note)"}
)

// hasButton reports whether m has a button with one of the labels.
func hasButton(m tgbotapi.Message, labels []string) bool {
	for _, b := range buttons(m) {
		if slices.Contains(labels, strings.TrimPrefix(b.Text, "✓ ")) {
			return true
		}
	}
	return false
}

// body is what a message says: its text, or a photo's caption.
func body(m tgbotapi.Message) string { return m.Text + m.Caption }

// awake moves t into waking hours, 08:00-21:00.
func (d *demo) awake(t time.Time) time.Time {
	t = t.In(d.loc)
	switch {
	case t.Hour() >= 21:
		next := t.AddDate(0, 0, 1)
		return time.Date(next.Year(), next.Month(), next.Day(), 8, t.Minute(), 0, 0, d.loc)
	case t.Hour() < 8:
		return time.Date(t.Year(), t.Month(), t.Day(), 8, t.Minute(), 0, 0, d.loc)
	}
	return t
}

// office moves t into office hours: a weekday, 09:00-18:00.
func (d *demo) office(t time.Time) time.Time {
	t = t.In(d.loc)
	if t.Hour() >= 18 {
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 9, t.Minute(), 0, 0, d.loc)
	} else if t.Hour() < 9 {
		t = time.Date(t.Year(), t.Month(), t.Day(), 9, t.Minute(), 0, 0, d.loc)
	}
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 9, t.Minute(), 0, 0, d.loc)
	}
	return t
}

// soon is a few minutes to a few hours from now, in waking hours.
func (d *demo) soon(a *actor, maxMinutes int) time.Time {
	return d.awake(d.clock.Now().Add(time.Duration(5+a.persona.rng.IntN(maxMinutes)) * time.Minute))
}

// day is how many days of the demo have passed.
func (d *demo) day() int { return int(d.clock.Now().Sub(demoStart(d.loc)) / (24 * time.Hour)) }

// struggling reports whether a lives in the household that is going
// wrong, and it has not been seen to yet.
func (d *demo) struggling(a *actor) bool { return a.home != nil && a.home.struggling && !a.home.helped }

// chance returns true with probability p, from a's own random numbers.
func chance(a *actor, p float64) bool { return a.persona.rng.Float64() < p }

// pressLater plans a press of one of labels under message m.
func (d *demo) pressLater(a *actor, at time.Time, m tgbotapi.Message, labels []string) {
	d.agenda.add(at, func(ctx context.Context) error { return d.pressIn(ctx, a, m.MessageID, labels) })
}

// onChore: a chore reminder. Done, or now and then "can't today"; in the
// struggling household less and less.
func (d *demo) onChore(r received) bool {
	if !hasButton(r.m, lblDone) || !hasButton(r.m, lblCant) {
		return false
	}
	a := r.a
	done, cant := 0.9, 0.06
	if d.struggling(a) {
		switch day := d.day(); {
		case day < 7:
			done, cant = 0.75, 0.1
		case day < 12:
			done, cant = 0.35, 0.3
		default:
			done, cant = 0.05, 0.15
		}
	}
	x := a.persona.rng.Float64()
	switch {
	case x < done && !d.usedFatto && d.day() >= 7 && !d.struggling(a):
		d.usedFatto = true // once, someone marks it with /fatto instead
		d.agenda.add(d.soon(a, 8*60), func(ctx context.Context) error { return d.doneByCommand(ctx, a) })
	case x < done:
		d.pressLater(a, d.soon(a, 8*60), r.m, lblDone)
	case x < done+cant:
		d.pressLater(a, d.soon(a, 60), r.m, lblCant)
	}
	return true
}

// onOffer: a housemate cannot do a task today.
func (d *demo) onOffer(r received) bool {
	if !hasButton(r.m, lblTake) {
		return false
	}
	if d.struggling(r.a) || chance(r.a, 0.3) {
		d.pressLater(r.a, d.soon(r.a, 90), r.m, lblPass)
		return true
	}
	d.pressLater(r.a, d.soon(r.a, 90), r.m, lblTake)
	return true
}

// onSwapAsk: a housemate asks for a swap.
func (d *demo) onSwapAsk(r received) bool {
	if !hasButton(r.m, lblAccept) || !hasButton(r.m, []string{"No, grazie", "No, thanks"}) {
		return false
	}
	d.stats.swaps++
	d.pressLater(r.a, d.soon(r.a, 120), r.m, lblAccept)
	return true
}

// onCheckIn: the weekly question. The struggling household's answers
// fall week by week; in the third week its beneficiary asks to talk.
func (d *demo) onCheckIn(r received) bool {
	if !hasButton(r.m, []string{moodLabel(1)}) {
		return false
	}
	a := r.a
	mood := 4 + a.persona.rng.IntN(2)
	if d.struggling(a) {
		week := d.day() / 7
		if week == 2 && a.isBeneficiary() {
			d.pressLater(a, d.soon(a, 240), r.m, lblTalk)
			return true
		}
		if week >= 3 || (week == 2 && chance(a, 0.5)) {
			return true // no answer
		}
		mood = max(1, 4-week-a.persona.rng.IntN(2))
	}
	d.stats.checkins++
	d.pressLater(a, d.soon(a, 240), r.m, []string{moodLabel(mood)})
	return true
}

// moodLabel is the label of a mood button: "4 🙂".
func moodLabel(n int) string {
	return []string{"1 😞", "2 🙁", "3 😐", "4 🙂", "5 😄"}[n-1]
}

// onCheckInNote: asked whether to add something.
func (d *demo) onCheckInNote(r received) bool {
	if !hasButton(r.m, lblNoNote) || hasButton(r.m, []string{moodLabel(1)}) {
		return false
	}
	a := r.a
	if chance(a, 0.25) && !d.struggling(a) {
		note := d.pickLang("Tutto bene, domenica abbiamo cucinato insieme.", "All good, we cooked together on Sunday.")
		d.agenda.add(d.soon(a, 5), func(ctx context.Context) error { return d.say(ctx, a, note) })
		return true
	}
	d.pressLater(a, d.soon(a, 5), r.m, lblNoNote)
	return true
}

// onOuting: an invitation to a group outing.
func (d *demo) onOuting(r received) bool {
	if !hasButton(r.m, lblYesOuting) || !hasButton(r.m, lblMaybe) {
		return false
	}
	a := r.a
	answer := lblYesOuting
	switch {
	case d.struggling(a):
		answer = lblNo
	case chance(a, 0.1):
		answer = lblMaybe
	}
	d.stats.rsvps++
	d.pressLater(a, d.soon(a, 180), r.m, answer)
	return true
}

// onAttendance: the organiser is asked who came; everyone did.
func (d *demo) onAttendance(r received) bool {
	if !hasButton(r.m, lblSave) || !strings.Contains(body(r.m), "«") {
		return false
	}
	d.pressLater(r.a, d.office(d.clock.Now().Add(2*time.Hour)), r.m, lblSave)
	return true
}

// onIntro: would you like to meet them? Yes.
func (d *demo) onIntro(r received) bool {
	if !hasButton(r.m, lblIntroYes) {
		return false
	}
	d.pressLater(r.a, d.soon(r.a, 300), r.m, lblIntroYes)
	return true
}
