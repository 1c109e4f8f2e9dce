package matching

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// ErrInvalidGraph reports a graph that MaxWeightMatching cannot take: a
// negative vertex count, an edge endpoint out of range or a weight that is
// NaN or infinite.
var ErrInvalidGraph = errors.New("matching: invalid graph")

// Edge is an undirected weighted edge between vertices U and V.
type Edge struct {
	U, V int
	W    float64
}

// MatchingOptions tunes MaxWeightMatching.
type MatchingOptions struct {
	// MaxCardinality asks for the heaviest matching among those with the
	// most pairs, instead of the heaviest matching overall.
	MaxCardinality bool
	// HasFloor drops every edge lighter than Floor before solving, so that
	// nobody is paired through a bad edge even under MaxCardinality.
	HasFloor bool
	// Floor is the least weight an edge needs to be kept when HasFloor is set.
	Floor float64
}

// Matching is a set of disjoint pairs of vertices.
type Matching struct {
	// Mate[v] is the partner of v, or -1 if v is unmatched.
	Mate []int
	// Pairs lists each pair once as [u, v] with u < v, sorted.
	Pairs [][2]int
	// Total is the sum of the weights of the chosen edges.
	Total float64
	// Unmatched lists the vertices without a partner, ascending.
	Unmatched []int
}

// blossomWeightBits bounds the magnitude of the integer weights the solver
// works with, leaving headroom in int64 for sums of duals.
const blossomWeightBits = 50

// MaxWeightMatching returns a maximum-weight matching of the undirected graph
// on vertices 0..n-1 with the given edges, by Edmonds' blossom algorithm in
// O(n³) time (the structure of Van Rantwijk's mwmatching, as used by
// NetworkX's max_weight_matching).
//
// Self-loops are ignored; of parallel edges the heaviest counts. Edges of
// negative weight are used only when MaxCardinality needs them. The solver
// runs on integers: weights that are integers, or binary fractions, of
// magnitude up to 2^50 are handled exactly; other weights are rounded to a
// grid 2^-50 times the largest magnitude first, so the total is optimal to
// within n·2^-50 times the largest weight. Errors wrap ErrInvalidGraph.
func MaxWeightMatching(n int, edges []Edge, opt MatchingOptions) (Matching, error) {
	if err := blossomValidate(n, edges); err != nil {
		return Matching{}, err
	}
	kept := blossomSimpleEdges(edges, opt)
	s := newBlossomSolver(n, kept, blossomScaleWeights(kept), opt.MaxCardinality)
	s.solve()
	m := Matching{Mate: make([]int, n), Pairs: [][2]int{}, Unmatched: []int{}}
	for v := range n {
		m.Mate[v] = -1
		if p := s.mate[v]; p >= 0 {
			m.Mate[v] = s.endpoint[p]
		}
	}
	for _, e := range kept {
		if m.Mate[e.U] == e.V {
			m.Pairs = append(m.Pairs, [2]int{e.U, e.V})
			m.Total += e.W
		}
	}
	for v, u := range m.Mate {
		if u < 0 {
			m.Unmatched = append(m.Unmatched, v)
		}
	}
	return m, nil
}

// MinWeightMatching returns a matching of minimum total weight among the
// matchings with the most pairs, which is NetworkX's min_weight_matching
// definition (not the empty matching). Of parallel edges the lightest
// counts. Errors wrap ErrInvalidGraph.
func MinWeightMatching(n int, edges []Edge) (Matching, error) {
	neg := make([]Edge, len(edges))
	for k, e := range edges {
		neg[k] = Edge{U: e.U, V: e.V, W: -e.W}
	}
	m, err := MaxWeightMatching(n, neg, MatchingOptions{MaxCardinality: true})
	if err != nil {
		return Matching{}, err
	}
	m.Total = -m.Total
	return m, nil
}

