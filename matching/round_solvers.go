package matching

import (
	"fmt"
	"slices"

	"github.com/convivo/convivo/housing"
)

// The solver names a RoundProposal reports.
const (
	SolverAssignment = "assignment"
	SolverPairs      = "blossom+assignment"
	SolverGroups     = "groups"
)

// openHomes returns the homes with places left that pass keep.
func (r *round) openHomes(keep func(h *housing.Home) bool) []*housing.Home {
	var out []*housing.Home
	for i := range r.homes {
		h := &r.homes[i]
		if r.freeLeft[h.ID] > 0 && keep(h) {
			out = append(out, h)
		}
	}
	return out
}

// assignWithDummies solves a maximum-weight assignment of rows to columns
// where each row may also stay out (a private zero-value column). value
// returns a row–column value or Removed. It returns each row's column, or
// -1.
func assignWithDummies(rows, cols int, value func(i, j int) int) ([]int, error) {
	if rows == 0 || cols == 0 {
		return slices.Repeat([]int{-1}, rows), nil
	}
	cost := make([][]float64, rows)
	forbidden := make([][]bool, rows)
	for i := range rows {
		cost[i] = make([]float64, cols+rows)
		forbidden[i] = make([]bool, cols+rows)
		for j := range cols {
			if v := value(i, j); v == Removed {
				forbidden[i][j] = true
			} else {
				cost[i][j] = float64(v)
			}
		}
		for j := range rows {
			forbidden[i][cols+j] = j != i
		}
	}
	a, err := SolveAssignment(AssignProblem{Cost: cost, Forbidden: forbidden, Maximize: true})
	if err != nil {
		return nil, fmt.Errorf("matching: round assignment: %w", err)
	}
	out := slices.Repeat([]int{-1}, rows)
	for k, i := range a.Rows {
		if j := a.Cols[k]; j < cols {
			out[i] = j
		}
	}
	return out, nil
}

// iesa places guests who asked for IESA with hosts, by assignment to slots.
func (r *round) iesa() error {
	homes := r.openHomes(func(h *housing.Home) bool { return h.Kind == housing.KindIESA })
	guests := r.waiting(housing.KindIESA, true)
	if len(homes) == 0 || len(guests) == 0 {
		return nil
	}
	caps := make([]int, len(homes))
	for k, h := range homes {
		caps[k] = r.freeLeft[h.ID]
	}
	owner := ExpandSlots(caps)
	fit := make([][]int, len(guests))
	for i, g := range guests {
		fit[i] = make([]int, len(homes))
		for k, h := range homes {
			fit[i][k] = r.fitWithResidents(g, h)
		}
	}
	slot, err := assignWithDummies(len(guests), len(owner), func(i, j int) int { return fit[i][owner[j]] })
	if err != nil {
		return err
	}
	byHome := make([][]Candidate, len(homes))
	for i, j := range slot {
		if j >= 0 {
			byHome[owner[j]] = append(byHome[owner[j]], guests[i])
		}
	}
	for k, h := range homes {
		if members := r.compatible(byHome[k], h); len(members) > 0 {
			if err := r.propose(SolverAssignment, h, members); err != nil {
				return err
			}
		}
	}
	return nil
}

// compatible keeps the members that can live together (in order, each
// kept only if compatible above the floor with those kept before) and that
// the home's household rules admit.
func (r *round) compatible(members []Candidate, h *housing.Home) []Candidate {
	var kept []Candidate
	for _, m := range members {
		ok := true
		for _, k := range kept {
			if allowed, _ := CheckPair(m, k); !allowed || Score(m, k, r.in.Weights) < r.floor {
				ok = false
				break
			}
		}
		if ok {
			if fine, _ := CheckHousehold(*h, append(slices.Clone(kept), m)); fine {
				kept = append(kept, m)
			}
		}
	}
	return kept
}

