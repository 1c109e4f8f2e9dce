package main

import (
	"context"
	"slices"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// step is one thing someone does at a simulated time.
type step struct {
	at  time.Time
	seq int // order among steps at the same time: the order they were added
	do  func(ctx context.Context) error
}

// agenda is what the script and the people's reactions plan to do, in
// time order.
type agenda struct {
	steps []step
	seq   int
	end   time.Time // nothing is planned from here on
}

// add plans do at at; a step at or after the end is dropped.
func (g *agenda) add(at time.Time, do func(ctx context.Context) error) {
	if !at.Before(g.end) {
		return
	}
	g.seq++
	s := step{at: at, seq: g.seq, do: do}
	i, _ := slices.BinarySearchFunc(g.steps, s, func(a, b step) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	g.steps = slices.Insert(g.steps, i, s)
}

// next takes the first step before t.
func (g *agenda) next(t time.Time) (step, bool) {
	if len(g.steps) == 0 || !g.steps[0].at.Before(t) {
		return step{}, false
	}
	s := g.steps[0]
	g.steps = g.steps[1:]
	return s, true
}

// play runs the simulated days hour by hour: the jobs due in each hour
// (through the scheduler's RunDue, with its claims), then the planned
// steps of that hour, each followed by the bot going quiet and the people
// reacting to what it sent them.
func (d *demo) play(ctx context.Context) error {
	d.introduce()
	d.script()
	start := d.clock.Now()
	prev := start.Add(-time.Minute)
	for h := start; h.Before(d.agenda.end); h = h.Add(time.Hour) {
		began := time.Now()
		d.clock.set(maxTime(h, d.clock.Now())) // a long step may have run past h
		if err := d.svc.sched.RunDue(ctx, prev, h); err != nil {
			return err
		}
		prev = h
		d.tr.dayLine(h) // every day gets its header, quiet ones too
		if err := d.settle(ctx); err != nil {
			return err
		}
		for {
			s, ok := d.agenda.next(h.Add(time.Hour))
			if !ok {
				break
			}
			d.clock.set(maxTime(s.at, d.clock.Now()))
			if err := s.do(ctx); err != nil {
				return err
			}
		}
		d.pace(began)
	}
	d.clock.set(d.agenda.end)
	return nil
}

// maxTime returns the later of two times.
func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// pace sleeps so that a simulated hour takes 1/(24 speed) real seconds.
func (d *demo) pace(began time.Time) {
	if d.o.speed <= 0 {
		return
	}
	hour := time.Duration(float64(time.Second) / (24 * d.o.speed))
	if left := hour - time.Since(began); left > 0 {
		time.Sleep(left)
	}
}

// received is a message the bot sent to a scripted person.
type received struct {
	a *actor
	m tgbotapi.Message
}

// react lets the people answer what the bot just sent them: each reaction
// is planned on the agenda, a little later.
func (d *demo) react(msgs []received) {
	for _, r := range msgs {
		for _, rule := range d.rules() {
			if rule(r) {
				break
			}
		}
	}
}