// blossomValidate checks the vertex range and the weights.
func blossomValidate(n int, edges []Edge) error {
	if n < 0 {
		return fmt.Errorf("matching: %d vertices: %w", n, ErrInvalidGraph)
	}
	for k, e := range edges {
		if e.U < 0 || e.U >= n || e.V < 0 || e.V >= n {
			return fmt.Errorf("matching: edge %d (%d, %d) outside 0..%d: %w", k, e.U, e.V, n-1, ErrInvalidGraph)
		}
		if math.IsNaN(e.W) || math.IsInf(e.W, 0) {
			return fmt.Errorf("matching: edge %d (%d, %d) has weight %v: %w", k, e.U, e.V, e.W, ErrInvalidGraph)
		}
	}
	return nil
}

// blossomSimpleEdges drops self-loops and edges under the floor, orients
// every edge with U < V and keeps the heaviest of parallel edges, sorted by
// (U, V).
func blossomSimpleEdges(edges []Edge, opt MatchingOptions) []Edge {
	kept := make([]Edge, 0, len(edges))
	for _, e := range edges {
		if e.U == e.V || (opt.HasFloor && e.W < opt.Floor) {
			continue
		}
		if e.U > e.V {
			e.U, e.V = e.V, e.U
		}
		kept = append(kept, e)
	}
	slices.SortFunc(kept, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.U, b.U), cmp.Compare(a.V, b.V), cmp.Compare(b.W, a.W))
	})
	return slices.CompactFunc(kept, func(a, b Edge) bool { return a.U == b.U && a.V == b.V })
}

// blossomScaleWeights maps the weights to integers of magnitude at most
// 2^blossomWeightBits: multiplied by the least power of two that makes them
// all integers if there is one in range, and rounded on the finest grid in
// range otherwise.
func blossomScaleWeights(edges []Edge) []int64 {
	maxAbs := 0.0
	for _, e := range edges {
		maxAbs = max(maxAbs, math.Abs(e.W))
	}
	out := make([]int64, len(edges))
	if maxAbs == 0 {
		return out
	}
	_, exp := math.Frexp(maxAbs) // maxAbs < 2^exp
	limit := blossomWeightBits - exp
	shift := 0
	for _, e := range edges {
		shift = max(shift, blossomFracBits(e.W))
	}
	if shift > limit || exp > blossomWeightBits {
		shift = limit
	}
	for k, e := range edges {
		out[k] = int64(math.Round(math.Ldexp(e.W, shift)))
	}
	return out
}

// blossomFracBits returns the number of binary digits after the point that
// w needs.
func blossomFracBits(w float64) int {
	if w == math.Trunc(w) {
		return 0
	}
	frac, exp := math.Frexp(math.Abs(w)) // |w| = frac·2^exp, frac in [0.5, 1)
	mant := uint64(math.Ldexp(frac, 53))
	return 53 - exp - bits.TrailingZeros64(mant)
}

// blossomSolver is the state of Edmonds' algorithm on vertices 0..n-1 and
// blossoms n..2n-1. Edge k has endpoints 2k (its U) and 2k+1 (its V); a
// vertex's mate is stored as the endpoint of its partner. Labels: 0 free,
// 1 S (outer), 2 T (inner); 4 marks a breadcrumb of scanBlossom.
type blossomSolver struct {
	n        int
	maxCard  bool
	weight   []int64
	endpoint []int          // vertex of each endpoint
	arcs     [][]blossomArc // for each vertex, its edges seen from it

	mate        []int
	label       []int8
	labelEnd    []int
	inBlossom   []int // top-level blossom of each vertex
	parent      []int
	childs      [][]int
	base        []int
	endps       [][]int
	bestEdge    []int
	bestSlack   []int64 // slack of bestEdge, valid while bestEpoch is epoch
	bestEpoch   []int
	epoch       int     // dual adjustments so far; slacks change only then
	bestEdges   [][]int // per non-trivial blossom; nil when not computed
	unused      []int
	dual        []int64
	allowEdge   []bool
	queue       []int
	bestEdgeTo  []int // scratch of addBlossom, all -1 between uses
	leafScratch []int
}

