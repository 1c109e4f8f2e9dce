package solveio

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/matching"
)

// solveCase is one instance for Solve and the answer or error it wants.
type solveCase struct {
	name string
	in   string
	want string // JSON answer; empty when an error is wanted
	err  error
}

// runSolveCases runs Solve(problem, …) on each case, comparing answers as
// decoded JSON values.
func runSolveCases(t *testing.T, problem string, cases []solveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Solve(problem, []byte(tc.in))
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Solve(%q, %s) = %s, %v; want error %v", problem, tc.in, got, err, tc.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q spans several lines", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Solve(%q, %s) error %v; want %s", problem, tc.in, err, tc.want)
			}
			var gotV, wantV any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatalf("Solve(%q, %s) = %s, not JSON: %v", problem, tc.in, got, err)
			}
			if err := json.Unmarshal([]byte(tc.want), &wantV); err != nil {
				t.Fatalf("bad want %s: %v", tc.want, err)
			}
			if diff := cmp.Diff(wantV, gotV); diff != "" {
				t.Errorf("Solve(%q, %s) = %s (-want +got):\n%s", problem, tc.in, got, diff)
			}
		})
	}
}

func TestSolveAssignmentFormat(t *testing.T) {
	runSolveCases(t, "assignment", []solveCase{
		{name: "scipy 3x3", in: `{"cost": [[400, 150, 400], [400, 450, 600], [300, 225, 300]]}`,
			want: `{"rows": [0, 1, 2], "cols": [1, 0, 2], "total": 850}`},
		{name: "wide", in: `{"cost": [[1, 2, 3, 4], [4, 3, 2, 1], [9, 0, 9, 9]]}`,
			want: `{"rows": [0, 1, 2], "cols": [0, 3, 1], "total": 2}`},
		{name: "tall rows ascending", in: `{"cost": [[5, 1], [1, 5], [0, 0]]}`,
			want: `{"rows": [0, 2], "cols": [1, 0], "total": 1}`},
		{name: "null forbids", in: `{"cost": [[1, null], [null, 7]], "maximize": false}`,
			want: `{"rows": [0, 1], "cols": [0, 1], "total": 8}`},
		{name: "maximize", in: `{"cost": [[1, 2], [3, 5]], "maximize": true}`,
			want: `{"rows": [0, 1], "cols": [0, 1], "total": 6}`},
		{name: "whitespace and exponents", in: " {\n\"cost\" : [ [ -1.5e1 ,2E0 ] ,\t[0.25,-0] ] } ",
			want: `{"rows": [0, 1], "cols": [0, 1], "total": -15}`},
		{name: "unknown fields ignored", in: `{"cost": [[3]], "comment": "x", "extra": [1, 2]}`,
			want: `{"rows": [0], "cols": [0], "total": 3}`},
		{name: "nested unknown field", in: `{"meta": {"a": [1, "x\"y", null, true, {}], "b": -2.5e3}, "cost": [[4]]}`,
			want: `{"rows": [0], "cols": [0], "total": 4}`},
		{name: "escaped key", in: `{"c\u006fst": [[2]]}`, want: `{"rows": [0], "cols": [0], "total": 2}`},
		{name: "last duplicate wins", in: `{"cost": [[1]], "cost": [[5]]}`, want: `{"rows": [0], "cols": [0], "total": 5}`},
		{name: "empty", in: `{"cost": []}`, want: `{"rows": [], "cols": [], "total": 0}`},
		{name: "empty rows", in: `{"cost": [[], []]}`, want: `{"rows": [], "cols": [], "total": 0}`},
		{name: "infeasible", in: `{"cost": [[1, null], [2, null]]}`, err: ErrInfeasible},
		{name: "infeasible is the library's too", in: `{"cost": [[null]]}`, err: matching.ErrInfeasible},
		{name: "not JSON", in: `{"cost": [[1, 2]`, err: ErrInput},
		{name: "top-level array", in: `[[1, 2]]`, err: ErrInput},
		{name: "missing cost", in: `{"maximize": true}`, err: ErrInput},
		{name: "null cost", in: `{"cost": null}`, err: ErrInput},
		{name: "cost not a matrix", in: `{"cost": [1, 2]}`, err: ErrInput},
		{name: "ragged", in: `{"cost": [[1, 2], [3]]}`, err: ErrInput},
		{name: "string cell", in: `{"cost": [["1"]]}`, err: ErrInput},
		{name: "bool cell", in: `{"cost": [[true]]}`, err: ErrInput},
		{name: "trailing comma", in: `{"cost": [[1, 2,]]}`, err: ErrInput},
		{name: "leading plus", in: `{"cost": [[+1]]}`, err: ErrInput},
		{name: "out of range", in: `{"cost": [[1e400]]}`, err: ErrInput},
		{name: "too large to add up", in: `{"cost": [[1e307, 1], [1, 1]]}`, err: ErrInput},
		{name: "maximize not bool", in: `{"cost": [[1]], "maximize": 1}`, err: ErrInput},
		{name: "trailing data", in: `{"cost": [[1]]} x`, err: ErrInput},
		{name: "bad unknown field", in: `{"x": [1,], "cost": [[1]]}`, err: ErrInput},
		{name: "control char in string", in: "{\"x\": \"a\tb\", \"cost\": [[1]]}", err: ErrInput},
		{name: "bad escape", in: `{"x": "\q", "cost": [[1]]}`, err: ErrInput},
		{name: "deep nesting", in: `{"x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `, "cost": [[1]]}`, err: ErrInput},
		{name: "unquoted key", in: `{cost: [[1]]}`, err: ErrInput},
		{name: "missing colon", in: `{"cost" [[1]]}`, err: ErrInput},
	})
}

func TestSolveMatchingFormat(t *testing.T) {
	runSolveCases(t, "matching", []solveCase{
		{name: "networkx nasty blossom", in: `{"edges": [[1, 2, 45], [1, 5, 45], [2, 3, 50], [3, 4, 45], [4, 5, 50],
			[1, 6, 30], [3, 9, 35], [4, 8, 35], [5, 7, 26], [9, 10, 5]]}`,
			want: `{"pairs": [[1, 6], [2, 3], [4, 8], [5, 7], [9, 10]], "total": 146}`},
		{name: "negative weights", in: `{"edges": [[1, 2, 2], [1, 3, -2], [2, 3, 1], [2, 4, -1], [3, 4, -6]]}`,
			want: `{"pairs": [[1, 2]], "total": 2}`},
		{name: "maxcardinality", in: `{"edges": [[1, 2, 2], [1, 3, -2], [2, 3, 1], [2, 4, -1], [3, 4, -6]], "maxcardinality": true}`,
			want: `{"pairs": [[1, 3], [2, 4]], "total": -3}`},
		{name: "sparse ids keep their names", in: `{"edges": [[1000000000000, 7, 3], [7, 0, 1]]}`,
			want: `{"pairs": [[7, 1000000000000]], "total": 3}`},
		{name: "reversed endpoints", in: `{"edges": [[5, 2, 1.5]]}`, want: `{"pairs": [[2, 5]], "total": 1.5}`},
		{name: "self-loop ignored", in: `{"edges": [[0, 0, 100]]}`, want: `{"pairs": [], "total": 0}`},
		{name: "empty", in: `{"edges": []}`, want: `{"pairs": [], "total": 0}`},
		{name: "unknown fields ignored", in: `{"edges": [[0, 1, 1]], "weight": "w"}`, want: `{"pairs": [[0, 1]], "total": 1}`},
		{name: "not JSON", in: `{"edges": `, err: ErrInput},
		{name: "missing edges", in: `{"maxcardinality": true}`, err: ErrInput},
		{name: "edge of two", in: `{"edges": [[0, 1]]}`, err: ErrInput},
		{name: "edge of four", in: `{"edges": [[0, 1, 2, 3]]}`, err: ErrInput},
		{name: "null edge", in: `{"edges": [null]}`, err: ErrInput},
		{name: "fractional id", in: `{"edges": [[0.5, 1, 1]]}`, err: ErrInput},
		{name: "exponent id", in: `{"edges": [[1e1, 1, 1]]}`, err: ErrInput},
		{name: "negative id", in: `{"edges": [[-1, 1, 1]]}`, err: ErrInput},
		{name: "null id", in: `{"edges": [[null, 1, 1]]}`, err: ErrInput},
		{name: "string weight", in: `{"edges": [[0, 1, "heavy"]]}`, err: ErrInput},
		{name: "edges not a list", in: `{"edges": {"0": [1, 2]}}`, err: ErrInput},
	})
}

// checkAnswer fails t unless a successful answer is one JSON object and an
// error wraps one of the two sentinels.
func checkAnswer(t *testing.T, out []byte, err error, answer any) {
	t.Helper()
	if err != nil {
		if !errors.Is(err, ErrInput) && !errors.Is(err, ErrInfeasible) {
			t.Fatalf("error %v wraps neither ErrInput nor ErrInfeasible", err)
		}
		return
	}
	if err := json.Unmarshal(out, answer); err != nil {
		t.Fatalf("answer %s is not JSON: %v", out, err)
	}
}

func FuzzSolveAssignment(f *testing.F) {
	f.Add([]byte(`{"cost": [[400, 150, 400], [400, 450, 600], [300, 225, 300]]}`))
	f.Add([]byte(`{"cost": [[1, null, 3], [null, 2, -1e3]], "maximize": true}`))
	f.Add([]byte(`{"cost": [[1, 2], [3]]}`))
	f.Add([]byte(`{"cost": []}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Solve("assignment", in)
		var a assignmentOut
		checkAnswer(t, out, err, &a)
		if err == nil && len(a.Rows) != len(a.Cols) {
			t.Fatalf("answer %s has %d rows, %d cols", out, len(a.Rows), len(a.Cols))
		}
	})
}

func FuzzSolveMatching(f *testing.F) {
	f.Add([]byte(`{"edges": [[1, 2, 8], [1, 3, 9], [2, 3, 10], [3, 4, 7]]}`))
	f.Add([]byte(`{"edges": [[1, 2, 2], [1, 3, -2], [2, 3, 1]], "maxcardinality": true}`))
	f.Add([]byte(`{"edges": [[0, 0, 1], [0.5, 1, 1]]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := Solve("matching", in)
		var m matchingOut
		checkAnswer(t, out, err, &m)
		for _, p := range m.Pairs {
			if p[0] >= p[1] {
				t.Fatalf("answer %s has pair %v not ascending", out, p)
			}
		}
	})
}

func TestCostScannerNumberMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	var tokens []string
	for range 20000 {
		x := math.Float64frombits(rng.Uint64())
		if math.IsNaN(x) || math.IsInf(x, 0) {
			continue
		}
		small := rng.Float64() * math.Pow10(rng.IntN(30)-15)
		tokens = append(tokens,
			strconv.FormatFloat(x, 'g', -1, 64),
			strconv.FormatFloat(small, 'g', -1, 64),
			strconv.FormatFloat(small, 'f', -1, 64),
			strconv.FormatFloat(small, 'e', rng.IntN(20), 64),
			strconv.FormatInt(rng.Int64()>>rng.IntN(63), 10))
	}
	tokens = append(tokens, "0", "-0", "0.0", "1E+2", "1e-2", "9007199254740993", "123456789012345678901234567890",
		"0.000000000000000000000000001", "1e22", "1e23", "4.9e-324", "1e-400")
	for _, tok := range tokens {
		s := costScanner{b: []byte(tok)}
		got, err := s.number()
		want, _ := strconv.ParseFloat(tok, 64)
		if err != nil || math.Float64bits(got) != math.Float64bits(want) || s.i != len(tok) {
			t.Errorf("number(%q) = %v, %v (read %d bytes); want %v", tok, got, err, s.i, want)
		}
	}
}
