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
