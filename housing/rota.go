package housing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The translation keys of the template tasks.
const (
	TaskKitchen     = "task.kitchen"
	TaskBathroom    = "task.bathroom"
	TaskCommonRooms = "task.common_rooms"
	TaskRubbish     = "task.rubbish" // rubbish and recycling out on collection days
	TaskShopping    = "task.shopping"
	TaskPlants      = "task.plants"
)

// TaskKeys lists the translation keys of the template tasks.
func TaskKeys() []string {
	return []string{TaskKitchen, TaskBathroom, TaskCommonRooms, TaskRubbish, TaskShopping, TaskPlants}
}

// Limits on tasks.
const (
	MaxTaskEffort    = 10 // effort runs from 1 (water the plants) to MaxTaskEffort
	MaxTaskEveryDays = 28
)

// Task is one recurring chore of a home's rota. It recurs every EveryDays
// days, counted from Start, or on the given Weekdays (rubbish and
// recycling go out on the days the council collects them): exactly one of
// the two is set. Effort is what doing it once is worth in the fairness
// ledger.
type Task struct {
	ID     string `json:"id"`
	HomeID string `json:"home_id"`
	Key    string `json:"key,omitempty"`   // translation key of a template task, e.g. "task.kitchen"
	Title  string `json:"title,omitempty"` // the household's own name for a task they added (Key empty)
	// EveryDays is the period in days; occurrences fall on Start and every
	// EveryDays days before and after it (from 1 January 1970 when Start
	// is zero).
	EveryDays int            `json:"every_days,omitempty"`
	Weekdays  []time.Weekday `json:"weekdays,omitempty"`
	Start     time.Time      `json:"start,omitzero"`
	Effort    int            `json:"effort"`
	UpdatedBy string         `json:"updated_by,omitempty"`
	UpdatedAt time.Time      `json:"updated_at,omitzero"`
	Version   int64          `json:"version"`
}

// DefaultTasks returns the template rota for a home of kind k, without ids
// or home: the household adapts it (collection days, frequencies, its own
// tasks). Rubbish goes out on Monday and Thursday until the household sets
// its collection days. IESA guests share the lighter chores of their
// host's home; cohousing common spaces need cleaning more often. An
// unknown kind has no template.
func DefaultTasks(k HomeKind) []Task {
	rubbish := Task{Key: TaskRubbish, Weekdays: []time.Weekday{time.Monday, time.Thursday}, Effort: 1}
	switch k {
	case KindFlat:
		return []Task{
			{Key: TaskKitchen, EveryDays: 2, Effort: 2},
			{Key: TaskBathroom, EveryDays: 3, Effort: 3},
			{Key: TaskCommonRooms, EveryDays: 7, Effort: 3},
			rubbish,
			{Key: TaskShopping, EveryDays: 7, Effort: 2},
			{Key: TaskPlants, EveryDays: 4, Effort: 1},
		}
	case KindIESA:
		return []Task{
			{Key: TaskKitchen, EveryDays: 2, Effort: 2},
			rubbish,
			{Key: TaskShopping, EveryDays: 7, Effort: 2},
			{Key: TaskPlants, EveryDays: 4, Effort: 1},
		}
	case KindCohousing:
		return []Task{
			{Key: TaskKitchen, EveryDays: 2, Effort: 2},
			{Key: TaskBathroom, EveryDays: 3, Effort: 3},
			{Key: TaskCommonRooms, EveryDays: 3, Effort: 3},
			rubbish,
			{Key: TaskShopping, EveryDays: 7, Effort: 2},
			{Key: TaskPlants, EveryDays: 3, Effort: 1},
		}
	}
	return nil
}

// CanEditRota reports whether someone with role r may add, change or
// remove a home's tasks: its residents and the mediators.
func CanEditRota(r Role) bool { return r.Resident() || r == RoleMediator }

