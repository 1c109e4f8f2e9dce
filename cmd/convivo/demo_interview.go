package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
)

// The scripted people answer the interview the way a person would: they
// read the question and the buttons under it, and press or type. They
// know nothing of the bot's internals; they recognise a question by its
// "3/24" progress line and its topic by a few words.

// questionRE recognises an interview question by its progress line.
var questionRE = regexp.MustCompile(`^\d+/\d+\n`)

// navLabels are the buttons that move through the interview rather than
// answer it.
func navLabel(label string) bool {
	return slices.Contains([]string{"Indietro", "Salta", "Fatto", "Back", "Skip", "Done"}, label)
}

func doneLabel(label string) bool { return label == "Fatto" || label == "Done" }

// interview answers the questions until the bot stops asking, or after
// stopAfter answers when it is positive.
func (d *demo) interview(ctx context.Context, a *actor, stopAfter int) error {
	for n := 0; n < 80; n++ {
		m, ok := d.last(a.user.ID)
		if !ok || !questionRE.MatchString(m.Text) {
			if n > 0 {
				d.stats.interviews++
			}
			return nil
		}
		if stopAfter > 0 && n == stopAfter {
			return nil
		}
		d.clock.set(d.clock.Now().Add(25 * time.Second)) // reading, thinking
		if err := d.answer(ctx, a, m); err != nil {
			return err
		}
	}
	return fmt.Errorf("demo: %s's interview did not end", a.label)
}

// answer answers one question: it types, presses one option, or ticks
// some and presses Done.
func (d *demo) answer(ctx context.Context, a *actor, m tgbotapi.Message) error {
	q := strings.ToLower(m.Text)
	var opts []string
	multi := false
	for _, b := range buttons(m) {
		switch {
		case doneLabel(b.Text):
			multi = true
		case !navLabel(b.Text):
			opts = append(opts, strings.TrimPrefix(b.Text, "✓ "))
		}
	}
	p := &a.persona
	switch {
	case len(opts) == 0:
		return d.say(ctx, a, p.typed(q, housing.Lang(a.user.LanguageCode)))
	case !multi:
		return d.press(ctx, a, p.one(q, opts))
	}
	for _, o := range p.several(q, opts) {
		if err := d.press(ctx, a, o); err != nil {
			return err
		}
	}
	return d.press(ctx, a, d.pick(a.user.ID, "Fatto", "Done"))
}

// has reports whether q mentions any of words.
func has(q string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(q, w) {
			return true
		}
	}
	return false
}

// find returns the first option that starts with one of prefixes.
func find(opts []string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		for _, o := range opts {
			if strings.HasPrefix(o, p) {
				return o, true
			}
		}
	}
	return "", false
}

// one chooses one option.
func (p *persona) one(q string, opts []string) string {
	var prefixes []string
	switch {
	case has(q, "ti descrivi", "describe yourself"):
		prefixes = []string{"Uomo", "Man"}
		if p.woman {
			prefixes = []string{"Donna", "Woman"}
		}
	case has(q, "rinunciare", "can't do without", "senza scale", "without stairs"):
		prefixes = []string{"No"}
	case has(q, "restare vicino", "stay close"):
		prefixes = []string{"Sì", "Yes"}
	case has(q, "fumi?", "do you smoke?"):
		prefixes = []string{"No"}
		if p.rng.IntN(4) == 0 {
			prefixes = []string{"Sì", "Yes"}
		}
	case has(q, "con chi ti piacerebbe", "whom would you like", "certa età", "certain age", "trasferirti", "would you like to move"):
		return opts[0]
	}
	if o, ok := find(opts, prefixes...); ok {
		return o
	}
	if strings.HasPrefix(opts[0], "1 · ") && len(opts) == 5 {
		return opts[1+p.rng.IntN(3)] // a level: somewhere in the middle
	}
	return opts[p.rng.IntN(len(opts))]
}

// several chooses the options of a multiple choice.
func (p *persona) several(q string, opts []string) []string {
	switch {
	case has(q, "zone", "areas"):
		if slices.Contains(opts, p.district) {
			return []string{p.district}
		}
	case has(q, "tipo di casa", "kind of home"):
		out := []string{}
		if o, ok := find(opts, "Un appartamento", "A shared flat", "A flat"); ok {
			out = append(out, o)
		}
		if o, ok := find(opts, "Un cohousing", "A cohousing", "Cohousing"); ok && p.rng.IntN(2) == 0 {
			out = append(out, o)
		}
		if len(out) > 0 {
			return out
		}
	}
	i, j := p.rng.IntN(len(opts)), p.rng.IntN(len(opts))
	if i == j {
		return []string{opts[i]}
	}
	return []string{opts[min(i, j)], opts[max(i, j)]}
}

// typed is a typed answer to a question without options.
func (p *persona) typed(q string, lang housing.Lang) string {
	en := lang == housing.LangEN
	switch {
	case has(q, "anno", "year"):
		return strconv.Itoa(p.birthYear)
	case has(q, "euro"):
		return strconv.Itoa(p.budget)
	case has(q, "lingue", "languages"):
		if en {
			return "Italian, English"
		}
		return "italiano, inglese"
	case has(q, "quante persone", "how many people"):
		return "3"
	case has(q, "quante stanze", "how many rooms"):
		return "1"
	case en:
		return "A quiet home where we help each other."
	}
	return "Una casa tranquilla dove ci si aiuta."
}
