package rounds

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
)

// A round stores, next to each proposal, the next best options it saw for
// each member and for the home, with their scores and main factors, under
// "rounds:alt:<proposal id>". A mediator asking for alternatives reads them
// back at once (and learns which are no longer free), instead of waiting
// for a district's pool to be scored again.

// altTTL is how long a proposal's alternatives are kept.
const altTTL = 180 * 24 * time.Hour

func altKey(proposalID string) string { return "rounds:alt:" + proposalID }

// Option is one alternative: a partner or a home for a member, or a person
// for the home; its score (mutual score or home fit, in thousandths) and
// the factors that weigh most (the two strongest and the weakest).
type Option struct {
	PersonID string           `json:"person_id,omitempty"`
	HomeID   string           `json:"home_id,omitempty"`
	Score    int              `json:"score"`
	Factors  []housing.Factor `json:"factors,omitempty"`
	// Taken is set on reading: the person or home is no longer free (in
	// another proposal, a placement, or the home is full).
	Taken bool `json:"-"`
}

// MemberOptions are one member's alternatives, best first.
type MemberOptions struct {
	PersonID string   `json:"person_id"`
	Partners []Option `json:"partners,omitempty"`
	Homes    []Option `json:"homes,omitempty"`
}

// Alternatives are a proposal's next best options, as its round saw them.
type Alternatives struct {
	ProposalID string          `json:"proposal_id"`
	HomeID     string          `json:"home_id"`
	Members    []MemberOptions `json:"members"`
	ForHome    []Option        `json:"for_home,omitempty"` // waiting people who fit the home best (home fit)
	At         time.Time       `json:"at"`
}

// Alternatives returns the alternatives stored with a proposal, marking
// those no longer free, and audits the read for by (one entry per person
// named). ErrNotFound when the proposal's round stored none.
func (r *Runner) Alternatives(ctx context.Context, proposalID string, by Actor) (Alternatives, error) {
	raw, err := r.store.GetState(ctx, altKey(proposalID))
	if err != nil {
		return Alternatives{}, fmt.Errorf("rounds: alternatives of %s: %w", proposalID, err)
	}
	var a Alternatives
	if err := json.Unmarshal(raw, &a); err != nil {
		return Alternatives{}, fmt.Errorf("rounds: alternatives of %s: %w", proposalID, err)
	}
	if err := r.markTaken(ctx, &a); err != nil {
		return a, err
	}
	for _, id := range a.people() {
		if err := r.auditAs(ctx, by, "proposal.alternatives", "proposal/"+proposalID, id, "mediator review"); err != nil {
			return a, err
		}
	}
	return a, nil
}

// people returns everyone the alternatives name, once each.
func (a *Alternatives) people() []string {
	var out []string
	add := func(id string) {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, m := range a.Members {
		add(m.PersonID)
		for _, o := range m.Partners {
			add(o.PersonID)
		}
	}
	for _, o := range a.ForHome {
		add(o.PersonID)
	}
	return out
}

// markTaken flags the options that are no longer free.
func (r *Runner) markTaken(ctx context.Context, a *Alternatives) error {
	busy, _, err := r.busyAndRejected(ctx)
	if err != nil {
		return err
	}
	p, err := r.store.Proposal(ctx, a.ProposalID)
	if err != nil {
		return fmt.Errorf("rounds: alternatives of %s: %w", a.ProposalID, err)
	}
	// This proposal's own members and home are busy only because of it.
	mine := func(id string) bool {
		return p.Status == housing.ProposalPending && (p.HasMember(id) || id == p.HomeID)
	}
	full := map[string]bool{}
	for i := range a.Members {
		m := &a.Members[i]
		for j := range m.Partners {
			m.Partners[j].Taken = busy[m.Partners[j].PersonID] && !mine(m.Partners[j].PersonID)
		}
		for j := range m.Homes {
			id := m.Homes[j].HomeID
			if _, seen := full[id]; !seen {
				h, err := r.store.Home(ctx, id)
				if err != nil {
					return fmt.Errorf("rounds: alternatives of %s: %w", a.ProposalID, err)
				}
				full[id] = h.Free() == 0 || !h.Available
			}
			m.Homes[j].Taken = full[id] || (busy[id] && !mine(id))
		}
	}
	for j := range a.ForHome {
		a.ForHome[j].Taken = busy[a.ForHome[j].PersonID] && !mine(a.ForHome[j].PersonID)
	}
	return nil
}

// storeAlternatives keeps the alternatives of a round's proposal.
func (r *Runner) storeAlternatives(ctx context.Context, pool *Pool, rp matching.RoundProposal, prop housing.Proposal) error {
	a := alternativesOf(pool, rp, prop.ID, prop.CreatedAt)
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("rounds: alternatives of %s: %w", prop.ID, err)
	}
	if err := r.store.PutState(ctx, altKey(prop.ID), raw, altTTL); err != nil {
		return fmt.Errorf("rounds: alternatives of %s: %w", prop.ID, err)
	}
	return nil
}

