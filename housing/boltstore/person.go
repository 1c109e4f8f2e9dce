package boltstore

import (
	"context"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// people describes how persons are stored.
func people() kind[housing.Person] {
	return kind[housing.Person]{
		name: "person", bucket: bucketPeople, idField: "id", prefix: "p",
		id:       func(p *housing.Person) *string { return &p.ID },
		version:  func(p *housing.Person) *int64 { return &p.Version },
		entries:  index.Person,
		validate: (*housing.Person).Validate,
	}
}

// CreatePerson stores a new person, assigning an ID when it is empty.
// ErrConflict if the ID exists or the Telegram id is bound to someone else.
func (s *Store) CreatePerson(ctx context.Context, p *housing.Person) error {
	return write(ctx, s, people(), p, modeCreate, nil)
}

// Person returns the person with id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id string) (housing.Person, error) {
	return get(ctx, s, people(), id)
}

// PersonByTelegramID returns the person bound to a Telegram user id, or
// ErrNotFound.
func (s *Store) PersonByTelegramID(ctx context.Context, telegramID int64) (housing.Person, error) {
	if telegramID <= 0 {
		err := &housing.FieldError{Field: "telegram_id", Reason: "must be positive"}
		return housing.Person{}, fmt.Errorf("boltstore: get person by telegram id: %w", err)
	}
	var p housing.Person
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ids := lookup(tx, index.Entry{Index: index.PersonTelegram, Value: strconv.FormatInt(telegramID, 10)})
		if len(ids) == 0 {
			return housing.ErrNotFound
		}
		var err error
		p, err = load(tx, people(), ids[0])
		return err
	})
	if err != nil {
		return housing.Person{}, fmt.Errorf("boltstore: get person by telegram id %d: %w", telegramID, err)
	}
	return p, nil
}

// UpdatePerson replaces a person. ErrNotFound, ErrConflict (stale version
// or Telegram id bound to someone else).
func (s *Store) UpdatePerson(ctx context.Context, p *housing.Person) error {
	return write(ctx, s, people(), p, modeUpdate, nil)
}

// ListPeople returns the people matching f, in id order.
func (s *Store) ListPeople(ctx context.Context, f housing.PersonFilter) ([]housing.Person, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("boltstore: list people: %w", err)
	}
	by := usable(
		index.Entry{Index: index.PersonDistrict, Value: f.District},
		index.Entry{Index: index.PersonRole, Value: string(f.Role)},
	)
	return list(ctx, s, people(), by, f.Match)
}
