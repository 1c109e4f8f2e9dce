package matching

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	floats := rng.IntN(3) == 0
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
			if floats {
				p.Cost[i][j] = rng.NormFloat64() * 10
			} else {
				p.Cost[i][j] = float64(rng.IntN(21) - 5)
			}
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
	large, infeasible := 0, 0
	for trial := range 3000 {
		rows, cols := rng.IntN(8), rng.IntN(8)
		p := randomAssignProblem(rng, rows, cols)
		want, feasible := bruteAssign(p)
		got, err := SolveAssignment(p)
		if !feasible {
			infeasible++
			if !errors.Is(err, ErrInfeasible) {
				t.Fatalf("trial %d: SolveAssignment(%v) = %v, %v; want ErrInfeasible", trial, p, got, err)
			}
			continue
		}
		if min(rows, cols) >= 5 {
			large++
		}
		if err != nil {
			t.Fatalf("trial %d: SolveAssignment(%v) error %v; want total %v", trial, p, err, want)
		}
		checkAssignment(t, p, got)
		if !asgClose(got.Total, want) {
			t.Fatalf("trial %d: SolveAssignment(%v).Total = %v; want %v", trial, p, got.Total, want)
		}
	}
	t.Logf("%d feasible instances with both sides >= 5, %d infeasible", large, infeasible)
	if large < 300 || infeasible < 100 {
		t.Errorf("only %d large feasible and %d infeasible instances; the draw is too easy", large, infeasible)
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
		if trial%3 == 1 {
			cols = 100 + rng.IntN(150) // many free columns
		}
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

// asgJSONFloat decodes a number or one of the strings "inf", "-inf", "nan".
type asgJSONFloat float64

func (f *asgJSONFloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		switch s {
		case "inf":
			*f = asgJSONFloat(math.Inf(1))
		case "-inf":
			*f = asgJSONFloat(math.Inf(-1))
		case "nan":
			*f = asgJSONFloat(math.NaN())
		default:
			return fmt.Errorf("unknown number %q", s)
		}
		return nil
	}
	var x float64
	err := json.Unmarshal(b, &x)
	*f = asgJSONFloat(x)
	return err
}

// scipyVectors is the layout of testdata/scipy-linear-assignment.json.
type scipyVectors struct {
	Cases []struct {
		ID                 string
		Cost               json.RawMessage
		ExpectedCostPerRow []float64 `json:"expected_cost_per_row"`
		ExpectedTotal      *float64  `json:"expected_total"`
		ExpectedError      string    `json:"expected_error"`
		Checks             []string
	} `json:"linear_sum_assignment_cases"`
	MinWeight struct {
		Infeasible []struct {
			Biadjacency [][]float64
		} `json:"infeasible_biadjacency_cases"`
	} `json:"min_weight_full_bipartite_matching"`
	MaxBipartite struct {
		Cases []struct {
			Biadjacency    json.RawMessage
			BiadjacencyCSR *struct {
				Shape   [2]int
				Indices []int
				Indptr  []int
			} `json:"biadjacency_csr"`
			ExpectedColumnPerm   []int `json:"expected_column_perm"`
			ExpectedMatchedCount int   `json:"expected_matched_count"`
		}
	} `json:"maximum_bipartite_matching"`
}

// loadScipyVectors reads the SciPy test vectors.
func loadScipyVectors(t *testing.T) scipyVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/scipy-linear-assignment.json")
	if err != nil {
		t.Fatal(err)
	}
	var v scipyVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	return v
}

