package matching

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/convivo/convivo/housing"
)

// DefaultFloor is the lowest mutual score, in thousandths, of two people a
// round places together. It sits just under the neutral Baseline: a pair
// the engine finds worse than neutral is never forced on anyone.
const DefaultFloor = 450

// DefaultAlternatives is how many alternatives a round lists per member.
const DefaultAlternatives = 3

// Keys of the reasons a person is left out of a round.
const (
	UnplacedNoHome  = "round.no_home"  // no home the hard constraints allow
	UnplacedNoMatch = "round.no_match" // homes allowed, but no household above the floor had room
)

// RoundInput is everything one matching round looks at. A round is pure:
// the same input gives the same proposals.
type RoundInput struct {
	// People are the candidates waiting for a home, with the rejections
	// mediators made attached (Candidate.WithRejected).
	People []Candidate
	// Homes are the homes with free places.
	Homes []housing.Home
	// Residents are candidates for the people already living in Homes:
	// IESA hosts and current occupants. Newcomers must be compatible with
	// them too.
	Residents []Candidate
	// Weights score every pair and home fit.
	Weights Weights
	// Floor is the lowest mutual score placed together (0: DefaultFloor).
	Floor int
	// Alternatives per member (0: DefaultAlternatives).
	Alternatives int
	// Seed drives the group solver's local search.
	Seed uint64
}

// Option is one alternative for a member: a partner or a home, and its
// score (mutual score, or home fit).
type Option struct {
	PersonID string `json:"person_id,omitempty"`
	HomeID   string `json:"home_id,omitempty"`
	Score    int    `json:"score"`
}

// MemberAlternatives lists a member's best other options, best first.
type MemberAlternatives struct {
	PersonID string   `json:"person_id"`
	Partners []Option `json:"partners,omitempty"`
	Homes    []Option `json:"homes,omitempty"`
}

// RoundProposal is one household a round proposes: who moves into which
// home, why, and what else was close.
type RoundProposal struct {
	Kind         housing.HomeKind     `json:"kind"`
	Solver       string               `json:"solver"` // "assignment", "blossom+assignment", "groups"
	HomeID       string               `json:"home_id"`
	Members      []string             `json:"members"`
	Explanation  Explanation          `json:"explanation"`
	Alternatives []MemberAlternatives `json:"alternatives,omitempty"`
}

// Unplaced is a person the round could not place, with a reason key.
type Unplaced struct {
	PersonID string `json:"person_id"`
	Reason   string `json:"reason"`
}

// RoundResult is a round's answer.
type RoundResult struct {
	Proposals []RoundProposal `json:"proposals"`
	Unplaced  []Unplaced      `json:"unplaced,omitempty"`
}

// round holds one Round call's working state.
type round struct {
	in       RoundInput
	floor    int
	homes    []housing.Home        // sorted by id
	people   []Candidate           // sorted by id
	known    map[string]*Candidate // residents and people by id
	placed   map[string]bool       // people proposed so far
	freeLeft map[string]int        // free places left per home id
	result   RoundResult
}

// Round proposes households for the homes in the input, choosing the solver
// per home kind, in this order:
//
//  1. IESA homes take guests who asked for IESA: a maximum-weight
//     assignment of guests to host slots (a host with c places is c slots),
//     scored by the guest–host mutual score and the guest's home fit.
//  2. Empty flats for two take pairs: a maximum-weight matching of people
//     (Edmonds' blossom) over mutual scores above the floor, then an
//     assignment of pairs to flats by pair score and both home fits.
//  3. Every other home with free places (larger flats, partly occupied
//     flats, cohousing) takes groups: the group solver places as many
//     people as possible and maximises the within-home scores plus fit,
//     with existing residents counted.
//
// People placed in one step are not offered in the next. Every hard
// constraint holds throughout: pairs and homes they remove are never
// proposed, and nobody is placed with anyone below the floor.
func Round(in RoundInput) (RoundResult, error) {
	if err := in.Weights.Validate(); err != nil {
		return RoundResult{}, fmt.Errorf("matching: round: %w", err)
	}
	r := newRound(in)
	if err := r.iesa(); err != nil {
		return RoundResult{}, err
	}
	if err := r.pairs(); err != nil {
		return RoundResult{}, err
	}
	if err := r.groups(); err != nil {
		return RoundResult{}, err
	}
	r.unplaced()
	return r.result, nil
}

func newRound(in RoundInput) *round {
	r := &round{in: in, floor: cmp.Or(in.Floor, DefaultFloor), known: map[string]*Candidate{},
		placed: map[string]bool{}, freeLeft: map[string]int{}}
	if r.in.Alternatives == 0 {
		r.in.Alternatives = DefaultAlternatives
	}
	r.homes = slices.Clone(in.Homes)
	slices.SortFunc(r.homes, func(a, b housing.Home) int { return cmp.Compare(a.ID, b.ID) })
	r.people = slices.Clone(in.People)
	slices.SortFunc(r.people, func(a, b Candidate) int { return cmp.Compare(a.ID(), b.ID()) })
	for i := range in.Residents {
		r.known[in.Residents[i].ID()] = &in.Residents[i]
	}
	for i := range r.people {
		r.known[r.people[i].ID()] = &r.people[i]
	}
	for _, h := range r.homes {
		r.freeLeft[h.ID] = h.Free()
	}
	return r
}

// residentsOf returns the candidates already living in h (host first).
func (r *round) residentsOf(h *housing.Home) []Candidate {
	var out []Candidate
	if c, ok := r.known[h.HostID]; ok && h.HostID != "" {
		out = append(out, *c)
	}
	for _, o := range h.Occupants {
		if c, ok := r.known[o.PersonID]; ok {
			out = append(out, *c)
		}
	}
	return out
}

// fitWithResidents returns a's fit to h counting the people already there:
// the mean of a's home fit and a's mutual scores with each resident, or
// Removed when a hard rule or the floor rules the home out.
func (r *round) fitWithResidents(a Candidate, h *housing.Home) int {
	if ok, _ := CheckHome(a, *h); !ok {
		return Removed
	}
	scores := []int{HomeFit(a, *h, r.in.Weights)}
	for _, res := range r.residentsOf(h) {
		if ok, _ := CheckPair(a, res); !ok {
			return Removed
		}
		s := Score(a, res, r.in.Weights)
		if s < r.floor {
			return Removed
		}
		scores = append(scores, s)
	}
	s, _ := CombineScores(scores, ones(len(scores)))
	return s
}

// waiting returns the people not placed yet who may take a home of kind k.
func (r *round) waiting(k housing.HomeKind, explicit bool) []Candidate {
	var out []Candidate
	for _, c := range r.people {
		if r.placed[c.ID()] {
			continue
		}
		forms := c.Profile().HousingForms
		if (explicit || len(forms) > 0) && !slices.Contains(forms, k) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func ones(n int) []int {
	w := make([]int, n)
	for i := range w {
		w[i] = 1
	}
	return w
}
