package solveio

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSolveRoommatesFormat(t *testing.T) {
	irving := `{"preferences": {"A": ["D", "F", "B", "E", "C"], "B": ["F", "C", "E", "A", "D"], "C": ["D", "E", "A", "F", "B"],
		"D": ["B", "F", "E", "A", "C"], "E": ["D", "B", "C", "F", "A"], "F": ["E", "A", "D", "B", "C"]}}`
	runSolveCases(t, "roommates", []solveCase{
		{name: "Irving 1985", in: irving, want: `{"matching": [["A", "F"], ["B", "C"], ["D", "E"]]}`},
		{name: "no stable matching", in: `{"preferences": {"1": ["2", "3", "4"], "2": ["3", "1", "4"], "3": ["1", "2", "4"], "4": ["1", "2", "3"]}}`,
			want: `{"matching": null}`},
		{name: "pairs named in order", in: `{"preferences": {"zoe": ["al"], "al": ["zoe"]}}`, want: `{"matching": [["al", "zoe"]]}`},
		{name: "someone alone", in: `{"preferences": {"a": ["b", "c"], "b": ["a"], "c": []}}`, want: `{"matching": [["a", "b"]]}`},
		{name: "nobody", in: `{"preferences": {}}`, want: `{"matching": []}`},
		{name: "not JSON", in: `{"preferences": `, err: ErrInput},
		{name: "missing preferences", in: `{}`, err: ErrInput},
		{name: "preferences not an object", in: `{"preferences": ["a"]}`, err: ErrInput},
		{name: "unknown name", in: `{"preferences": {"a": ["b"], "b": ["x"]}}`, err: ErrInput},
		{name: "repeated name", in: `{"preferences": {"a": ["b", "b"], "b": ["a"]}}`, err: ErrInput},
		{name: "lists itself", in: `{"preferences": {"a": ["a", "b"], "b": ["a"]}}`, err: ErrInput},
	})
}

func TestSolveStableMarriageFormat(t *testing.T) {
	readme := `"suitor_preferences": {"A": ["D", "E", "F"], "B": ["D", "F", "E"], "C": ["F", "D", "E"]},
		"reviewer_preferences": {"D": ["B", "C", "A"], "E": ["A", "C", "B"], "F": ["C", "B", "A"]}`
	opposed := `"suitor_preferences": {"s1": ["r1", "r2"], "s2": ["r2", "r1"]},
		"reviewer_preferences": {"r1": ["s2", "s1"], "r2": ["s1", "s2"]}`
	runSolveCases(t, "stable-marriage", []solveCase{
		{name: "README, suitor by default", in: `{` + readme + `}`, want: `{"matching": {"A": "E", "B": "D", "C": "F"}}`},
		{name: "suitor-optimal", in: `{` + opposed + `, "optimal": "suitor"}`, want: `{"matching": {"s1": "r1", "s2": "r2"}}`},
		{name: "reviewer-optimal", in: `{` + opposed + `, "optimal": "reviewer"}`, want: `{"matching": {"s1": "r2", "s2": "r1"}}`},
		{name: "unmatched suitor is null", in: `{"suitor_preferences": {"a": ["x"], "b": ["x"]}, "reviewer_preferences": {"x": ["b"]}}`,
			want: `{"matching": {"a": null, "b": "x"}}`},
		{name: "bad optimal", in: `{` + readme + `, "optimal": "both"}`, err: ErrInput},
		{name: "missing reviewers", in: `{"suitor_preferences": {"a": []}}`, err: ErrInput},
		{name: "unknown reviewer", in: `{"suitor_preferences": {"a": ["y"]}, "reviewer_preferences": {"x": ["a"]}}`, err: ErrInput},
		{name: "unknown suitor", in: `{"suitor_preferences": {"a": ["x"]}, "reviewer_preferences": {"x": ["b"]}}`, err: ErrInput},
		{name: "list not strings", in: `{"suitor_preferences": {"a": [1]}, "reviewer_preferences": {"x": ["a"]}}`, err: ErrInput},
	})
}

