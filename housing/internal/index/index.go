// Package index says, once for both stores, which secondary indexes each
// record kind has and which entries a record puts in them. boltstore keeps
// an index bucket per index; redisstore keeps a set per index value. Both
// compute the entries here, so they cannot disagree about what can be found.
package index

import (
	"slices"
	"strconv"

	"github.com/convivo/convivo/housing"
)

// Index names.
const (
	PersonTelegram   = "person.telegram" // unique
	PersonDistrict   = "person.district"
	PersonRole       = "person.role"
	HomeDistrict     = "home.district"
	HomeKind         = "home.kind"
	PlacementHome    = "placement.home"
	PlacementPerson  = "placement.person"
	PlacementStatus  = "placement.status"
	ProposalDistrict = "proposal.district"
	ProposalStatus   = "proposal.status"
	InvitationToken  = "invitation.token" // unique
	ConsentPerson    = "consent.person"
	AuditSubject     = "audit.subject"
)

// Entry is one index entry: the record can be found under Value in Index.
type Entry struct {
	Index string
	Value string
}

// Person returns a person's index entries.
func Person(p *housing.Person) []Entry {
	es := []Entry{{PersonDistrict, p.District}, {PersonRole, string(p.Role)}}
	if p.TelegramID != 0 {
		es = append(es, Entry{PersonTelegram, strconv.FormatInt(p.TelegramID, 10)})
	}
	return es
}

// Home returns a home's index entries.
func Home(h *housing.Home) []Entry {
	return []Entry{{HomeDistrict, h.District}, {HomeKind, string(h.Kind)}}
}

// Placement returns a placement's index entries: one per resident.
func Placement(p *housing.Placement) []Entry {
	es := []Entry{{PlacementHome, p.HomeID}, {PlacementStatus, string(p.Status)}}
	for _, r := range p.Residents {
		es = append(es, Entry{PlacementPerson, r})
	}
	return es
}

// Proposal returns a proposal's index entries.
func Proposal(p *housing.Proposal) []Entry {
	return []Entry{{ProposalDistrict, p.District}, {ProposalStatus, string(p.Status)}}
}

// Invitation returns an invitation's index entries.
func Invitation(inv *housing.Invitation) []Entry {
	return []Entry{{InvitationToken, inv.TokenHash}}
}

// Consent returns a consent record's index entries.
func Consent(c *housing.ConsentRecord) []Entry {
	return []Entry{{ConsentPerson, c.PersonID}}
}

// Audit returns an audit entry's index entries.
func Audit(e *housing.AuditEntry) []Entry {
	if e.Subject == "" {
		return nil
	}
	return []Entry{{AuditSubject, e.Subject}}
}

// Diff returns the entries to remove (in old, not in new) and to add (in
// new, not in old) when a record changes from old to new.
func Diff(old, new []Entry) (remove, add []Entry) {
	for _, e := range old {
		if !slices.Contains(new, e) {
			remove = append(remove, e)
		}
	}
	for _, e := range new {
		if !slices.Contains(old, e) {
			add = append(add, e)
		}
	}
	return remove, add
}