// scipyCost builds a case's matrix: a literal, or one of the numpy
// expressions the file names.
func scipyCost(t *testing.T, raw json.RawMessage) [][]float64 {
	t.Helper()
	var expr string
	if json.Unmarshal(raw, &expr) != nil {
		var m [][]asgJSONFloat
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("decode cost %s: %v", raw, err)
		}
		cost := make([][]float64, len(m))
		for i, row := range m {
			for _, x := range row {
				cost[i] = append(cost[i], float64(x))
			}
		}
		return cost
	}
	diag := func(d ...float64) [][]float64 {
		cost := make([][]float64, len(d))
		for i := range d {
			cost[i] = make([]float64, len(d))
			cost[i][i] = d[i]
		}
		return cost
	}
	switch expr {
	case "ones(8,8)":
		cost := diag(1, 1, 1, 1, 1, 1, 1, 1)
		for i := range cost {
			for j := range cost[i] {
				cost[i][j] = 1
			}
		}
		return cost
	case "diag([nan,1,1])":
		return diag(math.NaN(), 1, 1)
	case "diag([1,-inf,1])":
		return diag(1, math.Inf(-1), 1)
	case "identity(3) as bool":
		return diag(1, 1, 1) // Go has no bool costs; true is 1
	}
	t.Fatalf("unknown cost expression %q", expr)
	return nil
}

// transpose returns the transpose of a rectangular matrix.
func transpose(m [][]float64) [][]float64 {
	if len(m) == 0 {
		return nil
	}
	out := make([][]float64, len(m[0]))
	for j := range out {
		out[j] = make([]float64, len(m))
		for i := range m {
			out[j][i] = m[i][j]
		}
	}
	return out
}

// cellCosts returns the cost of each chosen cell, in row order.
func cellCosts(cost [][]float64, a Assignment) []float64 {
	out := make([]float64, len(a.Rows))
	for k, i := range a.Rows {
		out[k] = cost[i][a.Cols[k]]
	}
	return out
}

func TestSolveAssignmentScipyVectors(t *testing.T) {
	v := loadScipyVectors(t)
	for _, c := range v.Cases {
		t.Run(c.ID, func(t *testing.T) {
			switch c.ID {
			case "empty shapes":
				asgCheckEmptyShapes(t)
				return
			case "constant 8x8 matrix (scipy gh-11602)":
				p := AssignProblem{Cost: scipyCost(t, c.Cost)}
				got, err := SolveAssignment(p)
				if err != nil || got.Total != 8 {
					t.Fatalf("SolveAssignment(ones(8,8)) = %v, %v; want total 8", got, err)
				}
				checkAssignment(t, p, got)
				return
			case "bool matrix equals float identity":
				asgCheckBoolIdentity(t, scipyCost(t, c.Cost))
				return
			}
			cost := scipyCost(t, c.Cost)
			if c.ExpectedError != "" {
				asgCheckVectorError(t, cost, c.ExpectedError)
				return
			}
			asgCheckVectorCosts(t, cost, c.ExpectedCostPerRow, *c.ExpectedTotal)
		})
	}
}

// asgCheckVectorCosts runs a vector's three checks: per-row costs when
// minimising, the same assignment when maximising the negated matrix, and
// the same multiset of costs on the transpose.
func asgCheckVectorCosts(t *testing.T, cost [][]float64, perRow []float64, total float64) {
	t.Helper()
	p := AssignProblem{Cost: cost}
	got, err := SolveAssignment(p)
	if err != nil {
		t.Fatalf("SolveAssignment(%v) error %v", cost, err)
	}
	checkAssignment(t, p, got)
	if diff := cmp.Diff(perRow, cellCosts(cost, got)); diff != "" || got.Total != total {
		t.Errorf("SolveAssignment(%v) = %v; want row costs %v, total %v (-want +got):\n%s", cost, got, perRow, total, diff)
	}
	neg := make([][]float64, len(cost))
	for i := range cost {
		for _, c := range cost[i] {
			neg[i] = append(neg[i], -c)
		}
	}
	gotMax, err := SolveAssignment(AssignProblem{Cost: neg, Maximize: true})
	if err != nil || !cmp.Equal(gotMax.Rows, got.Rows) || !cmp.Equal(gotMax.Cols, got.Cols) || gotMax.Total != -total {
		t.Errorf("SolveAssignment(-cost, maximize) = %v, %v; want %v with total %v", gotMax, err, got, -total)
	}
	gotT, err := SolveAssignment(AssignProblem{Cost: transpose(cost)})
	if err != nil {
		t.Fatalf("SolveAssignment(transpose) error %v", err)
	}
	wantSet, gotSet := slices.Clone(perRow), cellCosts(transpose(cost), gotT)
	slices.Sort(wantSet)
	slices.Sort(gotSet)
	if diff := cmp.Diff(wantSet, gotSet); diff != "" {
		t.Errorf("SolveAssignment(transpose) costs differ (-want +got):\n%s", diff)
	}
}

