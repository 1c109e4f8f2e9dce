package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/sync/errgroup"

	"github.com/convivo/convivo/housing"
)

// OutboxMessage is a message that must reach its chat even across a crash
// (a reminder, a check-in, an alert); the stores keep it, so it is
// housing's type.
type OutboxMessage = housing.OutboxMessage

// Outbox is the persistent queue behind Sender.Enqueue and Sender.Run: the
// part of housing.Outbox the Sender uses, so the stores implement it. Every
// method returns an error only when the
// storage fails (or, for MarkSent, MarkFailed and Postpone, an unknown
// key).
//
// Delivery is at least once, and in practice once: a message is claimed
// with a lease, sent, then marked sent. A crash between Telegram accepting
// it and MarkSent sends it again after the lease expires (the only window
// for a duplicate); a crash before sending delays it by at most the lease.
// Keys make re-enqueueing harmless, so a scheduler that catches up after a
// crash does not send twice what was already sent. Claims make several
// replicas safe: only the holder of an unexpired claim sends a message.
type Outbox interface {
	// Enqueue stores m, unless a message with m.Key exists.
	Enqueue(ctx context.Context, m OutboxMessage) error
	// Claim returns up to limit messages that are due (NotBefore <= now),
	// neither sent nor failed, and not under a claim that expires after now;
	// ordered by NotBefore, then Key. It claims them until now+lease.
	Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxMessage, error)
	// MarkSent records that Telegram accepted the message at at: it is
	// never claimed again.
	MarkSent(ctx context.Context, key string, at time.Time) error
	// MarkFailed records that the message can never be delivered (the chat
	// is unreachable, Telegram refused it): it is never claimed again.
	MarkFailed(ctx context.Context, key string, at time.Time, reason string) error
	// Postpone moves a pending message's due time to until and releases any
	// claim on it (a message held in the quiet hours); a sent or failed one
	// is left alone.
	Postpone(ctx context.Context, key string, until time.Time) error
}

