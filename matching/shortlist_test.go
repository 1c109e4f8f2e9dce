package matching

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

// scBruteTopK ranks others for target by brute force: CheckPair, then Score,
// best first, ties by ID then index.
func scBruteTopK(target Candidate, others []Candidate, skip, k int, w Weights) []Neighbour {
	var out []Neighbour
	for j := range others {
		if j == skip {
			continue
		}
		if ok, _ := CheckPair(target, others[j]); ok {
			out = append(out, Neighbour{Index: j, Score: Score(target, others[j], w)})
		}
	}
	slices.SortFunc(out, func(x, y Neighbour) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(others[x.Index].ID(), others[y.Index].ID()),
			cmp.Compare(x.Index, y.Index))
	})
	return out[:min(k, len(out))]
}

// scShuffledIDs gives candidates ids out of index order, so that the
// tie-break by ID differs from the order of the slice.
func scShuffledIDs(r *rand.Rand, cs []Candidate) {
	perm := r.Perm(len(cs))
	for i := range cs {
		cs[i].person.ID = fmt.Sprintf("q%04d", perm[i])
	}
}

func TestShortlistMatchesBruteForce(t *testing.T) {
	coarse := Weights{FactorTidiness: 1, FactorSmoking: 1} // few distinct scores: many ties
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 99))
		n := 20 + r.IntN(60)
		cs := scRandCandidates(r, n)
		if seed%2 == 1 {
			scShuffledIDs(r, cs)
		}
		w := scRandWeights(r)
		if seed%3 == 0 {
			w = coarse
		}
		k := 1 + r.IntN(12)
		got := Shortlist(cs, k, w)
		for i := range cs {
			want := scBruteTopK(cs[i], cs, i, k, w)
			if diff := gocmp.Diff(want, got[i], gocmp.Comparer(func(a, b []Neighbour) bool {
				return slices.Equal(a, b)
			})); diff != "" {
				t.Fatalf("seed %d: Shortlist(n=%d, k=%d)[%d] (-brute +got):\n%s", seed, n, k, i, diff)
			}
		}
	}
}

// TestShortlistWideDictionaries covers pools with more than 64 languages,
// interests and districts, which take the arena path.
func TestShortlistWideDictionaries(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	cs := scRandCandidates(r, 80)
	for i := range cs {
		p := cs[i].profile
		p.Languages = append(slices.Clone(p.Languages), fmt.Sprintf("l%d", r.IntN(100)))
		p.Interests = append(slices.Clone(p.Interests), fmt.Sprintf("i%d", r.IntN(100)), fmt.Sprintf("i%d", r.IntN(100)))
		p.Districts = append(slices.Clone(p.Districts), fmt.Sprintf("d%d", r.IntN(90)))
		person := cs[i].person
		person.District = fmt.Sprintf("d%d", r.IntN(90))
		cs[i] = NewCandidate(person, p, cs[i].care, scTestNow).WithRejected(cs[i].rejected...)
	}
	if p := scNewPool(cs, nil); p.wide == nil {
		t.Fatalf("scNewPool: want the wide path for %d-value dictionaries", 100)
	}
	got := Shortlist(cs, 7, nil)
	for i := range cs {
		if want := scBruteTopK(cs[i], cs, i, 7, nil); !slices.Equal(want, got[i]) {
			t.Fatalf("Shortlist(wide)[%d] = %v; want %v", i, got[i], want)
		}
	}
}

// TestShortlistOrderIndependent: permuting the input permutes the output
// and nothing else.
func TestShortlistOrderIndependent(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	cs := scRandCandidates(r, 300)
	w := Weights{FactorTidiness: 1, FactorSleep: 1}
	ids := func(cs []Candidate, sl [][]Neighbour) map[string][]string {
		m := map[string][]string{}
		for i, row := range sl {
			for _, nb := range row {
				m[cs[i].ID()] = append(m[cs[i].ID()], fmt.Sprint(cs[nb.Index].ID(), ":", nb.Score))
			}
		}
		return m
	}
	want := ids(cs, Shortlist(cs, 10, w))
	shuffled := slices.Clone(cs)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if diff := gocmp.Diff(want, ids(shuffled, Shortlist(shuffled, 10, w))); diff != "" {
		t.Errorf("Shortlist(shuffled) by id (-original +shuffled):\n%s", diff)
	}
	if diff := gocmp.Diff(want, ids(cs, Shortlist(cs, 10, w))); diff != "" {
		t.Errorf("Shortlist run twice differs (-first +second):\n%s", diff)
	}
}

func TestShortlistEdges(t *testing.T) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 1)), 3)
	tests := []struct {
		name    string
		cands   []Candidate
		k       int
		wantLen int // of the first row
	}{
		{"k = 0", cs, 0, 0},
		{"k negative", cs, -3, 0},
		{"k above n-1", []Candidate{scCoRes("a", nil), scCoRes("b", nil)}, 5, 1},
		{"one candidate", cs[:1], 3, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Shortlist(tt.cands, tt.k, nil)
			if len(got) != len(tt.cands) || len(got[0]) != tt.wantLen {
				t.Errorf("Shortlist(n=%d, k=%d) = %v; want %d rows, first of %d", len(tt.cands), tt.k, got,
					len(tt.cands), tt.wantLen)
			}
		})
	}
	if got := Shortlist(nil, 3, nil); len(got) != 0 {
		t.Errorf("Shortlist(nil) = %v; want empty", got)
	}
}

