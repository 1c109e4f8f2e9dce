package matching

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// This file holds stable roommates (Irving 1985, with the incomplete-list
// extension of Gusfield & Irving 1989, section 4.5.2) and a blocking-pair
// checker for any proposed roommate matching.

// ErrNoStableMatching reports a stable roommates instance that admits no
// stable matching.
var ErrNoStableMatching = errors.New("matching: no stable matching exists")

// StableRoommates returns a stable matching of the roommates instance prefs
// (prefs[i] lists the people acceptable to i, most preferred first; a pair can
// be matched only when each lists the other). The result maps each person to
// a partner, or -1 for people left alone, who are the same in every stable
// matching. When several stable matchings exist, which one is returned is
// fixed by the instance. It returns ErrNoStableMatching when none exists, and
// an error wrapping ErrInvalidPreferences for a malformed profile.
func StableRoommates(prefs [][]int) ([]int, error) {
	t, err := newSMRoomTable(prefs)
	if err != nil {
		return nil, err
	}
	t.proposals()
	if err := t.eliminateRotations(); err != nil {
		return nil, err
	}
	partner := smFilled(t.n, -1)
	for x := range t.n {
		if t.size[x] == 1 {
			partner[x] = t.first(x)
		}
	}
	return partner, nil
}

// RoommatesBlockingPairs returns the pairs {p, q}, p < q, that block the
// proposed roommate matching (partner[i] is i's partner or -1): p and q list
// each other, are not partners, and each is alone or prefers the other to
// its partner. Pairs come sorted. A partner slice that is not a matching of
// prefs (not symmetric, self-paired, unlisted pair) is an error wrapping
// ErrInvalidPreferences.
func RoommatesBlockingPairs(prefs [][]int, partner []int) ([][2]int, error) {
	n := len(prefs)
	rank, err := smRankTable(prefs, n, "person")
	if err != nil {
		return nil, err
	}
	if len(partner) != n {
		return nil, fmt.Errorf("matching: matching has %d people, want %d: %w", len(partner), n, ErrInvalidPreferences)
	}
	for i, j := range partner {
		if j == -1 {
			continue
		}
		if j < 0 || j >= n || j == i || partner[j] != i || rank.get(i, j) < 0 || rank.get(j, i) < 0 {
			return nil, fmt.Errorf("matching: person %d paired with %d, not a mutually acceptable pair: %w", i, j, ErrInvalidPreferences)
		}
	}
	prefers := func(p, q int) bool {
		return partner[p] == -1 || rank.get(p, q) < rank.get(p, partner[p])
	}
	var pairs [][2]int
	for p, list := range prefs {
		for _, q := range list {
			if q > p && rank.get(q, p) >= 0 && partner[p] != q && prefers(p, q) && prefers(q, p) {
				pairs = append(pairs, [2]int{p, q})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return pairs, nil
}

// smRoomTable is Irving's reduced preference table. Entry (x, y) is present
// while alive[x][rank of y] is set; deletions are always symmetric. head, tail
// and size track each list's first and last live positions and its length.
type smRoomTable struct {
	n                int
	pref             [][]int
	rank             smRanks
	alive            [][]bool
	head, tail, size []int
}

// newSMRoomTable validates prefs and keeps only mutually acceptable pairs.
func newSMRoomTable(prefs [][]int) (*smRoomTable, error) {
	n := len(prefs)
	raw, err := smRankTable(prefs, n, "person")
	if err != nil {
		return nil, err
	}
	t := &smRoomTable{
		n: n, pref: make([][]int, n), rank: newSMRanks(n, n), alive: make([][]bool, n),
		head: make([]int, n), tail: make([]int, n), size: make([]int, n),
	}
	for x, list := range prefs {
		for _, y := range list {
			if y == x {
				return nil, fmt.Errorf("matching: person %d lists itself: %w", x, ErrInvalidPreferences)
			}
			if raw.get(y, x) >= 0 {
				t.pref[x] = append(t.pref[x], y)
			}
		}
		for k, y := range t.pref[x] {
			t.rank.set(x, y, k)
		}
		t.alive[x] = make([]bool, len(t.pref[x]))
		for k := range t.alive[x] {
			t.alive[x][k] = true
		}
		t.size[x], t.tail[x] = len(t.pref[x]), len(t.pref[x])-1
	}
	return t, nil
}

func (t *smRoomTable) first(x int) int { return t.pref[x][t.head[x]] }
func (t *smRoomTable) last(x int) int  { return t.pref[x][t.tail[x]] }

// second returns the second live entry of x's list (size[x] >= 2).
func (t *smRoomTable) second(x int) int {
	k := t.head[x] + 1
	for !t.alive[x][k] {
		k++
	}
	return t.pref[x][k]
}

// drop removes y from x's list only.
func (t *smRoomTable) drop(x, y int) {
	k := t.rank.get(x, y)
	t.alive[x][k] = false
	t.size[x]--
	for t.head[x] < len(t.alive[x]) && !t.alive[x][t.head[x]] {
		t.head[x]++
	}
	for t.tail[x] >= 0 && !t.alive[x][t.tail[x]] {
		t.tail[x]--
	}
}

// truncateAfter deletes, on both sides, every pair (y, z) with z after x in
// y's list. It reports whether some z's list became empty.
func (t *smRoomTable) truncateAfter(y, x int) (emptied bool) {
	k := t.rank.get(y, x)
	for t.tail[y] > k {
		z := t.last(y)
		t.drop(y, z)
		t.drop(z, y)
		emptied = emptied || t.size[z] == 0
	}
	return emptied
}

// proposals runs phase 1: everyone proposes down their list; whoever holds a
// proposal from x deletes everyone it likes less than x. People whose lists
// empty are alone in every stable matching.
func (t *smRoomTable) proposals() {
	holder := smFilled(t.n, -1)
	for x0 := range t.n {
		for x := x0; x >= 0 && t.size[x] > 0; {
			y := t.first(x)
			z := holder[y]
			holder[y] = x
			t.truncateAfter(y, x) // rejects z, who comes after x in y's list
			x = z
		}
	}
}

// eliminateRotations runs phase 2: while someone has two or more entries, it
// finds an exposed rotation from the lowest such person and eliminates it.
// A list emptied here means no stable matching exists.
func (t *smRoomTable) eliminateRotations() error {
	seen := smFilled(t.n, -1)
	var ps, qs []int
	for start := 0; start < t.n; {
		if t.size[start] < 2 {
			start++
			continue
		}
		ps, qs = ps[:0], qs[:0]
		x := start
		for seen[x] < 0 {
			seen[x] = len(ps)
			ps = append(ps, x)
			qs = append(qs, t.second(x))
			x = t.last(qs[len(qs)-1])
		}
		from := seen[x]
		for _, p := range ps {
			seen[p] = -1
		}
		emptied := false
		for i := from; i < len(ps); i++ {
			emptied = t.truncateAfter(qs[i], ps[i]) || emptied
		}
		if emptied {
			return ErrNoStableMatching
		}
	}
	return nil
}
