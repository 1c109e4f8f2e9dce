package matching

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// bruteMatching returns the best total weight over all matchings of the
// graph (among those of maximum size if maxCard) and that size, by
// enumeration. Parallel edges count with their heaviest weight.
func bruteMatching(n int, edges []Edge, maxCard bool) (best float64, size int) {
	w := make(map[[2]int]float64)
	for _, e := range edges {
		if e.U == e.V {
			continue
		}
		key := [2]int{min(e.U, e.V), max(e.U, e.V)}
		if old, ok := w[key]; !ok || e.W > old {
			w[key] = e.W
		}
	}
	used := make([]bool, n)
	better := func(card int, total float64) bool {
		if maxCard && card != size {
			return card > size
		}
		return total > best+1e-12
	}
	var rec func(v, card int, total float64)
	rec = func(v, card int, total float64) {
		for v < n && used[v] {
			v++
		}
		if v == n {
			if better(card, total) {
				best, size = total, card
			}
			return
		}
		used[v] = true
		rec(v+1, card, total)
		for u := v + 1; u < n; u++ {
			if wt, ok := w[[2]int{v, u}]; ok && !used[u] {
				used[u] = true
				rec(v+1, card+1, total+wt)
				used[u] = false
			}
		}
		used[v] = false
	}
	rec(0, 0, 0)
	return best, size
}

// checkMatching fails t unless m is a consistent matching of the graph.
func checkMatching(t *testing.T, n int, edges []Edge, m Matching) {
	t.Helper()
	w := make(map[[2]int]float64)
	for _, e := range edges {
		key := [2]int{min(e.U, e.V), max(e.U, e.V)}
		if old, ok := w[key]; e.U != e.V && (!ok || e.W > old) {
			w[key] = e.W
		}
	}
	if len(m.Mate) != n {
		t.Fatalf("len(Mate) = %d; want %d", len(m.Mate), n)
	}
	var pairs [][2]int
	var unmatched []int
	total := 0.0
	for v, u := range m.Mate {
		switch {
		case u < 0:
			unmatched = append(unmatched, v)
		case m.Mate[u] != v:
			t.Fatalf("Mate[%d] = %d but Mate[%d] = %d", v, u, u, m.Mate[u])
		case v < u:
			wt, ok := w[[2]int{v, u}]
			if !ok {
				t.Fatalf("pair (%d, %d) is not an edge", v, u)
			}
			pairs = append(pairs, [2]int{v, u})
			total += wt
		}
	}
	if diff := gocmp.Diff(pairs, m.Pairs, gocmp.Comparer(func(a, b [][2]int) bool { return slices.Equal(a, b) })); diff != "" {
		t.Errorf("Pairs disagree with Mate (-mate +pairs):\n%s", diff)
	}
	if !slices.Equal(unmatched, m.Unmatched) {
		t.Errorf("Unmatched = %v; Mate says %v", m.Unmatched, unmatched)
	}
	if math.Abs(total-m.Total) > 1e-9*max(1, math.Abs(total)) {
		t.Errorf("Total = %v; pairs add up to %v", m.Total, total)
	}
}

// randomGraph draws a graph on n vertices with edge density p and weights
// from weight.
func randomGraph(rng *rand.Rand, n int, p float64, weight func() float64) []Edge {
	var edges []Edge
	for u := range n {
		for v := u + 1; v < n; v++ {
			if rng.Float64() < p {
				edges = append(edges, Edge{U: u, V: v, W: weight()})
			}
		}
	}
	rng.Shuffle(len(edges), func(i, j int) {
		edges[i], edges[j] = edges[j], edges[i]
		edges[i].U, edges[i].V = edges[i].V, edges[i].U
	})
	return edges
}

func TestMaxWeightMatchingBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	weights := map[string]func() float64{
		"small ints":    func() float64 { return float64(rng.IntN(10)) },
		"signed ints":   func() float64 { return float64(rng.IntN(21) - 6) },
		"huge ints":     func() float64 { return float64(rng.Int64N(1<<44) - 1<<40) },
		"floats":        func() float64 { return rng.Float64() * 10 },
		"signed floats": func() float64 { return rng.NormFloat64() },
		"ties":          func() float64 { return float64(1 + rng.IntN(2)) },
	}
	for name, weight := range weights {
		t.Run(name, func(t *testing.T) {
			for trial := range 400 {
				n := rng.IntN(11)
				edges := randomGraph(rng, n, []float64{0.2, 0.5, 1}[trial%3], weight)
				for _, maxCard := range []bool{false, true} {
					got, err := MaxWeightMatching(n, edges, MatchingOptions{MaxCardinality: maxCard})
					if err != nil {
						t.Fatalf("MaxWeightMatching(%d, %v) error %v", n, edges, err)
					}
					checkMatching(t, n, edges, got)
					want, size := bruteMatching(n, edges, maxCard)
					if math.Abs(got.Total-want) > 1e-9*max(1, math.Abs(want)) {
						t.Fatalf("MaxWeightMatching(%d, %v, maxcard=%v).Total = %v; want %v", n, edges, maxCard, got.Total, want)
					}
					if maxCard && len(got.Pairs) != size {
						t.Fatalf("MaxWeightMatching(%d, %v, maxcard).Pairs = %v; want %d pairs", n, edges, got.Pairs, size)
					}
				}
			}
		})
	}
}

// nxCase is one case of testdata/networkx-max-weight-matching.json.
type nxCase struct {
	ID             string
	Edges          [][3]any
	Max            [][2]any `json:"expected_max_weight_matching"`
	MaxCard        [][2]any `json:"expected_max_weight_matching_maxcardinality"`
	MaxUnweighted  [][2]any `json:"expected_max_weight_matching_weight_None"`
	Min            [][2]any `json:"expected_min_weight_matching"`
	hasMax, hasMin bool
}

// nxGraph maps a case's vertex labels (numbers or strings) to 0..n-1 in
// order of appearance and returns the edges and a pair-set encoder.
func nxGraph(t *testing.T, c nxCase) (int, []Edge, func([][2]any) [][2]int) {
	t.Helper()
	ids := map[string]int{}
	id := func(x any) int {
		key := fmt.Sprint(x)
		if _, ok := ids[key]; !ok {
			ids[key] = len(ids)
		}
		return ids[key]
	}
	var edges []Edge
	for _, e := range c.Edges {
		w, ok := e[2].(float64)
		if !ok {
			t.Fatalf("edge %v has weight %T", e, e[2])
		}
		edges = append(edges, Edge{U: id(e[0]), V: id(e[1]), W: w})
	}
	pairs := func(ps [][2]any) [][2]int {
		out := [][2]int{}
		for _, p := range ps {
			u, v := id(p[0]), id(p[1])
			out = append(out, [2]int{min(u, v), max(u, v)})
		}
		slices.SortFunc(out, func(a, b [2]int) int { return cmp.Compare(a[0], b[0])*2 + cmp.Compare(a[1], b[1]) })
		return out
	}
	return len(ids), edges, pairs
}

func TestMaxWeightMatchingNetworkXVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/networkx-max-weight-matching.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []json.RawMessage }
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 20 {
		t.Fatalf("only %d cases in the vector file", len(file.Cases))
	}
	for _, raw := range file.Cases {
		var c nxCase
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(raw, &c); err != nil || json.Unmarshal(raw, &keys) != nil {
			t.Fatalf("decode case %s: %v", raw, err)
		}
		_, c.hasMax = keys["expected_max_weight_matching"]
		_, c.hasMin = keys["expected_min_weight_matching"]
		t.Run(c.ID, func(t *testing.T) { checkNXCase(t, c, keys) })
	}
}

