package matching

import (
	"errors"
	"fmt"
)

// This file holds the two-sided ordinal solvers: hospital/resident deferred
// acceptance with capacities (either side proposing), stable marriage as its
// one-to-one case, and a checker that lists the blocking pairs of any proposed
// assignment. Everything works on integer indices; names belong to callers.

// ErrInvalidPreferences marks a malformed preference profile: an index out of
// range, a duplicate in a list, a negative capacity, or a proposed matching
// that breaks capacities or mutual acceptability.
var ErrInvalidPreferences = errors.New("invalid preferences")

// HRProblem is a hospital/resident instance. Preference lists are most
// preferred first; an index missing from a list means "not acceptable", and a
// pair can only be matched when each side lists the other.
type HRProblem struct {
	// ResidentPrefs[r] lists the hospitals acceptable to resident r.
	ResidentPrefs [][]int
	// HospitalPrefs[h] lists the residents acceptable to hospital h.
	HospitalPrefs [][]int
	// Capacities[h] is the number of residents hospital h can take (>= 0).
	Capacities []int
}

// smTables holds the rank lookups of a validated HRProblem: resRank(r, h) is
// the position of h in r's list and hospRank(h, r) that of r in h's list, -1
// when not listed.
type smTables struct {
	nr, nh       int
	rankR, rankH smRanks
}

func (t *smTables) resRank(r, h int) int  { return t.rankR.get(r, h) }
func (t *smTables) hospRank(h, r int) int { return t.rankH.get(h, r) }

// newSMTables validates p and builds its rank tables.
func newSMTables(p HRProblem) (*smTables, error) {
	nr, nh := len(p.ResidentPrefs), len(p.HospitalPrefs)
	if len(p.Capacities) != nh {
		return nil, fmt.Errorf("matching: %d capacities for %d hospitals: %w", len(p.Capacities), nh, ErrInvalidPreferences)
	}
	for h, c := range p.Capacities {
		if c < 0 {
			return nil, fmt.Errorf("matching: hospital %d has negative capacity %d: %w", h, c, ErrInvalidPreferences)
		}
	}
	t := &smTables{nr: nr, nh: nh}
	var err error
	if t.rankR, err = smRankTable(p.ResidentPrefs, nh, "resident"); err != nil {
		return nil, err
	}
	if t.rankH, err = smRankTable(p.HospitalPrefs, nr, "hospital"); err != nil {
		return nil, err
	}
	return t, nil
}

// smDenseMax is the largest rows×cols rank table kept dense; larger ones,
// whose lists are necessarily sparse in practice, are hashed so memory
// follows the total list length.
const smDenseMax = 1 << 24

// smRanks maps (i, j) to the position of j in i's list, -1 when absent.
type smRanks struct {
	cols   int
	dense  []int32 // rows×cols, used when hashed is nil
	hashed map[int64]int32
}

func newSMRanks(rows, cols int) smRanks {
	if rows*cols > smDenseMax || rows > smDenseMax || cols > smDenseMax {
		return smRanks{cols: cols, hashed: map[int64]int32{}}
	}
	r := smRanks{cols: cols, dense: make([]int32, rows*cols)}
	for k := range r.dense {
		r.dense[k] = -1
	}
	return r
}

func (r smRanks) get(i, j int) int {
	if r.hashed == nil {
		return int(r.dense[i*r.cols+j])
	}
	if k, ok := r.hashed[int64(i)*int64(r.cols)+int64(j)]; ok {
		return int(k)
	}
	return -1
}

func (r smRanks) set(i, j, k int) {
	if r.hashed == nil {
		r.dense[i*r.cols+j] = int32(k)
	} else {
		r.hashed[int64(i)*int64(r.cols)+int64(j)] = int32(k)
	}
}

// smRankTable turns preference lists over [0, other) into a rank table,
// rejecting out-of-range indices and duplicates.
func smRankTable(prefs [][]int, other int, who string) (smRanks, error) {
	rank := newSMRanks(len(prefs), other)
	for i, list := range prefs {
		for k, j := range list {
			if j < 0 || j >= other {
				return rank, fmt.Errorf("matching: %s %d lists %d, out of range [0, %d): %w", who, i, j, other, ErrInvalidPreferences)
			}
			if rank.get(i, j) >= 0 {
				return rank, fmt.Errorf("matching: %s %d lists %d twice: %w", who, i, j, ErrInvalidPreferences)
			}
			rank.set(i, j, k)
		}
	}
	return rank, nil
}

// ResidentOptimal returns the resident-optimal stable matching of p (deferred
// acceptance with residents proposing): every resident gets the best hospital
// it has in any stable matching. The result maps each resident to its
// hospital, or -1 when unmatched. Errors wrap ErrInvalidPreferences.
func ResidentOptimal(p HRProblem) ([]int, error) {
	t, err := newSMTables(p)
	if err != nil {
		return nil, err
	}
	assigned := smFilled(t.nr, -1)
	next := make([]int, t.nr)
	// held[h] marks, by position in h's list, the residents h holds; worst[h]
	// is the largest such position. A full hospital only takes residents it
	// ranks above its worst, so worst only moves up the list once h is full.
	held := make([][]bool, t.nh)
	for h := range held {
		held[h] = make([]bool, len(p.HospitalPrefs[h]))
	}
	worst := smFilled(t.nh, -1)
	count := make([]int, t.nh)
	free := make([]int, 0, t.nr)
	for r := t.nr - 1; r >= 0; r-- {
		free = append(free, r)
	}
	for len(free) > 0 {
		r := free[len(free)-1]
		free = free[:len(free)-1]
		for next[r] < len(p.ResidentPrefs[r]) {
			h := p.ResidentPrefs[r][next[r]]
			next[r]++
			k := t.hospRank(h, r)
			if k < 0 || (count[h] == p.Capacities[h] && k > worst[h]) {
				continue
			}
			if count[h] == p.Capacities[h] {
				w := worst[h]
				held[h][w] = false
				evicted := p.HospitalPrefs[h][w]
				assigned[evicted] = -1
				free = append(free, evicted)
				count[h]--
				for worst[h] >= 0 && !held[h][worst[h]] && worst[h] > k {
					worst[h]--
				}
			}
			held[h][k] = true
			worst[h] = max(worst[h], k)
			count[h]++
			assigned[r] = h
			break
		}
	}
	return assigned, nil
}

