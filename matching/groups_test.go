package matching

import (
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/floats/scalar"
)

// randomGroups draws an instance: scores in [-0.3, 1) with some Never pairs,
// capacities 0..4, and, half the time, fit in [0, 0.5) with forbidden cells.
func randomGroups(rng *rand.Rand, n, m int) GroupProblem {
	p := GroupProblem{Scores: make([][]float64, n), Never: make([][]bool, n), Capacities: make([]int, m)}
	for i := range n {
		p.Scores[i], p.Never[i] = make([]float64, n), make([]bool, n)
	}
	for i := range n {
		for j := range i {
			v := math.Round((rng.Float64()*1.3-0.3)*1000) / 1000
			p.Scores[i][j], p.Scores[j][i] = v, v
			never := rng.IntN(10) == 0
			p.Never[i][j], p.Never[j][i] = never, never
		}
	}
	for h := range m {
		p.Capacities[h] = rng.IntN(5)
	}
	if rng.IntN(2) == 0 {
		p.Fit, p.FitForbidden = make([][]float64, n), make([][]bool, n)
		for i := range n {
			p.Fit[i], p.FitForbidden[i] = make([]float64, m), make([]bool, m)
			for h := range m {
				p.Fit[i][h] = math.Round(rng.Float64()*500) / 1000
				p.FitForbidden[i][h] = rng.IntN(10) == 0
			}
		}
	}
	if rng.IntN(4) == 0 {
		p.Floor, p.UseFloor = 0, true
	}
	return p
}

// oracleTotal evaluates home (person -> home, m for unassigned) straight
// from p, without the solver's code: ok is false when a hard constraint
// breaks.
func oracleTotal(p GroupProblem, home []int) (placed int, total float64, ok bool) {
	m := len(p.Capacities)
	size := make([]int, m)
	for i, h := range home {
		if h == m {
			continue
		}
		placed++
		size[h]++
		if size[h] > p.Capacities[h] || p.FitForbidden != nil && p.FitForbidden[i][h] {
			return 0, 0, false
		}
		if p.Fit != nil {
			total += p.Fit[i][h]
		}
		for j := i + 1; j < len(home); j++ {
			if home[j] != h {
				continue
			}
			if p.Never != nil && p.Never[i][j] || p.UseFloor && p.Scores[i][j] < p.Floor {
				return 0, 0, false
			}
			total += p.Scores[i][j]
		}
	}
	return placed, total, true
}

// bruteGroups enumerates every assignment of a tiny instance and returns the
// best (placed, total).
func bruteGroups(t *testing.T, p GroupProblem) (int, float64) {
	t.Helper()
	m := len(p.Capacities)
	home := make([]int, len(p.Scores))
	bestPlaced, bestTotal := -1, 0.0
	var rec func(i int)
	rec = func(i int) {
		if i == len(home) {
			placed, total, ok := oracleTotal(p, home)
			if ok && (placed > bestPlaced || placed == bestPlaced && total > bestTotal) {
				bestPlaced, bestTotal = placed, total
			}
			return
		}
		for h := 0; h <= m; h++ {
			home[i] = h
			rec(i + 1)
		}
	}
	rec(0)
	return bestPlaced, bestTotal
}

// checkGroups fails unless sol is a valid answer to p whose Total is right,
// and returns the number placed.
func checkGroups(t *testing.T, p GroupProblem, sol GroupSolution) int {
	t.Helper()
	total, err := GroupsTotal(p, sol.Groups)
	if err != nil {
		t.Fatalf("GroupsTotal(%v): %v", sol.Groups, err)
	}
	if !scalar.EqualWithinAbsOrRel(total, sol.Total, 1e-9, 1e-9) {
		t.Errorf("SolveGroups Total = %v; GroupsTotal = %v", sol.Total, total)
	}
	m := len(p.Capacities)
	home := slices.Repeat([]int{m}, len(p.Scores))
	for h, g := range sol.Groups {
		for _, i := range g {
			home[i] = h
		}
	}
	placed, oracle, ok := oracleTotal(p, home)
	if !ok || !scalar.EqualWithinAbsOrRel(oracle, sol.Total, 1e-9, 1e-9) {
		t.Errorf("oracle total of %v = %v, %v; want %v", sol.Groups, oracle, ok, sol.Total)
	}
	if placed+len(sol.Unassigned) != len(p.Scores) {
		t.Errorf("SolveGroups placed %d + unassigned %d; want %d people", placed, len(sol.Unassigned), len(p.Scores))
	}
	return placed
}

