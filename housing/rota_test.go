package housing_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// flatTasks returns the flat template with ids and a home.
func flatTasks() []housing.Task {
	tasks := housing.DefaultTasks(housing.KindFlat)
	for i := range tasks {
		tasks[i].ID = fmt.Sprintf("t_%d", i)
		tasks[i].HomeID = "h_1"
	}
	return tasks
}

func maxEffort(tasks []housing.Task) int {
	m := 0
	for _, t := range tasks {
		m = max(m, t.Effort)
	}
	return m
}

func members(ids ...string) []housing.RotaMember {
	ms := make([]housing.RotaMember, len(ids))
	for i, id := range ids {
		ms[i] = housing.RotaMember{PersonID: id}
	}
	return ms
}

// doAll marks every assignment done by its holder on its day.
func doAll(t *testing.T, as []housing.Assignment, l *housing.Ledger) {
	t.Helper()
	for i := range as {
		if err := housing.Done(&as[i], l, as[i].PersonID, as[i].Due.Add(18*time.Hour)); err != nil {
			t.Fatalf("Done(%s) = %v", as[i].ID, err)
		}
	}
}

// spread returns the largest minus the smallest balance among ids.
func spread(l housing.Ledger, ids ...string) int {
	lo, hi := l.Balance[ids[0]], l.Balance[ids[0]]
	for _, id := range ids[1:] {
		lo, hi = min(lo, l.Balance[id]), max(hi, l.Balance[id])
	}
	return hi - lo
}

func TestDefaultTasks(t *testing.T) {
	for _, k := range housing.HomeKinds() {
		t.Run(string(k), func(t *testing.T) {
			tasks := housing.DefaultTasks(k)
			if len(tasks) == 0 {
				t.Fatalf("DefaultTasks(%s) is empty", k)
			}
			for _, task := range tasks {
				task.HomeID = "h_1"
				if err := task.Validate(); err != nil {
					t.Errorf("DefaultTasks(%s): %s: Validate() = %v", k, task.Key, err)
				}
				if !slices.Contains(housing.LifeKeys(), task.Key) {
					t.Errorf("DefaultTasks(%s): key %q is not in LifeKeys()", k, task.Key)
				}
			}
		})
	}
	if got := housing.DefaultTasks("castle"); got != nil {
		t.Errorf("DefaultTasks(castle) = %v; want nil", got)
	}
}

func TestTaskValidate(t *testing.T) {
	ok := housing.Task{ID: "t_1", HomeID: "h_1", Key: housing.TaskKitchen, EveryDays: 2, Effort: 2}
	tests := []struct {
		name  string
		edit  func(t *housing.Task)
		field string
	}{
		{"valid", func(*housing.Task) {}, ""},
		{"the household's own task", func(t *housing.Task) { t.Key, t.Title = "", "Feed the cat" }, ""},
		{"collection days", func(t *housing.Task) { t.EveryDays, t.Weekdays = 0, []time.Weekday{time.Tuesday, time.Friday} }, ""},
		{"no key nor title", func(t *housing.Task) { t.Key = "" }, "title"},
		{"unknown key", func(t *housing.Task) { t.Key = "task.juggling" }, "key"},
		{"no home", func(t *housing.Task) { t.HomeID = "" }, "home_id"},
		{"effort 0", func(t *housing.Task) { t.Effort = 0 }, "effort"},
		{"effort 11", func(t *housing.Task) { t.Effort = 11 }, "effort"},
		{"no frequency", func(t *housing.Task) { t.EveryDays = 0 }, "every_days"},
		{"both frequencies", func(t *housing.Task) { t.Weekdays = []time.Weekday{time.Monday} }, "weekdays"},
		{"every 29 days", func(t *housing.Task) { t.EveryDays = 29 }, "every_days"},
		{"weekday 7", func(t *housing.Task) { t.EveryDays, t.Weekdays = 0, []time.Weekday{7} }, "weekdays[0]"},
		{"weekday twice", func(t *housing.Task) { t.EveryDays, t.Weekdays = 0, []time.Weekday{1, 3, 1} }, "weekdays[2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := ok
			tt.edit(&task)
			checkField(t, "Task.Validate()", task.Validate(), tt.field)
		})
	}
}