// alternativesOf explains the options a round listed for a proposal and
// ranks the other waiting people for its home.
func alternativesOf(pool *Pool, rp matching.RoundProposal, proposalID string, at time.Time) Alternatives {
	cands := map[string]matching.Candidate{}
	for _, c := range append(slices.Clip(pool.People), pool.Residents...) {
		cands[c.ID()] = c
	}
	homes := map[string]housing.Home{}
	for _, h := range pool.Homes {
		homes[h.ID] = h
	}
	a := Alternatives{ProposalID: proposalID, HomeID: rp.HomeID, At: at}
	for _, ma := range rp.Alternatives {
		m, ok := cands[ma.PersonID]
		if !ok {
			continue
		}
		mo := MemberOptions{PersonID: ma.PersonID}
		for _, o := range ma.Partners {
			other, ok := cands[o.PersonID]
			if !ok {
				continue
			}
			e := matching.Explain(m, other, pool.Weights)
			mo.Partners = append(mo.Partners, Option{PersonID: o.PersonID, Score: o.Score, Factors: mainFactors(e)})
		}
		for _, o := range ma.Homes {
			h, ok := homes[o.HomeID]
			if !ok {
				continue
			}
			e := matching.ExplainHome(m, h, pool.Weights)
			mo.Homes = append(mo.Homes, Option{HomeID: o.HomeID, Score: o.Score, Factors: mainFactors(e)})
		}
		a.Members = append(a.Members, mo)
	}
	a.ForHome = forHome(pool, homes[rp.HomeID], rp.Members)
	return a
}

// forHome ranks the waiting people other than members by their fit to h,
// among those the hard constraints allow.
func forHome(pool *Pool, h housing.Home, members []string) []Option {
	var out []Option
	for _, c := range pool.People {
		if slices.Contains(members, c.ID()) {
			continue
		}
		if ok, _ := matching.CheckHome(c, h); !ok {
			continue
		}
		e := matching.ExplainHome(c, h, pool.Weights)
		out = append(out, Option{PersonID: c.ID(), Score: e.Score, Factors: mainFactors(e)})
	}
	slices.SortStableFunc(out, func(x, y Option) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(x.PersonID, y.PersonID))
	})
	return out[:min(len(out), matching.DefaultAlternatives)]
}

// mainFactors returns the two strongest positive contributions and the
// weakest negative one, the baseline left out.
func mainFactors(e matching.Explanation) []housing.Factor {
	var fs []housing.Factor
	for _, c := range e.Factors {
		if c.Key != matching.BaselineKey && c.Contribution != 0 {
			fs = append(fs, housing.Factor{Key: c.Key, Contribution: c.Contribution})
		}
	}
	return Highlights(fs, 2)
}

// Highlights returns the k largest positive contributions of fs, largest
// first, followed by the most negative one (if any); the baseline is left
// out. It is how proposals and alternatives are summed up for mediators.
func Highlights(fs []housing.Factor, k int) []housing.Factor {
	var pos []housing.Factor
	var worst *housing.Factor
	for i, f := range fs {
		switch {
		case f.Key == matching.BaselineKey:
		case f.Contribution > 0:
			pos = append(pos, f)
		case f.Contribution < 0 && (worst == nil || f.Contribution < worst.Contribution):
			worst = &fs[i]
		}
	}
	slices.SortStableFunc(pos, func(a, b housing.Factor) int { return b.Contribution - a.Contribution })
	pos = pos[:min(k, len(pos))]
	if worst != nil {
		pos = append(pos, *worst)
	}
	return pos
}