// newBlossomSolver builds the adjacency structure for edges with integer
// weights w.
func newBlossomSolver(n int, edges []Edge, w []int64, maxCard bool) *blossomSolver {
	s := &blossomSolver{n: n, maxCard: maxCard, weight: w}
	s.endpoint = make([]int, 2*len(edges))
	degree := make([]int, n)
	for k, e := range edges {
		s.endpoint[2*k], s.endpoint[2*k+1] = e.U, e.V
		degree[e.U]++
		degree[e.V]++
	}
	s.arcs = make([][]blossomArc, n)
	for v := range n {
		s.arcs[v] = make([]blossomArc, 0, degree[v])
	}
	for k, e := range edges {
		s.arcs[e.U] = append(s.arcs[e.U], blossomArc{far: 2*k + 1, to: e.V, weight: w[k]})
		s.arcs[e.V] = append(s.arcs[e.V], blossomArc{far: 2 * k, to: e.U, weight: w[k]})
	}
	maxW := int64(0)
	for _, x := range w {
		maxW = max(maxW, x)
	}
	s.mate = blossomFilled(n, -1)
	s.label = make([]int8, 2*n)
	s.labelEnd = blossomFilled(2*n, -1)
	s.inBlossom = make([]int, n)
	s.base = blossomFilled(2*n, -1)
	for v := range n {
		s.inBlossom[v], s.base[v] = v, v
	}
	s.parent = blossomFilled(2*n, -1)
	s.childs = make([][]int, 2*n)
	s.endps = make([][]int, 2*n)
	s.bestEdge = blossomFilled(2*n, -1)
	s.bestSlack = make([]int64, 2*n)
	s.bestEpoch = blossomFilled(2*n, -1)
	s.bestEdges = make([][]int, 2*n)
	for b := 2*n - 1; b >= n; b-- {
		s.unused = append(s.unused, b)
	}
	s.dual = make([]int64, 2*n)
	for v := range n {
		s.dual[v] = maxW
	}
	s.allowEdge = make([]bool, len(edges))
	s.bestEdgeTo = blossomFilled(2*n, -1)
	return s
}

// blossomArc is an edge seen from one of its ends: the far endpoint (its
// index, whose half is the edge), the far vertex and the weight, side by
// side so that scanning a vertex's edges reads memory in order.
type blossomArc struct {
	far    int
	to     int
	weight int64
}

// blossomFilled returns a slice of n copies of x.
func blossomFilled(n, x int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = x
	}
	return s
}

// slack returns the reduced cost of edge k (zero when tight).
func (s *blossomSolver) slack(k int) int64 {
	return s.dual[s.endpoint[2*k]] + s.dual[s.endpoint[2*k+1]] - 2*s.weight[k]
}

// bestSlackOf returns the slack of bestEdge[x], recomputing it only if the
// duals moved since it was cached.
func (s *blossomSolver) bestSlackOf(x int) int64 {
	if s.bestEpoch[x] != s.epoch {
		s.bestSlack[x], s.bestEpoch[x] = s.slack(s.bestEdge[x]), s.epoch
	}
	return s.bestSlack[x]
}

// setBest records k, of slack ks, as the least-slack edge of x.
func (s *blossomSolver) setBest(x, k int, ks int64) {
	s.bestEdge[x], s.bestSlack[x], s.bestEpoch[x] = k, ks, s.epoch
}

// appendLeaves appends the vertices inside blossom b to dst.
func (s *blossomSolver) appendLeaves(dst []int, b int) []int {
	if b < s.n {
		return append(dst, b)
	}
	for _, t := range s.childs[b] {
		dst = s.appendLeaves(dst, t)
	}
	return dst
}

// assignLabel labels the top-level blossom of w with t, reached through
// endpoint p; a T label also labels the mate of its base S.
func (s *blossomSolver) assignLabel(w int, t int8, p int) {
	b := s.inBlossom[w]
	s.label[w], s.label[b] = t, t
	s.labelEnd[w], s.labelEnd[b] = p, p
	s.bestEdge[w], s.bestEdge[b] = -1, -1
	if t == 1 {
		s.queue = s.appendLeaves(s.queue, b)
		return
	}
	mb := s.mate[s.base[b]]
	s.assignLabel(s.endpoint[mb], 1, mb^1)
}

