package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/convivo/convivo/housing"
)

// memState is an in-memory LeaseStore whose TTLs run on the time
// package's clock (virtual inside a synctest bubble). down makes every call
// fail, as for a replica cut off from the store.
type memState struct {
	mu   sync.Mutex
	vals map[string]memValue
	down atomic.Bool
}

type memValue struct {
	v       []byte
	expires time.Time // zero: never
}

var errDown = errors.New("store unreachable")

func newMemState() *memState { return &memState{vals: map[string]memValue{}} }

func (m *memState) getLocked(key string) ([]byte, bool) {
	e, ok := m.vals[key]
	if !ok || !e.expires.IsZero() && !time.Now().Before(e.expires) {
		return nil, false
	}
	return e.v, true
}

func (m *memState) GetState(_ context.Context, key string) ([]byte, error) {
	if m.down.Load() {
		return nil, errDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.getLocked(key); ok {
		return v, nil
	}
	return nil, housing.ErrNotFound
}

func (m *memState) PutState(_ context.Context, key string, v []byte, ttl time.Duration) error {
	if m.down.Load() {
		return errDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := memValue{v: v}
	if ttl > 0 {
		e.expires = time.Now().Add(ttl)
	}
	m.vals[key] = e
	return nil
}

func (m *memState) ClaimState(ctx context.Context, key string, v []byte, ttl time.Duration) (bool, error) {
	if m.down.Load() {
		return false, errDown
	}
	m.mu.Lock()
	if _, ok := m.getLocked(key); ok {
		m.mu.Unlock()
		return false, nil
	}
	m.mu.Unlock()
	return true, m.PutState(ctx, key, v, ttl)
}

func (m *memState) DeleteState(_ context.Context, key string) error {
	if m.down.Load() {
		return errDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.vals, key)
	return nil
}

// splitStore lets one replica lose the store while the other keeps it.
type splitStore struct {
	*memState
	cut atomic.Bool
}

func (s *splitStore) GetState(ctx context.Context, key string) ([]byte, error) {
	if s.cut.Load() {
		return nil, errDown
	}
	return s.memState.GetState(ctx, key)
}

func (s *splitStore) PutState(ctx context.Context, key string, v []byte, ttl time.Duration) error {
	if s.cut.Load() {
		return errDown
	}
	return s.memState.PutState(ctx, key, v, ttl)
}

func (s *splitStore) ClaimState(ctx context.Context, key string, v []byte, ttl time.Duration) (bool, error) {
	if s.cut.Load() {
		return false, errDown
	}
	return s.memState.ClaimState(ctx, key, v, ttl)
}

// replicas records which replicas run the job, and fails the test if two
// ever run it at once.
type replicas struct {
	t       *testing.T
	mu      sync.Mutex
	running map[string]bool
	started map[string]time.Time
}

func (r *replicas) job(name string) func(context.Context) error {
	return func(ctx context.Context) error {
		r.mu.Lock()
		for other, on := range r.running {
			if on {
				r.t.Errorf("%s started while %s runs", name, other)
			}
		}
		r.running[name] = true
		r.started[name] = time.Now()
		r.mu.Unlock()
		<-ctx.Done()
		r.mu.Lock()
		r.running[name] = false
		r.mu.Unlock()
		return nil
	}
}

func (r *replicas) startedAt(name string) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.started[name]
}

// runLease runs l.Run(fn) in the bubble; the returned stop cancels it and
// returns Run's error.
func runLease(l *Lease, fn func(context.Context) error) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- l.Run(ctx, fn) }()
	return func() error {
		cancel()
		return <-errc
	}
}

var testLeaseCfg = LeaseConfig{TTL: 30 * time.Second, Renew: 10 * time.Second}

