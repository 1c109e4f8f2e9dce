package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/redisstore"
)

// openStore opens Redis when CONVIVO_REDIS_URL is set, and the embedded
// file at CONVIVO_DATA otherwise, with the data keyring (loadKeyring).
// Data already sealed and no key, or the wrong key, is a one-line error
// wrapping seal.ErrNoKey, seal.ErrUnknownKey or seal.ErrWrongKey.
func openStore(ctx context.Context, cfg Config) (housing.Store, error) {
	keys, err := loadKeyring(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.RedisURL != "" {
		s, err := redisstore.Open(ctx, cfg.RedisURL, redisstore.Options{Namespace: cfg.RedisPrefix, Keyring: keys})
		if err != nil {
			return nil, fmt.Errorf("open redis store: %w", err)
		}
		return s, nil
	}
	s, err := boltstore.Open(cfg.DataPath, boltstore.Options{Timeout: 300 * time.Millisecond, Keyring: keys})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", cfg.DataPath, err)
	}
	return s, nil
}

// withStore opens the store, runs fn and closes the store, keeping the
// first error. Inside `convivo serve` it uses the service's store. When the
// embedded file is held by a running `convivo serve`, it returns
// errForward so that the command is sent to that service instead.
func withStore(ctx context.Context, e *env, fn func(housing.Store) error) (err error) {
	if e.store != nil {
		return fn(e.store)
	}
	s, err := openStore(ctx, e.cfg)
	if errors.Is(err, boltstore.ErrLocked) {
		return errForward
	}
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	return fn(s)
}

// storeFlags registers the flags that override where the store is.
func storeFlags(e *env, fs interface {
	StringVar(p *string, name, value, usage string)
}) {
	fs.StringVar(&e.cfg.DataPath, "data", e.cfg.DataPath, "embedded store file (CONVIVO_DATA)")
	fs.StringVar(&e.cfg.RedisURL, "redis-url", e.cfg.RedisURL, "Redis URL; overrides --data (CONVIVO_REDIS_URL)")
}
