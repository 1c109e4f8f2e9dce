package housing

import (
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"
)

// MaxOutboxKey bounds the length of an outbox message's Key, in bytes.
const MaxOutboxKey = 1000

// OutboxMessage is a message that must reach its chat even across a crash
// or a restart: a reminder, a check-in, an alert. The bot's sender delivers
// the outbox; the scheduler and the flows fill it.
type OutboxMessage struct {
	// Key identifies the message for deduplication, e.g.
	// "reminder:task-42:2026-03-01". Enqueueing a key the outbox already
	// holds (pending, sent or failed) does nothing.
	Key    string `json:"key"`
	ChatID int64  `json:"chat_id"`
	// PersonID is the recipient, when known, so that pausing or erasing
	// a person can reach their queued messages.
	PersonID string `json:"person_id,omitempty"`
	// Kind labels the message in logs and metrics ("reminder", "alert").
	Kind string `json:"kind"`
	// Text is the message, or the caption of Photo.
	Text string `json:"text"`
	// ParseMode is "" or "HTML".
	ParseMode string `json:"parse_mode,omitempty"`
	// Keyboard is an optional reply_markup as JSON.
	Keyboard json.RawMessage `json:"keyboard,omitempty"`
	// Photo, when set, is sent as a photo captioned with Text.
	Photo []byte `json:"photo,omitempty"`
	// NotBefore is when the message becomes due (quiet hours move it).
	NotBefore time.Time `json:"not_before"`
	// Quiet means the message is held during quiet hours: set for messages
	// to residents; staff messages leave it false.
	Quiet bool `json:"quiet,omitempty"`
}

// Validate checks the message's fields: a Key of 1 to MaxOutboxKey bytes
// of UTF-8, a chat, a valid PersonID if set, a text or a photo, a
// ParseMode of "" or "HTML" and a Keyboard that is JSON if set.
func (m OutboxMessage) Validate() error {
	switch {
	case m.Key == "" || len(m.Key) > MaxOutboxKey || !utf8.ValidString(m.Key):
		return invalid("key", "want 1 to %d bytes of UTF-8", MaxOutboxKey)
	case m.ChatID == 0:
		return invalid("chat_id", "is missing")
	case m.PersonID != "" && !ValidID(m.PersonID):
		return invalid("person_id", "%q is not a valid id", m.PersonID)
	case m.Text == "" && len(m.Photo) == 0:
		return invalid("text", "a message needs a text or a photo")
	case m.ParseMode != "" && m.ParseMode != "HTML":
		return invalid("parse_mode", "%q is not \"\" or \"HTML\"", m.ParseMode)
	case len(m.Keyboard) > 0 && !json.Valid(m.Keyboard):
		return invalid("keyboard", "is not valid JSON")
	}
	return nil
}

// Outbox is the persistent queue of messages that must not be lost. Every
// method returns an error only when storage fails, or (MarkSent,
// MarkFailed, Postpone) ErrNotFound for an unknown key.
//
// Delivery is at least once and in practice once: a message is claimed
// with a lease, sent, then marked sent. A crash between Telegram accepting
// it and MarkSent sends it again after the lease (the only window for a
// duplicate); a crash before sending delays it by at most the lease. Only
// the holder of an unexpired claim sends, so several replicas are safe.
type Outbox interface {
	// Enqueue stores m unless a message with m.Key exists (pending, sent
	// or failed). ErrInvalid for an empty key, no chat, or no text and no
	// photo.
	Enqueue(ctx context.Context, m OutboxMessage) error
	// Claim returns up to limit messages that are due (NotBefore <= now),
	// neither sent nor failed nor under a claim that expires after now,
	// ordered by due time (NotBefore, or the end of an expired claim),
	// then Key; and claims them until now+lease.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// MarkSent records that Telegram accepted the message: it is never
	// claimed again.
	MarkSent(ctx context.Context, key string, at time.Time) error
	// MarkFailed records that the message can never be delivered: it is
	// never claimed again.
	MarkFailed(ctx context.Context, key string, at time.Time, reason string) error
	// Postpone moves a pending message's due time to until and releases
	// any claim on it, e.g. when its claim found it in the quiet hours.
	// ErrNotFound for an unknown key; a sent or failed message is left
	// alone (nil).
	Postpone(ctx context.Context, key string, until time.Time) error
	// OutboxDepth returns how many messages are pending (not sent, not
	// failed), due or not.
	OutboxDepth(ctx context.Context) (int, error)
	// DropPending removes every pending message for a person (their consent
	// was withdrawn or they were erased) and returns how many it removed.
	DropPending(ctx context.Context, personID string) (int, error)
}
