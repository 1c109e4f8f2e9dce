package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/internal/index"
)

// personKind describes how people are stored.
func personKind() kind[housing.Person] {
	return kind[housing.Person]{
		name: "person", prefix: "p",
		id:      func(p *housing.Person) *string { return &p.ID },
		version: func(p *housing.Person) *int64 { return &p.Version },
		entries: index.Person,
	}
}

// CreatePerson stores a new person. ErrConflict if the ID exists or the
// Telegram id is bound to someone else.
func (s *Store) CreatePerson(ctx context.Context, p *housing.Person) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("redisstore: create person: %w", err)
	}
	return create(ctx, s, personKind(), p, nil)
}

// Person returns the person with id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id string) (housing.Person, error) {
	return get(ctx, s, personKind(), id)
}

// PersonByTelegramID returns the person bound to a Telegram user id, or
// ErrNotFound.
func (s *Store) PersonByTelegramID(ctx context.Context, telegramID int64) (housing.Person, error) {
	if telegramID <= 0 {
		return housing.Person{}, fmt.Errorf("redisstore: person by telegram id %d: %w",
			telegramID, &housing.FieldError{Field: "telegram_id", Reason: "must be positive"})
	}
	e := index.Entry{Index: index.PersonTelegram, Value: strconv.FormatInt(telegramID, 10)}
	id, err := s.rdb.Get(ctx, s.entryKey(e)).Result()
	if errors.Is(err, redis.Nil) {
		err = housing.ErrNotFound
	}
	if err != nil {
		return housing.Person{}, fmt.Errorf("redisstore: person by telegram id %d: %w", telegramID, err)
	}
	p, err := get(ctx, s, personKind(), id)
	if err == nil && p.TelegramID != telegramID {
		// The binding moved between the two reads.
		err = fmt.Errorf("redisstore: person by telegram id %d: %w", telegramID, housing.ErrNotFound)
	}
	return p, err
}

// UpdatePerson replaces a person. ErrNotFound, ErrConflict (stale version
// or Telegram id bound to someone else).
func (s *Store) UpdatePerson(ctx context.Context, p *housing.Person) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("redisstore: update person: %w", err)
	}
	return update(ctx, s, personKind(), p, nil)
}

// ListPeople returns the people matching f, ordered by ID.
func (s *Store) ListPeople(ctx context.Context, f housing.PersonFilter) ([]housing.Person, error) {
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("redisstore: list people: %w", err)
	}
	var sets []string
	if f.District != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.PersonDistrict, Value: f.District}))
	}
	if f.Role != "" {
		sets = append(sets, s.entryKey(index.Entry{Index: index.PersonRole, Value: string(f.Role)}))
	}
	return list(ctx, s, personKind(), sets, f.Match)
}

// PutProfile creates or replaces a person's profile. ErrNotFound if the
// person does not exist; ErrConflict on a stale version.
func (s *Store) PutProfile(ctx context.Context, p *housing.Profile) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("redisstore: put profile: %w", err)
	}
	c := *p
	if err := put(ctx, s, "profile", c.PersonID, &c, &c.Version); err != nil {
		return err
	}
	*p = c
	return nil
}

// Profile returns a person's profile, or ErrNotFound.
func (s *Store) Profile(ctx context.Context, personID string) (housing.Profile, error) {
	return getOwned[housing.Profile](ctx, s, "profile", personID)
}

// PutCareInfo creates or replaces a person's care-team fields, like
// PutProfile.
func (s *Store) PutCareInfo(ctx context.Context, c *housing.CareInfo) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("redisstore: put care info: %w", err)
	}
	v := *c
	if err := put(ctx, s, "care", v.PersonID, &v, &v.Version); err != nil {
		return err
	}
	*c = v
	return nil
}

// CareInfo returns a person's care-team fields, or ErrNotFound.
func (s *Store) CareInfo(ctx context.Context, personID string) (housing.CareInfo, error) {
	return getOwned[housing.CareInfo](ctx, s, "care", personID)
}

// put creates or replaces v, a record of kind name belonging to person
// personID, when *version (a field of v) equals the stored version (0 for
// none), incrementing it. v is the caller's copy: it is changed even when
// put fails.
func put[T any](ctx context.Context, s *Store, name, personID string, v *T, version *int64) error {
	key, personKey := s.recKey(name, personID), s.recKey("person", personID)
	want := *version
	err := s.atomically(ctx, func(tx *redis.Tx) error {
		n, err := tx.Exists(ctx, personKey).Result()
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("person %s: %w", personID, housing.ErrNotFound)
		}
		stored, err := s.storedVersion(ctx, tx, key)
		if err != nil {
			return err
		}
		if stored != want {
			return fmt.Errorf("version %d, stored %d: %w", want, stored, housing.ErrConflict)
		}
		*version = want + 1
		_, err = tx.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
			return s.setJSON(ctx, pipe, key, v)
		})
		return err
	}, key, personKey)
	if err != nil {
		return fmt.Errorf("redisstore: put %s %s: %w", name, personID, err)
	}
	return nil
}

// storedVersion returns the Version of the record under key, 0 if none.
func (s *Store) storedVersion(ctx context.Context, tx *redis.Tx, key string) (int64, error) {
	old, err := load[struct {
		Version int64 `json:"version"`
	}](ctx, s, tx, key)
	if errors.Is(err, housing.ErrNotFound) {
		return 0, nil
	}
	return old.Version, err
}

// getOwned returns the record of kind name belonging to personID.
func getOwned[T any](ctx context.Context, s *Store, name, personID string) (T, error) {
	if err := checkID("person_id", personID); err != nil {
		var zero T
		return zero, fmt.Errorf("redisstore: get %s: %w", name, err)
	}
	v, err := load[T](ctx, s, s.rdb, s.recKey(name, personID))
	if err != nil {
		return v, fmt.Errorf("redisstore: get %s %s: %w", name, personID, err)
	}
	return v, nil
}
