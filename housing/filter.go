package housing

// filterField is one field of a list filter: set when not zero, valid when
// some record could have that value.
type filterField struct {
	name       string
	set, valid bool
}

// checkFilter returns a *FieldError for the first field that is set but
// invalid, as a filter that no record can match.
func checkFilter(fields ...filterField) error {
	for _, f := range fields {
		if f.set && !f.valid {
			return &FieldError{Field: f.name, Reason: "is not a valid filter value"}
		}
	}
	return nil
}

// Validate returns a *FieldError (ErrInvalid) when f sets a role or status
// that does not exist. Stores call it before listing.
func (f PersonFilter) Validate() error {
	return checkFilter(
		filterField{"role", f.Role != "", f.Role.Valid()},
		filterField{"status", f.Status != "", f.Status.Valid()},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets a kind that does
// not exist.
func (f HomeFilter) Validate() error {
	return checkFilter(filterField{"kind", f.Kind != "", f.Kind.Valid()})
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid home
// or person id or an unknown status.
func (f PlacementFilter) Validate() error {
	return checkFilter(
		filterField{"home_id", f.HomeID != "", ValidID(f.HomeID)},
		filterField{"person_id", f.PersonID != "", ValidID(f.PersonID)},
		filterField{"status", f.Status != "", f.Status.Valid()},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid home
// id or an unknown status.
func (f ProposalFilter) Validate() error {
	return checkFilter(
		filterField{"home_id", f.HomeID != "", ValidID(f.HomeID)},
		filterField{"status", f.Status != "", f.Status.Valid()},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid home
// or person id.
func (f AssignmentFilter) Validate() error {
	return checkFilter(
		filterField{"home_id", f.HomeID != "", ValidID(f.HomeID)},
		filterField{"person_id", f.PersonID != "", ValidID(f.PersonID)},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid home
// id or invitee.
func (f OutingFilter) Validate() error {
	return checkFilter(
		filterField{"home_id", f.HomeID != "", ValidID(f.HomeID)},
		filterField{"invitee", f.Invitee != "", ValidID(f.Invitee)},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid
// person or placement id.
func (f CheckInFilter) Validate() error {
	return checkFilter(
		filterField{"person_id", f.PersonID != "", ValidID(f.PersonID)},
		filterField{"placement_id", f.PlacementID != "", ValidID(f.PlacementID)},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid
// placement or person id.
func (f EventFilter) Validate() error {
	return checkFilter(
		filterField{"placement_id", f.PlacementID != "", ValidID(f.PlacementID)},
		filterField{"person_id", f.PersonID != "", ValidID(f.PersonID)},
	)
}

// Validate returns a *FieldError (ErrInvalid) when f sets an invalid
// placement id or an unknown status.
func (f AlertFilter) Validate() error {
	return checkFilter(
		filterField{"placement_id", f.PlacementID != "", ValidID(f.PlacementID)},
		filterField{"status", f.Status != "", f.Status.Valid()},
	)
}