func TestSolveHospitalResidentFormat(t *testing.T) {
	readme := `"resident_preferences": {"A": ["C"], "S": ["C", "M"], "D": ["C", "M", "G"], "J": ["C", "G", "M"], "L": ["M", "C", "G"]},
		"hospital_preferences": {"M": ["D", "L", "S", "J"], "C": ["D", "A", "S", "L", "J"], "G": ["D", "J", "L"]}`
	caps := `"capacities": {"M": 2, "C": 2, "G": 2}`
	want := `{"matching": {"C": ["A", "D"], "G": ["J"], "M": ["L", "S"]}, "unmatched": []}`
	runSolveCases(t, "hospital-resident", []solveCase{
		{name: "README", in: `{` + readme + `, ` + caps + `}`, want: want},
		{name: "README hospital-optimal", in: `{` + readme + `, ` + caps + `, "optimal": "hospital"}`, want: want},
		{name: "unmatched and empty", in: `{"resident_preferences": {"A": ["X"], "B": ["X", "Y"]}, "hospital_preferences": {"X": ["B", "A"], "Y": ["B"]},
			"capacities": {"X": 1, "Y": 1}}`, want: `{"matching": {"X": ["B"], "Y": []}, "unmatched": ["A"]}`},
		{name: "bad optimal", in: `{` + readme + `, ` + caps + `, "optimal": "resident-optimal"}`, err: ErrInput},
		{name: "missing capacities", in: `{` + readme + `}`, err: ErrInput},
		{name: "missing capacity", in: `{` + readme + `, "capacities": {"M": 2, "C": 2}}`, err: ErrInput},
		{name: "negative capacity", in: `{` + readme + `, "capacities": {"M": 2, "C": -1, "G": 2}}`, err: ErrInput},
		{name: "fractional capacity", in: `{` + readme + `, "capacities": {"M": 2, "C": 1.5, "G": 2}}`, err: ErrInput},
		{name: "capacity of unknown hospital", in: `{` + readme + `, "capacities": {"M": 2, "C": 2, "G": 2, "Q": 1}}`, err: ErrInput},
		{name: "unknown hospital in a list", in: `{"resident_preferences": {"A": ["Q"]}, "hospital_preferences": {"X": ["A"]}, "capacities": {"X": 1}}`, err: ErrInput},
		{name: "unknown resident in a list", in: `{"resident_preferences": {"A": ["X"]}, "hospital_preferences": {"X": ["B"]}, "capacities": {"X": 1}}`, err: ErrInput},
		{name: "not JSON", in: `{"resident_preferences": {`, err: ErrInput},
	})
}

// vectors reads the ordinal cases of ../testdata/daffidwilde-matching.json
// (daffidwilde/matching, MIT) as raw instances for Solve.
type vectors struct {
	Roommates []struct {
		ID          string          `json:"id"`
		Preferences json.RawMessage `json:"preferences"`
		AllStable   [][][2]string   `json:"all_stable_matchings"`
	} `json:"stable_roommates"`
	Marriage []struct {
		ID        string          `json:"id"`
		Suitors   json.RawMessage `json:"suitor_preferences"`
		Reviewers json.RawMessage `json:"reviewer_preferences"`
		Expected  [][2]string     `json:"expected_suitor_optimal"`
	} `json:"stable_marriage"`
	Hospital []struct {
		ID        string              `json:"id"`
		Residents json.RawMessage     `json:"resident_preferences"`
		Hospitals json.RawMessage     `json:"hospital_preferences"`
		Caps      json.RawMessage     `json:"capacities"`
		Expected  map[string][]string `json:"expected_resident_optimal"`
	} `json:"hospital_resident"`
}

