package matching

import (
	"fmt"
	"slices"

	"github.com/convivo/convivo/housing"
)

// propose records a household for h: its explanation (every new pair, every
// newcomer with every resident, every newcomer's home fit, equally
// weighted) and each member's alternatives.
func (r *round) propose(solver string, h *housing.Home, members []Candidate) error {
	var parts []Explanation
	residents := r.residentsOf(h)
	for i, a := range members {
		for _, b := range members[i+1:] {
			parts = append(parts, Explain(a, b, r.in.Weights))
		}
		for _, res := range residents {
			parts = append(parts, Explain(a, res, r.in.Weights))
		}
		parts = append(parts, ExplainHome(a, *h, r.in.Weights))
	}
	e, err := Combine(parts, ones(len(parts)))
	if err != nil {
		return fmt.Errorf("matching: round: explain %s: %w", h.ID, err)
	}
	p := RoundProposal{Kind: h.Kind, Solver: solver, HomeID: h.ID, Explanation: e}
	for _, m := range members {
		p.Members = append(p.Members, m.ID())
		r.placed[m.ID()] = true
	}
	r.freeLeft[h.ID] -= len(members)
	for _, m := range members {
		p.Alternatives = append(p.Alternatives, r.alternatives(m, p.Members, h.ID))
	}
	r.result.Proposals = append(r.result.Proposals, p)
	return nil
}

// alternatives lists m's best partners among the other waiting people and
// best homes other than chosen.
func (r *round) alternatives(m Candidate, household []string, chosen string) MemberAlternatives {
	k := r.in.Alternatives
	out := MemberAlternatives{PersonID: m.ID()}
	var others []Candidate
	for _, c := range r.people {
		if !slices.Contains(household, c.ID()) {
			others = append(others, c)
		}
	}
	for _, n := range Alternatives(m, others, k, r.in.Weights) {
		out.Partners = append(out.Partners, Option{PersonID: others[n.Index].ID(), Score: n.Score})
	}
	var homes []housing.Home
	for _, h := range r.homes {
		if h.ID != chosen {
			homes = append(homes, h)
		}
	}
	for _, n := range RankHomes(m, homes, k, r.in.Weights) {
		out.Homes = append(out.Homes, Option{HomeID: homes[n.Index].ID, Score: n.Score})
	}
	return out
}

// unplaced lists everyone left out, with the reason.
func (r *round) unplaced() {
	for _, c := range r.people {
		if r.placed[c.ID()] {
			continue
		}
		reason := UnplacedNoHome
		for i := range r.homes {
			if ok, _ := CheckHome(c, r.homes[i]); ok {
				reason = UnplacedNoMatch
				break
			}
		}
		r.result.Unplaced = append(r.result.Unplaced, Unplaced{PersonID: c.ID(), Reason: reason})
	}
}
