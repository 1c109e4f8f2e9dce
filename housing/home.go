package housing

import (
	"strings"
	"time"
)

// HomeKind is the kind of home, which decides how matching forms its
// households.
type HomeKind string

// The home kinds.
const (
	KindIESA      HomeKind = "iesa"      // a host household taking adult guests
	KindFlat      HomeKind = "flat"      // a shared flat (ERP or other)
	KindCohousing HomeKind = "cohousing" // long-term shared living with common spaces
)

// HomeKinds lists every kind.
func HomeKinds() []HomeKind { return []HomeKind{KindIESA, KindFlat, KindCohousing} }

// Valid reports whether k is known.
func (k HomeKind) Valid() bool { return k == KindIESA || k == KindFlat || k == KindCohousing }

// Tenure is who owns or manages a home.
type Tenure string

// The tenures.
const (
	TenureERP     Tenure = "erp"     // public housing (ACER)
	TenureERS     Tenure = "ers"     // social housing
	TenurePrivate Tenure = "private" // private rent or the host's own home
)

// Valid reports whether t is known or empty.
func (t Tenure) Valid() bool {
	return t == "" || t == TenureERP || t == TenureERS || t == TenurePrivate
}

// Occupant is someone holding a place in a home, from approval of their
// proposal until their placement ends. Beneficiary records whether they are
// in the programme, for the per-home cap against concentration.
type Occupant struct {
	PersonID    string `json:"person_id"`
	Beneficiary bool   `json:"beneficiary,omitempty"`
}

// Home is a place people can live together: an IESA host's household, a
// shared flat, or a cohousing.
type Home struct {
	ID             string     `json:"id"`
	Code           string     `json:"code,omitempty"` // short code for staff, e.g. "SI-07"
	Kind           HomeKind   `json:"kind"`
	Tenure         Tenure     `json:"tenure,omitempty"`
	District       string     `json:"district"`
	Address        string     `json:"address"` // never sent to beneficiaries before a meeting is confirmed
	Rooms          int        `json:"rooms"`
	Capacity       int        `json:"capacity"`     // places for residents (for IESA: guest places)
	SingleRooms    int        `json:"single_rooms"` // places that come with a room of one's own
	StepFree       bool       `json:"step_free,omitempty"`
	MonthlyCost    int        `json:"monthly_cost"`    // euro per person per month
	Support        Intensity  `json:"support"`         // the most support the home or host can give
	BeneficiaryCap int        `json:"beneficiary_cap"` // most programme beneficiaries at once; 0 = capacity
	SmokingAllowed bool       `json:"smoking_allowed,omitempty"`
	Animals        bool       `json:"animals,omitempty"`
	Children       bool       `json:"children,omitempty"`
	SubstanceFree  bool       `json:"substance_free,omitempty"` // the home keeps a substance-free rule
	HostID         string     `json:"host_id,omitempty"`        // IESA: the host person
	Occupants      []Occupant `json:"occupants,omitempty"`
	Available      bool       `json:"available"` // open to new residents
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int64      `json:"version"`
}

// Free returns the number of free places.
func (h *Home) Free() int { return max(0, h.Capacity-len(h.Occupants)) }

// Beneficiaries returns how many occupants are in the programme.
func (h *Home) Beneficiaries() int {
	n := 0
	for _, o := range h.Occupants {
		if o.Beneficiary {
			n++
		}
	}
	return n
}

// MaxBeneficiaries returns the cap on programme beneficiaries living in the
// home at once (BeneficiaryCap, or Capacity when no cap is set).
func (h *Home) MaxBeneficiaries() int {
	if h.BeneficiaryCap == 0 {
		return h.Capacity
	}
	return h.BeneficiaryCap
}

// HasOccupant reports whether person id holds a place in the home.
func (h *Home) HasOccupant(id string) bool {
	for _, o := range h.Occupants {
		if o.PersonID == id {
			return true
		}
	}
	return false
}

// Validate checks the home's fields; districts are checked by
// Districts.Check.
func (h *Home) Validate() error {
	if h.ID != "" {
		if err := checkID("id", h.ID); err != nil {
			return err
		}
	}
	if !h.Kind.Valid() {
		return invalid("kind", "%q is not a home kind (iesa, flat, cohousing)", h.Kind)
	}
	if !h.Tenure.Valid() {
		return invalid("tenure", "%q is not a tenure (erp, ers, private)", h.Tenure)
	}
	if strings.TrimSpace(h.District) == "" {
		return invalid("district", "is empty")
	}
	if strings.TrimSpace(h.Address) == "" {
		return invalid("address", "is empty")
	}
	return h.validateCounts()
}

func (h *Home) validateCounts() error {
	switch {
	case h.Rooms < 1 || h.Rooms > 40:
		return invalid("rooms", "%d is not between 1 and 40", h.Rooms)
	case h.Capacity < 1 || h.Capacity > 40:
		return invalid("capacity", "%d is not between 1 and 40", h.Capacity)
	case h.SingleRooms < 0 || h.SingleRooms > h.Capacity:
		return invalid("single_rooms", "%d is not between 0 and capacity (%d)", h.SingleRooms, h.Capacity)
	case h.MonthlyCost < 0 || h.MonthlyCost > 10000:
		return invalid("monthly_cost", "%d is not a plausible monthly cost in euro", h.MonthlyCost)
	case !h.Support.Valid():
		return invalid("support", "%d is not an intensity", h.Support)
	case h.BeneficiaryCap < 0 || h.BeneficiaryCap > h.Capacity:
		return invalid("beneficiary_cap", "%d is not between 0 and capacity (%d)", h.BeneficiaryCap, h.Capacity)
	case len(h.Occupants) > h.Capacity:
		return invalid("occupants", "%d occupants exceed capacity %d", len(h.Occupants), h.Capacity)
	case h.Kind == KindIESA && h.HostID == "":
		return invalid("host_id", "an IESA home needs its host")
	case h.HostID != "" && !ValidID(h.HostID):
		return invalid("host_id", "%q is not a valid id", h.HostID)
	}
	return nil
}
