package boltstore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// benchStore opens a store in a temporary directory for a benchmark.
func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkCreatePerson measures one committed (fsynced) person write with
// its three index entries.
func BenchmarkCreatePerson(b *testing.B) {
	s := benchStore(b)
	var builder housingtest.Builder
	ctx := b.Context()
	for b.Loop() {
		p := builder.Person(func(p *housing.Person) { p.ID = "" })
		if err := s.CreatePerson(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPeople lists among 10,000 people spread over the six
// districts: by district (the person.district index, about 1,667 hits),
// and by status only (no index: a scan of the whole bucket).
func BenchmarkListPeople(b *testing.B) {
	s := benchStore(b)
	districts := housing.DefaultDistricts()
	var builder housingtest.Builder
	err := s.db.Update(func(tx *bolt.Tx) error {
		for i := range 10000 {
			p := builder.Person(func(p *housing.Person) { p.District = districts[i%len(districts)] })
			if _, err := save(tx, people(), p, modeCreate); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    housing.PersonFilter
	}{
		{"district", housing.PersonFilter{District: housing.DistrictSavenaIdice}},
		{"district+role", housing.PersonFilter{District: housing.DistrictSavenaIdice, Role: housing.RoleMediator}},
		{"scan", housing.PersonFilter{Status: housing.StatusActive}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				ps, err := s.ListPeople(b.Context(), tc.f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(ps)
			}
			b.ReportMetric(float64(n), "people")
		})
	}
}

// BenchmarkApproveProposal measures the approval transaction: a proposal,
// its home, two members and their placements read, three records written.
func BenchmarkApproveProposal(b *testing.B) {
	s := benchStore(b)
	ctx := b.Context()
	var builder housingtest.Builder
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		h := builder.Home()
		m1, m2 := builder.Person(), builder.Person()
		for _, err := range []error{s.CreateHome(ctx, h), s.CreatePerson(ctx, m1), s.CreatePerson(ctx, m2)} {
			if err != nil {
				b.Fatal(err)
			}
		}
		p := builder.Proposal(h, []string{m1.ID, m2.ID})
		if err := s.CreateProposal(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.ApproveProposal(ctx, p.ID, "p-med", housingtest.Epoch()); err != nil {
			b.Fatalf("approval %d: %v", i, err)
		}
	}
}

// BenchmarkAssignments lists one home's assignments among three homes with
// 300 each (one a day): all of them, and a week's window of the
// assignment.home index.
func BenchmarkAssignments(b *testing.B) {
	s := benchStore(b)
	day := housingtest.Epoch().Truncate(24 * time.Hour)
	err := s.db.Update(func(tx *bolt.Tx) error {
		for h := range 3 {
			for i := range 300 {
				a := &housing.Assignment{HomeID: fmt.Sprintf("h%d", h), TaskID: "t1", Effort: 1, Due: day.AddDate(0, 0, i),
					AssignedTo: "p1", PersonID: "p1", Status: housing.AssignmentAssigned}
				a.ID = housing.AssignmentID(a.HomeID, a.Due)
				if _, err := save(tx, assignments(), a, modeCreate); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		f    housing.AssignmentFilter
		want int
	}{
		{"home", housing.AssignmentFilter{HomeID: "h1"}, 300},
		{"home-week", housing.AssignmentFilter{HomeID: "h1", From: day.AddDate(0, 0, 100), To: day.AddDate(0, 0, 107)}, 7},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				as, err := s.Assignments(b.Context(), tc.f)
				if err != nil || len(as) != tc.want {
					b.Fatalf("Assignments(%s) = %d, %v; want %d", tc.name, len(as), err, tc.want)
				}
			}
		})
	}
}