// gap is the relative shortfall of got against the optimum want.
func gap(got, want float64) float64 {
	if want-got <= 1e-9 {
		return 0
	}
	return (want - got) / math.Max(math.Abs(want), 1e-9)
}

// TestGroupsAgainstBruteForce compares the exact and the heuristic solver
// with exhaustive enumeration on tiny instances.
func TestGroupsAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sumGap, maxGap := 0.0, 0.0
	const trials = 300
	for trial := range trials {
		p := randomGroups(rng, 1+rng.IntN(8), 1+rng.IntN(3))
		wantPlaced, wantTotal := bruteGroups(t, p)
		exact, err := SolveGroups(p, GroupOptions{Method: GroupsExact, Seed: uint64(trial), MaxIters: 10})
		if err != nil {
			t.Fatal(err)
		}
		if placed := checkGroups(t, p, exact); placed != wantPlaced || !scalar.EqualWithinAbsOrRel(exact.Total, wantTotal, 1e-9, 1e-9) || !exact.Optimal {
			t.Errorf("trial %d: exact SolveGroups = %d placed, %v (optimal %v); want %d, %v", trial, placed, exact.Total, exact.Optimal, wantPlaced, wantTotal)
		}
		heur, err := SolveGroups(p, GroupOptions{Method: GroupsHeuristic, Seed: uint64(trial)})
		if err != nil {
			t.Fatal(err)
		}
		if placed := checkGroups(t, p, heur); placed != wantPlaced {
			t.Errorf("trial %d: heuristic SolveGroups placed %d; want %d", trial, placed, wantPlaced)
		}
		g := gap(heur.Total, wantTotal)
		sumGap, maxGap = sumGap+g, max(maxGap, g)
	}
	t.Logf("heuristic vs brute force, %d instances n<=8: mean gap %.4f%%, max %.4f%%", trials, 100*sumGap/trials, 100*maxGap)
	if sumGap/trials > 0.01 {
		t.Errorf("heuristic mean gap %.4f%%; want <= 1%%", 100*sumGap/trials)
	}
}

