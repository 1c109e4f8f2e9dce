package rounds_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a store with a runner and builders.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	store housing.Store
	clock *clock
	r     *rounds.Runner
	b     housingtest.Builder
	med   rounds.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c := &clock{now: housingtest.Epoch()}
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "r.db"), boltstore.Options{Now: c.Now})
	if err != nil {
		t.Fatalf("boltstore.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, ctx: t.Context(), store: st, clock: c, r: rounds.New(st, matching.WeightsConfig{}, c.Now)}
	f.med = rounds.Actor{ID: f.person(housing.RoleMediator, false).ID, Role: housing.RoleMediator}
	return f
}

// person stores an active person of role in Bologna, with a profile when
// profiled.
func (f *fixture) person(role housing.Role, profiled bool, opts ...func(*housing.Person)) housing.Person {
	f.t.Helper()
	p := f.b.Person(append([]func(*housing.Person){func(p *housing.Person) { p.Role = role }}, opts...)...)
	if err := f.store.CreatePerson(f.ctx, p); err != nil {
		f.t.Fatalf("CreatePerson: %v", err)
	}
	if profiled {
		if err := f.store.PutProfile(f.ctx, f.b.Profile(p.ID)); err != nil {
			f.t.Fatalf("PutProfile: %v", err)
		}
	}
	return *p
}

// home stores a flat in Bologna for n people.
func (f *fixture) home(n int) housing.Home {
	f.t.Helper()
	h := f.b.Home(func(h *housing.Home) { h.Capacity, h.Rooms, h.SingleRooms = n, n, n })
	if err := f.store.CreateHome(f.ctx, h); err != nil {
		f.t.Fatalf("CreateHome: %v", err)
	}
	return *h
}

// proposal stores a pending proposal of members for h.
func (f *fixture) proposal(h housing.Home, members ...string) housing.Proposal {
	f.t.Helper()
	p := f.b.Proposal(&h, members)
	if err := f.store.CreateProposal(f.ctx, p); err != nil {
		f.t.Fatalf("CreateProposal: %v", err)
	}
	return *p
}

// run runs a round in Bologna and returns its proposals.
func (f *fixture) run() []housing.Proposal {
	f.t.Helper()
	res, err := f.r.Run(f.ctx, rounds.Options{District: housing.DistrictBologna, Actor: f.med.ID})
	if err != nil {
		f.t.Fatalf("Run: %v", err)
	}
	return res.Proposals
}

func together(ps []housing.Proposal, a, b string) bool {
	for _, p := range ps {
		if p.HasMember(a) && p.HasMember(b) {
			return true
		}
	}
	return false
}

func TestFormatReason(t *testing.T) {
	for _, tc := range []struct {
		code, note, want string
		ok               bool
	}{
		{rounds.ReasonHabits, "", "habits", true},
		{rounds.ReasonSupport, "  needs  more\nhelp ", "support: needs more help", true},
		{rounds.ReasonOther, "", "", false},
		{rounds.ReasonOther, "family", "other: family", true},
		{"bored", "", "", false},
	} {
		got, err := rounds.FormatReason(tc.code, tc.note)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("FormatReason(%q, %q) = %q, %v; want %q (ok %t)", tc.code, tc.note, got, err, tc.want, tc.ok)
		}
		if tc.ok {
			if code, note := rounds.ParseReason(got); code != tc.code || (note == "") != (tc.note == "") {
				t.Errorf("ParseReason(%q) = %q, %q; want code %q", got, code, note, tc.code)
			}
		}
	}
}