// asgCheckVectorError checks that an invalid or infeasible vector is
// rejected with the matching sentinel.
func asgCheckVectorError(t *testing.T, cost [][]float64, expected string) {
	t.Helper()
	want := ErrInvalidCost
	if strings.Contains(expected, "infeasible") {
		want = ErrInfeasible
	}
	for _, maximize := range []bool{false, true} {
		c := cost
		if maximize {
			c = make([][]float64, len(cost))
			for i := range cost {
				for _, x := range cost[i] {
					c[i] = append(c[i], -x)
				}
			}
		}
		got, err := SolveAssignment(AssignProblem{Cost: c, Maximize: maximize})
		if !errors.Is(err, want) {
			t.Errorf("SolveAssignment(%v, maximize=%v) = %v, %v; want error %v", c, maximize, got, err, want)
		}
	}
}

// asgCheckEmptyShapes solves the source's empty matrices: numpy shapes
// (0,0), (0,2) and (3,0). The file's "shapes" list reads [3,2] for the
// second, which is not empty; its note gives the shapes the source builds.
func asgCheckEmptyShapes(t *testing.T) {
	t.Helper()
	for _, cost := range [][][]float64{nil, {}, {{}, {}, {}}} {
		for _, maximize := range []bool{false, true} {
			got, err := SolveAssignment(AssignProblem{Cost: cost, Maximize: maximize})
			want := Assignment{Rows: []int{}, Cols: []int{}}
			if err != nil || !cmp.Equal(got, want) {
				t.Errorf("SolveAssignment(%v) = %v, %v; want %v", cost, got, err, want)
			}
		}
	}
}

// asgCheckBoolIdentity checks that the identity as 0/1 costs solves like
// the float identity (trivial in Go, where costs are always float64, but
// the optimum must still avoid the diagonal).
func asgCheckBoolIdentity(t *testing.T, cost [][]float64) {
	t.Helper()
	got, err := SolveAssignment(AssignProblem{Cost: cost})
	if err != nil || got.Total != 0 {
		t.Fatalf("SolveAssignment(identity) = %v, %v; want total 0", got, err)
	}
	again, _ := SolveAssignment(AssignProblem{Cost: [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}})
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("bool identity and float identity differ (-bool +float):\n%s", diff)
	}
}

func TestSolveAssignmentScipySparseInfeasible(t *testing.T) {
	v := loadScipyVectors(t)
	if len(v.MinWeight.Infeasible) == 0 {
		t.Fatal("no infeasible_biadjacency_cases in the vector file")
	}
	for _, c := range v.MinWeight.Infeasible {
		p := AssignProblem{Cost: c.Biadjacency, Forbidden: make([][]bool, len(c.Biadjacency))}
		for i, row := range c.Biadjacency {
			for _, x := range row {
				p.Forbidden[i] = append(p.Forbidden[i], x == 0) // zero = no edge
			}
		}
		got, err := SolveAssignment(p)
		if !errors.Is(err, ErrInfeasible) {
			t.Errorf("SolveAssignment(%v with zeros forbidden) = %v, %v; want ErrInfeasible", c.Biadjacency, got, err)
		}
	}
}