func TestTaskOccurs(t *testing.T) {
	loc := rome(t)
	every3 := housing.Task{EveryDays: 3, Start: time.Date(2026, 10, 23, 0, 0, 0, 0, loc)}
	weekly := housing.Task{Weekdays: []time.Weekday{time.Monday, time.Thursday}}
	var got3, gotW []int
	for d := 20; d <= 31; d++ { // across the clocks going back on the 25th
		day := time.Date(2026, 10, d, 0, 0, 0, 0, loc)
		if every3.Occurs(day) {
			got3 = append(got3, d)
		}
		if weekly.Occurs(day) {
			gotW = append(gotW, d)
		}
	}
	if want := []int{20, 23, 26, 29}; !slices.Equal(got3, want) {
		t.Errorf("every 3 days from the 23rd: occurs on %v; want %v", got3, want)
	}
	if want := []int{22, 26, 29}; !slices.Equal(gotW, want) {
		t.Errorf("Monday and Thursday: occurs on %v; want %v", gotW, want)
	}
	// Without a start, periods count from Thursday 1 January 1970.
	weeklyFromEpoch := housing.Task{EveryDays: 7}
	for d := 20; d <= 31; d++ {
		day := time.Date(2026, 10, d, 0, 0, 0, 0, loc)
		if got, want := weeklyFromEpoch.Occurs(day), day.Weekday() == time.Thursday; got != want {
			t.Errorf("every 7 days from 1970: Occurs(%v) = %v; want %v", day, got, want)
		}
	}
}

func TestAssignWeekFairOverWeeks(t *testing.T) {
	loc := rome(t)
	tasks := flatTasks()
	ids := []string{"anna", "luca", "marta"}
	var l housing.Ledger
	week := time.Date(2026, 10, 5, 0, 0, 0, 0, loc)
	for w := range 10 { // ten weeks, across the change of clocks
		as := housing.AssignWeek(tasks, members(ids...), l, week)
		if again := housing.AssignWeek(tasks, members("marta", "anna", "luca"), l, week); !cmp.Equal(as, again) {
			t.Fatalf("week %d: AssignWeek is not deterministic", w)
		}
		checkWeek(t, tasks, as, week)
		doAll(t, as, &l)
		if s := spread(l, ids...); s > maxEffort(tasks) {
			t.Errorf("week %d: balances %v spread %d; want at most one task's effort (%d)", w, l.Balance, s, maxEffort(tasks))
		}
		week = week.AddDate(0, 0, 7)
	}
	// Everyone has done some of each kind of chore over ten weeks.
	for _, id := range ids {
		if l.Balance[id] == 0 {
			t.Errorf("%s did nothing", id)
		}
	}
}

// checkWeek checks that each occurrence of the week is assigned once, to
// the day, in order.
func checkWeek(t *testing.T, tasks []housing.Task, as []housing.Assignment, week time.Time) {
	t.Helper()
	want := 0
	for i := range 7 {
		day := week.AddDate(0, 0, i)
		for j := range tasks {
			if tasks[j].Occurs(day) {
				want++
			}
		}
	}
	if len(as) != want {
		t.Fatalf("AssignWeek(%v) gave %d assignments; want %d", week, len(as), want)
	}
	seen := make(map[string]bool)
	for i, a := range as {
		if err := a.Validate(); err != nil {
			t.Errorf("assignment %d: Validate() = %v", i, err)
		}
		if seen[a.ID] {
			t.Errorf("assignment id %s twice", a.ID)
		}
		seen[a.ID] = true
		if a.Due.Hour() != 0 || a.Due.Before(week) || !a.Due.Before(week.AddDate(0, 0, 7)) {
			t.Errorf("assignment %s due %v, outside the week of %v", a.ID, a.Due, week)
		}
		if i > 0 && a.Due.Before(as[i-1].Due) {
			t.Errorf("assignments out of order at %d", i)
		}
	}
}

