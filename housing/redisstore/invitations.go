package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// invitationKind describes how invitations are stored.
func invitationKind() kind[housing.Invitation] {
	return kind[housing.Invitation]{
		name: "invitation", prefix: "inv",
		id:      func(inv *housing.Invitation) *string { return &inv.ID },
		version: func(inv *housing.Invitation) *int64 { return &inv.Version },
		entries: index.Invitation,
	}
}

// consentKind describes how consent records are stored.
func consentKind() kind[housing.ConsentRecord] {
	return kind[housing.ConsentRecord]{
		name: "consent", prefix: "c",
		id:      func(c *housing.ConsentRecord) *string { return &c.ID },
		entries: index.Consent,
	}
}

// CreateInvitation stores a new invitation. ErrConflict if the ID or token
// hash exists.
func (s *Store) CreateInvitation(ctx context.Context, inv *housing.Invitation) error {
	if err := inv.Validate(); err != nil {
		return fmt.Errorf("redisstore: create invitation: %w", err)
	}
	return create(ctx, s, invitationKind(), inv, nil)
}

// tokenKey names the unique index entry of a token hash.
func (s *Store) tokenKey(hash string) string {
	return s.entryKey(index.Entry{Index: index.InvitationToken, Value: hash})
}

// checkHash returns ErrInvalid unless hash looks like housing.HashToken's
// output.
func checkHash(hash string) error {
	if len(hash) != 64 {
		return &housing.FieldError{Field: "token_hash", Reason: "is not a SHA-256 hex digest"}
	}
	return nil
}

// InvitationByTokenHash returns the invitation with a token hash, or
// ErrNotFound.
func (s *Store) InvitationByTokenHash(ctx context.Context, hash string) (housing.Invitation, error) {
	if err := checkHash(hash); err != nil {
		return housing.Invitation{}, fmt.Errorf("redisstore: invitation by token: %w", err)
	}
	id, err := s.rdb.Get(ctx, s.tokenKey(hash)).Result()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	if err != nil {
		return housing.Invitation{}, fmt.Errorf("redisstore: invitation by token: %w", err)
	}
	return get(ctx, s, invitationKind(), id)
}

// RedeemInvitation marks an invitation used by telegramID, exactly once,
// following housing.Redeem: ErrNotFound for an unknown hash, ErrExpired past
// its expiry, ErrConflict if another user redeemed it. Repeating a
// successful call for the same user returns the same invitation.
func (s *Store) RedeemInvitation(ctx context.Context, hash string, telegramID int64, at time.Time) (housing.Invitation, error) {
	err := checkHash(hash)
	if err == nil && at.IsZero() {
		err = &housing.FieldError{Field: "used_at", Reason: "is missing"}
	}
	if err != nil {
		return housing.Invitation{}, fmt.Errorf("redisstore: redeem invitation: %w", err)
	}
	var inv housing.Invitation
	err = s.atomically(ctx, func(tx *redis.Tx) error {
		id, err := tx.Get(ctx, s.tokenKey(hash)).Result()
		if errors.Is(err, redis.Nil) {
			return housing.ErrNotFound
		}
		if err != nil {
			return err
		}
		key := s.recKey("invitation", id)
		if err := tx.Watch(ctx, key).Err(); err != nil {
			return err
		}
		if inv, err = load[housing.Invitation](ctx, s, tx, key); err != nil {
			return err
		}
		already, err := housing.Redeem(&inv, telegramID, at)
		if err != nil || already {
			return err
		}
		inv.Version++
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error { return s.setJSON(ctx, pipe, key, &inv) })
		return err
	}, s.tokenKey(hash))
	if err != nil {
		return housing.Invitation{}, fmt.Errorf("redisstore: redeem invitation: %w", err)
	}
	return inv, nil
}

// AddConsent appends a consent record. ErrNotFound if the person does not
// exist; ErrConflict if the record's ID exists.
func (s *Store) AddConsent(ctx context.Context, c *housing.ConsentRecord) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("redisstore: add consent: %w", err)
	}
	personKey := s.recKey("person", c.PersonID)
	return create(ctx, s, consentKind(), c, func(ctx context.Context, tx *redis.Tx) error {
		if err := tx.Watch(ctx, personKey).Err(); err != nil {
			return err
		}
		n, err := tx.Exists(ctx, personKey).Result()
		if err == nil && n == 0 {
			err = fmt.Errorf("person %s: %w", c.PersonID, housing.ErrNotFound)
		}
		return err
	})
}

// Consents returns a person's consent records, oldest first (ties by ID).
func (s *Store) Consents(ctx context.Context, personID string) ([]housing.ConsentRecord, error) {
	if err := checkID("person_id", personID); err != nil {
		return nil, fmt.Errorf("redisstore: consents: %w", err)
	}
	set := s.entryKey(index.Entry{Index: index.ConsentPerson, Value: personID})
	cs, err := list(ctx, s, consentKind(), []string{set}, func(c *housing.ConsentRecord) bool { return c.PersonID == personID })
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(cs, func(a, b housing.ConsentRecord) int { return a.At.Compare(b.At) })
	return cs, nil
}