// edgesToCost turns a 0/1 edge list into a cost matrix with +Inf for
// missing edges, the form asgMaxCardinality reads.
func edgesToCost(rows, cols int, edge func(i, j int) bool) []float64 {
	cost := make([]float64, rows*cols)
	for i := range rows {
		for j := range cols {
			if !edge(i, j) {
				cost[i*cols+j] = math.Inf(1)
			}
		}
	}
	return cost
}

func TestAsgMaxCardinalityScipyVectors(t *testing.T) {
	v := loadScipyVectors(t)
	for k, c := range v.MaxBipartite.Cases {
		var rows, cols int
		var edge func(i, j int) bool
		want := c.ExpectedMatchedCount
		var dense [][]float64
		var expr string
		switch {
		case c.BiadjacencyCSR != nil:
			csr := c.BiadjacencyCSR
			rows, cols = csr.Shape[0], csr.Shape[1]
			edge = func(i, j int) bool { return slices.Contains(csr.Indices[csr.Indptr[i]:csr.Indptr[i+1]], j) }
		case json.Unmarshal(c.Biadjacency, &dense) == nil:
			rows, cols = len(dense), len(dense[0])
			edge = func(i, j int) bool { return dense[i][j] != 0 }
		case json.Unmarshal(c.Biadjacency, &expr) == nil && strings.Contains(expr, "explicit stored zeros"):
			rows, cols = 2, 2
			edge = func(i, j int) bool { return i != j } // stored zeros are edges
		case expr == "2x2 with no stored entries":
			rows, cols = 2, 2
			edge = func(i, j int) bool { return false }
		default:
			t.Fatalf("case %d: unknown biadjacency %s", k, c.Biadjacency)
		}
		if c.ExpectedColumnPerm != nil {
			want = 0
			for _, j := range c.ExpectedColumnPerm {
				if j >= 0 {
					want++
				}
			}
		}
		if got := asgMaxCardinality(rows, cols, edgesToCost(rows, cols, edge)); got != want {
			t.Errorf("case %d: asgMaxCardinality(%s) = %d; want %d", k, c.Biadjacency, got, want)
		}
	}
}

// kuhnFeasible reports whether every row of a rows ≤ cols edge matrix can
// be matched, by simple augmenting paths (an oracle independent of
// Hopcroft–Karp).
func kuhnFeasible(edge [][]bool) bool {
	cols := len(edge[0])
	owner := make([]int, cols)
	for j := range owner {
		owner[j] = -1
	}
	var try func(i int, seen []bool) bool
	try = func(i int, seen []bool) bool {
		for j := range cols {
			if edge[i][j] && !seen[j] {
				seen[j] = true
				if owner[j] < 0 || try(owner[j], seen) {
					owner[j] = i
					return true
				}
			}
		}
		return false
	}
	for i := range edge {
		if !try(i, make([]bool, cols)) {
			return false
		}
	}
	return true
}

