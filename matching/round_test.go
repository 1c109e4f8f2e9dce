package matching_test

import (
	"slices"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/dataset"
	"github.com/convivo/convivo/matching"
	"github.com/google/go-cmp/cmp"
)

// roundInput builds a round over a seeded synthetic district set: the
// people waiting are active beneficiaries and co-residents with a profile;
// hosts are residents of their IESA homes.
func roundInput(t testing.TB, people, homes int, seed uint64) matching.RoundInput {
	t.Helper()
	d := dataset.Generate(dataset.SeedParams{People: people, Homes: homes, Seed: seed})
	at := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	in := matching.RoundInput{Homes: d.Homes, Weights: matching.DefaultWeights(), Seed: seed}
	for _, rec := range d.People {
		if rec.Profile == nil {
			continue
		}
		c := matching.NewCandidate(rec.Person, *rec.Profile, rec.Care, at)
		switch rec.Person.Role {
		case housing.RoleHost:
			in.Residents = append(in.Residents, c)
		case housing.RoleBeneficiary, housing.RoleCoResident:
			if rec.Person.Status == housing.StatusActive {
				in.People = append(in.People, c)
			}
		}
	}
	return in
}

func TestRoundKeepsEveryRule(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		in := roundInput(t, 120, 40, seed)
		res, err := matching.Round(in)
		if err != nil {
			t.Fatalf("Round(seed %d) = %v", seed, err)
		}
		if len(res.Proposals) == 0 {
			t.Fatalf("Round(seed %d) proposed nothing", seed)
		}
		byID := map[string]matching.Candidate{}
		for _, c := range append(slices.Clone(in.People), in.Residents...) {
			byID[c.ID()] = c
		}
		homes := map[string]housing.Home{}
		for _, h := range in.Homes {
			homes[h.ID] = h
		}
		seen := map[string]bool{}
		solvers := map[string]int{}
		for _, p := range res.Proposals {
			solvers[p.Solver]++
			h := homes[p.HomeID]
			if len(p.Members) > h.Free() {
				t.Errorf("seed %d: %d members for %s with %d free places", seed, len(p.Members), h.ID, h.Free())
			}
			var members []matching.Candidate
			for _, id := range p.Members {
				if seen[id] {
					t.Errorf("seed %d: %s proposed twice", seed, id)
				}
				seen[id] = true
				members = append(members, byID[id])
			}
			if ok, why := matching.CheckHousehold(h, members); !ok {
				t.Errorf("seed %d: household for %s breaks %v", seed, h.ID, why)
			}
			for i, a := range members {
				for _, b := range members[i+1:] {
					if ok, why := matching.CheckPair(a, b); !ok {
						t.Errorf("seed %d: %s with %s breaks %v", seed, a.ID(), b.ID(), why)
					}
					if s := matching.Score(a, b, in.Weights); s < matching.DefaultFloor {
						t.Errorf("seed %d: %s with %s scores %d, below the floor", seed, a.ID(), b.ID(), s)
					}
				}
				if h.HostID != "" {
					if ok, _ := matching.CheckPair(a, byID[h.HostID]); !ok {
						t.Errorf("seed %d: guest %s not allowed with host %s", seed, a.ID(), h.HostID)
					}
				}
			}
			sum := 0
			for _, f := range p.Explanation.Factors {
				sum += f.Contribution
			}
			if sum != p.Explanation.Score {
				t.Errorf("seed %d: %s contributions sum to %d; score %d", seed, h.ID, sum, p.Explanation.Score)
			}
		}
		for _, u := range res.Unplaced {
			if seen[u.PersonID] {
				t.Errorf("seed %d: %s both placed and unplaced", seed, u.PersonID)
			}
		}
		if got := len(seen) + len(res.Unplaced); got != len(in.People) {
			t.Errorf("seed %d: %d placed + unplaced; want %d people", seed, got, len(in.People))
		}
		t.Logf("seed %d: %d proposals %v, %d placed, %d unplaced", seed, len(res.Proposals), solvers, len(seen), len(res.Unplaced))
	}
}

func TestRoundDeterministic(t *testing.T) {
	a, err := matching.Round(roundInput(t, 80, 30, 5))
	if err != nil {
		t.Fatal(err)
	}
	b, err := matching.Round(roundInput(t, 80, 30, 5))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two rounds on the same input differ (-first +second):\n%s", diff)
	}
}

func TestRoundRejectedPairNeverProposed(t *testing.T) {
	in := roundInput(t, 80, 30, 9)
	res, err := matching.Round(in)
	if err != nil {
		t.Fatal(err)
	}
	var pair []string
	for _, p := range res.Proposals {
		if len(p.Members) >= 2 {
			pair = p.Members[:2]
			break
		}
	}
	if pair == nil {
		t.Fatal("no proposal with two members to reject")
	}
	for i, c := range in.People {
		if c.ID() == pair[0] {
			in.People[i] = c.WithRejected(pair[1])
		}
	}
	again, err := matching.Round(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range again.Proposals {
		if slices.Contains(p.Members, pair[0]) && slices.Contains(p.Members, pair[1]) {
			t.Errorf("rejected pair %v proposed again for %s", pair, p.HomeID)
		}
	}
}
