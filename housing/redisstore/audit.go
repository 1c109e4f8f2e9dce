package redisstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// auditKey names audit entry seq.
func (s *Store) auditKey(seq int64) string { return s.key("audit", fmt.Sprint(seq)) }

// auditHeadKey names the hash of the last entry's seq and hash.
func (s *Store) auditHeadKey() string { return s.key("audit", "head") }

// auditAnchorKey names the hash of the anchor's seq and hash, set when
// retention prunes the log.
func (s *Store) auditAnchorKey() string { return s.key("audit", "anchor") }

// pseudonymKey names the STRING holding person id's audit pseudonym.
func (s *Store) pseudonymKey(id string) string { return s.key("pseudonym", id) }

// pseudonymOwnerKey names the STRING holding the person id behind a
// pseudonym.
func (s *Store) pseudonymOwnerKey(ps string) string { return s.key("pseudonym-owner", ps) }

// AppendAudit appends an entry to the audit chain, setting its Seq,
// PrevHash and Hash in one transaction on {ns}:audit:head, after replacing
// person ids with their pseudonyms (housing.PseudonymizeAudit); a new
// pseudonym's mapping is written in the same transaction.
func (s *Store) AppendAudit(ctx context.Context, e *housing.AuditEntry) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("redisstore: append audit: %w", err)
	}
	var c housing.AuditEntry
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		c = *e
		return s.appendAudit(ctx, tx, &c)
	}, s.auditHeadKey())
	if err != nil {
		return fmt.Errorf("redisstore: append audit: %w", err)
	}
	*e = c
	return nil
}

// appendAudit is one attempt of AppendAudit, with the head watched.
func (s *Store) appendAudit(ctx context.Context, tx *redis.Tx, c *housing.AuditEntry) error {
	created := map[string]string{} // person id → new pseudonym
	if err := housing.PseudonymizeAudit(c, s.pseudonymizer(ctx, tx, created)); err != nil {
		return err
	}
	head := s.auditHeadKey()
	last, err := tx.HMGet(ctx, head, "seq", "hash").Result()
	if err != nil {
		return err
	}
	var seq int64
	if str, ok := last[0].(string); ok {
		if seq, err = strconv.ParseInt(str, 10, 64); err != nil {
			return fmt.Errorf("audit head seq %q: %w", str, err)
		}
	}
	c.PrevHash, _ = last[1].(string)
	c.Seq = seq + 1
	c.Hash = c.ComputeHash()
	_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for id, ps := range created {
			pipe.Set(ctx, s.pseudonymKey(id), ps, 0)
			pipe.Set(ctx, s.pseudonymOwnerKey(ps), id, 0)
		}
		pipe.HSet(ctx, head, "seq", c.Seq, "hash", c.Hash)
		s.writeEntries(ctx, pipe, fmt.Sprint(c.Seq), nil, index.Audit(c))
		return s.setJSON(ctx, pipe, s.auditKey(c.Seq), c)
	})
	return err
}

// pseudonymizer returns the housing.PseudonymFunc of one AppendAudit
// attempt: the pseudonym a person has (its key watched), or a new one,
// noted in created, for a subject or a stored person; other ids stay.
func (s *Store) pseudonymizer(ctx context.Context, tx *redis.Tx, created map[string]string) housing.PseudonymFunc {
	return func(id string, subject bool) (string, error) {
		if ps, ok := created[id]; ok {
			return ps, nil
		}
		key := s.pseudonymKey(id)
		if err := tx.Watch(ctx, key).Err(); err != nil {
			return "", err
		}
		ps, err := tx.Get(ctx, key).Result()
		if err == nil || !errors.Is(err, redis.Nil) {
			return ps, err
		}
		if !subject {
			n, err := tx.Exists(ctx, s.recKey("person", id)).Result()
			if err != nil || n == 0 {
				return "", err
			}
		}
		created[id] = housing.NewPseudonym()
		return created[id], nil
	}
}

// pseudonymOr returns id's pseudonym, or id itself when it has none.
func (s *Store) pseudonymOr(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	ps, err := s.rdb.Get(ctx, s.pseudonymKey(id)).Result()
	if errors.Is(err, redis.Nil) {
		return id, nil
	}
	return ps, err
}

// PseudonymOwner returns the person id behind an audit pseudonym, or
// ErrNotFound.
func (s *Store) PseudonymOwner(ctx context.Context, pseudonym string) (string, error) {
	id, err := s.rdb.Get(ctx, s.pseudonymOwnerKey(pseudonym)).Result()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("redisstore: pseudonym owner: %w", err)
	}
	return id, nil
}