// Enqueue validates m, stores it in the outbox and wakes Run.
func (s *Sender) Enqueue(ctx context.Context, m OutboxMessage) error {
	if s.outbox == nil {
		return errors.New("bot: enqueue: the sender has no outbox")
	}
	if err := validateOutbox(m); err != nil {
		return fmt.Errorf("bot: enqueue %q: %w", m.Key, err)
	}
	if err := s.outbox.Enqueue(ctx, m); err != nil {
		return fmt.Errorf("bot: enqueue %q: %w", m.Key, err)
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
	return nil
}

func validateOutbox(m OutboxMessage) error {
	switch {
	case m.Key == "":
		return errors.New("empty key")
	case m.ChatID == 0:
		return errors.New("no chat")
	case m.Text == "" && len(m.Photo) == 0:
		return errors.New("no text and no photo")
	case len(m.Keyboard) > 0 && !json.Valid(m.Keyboard):
		return errors.New("keyboard is not valid JSON")
	}
	return nil
}

// outboxChattable builds the Bot API call for m.
func outboxChattable(m OutboxMessage) tgbotapi.Chattable {
	base := tgbotapi.BaseChat{ChatID: m.ChatID}
	if len(m.Keyboard) > 0 {
		base.ReplyMarkup = m.Keyboard
	}
	if len(m.Photo) == 0 {
		return tgbotapi.MessageConfig{BaseChat: base, Text: m.Text, ParseMode: m.ParseMode}
	}
	name := "photo.png"
	if http.DetectContentType(m.Photo) == "image/jpeg" {
		name = "photo.jpg"
	}
	return tgbotapi.PhotoConfig{BaseFile: tgbotapi.BaseFile{BaseChat: base,
		File: tgbotapi.FileBytes{Name: name, Bytes: m.Photo}}, Caption: m.Text, ParseMode: m.ParseMode}
}

// Run delivers the outbox's due messages until ctx ends, then returns nil
// (a Sender without outbox just waits for ctx). A send in flight when ctx
// ends completes and is marked; messages still waiting for the rate limits
// stay claimed and go out after their lease on the next run.
func (s *Sender) Run(ctx context.Context) error {
	if s.outbox == nil {
		<-ctx.Done()
		return nil
	}
	failures := 0
	for ctx.Err() == nil {
		n, err := s.pump(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			failures++
			d := backoff(failures, s.cfg.MinBackoff, s.cfg.MaxBackoff)
			s.logger.Warn("bot: outbox claim failed", slog.Any("err", err), slog.Duration("retry_in", d))
			_ = s.clock.Sleep(ctx, d)
			continue
		}
		failures = 0
		if n < s.cfg.OutboxBatch {
			s.idle(ctx)
		}
	}
	return nil
}

// idle waits for Enqueue, the poll interval (real time) or ctx.
func (s *Sender) idle(ctx context.Context) {
	t := time.NewTimer(s.cfg.OutboxPoll)
	defer t.Stop()
	select {
	case <-s.kick:
	case <-t.C:
	case <-ctx.Done():
	}
}

// pump claims one batch and delivers it: chats in parallel, each chat's
// messages in order. It returns how many messages it claimed.
func (s *Sender) pump(ctx context.Context) (int, error) {
	now := s.clock.Now()
	msgs, err := s.outbox.Claim(ctx, now, s.cfg.OutboxLease, s.cfg.OutboxBatch)
	if err != nil {
		return 0, fmt.Errorf("bot: outbox claim: %w", err)
	}
	until := now.Add(s.cfg.OutboxLease / 2)
	var order []int64
	byChat := map[int64][]OutboxMessage{}
	for _, m := range msgs {
		if _, ok := byChat[m.ChatID]; !ok {
			order = append(order, m.ChatID)
		}
		byChat[m.ChatID] = append(byChat[m.ChatID], m)
	}
	var g errgroup.Group
	g.SetLimit(s.cfg.OutboxWorkers)
	for _, chatID := range order {
		g.Go(func() error {
			for _, m := range byChat[chatID] {
				s.deliverOutbox(ctx, m, until)
			}
			return nil
		})
	}
	_ = g.Wait()
	return len(msgs), nil
}

// deliverOutbox sends m and marks the outcome; a message that may still go
// out later is left claimed, and one held in the quiet hours (m.Quiet) that
// comes up inside them, before or after waiting for the rate limits, is
// postponed to their end.
func (s *Sender) deliverOutbox(ctx context.Context, m OutboxMessage, until time.Time) {
	if ctx.Err() != nil {
		return
	}
	log := s.logger.With(slog.String("key", m.Key), slog.String("kind", m.Kind), slog.Int64("chat", m.ChatID))
	if err := validateOutbox(m); err != nil {
		s.markFailed(ctx, log, m, "invalid: "+err.Error())
		return
	}
	if next, ok := s.quietUntil(m.Quiet); ok {
		s.postpone(ctx, log, m, next)
		return
	}
	_, err := s.send(ctx, outboxChattable(m), sendOpts{detach: true, until: until, kind: m.Kind, quiet: m.Quiet})
	var quiet *quietHoursError
	switch {
	case err == nil:
		mctx, cancel := markContext(ctx)
		defer cancel()
		if err := s.outbox.MarkSent(mctx, m.Key, s.clock.Now()); err != nil {
			log.Error("bot: outbox mark sent (it will be sent again)", slog.Any("err", err))
		}
	case errors.As(err, &quiet):
		s.postpone(ctx, log, m, quiet.until)
	case errors.Is(err, ErrBlocked):
		s.markFailed(ctx, log, m, "recipient unreachable")
	case ctx.Err() != nil || errors.Is(err, errLeaseExpired) || IsTemporary(err):
		log.Warn("bot: outbox message postponed", slog.Any("err", err))
	default:
		s.markFailed(ctx, log, m, err.Error())
	}
}

func (s *Sender) markFailed(ctx context.Context, log *slog.Logger, m OutboxMessage, reason string) {
	log.Warn("bot: outbox message dropped", slog.String("reason", reason))
	mctx, cancel := markContext(ctx)
	defer cancel()
	if err := s.outbox.MarkFailed(mctx, m.Key, s.clock.Now(), reason); err != nil {
		log.Error("bot: outbox mark failed", slog.Any("err", err))
	}
}

// postpone makes m due again at next, the end of the quiet hours. If that
// fails, m stays claimed and comes back, still held, after its lease.
func (s *Sender) postpone(ctx context.Context, log *slog.Logger, m OutboxMessage, next time.Time) {
	log.Debug("bot: outbox message held for the quiet hours", slog.Time("until", next))
	mctx, cancel := markContext(ctx)
	defer cancel()
	if err := s.outbox.Postpone(mctx, m.Key, next); err != nil {
		log.Error("bot: outbox postpone (it comes back after its lease)", slog.Any("err", err))
	}
}

// markContext outlives ctx briefly: what Telegram accepted must be marked.
func markContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
}
