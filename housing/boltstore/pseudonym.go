package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
)

// pseudonymOf returns person id's audit pseudonym, or "".
func pseudonymOf(tx *bolt.Tx, id string) string {
	return string(tx.Bucket([]byte(bucketPseudonyms)).Get([]byte(id)))
}

// pseudonymOr returns id's pseudonym, or id itself when it has none.
func pseudonymOr(tx *bolt.Tx, id string) string {
	if ps := pseudonymOf(tx, id); ps != "" {
		return ps
	}
	return id
}

// pseudonymizer returns the housing.PseudonymFunc of AppendAudit in tx:
// the pseudonym a person has, or a new one for a subject or a stored
// person; other ids stay.
func pseudonymizer(tx *bolt.Tx) housing.PseudonymFunc {
	return func(id string, subject bool) (string, error) {
		if ps := pseudonymOf(tx, id); ps != "" {
			return ps, nil
		}
		if !subject && tx.Bucket([]byte(bucketPeople)).Get([]byte(id)) == nil {
			return "", nil
		}
		ps := housing.NewPseudonym()
		if err := tx.Bucket([]byte(bucketPseudonyms)).Put([]byte(id), []byte(ps)); err != nil {
			return "", err
		}
		return ps, tx.Bucket([]byte(bucketPseudoOwner)).Put([]byte(ps), []byte(id))
	}
}

// forgetPseudonym deletes both directions of person id's mapping.
func forgetPseudonym(tx *bolt.Tx, id string) error {
	ps := pseudonymOf(tx, id)
	if ps == "" {
		return nil
	}
	if err := tx.Bucket([]byte(bucketPseudoOwner)).Delete([]byte(ps)); err != nil {
		return err
	}
	return tx.Bucket([]byte(bucketPseudonyms)).Delete([]byte(id))
}

// PseudonymOwner returns the person id behind an audit pseudonym, or
// ErrNotFound.
func (s *Store) PseudonymOwner(ctx context.Context, pseudonym string) (string, error) {
	var id string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id = string(tx.Bucket([]byte(bucketPseudoOwner)).Get([]byte(pseudonym)))
		if id == "" {
			return housing.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("boltstore: pseudonym owner: %w", err)
	}
	return id, nil
}
