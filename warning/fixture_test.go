package warning_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// The synthetic household's people besides its residents.
const (
	homeID      = "h_1"
	worker      = "sw_1" // responsible for the three residents
	otherWorker = "sw_2" // a social worker of the district, responsible for nobody here
	mediator    = "med_1"
	pausedMed   = "med_3" // a mediator of the district on leave
	farMediator = "med_2" // a mediator of another district
	admin       = "adm_1"
)

// residents returns the household's residents.
func residents() []string { return []string{"anna", "luca", "marta"} }

func rome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// household is the synthetic flat of three of housing's risk tests, week
// by week from Monday 3 August 2026: each resident's weekly mood (0 =
// check-in unanswered) and how many of their three weekly chores they did
// (Monday, Wednesday, Friday). Every other Saturday all three go on an
// outing.
type household struct {
	loc    *time.Location
	start  time.Time
	moods  map[string][]int
	chores map[string][]int
}

// declining is housing's declining household: four healthy weeks, then
// six of decline. Anna's mood sinks from 4 to 2, everyone does fewer
// chores, and Marta stops answering in the last two weeks.
func declining(t testing.TB) household {
	return household{loc: rome(t), start: time.Date(2026, 8, 3, 0, 0, 0, 0, rome(t)),
		moods: map[string][]int{
			"anna":  {4, 4, 4, 4, 4, 3, 3, 2, 2, 2},
			"luca":  {4, 4, 4, 4, 4, 4, 3, 3, 3, 3},
			"marta": {4, 4, 4, 4, 4, 4, 4, 4, 0, 0},
		},
		chores: map[string][]int{
			"anna":  {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
			"luca":  {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
			"marta": {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
		}}
}

// healthy is housing's healthy household over ten weeks: moods of 3 to 5
// and two or three chores of three, with ups and downs.
func healthy(t testing.TB) household {
	h := household{loc: rome(t), start: time.Date(2026, 8, 3, 0, 0, 0, 0, rome(t)),
		moods: map[string][]int{}, chores: map[string][]int{}}
	for i, p := range residents() {
		for k := range 10 {
			h.moods[p] = append(h.moods[p], 3+(k+i)%3)
			h.chores[p] = append(h.chores[p], 2+(k+i)%2)
		}
	}
	return h
}

// day returns midnight of day d (0 = Monday) of week k.
func (h household) day(k, d int) time.Time { return h.start.AddDate(0, 0, 7*k+d) }

// night returns the nightly scan of day d of week k, at 03:00.
func (h household) night(k, d int) time.Time { return h.day(k, d).Add(3 * time.Hour) }

func person(id string, role housing.Role, district string, status housing.PersonStatus) housing.Person {
	return housing.Person{ID: id, Code: "BO-" + id, Role: role, DisplayName: "Name " + id, District: district,
		Language: housing.LangIT, Status: status, CreatedAt: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)}
}

// people returns the residents and the staff.
func (h household) people() []housing.Person {
	b, act := housing.DistrictBologna, housing.StatusActive
	return []housing.Person{
		person("anna", housing.RoleBeneficiary, b, act),
		person("luca", housing.RoleBeneficiary, b, act),
		person("marta", housing.RoleCoResident, b, act),
		person(worker, housing.RoleSocialWorker, b, act),
		person(otherWorker, housing.RoleSocialWorker, b, act),
		person(mediator, housing.RoleMediator, b, act),
		person(pausedMed, housing.RoleMediator, b, housing.StatusPaused),
		person(farMediator, housing.RoleMediator, housing.DistrictSavenaIdice, act),
		person(admin, housing.RoleAdmin, housing.DistrictBologna, act),
	}
}

// care returns the residents' care records: sw_1 follows the two
// beneficiaries; Marta, a co-resident, has nobody.
func (h household) care() []housing.CareInfo {
	return []housing.CareInfo{
		{PersonID: "anna", TargetGroup: housing.GroupCSM, ResponsibleWorkers: []string{worker}},
		{PersonID: "luca", TargetGroup: housing.GroupSerDP, ResponsibleWorkers: []string{worker}},
	}
}

// placement returns the household's placement, active since the start.
func (h household) placement(id string) housing.Placement {
	return housing.Placement{
		ID: id, HomeID: homeID, District: housing.DistrictBologna, Residents: residents(),
		Status: housing.PlacementActive, Start: h.start, ReviewDate: h.start.AddDate(0, 6, 0),
		ExitGoal: "own ERP flat", CreatedAt: h.start.AddDate(0, 0, -7), UpdatedAt: h.start,
	}
}

// checkIns returns every weekly check-in, answered on Sunday at 19:00.
func (h household) checkIns(plID string) []housing.CheckIn {
	var out []housing.CheckIn
	for _, p := range residents() {
		for k, mood := range h.moods[p] {
			sunday := h.day(k, 6).Add(19 * time.Hour)
			c := housing.CheckIn{ID: fmt.Sprintf("ci_%s_%s_%d", plID, p, k), PersonID: p, PlacementID: plID,
				Week: housing.ISOWeek(sunday, h.loc), At: sunday}
			if mood > 0 {
				c.Mood, c.Answered = mood, true
			}
			out = append(out, c)
		}
	}
	return out
}

// assignments returns every chore: done the evening it was due, or
// missed.
func (h household) assignments(home string) []housing.Assignment {
	var out []housing.Assignment
	for _, p := range residents() {
		for k, done := range h.chores[p] {
			for i, d := range []int{0, 2, 4} {
				a := housing.Assignment{ID: fmt.Sprintf("as_%s_%s_%d_%d", home, p, k, i), HomeID: home, TaskID: "t_1",
					Effort: 2, Due: h.day(k, d), AssignedTo: p, PersonID: p, Status: housing.AssignmentMissed}
				if i < done {
					a.Status, a.DoneBy, a.DoneAt = housing.AssignmentDone, p, a.Due.Add(18*time.Hour)
				}
				out = append(out, a)
			}
		}
	}
	return out
}

// outings returns an outing every other Saturday that all three attended.
func (h household) outings(prefix string) []housing.Outing {
	var out []housing.Outing
	for k := 0; k < len(h.moods["anna"]); k += 2 {
		o := housing.Outing{ID: fmt.Sprintf("o_%s_%d", prefix, k), Title: "Passeggiata", At: h.day(k, 5).Add(16 * time.Hour),
			Place: "Giardini Margherita", Organiser: mediator, Invitees: residents(), Attended: residents(),
			AttendanceBy: mediator, AttendanceAt: h.day(k, 5).Add(19 * time.Hour), Status: housing.OutingHeld}
		for _, p := range residents() {
			o.Replies = append(o.Replies, housing.Reply{PersonID: p, Answer: housing.AnswerYes, At: h.day(k, 1)})
		}
		out = append(out, o)
	}
	return out
}

// load fills m with the household as placement plID.
func (h household) load(m *memStore, plID string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range h.people() {
		m.people[p.ID] = p
	}
	for _, c := range h.care() {
		m.care[c.PersonID] = c
	}
	m.placements[plID] = h.placement(plID)
	m.checkIns = append(m.checkIns, h.checkIns(plID)...)
	m.assignments = append(m.assignments, h.assignments(homeID)...)
	m.outings = append(m.outings, h.outings(plID)...)
}

// stateWriter is where the bot keeps its state keys.
type stateWriter interface {
	PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// seen writes what the bot would: every resident last wrote to it 26
// hours before now.
func seen(t testing.TB, s stateWriter, now time.Time) {
	t.Helper()
	for _, p := range residents() {
		at := now.Add(-26 * time.Hour).UTC().Format(time.RFC3339)
		if err := s.PutState(t.Context(), warning.SeenKey(p), []byte(at), 0); err != nil {
			t.Fatal(err)
		}
	}
}

// message is one message the fake outbox accepted.
type message struct {
	Key     string
	Kind    string // "raised", or the role escalated to
	AlertID string
	Level   housing.AlertLevel
	To      housing.Person
	Reasons []string // "key/person"
}

// outbox is a fake Notifier that enqueues like the bot: one message per
// recipient under warning.AlertKey or warning.EscalationKey, a key it
// already holds being ignored, as the real outbox does.
type outbox struct {
	mu          sync.Mutex
	calls       int
	keys        map[string]bool
	msgs        []message
	pls         []housing.Placement // the placement of each call
	onRaised    func(a housing.Alert) error
	onEscalated func(a housing.Alert, step housing.Escalation) error
}

var _ warning.Notifier = (*outbox)(nil)

func newOutbox() *outbox { return &outbox{keys: make(map[string]bool)} }

func reasonIDs(rs []housing.Reason) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key+"/"+r.PersonID)
	}
	return out
}

