package matching

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrInfeasible reports an assignment problem in which the smaller side
// cannot be fully assigned because of forbidden cells.
var ErrInfeasible = errors.New("matching: infeasible assignment")

// ErrInvalidCost reports a cost matrix that cannot be solved as given: a
// ragged shape, a NaN, an infinity on the wrong side (-Inf when minimising,
// +Inf when maximising, as in SciPy's linear_sum_assignment) or a finite
// cost too large to add up without overflow.
var ErrInvalidCost = errors.New("matching: invalid cost matrix")

// AssignProblem is a rectangular linear assignment problem: pick at most one
// cell in every row and every column so that the smaller side is fully
// assigned and the total cost is minimal (or maximal).
type AssignProblem struct {
	// Cost holds one row per row vertex; every row has the same length.
	// +Inf (-Inf when Maximize is set) marks a forbidden cell, as in SciPy.
	Cost [][]float64
	// Forbidden, if not nil, has the shape of Cost; a true cell may not be
	// used whatever its cost.
	Forbidden [][]bool
	// Maximize asks for the largest total instead of the smallest.
	Maximize bool
}

// Assignment is an optimal solution of an AssignProblem, in SciPy's
// convention: Rows is ascending, Cols[k] is the column given to Rows[k], and
// every vertex of the smaller side appears exactly once.
type Assignment struct {
	Rows  []int
	Cols  []int
	Total float64
}

// SolveAssignment solves p exactly with the shortest augmenting path method
// (Crouse 2016, the algorithm of SciPy's linear_sum_assignment) in O(n²m)
// time for n ≤ m, after Jonker–Volgenant's column reduction and augmenting
// row reduction when the matrix is square. Each search relaxes only the
// assigned columns one by one; the free ones enter through per-row lists
// of their cheapest, which stay valid because free columns keep their
// duals. Instances with forbidden cells are first checked for a complete
// assignment (Hopcroft–Karp), so an infeasible one fails fast. Errors wrap
// ErrInvalidCost or ErrInfeasible.
func SolveAssignment(p AssignProblem) (Assignment, error) {
	s, err := asgNewSolver(p)
	if err != nil {
		return Assignment{}, err
	}
	if s.nr == 0 {
		return Assignment{Rows: []int{}, Cols: []int{}}, nil
	}
	if s.hasForbidden {
		if got := asgMaxCardinality(s.nr, s.nc, s.cost); got < s.nr {
			return Assignment{}, fmt.Errorf("matching: only %d of %d rows can be assigned: %w", got, s.nr, ErrInfeasible)
		}
	}
	if err := s.solve(); err != nil {
		return Assignment{}, err
	}
	return s.result(p), nil
}

// ExpandSlots turns hosts with capacities into one column per slot and
// returns, for each slot, the index of the host that owns it: ExpandSlots([]int{2, 0, 1})
// is [0 0 2]. Negative capacities count as zero.
func ExpandSlots(capacities []int) []int {
	total := 0
	for _, c := range capacities {
		total += max(c, 0)
	}
	owner := make([]int, 0, total)
	for h, c := range capacities {
		for range max(c, 0) {
			owner = append(owner, h)
		}
	}
	return owner
}

// asgSolver holds one instance in solver orientation (nr ≤ nc, minimising)
// and the state of the shortest augmenting path method.
type asgSolver struct {
	nr, nc       int
	transposed   bool
	hasForbidden bool
	cost         []float64 // nr*nc row-major; +Inf is forbidden
	u, v         []float64 // row and column duals
	col4row      []int
	row4col      []int

	// Column sets. A free column is never scanned except as the sink, so
	// its dual never changes once the shortest path phase starts; that is
	// what lets each row cache its cheapest free columns.
	assigned []int  // columns with a row, in order of assignment
	freeCols []int  // columns without a row, ascending
	isFree   []bool // whether each column is in freeCols
	cands    asgCandidates

	// Scratch of one shortest path search.
	spc      []float64 // shortest path cost to each scanned column
	path     []int     // row from which each scanned column was reached
	visitedR []int     // rows scanned, in order
	visitedC []int     // columns scanned, in order
	posCol   []int     // unscanned assigned columns, compacted
	posDist  []float64 // tentative distance of posCol[k]
	posV     []float64 // dual of posCol[k]
	posPath  []int     // row giving posDist[k]
}

