package matching

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// asgTol is the tolerance for comparing totals of float costs.
const asgTol = 1e-9

// bruteAssign returns the optimal total of p by enumerating every injective
// map from the smaller side into the larger one, and false if none exists.
func bruteAssign(p AssignProblem) (float64, bool) {
	rows := len(p.Cost)
	if rows == 0 || len(p.Cost[0]) == 0 {
		return 0, true
	}
	cols := len(p.Cost[0])
	cell := func(i, j int) (float64, bool) {
		if p.Forbidden != nil && p.Forbidden[i][j] {
			return 0, false
		}
		c := p.Cost[i][j]
		return c, !math.IsInf(c, 0)
	}
	if rows > cols {
		inner := cell
		cell = func(i, j int) (float64, bool) { return inner(j, i) }
		rows, cols = cols, rows
	}
	sign := 1.0
	if p.Maximize {
		sign = -1
	}
	best, found := math.Inf(1), false
	used := make([]bool, cols)
	var rec func(i int, sum float64)
	rec = func(i int, sum float64) {
		if i == rows {
			if sign*sum < best {
				best, found = sign*sum, true
			}
			return
		}
		for j := range cols {
			c, ok := cell(i, j)
			if used[j] || !ok {
				continue
			}
			used[j] = true
			rec(i+1, sum+c)
			used[j] = false
		}
	}
	rec(0, 0)
	return sign * best, found
}

// checkAssignment fails t unless a is a valid answer to p in SciPy's form
// whose Total is the sum of its cells.
func checkAssignment(t *testing.T, p AssignProblem, a Assignment) {
	t.Helper()
	rows := len(p.Cost)
	cols := 0
	if rows > 0 {
		cols = len(p.Cost[0])
	}
	if want := min(rows, cols); len(a.Rows) != want || len(a.Cols) != want {
		t.Fatalf("assignment has %d rows, %d cols; want %d each", len(a.Rows), len(a.Cols), want)
	}
	if !slices.IsSorted(a.Rows) {
		t.Errorf("rows %v not ascending", a.Rows)
	}
	seenR, seenC := map[int]bool{}, map[int]bool{}
	sum := 0.0
	for k, i := range a.Rows {
		j := a.Cols[k]
		if seenR[i] || seenC[j] {
			t.Fatalf("row %d or col %d used twice in %v", i, j, a)
		}
		seenR[i], seenC[j] = true, true
		c := p.Cost[i][j]
		if math.IsInf(c, 0) || (p.Forbidden != nil && p.Forbidden[i][j]) {
			t.Errorf("forbidden cell (%d,%d) used", i, j)
		}
		sum += c
	}
	if !asgClose(sum, a.Total) {
		t.Errorf("Total = %v; cells add up to %v", a.Total, sum)
	}
}

// asgClose reports whether a and b agree within asgTol, absolutely or
// relatively.
func asgClose(a, b float64) bool {
	return math.Abs(a-b) <= asgTol*max(1, math.Abs(a), math.Abs(b))
}

// randomAssignProblem draws a rows×cols instance with small integer costs,
// some forbidden cells (as +Inf or in the mask) and either objective.
func randomAssignProblem(rng *rand.Rand, rows, cols int) AssignProblem {
	p := AssignProblem{Cost: make([][]float64, rows), Maximize: rng.IntN(2) == 0}
	useMask := rng.IntN(2) == 0
	if useMask {
		p.Forbidden = make([][]bool, rows)
	}
	forbidP := []float64{0, 0.1, 0.3, 0.6}[rng.IntN(4)]
	inf := math.Inf(1)
	if p.Maximize {
		inf = math.Inf(-1)
	}
	for i := range rows {
		p.Cost[i] = make([]float64, cols)
		if useMask {
			p.Forbidden[i] = make([]bool, cols)
		}
		for j := range cols {
			p.Cost[i][j] = float64(rng.IntN(21) - 5)
			if rng.Float64() < forbidP {
				if useMask {
					p.Forbidden[i][j] = true
				} else {
					p.Cost[i][j] = inf
				}
			}
		}
	}
	return p
}

func TestSolveAssignmentBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 3000 {
		rows, cols := rng.IntN(8), rng.IntN(8)
		p := randomAssignProblem(rng, rows, cols)
		want, feasible := bruteAssign(p)
		got, err := SolveAssignment(p)
		if !feasible {
			if !errors.Is(err, ErrInfeasible) {
				t.Fatalf("trial %d: SolveAssignment(%v) = %v, %v; want ErrInfeasible", trial, p, got, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: SolveAssignment(%v) error %v; want total %v", trial, p, err, want)
		}
		checkAssignment(t, p, got)
		if !asgClose(got.Total, want) {
			t.Fatalf("trial %d: SolveAssignment(%v).Total = %v; want %v", trial, p, got.Total, want)
		}
	}
}

// asgNoImprovingCycle checks that a (full on the smaller side) admits no
// improving exchange: it pads p to a square minimisation problem with zero
// rows or columns and runs Bellman–Ford for a negative alternating cycle.
func asgNoImprovingCycle(t *testing.T, p AssignProblem, a Assignment) {
	t.Helper()
	rows, cols := len(p.Cost), len(p.Cost[0])
	n := max(rows, cols)
	sign := 1.0
	if p.Maximize {
		sign = -1
	}
	cost := func(i, j int) (float64, bool) {
		if i >= rows || j >= cols {
			return 0, true
		}
		c := p.Cost[i][j]
		return sign * c, !math.IsInf(c, 0) && (p.Forbidden == nil || !p.Forbidden[i][j])
	}
	colOf := make([]int, n)
	rowOf := make([]int, n)
	for i := range colOf {
		colOf[i], rowOf[i] = -1, -1
	}
	for k, i := range a.Rows {
		colOf[i], rowOf[a.Cols[k]] = a.Cols[k], i
	}
	free := 0
	for i := range n {
		if colOf[i] < 0 {
			for free < n && rowOf[free] >= 0 {
				free++
			}
			colOf[i], rowOf[free] = free, i
		}
	}
	// Nodes: rows 0..n-1, columns n..2n-1; row->col for unused cells,
	// col->row (negated) for used ones. Start from all zero distances.
	dist := make([]float64, 2*n)
	for range 2*n + 1 {
		changed := false
		for i := range n {
			for j := range n {
				c, ok := cost(i, j)
				if !ok {
					continue
				}
				if colOf[i] == j {
					if d := dist[n+j] - c; d < dist[i]-1e-9 {
						dist[i], changed = d, true
					}
				} else if d := dist[i] + c; d < dist[n+j]-1e-9 {
					dist[n+j], changed = d, true
				}
			}
		}
		if !changed {
			return
		}
	}
	t.Fatalf("assignment of a %dx%d instance (maximize=%v) has an improving cycle", rows, cols, p.Maximize)
}

func TestSolveAssignmentOptimalityCertificate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 60 {
		rows, cols := 20+rng.IntN(40), 20+rng.IntN(40)
		p := randomAssignProblem(rng, rows, cols)
		if trial%2 == 0 {
			p.Forbidden = nil
			for i := range p.Cost {
				for j := range p.Cost[i] {
					p.Cost[i][j] = rng.Float64() * 100
				}
			}
		}
		got, err := SolveAssignment(p)
		if errors.Is(err, ErrInfeasible) {
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: SolveAssignment error %v", trial, err)
		}
		checkAssignment(t, p, got)
		asgNoImprovingCycle(t, p, got)
	}
}