// TestSolveAssignmentSparseProperty mirrors the SciPy property test: random
// 100×100 sparse matrices (density 0.06, weights 1..99, missing = +Inf).
// The solver must fail with ErrInfeasible exactly when no full matching
// exists, and otherwise be optimal.
func TestSolveAssignmentSparseProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(12342309, 0))
	infeasible := 0
	for trial := range 100 {
		n := 100
		p := AssignProblem{Cost: make([][]float64, n)}
		edge := make([][]bool, n)
		for i := range n {
			p.Cost[i] = make([]float64, n)
			edge[i] = make([]bool, n)
			for j := range n {
				p.Cost[i][j] = math.Inf(1)
				if rng.Float64() < 0.06 {
					p.Cost[i][j], edge[i][j] = float64(1+rng.IntN(99)), true
				}
			}
		}
		got, err := SolveAssignment(p)
		if feasible := kuhnFeasible(edge); !feasible {
			infeasible++
			if !errors.Is(err, ErrInfeasible) {
				t.Fatalf("trial %d: SolveAssignment = %v, %v; want ErrInfeasible", trial, got, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: SolveAssignment error %v on a feasible instance", trial, err)
		}
		checkAssignment(t, p, got)
		asgNoImprovingCycle(t, p, got)
	}
	if infeasible == 0 || infeasible == 100 {
		t.Errorf("%d of 100 instances infeasible; the property needs both kinds", infeasible)
	}
}

func TestSolveAssignmentProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 40 {
		rows, cols := 1+rng.IntN(60), 1+rng.IntN(60)
		p := randomAssignProblem(rng, rows, cols)
		got, err := SolveAssignment(p)
		if errors.Is(err, ErrInfeasible) {
			continue
		}
		if err != nil {
			t.Fatalf("trial %d: SolveAssignment error %v", trial, err)
		}
		again, _ := SolveAssignment(p)
		if diff := cmp.Diff(got, again); diff != "" {
			t.Errorf("trial %d: two solves differ (-first +second):\n%s", trial, diff)
		}
		pt := AssignProblem{Cost: transpose(p.Cost), Forbidden: transposeBool(p.Forbidden), Maximize: p.Maximize}
		gotT, err := SolveAssignment(pt)
		if err != nil || !asgClose(gotT.Total, got.Total) {
			t.Errorf("trial %d: transposed total = %v, %v; want %v", trial, gotT.Total, err, got.Total)
		}
		pn := AssignProblem{Cost: make([][]float64, rows), Forbidden: p.Forbidden, Maximize: !p.Maximize}
		for i := range p.Cost {
			for _, c := range p.Cost[i] {
				pn.Cost[i] = append(pn.Cost[i], -c)
			}
		}
		gotN, err := SolveAssignment(pn)
		if err != nil || !asgClose(gotN.Total, -got.Total) {
			t.Errorf("trial %d: negated total = %v, %v; want %v", trial, gotN.Total, err, -got.Total)
		}
	}
}

// transposeBool returns the transpose of a mask, nil for nil.
func transposeBool(m [][]bool) [][]bool {
	if m == nil {
		return nil
	}
	out := make([][]bool, len(m[0]))
	for j := range out {
		for i := range m {
			out[j] = append(out[j], m[i][j])
		}
	}
	return out
}

func TestSolveAssignmentMacholWien(t *testing.T) {
	// c[i][j] = (i+1)(j+1) is anti-Monge: the anti-diagonal is optimal
	// when minimising and the diagonal when maximising.
	for _, n := range []int{1, 2, 7, 60, 150} {
		cost := benchMacholWien(n)
		wantMin, wantMax := 0.0, 0.0
		for i := range n {
			wantMin += float64((i + 1) * (n - i))
			wantMax += float64((i + 1) * (i + 1))
		}
		gotMin, err := SolveAssignment(AssignProblem{Cost: cost})
		if err != nil || gotMin.Total != wantMin {
			t.Errorf("SolveAssignment(MachoWien(%d)).Total = %v, %v; want %v", n, gotMin.Total, err, wantMin)
		}
		gotMax, err := SolveAssignment(AssignProblem{Cost: cost, Maximize: true})
		if err != nil || gotMax.Total != wantMax {
			t.Errorf("SolveAssignment(MachoWien(%d), maximize).Total = %v, %v; want %v", n, gotMax.Total, err, wantMax)
		}
	}
}