// asgNewSolver validates p and lays its costs out flat, transposed if p has
// more rows than columns and negated if p maximises.
func asgNewSolver(p AssignProblem) (*asgSolver, error) {
	rows := len(p.Cost)
	cols := 0
	if rows > 0 {
		cols = len(p.Cost[0])
	}
	if err := asgCheckShape(p, rows, cols); err != nil {
		return nil, err
	}
	s := &asgSolver{nr: rows, nc: cols}
	if rows > cols {
		s.nr, s.nc, s.transposed = cols, rows, true
	}
	if s.nr == 0 {
		return s, nil
	}
	s.cost = make([]float64, s.nr*s.nc)
	limit := math.MaxFloat64 / float64(4*(s.nr+s.nc+2))
	for i, row := range p.Cost {
		for j, c := range row {
			c, forbidden, err := asgCell(c, p.Maximize, limit)
			if err != nil {
				return nil, fmt.Errorf("matching: cost[%d][%d]: %w", i, j, err)
			}
			if forbidden || (p.Forbidden != nil && p.Forbidden[i][j]) {
				c = math.Inf(1)
				s.hasForbidden = true
			}
			if s.transposed {
				s.cost[j*s.nc+i] = c
			} else {
				s.cost[i*s.nc+j] = c
			}
		}
	}
	return s, nil
}

// asgCheckShape rejects ragged cost matrices and mismatched Forbidden masks.
func asgCheckShape(p AssignProblem, rows, cols int) error {
	for i, row := range p.Cost {
		if len(row) != cols {
			return fmt.Errorf("matching: cost row %d has %d entries, row 0 has %d: %w", i, len(row), cols, ErrInvalidCost)
		}
	}
	if p.Forbidden == nil {
		return nil
	}
	if len(p.Forbidden) != rows {
		return fmt.Errorf("matching: forbidden mask has %d rows, cost has %d: %w", len(p.Forbidden), rows, ErrInvalidCost)
	}
	for i, row := range p.Forbidden {
		if len(row) != cols {
			return fmt.Errorf("matching: forbidden row %d has %d entries, cost has %d: %w", i, len(row), cols, ErrInvalidCost)
		}
	}
	return nil
}

// asgCell converts one input cost to a minimisation cost and reports whether
// the cell is forbidden. It follows SciPy: NaN is invalid, and so is the
// infinity that would make the objective unbounded.
func asgCell(c float64, maximize bool, limit float64) (float64, bool, error) {
	if maximize {
		c = -c
	}
	switch {
	case math.IsNaN(c):
		return 0, false, fmt.Errorf("NaN: %w", ErrInvalidCost)
	case math.IsInf(c, 1):
		return c, true, nil
	case math.IsInf(c, -1):
		if maximize {
			return 0, false, fmt.Errorf("+Inf when maximising: %w", ErrInvalidCost)
		}
		return 0, false, fmt.Errorf("-Inf when minimising: %w", ErrInvalidCost)
	case math.Abs(c) > limit:
		return 0, false, fmt.Errorf("magnitude %g exceeds %g: %w", math.Abs(c), limit, ErrInvalidCost)
	}
	return c, false, nil
}

// solve runs the initialisation (square matrices only) and then one
// shortest augmenting path per free row.
func (s *asgSolver) solve() error {
	s.u = make([]float64, s.nr)
	s.v = make([]float64, s.nc)
	s.col4row = make([]int, s.nr)
	s.row4col = make([]int, s.nc)
	for i := range s.col4row {
		s.col4row[i] = -1
	}
	for j := range s.row4col {
		s.row4col[j] = -1
	}
	free := make([]int, 0, s.nr)
	if s.nr == s.nc {
		free = s.initJV(free)
	} else {
		for i := range s.nr {
			free = append(free, i)
		}
	}
	s.prepareSearch()
	for _, row := range free {
		if err := s.augment(row); err != nil {
			return err
		}
	}
	return nil
}

