package boltstore

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// invitations describes how invitations are stored.
func invitations() kind[housing.Invitation] {
	return kind[housing.Invitation]{
		name: "invitation", bucket: bucketInvitations, idField: "id", prefix: "inv",
		id:       func(inv *housing.Invitation) *string { return &inv.ID },
		version:  func(inv *housing.Invitation) *int64 { return &inv.Version },
		entries:  index.Invitation,
		validate: (*housing.Invitation).Validate,
	}
}

// CreateInvitation stores a new invitation, assigning an ID when it is
// empty. ErrConflict if the ID or token hash exists.
func (s *Store) CreateInvitation(ctx context.Context, inv *housing.Invitation) error {
	return write(ctx, s, invitations(), inv, modeCreate, nil)
}

// checkTokenHash returns a *housing.FieldError unless hash looks like
// housing.HashToken's output.
func checkTokenHash(hash string) error {
	if len(hash) != 64 {
		return &housing.FieldError{Field: "token_hash", Reason: "is not a SHA-256 hex digest"}
	}
	return nil
}

// invitationByHash loads the invitation with a token hash, or
// housing.ErrNotFound.
func invitationByHash(tx *bolt.Tx, hash string) (housing.Invitation, error) {
	ids := lookup(tx, index.Entry{Index: index.InvitationToken, Value: hash})
	if len(ids) == 0 {
		return housing.Invitation{}, housing.ErrNotFound
	}
	return load(tx, invitations(), ids[0])
}

// InvitationByTokenHash returns the invitation with a token hash, or
// ErrNotFound.
func (s *Store) InvitationByTokenHash(ctx context.Context, hash string) (housing.Invitation, error) {
	if err := checkTokenHash(hash); err != nil {
		return housing.Invitation{}, fmt.Errorf("boltstore: get invitation: %w", err)
	}
	var inv housing.Invitation
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		inv, err = invitationByHash(tx, hash)
		return err
	})
	if err != nil {
		return housing.Invitation{}, fmt.Errorf("boltstore: get invitation by token hash: %w", err)
	}
	return inv, nil
}

// RedeemInvitation marks an invitation used by telegramID, exactly once
// (housing.Redeem): ErrNotFound for an unknown hash, ErrExpired past its
// expiry, ErrConflict if another user redeemed it. Repeating a successful
// call for the same user returns the same invitation.
func (s *Store) RedeemInvitation(ctx context.Context, hash string, telegramID int64, at time.Time) (housing.Invitation, error) {
	if err := checkTokenHash(hash); err != nil {
		return housing.Invitation{}, fmt.Errorf("boltstore: redeem invitation: %w", err)
	}
	if at.IsZero() {
		err := &housing.FieldError{Field: "used_at", Reason: "is missing"}
		return housing.Invitation{}, fmt.Errorf("boltstore: redeem invitation: %w", err)
	}
	var inv housing.Invitation
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if inv, err = invitationByHash(tx, hash); err != nil {
			return err
		}
		old := inv
		already, err := housing.Redeem(&inv, telegramID, at)
		if already || err != nil {
			return err
		}
		inv.Version++
		return put(tx, invitations(), &old, &inv)
	})
	if err != nil {
		return housing.Invitation{}, fmt.Errorf("boltstore: redeem invitation: %w", err)
	}
	return inv, nil
}
