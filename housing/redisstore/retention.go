package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
)

// ApplyRetention applies policy at now: it reads each kind's records and
// deletes (with their index entries) or redacts (at their next version)
// those the policy says, one record per transaction; a record changed
// meanwhile is left for the next run. A dry run only counts.
func (s *Store) ApplyRetention(ctx context.Context, policy housing.RetentionPolicy, now time.Time, dryRun bool) (housing.RetentionReport, error) {
	if err := policy.Validate(); err != nil {
		return housing.RetentionReport{}, fmt.Errorf("redisstore: retention: %w", err)
	}
	r := retainer{s: s, now: now, dry: dryRun, rep: housing.NewRetentionReport(dryRun)}
	for _, step := range []func() error{
		func() error { return retain(ctx, r, "checkin", checkInKind(), policy.CheckIn) },
		func() error { return retain(ctx, r, "event", eventKind(), policy.Event) },
		func() error { return retain(ctx, r, "alert", alertKind(), policy.Alert) },
		func() error { return retain(ctx, r, "placement", placementKind(), policy.Placement) },
		func() error { return retain(ctx, r, "proposal", proposalKind(), policy.Proposal) },
		func() error { return retain(ctx, r, "invitation", invitationKind(), policy.Invitation) },
		func() error { return retain(ctx, r, "consent", consentKind(), policy.Consent) },
		func() error { return r.risk(ctx, policy) },
		func() error { return r.outbox(ctx, policy) },
		func() error {
			h, ok := policy.Audit.Horizon(now)
			if !ok {
				return nil
			}
			n, err := s.pruneAudit(ctx, h, now, dryRun)
			r.rep.Deleted.Add("audit", n)
			return err
		},
	} {
		if err := step(); err != nil {
			return r.rep, fmt.Errorf("redisstore: retention: %w", err)
		}
	}
	return r.rep, nil
}

// retainer is one retention run.
type retainer struct {
	s   *Store
	now time.Time
	dry bool
	rep housing.RetentionReport
}

// retain applies decide to every record of kind k.
func retain[T any](ctx context.Context, r retainer, name string, k kind[T], decide func(*T, time.Time) housing.Verdict) error {
	recs, err := list(ctx, r.s, k, nil, func(*T) bool { return true })
	if err != nil {
		return err
	}
	for i := range recs {
		rec := &recs[i]
		v := decide(rec, r.now)
		if v == housing.Keep {
			continue
		}
		if r.dry {
			r.rep.Count(name, v)
			continue
		}
		if v == housing.Delete {
			err = remove(ctx, r.s, k, *k.id(rec))
		} else {
			err = upsert(ctx, r.s, k, rec, func(*T) error { return nil })
		}
		switch {
		case errors.Is(err, housing.ErrConflict):
			continue // changed meanwhile: the next run decides again
		case err != nil:
			return err
		}
		r.rep.Count(name, v)
	}
	return nil
}

// risk deletes the risk scores policy no longer keeps.
func (r retainer) risk(ctx context.Context, policy housing.RetentionPolicy) error {
	s := r.s
	keys, err := s.scanKeys(ctx, "risk:*")
	if err != nil {
		return err
	}
	for _, key := range keys {
		all, err := s.rdb.HGetAll(ctx, key).Result()
		if err != nil {
			return err
		}
		var doomed []string
		for f, v := range all {
			var risk housing.Risk
			plain, err := s.keys.Unwrap([]byte(v), s.aad(key+":"+f))
			if err == nil {
				err = json.Unmarshal(plain, &risk)
			}
			if err != nil {
				return fmt.Errorf("%s %s: %w", key, f, err)
			}
			if policy.RiskScore(&risk, r.now) == housing.Delete {
				doomed = append(doomed, f)
			}
		}
		r.rep.Deleted.Add("risk", len(doomed))
		if len(doomed) == 0 || r.dry {
			continue
		}
		placementID := key[len(s.key("risk", "")):]
		_, err = s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.HDel(ctx, key, doomed...)
			members := make([]any, len(doomed))
			for i, f := range doomed {
				members[i] = f
			}
			pipe.ZRem(ctx, s.riskTimesKey(placementID), members...)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// outbox deletes the delivery records of messages sent or failed long
// enough ago.
func (r retainer) outbox(ctx context.Context, policy housing.RetentionPolicy) error {
	s := r.s
	keys, err := s.scanKeys(ctx, "outbox:msg:*")
	if err != nil {
		return err
	}
	for _, key := range keys {
		h, err := s.rdb.HMGet(ctx, key, "status", "done_at").Result()
		if err != nil {
			return err
		}
		status, _ := h[0].(string)
		doneAt, _ := h[1].(string)
		if status != "sent" && status != "failed" {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, doneAt)
		if err != nil {
			return fmt.Errorf("%s: done_at %q: %w", key, doneAt, err)
		}
		if policy.OutboxDone(at, r.now) != housing.Delete {
			continue
		}
		r.rep.Count("outbox", housing.Delete)
		if r.dry {
			continue
		}
		if err := s.rdb.Del(ctx, key).Err(); err != nil {
			return err
		}
	}
	return nil
}