// AuditLog returns the entries matching f, in Seq order. A Subject or
// Actor that is a person id is looked up by its pseudonym.
func (s *Store) AuditLog(ctx context.Context, f housing.AuditFilter) ([]housing.AuditEntry, error) {
	var err error
	if f.Subject, err = s.pseudonymOr(ctx, f.Subject); err != nil {
		return nil, fmt.Errorf("redisstore: audit log: %w", err)
	}
	if f.Actor, err = s.pseudonymOr(ctx, f.Actor); err != nil {
		return nil, fmt.Errorf("redisstore: audit log: %w", err)
	}
	keys, err := s.auditKeys(ctx, f.Subject)
	if err != nil {
		return nil, fmt.Errorf("redisstore: audit log: %w", err)
	}
	es, err := loadMany[housing.AuditEntry](ctx, s, keys)
	if err != nil {
		return nil, fmt.Errorf("redisstore: audit log: %w", err)
	}
	es = slices.DeleteFunc(es, func(e housing.AuditEntry) bool { return !f.Match(&e) })
	slices.SortFunc(es, func(a, b housing.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	return es, nil
}

// auditKeys returns the keys of the entries about subject, or of every
// entry after the anchor when subject is empty.
func (s *Store) auditKeys(ctx context.Context, subject string) ([]string, error) {
	var keys []string
	if subject != "" {
		seqs, err := s.rdb.SMembers(ctx, s.entryKey(index.Entry{Index: index.AuditSubject, Value: subject})).Result()
		if err != nil {
			return nil, err
		}
		for _, seq := range seqs {
			keys = append(keys, s.key("audit", seq))
		}
		return keys, nil
	}
	anchor, err := s.auditAnchor(ctx, s.rdb)
	if err != nil {
		return nil, err
	}
	n, err := s.rdb.HGet(ctx, s.auditHeadKey(), "seq").Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	for seq := anchor.Seq + 1; seq <= n; seq++ {
		keys = append(keys, s.auditKey(seq))
	}
	return keys, nil
}

// auditAnchor reads the anchor; the zero anchor for a log never pruned.
func (s *Store) auditAnchor(ctx context.Context, c redis.Cmdable) (housing.AuditAnchor, error) {
	var a housing.AuditAnchor
	vals, err := c.HMGet(ctx, s.auditAnchorKey(), "seq", "hash").Result()
	if err != nil {
		return a, err
	}
	if str, ok := vals[0].(string); ok {
		if a.Seq, err = strconv.ParseInt(str, 10, 64); err != nil {
			return a, fmt.Errorf("audit anchor seq %q: %w", str, err)
		}
	}
	a.Hash, _ = vals[1].(string)
	return a, nil
}

// AuditChain returns the anchor and every entry after it up to the head,
// in Seq order. A missing entry is left out, so VerifyChainFrom finds the
// gap; entries missing at the end, which no chain shows, are an error
// here, since the head still names the last entry written. It starts
// again if retention moved the anchor meanwhile.
func (s *Store) AuditChain(ctx context.Context) (housing.AuditAnchor, []housing.AuditEntry, error) {
	for range 10 {
		anchor, es, head, err := s.readChain(ctx)
		if err != nil {
			return housing.AuditAnchor{}, nil, fmt.Errorf("redisstore: audit chain: %w", err)
		}
		after, err := s.auditAnchor(ctx, s.rdb)
		if err != nil {
			return housing.AuditAnchor{}, nil, fmt.Errorf("redisstore: audit chain: %w", err)
		}
		if after != anchor {
			continue
		}
		last := anchor
		if len(es) > 0 {
			last = housing.AuditAnchor{Seq: es[len(es)-1].Seq, Hash: es[len(es)-1].Hash}
		}
		if last != head && head.Seq > anchor.Seq {
			return anchor, es, fmt.Errorf("redisstore: audit chain: the log ends at seq %d but its head names seq %d: entries were removed or altered", last.Seq, head.Seq)
		}
		return anchor, es, nil
	}
	return housing.AuditAnchor{}, nil, fmt.Errorf("redisstore: audit chain: the log kept changing: %w", housing.ErrConflict)
}

// readChain reads the anchor, the head, and the entries between them.
func (s *Store) readChain(ctx context.Context) (anchor housing.AuditAnchor, es []housing.AuditEntry, head housing.AuditAnchor, err error) {
	if anchor, err = s.auditAnchor(ctx, s.rdb); err != nil {
		return
	}
	vals, err := s.rdb.HMGet(ctx, s.auditHeadKey(), "seq", "hash").Result()
	if err != nil {
		return
	}
	if str, ok := vals[0].(string); ok {
		if head.Seq, err = strconv.ParseInt(str, 10, 64); err != nil {
			return
		}
	}
	head.Hash, _ = vals[1].(string)
	var keys []string
	for seq := anchor.Seq + 1; seq <= head.Seq; seq++ {
		keys = append(keys, s.auditKey(seq))
	}
	es, err = loadMany[housing.AuditEntry](ctx, s, keys)
	slices.SortFunc(es, func(a, b housing.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	return
}

// pruneAudit removes the entries before horizon that start the log,
// moves the anchor and appends an entry saying so; with dry it only
// counts them.
func (s *Store) pruneAudit(ctx context.Context, horizon, now time.Time, dry bool) (int, error) {
	anchor, es, err := s.AuditChain(ctx)
	if err != nil {
		return 0, err
	}
	n, next := housing.PruneAudit(es, anchor, horizon)
	if n == 0 || dry {
		return n, nil
	}
	err = s.atomically(ctx, func(tx *redis.Tx) error {
		current, err := s.auditAnchor(ctx, tx)
		if err != nil {
			return err
		}
		if current != anchor {
			return fmt.Errorf("audit log pruned concurrently: %w", housing.ErrConflict)
		}
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			for _, e := range es[:n] {
				s.writeEntries(ctx, pipe, fmt.Sprint(e.Seq), index.Audit(&e), nil)
				pipe.Del(ctx, s.auditKey(e.Seq))
			}
			pipe.HSet(ctx, s.auditAnchorKey(), "seq", next.Seq, "hash", next.Hash)
			return nil
		})
		return err
	}, s.auditAnchorKey())
	if err != nil {
		return 0, err
	}
	prune := housing.PruneEntry(es[0].Seq, next, now)
	return n, s.AppendAudit(ctx, &prune)
}
