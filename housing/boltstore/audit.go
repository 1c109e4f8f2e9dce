package boltstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// seqKey returns the audit bucket's key for seq: 8 bytes, big-endian, so
// keys sort in Seq order.
func seqKey(seq int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(seq))
}

// seqID returns how the audit.subject index names entry seq: 16 hex
// digits, which sort in Seq order.
func seqID(seq int64) string { return fmt.Sprintf("%016x", seq) }

// AppendAudit appends an entry to the audit chain, setting its Seq,
// PrevHash and Hash from the last entry in the same transaction.
func (s *Store) AppendAudit(ctx context.Context, e *housing.AuditEntry) error {
	r := *e
	if err := r.Validate(); err != nil {
		return fmt.Errorf("boltstore: append audit: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketAudit))
		r.Seq, r.PrevHash = 1, ""
		if _, v := b.Cursor().Last(); v != nil {
			var last housing.AuditEntry
			if err := json.Unmarshal(v, &last); err != nil {
				return fmt.Errorf("decode last entry: %w", err)
			}
			r.Seq, r.PrevHash = last.Seq+1, last.Hash
		}
		r.Hash = r.ComputeHash()
		if err := reindex(tx, seqID(r.Seq), nil, index.Audit(&r)); err != nil {
			return err
		}
		v, err := json.Marshal(&r)
		if err != nil {
			return fmt.Errorf("encode entry %d: %w", r.Seq, err)
		}
		return b.Put(seqKey(r.Seq), v)
	})
	if err != nil {
		return fmt.Errorf("boltstore: append audit: %w", err)
	}
	*e = r
	return nil
}

// AuditLog returns the entries matching f, in Seq order. With a Subject it
// reads the audit.subject index; otherwise it scans the whole log.
func (s *Store) AuditLog(ctx context.Context, f housing.AuditFilter) ([]housing.AuditEntry, error) {
	var out []housing.AuditEntry
	err := s.view(ctx, func(tx *bolt.Tx) error {
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
