package housing

import (
	"time"
)

// DefaultInvitationTTL is how long an invitation link stays valid unless
// the inviter says otherwise.
const DefaultInvitationTTL = 72 * time.Hour

// Invitation lets one person join through a one-time deep link. Only the
// hash of the link's token is stored, so a leaked database does not leak
// working links.
type Invitation struct {
	ID        string    `json:"id"`
	TokenHash string    `json:"token_hash"` // HashToken(token)
	Role      Role      `json:"role"`
	District  string    `json:"district"`
	PersonID  string    `json:"person_id,omitempty"` // an existing record to bind, if any
	CreatedBy string    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedBy    int64     `json:"used_by,omitempty"` // Telegram user id that redeemed it
	UsedAt    time.Time `json:"used_at,omitzero"`
	Version   int64     `json:"version"`
}

// Used reports whether the invitation was redeemed.
func (inv *Invitation) Used() bool { return inv.UsedBy != 0 }

// Validate checks the invitation's fields.
func (inv *Invitation) Validate() error {
	if inv.ID != "" {
		if err := checkID("id", inv.ID); err != nil {
			return err
		}
	}
	if len(inv.TokenHash) != 64 {
		return invalid("token_hash", "is not a SHA-256 hex digest")
	}
	if !inv.Role.Valid() {
		return invalid("role", "%q is not a role", inv.Role)
	}
	if inv.District == "" {
		return invalid("district", "is empty")
	}
	if inv.PersonID != "" {
		if err := checkID("person_id", inv.PersonID); err != nil {
			return err
		}
	}
	if !inv.ExpiresAt.After(inv.CreatedAt) {
		return invalid("expires_at", "is not after created_at")
	}
	return nil
}
