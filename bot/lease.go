package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/convivo/convivo/housing"
)

// PollLeaseKey is the StateStore key of the lease that lets one replica
// poll Telegram.
const PollLeaseKey = "bot:poll-lease"

// LeaseStore is where a Lease lives: housing.StateStore implements it.
// GetState returns housing.ErrNotFound for a missing or expired key.
type LeaseStore interface {
	GetState(ctx context.Context, key string) ([]byte, error)
	PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error
	ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	DeleteState(ctx context.Context, key string) error
}

// LeaseConfig tunes a Lease; zero fields take the defaults.
type LeaseConfig struct {
	// TTL is how long the lease lasts unless renewed (30 s): a replica
	// that dies is replaced within TTL + Renew.
	TTL time.Duration
	// Renew is how often the holder renews the lease, and how often the
	// others try to take it (10 s); at most TTL/2.
	Renew time.Duration
}

func (c LeaseConfig) withDefaults() LeaseConfig {
	c.TTL = orDefault(c.TTL, 30*time.Second)
	c.Renew = min(orDefault(c.Renew, 10*time.Second), c.TTL/2)
	return c
}

// Lease lets one of several replicas sharing a store do a job at a time
// (poll Telegram, which answers 409 to a second concurrent getUpdates).
// The holder's id is stored under the key with a TTL: ClaimState takes a
// free (or expired) lease, and the holder renews it every Renew with
// GetState and PutState while its id is still there.
//
// Renewal is not atomic: if the holder is late by more than TTL-Renew, the
// lease can expire and be taken between its GetState and PutState, and its
// PutState then overwrites the new holder's id. Both then run the job
// until the new holder's next renewal, at most Renew later, finds another
// id and stops. For polling this is harmless: Telegram answers 409 to one
// of two concurrent getUpdates, both pollers share the offset watermark in
// the store, and an update handled twice meets the handlers' version
// checks, as after a crash.
type Lease struct {
	store  LeaseStore
	key    string
	holder []byte
	logger *slog.Logger
	cfg    LeaseConfig

	held      atomic.Bool
	lastRenew time.Time // when the store last confirmed the lease; only Run's goroutine uses it
}

// NewLease returns a Lease under key for the replica named holder (unique
// among the replicas, e.g. host name and a random suffix).
func NewLease(store LeaseStore, key, holder string, logger *slog.Logger, cfg LeaseConfig) *Lease {
	return &Lease{store: store, key: key, holder: []byte(holder), logger: logger, cfg: cfg.withDefaults()}
}

// Held reports whether this replica holds the lease now.
func (l *Lease) Held() bool { return l.held.Load() }

// Run takes the lease as soon as it is free and runs fn while holding it:
// fn's context ends when the lease is lost or ctx ends, and Run waits for
// fn to return before releasing it. Then it waits for the lease again.
// Run returns nil when ctx ends, or fn's error when fn fails on its own.
// Store errors are logged and retried.
func (l *Lease) Run(ctx context.Context, fn func(context.Context) error) error {
	for ctx.Err() == nil {
		ok, err := l.acquire(ctx)
		if err != nil && ctx.Err() == nil {
			l.logger.Warn("bot: take lease", slog.String("key", l.key), slog.Any("err", err))
		}
		if ok {
			if err := l.hold(ctx, fn); err != nil {
				return err
			}
		}
		if SystemClock().Sleep(ctx, l.cfg.Renew) != nil {
			break
		}
	}
	return nil
}

// acquire takes the lease if it is free, or still ours from before.
func (l *Lease) acquire(ctx context.Context) (bool, error) {
	claimed, err := l.store.ClaimState(ctx, l.key, l.holder, l.cfg.TTL)
	if err != nil {
		return false, fmt.Errorf("bot: claim %s: %w", l.key, err)
	}
	if !claimed {
		v, err := l.store.GetState(ctx, l.key)
		if err != nil || string(v) != string(l.holder) {
			return false, nil
		}
		if err := l.store.PutState(ctx, l.key, l.holder, l.cfg.TTL); err != nil {
			return false, fmt.Errorf("bot: renew %s: %w", l.key, err)
		}
	}
	l.lastRenew = time.Now()
	return true, nil
}

// hold runs fn, renewing the lease, until fn returns, the lease is lost or
// ctx ends; then it releases the lease.
func (l *Lease) hold(ctx context.Context, fn func(context.Context) error) error {
	l.held.Store(true)
	l.logger.Info("bot: lease taken", slog.String("key", l.key), slog.String("holder", string(l.holder)))
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- fn(fctx) }()
	ticker := time.NewTicker(l.cfg.Renew)
	defer ticker.Stop()
	var err error
	for running := true; running; {
		select {
		case err = <-errc:
			running = false
		case <-ticker.C:
			if !l.renew(ctx) {
				l.logger.Warn("bot: lease lost", slog.String("key", l.key), slog.String("holder", string(l.holder)))
				cancel()
				err = <-errc
				running = false
			}
		case <-ctx.Done():
			err = <-errc
			running = false
		}
	}
	l.held.Store(false)
	l.release(context.WithoutCancel(ctx))
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// renew extends the lease and reports whether it is still ours. On a
// store error it keeps the lease only while it cannot have expired.
func (l *Lease) renew(ctx context.Context) bool {
	v, err := l.store.GetState(ctx, l.key)
	switch {
	case errors.Is(err, housing.ErrNotFound):
		ok, cerr := l.store.ClaimState(ctx, l.key, l.holder, l.cfg.TTL)
		if cerr == nil {
			if ok {
				l.lastRenew = time.Now()
			}
			return ok
		}
		err = cerr
	case err == nil && string(v) != string(l.holder):
		return false
	case err == nil:
		if err = l.store.PutState(ctx, l.key, l.holder, l.cfg.TTL); err == nil {
			l.lastRenew = time.Now()
			return true
		}
	}
	l.logger.Warn("bot: renew lease", slog.String("key", l.key), slog.Any("err", err))
	return time.Since(l.lastRenew)+l.cfg.Renew < l.cfg.TTL
}

// release deletes the lease if it is still ours, so that another replica
// takes it at its next try instead of after TTL.
func (l *Lease) release(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	v, err := l.store.GetState(ctx, l.key)
	if err != nil || string(v) != string(l.holder) {
		return
	}
	if err := l.store.DeleteState(ctx, l.key); err != nil {
		l.logger.Warn("bot: release lease", slog.String("key", l.key), slog.Any("err", err))
	}
}