// prepareSearch allocates the scratch of the shortest path searches and
// splits the columns into assigned and free.
func (s *asgSolver) prepareSearch() {
	s.spc = make([]float64, s.nc)
	s.path = make([]int, s.nc)
	s.posCol = make([]int, s.nc)
	s.posDist = make([]float64, s.nc)
	s.posV = make([]float64, s.nc)
	s.posPath = make([]int, s.nc)
	s.visitedR = make([]int, 0, s.nr)
	s.visitedC = make([]int, 0, s.nc)
	s.isFree = make([]bool, s.nc)
	for j, i := range s.row4col {
		if i < 0 {
			s.isFree[j] = true
			s.freeCols = append(s.freeCols, j)
		} else {
			s.assigned = append(s.assigned, j)
		}
	}
	s.cands = newAsgCandidates(s.nr, min(asgCandidateCount, s.nc))
}

// augment finds a shortest augmenting path from the free row cur by
// Dijkstra's method on reduced costs, updates the duals and flips the path.
func (s *asgSolver) augment(cur int) error {
	sink, minVal := s.shortestPath(cur)
	if sink < 0 {
		return fmt.Errorf("matching: no finite augmenting path: %w", ErrInfeasible)
	}
	s.u[cur] += minVal
	for _, i := range s.visitedR[1:] {
		s.u[i] += minVal - s.spc[s.col4row[i]]
	}
	for _, j := range s.visitedC {
		s.v[j] -= minVal - s.spc[j]
	}
	for j := sink; ; {
		i := s.path[j]
		s.row4col[j] = i
		s.col4row[i], j = j, s.col4row[i]
		if i == cur {
			break
		}
	}
	// Keeping freeCols sorted costs a memmove per augmentation and makes
	// the rescans of structured matrices meet columns in a natural order.
	k, _ := slices.BinarySearch(s.freeCols, sink)
	s.freeCols = slices.Delete(s.freeCols, k, k+1)
	s.isFree[sink] = false
	s.assigned = append(s.assigned, sink)
	return nil
}

// shortestPath scans rows from cur until it reaches an unassigned column and
// returns that column and its distance, or -1 if no finite path exists.
// Ties prefer an unassigned column, as in SciPy. Assigned columns are
// relaxed one by one, kept compacted by position with their tentative
// distances, duals and predecessors beside them so that the inner loop
// reads memory in order; unassigned columns only matter through the
// nearest one, which each row knows from its candidate list.
func (s *asgSolver) shortestPath(cur int) (int, float64) {
	m := len(s.assigned)
	for k, j := range s.assigned {
		s.posCol[k], s.posDist[k], s.posV[k] = j, math.Inf(1), s.v[j]
	}
	s.visitedR, s.visitedC = s.visitedR[:0], s.visitedC[:0]
	freeDist, freeCol, freeRow := math.Inf(1), -1, -1
	minVal := 0.0
	for i := cur; ; m-- {
		s.visitedR = append(s.visitedR, i)
		base := minVal - s.u[i]
		if red, j := s.cheapestFree(i); base+red < freeDist {
			freeDist, freeCol, freeRow = base+red, j, i
		}
		index, lowest := asgScanRow(s.cost[i*s.nc:(i+1)*s.nc], base, i,
			s.posCol[:m], s.posDist[:m], s.posV[:m], s.posPath[:m])
		if freeDist <= lowest {
			if math.IsInf(freeDist, 1) {
				return -1, 0
			}
			s.spc[freeCol], s.path[freeCol] = freeDist, freeRow
			s.visitedC = append(s.visitedC, freeCol)
			return freeCol, freeDist
		}
		minVal = lowest
		j := s.posCol[index]
		s.spc[j], s.path[j] = lowest, s.posPath[index]
		s.visitedC = append(s.visitedC, j)
		last := m - 1
		s.posCol[index], s.posDist[index] = s.posCol[last], s.posDist[last]
		s.posV[index], s.posPath[index] = s.posV[last], s.posPath[last]
		i = s.row4col[j]
	}
}