// Validate checks the task's fields.
func (t *Task) Validate() error {
	if t.ID != "" {
		if err := checkID("id", t.ID); err != nil {
			return err
		}
	}
	if err := checkID("home_id", t.HomeID); err != nil {
		return err
	}
	title := strings.TrimSpace(t.Title)
	switch {
	case t.Key == "" && title == "":
		return invalid("title", "a task needs a template key or a title")
	case t.Key != "" && !slices.Contains(TaskKeys(), t.Key):
		return invalid("key", "%q is not a template task (want one of %v)", t.Key, TaskKeys())
	case utf8.RuneCountInString(title) > 64:
		return invalid("title", "is longer than 64 characters")
	case t.Effort < 1 || t.Effort > MaxTaskEffort:
		return invalid("effort", "%d is not between 1 and %d", t.Effort, MaxTaskEffort)
	}
	return t.validateFrequency()
}

func (t *Task) validateFrequency() error {
	switch {
	case t.EveryDays == 0 && len(t.Weekdays) == 0:
		return invalid("every_days", "a task needs a period in days or weekdays")
	case t.EveryDays != 0 && len(t.Weekdays) != 0:
		return invalid("weekdays", "a task has a period in days or weekdays, not both")
	case t.EveryDays < 0 || t.EveryDays > MaxTaskEveryDays:
		return invalid("every_days", "%d is not between 1 and %d", t.EveryDays, MaxTaskEveryDays)
	}
	for i, d := range t.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			return invalid(fmt.Sprintf("weekdays[%d]", i), "%d is not a weekday (0 = Sunday .. 6 = Saturday)", d)
		}
		if slices.Contains(t.Weekdays[:i], d) {
			return invalid(fmt.Sprintf("weekdays[%d]", i), "%s appears twice", d)
		}
	}
	return nil
}

// Occurs reports whether the task is due on day's calendar date.
func (t *Task) Occurs(day time.Time) bool {
	if len(t.Weekdays) > 0 {
		return slices.Contains(t.Weekdays, day.Weekday())
	}
	if t.EveryDays <= 0 {
		return false
	}
	var anchor int64
	if !t.Start.IsZero() {
		anchor = civilDay(t.Start)
	}
	d := (civilDay(day) - anchor) % int64(t.EveryDays)
	return d == 0
}

// civilDay numbers t's calendar date in its own location: days since
// 1 January 1970. Unlike a duration, it does not drift across summer time.
func civilDay(t time.Time) int64 {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// daysBetween returns the number of calendar days from a to b in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	return int(civilDay(b.In(loc)) - civilDay(a.In(loc)))
}

// AssignmentStatus is where one occurrence of a task stands.
type AssignmentStatus string

// The assignment statuses. Missed is only a signal for early warning: it
// costs nobody anything.
const (
	AssignmentAssigned AssignmentStatus = "assigned" // the rota gave it to PersonID
	AssignmentCant     AssignmentStatus = "cant"     // "can't today": offered to housemates
	AssignmentSwapped  AssignmentStatus = "swapped"  // a housemate took it over or swapped
	AssignmentDone     AssignmentStatus = "done"
	AssignmentMissed   AssignmentStatus = "missed" // its day passed undone
)

// Valid reports whether s is known.
func (s AssignmentStatus) Valid() bool {
	switch s {
	case AssignmentAssigned, AssignmentCant, AssignmentSwapped, AssignmentDone, AssignmentMissed:
		return true
	}
	return false
}

// Open reports whether an assignment in status s is still to be done.
func (s AssignmentStatus) Open() bool {
	return s == AssignmentAssigned || s == AssignmentCant || s == AssignmentSwapped
}

// Assignment is one occurrence of a task, given to one resident.
type Assignment struct {
	ID         string           `json:"id"`
	HomeID     string           `json:"home_id"`
	TaskID     string           `json:"task_id"`
	Effort     int              `json:"effort"`      // the task's effort when assigned: what Done credits
	Due        time.Time        `json:"due"`         // midnight, local time, of the day it is due
	AssignedTo string           `json:"assigned_to"` // who the rota gave it to
	PersonID   string           `json:"person_id"`   // who holds it now
	Status     AssignmentStatus `json:"status"`
	CantBy     string           `json:"cant_by,omitempty"` // who said "can't today", a signal only
	CantAt     time.Time        `json:"cant_at,omitzero"`
	DoneBy     string           `json:"done_by,omitempty"`
	DoneAt     time.Time        `json:"done_at,omitzero"`
	MissedAt   time.Time        `json:"missed_at,omitzero"`
	UpdatedAt  time.Time        `json:"updated_at,omitzero"`
	Version    int64            `json:"version"`
}

