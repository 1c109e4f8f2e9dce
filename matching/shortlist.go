package matching

import (
	"cmp"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/convivo/convivo/housing"
)

// Neighbour is one entry of a ranking: an index into the slice ranked and
// the score (mutual score for people, home fit for homes).
type Neighbour struct {
	Index int
	Score int
}

// Removed marks a pair or person–home option that a hard constraint removes
// in PairScores and HomeScores.
const Removed = -1

// scPool holds candidates compiled for fast pair scores: every answer as a
// small code; languages, interests and districts as 64-bit masks over the
// pool's own dictionaries (or, when a dictionary has more than 64 values,
// as bitsets and id lists in arenas); and the care-team exclusions and
// mediator rejections as sorted index lists. A pair score reads two scVecs
// and does not allocate.
type scPool struct {
	n     int
	hot   []scHot // what the constraint check and the first stage read, packed
	v     []scVec
	rank  []int32 // position in (ID, index) order: the tie-break
	same  []int32 // index of the first candidate with the same ID
	block [][]int32
	w     [scNumPair]int64
	wRest [2]int64 // the weight of the factors after each prune stage
	// ordNum and ordDen hold, per ordinal factor and pair of answers
	// (6a+b), the weighted fit and the weight, or 0 and 0 when unanswered.
	ordNum, ordDen [scNumOrd][36]int64
	wide           *scWide
}

// scNumOrd is the number of symmetric ordinal factors, scored first.
const scNumOrd = 5

// scOrdFactor returns the factor and level index of ordinal factor o.
func scOrdFactor(o int) (factor, level int) {
	switch o {
	case 0:
		return scSleep, scLvSleep
	case 1:
		return scTidiness, scLvTidiness
	case 2:
		return scSociability, scLvSociability
	case 3:
		return scGuests, scLvGuests
	}
	return scCooking, scLvCooking
}

// scHot is the packed part of a candidate that every pair reads.
type scHot struct {
	lv                 [scNumOrd]int8 // the ordinal answers, in scOrdFactor order
	gender, genderMask uint8
	traitBits, forbid  uint8
	age, ageLo, ageHi  int16
}

// scVec is one candidate in a pool.
type scVec struct {
	t          scTraits
	lang, intr uint64 // bitsets over the pool's languages and interests
	off        uint64 // the districts the candidate offers (see scOffered)
	near, mid  uint64 // districts at proximity 1000, and at least 600, from a wanted one
	lcnt, icnt int32
}

// scWide holds the sets of a pool whose dictionaries exceed 64 values.
type scWide struct {
	lw, iw     int
	lang, intr []uint64
	nd         int
	best       []int16 // n×nd: best proximity of a wanted district to district d
	offStart   []int32 // n+1 offsets into offIDs
	offIDs     []int16
}

// scNewPool compiles cands with weights w.
func scNewPool(cands []Candidate, w Weights) *scPool {
	n := len(cands)
	p := &scPool{n: n, v: make([]scVec, n), same: make([]int32, n)}
	cw := scCompile(w)
	copy(p.w[:], cw[:scNumPair])
	for _, f := range []int{scNoise, scSmoking, scPets, scAge, scGender, scDistricts} {
		p.wRest[1] += p.w[f]
	}
	p.wRest[0] = p.wRest[1] + p.w[scMoveIn] + p.w[scBudget] + p.w[scLanguages] + p.w[scInterests]
	p.hot = make([]scHot, n)
	for i := range cands {
		t := &cands[i].tr
		p.v[i].t = *t
		p.v[i].lcnt, p.v[i].icnt = int32(len(cands[i].langs)), int32(len(cands[i].interests))
		h := &p.hot[i]
		for o := range scNumOrd {
			_, lv := scOrdFactor(o)
			h.lv[o] = t.lv[lv]
		}
		h.gender, h.genderMask, h.traitBits, h.forbid = uint8(t.gender), t.genderMask, t.traitBits, t.forbidBits
		h.age, h.ageLo, h.ageHi = t.age, t.ageLo, t.ageHi
	}
	for o := range scNumOrd {
		f, _ := scOrdFactor(o)
		for x := range int8(6) {
			for y := range int8(6) {
				if fit := scOrdFit(x, y); fit >= 0 {
					p.ordNum[o][6*x+y], p.ordDen[o][6*x+y] = p.w[f]*int64(fit), p.w[f]
				}
			}
		}
	}
	langs := scDictionary(cands, func(c *Candidate) []string { return c.langs })
	interests := scDictionary(cands, func(c *Candidate) []string { return c.interests })
	districts := scDictionary(cands, func(c *Candidate) []string { return slices.Concat(c.scOffered(), c.wanted) })
	if len(langs) > 64 || len(interests) > 64 || len(districts) > 64 {
		p.wide = scNewWide(cands, langs, interests, districts)
	} else {
		p.compileMasks(cands, langs, interests, districts)
	}
	p.compileIDs(cands)
	return p
}