// TestSolveVectors runs the published cases through the JSON formats.
func TestSolveVectors(t *testing.T) {
	raw, err := os.ReadFile("../testdata/daffidwilde-matching.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Roommates {
		var got struct{ Matching *[][2]string }
		solveInto(t, "roommates", map[string]json.RawMessage{"preferences": c.Preferences}, &got)
		if got.Matching == nil {
			if len(c.AllStable) > 0 {
				t.Errorf("%s: matching null; want one of %v", c.ID, c.AllStable)
			}
			continue
		}
		found := false
		for _, m := range c.AllStable {
			found = found || gocmp.Equal(sortedPairs(m), *got.Matching)
		}
		if !found {
			t.Errorf("%s: matching %v; want one of %v", c.ID, *got.Matching, c.AllStable)
		}
	}
	for _, c := range v.Marriage {
		var got struct{ Matching map[string]string }
		solveInto(t, "stable-marriage", map[string]json.RawMessage{"suitor_preferences": c.Suitors, "reviewer_preferences": c.Reviewers}, &got)
		want := map[string]string{}
		for _, p := range c.Expected {
			want[p[0]] = p[1]
		}
		if diff := gocmp.Diff(want, got.Matching); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", c.ID, diff)
		}
	}
	for _, c := range v.Hospital {
		if c.Residents == nil {
			continue // the integer-keyed messy instance is checked in package matching
		}
		var got struct{ Matching map[string][]string }
		solveInto(t, "hospital-resident", map[string]json.RawMessage{
			"resident_preferences": c.Residents, "hospital_preferences": c.Hospitals, "capacities": c.Caps}, &got)
		for h := range c.Expected {
			slices.Sort(c.Expected[h])
		}
		if diff := gocmp.Diff(c.Expected, got.Matching, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", c.ID, diff)
		}
	}
}

// solveInto marshals instance, solves it and decodes the answer into out.
func solveInto(t *testing.T, problem string, instance any, out any) {
	t.Helper()
	in, err := json.Marshal(instance)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Solve(problem, in)
	if err != nil {
		t.Fatalf("Solve(%q, %s): %v", problem, in, err)
	}
	if err := json.Unmarshal(got, out); err != nil {
		t.Fatalf("Solve(%q, %s) = %s: %v", problem, in, got, err)
	}
}

// sortedPairs orders each pair and the list, as the roommates answer does.
func sortedPairs(ps [][2]string) [][2]string {
	out := make([][2]string, len(ps))
	for i, p := range ps {
		if p[1] < p[0] {
			p[0], p[1] = p[1], p[0]
		}
		out[i] = p
	}
	slices.SortFunc(out, func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	return out
}

// FuzzSolveOrdinal feeds arbitrary bytes to the three ordinal formats: no
// panic, and either JSON out or an error wrapping ErrInput.
func FuzzSolveOrdinal(f *testing.F) {
	f.Add(uint8(0), []byte(`{"preferences": {"a": ["b", "c"], "b": ["c", "a"], "c": ["a", "b"]}}`))
	f.Add(uint8(0), []byte(`{"preferences": {"a": ["a"]}}`))
	f.Add(uint8(1), []byte(`{"suitor_preferences": {"a": ["x"]}, "reviewer_preferences": {"x": ["a"]}, "optimal": "reviewer"}`))
	f.Add(uint8(1), []byte(`{"suitor_preferences": null}`))
	f.Add(uint8(2), []byte(`{"resident_preferences": {"r": ["h"]}, "hospital_preferences": {"h": ["r"]}, "capacities": {"h": 1}}`))
	f.Add(uint8(2), []byte(`{"resident_preferences": {"r": ["h", "h"]}, "hospital_preferences": {"h": []}, "capacities": {"h": -3}}`))
	problems := []string{"roommates", "stable-marriage", "hospital-resident"}
	f.Fuzz(func(t *testing.T, which uint8, in []byte) {
		problem := problems[int(which)%len(problems)]
		out, err := Solve(problem, in)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("Solve(%q, %q) error %v; want ErrInput", problem, in, err)
			}
			return
		}
		if !json.Valid(out) {
			t.Fatalf("Solve(%q, %q) = %q; not JSON", problem, in, out)
		}
	})
}
