package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/convivo/convivo/housing"
)

// House life speaks first: reminders, offers, questions. Everything the
// bot sends on its own goes through the outbox under a key derived from
// the records and the slot it is about, so a job run twice, a restart in
// the middle of a run or a second replica never sends it twice; and every
// such message to a resident waits for the end of the quiet hours.

// queuedTTL is how long the bot remembers that it queued a message, so a
// later run of an hourly job does not build its keyboard again. The
// outbox's own key is what guarantees once; this only saves work.
const queuedTTL = 8 * 24 * time.Hour

// maxStateKey is the longest key the StateStore takes.
const maxStateKey = 200

// notice is one message the bot sends a person on its own.
type notice struct {
	key    string     // the outbox key: one message per key, ever
	kind   string     // for logs and metrics: "chore", "checkin", ...
	text   string     // in the recipient's language
	kbKind string     // the pending action's kind, when rows are given
	rows   [][]button // the buttons, if any
	at     time.Time  // when it is due before quiet hours; zero means now
}

// notify queues n for person p through the outbox. People without a
// Telegram chat or not taking part (consent withdrawn, left) are skipped.
// A notice whose key was already queued is skipped too.
func (b *Bot) notify(ctx context.Context, p *housing.Person, n notice) error {
	if p.TelegramID == 0 || p.Status != housing.StatusActive {
		return nil
	}
	marker := queuedKey(n.key)
	if _, err := b.store.GetState(ctx, marker); err == nil {
		return nil
	} else if !errors.Is(err, housing.ErrNotFound) {
		return fmt.Errorf("bot: notify %s: %w", n.kind, err)
	}
	m := housing.OutboxMessage{Key: n.key, ChatID: p.TelegramID, PersonID: p.ID, Kind: n.kind, Text: n.text,
		NotBefore: b.notBefore(n.at), Quiet: p.Role.Resident()}
	if len(n.rows) > 0 {
		kb, _, err := b.keyboard(ctx, p.TelegramID, n.kbKind, n.rows)
		if err != nil {
			return err
		}
		if m.Keyboard, err = json.Marshal(kb); err != nil {
			return fmt.Errorf("bot: notify %s: %w", n.kind, err)
		}
	}
	if err := b.enqueue(ctx, m); err != nil {
		return err
	}
	if err := b.store.PutState(ctx, marker, []byte("1"), queuedTTL); err != nil {
		b.logger.WarnContext(ctx, "bot: remember queued message", slog.String("kind", n.kind), slog.Any("err", err))
	}
	return nil
}

// markQueued records that the message under key need not be queued: the
// person got its content as a direct answer.
func (b *Bot) markQueued(ctx context.Context, key string) {
	if err := b.store.PutState(ctx, queuedKey(key), []byte("1"), queuedTTL); err != nil {
		b.logger.WarnContext(ctx, "bot: remember answered message", slog.Any("err", err))
	}
}

// queuedKey returns the state key that remembers an outbox key.
func queuedKey(key string) string {
	k := "queued:" + key
	if len(k) <= maxStateKey && housing.ValidStateKey(k) {
		return k
	}
	sum := sha256.Sum256([]byte(key))
	return "queued:" + hex.EncodeToString(sum[:])
}

// enqueue hands m to the Enqueuer, or to the store's outbox without one.
// Every message the bot queues goes through it.
func (b *Bot) enqueue(ctx context.Context, m housing.OutboxMessage) error {
	var err error
	if b.cfg.Enqueuer != nil {
		err = b.cfg.Enqueuer.Enqueue(ctx, m)
	} else {
		err = b.store.Enqueue(ctx, m)
	}
	if err != nil {
		return fmt.Errorf("bot: enqueue %s: %w", m.Kind, err)
	}
	return nil
}

// notBefore returns when a message due at t (now when zero) may reach a
// resident: t, or the end of the quiet hours t falls in.
func (b *Bot) notBefore(t time.Time) time.Time {
	if t.IsZero() {
		t = b.cfg.Now()
	}
	if b.cfg.Quiet != nil {
		t = b.cfg.Quiet.NextAllowed(t)
	}
	return t
}

// markSeen records that the caller just interacted with the bot, under
// "seen:<person id>" as an RFC 3339 time: early warning reads it for the
// "silence" signal. A failure is logged; the update goes on.
func (b *Bot) markSeen(ctx context.Context, c *caller) {
	if c.person == nil {
		return
	}
	now := b.cfg.Now().UTC().Format(time.RFC3339)
	if err := b.store.PutState(ctx, seenKey(c.person.ID), []byte(now), 0); err != nil {
		b.logger.WarnContext(ctx, "bot: record last interaction", slog.Any("err", err))
	}
}

// seenKey returns the state key of a person's last interaction.
func seenKey(personID string) string { return "seen:" + personID }

// local returns t in the Bot's location.
func (b *Bot) local(t time.Time) time.Time { return t.In(b.cfg.Location) }

// midnight returns the start of t's calendar day in the Bot's location,
// moved by days.
func (b *Bot) midnight(t time.Time, days int) time.Time {
	t = b.local(t)
	return time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, t.Location())
}

// sameDay reports whether a and b fall on the same calendar day in the
// Bot's location.
func (b *Bot) sameDay(x, y time.Time) bool { return b.midnight(x, 0).Equal(b.midnight(y, 0)) }
