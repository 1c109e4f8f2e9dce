package housing

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; stores and validation
// wrap them with context.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the record changed since it was read (a stale
	// version), already exists, or is in a state that forbids the change
	// (an invitation already used, a proposal already decided, a full home).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means a value failed validation.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden means the caller's role does not allow the action.
	ErrForbidden = errors.New("forbidden")
	// ErrExpired means a time-limited record (an invitation) is past its
	// expiry.
	ErrExpired = errors.New("expired")
)

// FieldError reports one invalid field. It wraps ErrInvalid.
type FieldError struct {
	Field  string // the field's name as in JSON and CSV headers, e.g. "district"
	Reason string // what is wrong, in plain English
}

// Error implements error.
func (e *FieldError) Error() string { return fmt.Sprintf("field %s: %s", e.Field, e.Reason) }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// invalid returns a *FieldError for field.
func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// StateError reports a change refused because of a record's state, such as
// deciding a proposal that another mediator already decided. It wraps
// ErrConflict and says who made the earlier change and when, so the bot can
// tell the second mediator.
type StateError struct {
	What  string // e.g. "proposal pr_12 already approved"
	By    string // person id of whoever made the earlier change, if known
	AtRFC string // RFC 3339 time of the earlier change, if known
}

// Error implements error.
func (e *StateError) Error() string { return e.What }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *StateError) Unwrap() error { return ErrConflict }
