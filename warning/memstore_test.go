package warning_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// memStore is an in-memory warning.Store for unit tests. It keeps the
// stores' version rule for alerts and events, copies records in and out
// (through JSON, as the real stores do) and ignores state ttls.
type memStore struct {
	mu          sync.Mutex
	placements  map[string]housing.Placement
	people      map[string]housing.Person
	care        map[string]housing.CareInfo
	audit       []housing.AuditEntry
	state       map[string][]byte
	checkIns    []housing.CheckIn
	assignments []housing.Assignment
	outings     []housing.Outing
	events      map[string]housing.Event
	alerts      map[string]housing.Alert
	risk        map[string][]housing.Risk
	n           int
	// beforeCreate, if set, is called before an alert is created
	// (PutAlert with Version 0), outside the lock.
	beforeCreate func()
}

var _ warning.Store = (*memStore)(nil)

func newMemStore() *memStore {
	return &memStore{
		placements: make(map[string]housing.Placement), people: make(map[string]housing.Person),
		care: make(map[string]housing.CareInfo), state: make(map[string][]byte),
		events: make(map[string]housing.Event), alerts: make(map[string]housing.Alert),
		risk: make(map[string][]housing.Risk),
	}
}

// clone copies v through JSON, so that no slice is shared with the caller.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// sorted returns the values of m that match, ordered by cmpFn.
func sorted[T any](vs []T, match func(*T) bool, cmpFn func(a, b T) int) []T {
	var out []T
	for i := range vs {
		if match(&vs[i]) {
			out = append(out, clone(vs[i]))
		}
	}
	slices.SortFunc(out, cmpFn)
	return out
}

func values[T any](m map[string]T) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func notFound(what, id string) error {
	return fmt.Errorf("mem: %s %s: %w", what, id, housing.ErrNotFound)
}

func (m *memStore) ListPlacements(_ context.Context, f housing.PlacementFilter) ([]housing.Placement, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(values(m.placements), f.Match, func(a, b housing.Placement) int { return strings.Compare(a.ID, b.ID) }), nil
}

func (m *memStore) Placement(_ context.Context, id string) (housing.Placement, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.placements[id]
	if !ok {
		return p, notFound("placement", id)
	}
	return clone(p), nil
}

func (m *memStore) Person(_ context.Context, id string) (housing.Person, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.people[id]
	if !ok {
		return p, notFound("person", id)
	}
	return p, nil
}

func (m *memStore) ListPeople(_ context.Context, f housing.PersonFilter) ([]housing.Person, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(values(m.people), f.Match, func(a, b housing.Person) int { return strings.Compare(a.ID, b.ID) }), nil
}

func (m *memStore) CareInfo(_ context.Context, id string) (housing.CareInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.care[id]
	if !ok {
		return c, notFound("care info", id)
	}
	return clone(c), nil
}

func (m *memStore) AppendAudit(_ context.Context, e *housing.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e.Seq = int64(len(m.audit) + 1)
	m.audit = append(m.audit, *e)
	return nil
}

func (m *memStore) GetState(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.state[key]
	if !ok {
		return nil, notFound("state", key)
	}
	return slices.Clone(v), nil
}

func (m *memStore) PutState(_ context.Context, key string, v []byte, _ time.Duration) error {
	if !housing.ValidStateKey(key) {
		return fmt.Errorf("mem: state key %q: %w", key, housing.ErrInvalid)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state[key] = slices.Clone(v)
	return nil
}

func (m *memStore) CheckIns(_ context.Context, f housing.CheckInFilter) ([]housing.CheckIn, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(m.checkIns, f.Match, func(a, b housing.CheckIn) int {
		return cmp.Or(strings.Compare(a.Week, b.Week), strings.Compare(a.ID, b.ID))
	}), nil
}

func (m *memStore) Assignments(_ context.Context, f housing.AssignmentFilter) ([]housing.Assignment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(m.assignments, f.Match, func(a, b housing.Assignment) int {
		return cmp.Or(a.Due.Compare(b.Due), strings.Compare(a.ID, b.ID))
	}), nil
}

func (m *memStore) Outings(_ context.Context, f housing.OutingFilter) ([]housing.Outing, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(m.outings, f.Match, func(a, b housing.Outing) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	}), nil
}

func (m *memStore) PutEvent(_ context.Context, e *housing.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if e.ID == "" {
		m.n++
		e.ID = fmt.Sprintf("ev_%d", m.n)
	}
	if old, ok := m.events[e.ID]; ok != (e.Version > 0) || ok && old.Version != e.Version {
		return fmt.Errorf("mem: event %s: %w", e.ID, housing.ErrConflict)
	}
	e.Version++
	m.events[e.ID] = clone(*e)
	return nil
}

func (m *memStore) Events(_ context.Context, f housing.EventFilter) ([]housing.Event, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(values(m.events), f.Match, func(a, b housing.Event) int {
		return cmp.Or(a.At.Compare(b.At), strings.Compare(a.ID, b.ID))
	}), nil
}

func (m *memStore) PutAlert(_ context.Context, a *housing.Alert) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if m.beforeCreate != nil && a.Version == 0 {
		m.beforeCreate()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if a.ID == "" {
		m.n++
		a.ID = fmt.Sprintf("al_%d", m.n)
	}
	if old, ok := m.alerts[a.ID]; ok != (a.Version > 0) || ok && old.Version != a.Version {
		return fmt.Errorf("mem: alert %s: %w", a.ID, housing.ErrConflict)
	}
	a.Version++
	m.alerts[a.ID] = clone(*a)
	return nil
}

func (m *memStore) Alert(_ context.Context, id string) (housing.Alert, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.alerts[id]
	if !ok {
		return a, notFound("alert", id)
	}
	return clone(a), nil
}

func (m *memStore) Alerts(_ context.Context, f housing.AlertFilter) ([]housing.Alert, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(values(m.alerts), f.Match, func(a, b housing.Alert) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	}), nil
}

func (m *memStore) AppendRisk(_ context.Context, r housing.Risk) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := slices.DeleteFunc(m.risk[r.PlacementID], func(x housing.Risk) bool { return x.At.Equal(r.At) })
	h = append(h, clone(r))
	slices.SortFunc(h, func(a, b housing.Risk) int { return a.At.Compare(b.At) })
	m.risk[r.PlacementID] = h
	return nil
}

func (m *memStore) RiskHistory(_ context.Context, id string, since time.Time) ([]housing.Risk, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return sorted(m.risk[id], func(r *housing.Risk) bool { return !r.At.Before(since) },
		func(a, b housing.Risk) int { return a.At.Compare(b.At) }), nil
}

// barrier returns a function that blocks until n callers have called it,
// then lets them all go, and starts over.
func barrier(n int) func() {
	var mu sync.Mutex
	waiting, ch := 0, make(chan struct{})
	return func() {
		mu.Lock()
		c := ch
		if waiting++; waiting == n {
			close(ch)
			waiting, ch = 0, make(chan struct{})
		}
		mu.Unlock()
		<-c
	}
}
