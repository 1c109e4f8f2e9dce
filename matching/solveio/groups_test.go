package solveio

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestSolveGroupsFormat(t *testing.T) {
	// 0-2 like each other most but must never live together; 0-1 and 2-3
	// are the best allowed pairs.
	scores := `"scores": [[0, 5, null, 0], [5, 0, 0, 1], [null, 0, 0, 4], [0, 1, 4, 0]]`
	runSolveCases(t, "groups", []solveCase{
		{name: "never together", in: `{` + scores + `, "capacities": [2, 2]}`,
			want: `{"groups": [[0, 1], [2, 3]], "unassigned": [], "total": 9}`},
		{name: "fit decides the homes", in: `{` + scores + `, "capacities": [2, 2], "fit": [[0, 1], [0, 1], [1, 0], [1, 0]]}`,
			want: `{"groups": [[2, 3], [0, 1]], "unassigned": [], "total": 13}`},
		{name: "null fit forbids", in: `{` + scores + `, "capacities": [2, 2], "fit": [[null, 0], [null, 0], [0, null], [0, null]]}`,
			want: `{"groups": [[2, 3], [0, 1]], "unassigned": [], "total": 9}`},
		{name: "count first", in: `{"scores": [[0, 9, -1], [9, 0, -1], [-1, -1, 0]], "capacities": [3]}`,
			want: `{"groups": [[0, 1, 2]], "unassigned": [], "total": 7}`},
		{name: "too few places", in: `{"scores": [[0, 1, 2], [1, 0, 3], [2, 3, 0]], "capacities": [2, 0]}`,
			want: `{"groups": [[1, 2], []], "unassigned": [0], "total": 3}`},
		{name: "null diagonal", in: `{"scores": [[null, 1], [1, null]], "capacities": [2]}`,
			want: `{"groups": [[0, 1]], "unassigned": [], "total": 1}`},
		{name: "huge capacity", in: `{"scores": [[0, 2], [2, 0]], "capacities": [1000000000000]}`,
			want: `{"groups": [[0, 1]], "unassigned": [], "total": 2}`},
		{name: "empty", in: `{"scores": [], "capacities": []}`, want: `{"groups": [], "unassigned": [], "total": 0}`},
		{name: "nobody", in: `{"scores": [], "capacities": [3]}`, want: `{"groups": [[]], "unassigned": [], "total": 0}`},
		{name: "not JSON", in: `{"scores": [[0]`, err: ErrInput},
		{name: "missing scores", in: `{"capacities": [1]}`, err: ErrInput},
		{name: "missing capacities", in: `{"scores": [[0]]}`, err: ErrInput},
		{name: "ragged", in: `{"scores": [[0, 1], [1]], "capacities": [2]}`, err: ErrInput},
		{name: "null row", in: `{"scores": [[0, 1], null], "capacities": [2]}`, err: ErrInput},
		{name: "asymmetric", in: `{"scores": [[0, 1], [2, 0]], "capacities": [2]}`, err: ErrInput},
		{name: "asymmetric null", in: `{"scores": [[0, null], [2, 0]], "capacities": [2]}`, err: ErrInput},
		{name: "score not a number", in: `{"scores": [[0, "1"], ["1", 0]], "capacities": [2]}`, err: ErrInput},
		{name: "negative capacity", in: `{"scores": [[0]], "capacities": [-1]}`, err: ErrInput},
		{name: "null capacity", in: `{"scores": [[0]], "capacities": [null]}`, err: ErrInput},
		{name: "fractional capacity", in: `{"scores": [[0]], "capacities": [1.5]}`, err: ErrInput},
		{name: "too many homes", in: `{"scores": ` + zeros(100) + `, "capacities": [` + strings.Repeat("0,", 200_000) + `0]}`, err: ErrInput},
		{name: "fit rows", in: `{"scores": [[0, 1], [1, 0]], "capacities": [2], "fit": [[1]]}`, err: ErrInput},
		{name: "fit columns", in: `{"scores": [[0, 1], [1, 0]], "capacities": [2], "fit": [[1, 2], [1, 2]]}`, err: ErrInput},
	})
}

// zeros returns an n×n JSON matrix of zeros.
func zeros(n int) string {
	row := "[" + strings.Repeat("0,", n-1) + "0]"
	return "[" + strings.Repeat(row+",", n-1) + row + "]"
}

// TestSolveGroupsErrorsNameTheProblem checks the one-line messages say what
// is wrong.
func TestSolveGroupsErrorsNameTheProblem(t *testing.T) {
	for in, want := range map[string]string{
		`{"scores": [[0, 1], [2, 0]], "capacities": [2]}`:         "groups: scores[1][0] = 2 but scores[0][1] = 1; want a symmetric matrix: invalid input",
		`{"scores": [[0, 1], [1]], "capacities": [2]}`:            "groups: scores row 1 has 1 entries; want 2: invalid input",
		`{"scores": [[0]], "capacities": [-1]}`:                   "groups: capacities[0] = -1 is negative: invalid input",
		`{"scores": [[0]]}`:                                       `groups: missing "capacities": invalid input`,
		`{"scores": [[0]], "capacities": [1], "fit": [[1], [2]]}`: "groups: fit has 2 rows; want one per person (1): invalid input",
	} {
		_, err := Solve("groups", []byte(in))
		if err == nil || err.Error() != want {
			t.Errorf("Solve(groups, %s) error %v; want %q", in, err, want)
		}
	}
}

// FuzzSolveGroups feeds arbitrary bytes to the groups format: no panic, and
// either a JSON answer or an error wrapping ErrInput.
func FuzzSolveGroups(f *testing.F) {
	f.Add([]byte(`{"scores": [[0, 5, null], [5, 0, 1], [null, 1, 0]], "capacities": [2, 1]}`))
	f.Add([]byte(`{"scores": [[0, 1], [1, 0]], "capacities": [2], "fit": [[null], [0.5]]}`))
	f.Add([]byte(`{"scores": [[0, 1e308], [1e308, 0]], "capacities": [2, 2]}`))
	f.Add([]byte(`{"scores": [], "capacities": [0]}`))
	f.Add([]byte(`{"scores": [[0]], "capacities": [9000000000000000000]}`))
	f.Add([]byte(`{"scores": [[0, -1], [-1, 0]], "capacities": [-2]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Solve("groups", in)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Solve(groups, %q) error %v; want ErrInput", in, err)
			}
			return
		}
		var got groupsOut
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("Solve(groups, %q) = %q: %v", in, out, err)
		}
	})
}
