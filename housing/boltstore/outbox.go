package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/seal"
)

// Bucket names of the outbox (see the package doc).
const (
	bucketOutbox       = "outbox"
	bucketOutboxDue    = "outbox.due"
	bucketOutboxPerson = "outbox.person"
)

// Statuses of an outbox record.
const (
	outboxPending = "pending"
	outboxSent    = "sent"
	outboxFailed  = "failed"
)

// outboxRecord is the stored form of an outbox message. While it is
// pending it holds the message and its due score; once marked sent or
// failed, only the status, the time and the reason, so that the key stays
// deduplicated without keeping the text, photo or keyboard.
type outboxRecord struct {
	Message *housing.OutboxMessage `json:"message,omitempty"`
	Status  string                 `json:"status"`
	// Due is the record's score in outbox.due, in Unix nanoseconds:
	// NotBefore until claimed, then the end of the claim.
	Due    uint64    `json:"due,omitempty"`
	DoneAt time.Time `json:"done_at,omitzero"`
	Reason string    `json:"reason,omitempty"`
	// Sealed holds the message, sealed, in place of Message when the
	// store has a keyring.
	Sealed []byte `json:"sealed,omitempty"`
}

// outboxAAD binds a sealed message to its key.
func outboxAAD(key string) []byte { return []byte(bucketOutbox + "/" + key) }

// encodeOutbox returns the stored form of rec under key, its message
// sealed when keys is not nil.
func encodeOutbox(keys *seal.Keyring, key string, rec outboxRecord) ([]byte, error) {
	if rec.Message != nil && keys != nil {
		m, err := json.Marshal(rec.Message)
		if err != nil {
			return nil, fmt.Errorf("encode outbox message %q: %w", key, err)
		}
		rec.Message, rec.Sealed = nil, keys.Seal(m, outboxAAD(key))
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode outbox message %q: %w", key, err)
	}
	return b, nil
}

// decodeOutbox reads the stored form v of the record under key, opening
// its message.
func decodeOutbox(keys *seal.Keyring, key, v []byte) (outboxRecord, error) {
	var rec outboxRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("decode outbox message %q: %w", key, err)
	}
	if rec.Sealed != nil {
		m, err := keys.Unwrap(rec.Sealed, outboxAAD(string(key)))
		if err == nil {
			err = json.Unmarshal(m, &rec.Message)
		}
		if err != nil {
			return rec, fmt.Errorf("open outbox message %q: %w", key, err)
		}
		rec.Sealed = nil
	}
	return rec, nil
}

// checkOutboxKey returns a *housing.FieldError unless key could name an
// outbox message.
func checkOutboxKey(key string) error {
	if key == "" || len(key) > housing.MaxOutboxKey {
		return &housing.FieldError{Field: "key", Reason: fmt.Sprintf("want 1 to %d bytes", housing.MaxOutboxKey)}
	}
	return nil
}

// dueScore returns t as an outbox.due score: Unix nanoseconds, clamped to
// the range an int64 holds (a zero NotBefore is due at once).
func dueScore(t time.Time) uint64 {
	switch {
	case t.Before(time.Unix(0, 0)):
		return 0
	case t.After(time.Unix(0, math.MaxInt64)):
		return math.MaxInt64
	}
	return uint64(t.UnixNano())
}

// dueKey returns the outbox.due key of a message: its score (8 bytes,
// big-endian), then its key, so that a cursor walks (score, key) order.
func dueKey(score uint64, key string) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(key)), score), key...)
}

// outboxBuckets are the outbox's buckets in one write transaction.
type outboxBuckets struct {
	msgs, due, person *bolt.Bucket
	keys              *seal.Keyring
}

// openOutbox returns the outbox buckets of tx, a write transaction,
// creating them in a file written before the outbox existed.
func openOutbox(tx *bolt.Tx, keys *seal.Keyring) (outboxBuckets, error) {
	o := outboxBuckets{keys: keys}
	for _, b := range []struct {
		name string
		dst  **bolt.Bucket
	}{{bucketOutbox, &o.msgs}, {bucketOutboxDue, &o.due}, {bucketOutboxPerson, &o.person}} {
		var err error
		if *b.dst, err = tx.CreateBucketIfNotExists([]byte(b.name)); err != nil {
			return o, fmt.Errorf("bucket %s: %w", b.name, err)
		}
	}
	return o, nil
}

