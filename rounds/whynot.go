package rounds

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
)

// WhyNotAnswer answers a mediator's "why not X?" about a proposal: X is a
// person or a home, named by case code, home code or first name.
type WhyNotAnswer struct {
	Query string
	// Matches lists the people the query names when it names several:
	// the mediator should ask again by case code. Nothing else is set.
	Matches []housing.Person
	Person  *housing.Person // the person asked about, or
	Home    *housing.Home   // the home asked about
	// Busy says why the person or home is not free anyway: "member" (in
	// this proposal), "proposal" (in another pending one), "placement", or
	// "" when free.
	Busy string
	// NoProfile means the person has not answered the interview: no round
	// can consider them yet.
	NoProfile bool
	// Verdicts hold, for each member of the proposal, whether the hard
	// constraints allow them with X (or in home X), the rules that do not,
	// and the score either way.
	Verdicts []MemberVerdict
	// ProposalScore is the proposal's own score, to compare with.
	ProposalScore int
}

// MemberVerdict is one member's answer to "why not X?".
type MemberVerdict struct {
	PersonID string
	matching.Verdict
}

// WhyNot tells why query (a case code, a home code or a first name) is not
// in proposal id: for each member, the hard constraints that remove them
// living with that person (or in that home), or else the score, to compare
// with the proposal's. Only people of the proposal's district are searched
// by name; a case code finds anyone. Reads of care information are audited
// for by. ErrNotFound when the query names nobody.
func (r *Runner) WhyNot(ctx context.Context, id, query string, by Actor) (WhyNotAnswer, error) {
	query = strings.TrimSpace(query)
	ans := WhyNotAnswer{Query: query}
	p, err := r.store.Proposal(ctx, id)
	if err != nil {
		return ans, fmt.Errorf("rounds: proposal %s: %w", id, err)
	}
	ans.ProposalScore = p.Score
	if ans.Home, err = r.findHome(ctx, p.District, query); err != nil {
		return ans, err
	}
	if ans.Home == nil {
		people, err := r.findPeople(ctx, p.District, query)
		if err != nil {
			return ans, err
		}
		if len(people) > 1 {
			ans.Matches = people
			return ans, nil
		}
		ans.Person = &people[0]
	}
	return ans, r.verdicts(ctx, &ans, p, Options{Actor: by.ID, ActorRole: by.Role, Purpose: "why not " + query})
}

// verdicts fills ans for proposal p.
func (r *Runner) verdicts(ctx context.Context, ans *WhyNotAnswer, p housing.Proposal, o Options) error {
	busy, rejected, err := r.busyAndRejected(ctx)
	if err != nil {
		return err
	}
	target := ""
	if ans.Person != nil {
		target = ans.Person.ID
	} else {
		target = ans.Home.ID
	}
	switch {
	case p.HasMember(target) || (p.HomeID == target && p.Status == housing.ProposalPending):
		ans.Busy = "member"
	case busy[target]:
		ans.Busy, err = r.busyWith(ctx, target, ans.Home != nil)
		if err != nil {
			return err
		}
	}
	w := r.weights.For(p.District)
	var other matching.Candidate
	if ans.Person != nil {
		c, ok, err := r.candidate(ctx, *ans.Person, o)
		if err != nil {
			return err
		}
		if !ok {
			ans.NoProfile = true
			return nil
		}
		other = c.WithRejected(rejected[c.ID()]...)
	}
	for _, m := range p.Members {
		mc, err := r.memberCandidate(ctx, m, rejected, o)
		if err != nil {
			return err
		}
		v := MemberVerdict{PersonID: m}
		if ans.Home != nil {
			v.Verdict = matching.WhyNotHome(mc, *ans.Home, w)
		} else {
			v.Verdict = matching.WhyNot(mc, other, w)
		}
		ans.Verdicts = append(ans.Verdicts, v)
	}
	return nil
}

// memberCandidate builds the candidate of a proposal's member.
func (r *Runner) memberCandidate(ctx context.Context, id string, rejected map[string][]string, o Options) (matching.Candidate, error) {
	person, err := r.store.Person(ctx, id)
	if err != nil {
		return matching.Candidate{}, fmt.Errorf("rounds: member %s: %w", id, err)
	}
	c, ok, err := r.candidate(ctx, person, o)
	if err != nil {
		return matching.Candidate{}, err
	}
	if !ok {
		return matching.Candidate{}, fmt.Errorf("rounds: member %s has no profile: %w", id, housing.ErrNotFound)
	}
	return c.WithRejected(rejected[id]...), nil
}

// busyWith says what holds a busy person or home: "placement" or
// "proposal".
func (r *Runner) busyWith(ctx context.Context, id string, home bool) (string, error) {
	if home {
		return "proposal", nil
	}
	pls, err := r.store.ListPlacements(ctx, housing.PlacementFilter{PersonID: id, OpenOnly: true})
	if err != nil {
		return "", fmt.Errorf("rounds: placements of %s: %w", id, err)
	}
	if len(pls) > 0 {
		return "placement", nil
	}
	return "proposal", nil
}

// findHome returns the home of district whose code (or id) is query, or
// nil.
func (r *Runner) findHome(ctx context.Context, district, query string) (*housing.Home, error) {
	homes, err := r.store.ListHomes(ctx, housing.HomeFilter{District: district})
	if err != nil {
		return nil, fmt.Errorf("rounds: homes: %w", err)
	}
	for _, h := range homes {
		if (h.Code != "" && strings.EqualFold(h.Code, query)) || h.ID == query {
			return &h, nil
		}
	}
	return nil, nil
}

// findPeople returns the people query names: by case code or id anywhere,
// else by first name (or its start) in district, among the people who
// live in homes. ErrNotFound when nobody.
func (r *Runner) findPeople(ctx context.Context, district, query string) ([]housing.Person, error) {
	people, err := r.store.ListPeople(ctx, housing.PersonFilter{Status: housing.StatusActive})
	if err != nil {
		return nil, fmt.Errorf("rounds: people: %w", err)
	}
	people = slices.DeleteFunc(people, func(p housing.Person) bool { return !p.Role.Resident() })
	for _, p := range people {
		if (p.Code != "" && strings.EqualFold(p.Code, query)) || p.ID == query {
			return []housing.Person{p}, nil
		}
	}
	q := strings.ToLower(query)
	var out []housing.Person
	for _, p := range people {
		name := strings.ToLower(p.DisplayName)
		if p.District == district && q != "" && (name == q || strings.HasPrefix(name, q)) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rounds: nobody called %q in %s: %w", query, district, housing.ErrNotFound)
	}
	return out, nil
}