func TestRejectExcludesUntilCleared(t *testing.T) {
	f := newFixture(t)
	a, b := f.person(housing.RoleBeneficiary, true), f.person(housing.RoleBeneficiary, true)
	f.home(2)
	first := f.run()
	if len(first) != 1 || !together(first, a.ID, b.ID) {
		t.Fatalf("first round = %+v; want %s and %s together", first, a.ID, b.ID)
	}
	if _, err := f.r.Reject(f.ctx, first[0].ID, f.med, ""); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("Reject without a reason = %v; want ErrInvalid", err)
	}
	reason, _ := rounds.FormatReason(rounds.ReasonHabits, "different rhythms")
	got, err := f.r.Reject(f.ctx, first[0].ID, f.med, reason)
	if err != nil || got.Status != housing.ProposalRejected || got.Reason != reason {
		t.Fatalf("Reject = %+v, %v; want rejected with %q", got, err, reason)
	}
	if again := f.run(); len(again) != 0 {
		t.Errorf("round after the rejection = %+v; want no proposal", again)
	}
	if err := f.r.Clear(f.ctx, "pr_nope", f.med, ""); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("Clear(unknown) = %v; want ErrNotFound", err)
	}
	if err := f.r.Clear(f.ctx, first[0].ID, f.med, "they talked it over"); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if after := f.run(); !together(after, a.ID, b.ID) {
		t.Errorf("round after clearing = %+v; want them proposed again", after)
	}
}