// asgCandidateCount is how many of its cheapest free columns each row
// remembers between searches.
const asgCandidateCount = 64

// asgCand is a free column and its reduced cost c[i][j] - v[j] for one row.
type asgCand struct {
	col int
	red float64
}

// asgCandidates holds, for each row, up to k of its cheapest free columns
// in ascending order of (reduced cost, column). A list goes stale only as
// its columns get assigned, since free columns keep their duals; a row
// whose list runs out rescans the free columns.
type asgCandidates struct {
	k        int
	list     []asgCand // row i's list is list[i*k : i*k+size[i]]
	size     []int
	next     []int  // first entry of the list not known to be assigned
	complete []bool // the list holds every allowed free column of the row
	heap     []asgCand
}

// newAsgCandidates returns empty lists for rows rows of k entries.
func newAsgCandidates(rows, k int) asgCandidates {
	return asgCandidates{
		k:        k,
		list:     make([]asgCand, rows*k),
		size:     make([]int, rows),
		next:     make([]int, rows),
		complete: make([]bool, rows),
		heap:     make([]asgCand, 0, k),
	}
}

// cheapestFree returns the least reduced cost c[i][j] - v[j] over the free
// columns j and that column, or +Inf and -1 if row i has none allowed.
func (s *asgSolver) cheapestFree(i int) (float64, int) {
	c := &s.cands
	for {
		for ; c.next[i] < c.size[i]; c.next[i]++ {
			if e := c.list[i*c.k+c.next[i]]; s.isFree[e.col] {
				return e.red, e.col
			}
		}
		if c.complete[i] {
			return math.Inf(1), -1
		}
		s.refreshCandidates(i)
	}
}

// refreshCandidates rebuilds row i's list from the current free columns,
// keeping the k cheapest in a bounded max-heap.
func (s *asgSolver) refreshCandidates(i int) {
	c := &s.cands
	row := s.cost[i*s.nc : (i+1)*s.nc]
	h := c.heap[:0]
	allowed := 0
	for _, j := range s.freeCols {
		red := row[j] - s.v[j]
		if math.IsInf(red, 1) {
			continue
		}
		allowed++
		switch e := (asgCand{col: j, red: red}); {
		case len(h) < c.k:
			h = append(h, e)
			asgSiftUp(h, len(h)-1)
		case red <= h[0].red && asgCandLess(e, h[0]):
			h[0] = e
			asgSiftDown(h, 0)
		}
	}
	slices.SortFunc(h, asgCandCompare)
	copy(c.list[i*c.k:], h)
	c.size[i], c.next[i], c.complete[i] = len(h), 0, allowed <= c.k
	c.heap = h[:0]
}

// asgCandCompare orders candidates by reduced cost, then column.
func asgCandCompare(a, b asgCand) int {
	if a.red != b.red {
		if a.red < b.red {
			return -1
		}
		return 1
	}
	return a.col - b.col
}

// asgCandLess reports whether a comes before b in asgCandCompare's order.
func asgCandLess(a, b asgCand) bool { return asgCandCompare(a, b) < 0 }

// asgSiftUp restores the max-heap order of h after h[k] grew.
func asgSiftUp(h []asgCand, k int) {
	for k > 0 {
		parent := (k - 1) / 2
		if !asgCandLess(h[parent], h[k]) {
			return
		}
		h[parent], h[k] = h[k], h[parent]
		k = parent
	}
}

// asgSiftDown restores the max-heap order of h after h[k] shrank.
func asgSiftDown(h []asgCand, k int) {
	for {
		big, l, r := k, 2*k+1, 2*k+2
		if l < len(h) && asgCandLess(h[big], h[l]) {
			big = l
		}
		if r < len(h) && asgCandLess(h[big], h[r]) {
			big = r
		}
		if big == k {
			return
		}
		h[big], h[k] = h[k], h[big]
		k = big
	}
}

