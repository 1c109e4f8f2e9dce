package matching

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
)

// This file holds group formation: people into homes with capacities (flats
// for three or four, cohousing), maximising first the number of people
// placed, then the sum of within-home pair scores plus person-home fit. The
// problem is NP-hard; SolveGroups runs a seeded greedy construction and
// iterated local search, and for small pools a branch and bound
// (groups_exact.go) that proves the answer optimal.

// ErrInvalidGroups marks a malformed GroupProblem: ragged or asymmetric
// matrices, non-finite numbers, negative capacities.
var ErrInvalidGroups = errors.New("invalid group problem")

// GroupProblem is a group-formation instance over n people and m homes.
type GroupProblem struct {
	// Scores is the symmetric n×n pair-score matrix; the diagonal is ignored,
	// and so are cells marked in Never.
	Scores [][]float64
	// Never, if not nil, is a symmetric n×n matrix of pairs that must never
	// share a home.
	Never [][]bool
	// Capacities[h] is the most people home h takes (>= 0).
	Capacities []int
	// Fit, if not nil, is the n×m person-home fit added for each person
	// placed; FitForbidden, if not nil, marks the homes a person cannot take.
	Fit          [][]float64
	FitForbidden [][]bool
	// Floor, when UseFloor is set, is the lowest pair score allowed inside a
	// home: pairs scoring below it are treated as Never.
	Floor    float64
	UseFloor bool
}

// GroupMethod chooses how SolveGroups searches.
type GroupMethod int

const (
	// GroupsAuto runs the heuristic, then proves or improves it by branch and
	// bound when the pool has at most GroupsAutoExactMax people.
	GroupsAuto GroupMethod = iota
	// GroupsExact always follows the heuristic with branch and bound.
	GroupsExact
	// GroupsHeuristic stops after the construction and local search.
	GroupsHeuristic
)

// GroupsAutoExactMax is the largest pool GroupsAuto hands to branch and bound.
const GroupsAutoExactMax = 16

// Default search budgets of GroupOptions.
const (
	GroupsDefaultIters = 20000
	GroupsDefaultNodes = 5_000_000
)

// GroupOptions tunes SolveGroups. The zero value is GroupsAuto with seed 0
// and the default budgets.
type GroupOptions struct {
	Method GroupMethod
	// Seed makes the randomised restarts and perturbations reproducible.
	Seed uint64
	// MaxIters bounds the perturbation rounds of the local search
	// (0: GroupsDefaultIters).
	MaxIters int
	// MaxNodes bounds the branch-and-bound nodes (0: GroupsDefaultNodes).
	MaxNodes int
}

// GroupSolution is an answer to a GroupProblem.
type GroupSolution struct {
	// Groups[h] lists, ascending, the people placed in home h.
	Groups [][]int
	// Unassigned lists, ascending, the people left out.
	Unassigned []int
	// Total is the sum of within-home pair scores plus the fit of the
	// people placed.
	Total float64
	// Optimal reports that branch and bound finished and proved Groups
	// optimal.
	Optimal bool
}

// SolveGroups places the people of p into its homes, keeping every hard
// constraint (capacities, Never, Floor, FitForbidden), placing as many people
// as possible and, among those answers, maximising the total. The answer
// depends only on p and opt. Errors wrap ErrInvalidGroups.
func SolveGroups(p GroupProblem, opt GroupOptions) (GroupSolution, error) {
	in, err := newGrpInst(p)
	if err != nil {
		return GroupSolution{}, err
	}
	iters := opt.MaxIters
	if iters <= 0 {
		iters = GroupsDefaultIters
	}
	home := grpHeuristic(in, opt.Seed, iters)
	optimal := false
	if opt.Method == GroupsExact || opt.Method == GroupsAuto && in.n <= GroupsAutoExactMax {
		nodes := opt.MaxNodes
		if nodes <= 0 {
			nodes = GroupsDefaultNodes
		}
		home, optimal = grpBranchAndBound(in, home, nodes)
	}
	sol := in.solution(home)
	sol.Optimal = optimal
	return sol, nil
}

// Candidate lists of narrow local search: how many partners and homes per
// person, and the smallest pool that uses them.
const (
	grpPartners  = 32
	grpFitHomes  = 8
	grpNarrowMin = 150
)