// HospitalOptimal returns the hospital-optimal stable matching of p (deferred
// acceptance with hospitals proposing), in the same shape as ResidentOptimal:
// each resident's hospital, or -1. Errors wrap ErrInvalidPreferences.
func HospitalOptimal(p HRProblem) ([]int, error) {
	t, err := newSMTables(p)
	if err != nil {
		return nil, err
	}
	assigned := smFilled(t.nr, -1)
	next := make([]int, t.nh)
	count := make([]int, t.nh)
	free := make([]int, 0, t.nh)
	for h := t.nh - 1; h >= 0; h-- {
		free = append(free, h)
	}
	for len(free) > 0 {
		h := free[len(free)-1]
		free = free[:len(free)-1]
		for count[h] < p.Capacities[h] && next[h] < len(p.HospitalPrefs[h]) {
			r := p.HospitalPrefs[h][next[h]]
			next[h]++
			k := t.resRank(r, h)
			cur := assigned[r]
			if k < 0 || (cur >= 0 && t.resRank(r, cur) < k) {
				continue
			}
			if cur >= 0 {
				count[cur]--
				free = append(free, cur)
			}
			assigned[r] = h
			count[h]++
		}
	}
	return assigned, nil
}

// SuitorOptimal returns the suitor-optimal stable marriage: suitorPrefs[s]
// lists reviewers, reviewerPrefs[v] lists suitors. The result maps each
// suitor to its reviewer, or -1 when unmatched. Errors wrap
// ErrInvalidPreferences.
func SuitorOptimal(suitorPrefs, reviewerPrefs [][]int) ([]int, error) {
	return ResidentOptimal(smMarriage(suitorPrefs, reviewerPrefs))
}

// ReviewerOptimal returns the reviewer-optimal stable marriage, in the same
// shape as SuitorOptimal (each suitor's reviewer, or -1). Errors wrap
// ErrInvalidPreferences.
func ReviewerOptimal(suitorPrefs, reviewerPrefs [][]int) ([]int, error) {
	return HospitalOptimal(smMarriage(suitorPrefs, reviewerPrefs))
}

// smMarriage views a stable marriage instance as hospital/resident with unit
// capacities.
func smMarriage(suitorPrefs, reviewerPrefs [][]int) HRProblem {
	return HRProblem{
		ResidentPrefs: suitorPrefs,
		HospitalPrefs: reviewerPrefs,
		Capacities:    smFilled(len(reviewerPrefs), 1),
	}
}

// HRBlockingPairs returns the pairs {resident, hospital} that block the
// proposed assignment (assignment[r] is r's hospital or -1): r and h list each
// other, r is unmatched or prefers h to its hospital, and h is under capacity
// or prefers r to its worst assignee. Pairs come sorted by resident, then by
// the resident's preference. An assignment that is not a matching of p (wrong
// length, unlisted pair, capacity exceeded) is an error wrapping
// ErrInvalidPreferences. Stable marriage is the case of unit capacities.
func HRBlockingPairs(p HRProblem, assignment []int) ([][2]int, error) {
	t, err := newSMTables(p)
	if err != nil {
		return nil, err
	}
	if len(assignment) != t.nr {
		return nil, fmt.Errorf("matching: assignment has %d residents, want %d: %w", len(assignment), t.nr, ErrInvalidPreferences)
	}
	count := make([]int, t.nh)
	worst := smFilled(t.nh, -1)
	for r, h := range assignment {
		if h == -1 {
			continue
		}
		if h < 0 || h >= t.nh || t.resRank(r, h) < 0 || t.hospRank(h, r) < 0 {
			return nil, fmt.Errorf("matching: resident %d assigned to %d, not a mutually acceptable hospital: %w", r, h, ErrInvalidPreferences)
		}
		count[h]++
		worst[h] = max(worst[h], t.hospRank(h, r))
	}
	for h, c := range count {
		if c > p.Capacities[h] {
			return nil, fmt.Errorf("matching: hospital %d holds %d residents, capacity %d: %w", h, c, p.Capacities[h], ErrInvalidPreferences)
		}
	}
	var pairs [][2]int
	for r, list := range p.ResidentPrefs {
		for _, h := range list {
			if h == assignment[r] {
				break
			}
			k := t.hospRank(h, r)
			if k >= 0 && (count[h] < p.Capacities[h] || k < worst[h]) {
				pairs = append(pairs, [2]int{r, h})
			}
		}
	}
	return pairs, nil
}

// smFilled returns a slice of n copies of v.
func smFilled(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}
