package boltstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// consents describes how consent records are stored. They are never
// changed, so they have no version.
func consents() kind[housing.ConsentRecord] {
	return kind[housing.ConsentRecord]{
		name: "consent", bucket: bucketConsents, idField: "id", prefix: "c",
		id:       func(c *housing.ConsentRecord) *string { return &c.ID },
		entries:  index.Consent,
		validate: (*housing.ConsentRecord).Validate,
	}
}

// AddConsent appends a consent record, assigning an ID when it is empty.
// ErrNotFound if the person does not exist; ErrConflict if the ID exists.
func (s *Store) AddConsent(ctx context.Context, c *housing.ConsentRecord) error {
	return write(ctx, s, consents(), c, modeCreate, func(tx *bolt.Tx, _, c *housing.ConsentRecord) error {
		return personExists(tx, c.PersonID)
	})
}

// Consents returns a person's consent records, oldest first (by time, then
// id).
func (s *Store) Consents(ctx context.Context, personID string) ([]housing.ConsentRecord, error) {
	if err := checkID("person_id", personID); err != nil {
		return nil, fmt.Errorf("boltstore: list consents: %w", err)
	}
	by := []index.Entry{{Index: index.ConsentPerson, Value: personID}}
	cs, err := list(ctx, s, consents(), by, func(*housing.ConsentRecord) bool { return true })
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cs, func(a, b housing.ConsentRecord) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID))
	})
	return cs, nil
}
