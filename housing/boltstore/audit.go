package boltstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// anchorKey is the meta bucket's key of the audit anchor (JSON), set when
// retention prunes the log.
const anchorKey = "audit.anchor"

// seqKey returns the audit bucket's key for seq: 8 bytes, big-endian, so
// keys sort in Seq order.
func seqKey(seq int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(seq))
}

// seqID returns how the audit.subject index names entry seq: 16 hex
// digits, which sort in Seq order.
func seqID(seq int64) string { return fmt.Sprintf("%016x", seq) }

// AppendAudit appends an entry to the audit chain, setting its Seq,
// PrevHash and Hash from the last entry (or the anchor of a pruned log)
// in the same transaction, after replacing person ids with their
// pseudonyms (housing.PseudonymizeAudit).
func (s *Store) AppendAudit(ctx context.Context, e *housing.AuditEntry) error {
	r := *e
	if err := r.Validate(); err != nil {
		return fmt.Errorf("boltstore: append audit: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error { return appendAudit(tx, &r) })
	if err != nil {
		return fmt.Errorf("boltstore: append audit: %w", err)
	}
	*e = r
	return nil
}

// appendAudit is AppendAudit inside a write transaction.
func appendAudit(tx *bolt.Tx, r *housing.AuditEntry) error {
	if err := housing.PseudonymizeAudit(r, pseudonymizer(tx)); err != nil {
		return err
	}
	b := tx.Bucket([]byte(bucketAudit))
	anchor, err := loadAnchor(tx)
	if err != nil {
		return err
	}
	r.Seq, r.PrevHash = anchor.Seq+1, anchor.Hash
	if _, v := b.Cursor().Last(); v != nil {
		var last housing.AuditEntry
		if err := json.Unmarshal(v, &last); err != nil {
			return fmt.Errorf("decode last entry: %w", err)
		}
		r.Seq, r.PrevHash = last.Seq+1, last.Hash
	}
	r.Hash = r.ComputeHash()
	if err := reindex(tx, seqID(r.Seq), nil, index.Audit(r)); err != nil {
		return err
	}
	v, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode entry %d: %w", r.Seq, err)
	}
	return b.Put(seqKey(r.Seq), v)
}

// loadAnchor returns the audit anchor; the zero anchor when the log was
// never pruned.
func loadAnchor(tx *bolt.Tx) (housing.AuditAnchor, error) {
	var a housing.AuditAnchor
	v := tx.Bucket([]byte(bucketMeta)).Get([]byte(anchorKey))
	if v == nil {
		return a, nil
	}
	if err := json.Unmarshal(v, &a); err != nil {
		return a, fmt.Errorf("decode audit anchor: %w", err)
	}
	return a, nil
}

// AuditLog returns the entries matching f, in Seq order. With a Subject it
// reads the audit.subject index; otherwise it scans the whole log. A
// Subject or Actor that is a person id is looked up by its pseudonym.
func (s *Store) AuditLog(ctx context.Context, f housing.AuditFilter) ([]housing.AuditEntry, error) {
	var out []housing.AuditEntry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		f.Subject, f.Actor = pseudonymOr(tx, f.Subject), pseudonymOr(tx, f.Actor)
		b := tx.Bucket([]byte(bucketAudit))
		add := func(_, v []byte) error {
			var e housing.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode entry: %w", err)
			}
			if f.Match(&e) {
				out = append(out, e)
			}
			return nil
		}
		if f.Subject == "" {
			return b.ForEach(add)
		}
		for _, id := range lookup(tx, index.Entry{Index: index.AuditSubject, Value: f.Subject}) {
			seq, err := strconv.ParseInt(id, 16, 64)
			if err != nil {
				return fmt.Errorf("index %s: bad entry %q", index.AuditSubject, id)
			}
			v := b.Get(seqKey(seq))
			if v == nil {
				return fmt.Errorf("index %s points to missing entry %d", index.AuditSubject, seq)
			}
			if err := add(nil, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: audit log: %w", err)
	}
	return out, nil
}

// AuditChain returns the anchor and every entry, in Seq order, in one
// read transaction.
func (s *Store) AuditChain(ctx context.Context) (housing.AuditAnchor, []housing.AuditEntry, error) {
	var anchor housing.AuditAnchor
	var out []housing.AuditEntry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		if anchor, err = loadAnchor(tx); err != nil {
			return err
		}
		out, err = auditEntries(tx)
		return err
	})
	if err != nil {
		return housing.AuditAnchor{}, nil, fmt.Errorf("boltstore: audit chain: %w", err)
	}
	return anchor, out, nil
}

// auditEntries returns the whole log in Seq order.
func auditEntries(tx *bolt.Tx) ([]housing.AuditEntry, error) {
	var out []housing.AuditEntry
	err := tx.Bucket([]byte(bucketAudit)).ForEach(func(k, v []byte) error {
		var e housing.AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("decode entry %x: %w", k, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// pruneAudit removes the entries before horizon that start the log,
// records the anchor, and appends an entry saying so; with dry it only
// counts them.
func pruneAudit(tx *bolt.Tx, horizon, now time.Time, dry bool) (int, error) {
	entries, err := auditEntries(tx)
	if err != nil {
		return 0, err
	}
	anchor, err := loadAnchor(tx)
	if err != nil {
		return 0, err
	}
	n, next := housing.PruneAudit(entries, anchor, horizon)
	if n == 0 || dry {
		return n, nil
	}
	for _, e := range entries[:n] {
		if err := reindex(tx, seqID(e.Seq), index.Audit(&e), nil); err != nil {
			return 0, err
		}
		if err := tx.Bucket([]byte(bucketAudit)).Delete(seqKey(e.Seq)); err != nil {
			return 0, err
		}
	}
	v, err := json.Marshal(next)
	if err != nil {
		return 0, err
	}
	if err := tx.Bucket([]byte(bucketMeta)).Put([]byte(anchorKey), v); err != nil {
		return 0, err
	}
	e := housing.PruneEntry(entries[0].Seq, next, now)
	return n, appendAudit(tx, &e)
}
