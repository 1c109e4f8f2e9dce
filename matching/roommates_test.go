package matching

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// namedPairs turns a partner slice into sorted name pairs, each a < b.
func namedPairs(partner []int, who []string) [][2]string {
	var out [][2]string
	for i, j := range partner {
		if j > i {
			a, b := who[i], who[j]
			if b < a {
				a, b = b, a
			}
			out = append(out, [2]string{a, b})
		}
	}
	return sortPairs(out)
}

func sortPairs(ps [][2]string) [][2]string {
	out := make([][2]string, len(ps))
	for i, p := range ps {
		if p[1] < p[0] {
			p[0], p[1] = p[1], p[0]
		}
		out[i] = p
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i][0] < out[j][0] || out[i][0] == out[j][0] && out[i][1] < out[j][1]
	})
	return out
}

func TestVectorsStableRoommates(t *testing.T) {
	for _, c := range loadVectors(t).Roommates {
		t.Run(c.ID, func(t *testing.T) {
			who, idx := names(c.Preferences)
			prefs := indexPrefs(t, c.Preferences, who, idx)
			got, err := StableRoommates(prefs)
			if c.Expected == nil {
				if !errors.Is(err, ErrNoStableMatching) || len(c.AllStable) != 0 {
					t.Fatalf("StableRoommates(%v) = %v, %v; want ErrNoStableMatching", prefs, got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("StableRoommates(%v): %v", prefs, err)
			}
			if pairs, err := RoommatesBlockingPairs(prefs, got); err != nil || len(pairs) > 0 {
				t.Errorf("RoommatesBlockingPairs(%v) = %v, %v; want none", got, pairs, err)
			}
			gotPairs := namedPairs(got, who)
			inAll := false
			for _, m := range c.AllStable {
				inAll = inAll || cmp.Equal(sortPairs(m), gotPairs)
			}
			if !inAll {
				t.Errorf("StableRoommates = %v; not among the stable matchings %v", gotPairs, c.AllStable)
			}
			if len(c.AllStable) == 1 && !cmp.Equal(sortPairs(c.Expected), gotPairs) {
				t.Errorf("StableRoommates = %v; want the unique %v", gotPairs, sortPairs(c.Expected))
			}
			for _, u := range c.Unstable {
				partner := smFilled(len(who), -1)
				for _, p := range u.Matching {
					partner[idx[p[0]]], partner[idx[p[1]]] = idx[p[1]], idx[p[0]]
				}
				if pairs, err := RoommatesBlockingPairs(prefs, partner); err != nil || len(pairs) == 0 {
					t.Errorf("RoommatesBlockingPairs(%v) = %v, %v; want a blocking pair", u.Matching, pairs, err)
				}
			}
		})
	}
}

// TestNoStableMatchingAllOrders runs Gale and Shapley's 1962 instance with
// every ordering of player 4's list, as the source does.
func TestNoStableMatchingAllOrders(t *testing.T) {
	base := [][]int{{1, 2, 3}, {2, 0, 3}, {0, 1, 3}}
	perm := []int{0, 1, 2}
	count := 0
	permute(perm, 0, func(p []int) {
		count++
		prefs := append(slices.Clone(base), slices.Clone(p))
		if got, err := StableRoommates(prefs); !errors.Is(err, ErrNoStableMatching) {
			t.Errorf("StableRoommates(%v) = %v, %v; want ErrNoStableMatching", prefs, got, err)
		}
	})
	if count != 6 {
		t.Errorf("ran %d orderings; want 6", count)
	}
}

// permute calls f with every permutation of p[k:].
func permute(p []int, k int, f func([]int)) {
	if k == len(p) {
		f(p)
		return
	}
	for i := k; i < len(p); i++ {
		p[k], p[i] = p[i], p[k]
		permute(p, k+1, f)
		p[k], p[i] = p[i], p[k]
	}
}

// randomRoommates draws preferences, complete when full, else with about a
// quarter of the entries missing.
func randomRoommates(rng *rand.Rand, n int, full bool) [][]int {
	prefs := make([][]int, n)
	for x := range n {
		prefs[x] = []int{}
		for _, y := range rng.Perm(n) {
			if y != x && (full || rng.IntN(4) > 0) {
				prefs[x] = append(prefs[x], y)
			}
		}
	}
	return prefs
}

// allStableRoommates enumerates every stable matching, partial ones included.
func allStableRoommates(t *testing.T, prefs [][]int) [][]int {
	t.Helper()
	n := len(prefs)
	partner := smFilled(n, -1)
	var out [][]int
	var rec func(i int)
	rec = func(i int) {
		for i < n && partner[i] != -1 {
			i++
		}
		if i == n {
			if pairs, err := RoommatesBlockingPairs(prefs, partner); err == nil && len(pairs) == 0 {
				out = append(out, slices.Clone(partner))
			}
			return
		}
		rec(i + 1) // i alone
		for _, j := range prefs[i] {
			if partner[j] == -1 && j > i && slices.Contains(prefs[j], i) {
				partner[i], partner[j] = j, i
				rec(i + 1)
				partner[i], partner[j] = -1, -1
			}
		}
	}
	rec(0)
	return out
}

// TestRoommatesAgainstEnumeration compares Irving's algorithm with exhaustive
// enumeration on random instances, complete and incomplete, odd and even.
func TestRoommatesAgainstEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	none, some := 0, 0
	for trial := range 2000 {
		prefs := randomRoommates(rng, 1+rng.IntN(9), trial%2 == 0)
		all := allStableRoommates(t, prefs)
		got, err := StableRoommates(prefs)
		if len(all) == 0 {
			none++
			if !errors.Is(err, ErrNoStableMatching) {
				t.Fatalf("StableRoommates(%v) = %v, %v; want ErrNoStableMatching", prefs, got, err)
			}
			continue
		}
		some++
		if err != nil {
			t.Fatalf("StableRoommates(%v): %v; want one of %v", prefs, err, all)
		}
		found := false
		for _, m := range all {
			found = found || slices.Equal(m, got)
		}
		if !found {
			t.Fatalf("StableRoommates(%v) = %v; want one of %v", prefs, got, all)
		}
	}
	if none == 0 || some == 0 {
		t.Errorf("instances without/with stable matchings: %d/%d; want both kinds", none, some)
	}
}

func TestRoommatesInvalid(t *testing.T) {
	for _, tc := range []struct {
		name  string
		prefs [][]int
	}{
		{"self", [][]int{{0, 1}, {0}}},
		{"out of range", [][]int{{2}, {0}}},
		{"duplicate", [][]int{{1, 1}, {0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := StableRoommates(tc.prefs); !errors.Is(err, ErrInvalidPreferences) {
				t.Errorf("StableRoommates(%v) = %v, %v; want ErrInvalidPreferences", tc.prefs, got, err)
			}
		})
	}
}

func TestRoommatesBlockingPairsInvalid(t *testing.T) {
	prefs := [][]int{{1, 2}, {0, 2}, {0}}
	for _, partner := range [][]int{{1, 2, -1}, {0, -1, -1}, {-1, 2, 1}, {1, 0}, {5, -1, -1}} {
		if got, err := RoommatesBlockingPairs(prefs, partner); !errors.Is(err, ErrInvalidPreferences) {
			t.Errorf("RoommatesBlockingPairs(%v, %v) = %v, %v; want ErrInvalidPreferences", prefs, partner, got, err)
		}
	}
}