func TestSolveAssignmentErrors(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name string
		p    AssignProblem
		want error
	}{
		{"NaN", AssignProblem{Cost: [][]float64{{1, nan}, {2, 3}}}, ErrInvalidCost},
		{"NaN maximize", AssignProblem{Cost: [][]float64{{1, nan}}, Maximize: true}, ErrInvalidCost},
		{"-Inf minimize", AssignProblem{Cost: [][]float64{{1, -inf}, {2, 3}}}, ErrInvalidCost},
		{"+Inf maximize", AssignProblem{Cost: [][]float64{{1, inf}, {2, 3}}, Maximize: true}, ErrInvalidCost},
		{"ragged", AssignProblem{Cost: [][]float64{{1, 2}, {3}}}, ErrInvalidCost},
		{"mask rows", AssignProblem{Cost: [][]float64{{1, 2}}, Forbidden: [][]bool{}}, ErrInvalidCost},
		{"mask ragged", AssignProblem{Cost: [][]float64{{1, 2}}, Forbidden: [][]bool{{true}}}, ErrInvalidCost},
		{"too large", AssignProblem{Cost: [][]float64{{1e307, 2}, {3, 4}}}, ErrInvalidCost},
		{"all forbidden", AssignProblem{Cost: [][]float64{{inf, inf}, {1, 2}}}, ErrInfeasible},
		{"mask column", AssignProblem{Cost: [][]float64{{1, 2}, {3, 4}}, Forbidden: [][]bool{{true, false}, {true, false}}}, ErrInfeasible},
		{"rectangular", AssignProblem{Cost: [][]float64{{1, inf, inf}, {2, inf, inf}}}, ErrInfeasible},
		{"tall -Inf forbidden when maximising", AssignProblem{Cost: [][]float64{{-inf}, {-inf}}, Maximize: true}, ErrInfeasible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SolveAssignment(tt.p)
			if !errors.Is(err, tt.want) {
				t.Errorf("SolveAssignment(%v) = %v, %v; want %v", tt.p, got, err, tt.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "matching: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestSolveAssignmentLargeInfeasibleFailsFast(t *testing.T) {
	// Two rows can only use column 0: Hopcroft–Karp rejects this before
	// the O(n³) phase, so the test stays quick at n = 1500.
	n := 1500
	cost := benchUniformCost(n)
	for j := 1; j < n; j++ {
		cost[0][j], cost[1][j] = math.Inf(1), math.Inf(1)
	}
	if _, err := SolveAssignment(AssignProblem{Cost: cost}); !errors.Is(err, ErrInfeasible) {
		t.Fatalf("SolveAssignment(two rows sharing one column) error %v; want ErrInfeasible", err)
	}
}

func TestExpandSlots(t *testing.T) {
	tests := []struct {
		caps []int
		want []int
	}{
		{nil, []int{}},
		{[]int{2, 0, 1}, []int{0, 0, 2}},
		{[]int{-1, 3}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		if got := ExpandSlots(tt.caps); !cmp.Equal(got, tt.want) {
			t.Errorf("ExpandSlots(%v) = %v; want %v", tt.caps, got, tt.want)
		}
	}
}

func TestSolveAssignmentSlots(t *testing.T) {
	// Three guests, two hosts: host 0 has two rooms, host 1 one. Guest 2
	// fits only host 1; guests 0 and 1 prefer host 1 but share host 0.
	affinity := [][]float64{{5, 9}, {6, 8}, {0, 7}}
	owner := ExpandSlots([]int{2, 1})
	p := AssignProblem{Maximize: true}
	for g, row := range affinity {
		var costRow []float64
		var maskRow []bool
		for _, h := range owner {
			costRow = append(costRow, row[h])
			maskRow = append(maskRow, g == 2 && h == 0)
		}
		p.Cost = append(p.Cost, costRow)
		p.Forbidden = append(p.Forbidden, maskRow)
	}
	got, err := SolveAssignment(p)
	if err != nil {
		t.Fatal(err)
	}
	hosts := make([]int, len(got.Cols))
	for k, slot := range got.Cols {
		hosts[k] = owner[slot]
	}
	if want := []int{0, 0, 1}; !cmp.Equal(hosts, want) || got.Total != 18 {
		t.Errorf("guests' hosts = %v (total %v); want %v (total 18)", hosts, got.Total, want)
	}
}