// checkNXCase solves one NetworkX case in every mode it has an answer for.
func checkNXCase(t *testing.T, c nxCase, keys map[string]json.RawMessage) {
	n, edges, pairs := nxGraph(t, c)
	unit := make([]Edge, len(edges))
	for k, e := range edges {
		unit[k] = Edge{U: e.U, V: e.V, W: 1}
	}
	type mode struct {
		name  string
		want  [][2]any
		has   bool
		solve func() (Matching, error)
		edges []Edge
	}
	modes := []mode{
		{"max", c.Max, c.hasMax, func() (Matching, error) { return MaxWeightMatching(n, edges, MatchingOptions{}) }, edges},
		{"maxcardinality", c.MaxCard, keys["expected_max_weight_matching_maxcardinality"] != nil,
			func() (Matching, error) { return MaxWeightMatching(n, edges, MatchingOptions{MaxCardinality: true}) }, edges},
		{"weight None", c.MaxUnweighted, keys["expected_max_weight_matching_weight_None"] != nil,
			func() (Matching, error) { return MaxWeightMatching(n, unit, MatchingOptions{}) }, unit},
		{"min", c.Min, c.hasMin, func() (Matching, error) { return MinWeightMatching(n, edges) }, edges},
	}
	for _, m := range modes {
		if !m.has {
			continue
		}
		got, err := m.solve()
		if err != nil {
			t.Fatalf("%s: error %v", m.name, err)
		}
		checkMatching(t, n, m.edges, got)
		want := pairs(m.want)
		if diff := gocmp.Diff(want, got.Pairs); diff != "" {
			t.Errorf("%s: pairs differ (-want +got):\n%s", m.name, diff)
		}
		wantTotal := 0.0
		for _, p := range want {
			for _, e := range m.edges {
				if min(e.U, e.V) == p[0] && max(e.U, e.V) == p[1] {
					wantTotal += e.W
				}
			}
		}
		if got.Total != wantTotal {
			t.Errorf("%s: Total = %v; want %v", m.name, got.Total, wantTotal)
		}
	}
}

// bruteMinMaxCard returns the least total over the matchings of maximum
// size, by enumeration (NetworkX's min_weight_matching).
func bruteMinMaxCard(n int, edges []Edge) float64 {
	neg := make([]Edge, len(edges))
	for k, e := range edges {
		neg[k] = Edge{U: e.U, V: e.V, W: -e.W}
	}
	best, _ := bruteMatching(n, neg, true)
	return -best
}

func TestMinWeightMatchingBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 500 {
		n := rng.IntN(10)
		edges := randomGraph(rng, n, 0.5, func() float64 { return float64(rng.IntN(30) - 10) })
		// Without parallel edges, min-weight reads each edge's own weight.
		got, err := MinWeightMatching(n, edges)
		if err != nil {
			t.Fatalf("MinWeightMatching(%d, %v) error %v", n, edges, err)
		}
		want := bruteMinMaxCard(n, edges)
		_, size := bruteMatching(n, edges, true)
		if got.Total != want || len(got.Pairs) != size {
			t.Fatalf("MinWeightMatching(%d, %v) = %v; want total %v with %d pairs", n, edges, got, want, size)
		}
	}
}

func TestMaxWeightMatchingFloor(t *testing.T) {
	// A path 0-1-2-3 whose only perfect matching uses two bad edges.
	edges := []Edge{{0, 1, 1}, {1, 2, 10}, {2, 3, 1}}
	tests := []struct {
		name      string
		opt       MatchingOptions
		pairs     [][2]int
		unmatched []int
	}{
		{"no floor", MatchingOptions{}, [][2]int{{1, 2}}, []int{0, 3}},
		{"maxcard", MatchingOptions{MaxCardinality: true}, [][2]int{{0, 1}, {2, 3}}, []int{}},
		{"floor 5 maxcard", MatchingOptions{MaxCardinality: true, HasFloor: true, Floor: 5}, [][2]int{{1, 2}}, []int{0, 3}},
		{"floor 1 keeps weight 1", MatchingOptions{MaxCardinality: true, HasFloor: true, Floor: 1}, [][2]int{{0, 1}, {2, 3}}, []int{}},
		{"floor above all", MatchingOptions{MaxCardinality: true, HasFloor: true, Floor: 11}, [][2]int{}, []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MaxWeightMatching(4, edges, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(tt.pairs, got.Pairs); diff != "" {
				t.Errorf("MaxWeightMatching(%+v) pairs (-want +got):\n%s", tt.opt, diff)
			}
			if diff := gocmp.Diff(tt.unmatched, got.Unmatched); diff != "" {
				t.Errorf("MaxWeightMatching(%+v) unmatched (-want +got):\n%s", tt.opt, diff)
			}
		})
	}
}

