package housing

import (
	"time"
)

// ConsentDecision is what a person said to the privacy notice.
type ConsentDecision string

// The consent decisions.
const (
	ConsentAccepted  ConsentDecision = "accepted"
	ConsentDeclined  ConsentDecision = "declined"
	ConsentWithdrawn ConsentDecision = "withdrawn"
)

// Valid reports whether d is known.
func (d ConsentDecision) Valid() bool {
	return d == ConsentAccepted || d == ConsentDeclined || d == ConsentWithdrawn
}

// ConsentRecord is one answer to the privacy notice: which version of the
// text, in which language, when. Records are never changed, only added.
type ConsentRecord struct {
	ID          string          `json:"id"`
	PersonID    string          `json:"person_id"`
	Decision    ConsentDecision `json:"decision"`
	TextVersion string          `json:"text_version"` // e.g. "2026-11"
	Language    Lang            `json:"language"`
	At          time.Time       `json:"at"`
}

// Validate checks the record's fields.
func (c *ConsentRecord) Validate() error {
	if c.ID != "" {
		if err := checkID("id", c.ID); err != nil {
			return err
		}
	}
	if err := checkID("person_id", c.PersonID); err != nil {
		return err
	}
	if !c.Decision.Valid() {
		return invalid("decision", "%q is not a consent decision", c.Decision)
	}
	if c.TextVersion == "" {
		return invalid("text_version", "is empty")
	}
	if !c.Language.Valid() {
		return invalid("language", "%q is not supported", c.Language)
	}
	if c.At.IsZero() {
		return invalid("at", "is missing")
	}
	return nil
}
