package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// group is the part of a record a field belongs to.
type group int

const (
	groupPerson group = iota
	groupProfile
	groupHost
	groupCare
	groupHome
)

// issue is one validation failure, named as the domain names it
// ("languages[2]", "host.rooms").
type issue struct {
	group  group
	field  string
	reason string
}

// csvField names an issue's field as a CSV column: list positions are
// dropped and host fields get the host_ prefix.
func csvField(is issue) string {
	f := is.field
	if i := strings.IndexByte(f, '['); i >= 0 {
		f = f[:i]
	}
	if rest, ok := strings.CutPrefix(f, "host."); ok {
		return "host_" + rest
	}
	return f
}

// jsonField names an issue's field as a path in the JSON document.
func jsonField(is issue) string {
	switch is.group {
	case groupPerson:
		return "person." + is.field
	case groupProfile, groupHost:
		return "profile." + is.field
	case groupCare:
		return "care." + is.field
	}
	return is.field
}

// toIssue turns a validation error into an issue.
func toIssue(g group, err error) issue {
	var fe *housing.FieldError
	if errors.As(err, &fe) {
		return issue{group: g, field: fe.Field, reason: fe.Reason}
	}
	return issue{group: g, reason: err.Error()}
}

// validatePerson checks one person record on its own and puts district
// names in their configured spelling. It fills in the person id of the
// profile and care fields when they lack one.
func validatePerson(rec *PersonRecord, ds housing.Districts) []issue {
	var out []issue
	p := &rec.Person
	if p.ID == "" {
		out = append(out, issue{groupPerson, "id", "is empty"})
	}
	canonical(ds, &p.District)
	if err := p.Validate(); err != nil {
		out = append(out, toIssue(groupPerson, err))
	} else if err := ds.Check("district", p.District); err != nil {
		out = append(out, toIssue(groupPerson, err))
	}
	if rec.Profile != nil {
		out = append(out, validateProfile(rec, ds)...)
	}
	if rec.Care != nil {
		out = append(out, validateCare(rec)...)
	}
	if !housing.ValidID(p.ID) { // already said of the id
		out = slices.DeleteFunc(out, func(is issue) bool { return is.group != groupPerson && is.field == "person_id" })
	}
	return out
}

func validateProfile(rec *PersonRecord, ds housing.Districts) []issue {
	pr := rec.Profile
	var out []issue
	if !rec.Person.Role.Resident() && rec.Person.Role.Valid() {
		out = append(out, issue{groupPerson, "role", fmt.Sprintf("a %s has no interview answers", rec.Person.Role)})
	}
	if pr.Host != nil && rec.Person.Role != housing.RoleHost && rec.Person.Role.Valid() {
		out = append(out, issue{groupPerson, "role", "host fields are only for hosts"})
	}
	if is, ok := ownerID(groupProfile, &pr.PersonID, rec.Person.ID); !ok {
		return append(out, is)
	}
	for i := range pr.Districts {
		canonical(ds, &pr.Districts[i])
		if err := ds.Check(fmt.Sprintf("districts[%d]", i), pr.Districts[i]); err != nil {
			out = append(out, toIssue(groupProfile, err))
		}
	}
	if err := pr.Validate(); err != nil {
		out = append(out, toIssue(groupProfile, err))
	}
	return out
}

func validateCare(rec *PersonRecord) []issue {
	var out []issue
	if r := rec.Person.Role; r != housing.RoleBeneficiary && r.Valid() {
		out = append(out, issue{groupPerson, "role", fmt.Sprintf("care fields are only for beneficiaries, not a %s", r)})
	}
	if is, ok := ownerID(groupCare, &rec.Care.PersonID, rec.Person.ID); !ok {
		return append(out, is)
	}
	if err := rec.Care.Validate(); err != nil {
		out = append(out, toIssue(groupCare, err))
	}
	return out
}

// ownerID sets a profile's or care record's person id to the person's when
// empty, and reports a mismatch.
func ownerID(g group, id *string, personID string) (issue, bool) {
	if *id == "" {
		*id = personID
	}
	if *id != personID {
		return issue{g, "person_id", fmt.Sprintf("%q is not the person's id %q", *id, personID)}, false
	}
	return issue{}, true
}

// canonical replaces a district name by its configured spelling when it is
// a known district.
func canonical(ds housing.Districts, name *string) {
	if c, ok := ds.Canonical(*name); ok {
		*name = c
	}
}

// validateHome checks one home on its own and puts its district in the
// configured spelling.
func validateHome(h *housing.Home, ds housing.Districts) []issue {
	var out []issue
	if h.ID == "" {
		out = append(out, issue{groupHome, "id", "is empty"})
	}
	canonical(ds, &h.District)
	if err := h.Validate(); err != nil {
		out = append(out, toIssue(groupHome, err))
	} else if err := ds.Check("district", h.District); err != nil {
		out = append(out, toIssue(groupHome, err))
	}
	if h.HostID != "" && h.Kind != housing.KindIESA && h.Kind.Valid() {
		out = append(out, issue{groupHome, "host_id", "only iesa homes have a host"})
	}
	seen := make(map[string]bool, len(h.Occupants))
	for i, o := range h.Occupants {
		field := fmt.Sprintf("occupants[%d]", i)
		switch {
		case !housing.ValidID(o.PersonID):
			out = append(out, issue{groupHome, field, fmt.Sprintf("%q is not a valid id", o.PersonID)})
		case seen[o.PersonID]:
			out = append(out, issue{groupHome, field, fmt.Sprintf("%q is listed twice", o.PersonID)})
		}
		seen[o.PersonID] = true
	}
	return out
}

// batch gathers the problems of one file, and what it needs to check
// records against each other: where each id and code was first seen.
type batch struct {
	problems []Problem
	first    map[string]Problem // "person p1", "home h1", "person code BO-1" -> where
}

func newBatch() *batch { return &batch{first: make(map[string]Problem)} }

// add records a problem at a record's location.
func (b *batch) add(at Problem, field, reason string) {
	at.Field, at.Reason = field, reason
	b.problems = append(b.problems, at)
}

// unique records that kind's key was seen at at, and reports a duplicate.
func (b *batch) unique(at Problem, kind, field, key string) {
	if key == "" {
		return
	}
	k := kind + " " + field + " " + key
	if prev, ok := b.first[k]; ok {
		b.add(at, field, fmt.Sprintf("%q is used twice; first at %s", key, where(prev)))
		return
	}
	b.first[k] = at
}

// where names a location for a message.
func where(at Problem) string {
	if at.Line > 0 {
		return fmt.Sprintf("line %d", at.Line)
	}
	return at.Item
}

// refs checks the references whose target is in d, at the location of the
// referring record. References to people outside d are left to CheckRefs.
func (b *batch) refs(d Dataset, name func(issue) string) {
	roles := d.roles()
	for _, r := range d.Refs() {
		role, ok := roles[r.ID]
		if !ok || !role.Valid() { // a bad role is its own row's problem
			continue
		}
		kind, _, _ := strings.Cut(r.item(), " ")
		at, ok := b.first[kind+" id "+r.From]
		if !ok { // a record without a usable id, already a problem
			continue
		}
		if reason := r.check(role); reason != "" {
			g := groupCare
			if kind == "home" {
				g = groupHome
			}
			b.add(at, name(issue{group: g, field: r.Field}), reason)
		}
	}
}