func TestAlternatives(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	cs := scRandCandidates(r, 120)
	for _, i := range []int{0, 17, 63} {
		target := cs[i]
		got := Alternatives(target, cs, 8, nil) // target itself is among others: removed as the same person
		want := scBruteTopK(target, cs, -1, 8, nil)
		if !slices.Equal(got, want) {
			t.Errorf("Alternatives(%s) = %v; want %v", target.ID(), got, want)
		}
	}
	if got := Alternatives(cs[0], nil, 5, nil); got != nil {
		t.Errorf("Alternatives(no others) = %v; want nil", got)
	}
}

func TestPairScoresMatchScore(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	cs := scRandCandidates(r, 60)
	w := scRandWeights(r)
	m := PairScores(cs, w)
	for i := range cs {
		for j := range cs {
			want := Removed
			if ok, _ := CheckPair(cs[i], cs[j]); ok && i != j {
				want = Score(cs[i], cs[j], w)
			}
			if m[i][j] != want {
				t.Fatalf("PairScores[%d][%d] = %d; want %d", i, j, m[i][j], want)
			}
		}
	}
}

func TestRankHomes(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	cs := scRandCandidates(r, 10)
	homes := scRandHomes(r, 30)
	homes[4] = homes[3] // equal fits: ordered by ID
	homes[3].ID, homes[4].ID = "same-b", "same-a"
	for _, a := range cs {
		got := RankHomes(a, homes, 5, nil)
		var want []Neighbour
		for j, h := range homes {
			if ok, _ := CheckHome(a, h); ok {
				want = append(want, Neighbour{Index: j, Score: HomeFit(a, h, nil)})
			}
		}
		slices.SortFunc(want, func(x, y Neighbour) int {
			return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(homes[x.Index].ID, homes[y.Index].ID))
		})
		want = want[:min(5, len(want))]
		if !slices.Equal(got, want) {
			t.Errorf("RankHomes(%s) = %v; want %v", a.ID(), got, want)
		}
	}
	m := HomeScores(cs, homes, nil)
	for i := range cs {
		for j := range homes {
			if ok, _ := CheckHome(cs[i], homes[j]); ok != (m[i][j] != Removed) {
				t.Errorf("HomeScores[%d][%d] = %d; want removed = %v", i, j, m[i][j], !ok)
			}
		}
	}
}

// TestShortlistManyTiles covers pools of several tiles (an odd and an even
// number of blocks) against brute force.
func TestShortlistManyTiles(t *testing.T) {
	for _, n := range []int{3*scTile - 7, 4*scTile + 1} {
		r := rand.New(rand.NewPCG(uint64(n), 71))
		cs := scRandCandidates(r, n)
		scShuffledIDs(r, cs)
		w := Weights{FactorTidiness: 1, FactorSleep: 1, FactorInterests: 1} // coarse: ties
		got := Shortlist(cs, 6, w)
		for i := range cs {
			if want := scBruteTopK(cs[i], cs, i, 6, w); !slices.Equal(want, got[i]) {
				t.Fatalf("Shortlist(n=%d)[%d] = %v; want %v", n, i, got[i], want)
			}
		}
	}
}

// TestRoundTiles checks the tile schedule: every pair of blocks (and every
// block with itself) exactly once, and no block twice in one round.
func TestRoundTiles(t *testing.T) {
	for nb := 1; nb <= 13; nb++ {
		seen := map[[2]int]int{}
		for r := range scRounds(nb) {
			inRound := map[int]bool{}
			for _, tl := range scRoundTiles(nb, r) {
				seen[tl]++
				for _, b := range []int{tl[0], tl[1]} {
					if inRound[b] && tl[0] != tl[1] {
						t.Errorf("nb=%d round %d: block %d twice", nb, r, b)
					}
					inRound[b] = true
				}
			}
		}
		for x := range nb {
			for y := x; y < nb; y++ {
				if seen[[2]int{x, y}] != 1 {
					t.Errorf("nb=%d: tile %d,%d scheduled %d times; want once", nb, x, y, seen[[2]int{x, y}])
				}
			}
		}
		if len(seen) != nb*(nb+1)/2 {
			t.Errorf("nb=%d: %d tiles; want %d", nb, len(seen), nb*(nb+1)/2)
		}
	}
}

// TestConcurrentUse runs the engine on shared candidates from several
// goroutines; with -race it catches any write to shared state.
func TestConcurrentUse(t *testing.T) {
	cs := scRandCandidates(rand.New(rand.NewPCG(81, 82)), 150)
	want := Shortlist(cs, 5, nil)
	done := make(chan [][]Neighbour)
	for g := range 3 {
		go func() {
			Explain(cs[g], cs[g+1], nil)
			Alternatives(cs[g], cs, 3, nil)
			done <- Shortlist(cs, 5, nil)
		}()
	}
	for range 3 {
		if got := <-done; !gocmp.Equal(want, got) {
			t.Errorf("Shortlist in a goroutine differs from the first run")
		}
	}
}
