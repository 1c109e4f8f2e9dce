package matching

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// This file holds the group-formation model both searches share (validation,
// flat arrays, the objective) and the exact search: branch and bound over
// people in a fixed order, each placed in a home or left out, pruned by an
// upper bound on (people placed, total) and by the symmetry of
// interchangeable empty homes.

// GroupsTotal checks that groups (one list of people per home) is a valid
// answer to p, keeping every hard constraint and placing nobody twice, and
// returns its total. Errors wrap ErrInvalidGroups.
func GroupsTotal(p GroupProblem, groups [][]int) (float64, error) {
	in, err := newGrpInst(p)
	if err != nil {
		return 0, err
	}
	if len(groups) != in.m {
		return 0, fmt.Errorf("matching: %d groups for %d homes: %w", len(groups), in.m, ErrInvalidGroups)
	}
	home := slices.Repeat([]int{in.m}, in.n)
	for h, g := range groups {
		if len(g) > in.caps[h] {
			return 0, fmt.Errorf("matching: home %d holds %d people, capacity %d: %w", h, len(g), in.caps[h], ErrInvalidGroups)
		}
		for _, i := range g {
			if i < 0 || i >= in.n || home[i] != in.m {
				return 0, fmt.Errorf("matching: person %d out of range or placed twice: %w", i, ErrInvalidGroups)
			}
			if !in.fitOK[h*in.n+i] {
				return 0, fmt.Errorf("matching: person %d cannot take home %d: %w", i, h, ErrInvalidGroups)
			}
			home[i] = h
		}
		for a, i := range g {
			for _, j := range g[a+1:] {
				if in.forb[i*in.n+j] {
					return 0, fmt.Errorf("matching: persons %d and %d must not share home %d: %w", i, j, h, ErrInvalidGroups)
				}
			}
		}
	}
	return in.total(home), nil
}

// grpInst is a validated problem in flat arrays: s and forb are n×n (forb
// holds Never and Floor, s is 0 on forbidden cells and the diagonal), fit and
// fitOK are m×n, home-major like the search sums, so that a move updates and
// a swap scan reads contiguous rows. eps is the tolerance for comparing
// totals.
type grpInst struct {
	n, m  int
	caps  []int
	s     []float64
	forb  []bool
	fit   []float64
	fitOK []bool
	eps   float64
	// partners[i] and fitHomes[i] are i's best-scoring allowed partners and
	// best-fitting allowed homes, the candidates of narrow local search
	// (pools above grpNarrowMin only).
	partners [][]int
	fitHomes [][]int
}

// newGrpInst validates p and flattens it.
func newGrpInst(p GroupProblem) (*grpInst, error) {
	n, m := len(p.Scores), len(p.Capacities)
	in := &grpInst{n: n, m: m, caps: slices.Clone(p.Capacities), s: make([]float64, n*n), forb: make([]bool, n*n),
		fit: make([]float64, n*m), fitOK: make([]bool, n*m)}
	if err := in.readPairs(p); err != nil {
		return nil, err
	}
	for h, c := range p.Capacities {
		if c < 0 {
			return nil, fmt.Errorf("matching: home %d has negative capacity %d: %w", h, c, ErrInvalidGroups)
		}
	}
	if err := in.readFit(p); err != nil {
		return nil, err
	}
	scale := 0.0
	for _, v := range in.s {
		scale = max(scale, math.Abs(v))
	}
	for _, v := range in.fit {
		scale = max(scale, math.Abs(v))
	}
	in.eps = 1e-9 * max(scale, 1)
	return in, nil
}

