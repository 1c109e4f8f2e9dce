package rounds_test

import (
	"path/filepath"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

// BenchmarkAlternatives measures a mediator's Alternatives press on a
// district of 120 waiting people and 40 flats: reading the stored options,
// checking which are still free, and auditing the read.
func BenchmarkAlternatives(b *testing.B) {
	st, err := boltstore.Open(filepath.Join(b.TempDir(), "b.db"), boltstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := b.Context()
	var bld housingtest.Builder
	for i := range 120 {
		p := bld.Person()
		if err := st.CreatePerson(ctx, p); err != nil {
			b.Fatal(err)
		}
		prof := bld.Profile(p.ID, func(pr *housing.Profile) {
			pr.Tidiness, pr.SleepRhythm, pr.Sociability = housing.Level(1+i%5), housing.Level(1+i/5%5), housing.Level(1+i/25%5)
		})
		if err := st.PutProfile(ctx, prof); err != nil {
			b.Fatal(err)
		}
	}
	for range 40 {
		if err := st.CreateHome(ctx, bld.Home()); err != nil {
			b.Fatal(err)
		}
	}
	r := rounds.New(st, matching.WeightsConfig{}, housingtest.Epoch)
	res, err := r.Run(ctx, rounds.Options{District: housing.DistrictBologna})
	if err != nil || len(res.Proposals) == 0 {
		b.Fatalf("Run = %d proposals, %v", len(res.Proposals), err)
	}
	med := rounds.Actor{ID: "p_med", Role: housing.RoleMediator}
	for b.Loop() {
		if _, err := r.Alternatives(ctx, res.Proposals[0].ID, med); err != nil {
			b.Fatal(err)
		}
	}
}