// scanBlossom traces back from v and w towards their roots and returns the
// base of the new blossom, or -1 if the roots differ (an augmenting path).
func (s *blossomSolver) scanBlossom(v, w int) int {
	var path []int
	base := -1
	for v != -1 || w != -1 {
		b := s.inBlossom[v]
		if s.label[b]&4 != 0 {
			base = s.base[b]
			break
		}
		path = append(path, b)
		s.label[b] = 5
		if s.labelEnd[b] == -1 {
			v = -1
		} else {
			v = s.endpoint[s.labelEnd[b]]
			b = s.inBlossom[v]
			v = s.endpoint[s.labelEnd[b]]
		}
		if w != -1 {
			v, w = w, v
		}
	}
	for _, b := range path {
		s.label[b] = 1
	}
	return base
}

// addBlossom contracts the odd cycle closed by edge k through base into a
// new S-blossom and computes its least-slack edges to other S-blossoms.
func (s *blossomSolver) addBlossom(base, k int) {
	v, w := s.endpoint[2*k], s.endpoint[2*k+1]
	bb, bv, bw := s.inBlossom[base], s.inBlossom[v], s.inBlossom[w]
	b := s.unused[len(s.unused)-1]
	s.unused = s.unused[:len(s.unused)-1]
	s.base[b], s.parent[b], s.parent[bb] = base, -1, b
	var path, endps []int
	for bv != bb {
		s.parent[bv] = b
		path = append(path, bv)
		endps = append(endps, s.labelEnd[bv])
		bv = s.inBlossom[s.endpoint[s.labelEnd[bv]]]
	}
	path = append(path, bb)
	slices.Reverse(path)
	slices.Reverse(endps)
	endps = append(endps, 2*k)
	for bw != bb {
		s.parent[bw] = b
		path = append(path, bw)
		endps = append(endps, s.labelEnd[bw]^1)
		bw = s.inBlossom[s.endpoint[s.labelEnd[bw]]]
	}
	s.childs[b], s.endps[b] = path, endps
	s.label[b], s.labelEnd[b], s.dual[b] = 1, s.labelEnd[bb], 0
	leaves := s.appendLeaves(s.leafScratch[:0], b)
	for _, x := range leaves {
		if s.label[s.inBlossom[x]] == 2 {
			s.queue = append(s.queue, x)
		}
		s.inBlossom[x] = b
	}
	s.leafScratch = leaves[:0]
	s.computeBestEdges(b, path)
}

// computeBestEdges records, for the new blossom b made of children path,
// the least-slack edge to each other S-blossom and the least of those.
func (s *blossomSolver) computeBestEdges(b int, path []int) {
	var touched []int
	consider := func(k int) {
		j := s.endpoint[2*k+1]
		if s.inBlossom[j] == b {
			j = s.endpoint[2*k]
		}
		bj := s.inBlossom[j]
		if bj != b && s.label[bj] == 1 {
			if old := s.bestEdgeTo[bj]; old == -1 {
				touched = append(touched, bj)
				s.bestEdgeTo[bj] = k
			} else if s.slack(k) < s.slack(old) {
				s.bestEdgeTo[bj] = k
			}
		}
	}
	for _, bv := range path {
		if s.bestEdges[bv] == nil {
			leaves := s.appendLeaves(s.leafScratch[:0], bv)
			for _, x := range leaves {
				for _, a := range s.arcs[x] {
					consider(a.far / 2)
				}
			}
			s.leafScratch = leaves[:0]
		} else {
			for _, k := range s.bestEdges[bv] {
				consider(k)
			}
		}
		s.bestEdges[bv] = nil
		s.bestEdge[bv] = -1
	}
	slices.Sort(touched) // the order of the reference implementation
	best := make([]int, 0, len(touched))
	s.bestEdge[b] = -1
	for _, bj := range touched {
		k := s.bestEdgeTo[bj]
		s.bestEdgeTo[bj] = -1
		best = append(best, k)
		if ks := s.slack(k); s.bestEdge[b] == -1 || ks < s.bestSlackOf(b) {
			s.setBest(b, k, ks)
		}
	}
	s.bestEdges[b] = best
}