// asgScanRow relaxes the distances of the unscanned assigned columns
// through row i, whose reduced costs are base + row[j] - v[j], and returns
// the position of the nearest one and its distance (+Inf if none).
func asgScanRow(row []float64, base float64, i int, cols []int, dist, v []float64, path []int) (int, float64) {
	n := len(cols)
	dist, v, path = dist[:n], v[:n], path[:n]
	// Two interleaved chains (even and odd positions) give the processor
	// independent work; their minima merge at the end, ties to the lower
	// position as in a single pass.
	idx0, low0 := -1, math.Inf(1)
	idx1, low1 := -1, math.Inf(1)
	k := 0
	for ; k+1 < n; k += 2 {
		d0, d1 := dist[k], dist[k+1]
		if r := base + row[cols[k]] - v[k]; r < d0 {
			d0 = r
			dist[k], path[k] = r, i
		}
		if r := base + row[cols[k+1]] - v[k+1]; r < d1 {
			d1 = r
			dist[k+1], path[k+1] = r, i
		}
		if d0 < low0 {
			low0, idx0 = d0, k
		}
		if d1 < low1 {
			low1, idx1 = d1, k+1
		}
	}
	if k < n {
		d := dist[k]
		if r := base + row[cols[k]] - v[k]; r < d {
			d = r
			dist[k], path[k] = r, i
		}
		if d < low0 {
			low0, idx0 = d, k
		}
	}
	if low1 < low0 || (low1 == low0 && idx1 < idx0) {
		return idx1, low1
	}
	return idx0, low0
}

// result converts the solver's col4row into SciPy's (rows, cols) form with
// the total of the original costs.
func (s *asgSolver) result(p AssignProblem) Assignment {
	a := Assignment{Rows: make([]int, s.nr), Cols: make([]int, s.nr)}
	if !s.transposed {
		for i, j := range s.col4row {
			a.Rows[i], a.Cols[i] = i, j
		}
	} else {
		order := make([]int, s.nr)
		for k := range order {
			order[k] = k
		}
		slices.SortFunc(order, func(x, y int) int { return s.col4row[x] - s.col4row[y] })
		for k, i := range order {
			a.Rows[k], a.Cols[k] = s.col4row[i], i
		}
	}
	for k, i := range a.Rows {
		a.Total += p.Cost[i][a.Cols[k]]
	}
	return a
}

// initJV is Jonker and Volgenant's initialisation for square matrices:
// column reduction, reduction transfer and two rounds of augmenting row
// reduction. It leaves every assigned row on a column of least reduced
// cost (so the duals stay feasible) and returns the rows still free.
func (s *asgSolver) initJV(free []int) []int {
	n := s.nc
	matches := make([]int, n)
	for j := n - 1; j >= 0; j-- {
		imin, cmin := 0, s.cost[j]
		for i := 1; i < n; i++ {
			if c := s.cost[i*n+j]; c < cmin {
				imin, cmin = i, c
			}
		}
		if math.IsInf(cmin, 1) {
			cmin = 0 // an all-forbidden column: infeasible, caught earlier
		}
		s.v[j] = cmin
		matches[imin]++
		if matches[imin] == 1 {
			s.col4row[imin], s.row4col[j] = j, imin
		}
	}
	for i := n - 1; i >= 0; i-- {
		switch matches[i] {
		case 0:
			free = append(free, i)
		case 1:
			s.transferReduction(i)
		}
	}
	for range 2 {
		free = s.reduceRows(free)
	}
	for i, j := range s.col4row {
		if j >= 0 {
			s.u[i] = s.cost[i*n+j] - s.v[j]
		}
	}
	return free
}

// transferReduction lowers the dual of the only column of row i by the
// least reduced cost among its other columns.
func (s *asgSolver) transferReduction(i int) {
	n := s.nc
	j1 := s.col4row[i]
	row := s.cost[i*n : i*n+n]
	least := math.Inf(1)
	for j, c := range row {
		if j != j1 {
			least = min(least, c-s.v[j])
		}
	}
	if !math.IsInf(least, 1) {
		s.v[j1] -= least
	}
}