// readPairs fills s and forb from Scores, Never and Floor.
func (in *grpInst) readPairs(p GroupProblem) error {
	n := in.n
	if p.Never != nil && len(p.Never) != n {
		return fmt.Errorf("matching: Never has %d rows, want %d: %w", len(p.Never), n, ErrInvalidGroups)
	}
	if p.UseFloor && math.IsNaN(p.Floor) {
		return fmt.Errorf("matching: Floor is NaN: %w", ErrInvalidGroups)
	}
	for i, row := range p.Scores {
		if len(row) != n || p.Never != nil && len(p.Never[i]) != n {
			return fmt.Errorf("matching: row %d of Scores or Never does not have %d cells: %w", i, n, ErrInvalidGroups)
		}
	}
	for i := range n {
		for j := range n {
			never := p.Never != nil && p.Never[i][j]
			if p.Never != nil && never != p.Never[j][i] {
				return fmt.Errorf("matching: Never[%d][%d] != Never[%d][%d]: %w", i, j, j, i, ErrInvalidGroups)
			}
			if i == j || never {
				in.forb[i*n+j] = i != j
				continue
			}
			v := p.Scores[i][j]
			if math.IsNaN(v) || math.IsInf(v, 0) || v != p.Scores[j][i] {
				return fmt.Errorf("matching: Scores[%d][%d] = %v is not finite or not symmetric: %w", i, j, v, ErrInvalidGroups)
			}
			if p.UseFloor && v < p.Floor {
				in.forb[i*n+j] = true
				continue
			}
			in.s[i*n+j] = v
		}
	}
	return nil
}

// readFit fills fit and fitOK from Fit and FitForbidden.
func (in *grpInst) readFit(p GroupProblem) error {
	n, m := in.n, in.m
	if p.Fit != nil && len(p.Fit) != n || p.FitForbidden != nil && len(p.FitForbidden) != n {
		return fmt.Errorf("matching: Fit and FitForbidden need %d rows: %w", n, ErrInvalidGroups)
	}
	for i := range n {
		if p.Fit != nil && len(p.Fit[i]) != m || p.FitForbidden != nil && len(p.FitForbidden[i]) != m {
			return fmt.Errorf("matching: row %d of Fit or FitForbidden does not have %d cells: %w", i, m, ErrInvalidGroups)
		}
		for h := range m {
			if p.FitForbidden != nil && p.FitForbidden[i][h] {
				continue
			}
			in.fitOK[h*n+i] = true
			if p.Fit != nil {
				v := p.Fit[i][h]
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("matching: Fit[%d][%d] = %v is not finite: %w", i, h, v, ErrInvalidGroups)
				}
				in.fit[h*n+i] = v
			}
		}
	}
	return nil
}

// total computes from scratch the objective of home (person -> home, m for
// unassigned).
func (in *grpInst) total(home []int) float64 {
	t := 0.0
	for i, h := range home {
		if h == in.m {
			continue
		}
		t += in.fit[h*in.n+i]
		for j := i + 1; j < in.n; j++ {
			if home[j] == h {
				t += in.s[i*in.n+j]
			}
		}
	}
	return t
}

// solution turns person -> home into a GroupSolution.
func (in *grpInst) solution(home []int) GroupSolution {
	sol := GroupSolution{Groups: make([][]int, in.m), Unassigned: []int{}, Total: in.total(home)}
	for h := range sol.Groups {
		sol.Groups[h] = []int{}
	}
	for i, h := range home {
		if h == in.m {
			sol.Unassigned = append(sol.Unassigned, i)
		} else {
			sol.Groups[h] = append(sol.Groups[h], i)
		}
	}
	in.canonical(sol.Groups)
	return sol
}

// canonical reorders the groups of interchangeable homes by their first
// member, empty groups last, so that the answer does not depend on which of
// two identical homes the search happened to fill.
func (in *grpInst) canonical(groups [][]int) {
	byClass := map[int][]int{}
	for h, c := range in.homeClasses() {
		byClass[c] = append(byClass[c], h)
	}
	for _, homes := range byClass {
		gs := make([][]int, len(homes))
		for k, h := range homes {
			gs[k] = groups[h]
		}
		slices.SortStableFunc(gs, func(a, b []int) int {
			if len(a) == 0 || len(b) == 0 {
				return cmp.Compare(len(b), len(a))
			}
			return cmp.Compare(a[0], b[0])
		})
		for k, h := range homes {
			groups[h] = gs[k]
		}
	}
}

// homeClasses gives each home the lowest index of the homes with the same
// capacity and the same fit column: interchangeable homes.
func (in *grpInst) homeClasses() []int {
	class := make([]int, in.m)
	first := map[string]int{}
	key := make([]byte, 0, 8+9*in.n)
	for h := range in.m {
		key = binary.LittleEndian.AppendUint64(key[:0], uint64(in.caps[h]))
		for i := range in.n {
			ok := byte(0)
			if in.fitOK[h*in.n+i] {
				ok = 1
			}
			key = binary.LittleEndian.AppendUint64(append(key, ok), math.Float64bits(in.fit[h*in.n+i]))
		}
		c, seen := first[string(key)]
		if !seen {
			c = h
			first[string(key)] = h
		}
		class[h] = c
	}
	return class
}