// scDictionary numbers the values of one set across candidates, in order
// of first appearance.
func scDictionary(cands []Candidate, set func(*Candidate) []string) map[string]int {
	dict := map[string]int{}
	for i := range cands {
		for _, s := range set(&cands[i]) {
			if _, ok := dict[s]; !ok {
				dict[s] = len(dict)
			}
		}
	}
	return dict
}

// scNames returns a dictionary's values by number.
func scNames(dict map[string]int) []string {
	names := make([]string, len(dict))
	for s, i := range dict {
		names[i] = s
	}
	return names
}

// compileMasks fills the 64-bit masks of every candidate.
func (p *scPool) compileMasks(cands []Candidate, langs, interests, districts map[string]int) {
	names := scNames(districts)
	for i := range cands {
		c, v := &cands[i], &p.v[i]
		for _, s := range c.langs {
			v.lang |= 1 << langs[s]
		}
		for _, s := range c.interests {
			v.intr |= 1 << interests[s]
		}
		for _, s := range c.scOffered() {
			v.off |= 1 << districts[s]
		}
		for d, name := range names {
			switch x := scBestProximity(c.wanted, []string{name}); {
			case x >= scProxSame:
				v.near |= 1 << d
				v.mid |= 1 << d
			case x >= scProxNeighbour:
				v.mid |= 1 << d
			}
		}
	}
}

// scNewWide fills the arenas of a pool with large dictionaries.
func scNewWide(cands []Candidate, langs, interests, districts map[string]int) *scWide {
	n := len(cands)
	wd := &scWide{lw: max(1, (len(langs)+63)/64), iw: max(1, (len(interests)+63)/64), nd: len(districts)}
	wd.lang, wd.intr = make([]uint64, n*wd.lw), make([]uint64, n*wd.iw)
	wd.best, wd.offStart = make([]int16, n*wd.nd), make([]int32, n+1)
	names := scNames(districts)
	for i := range cands {
		c := &cands[i]
		for _, s := range c.langs {
			wd.lang[i*wd.lw+langs[s]/64] |= 1 << (langs[s] % 64)
		}
		for _, s := range c.interests {
			wd.intr[i*wd.iw+interests[s]/64] |= 1 << (interests[s] % 64)
		}
		for _, s := range c.scOffered() {
			wd.offIDs = append(wd.offIDs, int16(districts[s]))
		}
		wd.offStart[i+1] = int32(len(wd.offIDs))
		for d, name := range names {
			if x := scBestProximity(c.wanted, []string{name}); x > 0 {
				wd.best[i*wd.nd+d] = int16(x)
			}
		}
	}
	return wd
}

