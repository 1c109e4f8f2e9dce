package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
)

// ApplyRetention applies policy at now in one transaction (a dry run in a
// read transaction, changing nothing) and, when it deleted or redacted
// anything, compacts the file so that the old bytes leave the disk too.
func (s *Store) ApplyRetention(ctx context.Context, policy housing.RetentionPolicy, now time.Time, dryRun bool) (housing.RetentionReport, error) {
	if err := policy.Validate(); err != nil {
		return housing.RetentionReport{}, fmt.Errorf("boltstore: retention: %w", err)
	}
	rep := housing.NewRetentionReport(dryRun)
	apply := func(tx *bolt.Tx) error {
		r := retainer{tx: tx, now: now, dry: dryRun, rep: rep}
		for _, err := range []error{
			retain(r, "checkin", s.checkIns(), policy.CheckIn),
			retain(r, "event", s.events(), policy.Event),
			retain(r, "alert", s.alerts(), policy.Alert),
			retain(r, "placement", placements(), policy.Placement),
			retain(r, "proposal", proposals(), policy.Proposal),
			retain(r, "invitation", invitations(), policy.Invitation),
			retain(r, "consent", consents(), policy.Consent),
			s.retainRisk(r, policy),
			s.retainOutbox(r, policy),
		} {
			if err != nil {
				return err
			}
		}
		if h, ok := policy.Audit.Horizon(now); ok {
			n, err := pruneAudit(tx, h, now, dryRun)
			rep.Deleted.Add("audit", n)
			return err
		}
		return nil
	}
	var err error
	if dryRun {
		err = s.view(ctx, apply)
	} else {
		err = s.update(ctx, apply)
	}
	if err != nil {
		return housing.RetentionReport{}, fmt.Errorf("boltstore: retention: %w", err)
	}
	if !dryRun && rep.Deleted.Total()+rep.Redacted.Total() > 0 {
		if err := s.compact(); err != nil {
			return rep, fmt.Errorf("boltstore: retention: %w", err)
		}
	}
	return rep, nil
}

// retainer is one retention run inside its transaction.
type retainer struct {
	tx  *bolt.Tx
	now time.Time
	dry bool
	rep housing.RetentionReport
}

// retain applies decide to every record of kind k: it deletes or stores
// the redacted record (at its next version) as decide says.
func retain[T any](r retainer, name string, k kind[T], decide func(*T, time.Time) housing.Verdict) error {
	type change struct {
		id  string
		v   housing.Verdict
		rec T
	}
	var todo []change
	err := r.tx.Bucket([]byte(k.bucket)).ForEach(func(id, v []byte) error {
		rec, err := decode(k, id, v)
		if err != nil {
			return err
		}
		verdict := decide(&rec, r.now)
		r.rep.Count(name, verdict)
		if verdict != housing.Keep {
			todo = append(todo, change{string(id), verdict, rec})
		}
		return nil
	})
	if err != nil || r.dry {
		return err
	}
	for _, c := range todo {
		if c.v == housing.Delete {
			if err := remove(r.tx, k, c.id); err != nil {
				return err
			}
			continue
		}
		old, err := load(r.tx, k, c.id)
		if err != nil {
			return err
		}
		if k.version != nil {
			*k.version(&c.rec) = *k.version(&old) + 1
		}
		if err := put(r.tx, k, &old, &c.rec); err != nil {
			return err
		}
	}
	return nil
}

// retainRisk deletes the risk scores policy no longer keeps.
func (s *Store) retainRisk(r retainer, policy housing.RetentionPolicy) error {
	b := r.tx.Bucket([]byte(bucketRisk))
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		plain, err := s.keys.Unwrap(v, riskAAD(k))
		if err != nil {
			return fmt.Errorf("open risk %q: %w", k, err)
		}
		var risk housing.Risk
		if err := json.Unmarshal(plain, &risk); err != nil {
			return fmt.Errorf("decode risk %q: %w", k, err)
		}
		if policy.RiskScore(&risk, r.now) == housing.Delete {
			r.rep.Count("risk", housing.Delete)
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	return deleteKeys(b, doomed, err, r.dry)
}

// retainOutbox deletes the delivery records of messages sent or failed
// long enough ago.
func (s *Store) retainOutbox(r retainer, policy housing.RetentionPolicy) error {
	b := r.tx.Bucket([]byte(bucketOutbox))
	if b == nil {
		return nil // a file from before the outbox
	}
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var rec outboxRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode outbox message %q: %w", k, err)
		}
		if rec.Status != outboxPending && policy.OutboxDone(rec.DoneAt, r.now) == housing.Delete {
			r.rep.Count("outbox", housing.Delete)
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	return deleteKeys(b, doomed, err, r.dry)
}

// deleteKeys deletes keys from b unless err is set or this is a dry run.
func deleteKeys(b *bolt.Bucket, keys [][]byte, err error, dry bool) error {
	if err != nil || dry {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
