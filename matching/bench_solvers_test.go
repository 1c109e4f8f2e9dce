package matching

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchUniformCost returns an n×n matrix of uniform [0,1) costs drawn from a
// fixed seed.
func benchUniformCost(n int) [][]float64 {
	rng := rand.New(rand.NewPCG(2026, uint64(n)))
	cost := make([][]float64, n)
	for i := range cost {
		cost[i] = make([]float64, n)
		for j := range cost[i] {
			cost[i][j] = rng.Float64()
		}
	}
	return cost
}

// benchMacholWien returns the n×n Machol–Wien matrix c[i][j] = (i+1)(j+1),
// a classic hard instance for shortest augmenting path methods.
func benchMacholWien(n int) [][]float64 {
	cost := make([][]float64, n)
	for i := range cost {
		cost[i] = make([]float64, n)
		for j := range cost[i] {
			cost[i][j] = float64((i + 1) * (j + 1))
		}
	}
	return cost
}

// benchCompleteGraph returns the edges of the complete graph on n vertices
// with uniform random weights in [0,1) from a fixed seed.
func benchCompleteGraph(n int) []Edge {
	rng := rand.New(rand.NewPCG(2026, uint64(n)))
	edges := make([]Edge, 0, n*(n-1)/2)
	for u := range n {
		for v := u + 1; v < n; v++ {
			edges = append(edges, Edge{U: u, V: v, W: rng.Float64()})
		}
	}
	return edges
}

func BenchmarkSolveAssignment(b *testing.B) {
	cases := []struct {
		name string
		cost [][]float64
	}{
		{"uniform-100", benchUniformCost(100)},
		{"uniform-500", benchUniformCost(500)},
		{"uniform-2000", benchUniformCost(2000)},
		{"macholwien-2000", benchMacholWien(2000)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			p := AssignProblem{Cost: c.cost}
			for b.Loop() {
				if _, err := SolveAssignment(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMaxWeightMatching(b *testing.B) {
	for _, n := range []int{50, 200, 400} {
		b.Run(fmt.Sprintf("complete-%d", n), func(b *testing.B) {
			edges := benchCompleteGraph(n)
			for b.Loop() {
				if _, err := MaxWeightMatching(n, edges, MatchingOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSideBySideInstances times the solvers alone (no JSON) on the
// instance files that scripts/sidebyside.py writes, when CONVIVO_SBS_DIR
// names their folder; scripts/sidebyside.sh runs it after its table.
func BenchmarkSideBySideInstances(b *testing.B) {
	dir := os.Getenv("CONVIVO_SBS_DIR")
	if dir == "" {
		b.Skip("CONVIVO_SBS_DIR not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no instances in %s: %v", dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var in struct {
			Cost           [][]float64
			Maximize       bool
			Edges          [][3]float64
			MaxCardinality bool
		}
		if err := json.Unmarshal(data, &in); err != nil {
			b.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		b.Run(name, func(b *testing.B) {
			if in.Cost != nil {
				p := AssignProblem{Cost: in.Cost, Maximize: in.Maximize}
				for b.Loop() {
					if _, err := SolveAssignment(p); err != nil {
						b.Fatal(err)
					}
				}
				return
			}
			n, edges := 0, make([]Edge, len(in.Edges))
			for k, e := range in.Edges {
				edges[k] = Edge{U: int(e[0]), V: int(e[1]), W: e[2]}
				n = max(n, edges[k].U+1, edges[k].V+1)
			}
			for b.Loop() {
				if _, err := MaxWeightMatching(n, edges, MatchingOptions{MaxCardinality: in.MaxCardinality}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
