package warning_test

import (
	"fmt"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// benchPlacements is how many placements BenchmarkScan scores.
const benchPlacements = 10000

// loadMany stores n active placements of two residents each, with the
// check-ins of the last two weeks and two chores; one in ten is unhappy
// (moods of 2: a watch alert the first night). It returns the night to
// scan.
func loadMany(b *testing.B, s housing.Store, n int) time.Time {
	b.Helper()
	loc := rome(b)
	start := time.Date(2026, 8, 3, 0, 0, 0, 0, loc)
	now := start.AddDate(0, 0, 8*7).Add(3 * time.Hour) // a Monday night, eight weeks in
	for _, p := range []housing.Person{
		person(mediator, housing.RoleMediator, housing.DistrictBologna, housing.StatusActive),
		person(admin, housing.RoleAdmin, housing.DistrictBologna, housing.StatusActive),
	} {
		if err := s.CreatePerson(b.Context(), &p); err != nil {
			b.Fatal(err)
		}
	}
	var g errgroup.Group
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error { return loadOne(b, s, i, start, now) })
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	return now
}

// loadOne stores placement number i.
func loadOne(b *testing.B, s housing.Store, i int, start, now time.Time) error {
	ctx := b.Context()
	ids := []string{fmt.Sprintf("b%05da", i), fmt.Sprintf("b%05db", i)}
	for _, id := range ids {
		p := person(id, housing.RoleBeneficiary, housing.DistrictBologna, housing.StatusActive)
		if err := s.CreatePerson(ctx, &p); err != nil {
			return err
		}
	}
	home := housing.Home{ID: fmt.Sprintf("h%05d", i), Kind: housing.KindFlat, District: housing.DistrictBologna,
		Address: "Via Test", Rooms: 2, Capacity: 2, SingleRooms: 2, Available: true, CreatedAt: start, UpdatedAt: start}
	pr := housing.Proposal{ID: fmt.Sprintf("pr%05d", i), District: housing.DistrictBologna, Kind: housing.KindFlat,
		HomeID: home.ID, Members: ids, Score: 700, Status: housing.ProposalPending, CreatedAt: start}
	if err := s.CreateHome(ctx, &home); err != nil {
		return err
	}
	if err := s.CreateProposal(ctx, &pr); err != nil {
		return err
	}
	pl, err := s.ApproveProposal(ctx, pr.ID, mediator, start.AddDate(0, 0, -7))
	if err != nil {
		return err
	}
	pl.Status, pl.Start, pl.ReviewDate, pl.ExitGoal = housing.PlacementActive, start, start.AddDate(0, 6, 0), "own flat"
	if err := s.UpdatePlacement(ctx, &pl); err != nil {
		return err
	}
	unhappy := i%10 == 0
	for _, id := range ids {
		for w := range 2 {
			sunday := now.AddDate(0, 0, -1-7*w).Add(16 * time.Hour)
			c := housing.CheckIn{PersonID: id, PlacementID: pl.ID, Week: housing.ISOWeek(sunday, time.UTC), Mood: 4, Answered: true, At: sunday}
			if unhappy {
				c.Mood = 2
			}
			if err := s.PutCheckIn(ctx, &c); err != nil {
				return err
			}
		}
	}
	for k, id := range ids {
		due := now.AddDate(0, 0, -3-2*k).Truncate(24 * time.Hour)
		a := housing.Assignment{ID: housing.AssignmentID("t"+home.ID, due), HomeID: home.ID, TaskID: "t" + home.ID, Effort: 2,
			Due: due, AssignedTo: id, PersonID: id, Status: housing.AssignmentDone, DoneBy: id, DoneAt: due.Add(18 * time.Hour)}
		if unhappy {
			a.Status, a.DoneBy, a.DoneAt = housing.AssignmentMissed, "", time.Time{}
		}
		if err := s.PutAssignment(ctx, &a); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkScan measures one nightly scan of 10,000 placements on each
// real store; ns/op is the whole scan. The data are built once per store.
// "first-night" is the night the thousand unhappy placements alert (with
// -benchtime=1x; later iterations scan the same night again). "rescan"
// scans that night again, as a catch-up or a second replica does: every
// placement read, scored and its score stored, no alert raised, with 4
// and 16 placements scored at once.
func BenchmarkScan(b *testing.B) {
	for _, rs := range realStores() {
		b.Run(rs.name, func(b *testing.B) {
			s := rs.open(b)
			now := loadMany(b, s, benchPlacements)
			scan := func(name string, workers int) {
				b.Run(name, func(b *testing.B) {
					svc := newService(b, s, newOutbox(), warning.Config{Workers: workers})
					alerts := 0
					for b.Loop() {
						rep, err := svc.Scan(b.Context(), now)
						if err != nil || rep.Placements != benchPlacements {
							b.Fatalf("Scan = %+v, %v; want %d placements", rep, err, benchPlacements)
						}
						alerts += rep.Alerts
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchPlacements), "ns/placement")
					b.ReportMetric(float64(alerts)/float64(b.N), "alerts/op")
				})
			}
			scan("first-night", 0)
			scan("rescan/workers=4", 4)
			scan("rescan/workers=16", 16)
		})
	}
}