// compileIDs computes the tie-break ranks, same-person groups and blocked
// index lists (care-team exclusions and mediator rejections, both ways).
func (p *scPool) compileIDs(cands []Candidate) {
	order := make([]int32, p.n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		return cmp.Or(cmp.Compare(cands[x].person.ID, cands[y].person.ID), cmp.Compare(x, y))
	})
	p.rank = make([]int32, p.n)
	byID := map[string][]int32{}
	for r, i := range order {
		p.rank[i] = int32(r)
		id := cands[i].person.ID
		byID[id] = append(byID[id], i)
		p.same[i] = byID[id][0]
	}
	p.block = make([][]int32, p.n)
	for i := range cands {
		for _, ids := range [][]string{cands[i].exclusions, cands[i].rejected} {
			for _, id := range ids {
				for _, j := range byID[id] {
					p.block[i] = append(p.block[i], j)
					p.block[j] = append(p.block[j], int32(i))
				}
			}
		}
	}
	for i, b := range p.block {
		slices.Sort(b)
		p.block[i] = slices.Compact(b)
	}
}

// allowed applies the hard pair constraints that live in the traits (the
// block lists are applied by the caller).
func (p *scPool) allowed(i, j int) bool {
	a, b := &p.hot[i], &p.hot[j]
	switch {
	case a.forbid&b.traitBits != 0 || b.forbid&a.traitBits != 0,
		a.genderMask&(1<<b.gender) == 0 || b.genderMask&(1<<a.gender) == 0,
		b.age < a.ageLo || b.age > a.ageHi || a.age < b.ageLo || a.age > b.ageHi:
		return false
	}
	return p.same[i] != p.same[j]
}

// scAdd adds one fit to a weighted sum when it is answered.
func scAdd(num, den *int64, w int64, fit int) {
	if fit >= 0 {
		*num += w * int64(fit)
		*den += w
	}
}

// scWideCount returns |A∩B| for sets i and j of a bitset arena.
func scWideCount(bs []uint64, words, i, j int) int {
	x, y := bs[i*words:(i+1)*words], bs[j*words:(j+1)*words]
	inter := 0
	for k := range x {
		inter += bits.OnesCount64(x[k] & y[k])
	}
	return inter
}

// sets returns the languages and interests fits of i and j.
func (p *scPool) sets(i, j int) (lang, intr int) {
	a, b := &p.v[i], &p.v[j]
	var li, ii int
	if p.wide == nil {
		li, ii = bits.OnesCount64(a.lang&b.lang), bits.OnesCount64(a.intr&b.intr)
	} else {
		li, ii = scWideCount(p.wide.lang, p.wide.lw, i, j), scWideCount(p.wide.intr, p.wide.iw, i, j)
	}
	la, lb, ia, ib := int(a.lcnt), int(b.lcnt), int(a.icnt), int(b.icnt)
	return scLangFit(la, lb, li, la+lb-li), scSetFit(ia, ib, ii, ia+ib-ii)
}

// districts is a's districts fit for b (see scBestProximity).
func (p *scPool) districts(i, j int) int {
	a, b := &p.v[i], &p.v[j]
	if p.wide != nil {
		return p.wide.districts(i, j)
	}
	switch {
	case a.mid == 0 || b.off == 0: // a wants nothing (mid is never empty otherwise) or b offers nothing
		return scMissing
	case a.near&b.off != 0:
		return scProxSame
	case a.mid&b.off != 0:
		return scProxNeighbour
	}
	return scProxFar
}

func (wd *scWide) districts(i, j int) int {
	ids := wd.offIDs[wd.offStart[j]:wd.offStart[j+1]]
	row := wd.best[i*wd.nd : (i+1)*wd.nd]
	best := int16(0)
	for _, d := range ids {
		best = max(best, row[d])
	}
	if best == 0 || len(ids) == 0 {
		return scMissing
	}
	return int(best)
}

