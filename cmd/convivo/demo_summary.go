package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

// demoStats counts what happened, for the summary.
type demoStats struct {
	invited    int // invitation links made
	joined     int // notices accepted
	declined   int
	interviews int // interviews finished
	charts     int // photos written
	proposals  int // proposals made by matching rounds
	outbox     map[string]int
}

// tally counts a delivered outbox message by kind.
func (s *demoStats) tally(kind string) {
	if s.outbox == nil {
		s.outbox = map[string]int{}
	}
	s.outbox[kind]++
}

// matchAtDesk runs a matching round the way `convivo match` does, as the
// mediator would at a desk, and tells what it proposed.
func (d *demo) matchAtDesk(ctx context.Context) error {
	m := d.world.mediator
	weights, err := loadWeights(d.e.cfg)
	if err != nil {
		return err
	}
	runner := rounds.New(d.store, weights, d.clock.Now)
	res, err := runner.Run(ctx, rounds.Options{District: demoDistrict, Actor: m.person.ID, ActorRole: housing.RoleMediator,
		Purpose: "convivo match"})
	if err != nil {
		return fmt.Errorf("demo: matching round: %w", err)
	}
	d.stats.proposals += len(res.Proposals)
	d.note("%s lancia il giro di abbinamenti alla scrivania (convivo match --district %q): %d proposte, %d persone per ora senza proposta.",
		"%s runs the matching round at the desk (convivo match --district %q): %d proposals, %d people without one for now.",
		m.person.DisplayName, demoDistrict, len(res.Proposals), len(res.Round.Unplaced))
	for _, p := range res.Proposals {
		h := res.Homes[p.HomeID]
		var names []string
		for _, id := range p.Members {
			names = append(names, res.People[id].Label())
		}
		d.note("%s %s: %s (punteggio %s)", "%s %s: %s (score %s)", h.Kind, h.Code, strings.Join(names, ", "), points(p.Score))
	}
	return nil
}

// summary writes the counts at the end of the demo.
func (t *transcript) summary(s *demoStats, out string) {
	fmt.Fprintf(t.w, "\n== %s ==\n", t.word("summary"))
	lines := []struct {
		it, en string
		n      int
	}{
		{"link di invito creati", "invitation links made", s.invited},
		{"persone entrate (informativa accettata)", "people who joined (notice accepted)", s.joined},
		{"informativa rifiutata", "notice declined", s.declined},
		{"interviste completate", "interviews completed", s.interviews},
		{"proposte di abbinamento", "matching proposals", s.proposals},
	}
	for _, l := range lines {
		label := l.it
		if t.lang == housing.LangEN {
			label = l.en
		}
		fmt.Fprintf(t.w, "  %-44s %d\n", label, l.n)
	}
	fmt.Fprintf(t.w, t.word("chartsat")+"\n", s.charts, out)
}