func (o *outbox) AlertRaised(_ context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, _ []housing.Risk) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.onRaised != nil {
		if err := o.onRaised(a); err != nil {
			return err
		}
	}
	o.pls = append(o.pls, pl)
	for _, p := range to {
		o.enqueue(message{Key: warning.AlertKey(a.ID, p.ID), Kind: "raised", AlertID: a.ID, Level: a.Level, To: p, Reasons: reasonIDs(a.Reasons)})
	}
	return nil
}

func (o *outbox) AlertEscalated(_ context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, step housing.Escalation) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls++
	if o.onEscalated != nil {
		if err := o.onEscalated(a, step); err != nil {
			return err
		}
	}
	o.pls = append(o.pls, pl)
	for _, p := range to {
		o.enqueue(message{Key: warning.EscalationKey(a.ID, step.To, p.ID), Kind: string(step.To), AlertID: a.ID, Level: a.Level, To: p, Reasons: reasonIDs(a.Reasons)})
	}
	return nil
}

func (o *outbox) enqueue(m message) {
	if !o.keys[m.Key] {
		o.keys[m.Key] = true
		o.msgs = append(o.msgs, m)
	}
}

// messages returns the accepted messages so far.
func (o *outbox) messages() []message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.msgs)
}

// newService returns a Service on store with o, in Rome, whose clock
// reads the time *now holds.
func newService(t testing.TB, store warning.Store, o *outbox, cfg warning.Config) *warning.Service {
	t.Helper()
	if cfg.Location == nil {
		cfg.Location = rome(t)
	}
	s, err := warning.New(store, o, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// firstAlert scans the declining household on the night of its first
// alert and returns that alert.
func firstAlert(t *testing.T, h household, m *memStore, s *warning.Service) housing.Alert {
	t.Helper()
	now := h.night(8, 0)
	seen(t, m, now)
	if _, err := s.Scan(t.Context(), now); err != nil {
		t.Fatal(err)
	}
	as, err := m.Alerts(t.Context(), housing.AlertFilter{PlacementID: "pl_1"})
	if err != nil || len(as) != 1 {
		t.Fatalf("Alerts after the first alert night = %v, %v; want one", as, err)
	}
	return as[0]
}

// keys returns the keys of msgs.
func keys(msgs []message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Key)
	}
	return out
}

// who returns the person with id among the household's people.
func who(t *testing.T, h household, id string) housing.Person {
	t.Helper()
	for _, p := range h.people() {
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no person %s", id)
	return housing.Person{}
}