func TestAssignWeekPausedNotPenalised(t *testing.T) {
	loc := rome(t)
	tasks := flatTasks()
	var l housing.Ledger
	week := time.Date(2026, 11, 2, 0, 0, 0, 0, loc)
	plan := []struct {
		paused  bool
		resumed bool
	}{{false, false}, {true, false}, {true, false}, {false, true}, {false, false}, {false, false}}
	for w, p := range plan {
		ms := members("anna", "luca", "marta")
		ms[1].Paused = p.paused
		if p.resumed {
			l.Resume("luca", ms)
			if lo := min(l.Balance["anna"], l.Balance["marta"]); l.Balance["luca"] != lo {
				t.Errorf("week %d: after Resume luca has %d; want the smallest of the others, %d", w, l.Balance["luca"], lo)
			}
		}
		as := housing.AssignWeek(tasks, ms, l, week)
		load := make(map[string]int)
		for _, a := range as {
			load[a.PersonID] += a.Effort
		}
		if p.paused && load["luca"] != 0 {
			t.Errorf("week %d: paused luca got %d points of work", w, load["luca"])
		}
		if !p.paused {
			// The week's load is shared within one task's effort: luca
			// owes nothing for his absence.
			lo, hi := min(load["anna"], load["luca"], load["marta"]), max(load["anna"], load["luca"], load["marta"])
			if hi-lo > maxEffort(tasks) {
				t.Errorf("week %d: loads %v; want them close", w, load)
			}
		}
		doAll(t, as, &l)
		week = week.AddDate(0, 0, 7)
	}
	if s := spread(l, "anna", "luca", "marta"); s > maxEffort(tasks) {
		t.Errorf("balances %v spread %d; want at most %d", l.Balance, s, maxEffort(tasks))
	}
	// Months show real work: luca did less in November, and nothing is
	// invented for him.
	nov := l.Month("2026-11")
	if len(nov) != 3 || nov[2].PersonID != "luca" {
		t.Errorf("Month(2026-11) = %v; want luca last", nov)
	}
}

func TestAssignWeekWithoutResume(t *testing.T) {
	// Without Resume a returning member would owe everything: this is the
	// case Resume exists for.
	tasks := flatTasks()
	l := housing.Ledger{Balance: map[string]int{"anna": 60, "luca": 0, "marta": 60}}
	week := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	as := housing.AssignWeek(tasks, members("anna", "luca", "marta"), l, week)
	if as[0].PersonID != "luca" || as[len(as)-1].PersonID != "luca" {
		t.Fatalf("AssignWeek with luca 60 points behind: not all to luca: %v", as)
	}
	l.Resume("luca", members("anna", "luca", "marta"))
	as = housing.AssignWeek(tasks, members("anna", "luca", "marta"), l, week)
	load := make(map[string]int)
	for _, a := range as {
		load[a.PersonID] += a.Effort
	}
	if load["anna"] == 0 || load["marta"] == 0 {
		t.Errorf("after Resume: loads %v; want everyone to share", load)
	}
	// Resume never lowers: a member ahead stays ahead.
	l.Balance["luca"] = 99
	l.Resume("luca", members("anna", "luca", "marta"))
	if l.Balance["luca"] != 99 {
		t.Errorf("Resume lowered a balance to %d", l.Balance["luca"])
	}
}