// TestGroupsHeuristicGap measures the heuristic against branch and bound on
// 200 seeded instances (40 with -short) of 8 to 16 people into homes of 2
// to 5.
func TestGroupsHeuristicGap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	sumGap, maxGap, largest := 0.0, 0.0, 0
	trials := 200
	if testing.Short() {
		trials = 40
	}
	for trial := range trials {
		n := 8 + rng.IntN(9)
		p := randomGroups(rng, n, 2+n/4)
		for h := range p.Capacities {
			p.Capacities[h] = 2 + rng.IntN(4)
		}
		exact, err := SolveGroups(p, GroupOptions{Method: GroupsExact, Seed: uint64(trial), MaxIters: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !exact.Optimal {
			t.Fatalf("trial %d (n=%d): branch and bound did not finish", trial, n)
		}
		heur, err := SolveGroups(p, GroupOptions{Method: GroupsHeuristic, Seed: uint64(trial)})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := checkGroups(t, p, heur), checkGroups(t, p, exact); got != want {
			t.Errorf("trial %d: heuristic placed %d; exact %d", trial, got, want)
		}
		g := gap(heur.Total, exact.Total)
		sumGap, maxGap, largest = sumGap+g, max(maxGap, g), max(largest, n)
	}
	mean := sumGap / float64(trials)
	t.Logf("heuristic vs exact, %d instances, n<=%d: mean gap %.4f%%, max %.4f%%", trials, largest, 100*mean, 100*maxGap)
	if mean > 0.01 {
		t.Errorf("heuristic mean gap %.4f%%; want <= 1%%", 100*mean)
	}
}

// TestGroupsConstraintsLarge checks validity, count and determinism on pools
// too large for exact search.
func TestGroupsConstraintsLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for trial := range 5 {
		p := randomGroups(rng, 60+rng.IntN(40), 25)
		p.Floor, p.UseFloor = -0.2, trial%2 == 0
		opt := GroupOptions{Seed: uint64(trial), MaxIters: 300}
		a, err := SolveGroups(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkGroups(t, p, a)
		if a.Optimal {
			t.Errorf("trial %d: Optimal set for a heuristic answer", trial)
		}
		b, err := SolveGroups(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("trial %d: SolveGroups not deterministic (-first +second):\n%s", trial, diff)
		}
	}
}

func TestGroupsKnown(t *testing.T) {
	// Four people, two flats for two: 0-1 and 2-3 like each other, 0-2 like
	// each other most but are never to live together.
	p := GroupProblem{
		Scores: [][]float64{
			{0, 5, 9, 0},
			{5, 0, 0, 1},
			{9, 0, 0, 4},
			{0, 1, 4, 0},
		},
		Never:      [][]bool{{false, false, true, false}, {false, false, false, false}, {true, false, false, false}, {false, false, false, false}},
		Capacities: []int{2, 2, 0},
	}
	want := GroupSolution{Groups: [][]int{{0, 1}, {2, 3}, {}}, Unassigned: []int{}, Total: 9, Optimal: true}
	got, err := SolveGroups(p, GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The two flats are interchangeable: groups come ordered by first member.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SolveGroups mismatch (-want +got):\n%s", diff)
	}
	// With room for three, the count comes first: everyone is placed, even
	// though 1 and 3 score little.
	p.Capacities = []int{1, 1, 1}
	got, err = SolveGroups(p, GroupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Unassigned) != 1 || got.Total != 0 {
		t.Errorf("SolveGroups(three singles) = %+v; want one unassigned, total 0", got)
	}
}

func TestGroupsInvalid(t *testing.T) {
	ok := func() GroupProblem {
		return GroupProblem{Scores: [][]float64{{0, 1}, {1, 0}}, Capacities: []int{2}}
	}
	for _, tc := range []struct {
		name string
		edit func(p *GroupProblem)
	}{
		{"ragged", func(p *GroupProblem) { p.Scores[1] = []float64{1} }},
		{"asymmetric", func(p *GroupProblem) { p.Scores[1][0] = 2 }},
		{"NaN", func(p *GroupProblem) { p.Scores[0][1], p.Scores[1][0] = math.NaN(), math.NaN() }},
		{"negative capacity", func(p *GroupProblem) { p.Capacities[0] = -1 }},
		{"never shape", func(p *GroupProblem) { p.Never = [][]bool{{false}} }},
		{"never asymmetric", func(p *GroupProblem) { p.Never = [][]bool{{false, true}, {false, false}} }},
		{"fit shape", func(p *GroupProblem) { p.Fit = [][]float64{{1}} }},
		{"fit infinite", func(p *GroupProblem) { p.Fit = [][]float64{{math.Inf(1)}, {0}} }},
		{"forbidden shape", func(p *GroupProblem) { p.FitForbidden = [][]bool{{false, false}, {false}} }},
		{"floor NaN", func(p *GroupProblem) { p.Floor, p.UseFloor = math.NaN(), true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ok()
			tc.edit(&p)
			if got, err := SolveGroups(p, GroupOptions{}); !errors.Is(err, ErrInvalidGroups) {
				t.Errorf("SolveGroups(%+v) = %+v, %v; want ErrInvalidGroups", p, got, err)
			}
		})
	}
}

func TestGroupsTotalRejects(t *testing.T) {
	p := GroupProblem{
		Scores:       [][]float64{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}},
		Never:        [][]bool{{false, true, false}, {true, false, false}, {false, false, false}},
		Capacities:   []int{2, 1},
		FitForbidden: [][]bool{{false, false}, {false, false}, {false, true}},
	}
	for _, tc := range []struct {
		name   string
		groups [][]int
	}{
		{"never pair", [][]int{{0, 1}, {}}},
		{"over capacity", [][]int{{0, 2}, {1, 2}}},
		{"twice", [][]int{{0, 2}, {2}}},
		{"forbidden home", [][]int{{0}, {2}}},
		{"out of range", [][]int{{3}, {}}},
		{"wrong homes", [][]int{{0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := GroupsTotal(p, tc.groups); !errors.Is(err, ErrInvalidGroups) {
				t.Errorf("GroupsTotal(%v) = %v, %v; want ErrInvalidGroups", tc.groups, got, err)
			}
		})
	}
	if got, err := GroupsTotal(p, [][]int{{0, 2}, {1}}); err != nil || got != 1 {
		t.Errorf("GroupsTotal({0 2} {1}) = %v, %v; want 1", got, err)
	}
}

// TestGroupsNodeBudget checks that a search cut short keeps a valid answer
// and does not claim optimality.
func TestGroupsNodeBudget(t *testing.T) {
	p := randomGroups(rand.New(rand.NewPCG(11, 12)), 14, 4)
	for h := range p.Capacities {
		p.Capacities[h] = 4
	}
	sol, err := SolveGroups(p, GroupOptions{Method: GroupsExact, MaxNodes: 10, MaxIters: 10})
	if err != nil {
		t.Fatal(err)
	}
	checkGroups(t, p, sol)
	if sol.Optimal {
		t.Errorf("SolveGroups(MaxNodes: 10).Optimal = true; want false")
	}
}

var verifyN = flag.Int("groups.verify", 0, "people per instance for TestGroupsGapLarger (0 skips it)")

// TestGroupsGapLarger measures the heuristic against branch and bound on
// 20 instances of -groups.verify people, each search capped at 20M nodes;
// instances whose search does not finish are counted, not compared.
func TestGroupsGapLarger(t *testing.T) {
	n := *verifyN
	if n == 0 {
		t.Skip("set -groups.verify=N to run")
	}
	rng := rand.New(rand.NewPCG(uint64(n), 13))
	sumGap, maxGap, proved := 0.0, 0.0, 0
	for trial := range 20 {
		p := randomGroups(rng, n, 2+n/4)
		for h := range p.Capacities {
			p.Capacities[h] = 2 + rng.IntN(4)
		}
		heur, err := SolveGroups(p, GroupOptions{Method: GroupsHeuristic, Seed: uint64(trial)})
		if err != nil {
			t.Fatal(err)
		}
		exact, err := SolveGroups(p, GroupOptions{Method: GroupsExact, Seed: uint64(trial), MaxNodes: 20_000_000})
		if err != nil {
			t.Fatal(err)
		}
		if !exact.Optimal {
			continue
		}
		proved++
		if got, want := checkGroups(t, p, heur), checkGroups(t, p, exact); got != want {
			t.Errorf("trial %d: heuristic placed %d; exact %d", trial, got, want)
		}
		g := gap(heur.Total, exact.Total)
		sumGap, maxGap = sumGap+g, max(maxGap, g)
	}
	t.Logf("n=%d: %d/20 proved optimal; heuristic mean gap %.4f%%, max %.4f%%", n, proved, 100*sumGap/float64(max(proved, 1)), 100*maxGap)
}
