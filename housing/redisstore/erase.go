package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// eraser is one ErasePerson.
type eraser struct {
	s    *Store
	id   string // the person
	tg   string // their Telegram id in decimal, or ""
	ps   string // their pseudonym
	opts housing.ErasureOptions
	rep  housing.ErasureReport
}

// mine reports whether text names the person or their Telegram id.
func (e *eraser) mine(text string) bool {
	return housing.ContainsID(text, e.id) || e.tg != "" && housing.ContainsID(text, e.tg)
}

// ErasePerson removes person id (see housing.Privacy) step by step, each
// step an atomic change of one record: their pseudonym mapping is fixed
// first and the person record deleted last, so an erasure that fails half
// way is finished by calling ErasePerson again. ErrNotFound if the person
// does not exist.
func (s *Store) ErasePerson(ctx context.Context, id string, opts housing.ErasureOptions) (housing.ErasureReport, error) {
	if err := checkID("id", id); err != nil {
		return housing.ErasureReport{}, fmt.Errorf("redisstore: erase person: %w", err)
	}
	p, err := get(ctx, s, personKind(), id)
	if err != nil {
		return housing.ErasureReport{}, fmt.Errorf("redisstore: erase person: %w", err)
	}
	ps, err := s.fixPseudonym(ctx, id)
	if err != nil {
		return housing.ErasureReport{}, fmt.Errorf("redisstore: erase person %s: %w", id, err)
	}
	e := &eraser{s: s, id: id, ps: ps, opts: opts, rep: housing.NewErasureReport(id, ps)}
	if p.TelegramID != 0 {
		e.tg = strconv.FormatInt(p.TelegramID, 10)
	}
	for _, step := range []func(context.Context) error{
		e.deleteOwn, e.deleteInvitations, e.rewriteOthers, e.rewriteRisk,
		e.dropOutbox, e.dropState, e.sweepIndexes, e.forget,
	} {
		if err := step(ctx); err != nil {
			return e.rep, fmt.Errorf("redisstore: erase person %s: %w", id, err)
		}
	}
	return e.rep, nil
}

// fixPseudonym returns person id's pseudonym, first giving them one if
// they have none, so that every step (and a repeated erasure) uses the
// same.
func (s *Store) fixPseudonym(ctx context.Context, id string) (string, error) {
	ps := housing.NewPseudonym()
	set, err := s.rdb.SetNX(ctx, s.pseudonymKey(id), ps, 0).Result()
	if err != nil {
		return "", err
	}
	if !set {
		return s.rdb.Get(ctx, s.pseudonymKey(id)).Result()
	}
	return ps, s.rdb.Set(ctx, s.pseudonymOwnerKey(ps), id, 0).Err()
}

// deleteOwn deletes the person's profile, care fields, consents,
// check-ins and events.
func (e *eraser) deleteOwn(ctx context.Context) error {
	s := e.s
	for _, name := range []string{"profile", "care"} {
		n, err := s.rdb.Del(ctx, s.recKey(name, e.id)).Result()
		if err != nil {
			return err
		}
		e.rep.Deleted.Add(name, int(n))
	}
	for _, err := range []error{
		dropIndexed(ctx, e, "consent", consentKind(), index.ConsentPerson),
		dropIndexed(ctx, e, "checkin", checkInKind(), index.CheckInPerson),
		dropIndexed(ctx, e, "event", eventKind(), index.EventPerson),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// dropIndexed deletes the records of kind k that the person's entry in
// index name lists.
func dropIndexed[T any](ctx context.Context, e *eraser, name string, k kind[T], idx string) error {
	ids, err := e.s.rdb.SMembers(ctx, e.s.entryKey(index.Entry{Index: idx, Value: e.id})).Result()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := remove(ctx, e.s, k, id); err != nil {
			return err
		}
	}
	e.rep.Deleted.Add(name, len(ids))
	return nil
}

// deleteInvitations deletes the invitations made for the person or
// redeemed by their Telegram account.
func (e *eraser) deleteInvitations(ctx context.Context) error {
	invs, err := list(ctx, e.s, invitationKind(), nil, func(inv *housing.Invitation) bool {
		return inv.PersonID == e.id || e.tg != "" && strconv.FormatInt(inv.UsedBy, 10) == e.tg
	})
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if err := remove(ctx, e.s, invitationKind(), inv.ID); err != nil {
			return err
		}
	}
	e.rep.Deleted.Add("invitation", len(invs))
	return nil
}

