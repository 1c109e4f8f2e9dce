package main

import (
	"context"
	"strings"
	"time"
)

// House life the people start themselves: a look at the week's rota and a
// swap, a chore marked with /fatto, the reminder settings, and a group
// outing the mediator organises for the district.

// healthy returns the first resident of a household that is not going
// wrong, or nil.
func (d *demo) healthy() *actor {
	for _, hh := range d.world.households {
		if !hh.struggling && len(hh.residents) > 0 {
			return hh.residents[0]
		}
	}
	return nil
}

// swap: a resident looks at the week with /turni and asks a housemate to
// swap a chore, offering nothing back; the housemate's answer comes from
// react.
func (d *demo) swap(ctx context.Context) error {
	a := d.healthy()
	if a == nil {
		return nil
	}
	if err := d.say(ctx, a, "/turni"); err != nil {
		return err
	}
	steps := [][]string{{"🔁 Chiedi uno scambio", "🔁 Ask for a swap"}, nil, nil, {"Niente in cambio", "Nothing in exchange"}}
	for _, labels := range steps {
		if labels == nil { // a chore, then a housemate: the first offered
			labels = d.firstLabels(a)
		}
		if labels == nil || !d.hasLastButton(a, labels) {
			return nil // nothing to swap this week
		}
		d.clock.set(d.clock.Now().Add(30 * time.Second))
		if err := d.pressIn(ctx, a, 0, labels); err != nil {
			return err
		}
	}
	return nil
}

// firstLabels returns the first button of a's last keyboard.
func (d *demo) firstLabels(a *actor) []string {
	if ls := d.lastLabels(a.user.ID); len(ls) > 0 {
		return ls[:1]
	}
	return nil
}

// hasLastButton reports whether a's last keyboard has one of labels.
func (d *demo) hasLastButton(a *actor, labels []string) bool {
	for _, l := range d.lastLabels(a.user.ID) {
		if containsLabel(labels, l) {
			return true
		}
	}
	return false
}

// doneByCommand: a resident marks a chore with /fatto instead of the
// reminder's button.
func (d *demo) doneByCommand(ctx context.Context, a *actor) error {
	if err := d.say(ctx, a, "/fatto"); err != nil {
		return err
	}
	if m, ok := d.last(a.user.ID); ok && strings.HasPrefix(m.Text, d.pickLang("Quale compito", "Which chore")) {
		return d.pressIn(ctx, a, m.MessageID, d.firstLabels(a))
	}
	return nil
}

// reminders: a resident looks at when the bot writes to them, and leaves
// it as it is.
func (d *demo) reminders(ctx context.Context) error {
	hh := d.world.households
	if len(hh) == 0 || len(hh[0].residents) < 2 {
		return nil
	}
	a := hh[0].residents[1]
	if err := d.say(ctx, a, "/promemoria"); err != nil {
		return err
	}
	if d.hasLastButton(a, []string{"Va bene così", "That's fine"}) {
		return d.pressIn(ctx, a, 0, []string{"Va bene così", "That's fine"})
	}
	return nil
}

// outing: the mediator invites the whole district to a walk, with few
// places: some end up on the waiting list.
func (d *demo) outing(ctx context.Context) error {
	m := d.world.mediator
	when := d.clock.Now().AddDate(0, 0, 4)
	when = time.Date(when.Year(), when.Month(), when.Day(), 15, 30, 0, 0, d.loc)
	texts := []string{"/uscita", d.pickLang("Passeggiata al parco dei Cedri", "A walk in the Parco dei Cedri"),
		when.Format("02/01 15:04"), d.pickLang("Ingresso del parco, via Parco dei Cedri", "Park entrance, via Parco dei Cedri")}
	for _, t := range texts {
		if err := d.say(ctx, m, t); err != nil {
			return err
		}
		d.clock.set(d.clock.Now().Add(time.Minute))
	}
	for _, labels := range [][]string{{"Tutto il distretto", "The whole district"}, {"4"}, {"Sì, manda l'invito", "Yes, send it"}} {
		if err := d.pressIn(ctx, m, 0, labels); err != nil {
			return err
		}
	}
	d.stats.outings++
	return nil
}

// report: in the struggling household, someone tells the service about an
// argument at home, with a few words; it can wait, and counts in the
// night's scan.
func (d *demo) report(ctx context.Context) error {
	var a *actor
	for _, hh := range d.world.households {
		if hh.struggling && len(hh.residents) > 1 {
			a = hh.residents[len(hh.residents)-1]
		}
	}
	if a == nil {
		return nil
	}
	if err := d.say(ctx, a, "/segnala"); err != nil {
		return err
	}
	if d.hasLastButton(a, []string{"Con "}) || !d.hasLastButton(a, lblConflict) {
		if err := d.pressIn(ctx, a, 0, d.firstLabels(a)); err != nil { // the home, when asked
			return err
		}
	}
	if err := d.pressIn(ctx, a, 0, lblConflict); err != nil {
		return err
	}
	d.clock.set(d.clock.Now().Add(time.Minute))
	if err := d.say(ctx, a, d.pickLang("Discutiamo spesso per la cucina e i turni, non riesco più a parlarne con calma.",
		"We keep arguing about the kitchen and the chores; I can't talk about it calmly any more.")); err != nil {
		return err
	}
	return d.pressIn(ctx, a, 0, []string{"Può aspettare", "It can wait"})
}

// lblConflict is the report kind for an argument at home.
var lblConflict = []string{"Un litigio o un problema in casa", "An argument or a problem at home"}

// rights: a newcomer still waiting for a home looks at the privacy notice
// and keeps it, asks for a copy of their data, and thinks about erasure
// but does not ask for it; and checks the language.
func (d *demo) rights(ctx context.Context) error {
	a := d.world.newcomers[len(d.world.newcomers)-1]
	steps := []struct {
		say    string
		labels []string
	}{
		{"/privacy", []string{"Va bene così", "That's fine"}},
		{"/imieidati", nil},
		{"/cancella", []string{"No, lascia stare", "No, leave it"}},
		{"/lingua", []string{"Italiano", "English"}[:1]},
	}
	if a.user.LanguageCode == "en" {
		steps[3].labels = []string{"English"}
	}
	for _, s := range steps {
		d.clock.set(d.clock.Now().Add(2 * time.Minute))
		if err := d.say(ctx, a, s.say); err != nil {
			return err
		}
		if s.labels != nil && d.hasLastButton(a, s.labels) {
			if err := d.pressIn(ctx, a, 0, s.labels); err != nil {
				return err
			}
		}
	}
	return nil
}

// alertByID: the worker opens an alert from the list by its code.
func (d *demo) alertByID(ctx context.Context) error {
	w := d.world.worker
	if err := d.say(ctx, w, "/allerte"); err != nil {
		return err
	}
	m, _ := d.last(w.user.ID)
	if id := alertRE.FindString(m.Text); id != "" {
		return d.say(ctx, w, "/allerta "+id)
	}
	return nil
}