// better reports whether (placed, total) beats (placed0, total0).
func (in *grpInst) better(placed int, total float64, placed0 int, total0 float64) bool {
	return placed > placed0 || placed == placed0 && total > total0+in.eps
}

// grpBB is the branch-and-bound search state.
type grpBB struct {
	in    *grpInst
	order []int // people, most promising first
	class []int // homes with equal class are interchangeable
	kmax  int   // largest capacity minus one
	// top[d][k*(kmax+1)+c] is the sum of the c largest positive scores that
	// person order[k] (k >= d) may have with the others in order[d:].
	top [][]float64

	home         []int
	size         []int
	gain         []float64
	clash        []int32
	placed, room int
	score        float64

	best            []int
	bestPlaced      int
	bestScore       float64
	nodes, maxNodes int
	vals            []float64
	opts            [][]grpOpt
}

// grpOpt is one home to try for the person at some depth.
type grpOpt struct {
	home int
	val  float64
}

// grpBranchAndBound searches for an assignment better than start (person ->
// home, m for unassigned) within maxNodes nodes. It returns the best
// assignment found and whether the search finished, proving it optimal.
func grpBranchAndBound(in *grpInst, start []int, maxNodes int) ([]int, bool) {
	bb := newGrpBB(in, start, maxNodes)
	bb.search(0)
	return bb.best, bb.nodes <= bb.maxNodes
}

func newGrpBB(in *grpInst, start []int, maxNodes int) *grpBB {
	bb := &grpBB{in: in, home: slices.Repeat([]int{in.m}, in.n), size: make([]int, in.m),
		gain: make([]float64, in.n*in.m), clash: make([]int32, in.n*in.m), maxNodes: maxNodes,
		best: slices.Clone(start), opts: make([][]grpOpt, in.n)}
	for _, c := range in.caps {
		bb.room += min(c, in.n)
		bb.kmax = max(bb.kmax, min(c, in.n)-1)
	}
	for _, h := range start {
		if h < in.m {
			bb.bestPlaced++
		}
	}
	bb.bestScore = in.total(start)
	bb.orderPeople()
	bb.class = in.homeClasses()
	bb.topSums()
	return bb
}

// orderPeople puts first the people with the most to gain: their best fit
// plus their kmax best positive scores.
func (bb *grpBB) orderPeople() {
	in := bb.in
	weight := make([]float64, in.n)
	for i := range in.n {
		pos := bb.positiveScores(i, nil)
		for _, v := range pos[:min(len(pos), bb.kmax)] {
			weight[i] += v
		}
		bestFit := 0.0
		for h := range in.m {
			if in.fitOK[h*in.n+i] {
				bestFit = max(bestFit, in.fit[h*in.n+i])
			}
		}
		weight[i] += bestFit
	}
	bb.order = make([]int, in.n)
	for i := range bb.order {
		bb.order[i] = i
	}
	slices.SortStableFunc(bb.order, func(a, b int) int { return cmp.Compare(weight[b], weight[a]) })
}

// positiveScores returns, largest first, i's positive scores with the people
// in among (everyone when nil) it may live with.
func (bb *grpBB) positiveScores(i int, among []int) []float64 {
	in := bb.in
	var out []float64
	add := func(j int) {
		if j != i && !in.forb[i*in.n+j] && in.s[i*in.n+j] > 0 {
			out = append(out, in.s[i*in.n+j])
		}
	}
	if among == nil {
		for j := range in.n {
			add(j)
		}
	} else {
		for _, j := range among {
			add(j)
		}
	}
	slices.SortFunc(out, func(a, b float64) int { return cmp.Compare(b, a) })
	return out
}

// topSums fills top for every depth.
func (bb *grpBB) topSums() {
	n, w := bb.in.n, bb.kmax+1
	bb.top = make([][]float64, n)
	for d := range n {
		bb.top[d] = make([]float64, n*w)
		for k := d; k < n; k++ {
			pos := bb.positiveScores(bb.order[k], bb.order[d:])
			row := bb.top[d][k*w : (k+1)*w]
			for c := 1; c < w; c++ {
				row[c] = row[c-1]
				if c <= len(pos) {
					row[c] += pos[c-1]
				}
			}
		}
	}
}

