package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
)

// Ref is one reference from a record to a person: a care-team exclusion, a
// responsible worker, an IESA home's host or a home's occupant.
type Ref struct {
	From  string // id of the referring person or home
	Field string // exclusions, responsible_workers (people); host_id, occupants (homes)
	ID    string // the person referred to
}

// Wants returns the roles the referred person may have.
func (r Ref) Wants() []housing.Role {
	switch r.Field {
	case "responsible_workers":
		return []housing.Role{housing.RoleSocialWorker, housing.RoleMediator, housing.RoleAdmin}
	case "host_id":
		return []housing.Role{housing.RoleHost}
	}
	return []housing.Role{housing.RoleBeneficiary, housing.RoleCoResident, housing.RoleHost}
}

// item names the referring record for a Problem.
func (r Ref) item() string {
	if r.Field == "host_id" || r.Field == "occupants" {
		return "home " + r.From
	}
	return "person " + r.From
}

// check returns why the reference is wrong for a person of role, or ""
// when it is fine.
func (r Ref) check(role housing.Role) string {
	if want := r.Wants(); !slices.Contains(want, role) {
		return fmt.Sprintf("person %q is a %s, not a %s", r.ID, role, joinRoles(want))
	}
	return ""
}

// joinRoles lists roles as "a, b or c".
func joinRoles(rs []housing.Role) string {
	s := strs(rs)
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Refs returns every reference the dataset makes to a person, people's
// first, in record order.
func (d Dataset) Refs() []Ref {
	var refs []Ref
	for _, rec := range d.People {
		refs = append(refs, personRefs(&rec)...)
	}
	for i := range d.Homes {
		refs = append(refs, homeRefs(&d.Homes[i])...)
	}
	return refs
}

func personRefs(rec *PersonRecord) []Ref {
	if rec.Care == nil {
		return nil
	}
	var refs []Ref
	for _, id := range rec.Care.Exclusions {
		refs = append(refs, Ref{From: rec.Person.ID, Field: "exclusions", ID: id})
	}
	for _, id := range rec.Care.ResponsibleWorkers {
		refs = append(refs, Ref{From: rec.Person.ID, Field: "responsible_workers", ID: id})
	}
	return refs
}

func homeRefs(h *housing.Home) []Ref {
	var refs []Ref
	if h.HostID != "" {
		refs = append(refs, Ref{From: h.ID, Field: "host_id", ID: h.HostID})
	}
	for _, o := range h.Occupants {
		refs = append(refs, Ref{From: h.ID, Field: "occupants", ID: o.PersonID})
	}
	return refs
}

// Unresolved returns the references to people who are not in the dataset:
// the ids the caller must find elsewhere (in the store) before importing.
func (d Dataset) Unresolved() []Ref {
	roles := d.roles()
	var out []Ref
	for _, r := range d.Refs() {
		if _, ok := roles[r.ID]; !ok {
			out = append(out, r)
		}
	}
	return out
}

// CheckRefs checks that every reference points to a person of a fitting
// role (Ref.Wants), looking first in the dataset and then through lookup,
// which returns the role of a person already stored or an error wrapping
// housing.ErrNotFound (lookup may be nil: nobody is stored). Bad references
// make an *ImportError naming each; any other lookup error is returned
// as is, wrapped.
func (d Dataset) CheckRefs(lookup func(id string) (housing.Role, error)) error {
	roles := d.roles()
	var problems []Problem
	for _, r := range d.Refs() {
		role, ok := roles[r.ID]
		if !ok && lookup != nil {
			var err error
			switch role, err = lookup(r.ID); {
			case err == nil:
				ok = true
			case !errors.Is(err, housing.ErrNotFound):
				return fmt.Errorf("dataset: check %s %s: %w", r.item(), r.Field, err)
			}
		}
		reason := fmt.Sprintf("person %q is neither in the file nor stored", r.ID)
		if ok {
			reason = r.check(role)
		}
		if reason != "" {
			problems = append(problems, Problem{Item: r.item(), Field: r.Field, Reason: reason})
		}
	}
	return importError(problems)
}

// roles maps each person id in the dataset to their role.
func (d Dataset) roles() map[string]housing.Role {
	m := make(map[string]housing.Role, len(d.People))
	for _, rec := range d.People {
		m[rec.Person.ID] = rec.Person.Role
	}
	return m
}
