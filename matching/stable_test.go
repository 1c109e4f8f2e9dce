package matching

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// dwVectors is the part of testdata/daffidwilde-matching.json these tests
// read: instances and answers from daffidwilde/matching (MIT), attribution
// kept in the file.
type dwVectors struct {
	Roommates []struct {
		ID          string              `json:"id"`
		Preferences map[string][]string `json:"preferences"`
		Expected    [][2]string         `json:"expected_matching"`
		AllStable   [][][2]string       `json:"all_stable_matchings"`
		Unstable    []struct {
			Matching  [][2]string `json:"matching"`
			Unmatched []string    `json:"unmatched"`
		} `json:"unstable_matchings"`
	} `json:"stable_roommates"`
	Marriage []struct {
		ID        string              `json:"id"`
		Suitors   map[string][]string `json:"suitor_preferences"`
		Reviewers map[string][]string `json:"reviewer_preferences"`
		Expected  [][2]string         `json:"expected_suitor_optimal"`
	} `json:"stable_marriage"`
	Hospital []struct {
		ID         string              `json:"id"`
		Residents  map[string][]string `json:"resident_preferences"`
		Hospitals  map[string][]string `json:"hospital_preferences"`
		Capacities json.RawMessage     `json:"capacities"`
		Expected   map[string][]string `json:"expected_resident_optimal"`
		Instance   *struct {
			Hospitals map[string][]int `json:"hospitals"`
			Residents map[string][]int `json:"residents"`
		} `json:"instance"`
	} `json:"hospital_resident"`
}

func loadVectors(t *testing.T) dwVectors {
	t.Helper()
	raw, err := os.ReadFile("testdata/daffidwilde-matching.json")
	if err != nil {
		t.Fatal(err)
	}
	var v dwVectors
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
	if len(v.Roommates) == 0 || len(v.Marriage) == 0 || len(v.Hospital) == 0 {
		t.Fatalf("vectors: %d SR, %d SM, %d HR cases; want some of each", len(v.Roommates), len(v.Marriage), len(v.Hospital))
	}
	return v
}

// names sorts the keys of a preference map into an index.
func names(prefs map[string][]string) ([]string, map[string]int) {
	list := make([]string, 0, len(prefs))
	for k := range prefs {
		list = append(list, k)
	}
	sort.Strings(list)
	idx := make(map[string]int, len(list))
	for i, k := range list {
		idx[k] = i
	}
	return list, idx
}

// indexPrefs turns named lists into index lists, failing on unknown names.
func indexPrefs(t *testing.T, prefs map[string][]string, own []string, other map[string]int) [][]int {
	t.Helper()
	out := make([][]int, len(own))
	for i, name := range own {
		for _, o := range prefs[name] {
			j, ok := other[o]
			if !ok {
				t.Fatalf("%s lists unknown %q", name, o)
			}
			out[i] = append(out[i], j)
		}
	}
	return out
}

func TestVectorsStableMarriage(t *testing.T) {
	for _, c := range loadVectors(t).Marriage {
		t.Run(c.ID, func(t *testing.T) {
			sNames, sIdx := names(c.Suitors)
			rNames, rIdx := names(c.Reviewers)
			sp := indexPrefs(t, c.Suitors, sNames, rIdx)
			rp := indexPrefs(t, c.Reviewers, rNames, sIdx)
			got, err := SuitorOptimal(sp, rp)
			if err != nil {
				t.Fatalf("SuitorOptimal: %v", err)
			}
			var pairs [][2]string
			for s, r := range got {
				if r >= 0 {
					pairs = append(pairs, [2]string{sNames[s], rNames[r]})
				}
			}
			if diff := cmp.Diff(c.Expected, pairs); diff != "" {
				t.Errorf("SuitorOptimal mismatch (-want +got):\n%s", diff)
			}
			checkHRStable(t, smMarriage(sp, rp), got)
			rev, err := ReviewerOptimal(sp, rp)
			if err != nil {
				t.Fatalf("ReviewerOptimal: %v", err)
			}
			checkHRStable(t, smMarriage(sp, rp), rev)
		})
	}
}

