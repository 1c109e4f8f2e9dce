package scheduler

import (
	"bytes"
	"context"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Rome without the system's zoneinfo
)

// rome returns the Europe/Rome location.
func rome(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatalf("LoadLocation(Europe/Rome) = %v", err)
	}
	return loc
}

// stamp formats a time with its offset, to minute precision.
const stamp = "2006-01-02T15:04Z07:00"

// ran is one run of a job as a test records it.
type ran struct {
	Slot string // the slot's scheduled time, with offset
	At   string // the moment the run started, with offset
}

// recorder collects the runs of jobs, by job name.
type recorder struct {
	loc  *time.Location
	mu   sync.Mutex
	runs map[string][]ran
}

func newRecorder(loc *time.Location) *recorder {
	return &recorder{loc: loc, runs: map[string][]ran{}}
}

// job returns a Run function that records its slot and then calls then, if
// then is not nil.
func (r *recorder) job(then func(ctx context.Context, slot Slot) error) func(context.Context, Slot) error {
	return func(ctx context.Context, slot Slot) error {
		r.mu.Lock()
		r.runs[slot.Job] = append(r.runs[slot.Job], ran{
			Slot: slot.Time.Format(stamp),
			At:   time.Now().In(r.loc).Format(stamp),
		})
		r.mu.Unlock()
		if then != nil {
			return then(ctx, slot)
		}
		return nil
	}
}

// get returns the runs recorded so far, each job's sorted by slot.
func (r *recorder) get() map[string][]ran {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string][]ran, len(r.runs))
	for name, runs := range r.runs {
		runs = append([]ran(nil), runs...)
		sort.Slice(runs, func(a, b int) bool { return runs[a].Slot < runs[b].Slot })
		out[name] = runs
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLogger returns a logger that writes text to a buffer it also returns.
func newLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// mustNew returns New's scheduler or fails the test.
func mustNew(t *testing.T, jobs []Job, store SlotStore, loc *time.Location, logger *slog.Logger, opts ...Option) *Scheduler {
	t.Helper()
	s, err := New(jobs, store, loc, logger, opts...)
	if err != nil {
		t.Fatalf("New(%d jobs) = %v", len(jobs), err)
	}
	return s
}

// start runs s until the returned stop function is called; stop waits for
// Run to return and fails the test if Run returned an error.
func start(t *testing.T, s *Scheduler) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run() = %v; want nil", err)
		}
	}
}

// sleepUntil sleeps until the wall clock reads at; inside a synctest bubble
// that takes no real time.
func sleepUntil(at time.Time) { time.Sleep(time.Until(at)) }