func TestAssignWeekNewMemberStartsAtMinimum(t *testing.T) {
	tasks := flatTasks()
	l := housing.Ledger{Balance: map[string]int{"anna": 50, "marta": 44}}
	as := housing.AssignWeek(tasks, members("anna", "marta", "zoe"), l, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	load := make(map[string]int)
	for _, a := range as {
		load[a.PersonID] += a.Effort
	}
	// zoe starts level with marta (44): they share the week; anna, six
	// ahead, gets less.
	if load["zoe"] == 0 || load["marta"] == 0 || load["anna"] >= load["zoe"] {
		t.Errorf("loads %v; want zoe and marta to share, anna least", load)
	}
	if got := housing.AssignWeek(tasks, []housing.RotaMember{{PersonID: "anna", Paused: true}}, l, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)); got != nil {
		t.Errorf("AssignWeek with nobody active = %v; want nil", got)
	}
}

func TestDoneCreditsWhoDidIt(t *testing.T) {
	loc := rome(t)
	due := time.Date(2026, 10, 31, 0, 0, 0, 0, loc)
	a := housing.Assignment{ID: "as_1", HomeID: "h_1", TaskID: "t_1", Effort: 3, Due: due,
		AssignedTo: "anna", PersonID: "anna", Status: housing.AssignmentAssigned}
	var l housing.Ledger
	// Luca did it for her, late on Halloween.
	if err := housing.Done(&a, &l, "luca", time.Date(2026, 10, 31, 23, 30, 0, 0, loc)); err != nil {
		t.Fatalf("Done = %v", err)
	}
	if err := housing.Done(&a, &l, "luca", time.Date(2026, 11, 1, 9, 0, 0, 0, loc)); err != nil {
		t.Errorf("Done again by the same = %v; want nil", err)
	}
	if err := housing.Done(&a, &l, "anna", time.Date(2026, 11, 1, 9, 0, 0, 0, loc)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Done by another = %v; want ErrConflict", err)
	}
	want := map[string]int{"luca": 3}
	if diff := cmp.Diff(want, l.Balance); diff != "" {
		t.Errorf("Balance (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]housing.LedgerLine{{PersonID: "luca", Points: 3}}, l.Month("2026-10")); diff != "" {
		t.Errorf("Month(2026-10) (-want +got):\n%s", diff)
	}
	if got := l.Month("2026-11"); got != nil {
		t.Errorf("Month(2026-11) = %v; want nothing", got)
	}
}

func TestLedgerMonths(t *testing.T) {
	loc := rome(t)
	var l housing.Ledger
	credits := []struct {
		who string
		pts int
		at  time.Time
	}{
		{"anna", 2, time.Date(2026, 10, 30, 20, 0, 0, 0, loc)},
		{"luca", 3, time.Date(2026, 10, 31, 23, 59, 0, 0, loc)},
		{"anna", 3, time.Date(2026, 11, 1, 0, 1, 0, 0, loc)},
		{"luca", 2, time.Date(2026, 11, 3, 9, 0, 0, 0, loc)},
		{"anna", 1, time.Date(2026, 11, 4, 9, 0, 0, 0, loc)},
		{"marta", 3, time.Date(2026, 11, 5, 9, 0, 0, 0, loc)},
		{"luca", 3, time.Date(2026, 11, 30, 23, 0, 0, 0, loc)},
	}
	for _, c := range credits {
		l.Credit(c.who, c.pts, c.at)
	}
	tests := []struct {
		month string
		want  []housing.LedgerLine
	}{
		{"2026-10", []housing.LedgerLine{{"luca", 3}, {"anna", 2}}},
		{"2026-11", []housing.LedgerLine{{"luca", 5}, {"anna", 4}, {"marta", 3}}},
		{"2026-12", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, l.Month(tt.month)); diff != "" {
			t.Errorf("Month(%s) (-want +got):\n%s", tt.month, diff)
		}
	}
	if diff := cmp.Diff(map[string]int{"anna": 6, "luca": 8, "marta": 3}, l.Balance); diff != "" {
		t.Errorf("Balance (-want +got):\n%s", diff)
	}
	if got := housing.MonthKey(time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC).In(loc)); got != "2026-11" {
		t.Errorf("MonthKey(23:30 UTC on 31 October, in Rome) = %s; want 2026-11", got)
	}
}