// expandBlossom undoes blossom b. At the end of a stage (endStage) its
// children become top-level blossoms, recursively for those with zero
// dual. Mid-stage, b is a T-blossom whose dual reached zero: its children
// on the even path from the entry to the base get relabelled.
func (s *blossomSolver) expandBlossom(b int, endStage bool) {
	for _, c := range s.childs[b] {
		s.parent[c] = -1
		switch {
		case c < s.n:
			s.inBlossom[c] = c
		case endStage && s.dual[c] == 0:
			s.expandBlossom(c, endStage)
		default:
			leaves := s.appendLeaves(s.leafScratch[:0], c)
			for _, x := range leaves {
				s.inBlossom[x] = c
			}
			s.leafScratch = leaves[:0]
		}
	}
	if !endStage && s.label[b] == 2 {
		s.relabelExpanded(b)
	}
	s.label[b], s.labelEnd[b] = -1, -1
	s.childs[b], s.endps[b], s.bestEdges[b] = nil, nil, nil
	s.base[b], s.bestEdge[b] = -1, -1
	s.unused = append(s.unused, b)
}

// blossomWalk returns where child t sits in blossom b's cycle, the index to
// start walking from, the step direction towards the base (position 0)
// along the even-length side, and the endpoint trick for that direction.
func (s *blossomSolver) blossomWalk(b, t int) (i, j, step, trick int) {
	i = slices.Index(s.childs[b], t)
	if i&1 != 0 {
		return i, i - len(s.childs[b]), 1, 0
	}
	return i, i, -1, 1
}

// child returns the child of b at index j, counting negative j from the end.
func (s *blossomSolver) child(b, j int) int {
	c := s.childs[b]
	return c[(j+len(c))%len(c)]
}

// endp returns the endpoint of b's cycle at index j, counting negative j
// from the end.
func (s *blossomSolver) endp(b, j int) int {
	e := s.endps[b]
	return e[(j+len(e))%len(e)]
}

// relabelExpanded restores the labels of the children of the expanded
// T-blossom b: T/S alternately from the entry child to the base, and the
// remaining children re-examined for T labels they own.
func (s *blossomSolver) relabelExpanded(b int) {
	entry := s.inBlossom[s.endpoint[s.labelEnd[b]^1]]
	_, j, step, trick := s.blossomWalk(b, entry)
	p := s.labelEnd[b]
	for j != 0 {
		s.label[s.endpoint[p^1]] = 0
		s.label[s.endpoint[s.endp(b, j-trick)^trick^1]] = 0
		s.assignLabel(s.endpoint[p^1], 2, p)
		s.allowEdge[s.endp(b, j-trick)/2] = true
		j += step
		p = s.endp(b, j-trick) ^ trick
		s.allowEdge[p/2] = true
		j += step
	}
	bv := s.child(b, j)
	w := s.endpoint[p^1]
	s.label[w], s.label[bv] = 2, 2
	s.labelEnd[w], s.labelEnd[bv] = p, p
	s.bestEdge[bv] = -1
	j += step
	for s.child(b, j) != entry {
		bv := s.child(b, j)
		j += step
		if s.label[bv] == 1 {
			continue
		}
		leaves := s.appendLeaves(s.leafScratch[:0], bv)
		v := -1
		for _, x := range leaves {
			if s.label[x] != 0 {
				v = x
				break
			}
		}
		s.leafScratch = leaves[:0]
		if v >= 0 {
			s.label[v] = 0
			s.label[s.endpoint[s.mate[s.base[bv]]]] = 0
			s.assignLabel(v, 2, s.labelEnd[v])
		}
	}
}