func TestMaxWeightMatchingParallelAndLoops(t *testing.T) {
	edges := []Edge{{0, 1, 1}, {1, 0, 5}, {0, 1, 3}, {2, 2, 100}, {1, 2, 4}}
	got, err := MaxWeightMatching(3, edges, MatchingOptions{})
	want := Matching{Mate: []int{1, 0, -1}, Pairs: [][2]int{{0, 1}}, Total: 5, Unmatched: []int{2}}
	if err != nil || !gocmp.Equal(got, want) {
		t.Errorf("MaxWeightMatching(%v) = %+v, %v; want %+v", edges, got, err, want)
	}
}

func TestMaxWeightMatchingErrors(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges []Edge
	}{
		{"negative n", -1, nil},
		{"vertex too large", 2, []Edge{{0, 2, 1}}},
		{"negative vertex", 2, []Edge{{-1, 1, 1}}},
		{"NaN", 2, []Edge{{0, 1, math.NaN()}}},
		{"Inf", 2, []Edge{{0, 1, math.Inf(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MaxWeightMatching(tt.n, tt.edges, MatchingOptions{})
			if !errors.Is(err, ErrInvalidGraph) {
				t.Errorf("MaxWeightMatching(%d, %v) = %v, %v; want ErrInvalidGraph", tt.n, tt.edges, got, err)
			}
		})
	}
}

func TestMaxWeightMatchingEmpty(t *testing.T) {
	got, err := MaxWeightMatching(0, nil, MatchingOptions{MaxCardinality: true})
	want := Matching{Mate: []int{}, Pairs: [][2]int{}, Unmatched: []int{}}
	if err != nil || !gocmp.Equal(got, want) {
		t.Errorf("MaxWeightMatching(0, nil) = %+v, %v; want %+v", got, err, want)
	}
}

func TestMaxWeightMatchingExactIntegers(t *testing.T) {
	// Weights near 2^49 differ in their last unit; float rounding in the
	// duals would lose that, integer arithmetic does not.
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 200 {
		n := 2 + rng.IntN(9)
		edges := randomGraph(rng, n, 0.7, func() float64 { return float64(1<<49 + rng.IntN(8)) })
		for _, maxCard := range []bool{false, true} {
			got, err := MaxWeightMatching(n, edges, MatchingOptions{MaxCardinality: maxCard})
			want, _ := bruteMatching(n, edges, maxCard)
			if err != nil || got.Total != want {
				t.Fatalf("trial %d: MaxWeightMatching(%v).Total = %v, %v; want exactly %v", trial, edges, got.Total, err, want)
			}
		}
	}
}

func TestMaxWeightMatchingDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	edges := randomGraph(rng, 120, 0.3, func() float64 { return float64(rng.IntN(5)) })
	first, err := MaxWeightMatching(120, edges, MatchingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkMatching(t, 120, edges, first)
	for range 3 {
		again, _ := MaxWeightMatching(120, edges, MatchingOptions{})
		if diff := gocmp.Diff(first, again); diff != "" {
			t.Fatalf("two solves differ (-first +again):\n%s", diff)
		}
	}
}

func TestBlossomScaleWeights(t *testing.T) {
	tests := []struct {
		w    []float64
		want []int64
	}{
		{[]float64{0, 0}, []int64{0, 0}},
		{[]float64{3, -7}, []int64{3, -7}},
		{[]float64{0.5, 1.25}, []int64{2, 5}},
		{[]float64{1 << 52, 1}, []int64{1 << 49, 0}}, // too large: 2^-3 grid
	}
	for _, tt := range tests {
		edges := make([]Edge, len(tt.w))
		for k, w := range tt.w {
			edges[k].W = w
		}
		if got := blossomScaleWeights(edges); !slices.Equal(got, tt.want) {
			t.Errorf("blossomScaleWeights(%v) = %v; want %v", tt.w, got, tt.want)
		}
	}
	// 0.1 has no short binary form: rounded to 50 bits of the largest.
	got := blossomScaleWeights([]Edge{{W: 0.1}, {W: 0.3}})
	if rel := math.Abs(math.Ldexp(float64(got[1]), -51)-0.3) / 0.3; got[1] >= 1<<50 || rel > 1e-14 {
		t.Errorf("blossomScaleWeights(0.1, 0.3) = %v; want 0.3 on a 2^-51 grid below 2^50", got)
	}
}

// TestMaxWeightMatchingBipartiteVsAssignment cross-checks the two solvers
// on larger instances than brute force reaches: on a complete bipartite
// graph, a max-cardinality matching is an assignment, and a plain
// max-weight matching is an assignment of max(w, 0) (a zero cell standing
// for "unmatched").
func TestMaxWeightMatchingBipartiteVsAssignment(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for trial := range 20 {
		rows, cols := 10+rng.IntN(40), 10+rng.IntN(40)
		w := make([][]float64, rows)
		clipped := make([][]float64, rows)
		var edges []Edge
		for i := range rows {
			for j := range cols {
				x := float64(rng.IntN(1000) - 200)
				w[i] = append(w[i], x)
				clipped[i] = append(clipped[i], max(x, 0))
				edges = append(edges, Edge{U: i, V: rows + j, W: x})
			}
		}
		for _, maxCard := range []bool{false, true} {
			cost := clipped
			if maxCard {
				cost = w
			}
			want, err := SolveAssignment(AssignProblem{Cost: cost, Maximize: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := MaxWeightMatching(rows+cols, edges, MatchingOptions{MaxCardinality: maxCard})
			if err != nil || got.Total != want.Total {
				t.Fatalf("trial %d (%dx%d, maxcard=%v): matching total %v, %v; assignment %v", trial, rows, cols, maxCard, got.Total, err, want.Total)
			}
			if maxCard && len(got.Pairs) != min(rows, cols) {
				t.Fatalf("trial %d: %d pairs; want %d", trial, len(got.Pairs), min(rows, cols))
			}
		}
	}
}

// blossomVerifyOptimum checks the LP duality certificate the solver leaves
// behind (the verifyOptimum of the reference implementation): non-negative
// duals, no edge with negative slack, tight matched edges, free vertices at
// zero dual, and full blossoms where the dual is positive.
func blossomVerifyOptimum(t *testing.T, s *blossomSolver) {
	t.Helper()
	offset := int64(0)
	if s.maxCard {
		offset = max(0, -slices.Min(s.dual[:s.n]))
	}
	for v := range s.n {
		if s.dual[v]+offset < 0 || (s.mate[v] < 0 && s.dual[v]+offset != 0) {
			t.Fatalf("vertex %d: dual %d (offset %d), mate %d", v, s.dual[v], offset, s.mate[v])
		}
	}
	for b := s.n; b < 2*s.n; b++ {
		if s.base[b] < 0 {
			continue
		}
		if s.dual[b] < 0 {
			t.Fatalf("blossom %d has dual %d", b, s.dual[b])
		}
		if s.dual[b] > 0 {
			for k := 1; k < len(s.endps[b]); k += 2 {
				p := s.endps[b][k]
				if s.mate[s.endpoint[p]] != p^1 || s.mate[s.endpoint[p^1]] != p {
					t.Fatalf("blossom %d with dual %d is not full at endpoint %d", b, s.dual[b], p)
				}
			}
		}
	}
	chain := func(v int) []int {
		c := []int{v}
		for s.parent[c[len(c)-1]] != -1 {
			c = append(c, s.parent[c[len(c)-1]])
		}
		slices.Reverse(c)
		return c
	}
	for k := range s.weight {
		i, j := s.endpoint[2*k], s.endpoint[2*k+1]
		slack := s.slack(k)
		ci, cj := chain(i), chain(j)
		for x := 0; x < min(len(ci), len(cj)) && ci[x] == cj[x]; x++ {
			slack += 2 * s.dual[ci[x]]
		}
		if slack < 0 {
			t.Fatalf("edge %d (%d, %d) has slack %d", k, i, j, slack)
		}
		if s.mate[i] == 2*k+1 && slack != 0 {
			t.Fatalf("matched edge %d (%d, %d) has slack %d", k, i, j, slack)
		}
	}
}

func TestBlossomDualCertificate(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for trial := range 60 {
		n := 20 + rng.IntN(130)
		edges := blossomSimpleEdges(randomGraph(rng, n, []float64{0.05, 0.2, 1}[trial%3], func() float64 {
			return float64(rng.IntN(100) - 20)
		}), MatchingOptions{})
		for _, maxCard := range []bool{false, true} {
			s := newBlossomSolver(n, edges, blossomScaleWeights(edges), maxCard)
			s.solve()
			blossomVerifyOptimum(t, s)
		}
	}
}