// rewriteOthers puts the pseudonym in place of the person's id in every
// other record that names them.
func (e *eraser) rewriteOthers(ctx context.Context) error {
	for _, err := range []error{
		rewriteKind(ctx, e, homeKind()), rewriteKind(ctx, e, placementKind()),
		rewriteKind(ctx, e, proposalKind()), rewriteKind(ctx, e, invitationKind()),
		rewriteKind(ctx, e, taskKind()), rewriteKind(ctx, e, assignmentKind()),
		rewriteKind(ctx, e, ledgerKind()), rewriteKind(ctx, e, swapKind()),
		rewriteKind(ctx, e, outingKind()), rewriteKind(ctx, e, eventKind()),
		rewriteKind(ctx, e, alertKind()), rewriteKind(ctx, e, checkInKind()),
		rewriteKind(ctx, e, consentKind()), e.rewriteCare(ctx),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// rewriteKind pseudonymises the records of kind k that name the person.
// It reads them in chunks and opens a transaction only for those whose
// value holds the person's id.
func rewriteKind[T any](ctx context.Context, e *eraser, k kind[T]) error {
	ids, err := e.s.rdb.SMembers(ctx, e.s.allKey(k.name)).Result()
	if err != nil {
		return err
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		keys := make([]string, len(chunk))
		for i, id := range chunk {
			keys[i] = e.s.recKey(k.name, id)
		}
		vals, err := e.s.rdb.MGet(ctx, keys...).Result()
		if err != nil {
			return err
		}
		for i, v := range vals {
			str, _ := v.(string)
			plain, err := e.s.keys.Unwrap([]byte(str), e.s.aad(keys[i]))
			if err != nil {
				return fmt.Errorf("open %s: %w", keys[i], err)
			}
			if !bytes.Contains(plain, []byte(e.id)) {
				continue
			}
			if err := rewriteRecord(ctx, e, k, keys[i], chunk[i]); err != nil {
				return fmt.Errorf("%s: %w", keys[i], err)
			}
		}
	}
	return nil
}

// rewriteRecord pseudonymises the record of kind k under key (id), in one
// optimistic transaction: its value, index entries and version; a record
// whose own id names the person moves to the pseudonymised id.
func rewriteRecord[T any](ctx context.Context, e *eraser, k kind[T], key, id string) error {
	s := e.s
	changed := false
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		changed = false
		raw, err := tx.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
			return err
		}
		plain, err := s.keys.Unwrap(raw, s.aad(key))
		if err != nil {
			return err
		}
		b, ok, err := housing.PseudonymizeJSON(plain, e.id, e.ps)
		if err != nil || !ok {
			return err
		}
		var old, rec T
		if err := json.Unmarshal(plain, &old); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if k.version != nil {
			*k.version(&rec) = *k.version(&old) + 1
		}
		changed = true
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			return replaceRecord(ctx, s, pipe, k, id, &old, &rec)
		})
		return err
	}, key)
	if err == nil && changed {
		e.rep.Pseudonymised.Add(k.name, 1)
	}
	return err
}

// replaceRecord queues replacing record id of kind k, old, with rec, under
// rec's id (which may differ), moving its index entries.
func replaceRecord[T any](ctx context.Context, s *Store, pipe redis.Pipeliner, k kind[T], id string, old, rec *T) error {
	before, zbefore := indexes(k, old)
	after, zafter := indexes(k, rec)
	newID := *k.id(rec)
	if newID == id {
		remove, add := index.Diff(before, after)
		s.writeEntries(ctx, pipe, id, remove, add)
		s.writeScored(ctx, pipe, id, zbefore, zafter)
		return s.setJSON(ctx, pipe, s.recKey(k.name, id), rec)
	}
	pipe.SRem(ctx, s.allKey(k.name), id)
	pipe.Del(ctx, s.recKey(k.name, id))
	s.writeEntries(ctx, pipe, id, before, nil)
	s.writeScored(ctx, pipe, id, zbefore, nil)
	pipe.SAdd(ctx, s.allKey(k.name), newID)
	s.writeEntries(ctx, pipe, newID, nil, after)
	s.writeScored(ctx, pipe, newID, nil, zafter)
	return s.setJSON(ctx, pipe, s.recKey(k.name, newID), rec)
}

// rewriteCare pseudonymises other people's care fields that name the
// person (exclusions, responsible workers).
func (e *eraser) rewriteCare(ctx context.Context) error {
	keys, err := e.s.scanKeys(ctx, "care:*")
	if err != nil {
		return err
	}
	k := kind[housing.CareInfo]{name: "care", id: func(c *housing.CareInfo) *string { return &c.PersonID },
		version: func(c *housing.CareInfo) *int64 { return &c.Version }}
	for _, key := range keys {
		if err := rewriteRecord(ctx, e, k, key, strings.TrimPrefix(key, e.s.key("care", ""))); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return nil
}

// rewriteRisk pseudonymises the risk scores that name the person.
func (e *eraser) rewriteRisk(ctx context.Context) error {
	s := e.s
	keys, err := s.scanKeys(ctx, "risk:*")
	if err != nil {
		return err
	}
	for _, key := range keys {
		n := 0
		err := s.atomically(ctx, func(tx *redis.Tx) error {
			n = 0
			all, err := tx.HGetAll(ctx, key).Result()
			if err != nil {
				return err
			}
			changes := map[string]any{}
			for f, v := range all {
				aad := s.aad(key + ":" + f)
				plain, err := s.keys.Unwrap([]byte(v), aad)
				if err != nil {
					return fmt.Errorf("field %s: %w", f, err)
				}
				b, ok, err := housing.PseudonymizeJSON(plain, e.id, e.ps)
				if err != nil {
					return err
				}
				if ok {
					changes[f] = s.keys.Wrap(b, aad)
				}
			}
			if n = len(changes); n == 0 {
				return nil
			}
			_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
				pipe.HSet(ctx, key, changes)
				return nil
			})
			return err
		}, key)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		e.rep.Pseudonymised.Add("risk", n)
	}
	return nil
}