// candidates fills partners and fitHomes.
func (in *grpInst) candidates() {
	in.partners, in.fitHomes = make([][]int, in.n), make([][]int, in.n)
	for i := range in.n {
		var ps, hs []int
		for j := range in.n {
			if j != i && !in.forb[i*in.n+j] {
				ps = append(ps, j)
			}
		}
		row := in.s[i*in.n : (i+1)*in.n]
		slices.SortStableFunc(ps, func(a, b int) int { return cmp.Compare(row[b], row[a]) })
		in.partners[i] = ps[:min(len(ps), grpPartners)]
		for h := range in.m {
			if in.fitOK[h*in.n+i] {
				hs = append(hs, h)
			}
		}
		slices.SortStableFunc(hs, func(a, b int) int { return cmp.Compare(in.fit[b*in.n+i], in.fit[a*in.n+i]) })
		in.fitHomes[i] = hs[:min(len(hs), grpFitHomes)]
	}
}

// grpState is a mutable assignment with the per-person-per-home sums that
// make a move's delta O(1): gain[h*n+i] is the sum of i's scores with the
// members of h, clash[h*n+i] the number of members i must not live with.
// Home m stands for "unassigned" and has no capacity.
type grpState struct {
	in      *grpInst
	home    []int
	members [][]int
	pos     []int
	gain    []float64
	clash   []int32
	placed  int
	total   float64
	moved   []int // people moved since the caller last cleared it
	logging bool
	log     [][2]int // {person, previous home} while logging
	// narrow restricts improve to candidate homes (homesFor); all lists
	// every home, cand, stamp and gen build the candidate list.
	narrow bool
	all    []int
	cand   []int
	stamp  []int
	gen    int
}

// newGrpState returns the state with everyone unassigned.
func newGrpState(in *grpInst) *grpState {
	st := &grpState{in: in, home: make([]int, in.n), members: make([][]int, in.m+1), pos: make([]int, in.n),
		gain: make([]float64, in.n*in.m), clash: make([]int32, in.n*in.m), all: make([]int, in.m+1), stamp: make([]int, in.m+1)}
	for i := range in.n {
		st.home[i], st.pos[i] = in.m, i
		st.members[in.m] = append(st.members[in.m], i)
	}
	for h := range st.all {
		st.all[h] = h
	}
	return st
}

// val is what person i contributes in home h given the others there.
func (st *grpState) val(i, h int) float64 {
	if h == st.in.m {
		return 0
	}
	return st.in.fit[h*st.in.n+i] + st.gain[h*st.in.n+i]
}

// fits reports whether i can join real home h as things stand.
func (st *grpState) fits(i, h int) bool {
	k := h*st.in.n + i
	return len(st.members[h]) < st.in.caps[h] && st.in.fitOK[k] && st.clash[k] == 0
}

// move puts i into home b, updating sums, totals and the undo log.
func (st *grpState) move(i, b int) {
	in, a := st.in, st.home[i]
	if a == b {
		return
	}
	if st.logging {
		st.log = append(st.log, [2]int{i, a})
	}
	st.moved = append(st.moved, i)
	st.total -= st.val(i, a)
	last := st.members[a][len(st.members[a])-1]
	st.members[a][st.pos[i]], st.pos[last] = last, st.pos[i]
	st.members[a] = st.members[a][:len(st.members[a])-1]
	st.pos[i] = len(st.members[b])
	st.members[b] = append(st.members[b], i)
	st.home[i] = b
	row, frow := in.s[i*in.n:(i+1)*in.n], in.forb[i*in.n:(i+1)*in.n]
	if a < in.m {
		st.placed--
		st.addRow(a, row, frow, -1)
	}
	if b < in.m {
		st.placed++
		st.addRow(b, row, frow, 1)
	}
	st.total += st.val(i, b)
}

// addRow adds sign times one person's scores and clashes to home h's sums.
func (st *grpState) addRow(h int, row []float64, frow []bool, sign int32) {
	n := st.in.n
	gain, clash := st.gain[h*n:(h+1)*n], st.clash[h*n:(h+1)*n]
	for j, v := range row {
		gain[j] += float64(sign) * v
		if frow[j] {
			clash[j] += sign
		}
	}
}