// mutual computes Score for candidates i and j exactly as scMutual does,
// or returns -1 early when the score cannot reach floor. It computes the
// symmetric factors first, in two stages (the ordinal answers, then move-in,
// budget and the sets), and after each stage bounds the score by their
// weighted mean with every remaining factor at 1000: adding a fit of 1000
// never lowers a mean, and the harmonic mean never exceeds the larger
// directed score.
func (p *scPool) mutual(i, j, floor int) int {
	ha, hb := &p.hot[i], &p.hot[j]
	var sn, sd int64
	for o := range scNumOrd {
		x := int(ha.lv[o])*6 + int(hb.lv[o])
		if x < 36 { // always: answers are 0..5; this lets the compiler drop the bounds checks
			sn += p.ordNum[o][x]
			sd += p.ordDen[o][x]
		}
	}
	if scBelow(sn, sd, p.wRest[0], floor) {
		return -1
	}
	a, b, w := &p.v[i].t, &p.v[j].t, &p.w
	scAdd(&sn, &sd, w[scMoveIn], scMoveInFit(a.from, a.to, b.from, b.to, a.window, b.window))
	scAdd(&sn, &sd, w[scBudget], scBudgetFit(a.budget, b.budget))
	lang, intr := p.sets(i, j)
	scAdd(&sn, &sd, w[scLanguages], lang)
	scAdd(&sn, &sd, w[scInterests], intr)
	if scBelow(sn, sd, p.wRest[1], floor) {
		return -1
	}
	s1 := p.directed(sn, sd, a, b, i, j)
	s2 := p.directed(sn, sd, b, a, j, i)
	return scHarmonic(s1, s2)
}

// scBelow reports whether a weighted mean num/den, completed with rest
// weight at 1000 and rounded half up, is below floor. It does not divide:
// ⌊x/d⌋ < f ⟺ x < f·d for d > 0.
func scBelow(num, den, rest int64, floor int) bool {
	d := den + rest
	return d > 0 && num+1000*rest+d/2 < int64(floor)*d
}

// directed adds a's directed factors for b to the symmetric sums.
func (p *scPool) directed(num, den int64, a, b *scTraits, i, j int) int {
	w := &p.w
	scAdd(&num, &den, w[scNoise], scNoiseFit(a.lv[scLvNoise], b.lv[scLvGuests], b.lv[scLvSociability]))
	scAdd(&num, &den, w[scSmoking], scAcceptFit(a.smokers, b.smoker))
	scAdd(&num, &den, w[scPets], scAcceptFit(a.pets, b.hasPets))
	scAdd(&num, &den, w[scAge], scAgeFit(a.ageMin, a.ageMax, b.age))
	scAdd(&num, &den, w[scGender], scGenderFit(a.wish, a.gender, b.gender))
	scAdd(&num, &den, w[scDistricts], p.districts(i, j))
	if den == 0 {
		return Baseline
	}
	return int((num + den/2) / den)
}

// scTopK keeps the k best (score, rank) keys seen, as a min-heap whose root
// is the worst kept.
type scTopK struct {
	k    int
	keys []int64
	idx  []int32
}

// offer keeps key (larger is better) for index j if it is among the k best.
func (h *scTopK) offer(key int64, j int) {
	if len(h.keys) < h.k {
		h.keys, h.idx = append(h.keys, key), append(h.idx, int32(j))
		for c := len(h.keys) - 1; c > 0; {
			par := (c - 1) / 2
			if h.keys[par] <= h.keys[c] {
				break
			}
			h.swap(c, par)
			c = par
		}
		return
	}
	if key <= h.keys[0] {
		return
	}
	h.keys[0], h.idx[0] = key, int32(j)
	h.down(0)
}

// down restores the heap below c.
func (h *scTopK) down(c int) {
	for {
		m, l, r := c, 2*c+1, 2*c+2
		if l < len(h.keys) && h.keys[l] < h.keys[m] {
			m = l
		}
		if r < len(h.keys) && h.keys[r] < h.keys[m] {
			m = r
		}
		if m == c {
			return
		}
		h.swap(c, m)
		c = m
	}
}

func (h *scTopK) swap(x, y int) {
	h.keys[x], h.keys[y] = h.keys[y], h.keys[x]
	h.idx[x], h.idx[y] = h.idx[y], h.idx[x]
}

// drain writes the kept entries to out, best first, and empties the heap.
func (h *scTopK) drain(out []Neighbour) []Neighbour {
	start := len(out)
	out = append(out, make([]Neighbour, len(h.keys))...)
	for t := len(h.keys) - 1; t >= 0; t-- {
		out[start+t] = Neighbour{Index: int(h.idx[0]), Score: int(h.keys[0] >> 32)}
		last := len(h.keys) - 1
		h.swap(0, last)
		h.keys, h.idx = h.keys[:last], h.idx[:last]
		h.down(0)
	}
	return out
}