func TestLeaseOneHolderThenGracefulHandover(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := newMemState()
		r := &replicas{t: t, running: map[string]bool{}, started: map[string]time.Time{}}
		a := NewLease(st, PollLeaseKey, "a", slog.New(slog.DiscardHandler), testLeaseCfg)
		b := NewLease(st, PollLeaseKey, "b", slog.New(slog.DiscardHandler), testLeaseCfg)
		stopA := runLease(a, r.job("a"))
		synctest.Wait()
		stopB := runLease(b, r.job("b"))
		time.Sleep(5 * time.Minute)
		if !a.Held() || b.Held() {
			t.Fatalf("after 5 min: a.Held() = %v, b.Held() = %v; want true, false", a.Held(), b.Held())
		}
		stoppedAt := time.Now()
		if err := stopA(); err != nil {
			t.Errorf("a.Run = %v; want nil", err)
		}
		time.Sleep(time.Minute)
		if took := r.startedAt("b").Sub(stoppedAt); !b.Held() || took > testLeaseCfg.Renew {
			t.Errorf("b.Held() = %v, %v after a stopped; want true within %v", b.Held(), took, testLeaseCfg.Renew)
		}
		if err := stopB(); err != nil {
			t.Errorf("b.Run = %v; want nil", err)
		}
		if _, err := st.GetState(context.Background(), PollLeaseKey); !errors.Is(err, housing.ErrNotFound) {
			t.Errorf("lease after both stopped: %v; want released", err)
		}
	})
}

func TestLeaseTakeoverWhenHolderIsCutOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := newMemState()
		aStore := &splitStore{memState: st}
		r := &replicas{t: t, running: map[string]bool{}, started: map[string]time.Time{}}
		a := NewLease(aStore, PollLeaseKey, "a", slog.New(slog.DiscardHandler), testLeaseCfg)
		b := NewLease(st, PollLeaseKey, "b", slog.New(slog.DiscardHandler), testLeaseCfg)
		stopA := runLease(a, r.job("a"))
		synctest.Wait()
		stopB := runLease(b, r.job("b"))
		time.Sleep(time.Minute)
		cutAt := time.Now()
		aStore.cut.Store(true) // a can neither renew nor release
		time.Sleep(2 * time.Minute)
		if a.Held() {
			t.Errorf("a still holds the lease 2 min after losing the store")
		}
		took := r.startedAt("b").Sub(cutAt)
		if !b.Held() || took > testLeaseCfg.TTL+testLeaseCfg.Renew {
			t.Errorf("b.Held() = %v, %v after a was cut off; want true within %v", b.Held(), took, testLeaseCfg.TTL+testLeaseCfg.Renew)
		}
		_ = stopA()
		_ = stopB()
	})
}

func TestLeaseJobErrorEndsRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := newMemState()
		l := NewLease(st, PollLeaseKey, "a", slog.New(slog.DiscardHandler), testLeaseCfg)
		boom := errors.New("boom")
		err := l.Run(context.Background(), func(context.Context) error { return boom })
		if !errors.Is(err, boom) {
			t.Errorf("Run = %v; want the job's error", err)
		}
		if _, err := st.GetState(context.Background(), PollLeaseKey); !errors.Is(err, housing.ErrNotFound) {
			t.Errorf("lease after the job failed: %v; want released", err)
		}
	})
}

func TestLeaseKeptAcrossRestartOfSameHolder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := newMemState()
		if err := st.PutState(context.Background(), PollLeaseKey, []byte("a"), time.Minute); err != nil {
			t.Fatal(err)
		}
		l := NewLease(st, PollLeaseKey, "a", slog.New(slog.DiscardHandler), testLeaseCfg)
		r := &replicas{t: t, running: map[string]bool{}, started: map[string]time.Time{}}
		start := time.Now()
		stop := runLease(l, r.job("a"))
		synctest.Wait()
		if !l.Held() || r.startedAt("a") != start {
			t.Errorf("Held() = %v at %v; want the lease it held before at once", l.Held(), r.startedAt("a").Sub(start))
		}
		_ = stop()
	})
}