// swapDelta returns the change of total when i and j exchange homes, and
// whether the exchange keeps the hard constraints.
func (st *grpState) swapDelta(i, j int) (float64, bool) {
	in := st.in
	a, b := st.home[i], st.home[j]
	sij, fij := in.s[i*in.n+j], int32(0)
	if in.forb[i*in.n+j] {
		fij = 1
	}
	vi, vj := 0.0, 0.0
	if b < in.m {
		k := b*in.n + i
		if !in.fitOK[k] || st.clash[k]-fij != 0 {
			return 0, false
		}
		vi = in.fit[k] + st.gain[k] - sij
	}
	if a < in.m {
		k := a*in.n + j
		if !in.fitOK[k] || st.clash[k]-fij != 0 {
			return 0, false
		}
		vj = in.fit[k] + st.gain[k] - sij
	}
	return vi + vj - st.val(i, a) - st.val(j, b), true
}

// improve applies the best improving move or swap of person i, placing i
// first if it is unassigned, and reports whether it changed anything.
func (st *grpState) improve(i int) bool {
	in, a := st.in, st.home[i]
	if a == in.m && (st.insert(i) || st.eject(i)) {
		return true
	}
	bestD, bestH, bestJ := in.eps, -1, -1
	va := st.val(i, a)
	for _, b := range st.homesFor(i) {
		if b == a {
			continue
		}
		if a < in.m && b < in.m && st.fits(i, b) {
			if d := st.val(i, b) - va; d > bestD {
				bestD, bestH, bestJ = d, b, -1
			}
		}
		if d, j := st.bestSwapInto(i, b, va); j >= 0 && d > bestD {
			bestD, bestH, bestJ = d, b, j
		}
	}
	switch {
	case bestJ >= 0:
		st.move(i, bestH)
		st.move(bestJ, a)
	case bestH >= 0:
		st.move(i, bestH)
	default:
		return false
	}
	return true
}

// homesFor lists the homes (m for unassigned) where improve looks for
// moves and swaps of i: all of them, or when narrow is set the homes of i's
// best partners and best-fitting homes, plus the unassigned.
func (st *grpState) homesFor(i int) []int {
	in := st.in
	if !st.narrow {
		return st.all
	}
	st.gen++
	st.cand = st.cand[:0]
	add := func(h int) {
		if st.stamp[h] != st.gen {
			st.stamp[h] = st.gen
			st.cand = append(st.cand, h)
		}
	}
	for _, j := range in.partners[i] {
		add(st.home[j])
	}
	for _, h := range in.fitHomes[i] {
		add(int(h))
	}
	if len(st.members[in.m]) > 0 {
		add(in.m)
	}
	return st.cand
}

// bestSwapInto returns the best change of total from swapping i (worth va
// where it is) with a member of home b, and that member, or -1 if no swap
// keeps the hard constraints. It checks i's side once for the whole home.
func (st *grpState) bestSwapInto(i, b int, va float64) (float64, int) {
	in, a := st.in, st.home[i]
	vib, clashI := 0.0, int32(0)
	if b < in.m {
		k := b*in.n + i
		if !in.fitOK[k] || st.clash[k] > 1 || len(st.members[b]) == 0 {
			return 0, -1
		}
		vib, clashI = in.fit[k]+st.gain[k], st.clash[k]
	}
	best, bestJ := 0.0, -1
	srow, frow := in.s[i*in.n:(i+1)*in.n], in.forb[i*in.n:(i+1)*in.n]
	for _, j := range st.members[b] {
		fij := int32(0)
		if frow[j] {
			fij = 1
		}
		if b < in.m && clashI != fij {
			continue
		}
		vi, vj := 0.0, 0.0
		if b < in.m {
			vi = vib - srow[j]
		}
		if a < in.m {
			k := a*in.n + j
			if !in.fitOK[k] || st.clash[k] != fij {
				continue
			}
			vj = in.fit[k] + st.gain[k] - srow[j]
		}
		if d := vi + vj - va - st.val(j, b); bestJ < 0 || d > best {
			best, bestJ = d, j
		}
	}
	return best, bestJ
}

// insert places unassigned i in its best home with room, if any.
func (st *grpState) insert(i int) bool {
	best := -1
	for h := range st.in.m {
		if st.fits(i, h) && (best < 0 || st.val(i, h) > st.val(i, best)) {
			best = h
		}
	}
	if best >= 0 {
		st.move(i, best)
	}
	return best >= 0
}

