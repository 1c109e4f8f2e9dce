package matching

import (
	"math/rand/v2"
	"testing"
)

// The benchmarks use seeded random pools (scRandCandidates): about a third
// of the people in the programme, every answer sometimes missing, some
// exclusions and rejections. Run them with a small -benchtime on a shared
// machine, e.g.
//
//	go test -run '^$' -bench 'PairScore|Explain' -benchtime=20000x ./matching
//	go test -run '^$' -bench 'Shortlist|Alternatives' -benchtime=3x ./matching

func BenchmarkPairScore(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 64)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Score(cs[i%64], cs[(i+1)%64], nil)
		i++
	}
}

// BenchmarkPoolPairScore measures the shortlist's inner pair score on
// precomputed vectors, without pruning.
func BenchmarkPoolPairScore(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 1024)
	p := scNewPool(cs, nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p.mutual(i&1023, (i*7+1)&1023, 0)
		i++
	}
}

func BenchmarkExplain(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 64)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Explain(cs[i%64], cs[(i+1)%64], nil)
		i++
	}
}

func BenchmarkExplainHome(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	cs, homes := scRandCandidates(r, 64), scRandHomes(r, 16)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ExplainHome(cs[i%64], homes[i%16], nil)
		i++
	}
}

func benchmarkShortlist(b *testing.B, n int) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), n)
	b.ReportAllocs()
	for b.Loop() {
		Shortlist(cs, 20, nil)
	}
}

func BenchmarkShortlist1000(b *testing.B)  { benchmarkShortlist(b, 1000) }
func BenchmarkShortlist10000(b *testing.B) { benchmarkShortlist(b, 10000) }

// BenchmarkAlternatives10000 is the "alternatives" button: one person
// against 10,000.
func BenchmarkAlternatives10000(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 10000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Alternatives(cs[i%len(cs)], cs, 20, nil)
		i++
	}
}