func TestConcurrentDecisions(t *testing.T) {
	f := newFixture(t)
	other := rounds.Actor{ID: f.person(housing.RoleMediator, false).ID, Role: housing.RoleMediator}
	t.Run("same proposal", func(t *testing.T) {
		h := f.home(2)
		p := f.proposal(h, f.person(housing.RoleBeneficiary, false).ID, f.person(housing.RoleBeneficiary, false).ID)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, by := range []rounds.Actor{f.med, other} {
			wg.Go(func() {
				if i == 0 {
					_, errs[i] = f.r.Approve(f.ctx, p.ID, by)
				} else {
					_, errs[i] = f.r.Reject(f.ctx, p.ID, by, rounds.ReasonTiming)
				}
			})
		}
		wg.Wait()
		var se *housing.StateError
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.As(err, &se) || se.By == "":
				t.Errorf("losing decision = %v; want a StateError naming the winner", err)
			}
		}
		if won != 1 {
			t.Errorf("%d decisions won; want exactly 1 (errors %v)", won, errs)
		}
	})
	t.Run("last room", func(t *testing.T) {
		h := f.home(1)
		var props []housing.Proposal
		for range 4 {
			props = append(props, f.proposal(h, f.person(housing.RoleBeneficiary, false).ID))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := 0
		for i, p := range props {
			by := []rounds.Actor{f.med, other}[i%2]
			wg.Go(func() {
				_, err := f.r.Approve(f.ctx, p.ID, by)
				if err == nil {
					mu.Lock()
					won++
					mu.Unlock()
				} else if !errors.Is(err, housing.ErrConflict) {
					t.Errorf("Approve(%s) = %v; want nil or ErrConflict", p.ID, err)
				}
			})
		}
		wg.Wait()
		got, err := f.store.Home(f.ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if won != 1 || len(got.Occupants) != 1 {
			t.Errorf("%d approvals won, home has %d occupants; want 1 and 1", won, len(got.Occupants))
		}
	})
}

// approved returns an approved placement of two profiled people in a flat
// for two.
func (f *fixture) approved() (housing.Placement, housing.Home) {
	f.t.Helper()
	h := f.home(2)
	p := f.proposal(h, f.person(housing.RoleBeneficiary, true).ID, f.person(housing.RoleCoResident, true).ID)
	pl, err := f.r.Approve(f.ctx, p.ID, f.med)
	if err != nil {
		f.t.Fatalf("Approve: %v", err)
	}
	return pl, h
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	pl, h := f.approved()
	if _, err := f.r.Introduce(f.ctx, pl.ID, f.med); err != nil {
		t.Fatalf("Introduce: %v", err)
	}
	var se *housing.StateError
	if _, err := f.r.Introduce(f.ctx, pl.ID, f.med); !errors.As(err, &se) {
		t.Errorf("second Introduce = %v; want a StateError", err)
	}
	if _, err := f.r.ScheduleMeeting(f.ctx, pl.ID, f.clock.Now().Add(48*time.Hour), "Casa di quartiere", f.med); !errors.As(err, &se) {
		t.Errorf("ScheduleMeeting before every yes = %v; want a StateError", err)
	}
	a, b := pl.Residents[0], pl.Residents[1]
	if _, err := f.r.Answer(f.ctx, pl.ID, f.med.ID, true, f.med); !errors.Is(err, housing.ErrForbidden) {
		t.Errorf("Answer by someone not concerned = %v; want ErrForbidden", err)
	}
	st, err := f.r.Answer(f.ctx, pl.ID, a, true, rounds.Actor{ID: a})
	if err != nil || !st.Recorded || st.AllYes || st.Completed {
		t.Fatalf("first yes = %+v, %v; want recorded, not complete", st, err)
	}
	st, err = f.r.Answer(f.ctx, pl.ID, b, true, rounds.Actor{ID: b})
	if err != nil || !st.AllYes || !st.Completed {
		t.Fatalf("second yes = %+v, %v; want complete", st, err)
	}
	st, err = f.r.Answer(f.ctx, pl.ID, b, false, rounds.Actor{ID: b})
	if err != nil || st.Recorded || st.Completed || !st.AllYes {
		t.Errorf("changed answer = %+v, %v; want nothing recorded", st, err)
	}
	meetAt := f.clock.Now().Add(48 * time.Hour)
	if _, err := f.r.ScheduleMeeting(f.ctx, pl.ID, meetAt, "  Casa di quartiere\n Savena ", f.med); err != nil {
		t.Fatalf("ScheduleMeeting: %v", err)
	}
	if m, err := f.r.Meeting(f.ctx, pl.ID); err != nil || m.Place != "Casa di quartiere Savena" || !m.At.Equal(meetAt) {
		t.Errorf("Meeting = %+v, %v", m, err)
	}
	if due, err := f.r.NextDate(f.ctx, st.Placement); err != nil || due.Kind != "meeting" || !due.At.Equal(meetAt) {
		t.Errorf("NextDate(introduced) = %+v, %v; want the meeting", due, err)
	}
	f.clock.advance(72 * time.Hour)
	start := f.clock.Now()
	if _, err := f.r.StartTrial(f.ctx, pl.ID, f.med, start.Add(-time.Hour)); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("StartTrial ending in the past = %v; want ErrInvalid", err)
	}
	if _, err := f.r.StartTrial(f.ctx, pl.ID, f.med, start.Add(14*24*time.Hour)); err != nil {
		t.Fatalf("StartTrial: %v", err)
	}
	f.clock.advance(14 * 24 * time.Hour)
	got, err := f.r.Start(f.ctx, pl.ID, f.med, rounds.StartOptions{ExitGoal: "own ERP flat"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if want := start.AddDate(0, 6, 0); !got.ReviewDate.Equal(want) || got.ExitGoal != "own ERP flat" {
		t.Errorf("started placement: review %v, goal %q; want %v, own ERP flat", got.ReviewDate, got.ExitGoal, want)
	}
	var path []housing.PlacementStatus
	for _, tr := range got.History {
		path = append(path, tr.To)
	}
	want := []housing.PlacementStatus{housing.PlacementProposed, housing.PlacementIntroduced, housing.PlacementTrial, housing.PlacementActive}
	if diff := cmp.Diff(want, path); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	checkReviewAndEnd(t, f, got, h)
}

// checkReviewAndEnd takes an active placement through its review, an
// extension and its end.
func checkReviewAndEnd(t *testing.T, f *fixture, pl housing.Placement, h housing.Home) {
	t.Helper()
	if due, err := f.r.Review(f.ctx, ""); err != nil || len(due) != 0 {
		t.Errorf("Review before the date = %v, %v; want none", due, err)
	}
	f.clock.now = pl.ReviewDate.Add(time.Hour)
	due, err := f.r.Review(f.ctx, housing.DistrictBologna)
	if err != nil || len(due) != 1 || due[0].Status != housing.PlacementUnderReview {
		t.Fatalf("Review after the date = %+v, %v; want it under review", due, err)
	}
	until := f.clock.Now().AddDate(0, 3, 0)
	ext, err := f.r.Extend(f.ctx, pl.ID, f.med, until, "looking for a flat")
	if err != nil || ext.Status != housing.PlacementActive || !ext.ReviewDate.Equal(until) {
		t.Fatalf("Extend = %+v, %v; want active until %v", ext, err, until)
	}
	if _, err := f.r.End(f.ctx, pl.ID, f.med, housing.OutcomeNone, ""); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("End without an outcome = %v; want ErrInvalid", err)
	}
	end, err := f.r.End(f.ctx, pl.ID, f.med, housing.OutcomeAutonomous, "own ERP flat")
	if err != nil || end.Status != housing.PlacementEnded {
		t.Fatalf("End = %+v, %v", end, err)
	}
	home, err := f.store.Home(f.ctx, h.ID)
	if err != nil || home.Free() != 2 {
		t.Errorf("home after the end: free %d, %v; want 2", home.Free(), err)
	}
}

func TestDeclineEndsAndExcludes(t *testing.T) {
	f := newFixture(t)
	pl, h := f.approved()
	if _, err := f.r.Introduce(f.ctx, pl.ID, f.med); err != nil {
		t.Fatal(err)
	}
	a, b := pl.Residents[0], pl.Residents[1]
	if _, err := f.r.Answer(f.ctx, pl.ID, a, true, rounds.Actor{ID: a}); err != nil {
		t.Fatal(err)
	}
	st, err := f.r.Answer(f.ctx, pl.ID, b, false, rounds.Actor{ID: b})
	if err != nil || !st.Declined || st.Placement.Status != housing.PlacementEnded {
		t.Fatalf("no = %+v, %v; want the placement ended, declined", st, err)
	}
	home, err := f.store.Home(f.ctx, h.ID)
	if err != nil || home.Free() != 2 {
		t.Errorf("home after the no: free %d, %v; want 2", home.Free(), err)
	}
	if next := f.run(); together(next, a, b) {
		t.Errorf("round after the no = %+v; want them apart", next)
	}
	if err := f.r.Clear(f.ctx, pl.ID, f.med, ""); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	if next := f.run(); !together(next, a, b) {
		t.Errorf("round after clearing = %+v; want them together", next)
	}
}

func TestMoveOut(t *testing.T) {
	f := newFixture(t)
	pl, h := f.approved()
	a, b := pl.Residents[0], pl.Residents[1]
	got, err := f.r.MoveOut(f.ctx, pl.ID, a, f.med, "closer to work")
	if err != nil || !slices.Equal(got.Residents, []string{b}) || got.Status != housing.PlacementProposed {
		t.Fatalf("MoveOut = %+v, %v; want %s left, still open", got, err, b)
	}
	home, err := f.store.Home(f.ctx, h.ID)
	if err != nil || home.Free() != 1 || home.HasOccupant(a) {
		t.Errorf("home after one moved out = %+v, %v; want one free place", home.Occupants, err)
	}
	if _, err := f.r.MoveOut(f.ctx, pl.ID, a, f.med, ""); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("MoveOut of someone gone = %v; want ErrInvalid", err)
	}
	last, err := f.r.MoveOut(f.ctx, pl.ID, b, f.med, "")
	if err != nil || last.Status != housing.PlacementEnded || last.Outcome != housing.OutcomeMoved {
		t.Errorf("last MoveOut = %+v, %v; want ended, moved", last, err)
	}
}
