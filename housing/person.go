package housing

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a person is to the service. It decides what they may do.
type Role string

// The roles. Beneficiaries are people followed by the programme;
// co-residents share homes without being in it; hosts take IESA guests.
const (
	RoleBeneficiary  Role = "beneficiary"
	RoleCoResident   Role = "co-resident"
	RoleHost         Role = "host"
	RoleMediator     Role = "mediator"
	RoleSocialWorker Role = "social-worker"
	RoleAdmin        Role = "admin"
)

// Roles lists every role, people first, staff last.
func Roles() []Role {
	return []Role{RoleBeneficiary, RoleCoResident, RoleHost, RoleMediator, RoleSocialWorker, RoleAdmin}
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	switch r {
	case RoleBeneficiary, RoleCoResident, RoleHost, RoleMediator, RoleSocialWorker, RoleAdmin:
		return true
	}
	return false
}

// Staff reports whether r is a staff role (mediator, social worker, admin).
func (r Role) Staff() bool {
	return r == RoleMediator || r == RoleSocialWorker || r == RoleAdmin
}

// Resident reports whether r is a role that lives in homes: a beneficiary,
// a co-resident or a host.
func (r Role) Resident() bool {
	return r == RoleBeneficiary || r == RoleCoResident || r == RoleHost
}

// Lang is a user-interface language. Italian first, English second.
type Lang string

// The supported languages.
const (
	LangIT Lang = "it"
	LangEN Lang = "en"
)

// Valid reports whether l is supported.
func (l Lang) Valid() bool { return l == LangIT || l == LangEN }

// PersonStatus is where a person is in the service.
type PersonStatus string

// The person statuses.
const (
	StatusInvited PersonStatus = "invited" // record exists, Telegram not bound yet or no consent yet
	StatusActive  PersonStatus = "active"  // consented and taking part
	StatusPaused  PersonStatus = "paused"  // away or consent withdrawn: no messages
	StatusLeft    PersonStatus = "left"    // no longer in the service
)

// Valid reports whether s is one of the statuses.
func (s PersonStatus) Valid() bool {
	switch s {
	case StatusInvited, StatusActive, StatusPaused, StatusLeft:
		return true
	}
	return false
}

// Person is anyone the service knows: the people who live in homes and the
// staff who follow them. Health data never lives here: see Profile and
// CareInfo.
type Person struct {
	ID          string       `json:"id"`
	Code        string       `json:"code,omitempty"` // case code shown on staff screens before names, e.g. "BO-0142"
	Role        Role         `json:"role"`
	DisplayName string       `json:"display_name"` // first name or chosen name; peers see only this
	District    string       `json:"district"`     // where the person's life is now (services, friends)
	Language    Lang         `json:"language"`
	TelegramID  int64        `json:"telegram_id,omitempty"` // 0 until an invitation is redeemed
	Status      PersonStatus `json:"status"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int64        `json:"version"` // optimistic concurrency; set by the store
}

// Validate checks the fields that do not need configuration. District names
// are checked against the configured list by Districts.Check.
func (p *Person) Validate() error {
	if p.ID != "" {
		if err := checkID("id", p.ID); err != nil {
			return err
		}
	}
	if !p.Role.Valid() {
		return invalid("role", "%q is not a role (want one of %v)", p.Role, Roles())
	}
	name := strings.TrimSpace(p.DisplayName)
	if name == "" {
		return invalid("display_name", "is empty")
	}
	if utf8.RuneCountInString(name) > 64 {
		return invalid("display_name", "is longer than 64 characters")
	}
	if strings.TrimSpace(p.District) == "" {
		return invalid("district", "is empty")
	}
	if !p.Language.Valid() {
		return invalid("language", "%q is not supported (want it or en)", p.Language)
	}
	if !p.Status.Valid() {
		return invalid("status", "%q is not a status", p.Status)
	}
	if p.TelegramID < 0 {
		return invalid("telegram_id", "is negative")
	}
	if len(p.Code) > 32 {
		return invalid("code", "is longer than 32 characters")
	}
	return nil
}

// Label is how staff screens name a person: the case code, then the name.
func (p Person) Label() string {
	if p.Code == "" {
		return p.DisplayName
	}
	return p.Code + " " + p.DisplayName
}