// twoAssignments returns two open assignments, anna's on Tuesday and luca's on
// Thursday, of the week of 23 November 2026.
func twoAssignments(loc *time.Location) (anna, luca housing.Assignment) {
	mk := func(id, person string, day int) housing.Assignment {
		return housing.Assignment{ID: id, HomeID: "h_1", TaskID: "t_" + id, Effort: 2,
			Due: time.Date(2026, 11, day, 0, 0, 0, 0, loc), AssignedTo: person, PersonID: person,
			Status: housing.AssignmentAssigned}
	}
	return mk("as_a", "anna", 24), mk("as_l", "luca", 26)
}

func TestSwap(t *testing.T) {
	loc := rome(t)
	ms := members("anna", "luca", "marta")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	tests := []struct {
		name      string
		exchange  bool
		answer    func(s *housing.Swap, a, b *housing.Assignment) error
		wantErr   error
		wantA     string // holder of anna's assignment afterwards
		wantB     string // holder of luca's
		wantState housing.SwapStatus
	}{
		{"accepted handover", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.AcceptSwap(s, a, nil, "luca", monday.Add(time.Hour))
		}, nil, "luca", "luca", housing.SwapAccepted},
		{"accepted exchange", true, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.AcceptSwap(s, a, b, "luca", monday.Add(time.Hour))
		}, nil, "luca", "anna", housing.SwapAccepted},
		{"refused", true, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.RefuseSwap(s, "luca", monday.Add(time.Hour))
		}, nil, "anna", "luca", housing.SwapRefused},
		{"accepted by someone else", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.AcceptSwap(s, a, nil, "marta", monday.Add(time.Hour))
		}, housing.ErrForbidden, "anna", "luca", housing.SwapPending},
		{"refused by someone else", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.RefuseSwap(s, "anna", monday.Add(time.Hour))
		}, housing.ErrForbidden, "anna", "luca", housing.SwapPending},
		{"accepted after refusing", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			if err := housing.RefuseSwap(s, "luca", monday); err != nil {
				return err
			}
			return housing.AcceptSwap(s, a, nil, "luca", monday.Add(time.Hour))
		}, housing.ErrConflict, "anna", "luca", housing.SwapRefused},
		{"accepted too late", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			return housing.AcceptSwap(s, a, nil, "luca", time.Date(2026, 11, 25, 8, 0, 0, 0, loc))
		}, housing.ErrConflict, "anna", "luca", housing.SwapPending},
		{"done meanwhile", false, func(s *housing.Swap, a, b *housing.Assignment) error {
			var l housing.Ledger
			if err := housing.Done(a, &l, "anna", monday); err != nil {
				return err
			}
			return housing.AcceptSwap(s, a, nil, "luca", monday.Add(time.Hour))
		}, housing.ErrConflict, "anna", "luca", housing.SwapPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := twoAssignments(loc)
			var inReturn *housing.Assignment
			if tt.exchange {
				inReturn = &b
			}
			s, err := housing.ProposeSwap("sw_1", a, inReturn, "luca", ms, monday)
			if err != nil {
				t.Fatalf("ProposeSwap = %v", err)
			}
			if err := tt.answer(&s, &a, &b); !errors.Is(err, tt.wantErr) {
				t.Errorf("answer = %v; want %v", err, tt.wantErr)
			}
			if a.PersonID != tt.wantA || b.PersonID != tt.wantB || s.Status != tt.wantState {
				t.Errorf("after: anna's held by %s, luca's by %s, swap %s; want %s, %s, %s",
					a.PersonID, b.PersonID, s.Status, tt.wantA, tt.wantB, tt.wantState)
			}
			if a.AssignedTo != "anna" || b.AssignedTo != "luca" {
				t.Errorf("a swap rewrote who the rota gave the chores to")
			}
		})
	}
}

