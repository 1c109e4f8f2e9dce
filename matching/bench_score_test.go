package matching

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkPairScore(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 64)
	i := 0
	for b.Loop() {
		Score(cs[i%64], cs[(i+1)%64], nil)
		i++
	}
}

// BenchmarkPoolMutual measures the shortlist's inner pair score.
func BenchmarkPoolMutual(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 1024)
	p := scNewPool(cs, nil)
	i := 0
	for b.Loop() {
		p.mutual(i&1023, (i*7+1)&1023, 0)
		i++
	}
}

func BenchmarkExplain(b *testing.B) {
	cs := scRandCandidates(rand.New(rand.NewPCG(1, 2)), 64)
	i := 0
	for b.Loop() {
		Explain(cs[i%64], cs[(i+1)%64], nil)
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
