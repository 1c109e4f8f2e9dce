package boltstore

import (
	"fmt"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// compactTxSize bounds the size of one write transaction while compacting.
const compactTxSize = 4 << 20

// compact rewrites the data file with its live records only. bbolt never
// overwrites a page in place: a changed or deleted record's old bytes stay
// in free pages until they are reused, so an erasure, a retention run or a
// key rotation is only complete on disk once the file is compacted. The
// store is unavailable meanwhile; other callers wait. The file is briefly
// unlocked between closing the old file and opening the new one.
func (s *Store) compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp := s.path + ".compact"
	if err := os.Remove(tmp); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("compact: %w", err)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: s.opts.Timeout})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := bolt.Compact(dst, s.db, compactTxSize); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", err)
	}
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: close: %w", err)
	}
	renameErr := os.Rename(tmp, s.path)
	db, err := s.openDB()
	if err != nil {
		return fmt.Errorf("compact: reopen: %w", err)
	}
	s.db = db
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact: %w", renameErr)
	}
	return syncDir(filepath.Dir(s.path))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("compact: sync %s: %w", dir, err)
	}
	return nil
}
