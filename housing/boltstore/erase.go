package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// eraser is one ErasePerson inside its write transaction.
type eraser struct {
	s    *Store
	tx   *bolt.Tx
	id   string // the person
	tg   string // their Telegram id in decimal, or ""
	ps   string // their pseudonym
	opts housing.ErasureOptions
	rep  housing.ErasureReport
}

// ErasePerson removes person id, in one transaction: their own records
// are deleted, everyone else's that name them get their pseudonym (see
// housing.Privacy). It then compacts the file, so that no copy is left in
// its free pages. ErrNotFound if the person does not exist.
func (s *Store) ErasePerson(ctx context.Context, id string, opts housing.ErasureOptions) (housing.ErasureReport, error) {
	if err := checkID("id", id); err != nil {
		return housing.ErasureReport{}, fmt.Errorf("boltstore: erase person: %w", err)
	}
	var rep housing.ErasureReport
	err := s.update(ctx, func(tx *bolt.Tx) error {
		p, err := load(tx, people(), id)
		if err != nil {
			return err
		}
		e := &eraser{s: s, tx: tx, id: id, ps: pseudonymOf(tx, id), opts: opts}
		if e.ps == "" {
			e.ps = housing.NewPseudonym()
		}
		if p.TelegramID != 0 {
			e.tg = strconv.FormatInt(p.TelegramID, 10)
		}
		e.rep = housing.NewErasureReport(id, e.ps)
		if err := e.run(); err != nil {
			return err
		}
		rep = e.rep
		return nil
	})
	if err != nil {
		return housing.ErasureReport{}, fmt.Errorf("boltstore: erase person %s: %w", id, err)
	}
	if err := s.compact(); err != nil {
		return rep, fmt.Errorf("boltstore: erase person %s: %w", id, err)
	}
	return rep, nil
}