// eject places unassigned u by moving someone from u's chosen home to
// another home with room: one more person placed, whatever the scores.
func (st *grpState) eject(u int) bool {
	in := st.in
	var open []int
	for h := range in.m {
		if len(st.members[h]) < in.caps[h] {
			open = append(open, h)
		}
	}
	if len(open) == 0 {
		return false
	}
	for b := range in.m {
		if !in.fitOK[b*in.n+u] {
			continue
		}
		for _, j := range st.members[b] {
			fuj := int32(0)
			if in.forb[u*in.n+j] {
				fuj = 1
			}
			if st.clash[b*in.n+u]-fuj != 0 {
				continue
			}
			for _, c := range open {
				if c != b && st.fits(j, c) {
					st.move(j, c)
					st.move(u, b)
					return true
				}
			}
		}
	}
	return false
}

// descend runs local search from the people in queue until none of them can
// improve; with full set, it then sweeps everyone until a sweep finds
// nothing, so the result is a local optimum of moves and swaps.
func (st *grpState) descend(queue []int, full bool) {
	inQ := make([]bool, st.in.n)
	for _, i := range queue {
		inQ[i] = true
	}
	run := func(i int) bool {
		st.moved = st.moved[:0]
		if !st.improve(i) {
			return false
		}
		for _, x := range st.touched() {
			if !inQ[x] {
				inQ[x] = true
				queue = append(queue, x)
			}
		}
		return true
	}
	for {
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			inQ[i] = false
			run(i)
		}
		improved := false
		for i := 0; full && i < st.in.n; i++ {
			improved = run(i) || improved
		}
		if !improved {
			return
		}
	}
}

// touched lists the people just moved and their new housemates.
func (st *grpState) touched() []int {
	out := slices.Clone(st.moved)
	for _, i := range st.moved {
		if h := st.home[i]; h < st.in.m {
			out = append(out, st.members[h]...)
		}
	}
	return out
}

// kick perturbs the state by one to three random moves or swaps that keep
// the hard constraints and the number placed, and returns who to revisit.
func (st *grpState) kick(rng *rand.Rand) []int {
	in := st.in
	st.moved = st.moved[:0]
	want := 1 + rng.IntN(3)
	for try := 0; try < 8*want && want > 0; try++ {
		i, b := rng.IntN(in.n), rng.IntN(in.m)
		a := st.home[i]
		if a == b {
			continue
		}
		if a < in.m && st.fits(i, b) {
			st.move(i, b)
			want--
			continue
		}
		if len(st.members[b]) == 0 {
			continue
		}
		j := st.members[b][rng.IntN(len(st.members[b]))]
		if _, ok := st.swapDelta(i, j); ok {
			st.move(i, b)
			st.move(j, a)
			want--
		}
	}
	return st.touched()
}

// undo reverts the logged moves.
func (st *grpState) undo() {
	logging := st.logging
	st.logging = false
	for k := len(st.log) - 1; k >= 0; k-- {
		st.move(st.log[k][0], st.log[k][1])
	}
	st.log = st.log[:0]
	st.logging = logging
}

// ruin empties two or three random homes and puts their people back one by
// one, the one with the fewest options (then the largest regret) first, each
// in its best home with room; half the time it breaks ties at random rather
// than by regret. It returns who to revisit.
func (st *grpState) ruin(rng *rand.Rand) []int {
	in := st.in
	st.moved = st.moved[:0]
	var out []int
	for range 2 + rng.IntN(2) {
		h := rng.IntN(in.m)
		for len(st.members[h]) > 0 {
			i := st.members[h][0]
			out = append(out, i)
			st.move(i, in.m)
		}
	}
	random := rng.IntN(2) == 0
	if random {
		rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	}
	for len(out) > 0 {
		pick, pickH, pickCount, pickRegret := -1, -1, 0, 0.0
		for k, i := range out {
			count, best, regret := st.choices(i)
			if random {
				regret = 0
			}
			if count > 0 && (pick < 0 || count < pickCount || count == pickCount && regret > pickRegret) {
				pick, pickH, pickCount, pickRegret = k, best, count, regret
			}
		}
		if pick < 0 {
			break
		}
		st.move(out[pick], pickH)
		out = slices.Delete(out, pick, pick+1)
	}
	return st.touched()
}

