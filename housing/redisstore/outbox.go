package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
)

// enqueueSrc stores a pending message unless KEYS[1] exists: KEYS[1] the
// message hash, KEYS[2] the due set, KEYS[3] the person's set; ARGV[1] the
// message as JSON, ARGV[2] its due score, ARGV[3] its key, ARGV[4] the
// person id or "". It returns 1 when it stored the message.
const enqueueSrc = `
if redis.call('EXISTS', KEYS[1]) == 1 then
	return 0
end
redis.call('HSET', KEYS[1], 'status', 'pending', 'message', ARGV[1], 'person', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] ~= '' then
	redis.call('SADD', KEYS[3], ARGV[3])
end
return 1
`

// outboxClaimSrc takes up to ARGV[3] members of the due set KEYS[1] with a
// score of at most ARGV[1], in (score, member) order, moves them to score
// ARGV[2] and returns each one's key followed by its message; ARGV[4]
// prefixes a member to name its hash. A member without a message (never
// expected) leaves the set.
const outboxClaimSrc = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, k in ipairs(keys) do
	local m = redis.call('HGET', ARGV[4] .. k, 'message')
	if m then
		redis.call('ZADD', KEYS[1], 'XX', ARGV[2], k)
		out[#out + 1] = k
		out[#out + 1] = m
	else
		redis.call('ZREM', KEYS[1], k)
	end
end
return out
`

// markSrc replaces the pending message hash KEYS[1] with a mark: status
// ARGV[1], done_at ARGV[2], reason ARGV[3]; it removes the key ARGV[4]
// from the due set KEYS[2] and from the person's set, named ARGV[5] plus
// the person id. It returns 0 when there is no message, 1 otherwise (a
// message already marked keeps its first mark).
const markSrc = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
	return 0
end
if status ~= 'pending' then
	return 1
end
local person = redis.call('HGET', KEYS[1], 'person')
redis.call('ZREM', KEYS[2], ARGV[4])
if person and person ~= '' then
	redis.call('SREM', ARGV[5] .. person, ARGV[4])
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'done_at', ARGV[2], 'reason', ARGV[3])
return 1
`

// postponeSrc moves the pending message KEYS[1] to score ARGV[1] in the
// due set KEYS[2], where its key is ARGV[2]. It returns 0 when there is no
// message, 1 otherwise (a sent or failed message is left alone).
const postponeSrc = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
	return 0
end
if status == 'pending' then
	redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[2])
end
return 1
`

// dropSrc deletes the pending messages listed in a person's set KEYS[1],
// and the set, removing them from the due set KEYS[2]; ARGV[1] prefixes a
// key to name its hash. It returns how many it deleted.
const dropSrc = `
local n = 0
for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do
	if redis.call('HGET', ARGV[1] .. k, 'status') == 'pending' then
		redis.call('DEL', ARGV[1] .. k)
		redis.call('ZREM', KEYS[2], k)
		n = n + 1
	end
end
redis.call('DEL', KEYS[1])
return n
`

// outboxMsgKey names the hash of the outbox message with key; with an
// empty key, the prefix the scripts put before a key.
func (s *Store) outboxMsgKey(key string) string { return s.key("outbox", "msg", key) }

// outboxDueKey names the sorted set of the pending messages' keys, scored
// by due time.
func (s *Store) outboxDueKey() string { return s.key("outbox", "due") }

// outboxPersonKey names the set of a person's pending messages' keys;
// with an empty id, the prefix the scripts put before an id.
func (s *Store) outboxPersonKey(id string) string { return s.key("outbox", "person", id) }

// checkOutboxKey returns a *housing.FieldError unless key could name an
// outbox message.
func checkOutboxKey(key string) error {
	if key == "" || len(key) > housing.MaxOutboxKey {
		return &housing.FieldError{Field: "key", Reason: fmt.Sprintf("want 1 to %d bytes", housing.MaxOutboxKey)}
	}
	return nil
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

// floorMillis and ceilMillis return t as a due score, Unix milliseconds
// (exact in a sorted set's float64), rounded down or up; times before
// 1970 (a zero NotBefore) are 0. Due times round up and Claim's now
// rounds down, so a message is never handed out early, and at most a
// millisecond late.
func floorMillis(t time.Time) int64 {
	if t.Before(time.Unix(0, 0)) {
		return 0
	}
	return t.UnixMilli()
}

func ceilMillis(t time.Time) int64 {
	ms := floorMillis(t)
	if t.After(time.UnixMilli(ms)) {
		ms++
	}
	return ms
}

// Enqueue stores m unless a message with m.Key exists (pending, sent or
// failed), in one script, so repeating it is harmless. ErrInvalid for an
// empty key, no chat, or no text and no photo.
func (s *Store) Enqueue(ctx context.Context, m housing.OutboxMessage) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("redisstore: enqueue: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("redisstore: enqueue %q: %w", m.Key, err)
	}
	keys := []string{s.outboxMsgKey(m.Key), s.outboxDueKey(), s.outboxPersonKey(m.PersonID)}
	b = s.keys.Wrap(b, s.aad(keys[0]))
	err = redis.NewScript(enqueueSrc).Run(ctx, s.rdb, keys, b, ceilMillis(m.NotBefore), m.Key, m.PersonID).Err()
	if err != nil {
		return fmt.Errorf("redisstore: enqueue %q: %w", m.Key, err)
	}
	return nil
}

// Claim returns up to limit pending messages due at now, in (due time,
// key) order, and claims them until now+lease, in one script, so that
// concurrent replicas never get the same message. Due times are kept to
// the millisecond; within one millisecond the order is by key. A Claim
// that go-redis repeats after a lost reply finds the first try's messages
// claimed: they are delayed by the lease, never sent twice.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]housing.OutboxMessage, error) {
	if err := checkClaim(lease, limit); err != nil {
		return nil, fmt.Errorf("redisstore: claim outbox: %w", err)
	}
	vals, err := redis.NewScript(outboxClaimSrc).Run(ctx, s.rdb, []string{s.outboxDueKey()},
		floorMillis(now), ceilMillis(now.Add(lease)), limit, s.outboxMsgKey("")).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("redisstore: claim outbox: %w", err)
	}
	out := make([]housing.OutboxMessage, len(vals)/2)
	for i := range out {
		key := s.outboxMsgKey(vals[2*i])
		if err := s.decode(key, []byte(vals[2*i+1]), &out[i]); err != nil {
			return nil, fmt.Errorf("redisstore: claim outbox: %w", err)
		}
	}
	return out, nil
}

// MarkSent records that Telegram accepted the message: it is never
// claimed again, and only its key, status and time are kept.
// ErrNotFound for an unknown key. A message already marked keeps its
// first mark.
func (s *Store) MarkSent(ctx context.Context, key string, at time.Time) error {
	if err := s.mark(ctx, key, "sent", at, ""); err != nil {
		return fmt.Errorf("redisstore: mark sent: %w", err)
	}
	return nil
}

// MarkFailed records that the message can never be delivered, and why:
// it is never claimed again, and only its key, status, time and reason
// are kept. ErrNotFound for an unknown key. A message already marked
// keeps its first mark.
func (s *Store) MarkFailed(ctx context.Context, key string, at time.Time, reason string) error {
	if err := s.mark(ctx, key, "failed", at, reason); err != nil {
		return fmt.Errorf("redisstore: mark failed: %w", err)
	}
	return nil
}

// mark replaces the pending message under key with a mark.
func (s *Store) mark(ctx context.Context, key, status string, at time.Time, reason string) error {
	if err := checkOutboxKey(key); err != nil {
		return err
	}
	keys := []string{s.outboxMsgKey(key), s.outboxDueKey()}
	n, err := redis.NewScript(markSrc).Run(ctx, s.rdb, keys,
		status, at.UTC().Format(time.RFC3339Nano), reason, key, s.outboxPersonKey("")).Int()
	if err == nil && n == 0 {
		err = housing.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	return nil
}

// Postpone moves a pending message's due time to until (rounded up to the
// millisecond), which also releases any claim on it, in one script.
// ErrNotFound for an unknown key; a sent or failed message is left alone.
func (s *Store) Postpone(ctx context.Context, key string, until time.Time) error {
	if err := checkOutboxKey(key); err != nil {
		return fmt.Errorf("redisstore: postpone: %w", err)
	}
	keys := []string{s.outboxMsgKey(key), s.outboxDueKey()}
	n, err := redis.NewScript(postponeSrc).Run(ctx, s.rdb, keys, ceilMillis(until), key).Int()
	if err == nil && n == 0 {
		err = housing.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("redisstore: postpone %q: %w", key, err)
	}
	return nil
}

// OutboxDepth returns how many messages are pending (not sent, not
// failed), due or not: the size of the due set.
func (s *Store) OutboxDepth(ctx context.Context) (int, error) {
	n, err := s.rdb.ZCard(ctx, s.outboxDueKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("redisstore: outbox depth: %w", err)
	}
	return int(n), nil
}

// DropPending deletes every pending message for a person, claimed or not,
// with its key (so the key may be enqueued again), in one script, and
// returns how many it deleted. Sent and failed messages keep no person
// id, so they are not touched. A call that go-redis repeats after a lost
// reply returns 0.
func (s *Store) DropPending(ctx context.Context, personID string) (int, error) {
	if err := checkID("person_id", personID); err != nil {
		return 0, fmt.Errorf("redisstore: drop pending: %w", err)
	}
	keys := []string{s.outboxPersonKey(personID), s.outboxDueKey()}
	n, err := redis.NewScript(dropSrc).Run(ctx, s.rdb, keys, s.outboxMsgKey("")).Int()
	if err != nil {
		return 0, fmt.Errorf("redisstore: drop pending %s: %w", personID, err)
	}
	return n, nil
}