// load returns the record under key, or housing.ErrNotFound.
func (o outboxBuckets) load(key []byte) (outboxRecord, error) {
	v := o.msgs.Get(key)
	if v == nil {
		return outboxRecord{}, housing.ErrNotFound
	}
	rec, err := decodeOutbox(o.keys, key, v)
	if err != nil {
		return rec, err
	}
	if rec.Status == outboxPending && rec.Message == nil {
		return rec, fmt.Errorf("outbox message %q is pending without a message", key)
	}
	return rec, nil
}

// put stores rec under key.
func (o outboxBuckets) put(key []byte, rec outboxRecord) error {
	b, err := encodeOutbox(o.keys, string(key), rec)
	if err != nil {
		return err
	}
	return o.msgs.Put(key, b)
}

// insert stores a new pending record and its index entries.
func (o outboxBuckets) insert(key string, rec outboxRecord, encoded []byte) error {
	if err := o.msgs.Put([]byte(key), encoded); err != nil {
		return err
	}
	if err := o.due.Put(dueKey(rec.Due, key), nil); err != nil {
		return err
	}
	if p := rec.Message.PersonID; p != "" {
		return o.person.Put(indexKey(p, key), nil)
	}
	return nil
}

// unindex removes a pending record's index entries.
func (o outboxBuckets) unindex(key string, rec outboxRecord) error {
	if err := o.due.Delete(dueKey(rec.Due, key)); err != nil {
		return err
	}
	if p := rec.Message.PersonID; p != "" {
		return o.person.Delete(indexKey(p, key))
	}
	return nil
}

// Enqueue stores m unless a message with m.Key exists (pending, sent or
// failed). ErrInvalid for an empty key, no chat, or no text and no photo.
func (s *Store) Enqueue(ctx context.Context, m housing.OutboxMessage) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("boltstore: enqueue: %w", err)
	}
	rec := outboxRecord{Message: &m, Status: outboxPending, Due: dueScore(m.NotBefore)}
	encoded, err := encodeOutbox(s.keys, m.Key, rec) // outside the write lock: a photo can be large
	if err != nil {
		return fmt.Errorf("boltstore: enqueue: %w", err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) error {
		o, err := openOutbox(tx, s.keys)
		if err != nil || o.msgs.Get([]byte(m.Key)) != nil {
			return err
		}
		return o.insert(m.Key, rec, encoded)
	})
	if err != nil {
		return fmt.Errorf("boltstore: enqueue %q: %w", m.Key, err)
	}
	return nil
}