func TestVectorsHospitalResident(t *testing.T) {
	for _, c := range loadVectors(t).Hospital {
		t.Run(c.ID, func(t *testing.T) {
			p, rNames, hNames := vectorHR(t, c.Residents, c.Hospitals, c.Capacities, c.Instance)
			got, err := ResidentOptimal(p)
			if err != nil {
				t.Fatalf("ResidentOptimal: %v", err)
			}
			checkHRStable(t, p, got)
			hosp, err := HospitalOptimal(p)
			if err != nil {
				t.Fatalf("HospitalOptimal: %v", err)
			}
			checkHRStable(t, p, hosp)
			// Rural hospitals theorem: every stable matching matches the same
			// residents and fills each hospital equally.
			countR, countH := make([]int, len(hNames)), make([]int, len(hNames))
			for r := range got {
				if (got[r] < 0) != (hosp[r] < 0) {
					t.Errorf("resident %s matched in one optimum only: %d vs %d", rNames[r], got[r], hosp[r])
				}
				if got[r] >= 0 {
					countR[got[r]]++
				}
				if hosp[r] >= 0 {
					countH[hosp[r]]++
				}
			}
			if !slices.Equal(countR, countH) {
				t.Errorf("hospital fill: resident-optimal %v, hospital-optimal %v; want equal", countR, countH)
			}
			if c.Expected == nil {
				return // the messy instance: validity and stability only
			}
			gotNamed := map[string][]string{}
			for _, h := range hNames {
				gotNamed[h] = []string{}
			}
			for r, h := range got {
				if h >= 0 {
					gotNamed[hNames[h]] = append(gotNamed[hNames[h]], rNames[r])
				}
			}
			want := map[string][]string{}
			for h, rs := range c.Expected {
				want[h] = slices.Sorted(slices.Values(rs))
			}
			if diff := cmp.Diff(want, gotNamed, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ResidentOptimal mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// vectorHR builds an HRProblem from a named case, or from the integer-keyed
// instance of issue 159 (unit capacities).
func vectorHR(t *testing.T, res, hosp map[string][]string, caps json.RawMessage, inst *struct {
	Hospitals map[string][]int `json:"hospitals"`
	Residents map[string][]int `json:"residents"`
}) (HRProblem, []string, []string) {
	t.Helper()
	if inst != nil {
		res, hosp = map[string][]string{}, map[string][]string{}
		for k, l := range inst.Residents {
			res[k] = []string{}
			for _, h := range l {
				res[k] = append(res[k], "h"+itoa(h))
			}
		}
		for k, l := range inst.Hospitals {
			hosp["h"+k] = []string{}
			for _, r := range l {
				hosp["h"+k] = append(hosp["h"+k], itoa(r))
			}
		}
	}
	rNames, rIdx := names(res)
	hNames, hIdx := names(hosp)
	p := HRProblem{
		ResidentPrefs: indexPrefs(t, res, rNames, hIdx),
		HospitalPrefs: indexPrefs(t, hosp, hNames, rIdx),
		Capacities:    make([]int, len(hNames)),
	}
	capMap := map[string]int{}
	if inst == nil {
		if err := json.Unmarshal(caps, &capMap); err != nil {
			t.Fatalf("capacities: %v", err)
		}
	}
	for h, name := range hNames {
		p.Capacities[h] = 1
		if inst == nil {
			c, ok := capMap[name]
			if !ok {
				t.Fatalf("no capacity for %q", name)
			}
			p.Capacities[h] = c
		}
	}
	return p, rNames, hNames
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// checkHRStable fails unless assignment is a valid matching of p with no
// blocking pair.
func checkHRStable(t *testing.T, p HRProblem, assignment []int) {
	t.Helper()
	pairs, err := HRBlockingPairs(p, assignment)
	if err != nil {
		t.Fatalf("HRBlockingPairs(%v): %v", assignment, err)
	}
	if len(pairs) > 0 {
		t.Errorf("HRBlockingPairs(%v) = %v; want none", assignment, pairs)
	}
}

// randomHR draws an instance with incomplete lists.
func randomHR(rng *rand.Rand, nr, nh int) HRProblem {
	p := HRProblem{ResidentPrefs: make([][]int, nr), HospitalPrefs: make([][]int, nh), Capacities: make([]int, nh)}
	for r := range nr {
		for _, h := range rng.Perm(nh) {
			if rng.IntN(5) > 0 {
				p.ResidentPrefs[r] = append(p.ResidentPrefs[r], h)
			}
		}
	}
	for h := range nh {
		for _, r := range rng.Perm(nr) {
			if rng.IntN(5) > 0 {
				p.HospitalPrefs[h] = append(p.HospitalPrefs[h], r)
			}
		}
		p.Capacities[h] = rng.IntN(3)
	}
	return p
}

// allStableHR enumerates every stable assignment of a tiny instance.
func allStableHR(t *testing.T, p HRProblem) [][]int {
	t.Helper()
	var out [][]int
	cur := make([]int, len(p.ResidentPrefs))
	var rec func(r int)
	rec = func(r int) {
		if r == len(cur) {
			if pairs, err := HRBlockingPairs(p, cur); err == nil && len(pairs) == 0 {
				out = append(out, slices.Clone(cur))
			}
			return
		}
		cur[r] = -1
		rec(r + 1)
		for _, h := range p.ResidentPrefs[r] {
			cur[r] = h
			rec(r + 1)
		}
	}
	rec(0)
	return out
}

// TestHRAgainstEnumeration checks, on random tiny instances, that both
// answers are stable, that resident-optimal gives every resident its best
// stable hospital and hospital-optimal its worst.
func TestHRAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		p := randomHR(rng, 1+rng.IntN(6), 1+rng.IntN(3))
		all := allStableHR(t, p)
		if len(all) == 0 {
			t.Fatalf("trial %d: no stable matching enumerated for %+v", trial, p)
		}
		tab, _ := newSMTables(p)
		better := func(r, a, b int) bool { // r prefers hospital a to b (-1 = none)
			return b == -1 && a != -1 || a != -1 && tab.resRank(r, a) < tab.resRank(r, b)
		}
		resOpt, err := ResidentOptimal(p)
		if err != nil {
			t.Fatal(err)
		}
		hosOpt, err := HospitalOptimal(p)
		if err != nil {
			t.Fatal(err)
		}
		checkHRStable(t, p, resOpt)
		checkHRStable(t, p, hosOpt)
		for _, m := range all {
			for r := range m {
				if better(r, m[r], resOpt[r]) {
					t.Errorf("trial %d: ResidentOptimal(%+v) = %v; stable %v is better for resident %d", trial, p, resOpt, m, r)
				}
				if better(r, hosOpt[r], m[r]) {
					t.Errorf("trial %d: HospitalOptimal(%+v) = %v; stable %v is worse for resident %d", trial, p, hosOpt, m, r)
				}
			}
		}
	}
}

func TestSuitorReviewerOptimalDiffer(t *testing.T) {
	// Two suitors and two reviewers with opposed first choices: each side's
	// optimum gives that side its first choices.
	sp := [][]int{{0, 1}, {1, 0}}
	rp := [][]int{{1, 0}, {0, 1}}
	for _, tc := range []struct {
		name string
		f    func(a, b [][]int) ([]int, error)
		want []int
	}{
		{"suitor", SuitorOptimal, []int{0, 1}},
		{"reviewer", ReviewerOptimal, []int{1, 0}},
	} {
		got, err := tc.f(sp, rp)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%sOptimal(%v, %v) = %v, %v; want %v", tc.name, sp, rp, got, err, tc.want)
		}
	}
}

func TestHRInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    HRProblem
	}{
		{"capacity count", HRProblem{ResidentPrefs: [][]int{{0}}, HospitalPrefs: [][]int{{0}}}},
		{"negative capacity", HRProblem{ResidentPrefs: [][]int{{0}}, HospitalPrefs: [][]int{{0}}, Capacities: []int{-1}}},
		{"out of range", HRProblem{ResidentPrefs: [][]int{{1}}, HospitalPrefs: [][]int{{0}}, Capacities: []int{1}}},
		{"duplicate", HRProblem{ResidentPrefs: [][]int{{0}}, HospitalPrefs: [][]int{{0, 0}}, Capacities: []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, f := range map[string]func(HRProblem) ([]int, error){"ResidentOptimal": ResidentOptimal, "HospitalOptimal": HospitalOptimal} {
				if _, err := f(tc.p); !errors.Is(err, ErrInvalidPreferences) {
					t.Errorf("%s(%+v) error = %v; want ErrInvalidPreferences", name, tc.p, err)
				}
			}
		})
	}
}

func TestHRBlockingPairs(t *testing.T) {
	p := HRProblem{
		ResidentPrefs: [][]int{{0, 1}, {0}, {1}},
		HospitalPrefs: [][]int{{1, 0}, {0, 2}},
		Capacities:    []int{1, 1},
	}
	for _, tc := range []struct {
		name       string
		assignment []int
		want       [][2]int
		wantErr    bool
	}{
		{"stable", []int{1, 0, -1}, nil, false},
		{"hospital prefers newcomer", []int{0, -1, 1}, [][2]int{{1, 0}}, false},
		{"empty", []int{-1, -1, -1}, [][2]int{{0, 0}, {0, 1}, {1, 0}, {2, 1}}, false},
		{"not acceptable", []int{-1, 1, -1}, nil, true},
		{"over capacity", []int{0, 0, -1}, nil, true},
		{"wrong length", []int{0}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HRBlockingPairs(p, tc.assignment)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidPreferences) {
					t.Errorf("HRBlockingPairs(%v) error = %v; want ErrInvalidPreferences", tc.assignment, err)
				}
				return
			}
			if err != nil || !cmp.Equal(got, tc.want) {
				t.Errorf("HRBlockingPairs(%v) = %v, %v; want %v", tc.assignment, got, err, tc.want)
			}
		})
	}
}