// row ranks the candidates allowed with i among those in [0, limit), best
// first, keeping k, and appends them to out.
func (p *scPool) row(i, limit int, h *scTopK, out []Neighbour) []Neighbour {
	blk := p.block[i]
	b := 0
	for j := range limit {
		for b < len(blk) && int(blk[b]) < j {
			b++
		}
		if b < len(blk) && int(blk[b]) == j {
			continue
		}
		if !p.allowed(i, j) {
			continue
		}
		s := p.mutual(i, j, h.floor())
		if s < 0 {
			continue
		}
		h.offer(p.key(s, j), j)
	}
	return h.drain(out)
}

// Shortlist returns, for every candidate, the k others with the best mutual
// scores among those the hard pair constraints allow (CheckPair), best
// first. Equal scores are ordered by person ID, then by position in cands,
// so the result does not depend on scheduling or on how cands is ordered
// (beyond the indices).
//
// Each row keeps its k best in a bounded heap, so memory is O(N·k). Pairs
// are scored once, for both rows, in tiles of scTile×scTile candidates run
// by GOMAXPROCS workers; the tiles of one round share no row, so no heap is
// touched by two workers at once. A pair is skipped when its score's upper
// bound cannot enter either row's heap. Heap keys are unique (score, then
// ID rank), so every row ends with the same k whatever the order of offers.
func Shortlist(cands []Candidate, k int, w Weights) [][]Neighbour {
	n := len(cands)
	out := make([][]Neighbour, n)
	k = min(k, n-1)
	if k <= 0 {
		return out
	}
	p := scNewPool(cands, w)
	heaps := make([]scTopK, n)
	keys, idx := make([]int64, n*k), make([]int32, n*k)
	for i := range heaps {
		heaps[i] = scTopK{k: k, keys: keys[i*k : i*k : (i+1)*k], idx: idx[i*k : i*k : (i+1)*k]}
	}
	nb := (n + scTile - 1) / scTile
	for r := range scRounds(nb) {
		tiles := scRoundTiles(nb, r)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), len(tiles)) {
			wg.Go(func() {
				for t := int(next.Add(1)) - 1; t < len(tiles); t = int(next.Add(1)) - 1 {
					p.tile(tiles[t][0], tiles[t][1], heaps)
				}
			})
		}
		wg.Wait()
	}
	flat := make([]Neighbour, 0, n*k)
	for i := range heaps {
		out[i] = heaps[i].drain(flat[i*k : i*k : (i+1)*k])
	}
	return out
}

// scTile is the number of candidates per side of a shortlist tile.
const scTile = 128

// scRounds is the number of rounds of tiles for nb blocks: a round-robin
// tournament between the blocks (nb−1 rounds, or nb when nb is odd), then
// one round of the blocks against themselves.
func scRounds(nb int) int {
	return nb + nb%2 // m−1 tournament rounds with m = nb rounded up to even, plus one
}

// scRoundTiles returns the tiles (pairs of blocks) of round r. Within a
// round no block appears twice. Rounds before the last pair the blocks by
// the circle method (block m−1 fixed, the others rotating; with nb odd,
// block nb is a bye); the last round has each block against itself.
func scRoundTiles(nb, r int) [][2]int {
	m := nb + nb%2
	var tiles [][2]int
	if r == m-1 {
		for b := range nb {
			tiles = append(tiles, [2]int{b, b})
		}
		return tiles
	}
	add := func(x, y int) {
		if x < nb && y < nb {
			tiles = append(tiles, [2]int{min(x, y), max(x, y)})
		}
	}
	add(r, m-1)
	for d := 1; d < m/2; d++ {
		add((r+d)%(m-1), (r-d+m-1)%(m-1))
	}
	return tiles
}

