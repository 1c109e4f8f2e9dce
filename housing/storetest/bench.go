package storetest

import (
	"context"
	"fmt"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// Populate writes n people, each with a profile, care fields and four
// weekly check-ins with a note: about a year of the programme (650 people
// followed in 2024), for the privacy benchmarks.
func Populate(ctx context.Context, s housing.Store, n int) error {
	var b housingtest.Builder
	at := housingtest.Epoch()
	for i := range n {
		p := b.Person()
		if err := s.CreatePerson(ctx, p); err != nil {
			return err
		}
		if err := s.PutProfile(ctx, b.Profile(p.ID)); err != nil {
			return err
		}
		if err := s.PutCareInfo(ctx, &housing.CareInfo{PersonID: p.ID, Notes: "notes"}); err != nil {
			return err
		}
		for w := range 4 {
			day := at.AddDate(0, 0, -7*w)
			c := &housing.CheckIn{PersonID: p.ID, PlacementID: fmt.Sprintf("pl%d", i/2), Week: housing.ISOWeek(day, time.UTC),
				Mood: 3, Note: "a note", Answered: true, At: day}
			if err := s.PutCheckIn(ctx, c); err != nil {
				return err
			}
		}
	}
	return nil
}

// EraseOne creates one person with a profile, care fields and a check-in,
// then erases them: one iteration of the erasure benchmarks.
func EraseOne(ctx context.Context, s housing.Store, i int) error {
	p := &housing.Person{ID: fmt.Sprintf("p_bench_%d", i), Role: housing.RoleBeneficiary, DisplayName: "Bench",
		District: housing.DistrictBologna, Language: housing.LangIT, Status: housing.StatusActive}
	if err := s.CreatePerson(ctx, p); err != nil {
		return err
	}
	var b housingtest.Builder
	if err := s.PutProfile(ctx, b.Profile(p.ID)); err != nil {
		return err
	}
	c := &housing.CheckIn{PersonID: p.ID, PlacementID: "pl0", Week: "2026-W48", Mood: 2, Note: "n", Answered: true, At: housingtest.Epoch()}
	if err := s.PutCheckIn(ctx, c); err != nil {
		return err
	}
	_, err := s.ErasePerson(ctx, p.ID, housing.ErasureOptions{})
	return err
}