// TestSparseLargeInstances runs instances whose rank tables are too large to
// keep dense (rows×cols > smDenseMax), so the hashed tables are used.
func TestSparseLargeInstances(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const nr, nh = 5000, 4000
	if nr*nh <= smDenseMax {
		t.Fatalf("%d×%d fits the dense table; the test needs a larger instance", nr, nh)
	}
	p := HRProblem{ResidentPrefs: make([][]int, nr), HospitalPrefs: make([][]int, nh), Capacities: make([]int, nh)}
	for r := range nr {
		for range 3 {
			h := rng.IntN(nh)
			if !slices.Contains(p.ResidentPrefs[r], h) {
				p.ResidentPrefs[r] = append(p.ResidentPrefs[r], h)
				p.HospitalPrefs[h] = append(p.HospitalPrefs[h], r)
			}
		}
	}
	for h := range nh {
		rng.Shuffle(len(p.HospitalPrefs[h]), func(a, b int) {
			p.HospitalPrefs[h][a], p.HospitalPrefs[h][b] = p.HospitalPrefs[h][b], p.HospitalPrefs[h][a]
		})
		p.Capacities[h] = 1 + rng.IntN(2)
	}
	for name, f := range map[string]func(HRProblem) ([]int, error){"ResidentOptimal": ResidentOptimal, "HospitalOptimal": HospitalOptimal} {
		got, err := f(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkHRStable(t, p, got)
	}
	prefs := make([][]int, nh+nr) // roommates over 9000 people
	for r, list := range p.ResidentPrefs {
		for _, h := range list {
			prefs[r] = append(prefs[r], nr+h)
		}
	}
	for h, list := range p.HospitalPrefs {
		prefs[nr+h] = list
	}
	partner, err := StableRoommates(prefs) // bipartite, so a stable matching exists
	if err != nil {
		t.Fatalf("StableRoommates: %v", err)
	}
	if pairs, err := RoommatesBlockingPairs(prefs, partner); err != nil || len(pairs) > 0 {
		t.Errorf("RoommatesBlockingPairs = %v, %v; want none", pairs, err)
	}
}
