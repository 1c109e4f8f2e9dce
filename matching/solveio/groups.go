package solveio

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/convivo/convivo/matching"
)

// groupsIn is the group-formation instance: n×n pair scores (null: never
// together), one capacity per home, and optionally n×m person-home fit
// (null: forbidden).
type groupsIn struct {
	Scores     *[][]*float64 `json:"scores"`
	Capacities *[]*int       `json:"capacities"`
	Fit        *[][]*float64 `json:"fit"`
}

// maxGroupCells bounds people × homes: the solver keeps about 21 bytes per
// cell, and homes cost 2 bytes each in the input.
const maxGroupCells = 20_000_000

// groupsOut has one group per home, in home order, people ascending.
type groupsOut struct {
	Groups     [][]int `json:"groups"`
	Unassigned []int   `json:"unassigned"`
	Total      float64 `json:"total"`
}

// solveGroups reads {"scores": [[number|null, ...], ...], "capacities": [c0,
// ...], "fit": [[number|null, ...], ...]} and answers {"groups": [[people],
// ...], "unassigned": [...], "total": x}: as many people placed as possible,
// then the largest sum of within-home pair scores plus fit. Pools of up to
// matching.GroupsAutoExactMax people are solved exactly.
func solveGroups(in []byte) ([]byte, error) {
	var req groupsIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("groups: %v", err)
	}
	p, err := parseGroups(req)
	if err != nil {
		return nil, inputErr("groups: %v", err)
	}
	sol, err := matching.SolveGroups(p, matching.GroupOptions{})
	if err != nil {
		return nil, fmt.Errorf("groups: %w: %w", ErrInput, err)
	}
	if math.IsInf(sol.Total, 0) || math.IsNaN(sol.Total) {
		return nil, inputErr("groups: scores too large: the total overflows")
	}
	return json.Marshal(groupsOut{Groups: sol.Groups, Unassigned: sol.Unassigned, Total: sol.Total})
}

// parseGroups checks shapes and symmetry and builds the problem.
func parseGroups(req groupsIn) (matching.GroupProblem, error) {
	var p matching.GroupProblem
	if req.Scores == nil {
		return p, errors.New(`missing "scores"`)
	}
	if req.Capacities == nil {
		return p, errors.New(`missing "capacities"`)
	}
	n := len(*req.Scores)
	var err error
	if p.Scores, p.Never, err = nullableMatrix("scores", *req.Scores, n); err != nil {
		return p, err
	}
	for i := range n {
		for j := range i {
			if p.Never[i][j] != p.Never[j][i] || p.Scores[i][j] != p.Scores[j][i] {
				return p, fmt.Errorf("scores[%d][%d] = %s but scores[%d][%d] = %s; want a symmetric matrix",
					i, j, cell(p.Scores[i][j], p.Never[i][j]), j, i, cell(p.Scores[j][i], p.Never[j][i]))
			}
		}
		p.Never[i][i] = false
	}
	if cells := n * len(*req.Capacities); cells > maxGroupCells {
		return p, fmt.Errorf("%d people × %d homes is %d cells; the limit is %d", n, len(*req.Capacities), cells, maxGroupCells)
	}
	p.Capacities = make([]int, len(*req.Capacities))
	for h, c := range *req.Capacities {
		switch {
		case c == nil:
			return p, fmt.Errorf("capacities[%d] is null; want a count", h)
		case *c < 0:
			return p, fmt.Errorf("capacities[%d] = %d is negative", h, *c)
		}
		p.Capacities[h] = *c
	}
	if req.Fit != nil {
		if len(*req.Fit) != n {
			return p, fmt.Errorf("fit has %d rows; want one per person (%d)", len(*req.Fit), n)
		}
		if p.Fit, p.FitForbidden, err = nullableMatrix("fit", *req.Fit, len(p.Capacities)); err != nil {
			return p, err
		}
	}
	return p, nil
}

// nullableMatrix checks that every row of raw has cols cells and splits it
// into values and a mask of the nulls.
func nullableMatrix(field string, raw [][]*float64, cols int) ([][]float64, [][]bool, error) {
	vals, nulls := make([][]float64, len(raw)), make([][]bool, len(raw))
	for i, row := range raw {
		if len(row) != cols {
			return nil, nil, fmt.Errorf("%s row %d has %d entries; want %d", field, i, len(row), cols)
		}
		vals[i], nulls[i] = make([]float64, cols), make([]bool, cols)
		for j, v := range row {
			if v == nil {
				nulls[i][j] = true
			} else {
				vals[i][j] = *v
			}
		}
	}
	return vals, nulls, nil
}

// cell formats a matrix entry for an error message.
func cell(v float64, null bool) string {
	if null {
		return "null"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
