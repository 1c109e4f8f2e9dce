package housing

import (
	"context"
	"slices"
	"time"
)

// Store is the storage contract. Two implementations exist: boltstore (one
// embedded file, the default) and redisstore (production, several
// replicas). storetest.Run is the suite both pass.
//
// Records carry a Version for optimistic concurrency. Create methods assign
// an ID when it is empty and set Version to 1; Update and Put methods
// succeed only when the record's Version equals the stored one (0 for a Put
// of a record that does not exist yet), and increment it. A stale version
// is ErrConflict. Getters return ErrNotFound for a missing record, never a
// zero value and nil. Every method validates its input (ErrInvalid).
// Lists are ordered by ID.
type Store interface {
	// CreatePerson stores a new person. ErrConflict if the ID exists or
	// the Telegram id is bound to someone else.
	CreatePerson(ctx context.Context, p *Person) error
	// Person returns the person with id, or ErrNotFound.
	Person(ctx context.Context, id string) (Person, error)
	// PersonByTelegramID returns the person bound to a Telegram user id,
	// or ErrNotFound.
	PersonByTelegramID(ctx context.Context, telegramID int64) (Person, error)
	// UpdatePerson replaces a person. ErrNotFound, ErrConflict (stale
	// version or Telegram id bound to someone else).
	UpdatePerson(ctx context.Context, p *Person) error
	// ListPeople returns the people matching f.
	ListPeople(ctx context.Context, f PersonFilter) ([]Person, error)

	// PutProfile creates or replaces a person's profile. ErrNotFound if
	// the person does not exist; ErrConflict on a stale version.
	PutProfile(ctx context.Context, p *Profile) error
	// Profile returns a person's profile, or ErrNotFound.
	Profile(ctx context.Context, personID string) (Profile, error)
	// PutCareInfo creates or replaces a person's care-team fields, like
	// PutProfile.
	PutCareInfo(ctx context.Context, c *CareInfo) error
	// CareInfo returns a person's care-team fields, or ErrNotFound.
	CareInfo(ctx context.Context, personID string) (CareInfo, error)

	// CreateHome stores a new home. ErrConflict if the ID exists.
	CreateHome(ctx context.Context, h *Home) error
	// Home returns the home with id, or ErrNotFound.
	Home(ctx context.Context, id string) (Home, error)
	// UpdateHome replaces a home. ErrNotFound, ErrConflict.
	UpdateHome(ctx context.Context, h *Home) error
	// ListHomes returns the homes matching f.
	ListHomes(ctx context.Context, f HomeFilter) ([]Home, error)

	// Placement returns the placement with id, or ErrNotFound.
	Placement(ctx context.Context, id string) (Placement, error)
	// UpdatePlacement replaces a placement. When it ends, its residents'
	// places in the home are freed in the same step, as are the places of
	// residents it drops while open (Vacated). ErrNotFound, ErrConflict
	// (also for reopening an ended placement); ErrInvalid for a change of
	// home or a new resident.
	UpdatePlacement(ctx context.Context, p *Placement) error
	// ListPlacements returns the placements matching f.
	ListPlacements(ctx context.Context, f PlacementFilter) ([]Placement, error)

	// CreateProposal stores a new pending proposal. ErrConflict if the ID
	// exists.
	CreateProposal(ctx context.Context, p *Proposal) error
	// Proposal returns the proposal with id, or ErrNotFound.
	Proposal(ctx context.Context, id string) (Proposal, error)
	// ListProposals returns the proposals matching f.
	ListProposals(ctx context.Context, f ProposalFilter) ([]Proposal, error)
	// ApproveProposal approves a pending proposal and, in the same atomic
	// step, gives its members places in the home and creates their
	// placement (status proposed). It never exceeds the home's capacity
	// or beneficiary cap, and never places someone who already holds a
	// place: those are ErrConflict, as is a proposal already decided (a
	// *StateError saying by whom and when). Repeating a successful call
	// by the same mediator returns the same placement.
	ApproveProposal(ctx context.Context, id, by string, at time.Time) (Placement, error)
	// RejectProposal rejects a pending proposal with a reason. ErrConflict
	// (a *StateError) if it was already decided; repeating a successful
	// call by the same mediator returns the same proposal.
	RejectProposal(ctx context.Context, id, by, reason string, at time.Time) (Proposal, error)

	// CreateInvitation stores a new invitation. ErrConflict if the ID or
	// token hash exists.
	CreateInvitation(ctx context.Context, inv *Invitation) error
	// InvitationByTokenHash returns the invitation with a token hash, or
	// ErrNotFound.
	InvitationByTokenHash(ctx context.Context, hash string) (Invitation, error)
	// RedeemInvitation marks an invitation used by telegramID, exactly
	// once: ErrNotFound for an unknown hash, ErrExpired past its expiry,
	// ErrConflict if another user redeemed it. Repeating a successful call
	// for the same user returns the same invitation.
	RedeemInvitation(ctx context.Context, hash string, telegramID int64, at time.Time) (Invitation, error)

	// AddConsent appends a consent record. ErrNotFound if the person does
	// not exist.
	AddConsent(ctx context.Context, c *ConsentRecord) error
	// Consents returns a person's consent records, oldest first.
	Consents(ctx context.Context, personID string) ([]ConsentRecord, error)

	// AppendAudit appends an entry to the audit chain, setting its Seq,
	// PrevHash and Hash atomically, after replacing the person ids in it
	// with pseudonyms (see Privacy).
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// AuditLog returns the entries matching f, in Seq order, as stored
	// (with pseudonyms). f.Subject and f.Actor may be a person id or a
	// pseudonym.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	StateStore
	Outbox
	LifeStore
	Privacy

	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}

