package redisstore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

func BenchmarkCreatePerson(b *testing.B) {
	s := openStore(b)
	var bld housingtest.Builder
	for b.Loop() {
		if err := s.CreatePerson(b.Context(), bld.Person()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApproveProposal approves two-person proposals, each for its own
// home; creating the records is not timed.
func BenchmarkApproveProposal(b *testing.B) {
	s := openStore(b)
	ctx := b.Context()
	var bld housingtest.Builder
	for b.Loop() {
		b.StopTimer()
		p1, p2, h := bld.Person(), bld.Person(), bld.Home()
		mustDo(b, "CreatePerson", s.CreatePerson(ctx, p1))
		mustDo(b, "CreatePerson", s.CreatePerson(ctx, p2))
		mustDo(b, "CreateHome", s.CreateHome(ctx, h))
		pr := bld.Proposal(h, []string{p1.ID, p2.ID})
		mustDo(b, "CreateProposal", s.CreateProposal(ctx, pr))
		b.StartTimer()
		if _, err := s.ApproveProposal(ctx, pr.ID, "p-med", housingtest.Epoch()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListPeople lists one district's 100 people out of 1000.
func BenchmarkListPeople(b *testing.B) {
	s := openStore(b)
	ctx := b.Context()
	var bld housingtest.Builder
	for i := range 1000 {
		p := bld.Person(func(p *housing.Person) { p.District = fmt.Sprintf("d%d", i%10) })
		mustDo(b, "CreatePerson", s.CreatePerson(ctx, p))
	}
	for b.Loop() {
		ps, err := s.ListPeople(ctx, housing.PersonFilter{District: "d3"})
		if err != nil || len(ps) != 100 {
			b.Fatalf("ListPeople = %d, %v; want 100 people", len(ps), err)
		}
	}
}

func BenchmarkAppendAudit(b *testing.B) {
	s := openStore(b)
	for b.Loop() {
		e := &housing.AuditEntry{Actor: "p-sw", Action: "care.read", Subject: "p-1", At: housingtest.Epoch()}
		if err := s.AppendAudit(b.Context(), e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAssignments lists one home's assignments among three homes with
// 300 each (one a day): all of them, and a week's window of the home's
// sorted set.
func BenchmarkAssignments(b *testing.B) {
	s := openStore(b)
	ctx := b.Context()
	day := housingtest.Epoch().Truncate(24 * time.Hour)
	for h := range 3 {
		for i := range 300 {
			a := &housing.Assignment{HomeID: fmt.Sprintf("h%d", h), TaskID: "t1", Effort: 1, Due: day.AddDate(0, 0, i),
				AssignedTo: "p1", PersonID: "p1", Status: housing.AssignmentAssigned}
			mustDo(b, "PutAssignment", s.PutAssignment(ctx, a))
		}
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
				as, err := s.Assignments(ctx, tc.f)
				if err != nil || len(as) != tc.want {
					b.Fatalf("Assignments(%s) = %d, %v; want %d", tc.name, len(as), err, tc.want)
				}
			}
		})
	}
}