// reduceRows is one round of augmenting row reduction over the free rows: a
// row takes its cheapest column, lowering that column's dual to its second
// cheapest reduced cost, and the evicted row tries again. The number of
// steps is bounded so that near-ties in floating point cannot loop; rows
// left over go to the shortest path phase.
func (s *asgSolver) reduceRows(free []int) []int {
	n := s.nc
	queue := slices.Clone(free)
	free = free[:0]
	for k, steps := 0, 0; k < len(queue); steps++ {
		i := queue[k]
		k++
		if steps > 2*n {
			free = append(free, i)
			continue
		}
		j1, u1, j2, u2 := s.twoCheapest(i)
		i0 := s.row4col[j1]
		switch {
		case u1 < u2 && !math.IsInf(u2, 1):
			s.v[j1] -= u2 - u1
		case u1 < u2:
			// Only one allowed column: take it and send its owner to the
			// next round without touching the dual.
		case i0 >= 0:
			j1, i0 = j2, s.row4col[j2]
		}
		s.col4row[i], s.row4col[j1] = j1, i
		if i0 < 0 {
			continue
		}
		s.col4row[i0] = -1
		if u1 < u2 && !math.IsInf(u2, 1) {
			k--
			queue[k] = i0
		} else {
			free = append(free, i0)
		}
	}
	return free
}

// twoCheapest returns the cheapest and second cheapest columns of row i
// under reduced costs c[i][j] - v[j].
func (s *asgSolver) twoCheapest(i int) (j1 int, u1 float64, j2 int, u2 float64) {
	n := s.nc
	row := s.cost[i*n : i*n+n]
	j1, u1 = 0, row[0]-s.v[0]
	j2, u2 = -1, math.Inf(1)
	for j := 1; j < n; j++ {
		h := row[j] - s.v[j]
		if h < u2 {
			if h >= u1 {
				j2, u2 = j, h
			} else {
				j2, u2 = j1, u1
				j1, u1 = j, h
			}
		}
	}
	return j1, u1, j2, u2
}

// asgMaxCardinality returns the size of a maximum matching on the finite
// cells of the nr×nc matrix cost (Hopcroft–Karp), to reject infeasible
// instances before the O(n³) phase.
func asgMaxCardinality(nr, nc int, cost []float64) int {
	adj := make([][]int, nr)
	for i := range nr {
		for j, c := range cost[i*nc : i*nc+nc] {
			if !math.IsInf(c, 1) {
				adj[i] = append(adj[i], j)
			}
		}
	}
	hk := asgHopcroftKarp{adj: adj, matchR: make([]int, nr), matchC: make([]int, nc), dist: make([]int, nr)}
	for i := range hk.matchR {
		hk.matchR[i] = -1
	}
	for j := range hk.matchC {
		hk.matchC[j] = -1
	}
	size := 0
	for hk.bfs() {
		for i := range nr {
			if hk.matchR[i] < 0 && hk.dfs(i) {
				size++
			}
		}
	}
	return size
}

// asgHopcroftKarp is the state of a Hopcroft–Karp maximum matching.
type asgHopcroftKarp struct {
	adj    [][]int
	matchR []int // column of each row, -1 if free
	matchC []int // row of each column, -1 if free
	dist   []int // BFS layer of each row
	queue  []int
}

// bfs layers the rows from the free ones and reports whether a free column
// is reachable.
func (h *asgHopcroftKarp) bfs() bool {
	h.queue = h.queue[:0]
	for i, j := range h.matchR {
		h.dist[i] = -1
		if j < 0 {
			h.dist[i] = 0
			h.queue = append(h.queue, i)
		}
	}
	found := false
	for k := 0; k < len(h.queue); k++ {
		i := h.queue[k]
		for _, j := range h.adj[i] {
			r := h.matchC[j]
			if r < 0 {
				found = true
			} else if h.dist[r] < 0 {
				h.dist[r] = h.dist[i] + 1
				h.queue = append(h.queue, r)
			}
		}
	}
	return found
}

// dfs looks for an augmenting path from row i along the BFS layers.
func (h *asgHopcroftKarp) dfs(i int) bool {
	for _, j := range h.adj[i] {
		r := h.matchC[j]
		if r < 0 || (h.dist[r] == h.dist[i]+1 && h.dfs(r)) {
			h.matchR[i], h.matchC[j] = j, i
			return true
		}
	}
	h.dist[i] = -1
	return false
}