// run takes every step of the erasure.
func (e *eraser) run() error {
	for _, step := range []func() error{
		e.deleteOwn, e.deleteInvitations, e.rewriteOthers, e.rewriteRisk,
		e.dropOutbox, e.dropState,
		func() error { return forgetPseudonym(e.tx, e.id) },
		func() error { return drop(e, "person", people(), e.id) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// drop deletes record id of kind k, counting it if it existed.
func drop[T any](e *eraser, name string, k kind[T], id string) error {
	if e.tx.Bucket([]byte(k.bucket)).Get([]byte(id)) == nil {
		return nil
	}
	e.rep.Deleted.Add(name, 1)
	return remove(e.tx, k, id)
}

// dropIndexed deletes the records of kind k under index entry ie.
func dropIndexed[T any](e *eraser, name string, k kind[T], ie index.Entry) error {
	for _, id := range lookup(e.tx, ie) {
		if err := drop(e, name, k, id); err != nil {
			return err
		}
	}
	return nil
}

// deleteOwn deletes the person's profile, care fields, consents,
// check-ins and events.
func (e *eraser) deleteOwn() error {
	s := e.s
	errs := []error{
		drop(e, "profile", s.profiles(), e.id),
		drop(e, "care", s.careInfos(), e.id),
		dropIndexed(e, "consent", consents(), index.Entry{Index: index.ConsentPerson, Value: e.id}),
		dropIndexed(e, "checkin", s.checkIns(), index.Entry{Index: index.CheckInPerson, Value: e.id}),
		dropIndexed(e, "event", s.events(), index.Entry{Index: index.EventPerson, Value: e.id}),
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// deleteInvitations deletes the invitations made for the person or
// redeemed by their Telegram account.
func (e *eraser) deleteInvitations() error {
	invs, err := scan(e.tx, invitations(), nil, func(inv *housing.Invitation) bool {
		return inv.PersonID == e.id || e.tg != "" && strconv.FormatInt(inv.UsedBy, 10) == e.tg
	})
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if err := drop(e, "invitation", invitations(), inv.ID); err != nil {
			return err
		}
	}
	return nil
}

// rewriteOthers puts the pseudonym in place of the person's id in every
// other record that names them.
func (e *eraser) rewriteOthers() error {
	s := e.s
	for _, err := range []error{
		rewrite(e, "home", homes()), rewrite(e, "placement", placements()),
		rewrite(e, "proposal", proposals()), rewrite(e, "invitation", invitations()),
		rewrite(e, "task", tasks()), rewrite(e, "assignment", assignments()),
		rewrite(e, "ledger", ledgers()), rewrite(e, "swap", swaps()),
		rewrite(e, "outing", outings()), rewrite(e, "event", s.events()),
		rewrite(e, "alert", s.alerts()), rewrite(e, "care", s.careInfos()),
		rewrite(e, "checkin", s.checkIns()), rewrite(e, "consent", consents()),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// rewrite pseudonymises the records of kind k that name the person,
// moving their index entries and incrementing their versions. A record
// whose own id names the person moves to the pseudonymised id.
func rewrite[T any](e *eraser, name string, k kind[T]) error {
	type change struct {
		id       string
		old, new T
	}
	var todo []change
	err := e.tx.Bucket([]byte(k.bucket)).ForEach(func(id, v []byte) error {
		plain, err := k.keys.Unwrap(v, k.aad(string(id)))
		if err != nil {
			return fmt.Errorf("open %s %s: %w", k.name, id, err)
		}
		b, changed, err := housing.PseudonymizeJSON(plain, e.id, e.ps)
		if err != nil || !changed {
			return err
		}
		c := change{id: string(id)}
		if err := json.Unmarshal(plain, &c.old); err != nil {
			return fmt.Errorf("decode %s %s: %w", k.name, id, err)
		}
		if err := json.Unmarshal(b, &c.new); err != nil {
			return fmt.Errorf("decode %s %s: %w", k.name, id, err)
		}
		todo = append(todo, c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range todo {
		if k.version != nil {
			*k.version(&c.new) = *k.version(&c.old) + 1
		}
		old := &c.old
		if newID := *k.id(&c.new); newID != c.id {
			if err := remove(e.tx, k, c.id); err != nil {
				return err
			}
			if e.tx.Bucket([]byte(k.bucket)).Get([]byte(newID)) != nil {
				return fmt.Errorf("%s %s: pseudonymised id %s exists: %w", k.name, c.id, newID, housing.ErrConflict)
			}
			old = nil
		}
		if err := put(e.tx, k, old, &c.new); err != nil {
			return err
		}
	}
	e.rep.Pseudonymised.Add(name, len(todo))
	return nil
}

// rewriteRisk pseudonymises the risk scores that name the person.
func (e *eraser) rewriteRisk() error {
	b := e.tx.Bucket([]byte(bucketRisk))
	type kv struct{ k, v []byte }
	var todo []kv
	err := b.ForEach(func(k, v []byte) error {
		plain, err := e.s.keys.Unwrap(v, riskAAD(k))
		if err != nil {
			return fmt.Errorf("open risk %q: %w", k, err)
		}
		nv, changed, err := housing.PseudonymizeJSON(plain, e.id, e.ps)
		if changed {
			todo = append(todo, kv{bytes.Clone(k), e.s.keys.Wrap(nv, riskAAD(k))})
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, x := range todo {
		if err := b.Put(x.k, x.v); err != nil {
			return err
		}
	}
	e.rep.Pseudonymised.Add("risk", len(todo))
	return nil
}

// dropOutbox deletes the outbox records that concern the person: pending
// messages to them (by person or chat), and any record whose key names
// them or their Telegram id.
func (e *eraser) dropOutbox() error {
	o, err := openOutbox(e.tx, e.s.keys)
	if err != nil {
		return err
	}
	var doomed []string
	err = o.msgs.ForEach(func(k, _ []byte) error {
		rec, err := o.load(k)
		if err != nil {
			return err
		}
		key := string(k)
		mine := housing.ContainsID(key, e.id) || e.tg != "" && housing.ContainsID(key, e.tg)
		if m := rec.Message; m != nil {
			mine = mine || m.PersonID == e.id || e.tg != "" && strconv.FormatInt(m.ChatID, 10) == e.tg
		}
		if mine {
			doomed = append(doomed, key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, key := range doomed {
		rec, err := o.load([]byte(key))
		if err != nil {
			return err
		}
		if rec.Status == outboxPending {
			if err := o.unindex(key, rec); err != nil {
				return err
			}
		}
		if err := o.msgs.Delete([]byte(key)); err != nil {
			return err
		}
	}
	e.rep.Deleted.Add("outbox", len(doomed))
	return nil
}

// dropState deletes the state values keyed by the person's id or
// Telegram id (one of the key's ':'-separated parts), and those
// opts.DropState picks.
func (e *eraser) dropState() error {
	b := e.tx.Bucket([]byte(bucketState))
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		key := string(k)
		for _, part := range strings.Split(key, ":") {
			if part == e.id || e.tg != "" && part == e.tg {
				doomed = append(doomed, bytes.Clone(k))
				return nil
			}
		}
		if e.opts.DropState == nil || len(v) < expiryLen {
			return nil
		}
		value, err := e.s.keys.Unwrap(v[expiryLen:], stateAAD(key))
		if err != nil {
			return fmt.Errorf("open state %s: %w", key, err)
		}
		if e.opts.DropState(key, value) {
			doomed = append(doomed, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	e.rep.Deleted.Add("state", len(doomed))
	return nil
}