// place puts person i in home h (h < m) or takes it out (out set).
func (bb *grpBB) place(i, h int, out bool) {
	in := bb.in
	sign, c := 1.0, int32(1)
	if out {
		sign, c = -1, -1
		bb.home[i] = in.m
		bb.size[h]--
		bb.placed--
		bb.room++
		bb.score -= in.fit[h*in.n+i] + bb.gain[h*in.n+i]
	} else {
		bb.score += in.fit[h*in.n+i] + bb.gain[h*in.n+i]
		bb.home[i] = h
		bb.size[h]++
		bb.placed++
		bb.room--
	}
	for j := range in.n {
		bb.gain[h*in.n+j] += sign * in.s[i*in.n+j]
		if in.forb[i*in.n+j] {
			bb.clash[h*in.n+j] += c
		}
	}
}

// search explores the people from depth d on.
func (bb *grpBB) search(d int) {
	bb.nodes++
	if bb.nodes > bb.maxNodes {
		return
	}
	in := bb.in
	if d == in.n {
		if in.better(bb.placed, bb.score, bb.bestPlaced, bb.bestScore) {
			copy(bb.best, bb.home)
			bb.bestPlaced, bb.bestScore = bb.placed, bb.score
		}
		return
	}
	if !bb.promising(d) {
		return
	}
	i := bb.order[d]
	for _, o := range bb.options(d, i) {
		bb.place(i, o.home, false)
		bb.search(d + 1)
		bb.place(i, o.home, true)
		if bb.nodes > bb.maxNodes {
			return
		}
	}
	bb.search(d + 1)
}

// options lists the homes person i can join, best immediate value first,
// trying only the first of several interchangeable empty homes.
func (bb *grpBB) options(d, i int) []grpOpt {
	in := bb.in
	opts := bb.opts[d][:0]
	for h := range in.m {
		k := h*in.n + i
		if bb.size[h] >= in.caps[h] || !in.fitOK[k] || bb.clash[k] != 0 || bb.size[h] == 0 && bb.twinEmpty(h) {
			continue
		}
		opts = append(opts, grpOpt{h, in.fit[k] + bb.gain[k]})
	}
	slices.SortStableFunc(opts, func(a, b grpOpt) int { return cmp.Compare(b.val, a.val) })
	bb.opts[d] = opts
	return opts
}

// twinEmpty reports whether an earlier home of h's class is also empty.
func (bb *grpBB) twinEmpty(h int) bool {
	for g := range h {
		if bb.class[g] == bb.class[h] && bb.size[g] == 0 {
			return true
		}
	}
	return false
}

// promising reports whether the subtree at depth d may beat the best
// answer. Each remaining person can be placed at most once and contributes at
// most its best home value: fit, scores with the people already there, and
// half its best positive scores with remaining people for the room left
// (each remaining pair is shared by both sides). If the count bound only ties
// the best, exactly that many more must be placed, so the bound sums the
// largest of those values.
func (bb *grpBB) promising(d int) bool {
	in, w := bb.in, bb.kmax+1
	vals := bb.vals[:0]
	for k := d; k < in.n; k++ {
		i := bb.order[k]
		best, ok := 0.0, false
		for h := range in.m {
			idx := h*in.n + i
			free := in.caps[h] - bb.size[h]
			if free <= 0 || !in.fitOK[idx] || bb.clash[idx] != 0 {
				continue
			}
			v := in.fit[idx] + bb.gain[idx] + 0.5*bb.top[d][k*w+min(free-1, bb.kmax)]
			if !ok || v > best {
				best, ok = v, true
			}
		}
		if ok {
			vals = append(vals, best)
		}
	}
	bb.vals = vals
	countUB := bb.placed + min(len(vals), bb.room)
	if countUB != bb.bestPlaced {
		return countUB > bb.bestPlaced
	}
	need := bb.bestPlaced - bb.placed
	if need < len(vals) {
		slices.SortFunc(vals, func(a, b float64) int { return cmp.Compare(b, a) })
	}
	ub := bb.score
	for _, v := range vals[:need] {
		ub += v
	}
	return ub > bb.bestScore+in.eps
}