// choices returns how many homes i fits, the best of them (-1 if none) and
// its margin over the second best (+Inf when it is the only one).
func (st *grpState) choices(i int) (count, best int, regret float64) {
	best = -1
	bestV, secondV := math.Inf(-1), math.Inf(-1)
	for h := range st.in.m {
		if !st.fits(i, h) {
			continue
		}
		count++
		if v := st.val(i, h); v > bestV {
			secondV, bestV, best = bestV, v, h
		} else if v > secondV {
			secondV = v
		}
	}
	return count, best, bestV - secondV
}

// perturbRounds runs iterated local search: kick or ruin, descend on the
// people touched, keep the result unless it is worse. It stops after iters
// rounds, or after stall rounds in a row without improvement.
func (st *grpState) perturbRounds(rng *rand.Rand, iters, stall int) {
	if st.in.m == 0 || st.in.n < 2 {
		return
	}
	st.narrow = st.in.partners != nil
	defer func() { st.narrow = false }()
	bestPlaced, bestTotal, since := st.placed, st.total, 0
	for it := 0; it < iters && since < stall; it++ {
		placed, total := st.placed, st.total
		st.logging = true
		st.log = st.log[:0]
		if rng.IntN(2) == 0 {
			st.descend(st.kick(rng), false)
		} else {
			st.descend(st.ruin(rng), false)
		}
		st.logging = false
		if st.in.better(placed, total, st.placed, st.total) {
			st.undo()
		}
		since++
		if st.in.better(st.placed, st.total, bestPlaced, bestTotal) {
			bestPlaced, bestTotal, since = st.placed, st.total, 0
		}
	}
}

// greedy builds a first assignment: repeatedly place the unassigned person
// whose best feasible home gains most. Only the chosen home's values change
// after a placement, so each step costs O(n) plus rescans of the people whose
// best home it was.
func (st *grpState) greedy() {
	in := st.in
	bestH := make([]int, in.n)
	rescan := func(i int) {
		bestH[i] = -1
		for h := range in.m {
			if st.fits(i, h) && (bestH[i] < 0 || st.val(i, h) > st.val(i, bestH[i])) {
				bestH[i] = h
			}
		}
	}
	for i := range in.n {
		rescan(i)
	}
	for {
		pick := -1
		for i, h := range bestH {
			if h >= 0 && st.home[i] == in.m && (pick < 0 || st.val(i, h) > st.val(pick, bestH[pick])) {
				pick = i
			}
		}
		if pick < 0 {
			return
		}
		h := bestH[pick]
		st.move(pick, h)
		bestH[pick] = -1
		for j := range in.n {
			switch {
			case st.home[j] != in.m:
			case bestH[j] == h:
				rescan(j)
			case st.fits(j, h) && (bestH[j] < 0 || st.val(j, h) > st.val(j, bestH[j])):
				bestH[j] = h
			}
		}
	}
}

// randomGreedy places people in a random order, each in its best home.
func (st *grpState) randomGreedy(rng *rand.Rand) {
	for _, i := range rng.Perm(st.in.n) {
		st.insert(i)
	}
}

// grpStall is how many perturbation rounds without improvement end a
// restart: enough for small pools to settle, proportional for large ones.
func grpStall(n int) int { return max(500, 10*n) }

// grpRestarts is the number of independent constructions the heuristic
// tries, the first greedy and the others in random order. Random orders
// start far worse on large pools, which get one.
func grpRestarts(n int) int {
	if n > grpNarrowMin {
		return 1
	}
	return 4
}

// grpHeuristic returns person -> home (m for unassigned) from seeded
// constructions, each followed by local search and perturbation rounds.
func grpHeuristic(in *grpInst, seed uint64, iters int) []int {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var best []int
	bestPlaced, bestTotal := -1, 0.0
	if in.n > grpNarrowMin && in.partners == nil {
		in.candidates()
	}
	restarts := grpRestarts(in.n)
	for r := range restarts {
		st := newGrpState(in)
		if r == 0 {
			st.greedy()
		} else {
			st.randomGreedy(rng)
		}
		st.descend(nil, true)
		st.perturbRounds(rng, iters/restarts, grpStall(in.n))
		st.descend(nil, true)
		total := in.total(st.home)
		if best == nil || in.better(st.placed, total, bestPlaced, bestTotal) {
			best, bestPlaced, bestTotal = slices.Clone(st.home), st.placed, total
		}
	}
	return best
}