// pairs forms pairs for empty flats for two: blossom, then assignment.
func (r *round) pairs() error {
	homes := r.openHomes(func(h *housing.Home) bool {
		return h.Kind == housing.KindFlat && len(h.Occupants) == 0 && r.freeLeft[h.ID] == 2
	})
	people := r.waiting(housing.KindFlat, false)
	if len(homes) == 0 || len(people) < 2 {
		return nil
	}
	fit := make([][]int, len(people))
	for i, p := range people {
		fit[i] = make([]int, len(homes))
		for k, h := range homes {
			fit[i][k] = r.fitWithResidents(p, h)
		}
	}
	scores := PairScores(people, r.in.Weights)
	var edges []Edge
	for i := range people {
		for j := i + 1; j < len(people); j++ {
			if s := scores[i][j]; s >= r.floor && shareHome(fit[i], fit[j]) {
				edges = append(edges, Edge{U: i, V: j, W: float64(s)})
			}
		}
	}
	m, err := MaxWeightMatching(len(people), edges, MatchingOptions{})
	if err != nil {
		return fmt.Errorf("matching: round pairs: %w", err)
	}
	where, err := assignWithDummies(len(m.Pairs), len(homes), func(p, k int) int {
		a, b := m.Pairs[p][0], m.Pairs[p][1]
		if fit[a][k] == Removed || fit[b][k] == Removed {
			return Removed
		}
		if ok, _ := CheckHousehold(*homes[k], []Candidate{people[a], people[b]}); !ok {
			return Removed
		}
		s, _ := CombineScores([]int{scores[a][b], fit[a][k], fit[b][k]}, []int{2, 1, 1})
		return s
	})
	if err != nil {
		return err
	}
	for p, k := range where {
		if k >= 0 {
			pair := []Candidate{people[m.Pairs[p][0]], people[m.Pairs[p][1]]}
			if err := r.propose(SolverPairs, homes[k], pair); err != nil {
				return err
			}
		}
	}
	return nil
}

// shareHome reports whether two people can both take at least one home.
func shareHome(a, b []int) bool {
	for k := range a {
		if a[k] != Removed && b[k] != Removed {
			return true
		}
	}
	return false
}

// groups fills every other home with places left using the group solver.
func (r *round) groups() error {
	homes := r.openHomes(func(h *housing.Home) bool { return h.Kind != housing.KindIESA })
	var people []Candidate
	for _, c := range r.people {
		if !r.placed[c.ID()] {
			people = append(people, c)
		}
	}
	if len(homes) == 0 || len(people) == 0 {
		return nil
	}
	p := GroupProblem{Floor: float64(r.floor), UseFloor: true, Capacities: make([]int, len(homes))}
	scores := PairScores(people, r.in.Weights)
	p.Scores, p.Never = make([][]float64, len(people)), make([][]bool, len(people))
	p.Fit, p.FitForbidden = make([][]float64, len(people)), make([][]bool, len(people))
	for i := range people {
		p.Scores[i], p.Never[i] = make([]float64, len(people)), make([]bool, len(people))
		for j := range people {
			p.Scores[i][j], p.Never[i][j] = float64(scores[i][j]), scores[i][j] == Removed
		}
		p.Fit[i], p.FitForbidden[i] = make([]float64, len(homes)), make([]bool, len(homes))
		for k, h := range homes {
			f := r.fitWithResidents(people[i], h)
			p.Fit[i][k], p.FitForbidden[i][k] = float64(f), f == Removed
		}
	}
	for k, h := range homes {
		p.Capacities[k] = r.freeLeft[h.ID]
	}
	sol, err := SolveGroups(p, GroupOptions{Seed: r.in.Seed})
	if err != nil {
		return fmt.Errorf("matching: round groups: %w", err)
	}
	for k, g := range sol.Groups {
		members := make([]Candidate, 0, len(g))
		for _, i := range g {
			members = append(members, people[i])
		}
		if members = r.compatible(members, homes[k]); len(members) > 0 {
			if err := r.propose(SolverGroups, homes[k], members); err != nil {
				return err
			}
		}
	}
	return nil
}