func TestSwapKeepsLedgerFair(t *testing.T) {
	loc := rome(t)
	ms := members("anna", "luca")
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	a, b := twoAssignments(loc)
	b.Effort = 3
	s, err := housing.ProposeSwap("sw_1", a, &b, "luca", ms, monday)
	if err != nil {
		t.Fatal(err)
	}
	if err := housing.AcceptSwap(&s, &a, &b, "luca", monday); err != nil {
		t.Fatal(err)
	}
	if err := housing.AcceptSwap(&s, &a, &b, "luca", monday); err != nil {
		t.Errorf("AcceptSwap again = %v; want nil", err)
	}
	var l housing.Ledger
	for _, x := range []*housing.Assignment{&a, &b} {
		if err := housing.Done(x, &l, x.PersonID, x.Due.Add(10*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	// Each is credited what they did: luca anna's 2, anna luca's 3.
	if diff := cmp.Diff(map[string]int{"anna": 3, "luca": 2}, l.Balance); diff != "" {
		t.Errorf("Balance (-want +got):\n%s", diff)
	}
}

func TestProposeSwapRefused(t *testing.T) {
	loc := rome(t)
	ms := []housing.RotaMember{{PersonID: "anna"}, {PersonID: "luca"}, {PersonID: "piero", Paused: true}}
	monday := time.Date(2026, 11, 23, 9, 0, 0, 0, loc)
	a, b := twoAssignments(loc)
	tests := []struct {
		name     string
		a        housing.Assignment
		inReturn *housing.Assignment
		to       string
		at       time.Time
		wantErr  error
	}{
		{"to oneself", a, nil, "anna", monday, housing.ErrInvalid},
		{"to a stranger", a, nil, "zoe", monday, housing.ErrInvalid},
		{"to someone paused", a, nil, "piero", monday, housing.ErrInvalid},
		{"in return for someone else's", a, &a, "luca", monday, housing.ErrInvalid},
		{"after its day", a, nil, "luca", time.Date(2026, 11, 25, 0, 0, 0, 0, loc), housing.ErrConflict},
		{"on its day", a, nil, "luca", time.Date(2026, 11, 24, 20, 0, 0, 0, loc), nil},
		{"in exchange", a, &b, "luca", monday, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := housing.ProposeSwap("sw_1", tt.a, tt.inReturn, tt.to, ms, tt.at)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ProposeSwap(to %s) = %v; want %v", tt.to, err, tt.wantErr)
			}
		})
	}
}

func TestCantTodayAndReassign(t *testing.T) {
	loc := rome(t)
	ms := []housing.RotaMember{{PersonID: "anna"}, {PersonID: "luca"}, {PersonID: "piero", Paused: true}}
	tuesday := time.Date(2026, 11, 24, 8, 0, 0, 0, loc)
	a, _ := twoAssignments(loc)
	if err := housing.Reassign(&a, "luca", ms, tuesday); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("Reassign before anyone said can't = %v; want ErrConflict", err)
	}
	if err := housing.CantToday(&a, "luca", tuesday); !errors.Is(err, housing.ErrForbidden) {
		t.Errorf("CantToday by someone else = %v; want ErrForbidden", err)
	}
	if err := housing.CantToday(&a, "anna", tuesday); err != nil {
		t.Fatalf("CantToday = %v", err)
	}
	if err := housing.CantToday(&a, "anna", tuesday.Add(time.Minute)); err != nil || !a.CantAt.Equal(tuesday) {
		t.Errorf("CantToday again = %v, at %v; want nil, unchanged", err, a.CantAt)
	}
	if err := housing.Reassign(&a, "piero", ms, tuesday); !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("Reassign to someone paused = %v; want ErrInvalid", err)
	}
	if err := housing.Reassign(&a, "luca", ms, tuesday.Add(time.Hour)); err != nil {
		t.Fatalf("Reassign = %v", err)
	}
	want := housing.Assignment{ID: "as_a", HomeID: "h_1", TaskID: "t_as_a", Effort: 2, Due: a.Due,
		AssignedTo: "anna", PersonID: "luca", Status: housing.AssignmentSwapped,
		CantBy: "anna", CantAt: tuesday, UpdatedAt: tuesday.Add(time.Hour)}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("after Reassign (-want +got):\n%s", diff)
	}
	var l housing.Ledger
	if err := housing.Done(&a, &l, "luca", tuesday.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Nothing punitive: anna has no entry at all, not a negative one.
	if diff := cmp.Diff(map[string]int{"luca": 2}, l.Balance); diff != "" {
		t.Errorf("Balance (-want +got):\n%s", diff)
	}
	if err := housing.CantToday(&a, "luca", tuesday.Add(6*time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("CantToday on a done chore = %v; want ErrConflict", err)
	}
}

func TestMarkMissed(t *testing.T) {
	loc := rome(t)
	a, _ := twoAssignments(loc) // due Tuesday 24 November
	if err := housing.MarkMissed(&a, time.Date(2026, 11, 24, 23, 59, 0, 0, loc)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("MarkMissed on its day = %v; want ErrConflict", err)
	}
	wed := time.Date(2026, 11, 25, 0, 5, 0, 0, loc)
	if !a.Overdue(wed) {
		t.Errorf("Overdue(%v) = false; want true", wed)
	}
	if err := housing.MarkMissed(&a, wed); err != nil || a.Status != housing.AssignmentMissed {
		t.Fatalf("MarkMissed = %v, status %s", err, a.Status)
	}
	if err := housing.MarkMissed(&a, wed.Add(time.Hour)); err != nil || !a.MissedAt.Equal(wed) {
		t.Errorf("MarkMissed again = %v, at %v; want nil, unchanged", err, a.MissedAt)
	}
	var l housing.Ledger
	if err := housing.Done(&a, &l, "anna", wed.Add(10*time.Hour)); err != nil || l.Balance["anna"] != 2 {
		t.Errorf("Done late = %v, balance %d; want nil, 2", err, l.Balance["anna"])
	}
	if err := housing.MarkMissed(&a, wed.Add(11*time.Hour)); !errors.Is(err, housing.ErrConflict) {
		t.Errorf("MarkMissed when done = %v; want ErrConflict", err)
	}
}

func TestAssignmentID(t *testing.T) {
	loc := rome(t)
	d := time.Date(2026, 11, 24, 0, 0, 0, 0, loc)
	id := housing.AssignmentID("t_1", d)
	if !housing.ValidID(id) || id != housing.AssignmentID("t_1", d) {
		t.Errorf("AssignmentID(t_1, %v) = %q; want a stable valid id", d, id)
	}
	if id == housing.AssignmentID("t_1", d.AddDate(0, 0, 1)) || id == housing.AssignmentID("t_2", d) {
		t.Errorf("AssignmentID collides across days or tasks")
	}
}

func TestCanEditRota(t *testing.T) {
	if !housing.CanEditRota(housing.RoleCoResident) || !housing.CanEditRota(housing.RoleMediator) || housing.CanEditRota(housing.RoleAdmin) {
		t.Errorf("CanEditRota: want residents and mediators only")
	}
}

func BenchmarkAssignWeek(b *testing.B) {
	tasks := housing.DefaultTasks(housing.KindCohousing)
	for i := range tasks {
		tasks[i].ID, tasks[i].HomeID = fmt.Sprintf("t_%d", i), "h_1"
	}
	ms := members("p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8")
	l := housing.Ledger{Balance: map[string]int{"p1": 10, "p2": 12, "p3": 9, "p4": 11}}
	week := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	for b.Loop() {
		housing.AssignWeek(tasks, ms, l, week)
	}
}
