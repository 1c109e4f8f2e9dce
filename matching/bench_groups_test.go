package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchGroups draws n people into m homes of capacity 2 to 5 (mixed), with
// scores in [-0.3, 1), 5% Never pairs and fit with 5% forbidden cells.
func benchGroups(n, m int, seed uint64) GroupProblem {
	rng := rand.New(rand.NewPCG(seed, 1))
	p := GroupProblem{Scores: make([][]float64, n), Never: make([][]bool, n), Capacities: make([]int, m),
		Fit: make([][]float64, n), FitForbidden: make([][]bool, n)}
	for i := range n {
		p.Scores[i], p.Never[i] = make([]float64, n), make([]bool, n)
		p.Fit[i], p.FitForbidden[i] = make([]float64, m), make([]bool, m)
		for h := range m {
			p.Fit[i][h] = rng.Float64() * 0.5
			p.FitForbidden[i][h] = rng.IntN(20) == 0
		}
	}
	for i := range n {
		for j := range i {
			v := rng.Float64()*1.3 - 0.3
			never := rng.IntN(20) == 0
			p.Scores[i][j], p.Scores[j][i] = v, v
			p.Never[i][j], p.Never[j][i] = never, never
		}
	}
	for h := range m {
		p.Capacities[h] = 2 + rng.IntN(4)
	}
	return p
}

// BenchmarkSolveGroups measures the heuristic with default budgets; the
// 1000-people case is the "1,000 people into 300 homes in <= 10 s" target.
func BenchmarkSolveGroups(b *testing.B) {
	for _, size := range []struct{ n, m int }{{100, 30}, {1000, 300}} {
		p := benchGroups(size.n, size.m, 1)
		b.Run(fmt.Sprintf("people=%d/homes=%d", size.n, size.m), func(b *testing.B) {
			var sol GroupSolution
			for b.Loop() {
				var err error
				if sol, err = SolveGroups(p, GroupOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(sol.Total, "total")
			b.ReportMetric(float64(len(sol.Unassigned)), "unassigned")
		})
	}
}

// BenchmarkGroupsExact measures branch and bound proving the optimum of a
// 14-person pool (the largest GroupsAuto hands it).
func BenchmarkGroupsExact(b *testing.B) {
	p := benchGroups(14, 4, 2)
	for b.Loop() {
		sol, err := SolveGroups(p, GroupOptions{Method: GroupsExact, Seed: 1, MaxIters: 1})
		if err != nil || !sol.Optimal {
			b.Fatalf("SolveGroups = %+v, %v; want an optimal answer", sol, err)
		}
	}
}

// benchPrefs draws complete random preference lists of n people over k.
func benchPrefs(rng *rand.Rand, n, k int) [][]int {
	prefs := make([][]int, n)
	for i := range prefs {
		prefs[i] = rng.Perm(k)
	}
	return prefs
}

func BenchmarkResidentOptimal(b *testing.B) {
	for _, size := range []struct{ residents, hospitals int }{{100, 10}, {1000, 50}, {5000, 100}} {
		rng := rand.New(rand.NewPCG(3, 1))
		p := HRProblem{
			ResidentPrefs: benchPrefs(rng, size.residents, size.hospitals),
			HospitalPrefs: benchPrefs(rng, size.hospitals, size.residents),
			Capacities:    smFilled(size.hospitals, size.residents/size.hospitals),
		}
		b.Run(fmt.Sprintf("residents=%d/hospitals=%d", size.residents, size.hospitals), func(b *testing.B) {
			for b.Loop() {
				if _, err := ResidentOptimal(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkStableRoommates(b *testing.B) {
	for _, n := range []int{100, 500, 1000} {
		rng := rand.New(rand.NewPCG(4, 1))
		prefs := make([][]int, n)
		for x := range prefs {
			for _, y := range rng.Perm(n) {
				if y != x {
					prefs[x] = append(prefs[x], y)
				}
			}
		}
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := StableRoommates(prefs); err != nil && err != ErrNoStableMatching {
					b.Fatal(err)
				}
			}
		})
	}
}