// augmentBlossom swaps matched and unmatched edges along the even path
// from vertex v to the base of blossom b, recursively, and makes v's child
// the new base.
func (s *blossomSolver) augmentBlossom(b, v int) {
	t := v
	for s.parent[t] != b {
		t = s.parent[t]
	}
	if t >= s.n {
		s.augmentBlossom(t, v)
	}
	i, j, step, trick := s.blossomWalk(b, t)
	for j != 0 {
		j += step
		t = s.child(b, j)
		p := s.endp(b, j-trick) ^ trick
		if t >= s.n {
			s.augmentBlossom(t, s.endpoint[p])
		}
		j += step
		t = s.child(b, j)
		if t >= s.n {
			s.augmentBlossom(t, s.endpoint[p^1])
		}
		s.mate[s.endpoint[p]] = p ^ 1
		s.mate[s.endpoint[p^1]] = p
	}
	blossomRotate(s.childs[b], i)
	blossomRotate(s.endps[b], i)
	s.base[b] = s.base[s.childs[b][0]]
}

// blossomRotate rotates x left by i places in place.
func blossomRotate(x []int, i int) {
	slices.Reverse(x[:i])
	slices.Reverse(x[i:])
	slices.Reverse(x)
}

// augmentMatching flips the augmenting path through edge k, which joins
// two S-vertices in different trees, back to both roots.
func (s *blossomSolver) augmentMatching(k int) {
	for _, start := range [2][2]int{{s.endpoint[2*k], 2*k + 1}, {s.endpoint[2*k+1], 2 * k}} {
		v, p := start[0], start[1]
		for {
			bs := s.inBlossom[v]
			if bs >= s.n {
				s.augmentBlossom(bs, v)
			}
			s.mate[v] = p
			if s.labelEnd[bs] == -1 {
				break // reached a single root
			}
			t := s.endpoint[s.labelEnd[bs]]
			bt := s.inBlossom[t]
			v = s.endpoint[s.labelEnd[bt]]
			j := s.endpoint[s.labelEnd[bt]^1]
			if bt >= s.n {
				s.augmentBlossom(bt, j)
			}
			s.mate[j] = s.labelEnd[bt]
			p = s.labelEnd[bt] ^ 1
		}
	}
}

// solve runs stages until no augmenting path improves the matching.
func (s *blossomSolver) solve() {
	for range s.n {
		if !s.stage() {
			break
		}
		// Blossoms with zero dual need not survive into the next stage.
		for b := s.n; b < 2*s.n; b++ {
			if s.parent[b] == -1 && s.base[b] >= 0 && s.label[b] == 1 && s.dual[b] == 0 {
				s.expandBlossom(b, true)
			}
		}
	}
}

// stage grows alternating trees from every free vertex, adjusting duals,
// until it augments the matching (true) or proves it optimal (false).
func (s *blossomSolver) stage() bool {
	clear(s.label)
	for b := range s.bestEdge {
		s.bestEdge[b] = -1
	}
	for b := s.n; b < 2*s.n; b++ {
		s.bestEdges[b] = nil
	}
	clear(s.allowEdge)
	s.queue = s.queue[:0]
	for v := range s.n {
		if s.mate[v] == -1 && s.label[s.inBlossom[v]] == 0 {
			s.assignLabel(v, 1, -1)
		}
	}
	for {
		if s.scanQueue() {
			return true
		}
		if !s.adjustDuals() {
			return false
		}
	}
}

