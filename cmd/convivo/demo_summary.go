package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// demoStats counts what happened, for the summary.
type demoStats struct {
	invited    int // invitation links made
	joined     int // notices accepted
	declined   int
	interviews int // interviews finished
	charts     int // photos written
	proposals  int // proposals made by matching rounds
	decided    map[housing.ProposalStatus]int
	placements map[housing.PlacementStatus]int // placements made during the demo, by status now
	approved   int
	rejected   int
	meetings   int
	trials     int
	started    int // placements started after a trial
	swaps      int // swaps asked
	checkins   int // check-ins answered
	rsvps      int // answers to outing invitations
	outings    int
	alerts     int // alerts that reached the social worker
	acked      int
	resolved   int
	outbox     map[string]int

	raised, ackedAll, resolvedAll int // alerts, from the store
	answered                      int // check-ins answered
	replies, waitlisted           int // outing answers
	events                        int // reports and requests to talk
}

func newStats() *demoStats {
	return &demoStats{decided: map[housing.ProposalStatus]int{}, placements: map[housing.PlacementStatus]int{},
		outbox: map[string]int{}}
}

// tally counts a delivered outbox message by kind.
func (s *demoStats) tally(kind string) {
	if s.outbox == nil {
		s.outbox = map[string]int{}
	}
	s.outbox[kind]++
}

// collect counts, from the store, what the month left behind: proposals,
// placements, alerts, check-ins, outing answers.
func (d *demo) collect(ctx context.Context) error {
	s := d.stats
	props, err := d.store.ListProposals(ctx, housing.ProposalFilter{District: demoDistrict})
	if err != nil {
		return err
	}
	for _, p := range props {
		if strings.HasPrefix(p.ID, "pr_history_") {
			continue
		}
		s.proposals++
		s.decided[p.Status]++
	}
	pls, err := d.store.ListPlacements(ctx, housing.PlacementFilter{District: demoDistrict})
	if err != nil {
		return err
	}
	for _, pl := range pls {
		if !strings.HasPrefix(pl.ProposalID, "pr_history_") {
			s.placements[pl.Status]++
		}
	}
	alerts, err := d.store.Alerts(ctx, housing.AlertFilter{})
	if err != nil {
		return err
	}
	for _, a := range alerts {
		s.raised++
		if !a.AckedAt.IsZero() {
			s.ackedAll++
		}
		if a.Status == housing.AlertResolved {
			s.resolvedAll++
		}
	}
	cis, err := d.store.CheckIns(ctx, housing.CheckInFilter{})
	if err != nil {
		return err
	}
	for _, c := range cis {
		if c.Answered {
			s.answered++
		}
	}
	events, err := d.store.Events(ctx, housing.EventFilter{})
	if err != nil {
		return err
	}
	s.events = len(events)
	outings, err := d.store.Outings(ctx, housing.OutingFilter{})
	if err != nil {
		return err
	}
	for _, o := range outings {
		s.replies += len(o.Replies)
		s.waitlisted += len(o.Waitlist)
	}
	return nil
}

// summary writes the counts at the end of the demo.
func (t *transcript) summary(s *demoStats, out string) {
	fmt.Fprintf(t.w, "\n== %s ==\n", t.word("summary"))
	lines := []struct {
		it, en string
		n      []int
	}{
		{"link di invito creati", "invitation links made", []int{s.invited}},
		{"persone entrate (informativa accettata)", "people who joined (notice accepted)", []int{s.joined}},
		{"informativa rifiutata", "notice declined", []int{s.declined}},
		{"interviste completate", "interviews completed", []int{s.interviews}},
		{"proposte di abbinamento: fatte, approvate, rifiutate", "matching proposals: made, approved, rejected",
			[]int{s.proposals, s.decided[housing.ProposalApproved], s.decided[housing.ProposalRejected]}},
		{"incontri fissati", "meetings set", []int{s.meetings}},
		{"prove iniziate; convivenze ora in prova, avviate", "trials started; placements now on trial, living together",
			[]int{s.trials, s.placements[housing.PlacementTrial], s.placements[housing.PlacementActive]}},
		{"promemoria dei turni mandati", "chore reminders sent", []int{s.outbox["chore"]}},
		{"scambi di turno chiesti", "chore swaps asked", []int{s.swaps}},
		{"uscite organizzate; risposte; in lista d'attesa", "outings organised; answers; waiting list", []int{s.outings, s.replies, s.waitlisted}},
		{"check-in settimanali con risposta", "weekly check-ins answered", []int{s.answered}},
		{"segnalazioni e richieste di colloquio", "reports and requests to talk", []int{s.events}},
		{"allerte: arrivate, prese in carico, risolte", "alerts: raised, acknowledged, resolved", []int{s.raised, s.ackedAll, s.resolvedAll}},
	}
	for _, l := range lines {
		label := l.it
		if t.lang == housing.LangEN {
			label = l.en
		}
		var ns []string
		for _, n := range l.n {
			ns = append(ns, fmt.Sprint(n))
		}
		fmt.Fprintf(t.w, "  %-54s %s\n", label, strings.Join(ns, ", "))
	}
	kinds := slices.Sorted(maps.Keys(s.outbox))
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.outbox[k]))
	}
	label := "messaggi dall'outbox, per tipo"
	if t.lang == housing.LangEN {
		label = "outbox messages, by kind"
	}
	fmt.Fprintf(t.w, "  %-54s %s\n", label, strings.Join(parts, ", "))
	fmt.Fprintf(t.w, t.word("chartsat")+"\n", s.charts, out)
}