// Claim returns up to limit pending messages due at now, in (due time,
// key) order, and claims them until now+lease, in one transaction.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]housing.OutboxMessage, error) {
	if err := checkClaim(lease, limit); err != nil {
		return nil, fmt.Errorf("boltstore: claim outbox: %w", err)
	}
	var out []housing.OutboxMessage
	err := s.update(ctx, func(tx *bolt.Tx) error {
		o, err := openOutbox(tx, s.keys)
		if err != nil {
			return err
		}
		until := dueScore(now.Add(lease))
		for _, key := range dueKeys(o.due, dueScore(now), limit) {
			rec, err := o.load([]byte(key))
			if err != nil {
				return fmt.Errorf("outbox.due entry %q: %w", key, err)
			}
			if err := o.due.Delete(dueKey(rec.Due, key)); err != nil {
				return err
			}
			rec.Due = until
			if err := o.due.Put(dueKey(until, key), nil); err != nil {
				return err
			}
			if err := o.put([]byte(key), rec); err != nil {
				return err
			}
			out = append(out, *rec.Message)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: claim outbox: %w", err)
	}
	return out, nil
}

// checkClaim returns a *housing.FieldError for a lease or limit Claim
// cannot use.
func checkClaim(lease time.Duration, limit int) error {
	switch {
	case lease <= 0:
		return &housing.FieldError{Field: "lease", Reason: fmt.Sprintf("%v is not positive", lease)}
	case limit <= 0:
		return &housing.FieldError{Field: "limit", Reason: fmt.Sprintf("%d is not positive", limit)}
	}
	return nil
}

// dueKeys returns the keys of up to limit entries of due with a score of
// at most now, in (score, key) order.
func dueKeys(due *bolt.Bucket, now uint64, limit int) []string {
	var keys []string
	c := due.Cursor()
	for k, _ := c.First(); k != nil && len(keys) < limit; k, _ = c.Next() {
		if len(k) < 8 || binary.BigEndian.Uint64(k) > now {
			break
		}
		keys = append(keys, string(k[8:]))
	}
	return keys
}

// MarkSent records that Telegram accepted the message: it is never
// claimed again, and only its key, status and time are kept.
// ErrNotFound for an unknown key. A message already marked keeps its
// first mark.
func (s *Store) MarkSent(ctx context.Context, key string, at time.Time) error {
	if err := s.mark(ctx, key, outboxRecord{Status: outboxSent, DoneAt: at}); err != nil {
		return fmt.Errorf("boltstore: mark sent: %w", err)
	}
	return nil
}

// MarkFailed records that the message can never be delivered, and why:
// it is never claimed again, and only its key, status, time and reason
// are kept. ErrNotFound for an unknown key. A message already marked
// keeps its first mark.
func (s *Store) MarkFailed(ctx context.Context, key string, at time.Time, reason string) error {
	if err := s.mark(ctx, key, outboxRecord{Status: outboxFailed, DoneAt: at, Reason: reason}); err != nil {
		return fmt.Errorf("boltstore: mark failed: %w", err)
	}
	return nil
}

// Postpone moves a pending message's due time to until, re-keying its
// outbox.due entry, which also releases any claim on it. ErrNotFound for
// an unknown key; a sent or failed message is left alone.
func (s *Store) Postpone(ctx context.Context, key string, until time.Time) error {
	if err := checkOutboxKey(key); err != nil {
		return fmt.Errorf("boltstore: postpone: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		o, err := openOutbox(tx, s.keys)
		if err != nil {
			return err
		}
		rec, err := o.load([]byte(key))
		if err != nil || rec.Status != outboxPending {
			return err
		}
		if err := o.due.Delete(dueKey(rec.Due, key)); err != nil {
			return err
		}
		rec.Due = dueScore(until)
		if err := o.due.Put(dueKey(rec.Due, key), nil); err != nil {
			return err
		}
		return o.put([]byte(key), rec)
	})
	if err != nil {
		return fmt.Errorf("boltstore: postpone %q: %w", key, err)
	}
	return nil
}

// mark replaces the pending message under key with the record done.
func (s *Store) mark(ctx context.Context, key string, done outboxRecord) error {
	if err := checkOutboxKey(key); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		o, err := openOutbox(tx, s.keys)
		if err != nil {
			return err
		}
		rec, err := o.load([]byte(key))
		if err != nil || rec.Status != outboxPending {
			return err
		}
		if err := o.unindex(key, rec); err != nil {
			return err
		}
		return o.put([]byte(key), done)
	})
	if err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	return nil
}

// OutboxDepth returns how many messages are pending (not sent, not
// failed), due or not: the size of outbox.due.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(bucketOutboxDue)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: outbox depth: %w", err)
	}
	return n, nil
}

// DropPending deletes every pending message for a person, claimed or not,
// with its key (so the key may be enqueued again), and returns how many
// it deleted. Sent and failed messages keep no person id, so they are not
// touched.
func (s *Store) DropPending(ctx context.Context, personID string) (int, error) {
	if err := checkID("person_id", personID); err != nil {
		return 0, fmt.Errorf("boltstore: drop pending: %w", err)
	}
	var n int
	err := s.update(ctx, func(tx *bolt.Tx) error {
		o, err := openOutbox(tx, s.keys)
		if err != nil {
			return err
		}
		keys := personKeys(o.person, personID)
		for _, key := range keys {
			rec, err := o.load([]byte(key))
			if err != nil {
				return fmt.Errorf("outbox.person entry %q: %w", key, err)
			}
			if err := o.unindex(key, rec); err != nil {
				return err
			}
			if err := o.msgs.Delete([]byte(key)); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: drop pending %s: %w", personID, err)
	}
	return n, nil
}

// personKeys returns the keys of a person's pending messages. Person ids
// never contain NUL, so every key under personID + NUL is theirs.
func personKeys(person *bolt.Bucket, personID string) []string {
	prefix := indexKey(personID, "")
	var keys []string
	c := person.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, string(k[len(prefix):]))
	}
	return keys
}
