package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
)

// profiles describes how profiles are stored: by person id, sealed
// under the store's keyring.
func (s *Store) profiles() kind[housing.Profile] {
	return kind[housing.Profile]{
		name: "profile", bucket: bucketProfiles, idField: "person_id",
		id:       func(p *housing.Profile) *string { return &p.PersonID },
		version:  func(p *housing.Profile) *int64 { return &p.Version },
		validate: (*housing.Profile).Validate,
		keys:     s.keys,
	}
}

// careInfos describes how care-team fields are stored: by person id,
// sealed under the store's keyring.
func (s *Store) careInfos() kind[housing.CareInfo] {
	return kind[housing.CareInfo]{
		name: "care info", bucket: bucketCare, idField: "person_id",
		id:       func(c *housing.CareInfo) *string { return &c.PersonID },
		version:  func(c *housing.CareInfo) *int64 { return &c.Version },
		validate: (*housing.CareInfo).Validate,
		keys:     s.keys,
	}
}

// personExists fails with an error wrapping ErrNotFound unless person id
// exists.
func personExists(tx *bolt.Tx, id string) error {
	if tx.Bucket([]byte(bucketPeople)).Get([]byte(id)) == nil {
		return fmt.Errorf("person %s: %w", id, housing.ErrNotFound)
	}
	return nil
}

// PutProfile creates or replaces a person's profile. ErrNotFound if the
// person does not exist; ErrConflict on a stale version.
func (s *Store) PutProfile(ctx context.Context, p *housing.Profile) error {
	return write(ctx, s, s.profiles(), p, modePut, func(tx *bolt.Tx, _, p *housing.Profile) error {
		return personExists(tx, p.PersonID)
	})
}

// Profile returns a person's profile, or ErrNotFound.
func (s *Store) Profile(ctx context.Context, personID string) (housing.Profile, error) {
	return get(ctx, s, s.profiles(), personID)
}

// PutCareInfo creates or replaces a person's care-team fields. ErrNotFound
// if the person does not exist; ErrConflict on a stale version.
func (s *Store) PutCareInfo(ctx context.Context, c *housing.CareInfo) error {
	return write(ctx, s, s.careInfos(), c, modePut, func(tx *bolt.Tx, _, c *housing.CareInfo) error {
		return personExists(tx, c.PersonID)
	})
}

// CareInfo returns a person's care-team fields, or ErrNotFound.
func (s *Store) CareInfo(ctx context.Context, personID string) (housing.CareInfo, error) {
	return get(ctx, s, s.careInfos(), personID)
}