// Validate checks the assignment's fields.
func (a *Assignment) Validate() error {
	for _, f := range []struct{ name, id string }{
		{"id", a.ID}, {"home_id", a.HomeID}, {"task_id", a.TaskID},
		{"assigned_to", a.AssignedTo}, {"person_id", a.PersonID},
	} {
		if err := checkID(f.name, f.id); err != nil {
			return err
		}
	}
	switch {
	case a.Effort < 1 || a.Effort > MaxTaskEffort:
		return invalid("effort", "%d is not between 1 and %d", a.Effort, MaxTaskEffort)
	case a.Due.IsZero():
		return invalid("due", "is not set")
	case !a.Status.Valid():
		return invalid("status", "%q is not an assignment status", a.Status)
	case a.Status == AssignmentDone && (a.DoneBy == "" || a.DoneAt.IsZero()):
		return invalid("done_by", "a done assignment says who did it and when")
	}
	return nil
}

// AssignmentID returns the id of the occurrence of task on due's date. It
// is the same every time, so assigning a week twice creates nothing new.
func AssignmentID(taskID string, due time.Time) string {
	sum := sha256.Sum256([]byte(taskID + "|" + due.Format(time.DateOnly)))
	return "as_" + hex.EncodeToString(sum[:10])
}

// Overdue reports whether the assignment is open and its day ended before
// now (both read in the location of Due).
func (a *Assignment) Overdue(now time.Time) bool {
	return a.Status.Open() && civilDay(now.In(a.Due.Location())) > civilDay(a.Due)
}

// RotaMember is a resident taking part in a home's rota. A paused member
// (away, in hospital, on holiday) gets no tasks and loses nothing for it:
// see Ledger.Resume.
type RotaMember struct {
	PersonID string `json:"person_id"`
	Paused   bool   `json:"paused,omitempty"`
}

