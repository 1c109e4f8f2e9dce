package matching

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	if diff := cmp.Diff(pairs, m.Pairs, cmp.Comparer(func(a, b [][2]int) bool { return slices.Equal(a, b) })); diff != "" {
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
