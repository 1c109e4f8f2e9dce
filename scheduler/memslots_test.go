package scheduler

import (
	"context"
	"sync"
	"time"
)

// memSlots is an in-memory SlotStore, safe for concurrent use. Claims
// expire by the time package's clock, which synctest virtualises.
type memSlots struct {
	mu        sync.Mutex
	claims    map[string]time.Time // job:slot -> expiry
	completed map[string]string    // job -> last completed slot
}

var _ SlotStore = (*memSlots)(nil)

func newMemSlots() *memSlots {
	return &memSlots{claims: map[string]time.Time{}, completed: map[string]string{}}
}

func (m *memSlots) ClaimSlot(_ context.Context, job, slot string, ttl time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := job + ":" + slot
	now := time.Now()
	if exp, ok := m.claims[key]; ok && now.Before(exp) {
		return false, nil
	}
	m.claims[key] = now.Add(ttl)
	return true, nil
}

func (m *memSlots) LastCompleted(_ context.Context, job string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.completed[job], nil
}

func (m *memSlots) SetCompleted(_ context.Context, job, slot string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if slot > m.completed[job] {
		m.completed[job] = slot
	}
	return nil
}