// StateStore is a small key-value area for the adapters' own records: the
// bot's update offset and conversation state, pending button actions,
// scheduler slot claims. Keys are 1 to 200 bytes of printable ASCII without
// spaces; a key's first segment up to ':' names its owner (e.g.
// "conv:12345"). A ttl of 0 keeps the value until it is deleted; expired
// values read as ErrNotFound.
type StateStore interface {
	// GetState returns the value under key, or ErrNotFound.
	GetState(ctx context.Context, key string) ([]byte, error)
	// PutState sets the value under key.
	PutState(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// TakeState returns the value under key and deletes it in one atomic
	// step, so of several concurrent callers exactly one gets it; the
	// others get ErrNotFound.
	TakeState(ctx context.Context, key string) ([]byte, error)
	// ClaimState sets the value under key only if the key is absent (or
	// expired) and reports whether this call set it.
	ClaimState(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// DeleteState removes key; a missing key is not an error.
	DeleteState(ctx context.Context, key string) error
}

// ValidStateKey reports whether key is usable as a StateStore key.
func ValidStateKey(key string) bool {
	if len(key) == 0 || len(key) > 200 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return false
		}
	}
	return true
}

// PersonFilter selects people; zero fields match everything.
type PersonFilter struct {
	District string
	Role     Role
	Status   PersonStatus
}

// Match reports whether p passes the filter.
func (f PersonFilter) Match(p *Person) bool {
	return (f.District == "" || p.District == f.District) &&
		(f.Role == "" || p.Role == f.Role) &&
		(f.Status == "" || p.Status == f.Status)
}

// HomeFilter selects homes; zero fields match everything.
type HomeFilter struct {
	District string
	Kind     HomeKind
	WithFree bool // only homes with at least one free place
}

// Match reports whether h passes the filter.
func (f HomeFilter) Match(h *Home) bool {
	return (f.District == "" || h.District == f.District) &&
		(f.Kind == "" || h.Kind == f.Kind) &&
		(!f.WithFree || h.Free() > 0)
}

// PlacementFilter selects placements; zero fields match everything.
type PlacementFilter struct {
	HomeID   string
	PersonID string
	District string
	Status   PlacementStatus
	OpenOnly bool // only placements that are not ended
}

// Match reports whether p passes the filter.
func (f PlacementFilter) Match(p *Placement) bool {
	return (f.HomeID == "" || p.HomeID == f.HomeID) &&
		(f.PersonID == "" || slices.Contains(p.Residents, f.PersonID)) &&
		(f.District == "" || p.District == f.District) &&
		(f.Status == "" || p.Status == f.Status) &&
		(!f.OpenOnly || p.Status.Open())
}

// ProposalFilter selects proposals; zero fields match everything.
type ProposalFilter struct {
	District string
	Status   ProposalStatus
	HomeID   string
}

// Match reports whether p passes the filter.
func (f ProposalFilter) Match(p *Proposal) bool {
	return (f.District == "" || p.District == f.District) &&
		(f.Status == "" || p.Status == f.Status) &&
		(f.HomeID == "" || p.HomeID == f.HomeID)
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Subject string // entries about this person
	Actor   string
	Since   time.Time
}

// Match reports whether e passes the filter.
func (f AuditFilter) Match(e *AuditEntry) bool {
	return (f.Subject == "" || e.Subject == f.Subject) &&
		(f.Actor == "" || e.Actor == f.Actor) &&
		(f.Since.IsZero() || !e.At.Before(f.Since))
}