// dropOutbox deletes the outbox records that concern the person: pending
// messages to them (by person or chat), and any record whose key names
// them or their Telegram id.
func (e *eraser) dropOutbox(ctx context.Context) error {
	s := e.s
	n, err := s.DropPending(ctx, e.id)
	if err != nil {
		return err
	}
	e.rep.Deleted.Add("outbox", n)
	keys, err := s.scanKeys(ctx, "outbox:msg:*")
	if err != nil {
		return err
	}
	prefix := s.outboxMsgKey("")
	for _, hashKey := range keys {
		key := strings.TrimPrefix(hashKey, prefix)
		h, err := s.rdb.HGetAll(ctx, hashKey).Result()
		if err != nil {
			return err
		}
		if !e.mine(key) && h["person"] != e.id && !e.messageToThem(hashKey, h["message"]) {
			continue
		}
		_, err = s.rdb.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			pipe.Del(ctx, hashKey)
			pipe.ZRem(ctx, s.outboxDueKey(), key)
			if p := h["person"]; p != "" {
				pipe.SRem(ctx, s.outboxPersonKey(p), key)
			}
			return nil
		})
		if err != nil {
			return err
		}
		e.rep.Deleted.Add("outbox", 1)
	}
	return nil
}

// messageToThem reports whether a pending message (sealed or not) goes to
// the person's chat.
func (e *eraser) messageToThem(hashKey, message string) bool {
	if message == "" || e.tg == "" {
		return false
	}
	var m housing.OutboxMessage
	if err := e.s.decode(hashKey, []byte(message), &m); err != nil {
		return false
	}
	return strconv.FormatInt(m.ChatID, 10) == e.tg
}

// dropState deletes the state values keyed by the person's id or Telegram
// id (one of the key's ':'-separated parts), with their TakeState and
// ClaimState receipts, and the values opts.DropState picks.
func (e *eraser) dropState(ctx context.Context) error {
	s := e.s
	for _, area := range []string{"state", "taken", "claimed"} {
		keys, err := s.scanKeys(ctx, area+":*")
		if err != nil {
			return err
		}
		prefix := s.key(area, "")
		for _, k := range keys {
			key := strings.TrimPrefix(k, prefix)
			drop := e.keyedToThem(key)
			if !drop && area == "state" && e.opts.DropState != nil {
				v, err := s.GetState(ctx, key)
				if err != nil && !errors.Is(err, housing.ErrNotFound) {
					return err
				}
				drop = err == nil && e.opts.DropState(key, v)
			}
			if !drop {
				continue
			}
			if err := s.rdb.Del(ctx, k).Err(); err != nil {
				return err
			}
			if area == "state" {
				e.rep.Deleted.Add("state", 1)
			}
		}
	}
	return nil
}

// keyedToThem reports whether one of a state key's ':'-separated parts is
// the person's id or Telegram id.
func (e *eraser) keyedToThem(key string) bool {
	for _, part := range strings.Split(key, ":") {
		if part == e.id || e.tg != "" && part == e.tg {
			return true
		}
	}
	return false
}

// sweepIndexes deletes index keys still named after the person's id or
// Telegram id; the steps before emptied them, so normally there are none.
func (e *eraser) sweepIndexes(ctx context.Context) error {
	for _, pattern := range []string{"idx:*", "zidx:*", "uidx:*", "outbox:person:*"} {
		keys, err := e.s.scanKeys(ctx, pattern)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if k == e.s.entryKey(index.Entry{Index: index.PersonTelegram, Value: e.tg}) || !e.mine(strings.TrimPrefix(k, e.s.ns)) {
				continue // the person's own Telegram binding goes with the person
			}
			if err := e.s.rdb.Del(ctx, k).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// forget deletes the person's pseudonym mapping, then the person record
// with its index entries.
func (e *eraser) forget(ctx context.Context) error {
	s := e.s
	if err := s.rdb.Del(ctx, s.pseudonymKey(e.id), s.pseudonymOwnerKey(e.ps)).Err(); err != nil {
		return err
	}
	if err := remove(ctx, s, personKind(), e.id); err != nil {
		return err
	}
	e.rep.Deleted.Add("person", 1)
	return nil
}