// scanQueue examines the edges of queued S-vertices, growing trees, making
// blossoms and recording least-slack edges. It reports whether it augmented.
func (s *blossomSolver) scanQueue() bool {
	for len(s.queue) > 0 {
		v := s.queue[len(s.queue)-1]
		s.queue = s.queue[:len(s.queue)-1]
		for _, a := range s.arcs[v] {
			p, k, w := a.far, a.far/2, a.to
			bv, bw := s.inBlossom[v], s.inBlossom[w]
			if bv == bw {
				continue
			}
			var kslack int64
			if !s.allowEdge[k] {
				kslack = s.dual[v] + s.dual[w] - 2*a.weight
				if kslack <= 0 {
					s.allowEdge[k] = true
				}
			}
			switch {
			case s.allowEdge[k] && s.label[bw] == 0:
				s.assignLabel(w, 2, p^1)
			case s.allowEdge[k] && s.label[bw] == 1:
				if base := s.scanBlossom(v, w); base >= 0 {
					s.addBlossom(base, k)
				} else {
					s.augmentMatching(k)
					return true
				}
			case s.allowEdge[k] && s.label[w] == 0:
				s.label[w], s.labelEnd[w] = 2, p^1
			case s.allowEdge[k]:
			case s.label[bw] == 1:
				if s.bestEdge[bv] == -1 || kslack < s.bestSlackOf(bv) {
					s.setBest(bv, k, kslack)
				}
			case s.label[w] == 0:
				if s.bestEdge[w] == -1 || kslack < s.bestSlackOf(w) {
					s.setBest(w, k, kslack)
				}
			}
		}
	}
	return false
}

// adjustDuals finds the largest dual change that keeps every slack
// non-negative and applies it, then acts on the event that bounded it: a
// new tight edge is queued, a T-blossom with zero dual is expanded. It
// returns false when the bound was a vertex dual reaching zero, which
// proves the matching optimal.
func (s *blossomSolver) adjustDuals() bool {
	deltaType, delta, deltaEdge, deltaBlossom := s.findDelta()
	s.epoch++
	for v := range s.n {
		switch s.label[s.inBlossom[v]] {
		case 1:
			s.dual[v] -= delta
		case 2:
			s.dual[v] += delta
		}
	}
	for b := s.n; b < 2*s.n; b++ {
		if s.base[b] >= 0 && s.parent[b] == -1 {
			switch s.label[b] {
			case 1:
				s.dual[b] += delta
			case 2:
				s.dual[b] -= delta
			}
		}
	}
	switch deltaType {
	case 1:
		return false
	case 2, 3:
		s.allowEdge[deltaEdge] = true
		i := s.endpoint[2*deltaEdge]
		if s.label[s.inBlossom[i]] == 0 {
			i = s.endpoint[2*deltaEdge+1]
		}
		s.queue = append(s.queue, i)
	case 4:
		s.expandBlossom(deltaBlossom, false)
	}
	return true
}

// findDelta returns the kind and size of the next dual change: 1 a free
// vertex's dual hits zero, 2 an S–free edge gets tight, 3 an S–S edge gets
// tight, 4 a T-blossom's dual hits zero.
func (s *blossomSolver) findDelta() (deltaType int, delta int64, edge, blossom int) {
	deltaType = -1
	if !s.maxCard {
		deltaType, delta = 1, slices.Min(s.dual[:s.n])
	}
	for v := range s.n {
		if s.label[s.inBlossom[v]] == 0 && s.bestEdge[v] != -1 {
			if d := s.bestSlackOf(v); deltaType == -1 || d < delta {
				deltaType, delta, edge = 2, d, s.bestEdge[v]
			}
		}
	}
	for b := range 2 * s.n {
		if s.parent[b] == -1 && s.label[b] == 1 && s.bestEdge[b] != -1 {
			// Both ends move: half the slack. S–S slacks are even because
			// every vertex in the forest shares the parity of the roots.
			if d := s.bestSlackOf(b) / 2; deltaType == -1 || d < delta {
				deltaType, delta, edge = 3, d, s.bestEdge[b]
			}
		}
	}
	for b := s.n; b < 2*s.n; b++ {
		if s.base[b] >= 0 && s.parent[b] == -1 && s.label[b] == 2 && (deltaType == -1 || s.dual[b] < delta) {
			deltaType, delta, blossom = 4, s.dual[b], b
		}
	}
	if deltaType == -1 {
		// Max-cardinality mode with no further progress possible: the
		// matching is maximum; lower the duals as far as allowed and stop.
		deltaType, delta = 1, max(0, slices.Min(s.dual[:s.n]))
	}
	return deltaType, delta, edge, blossom
}