// floor returns the lowest score that can still enter h (0 until it is full).
func (h *scTopK) floor() int {
	if len(h.keys) < h.k {
		return 0
	}
	return int(h.keys[0] >> 32)
}

// key is the heap key of candidate j with score s: larger is better.
func (p *scPool) key(s, j int) int64 { return int64(s)<<32 | int64(p.n-1-int(p.rank[j])) }

// blocked reports whether i and j are in each other's block lists.
func (p *scPool) blocked(i, j int) bool {
	if len(p.block[i]) == 0 {
		return false
	}
	_, found := slices.BinarySearch(p.block[i], int32(j))
	return found
}

// tile scores the pairs between blocks bi ≤ bj (each pair once; within a
// block, i < j) and offers each score to both rows' heaps.
func (p *scPool) tile(bi, bj int, heaps []scTopK) {
	i1, j1 := min((bi+1)*scTile, p.n), min((bj+1)*scTile, p.n)
	for i := bi * scTile; i < i1; i++ {
		hi := &heaps[i]
		j0 := bj * scTile
		if bi == bj {
			j0 = i + 1
		}
		for j := j0; j < j1; j++ {
			if !p.allowed(i, j) || p.blocked(i, j) {
				continue
			}
			hj := &heaps[j]
			s := p.mutual(i, j, min(hi.floor(), hj.floor()))
			if s < 0 {
				continue
			}
			hi.offer(p.key(s, j), j)
			hj.offer(p.key(s, i), i)
		}
	}
}

// Alternatives returns the k people in others with the best mutual scores
// with target, among those the hard pair constraints allow, best first
// (ties as in Shortlist). Indices are into others.
func Alternatives(target Candidate, others []Candidate, k int, w Weights) []Neighbour {
	n := len(others)
	k = min(k, n)
	if k <= 0 {
		return nil
	}
	all := append(slices.Clip(others), target)
	p := scNewPool(all, w)
	h := &scTopK{k: k}
	return p.row(n, n, h, make([]Neighbour, 0, k))
}

// PairScores returns the mutual score of every pair of cands, or Removed
// for pairs the hard constraints remove (and on the diagonal), as a
// symmetric N×N matrix for a round's solvers. It takes O(N²) memory: use it
// for district-sized pools and Shortlist for large ones.
func PairScores(cands []Candidate, w Weights) [][]int {
	n := len(cands)
	p := scNewPool(cands, w)
	m := make([][]int, n)
	flat := make([]int, n*n)
	for i := range m {
		m[i] = flat[i*n : (i+1)*n]
		m[i][i] = Removed
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			s := Removed
			if p.allowed(i, j) && !p.blocked(i, j) {
				s = p.mutual(i, j, 0)
			}
			m[i][j], m[j][i] = s, s
		}
	}
	return m
}

// HomeScores returns each candidate's fit to each home (HomeFit), or
// Removed where CheckHome removes the option, as an N×M matrix.
func HomeScores(cands []Candidate, homes []housing.Home, w Weights) [][]int {
	cw := scCompile(w)
	m := make([][]int, len(cands))
	for i := range cands {
		m[i] = make([]int, len(homes))
		for j := range homes {
			m[i][j] = Removed
			if ok, _ := CheckHome(cands[i], homes[j]); ok {
				m[i][j] = scHomeFit(&cands[i], &homes[j], &cw)
			}
		}
	}
	return m
}

// RankHomes returns the k homes that fit a best among those CheckHome
// allows, best first; equal fits are ordered by home ID, then position.
// Indices are into homes.
func RankHomes(a Candidate, homes []housing.Home, k int, w Weights) []Neighbour {
	cw := scCompile(w)
	var out []Neighbour
	for j := range homes {
		if ok, _ := CheckHome(a, homes[j]); ok {
			out = append(out, Neighbour{Index: j, Score: scHomeFit(&a, &homes[j], &cw)})
		}
	}
	slices.SortStableFunc(out, func(x, y Neighbour) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(homes[x.Index].ID, homes[y.Index].ID))
	})
	return out[:min(k, len(out))]
}