// activeIDs returns the ids of the members not paused, sorted, without
// duplicates.
func activeIDs(members []RotaMember) []string {
	var ids []string
	for _, m := range members {
		if !m.Paused {
			ids = append(ids, m.PersonID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// occurrence is one task due on one day.
type occurrence struct {
	task *Task
	due  time.Time
}

// AssignWeek gives out the occurrences of tasks in the seven days from
// weekStart's date (midnight in weekStart's location). Fairness is by
// effort, not turn order: occurrences are taken heaviest first (then by
// day, then task id), and each goes to the active member with the least
// load, where load is their ledger balance plus the effort already given
// to them this week. Ties go to whoever has had this task fewer times this
// week, then to the smaller person id, so the result is deterministic.
// Paused members are skipped. A member missing from the ledger (new to the
// home) starts at the smallest balance among the active members, as a
// member returning from a pause does through Ledger.Resume. While every
// assignment is done by its holder and credited by Done, the members'
// balances stay within one task's effort of each other, week after week.
//
// Assignments come out ordered by due date, then task id, with ids from
// AssignmentID. With no active member there is nothing to assign.
func AssignWeek(tasks []Task, members []RotaMember, ledger Ledger, weekStart time.Time) []Assignment {
	active := activeIDs(members)
	if len(active) == 0 {
		return nil
	}
	load := ledger.startingLoads(active)
	had := make(map[string]int) // task id + person id -> times this week
	var out []Assignment
	for _, o := range weekOccurrences(tasks, weekStart) {
		p := pickMember(active, load, had, o.task.ID)
		load[p] += o.task.Effort
		had[o.task.ID+"|"+p]++
		out = append(out, Assignment{
			ID: AssignmentID(o.task.ID, o.due), HomeID: o.task.HomeID, TaskID: o.task.ID,
			Effort: o.task.Effort, Due: o.due, AssignedTo: p, PersonID: p, Status: AssignmentAssigned,
		})
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return strings.Compare(a.TaskID, b.TaskID)
	})
	return out
}

// weekOccurrences lists the occurrences in the seven days from weekStart,
// heaviest first, then by day, then by task id.
func weekOccurrences(tasks []Task, weekStart time.Time) []occurrence {
	var occ []occurrence
	for i := range 7 {
		day := time.Date(weekStart.Year(), weekStart.Month(), weekStart.Day()+i, 0, 0, 0, 0, weekStart.Location())
		for j := range tasks {
			if tasks[j].Occurs(day) {
				occ = append(occ, occurrence{task: &tasks[j], due: day})
			}
		}
	}
	slices.SortStableFunc(occ, func(a, b occurrence) int {
		if a.task.Effort != b.task.Effort {
			return b.task.Effort - a.task.Effort
		}
		if c := a.due.Compare(b.due); c != 0 {
			return c
		}
		return strings.Compare(a.task.ID, b.task.ID)
	})
	return occ
}

// pickMember returns the member with the least load; see AssignWeek.
func pickMember(active []string, load, had map[string]int, taskID string) string {
	best := active[0]
	for _, p := range active[1:] {
		switch {
		case load[p] < load[best]:
			best = p
		case load[p] == load[best] && had[taskID+"|"+p] < had[taskID+"|"+best]:
			best = p
		}
	}
	return best
}

// Done records that by did the assignment at time at and credits its
// effort to by in the ledger: whoever did the work gets the points, even
// if it was not theirs, and the holder loses nothing. An assignment
// already done by the same person is left as it is (no double credit);
// done by someone else it is a *StateError. A missed assignment done late
// still counts.
func Done(a *Assignment, l *Ledger, by string, at time.Time) error {
	if err := checkID("done_by", by); err != nil {
		return err
	}
	if a.Status == AssignmentDone {
		if a.DoneBy == by {
			return nil
		}
		return &StateError{What: fmt.Sprintf("assignment %s already done", a.ID), By: a.DoneBy, AtRFC: a.DoneAt.Format(time.RFC3339)}
	}
	a.Status, a.DoneBy, a.DoneAt, a.UpdatedAt = AssignmentDone, by, at, at
	l.Credit(by, a.Effort, at)
	return nil
}

// CantToday records that the holder cannot do the assignment: it is
// offered to the housemates (see Reassign) and stays theirs until someone
// takes it. Saying it again changes nothing. Only the holder may say it
// (ErrForbidden); a closed assignment is a *StateError. Nothing is
// deducted: "can't today" is kept only as a signal for early warning.
func CantToday(a *Assignment, by string, at time.Time) error {
	if by != a.PersonID {
		return fmt.Errorf("assignment %s is not %s's: %w", a.ID, by, ErrForbidden)
	}
	if a.Status == AssignmentCant {
		return nil
	}
	if !a.Status.Open() {
		return &StateError{What: fmt.Sprintf("assignment %s is %s", a.ID, a.Status)}
	}
	a.Status, a.CantBy, a.CantAt, a.UpdatedAt = AssignmentCant, by, at, at
	return nil
}

// Reassign gives an offered assignment (after CantToday) to the housemate
// to who took it up: taking it is their acceptance. to must be an active
// member other than the holder (ErrInvalid); the assignment must still be
// on offer and not past its day (a *StateError). The ledger is untouched:
// whoever does the work gets the points on Done.
func Reassign(a *Assignment, to string, members []RotaMember, at time.Time) error {
	if to == a.PersonID || !slices.Contains(activeIDs(members), to) {
		return invalid("person_id", "%q is not another active member of the rota", to)
	}
	if a.Status != AssignmentCant {
		return &StateError{What: fmt.Sprintf("assignment %s is %s, not on offer", a.ID, a.Status)}
	}
	if a.Overdue(at) {
		return &StateError{What: fmt.Sprintf("assignment %s was due %s", a.ID, a.Due.Format(time.DateOnly))}
	}
	a.PersonID, a.Status, a.UpdatedAt = to, AssignmentSwapped, at
	return nil
}

// MarkMissed records that an open assignment's day passed undone. It is a
// signal for early warning, never a mark against anyone: the ledger is
// untouched. Marking it again changes nothing; an assignment done, or not
// yet overdue at time at, is a *StateError.
func MarkMissed(a *Assignment, at time.Time) error {
	if a.Status == AssignmentMissed {
		return nil
	}
	if !a.Overdue(at) {
		return &StateError{What: fmt.Sprintf("assignment %s is %s and not overdue", a.ID, a.Status)}
	}
	a.Status, a.MissedAt, a.UpdatedAt = AssignmentMissed, at, at
	return nil
}

// Ledger is a home's fairness ledger. Balance drives the rotation: the
// effort each member has done since joining, plus any catch-up on return
// from a pause (Resume). Months is what people see ("this month: Anna 6
// points, Luca 5"): effort actually done, by calendar month.
type Ledger struct {
	HomeID  string                    `json:"home_id"`
	Balance map[string]int            `json:"balance,omitempty"`
	Months  map[string]map[string]int `json:"months,omitempty"` // "2026-11" -> person id -> points
	Version int64                     `json:"version"`
}

// MonthKey returns the ledger's month for t, in t's location: "2026-11".
func MonthKey(t time.Time) string { return t.Format("2006-01") }

// Credit adds points to person's balance and to their total for the month
// of at (read in at's location).
func (l *Ledger) Credit(person string, points int, at time.Time) {
	if l.Balance == nil {
		l.Balance = make(map[string]int)
	}
	if l.Months == nil {
		l.Months = make(map[string]map[string]int)
	}
	m := MonthKey(at)
	if l.Months[m] == nil {
		l.Months[m] = make(map[string]int)
	}
	l.Balance[person] += points
	l.Months[m][person] += points
}

// Resume brings person, back from a pause or newly arrived, level with the
// others: their balance is raised to the smallest balance among the other
// active members, never lowered. They neither owe the work done while
// they were away nor lose the extra they had done before; the months
// people see are untouched. Call it when a pause ends, before the next
// AssignWeek. With no other active member it changes nothing.
func (l *Ledger) Resume(person string, members []RotaMember) {
	floor, ok := 0, false
	for _, id := range activeIDs(members) {
		if id == person {
			continue
		}
		if b := l.Balance[id]; !ok || b < floor {
			floor, ok = b, true
		}
	}
	if !ok || l.Balance[person] >= floor {
		return
	}
	if l.Balance == nil {
		l.Balance = make(map[string]int)
	}
	l.Balance[person] = floor
}

// startingLoads returns each active member's balance; members with no
// entry start at the smallest balance among those who have one.
func (l *Ledger) startingLoads(active []string) map[string]int {
	load := make(map[string]int, len(active))
	floor, ok := 0, false
	for _, id := range active {
		if b, has := l.Balance[id]; has && (!ok || b < floor) {
			floor, ok = b, true
		}
	}
	for _, id := range active {
		if b, has := l.Balance[id]; has {
			load[id] = b
		} else {
			load[id] = floor
		}
	}
	return load
}

// LedgerLine is one person's points in a month.
type LedgerLine struct {
	PersonID string `json:"person_id"`
	Points   int    `json:"points"`
}

// Month returns the points of month ("2026-11"), most points first, then by
// person id.
func (l *Ledger) Month(month string) []LedgerLine {
	var lines []LedgerLine
	for id, pts := range l.Months[month] {
		lines = append(lines, LedgerLine{PersonID: id, Points: pts})
	}
	slices.SortFunc(lines, func(a, b LedgerLine) int {
		if a.Points != b.Points {
			return b.Points - a.Points
		}
		return strings.Compare(a.PersonID, b.PersonID)
	})
	return lines
}

// SwapStatus is where a swap request stands.
type SwapStatus string

// The swap statuses.
const (
	SwapPending  SwapStatus = "pending"
	SwapAccepted SwapStatus = "accepted"
	SwapRefused  SwapStatus = "refused"
)

// Swap is one resident asking another to take over an assignment,
// optionally taking one of theirs in exchange. Nothing changes until the
// other accepts.
type Swap struct {
	ID           string     `json:"id"`
	HomeID       string     `json:"home_id"`
	AssignmentID string     `json:"assignment_id"`          // the asker's assignment
	InReturnID   string     `json:"in_return_id,omitempty"` // the other's assignment the asker takes, if any
	From         string     `json:"from"`                   // who asks
	To           string     `json:"to"`                     // who is asked
	Status       SwapStatus `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	AnsweredAt   time.Time  `json:"answered_at,omitzero"`
	Version      int64      `json:"version"`
}

// ProposeSwap returns a pending request from a's holder to to, who is
// asked to take a over; if inReturn is not nil, the holder offers to take
// that assignment of to's in exchange. to must be another active member
// (ErrInvalid), inReturn must be to's and open (ErrInvalid), and a must be
// open and not past its day (a *StateError). id names the request; the
// store assigns one when it is empty.
func ProposeSwap(id string, a Assignment, inReturn *Assignment, to string, members []RotaMember, at time.Time) (Swap, error) {
	if to == a.PersonID || !slices.Contains(activeIDs(members), to) {
		return Swap{}, invalid("to", "%q is not another active member of the rota", to)
	}
	if !a.Status.Open() || a.Overdue(at) {
		return Swap{}, &StateError{What: fmt.Sprintf("assignment %s is %s, due %s", a.ID, a.Status, a.Due.Format(time.DateOnly))}
	}
	s := Swap{ID: id, HomeID: a.HomeID, AssignmentID: a.ID, From: a.PersonID, To: to, Status: SwapPending, CreatedAt: at}
	if inReturn != nil {
		if inReturn.PersonID != to || !inReturn.Status.Open() || inReturn.ID == a.ID {
			return Swap{}, invalid("in_return_id", "%s is not an open assignment of %s", inReturn.ID, to)
		}
		s.InReturnID = inReturn.ID
	}
	return s, nil
}

// AcceptSwap applies to's acceptance of s: a (the asker's assignment) goes
// to s.To and, in an exchange, inReturn goes to s.From, both marked
// swapped. Only s.To may accept (ErrForbidden). Accepting again changes
// nothing. A request already refused, or whose assignments changed hands,
// closed or passed their day meanwhile, is a *StateError and changes
// nothing. The ledger is untouched: each gets the points for what they do.
func AcceptSwap(s *Swap, a, inReturn *Assignment, by string, at time.Time) error {
	if by != s.To {
		return fmt.Errorf("swap %s was asked of %s, not %s: %w", s.ID, s.To, by, ErrForbidden)
	}
	switch s.Status {
	case SwapAccepted:
		return nil
	case SwapRefused:
		return &StateError{What: fmt.Sprintf("swap %s was refused", s.ID), By: s.To, AtRFC: s.AnsweredAt.Format(time.RFC3339)}
	}
	if err := swapStillHolds(a, s.AssignmentID, s.From, at); err != nil {
		return err
	}
	if s.InReturnID != "" {
		if inReturn == nil {
			return fmt.Errorf("swap %s: assignment %s not given: %w", s.ID, s.InReturnID, ErrInvalid)
		}
		if err := swapStillHolds(inReturn, s.InReturnID, s.To, at); err != nil {
			return err
		}
		inReturn.PersonID, inReturn.Status, inReturn.UpdatedAt = s.From, AssignmentSwapped, at
	}
	a.PersonID, a.Status, a.UpdatedAt = s.To, AssignmentSwapped, at
	s.Status, s.AnsweredAt = SwapAccepted, at
	return nil
}

// swapStillHolds checks that a is the assignment id, still open, held by
// holder and not past its day.
func swapStillHolds(a *Assignment, id, holder string, at time.Time) error {
	if a.ID != id {
		return fmt.Errorf("assignment %s given for %s: %w", a.ID, id, ErrInvalid)
	}
	if a.PersonID != holder || !a.Status.Open() || a.Overdue(at) {
		return &StateError{What: fmt.Sprintf("assignment %s changed since the swap was asked (now %s, %s)", a.ID, a.PersonID, a.Status)}
	}
	return nil
}

// RefuseSwap records that s.To declined. Nothing else changes: the asker
// keeps the assignment (still on offer to the others if they said "can't
// today"), and no one is marked for refusing. Only s.To may refuse
// (ErrForbidden); refusing again changes nothing; a request already
// accepted is a *StateError.
func RefuseSwap(s *Swap, by string, at time.Time) error {
	if by != s.To {
		return fmt.Errorf("swap %s was asked of %s, not %s: %w", s.ID, s.To, by, ErrForbidden)
	}
	switch s.Status {
	case SwapRefused:
		return nil
	case SwapAccepted:
		return &StateError{What: fmt.Sprintf("swap %s was accepted", s.ID), By: s.To, AtRFC: s.AnsweredAt.Format(time.RFC3339)}
	}
	s.Status, s.AnsweredAt = SwapRefused, at
	return nil
}
