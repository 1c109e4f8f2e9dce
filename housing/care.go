package housing

import (
	"fmt"
	"time"
)

// TargetGroup is the service that follows a person.
type TargetGroup string

// The target groups.
const (
	GroupNone  TargetGroup = ""      // not in the programme (co-residents, hosts)
	GroupCSM   TargetGroup = "csm"   // community mental-health centre
	GroupSerDP TargetGroup = "serdp" // addiction service
)

// Valid reports whether g is known.
func (g TargetGroup) Valid() bool { return g == GroupNone || g == GroupCSM || g == GroupSerDP }

// Intensity is how much everyday support a person needs, or a home or host
// can give. Ordered: more is larger.
type Intensity int8

// The support intensities.
const (
	IntensityNone      Intensity = 0
	IntensityLight     Intensity = 1
	IntensityMedium    Intensity = 2
	IntensityIntensive Intensity = 3
)

// Valid reports whether i is known.
func (i Intensity) Valid() bool { return i >= IntensityNone && i <= IntensityIntensive }

// String returns the intensity's key: "none", "light", "medium", "intensive".
func (i Intensity) String() string {
	switch i {
	case IntensityNone:
		return "none"
	case IntensityLight:
		return "light"
	case IntensityMedium:
		return "medium"
	case IntensityIntensive:
		return "intensive"
	}
	return fmt.Sprintf("intensity(%d)", int(i))
}

// ParseIntensity reads an intensity key, as String writes it.
func ParseIntensity(s string) (Intensity, error) {
	for i := IntensityNone; i <= IntensityIntensive; i++ {
		if i.String() == s {
			return i, nil
		}
	}
	if s == "" {
		return IntensityNone, nil
	}
	return 0, fmt.Errorf("%q is not an intensity (none, light, medium, intensive): %w", s, ErrInvalid)
}

// CareInfo holds the care team's fields about a person. It is never asked in
// chat and never shown to peers; only staff read it, and every read is
// audited. It is stored apart from the Profile.
type CareInfo struct {
	PersonID           string      `json:"person_id"`
	TargetGroup        TargetGroup `json:"target_group,omitempty"`
	SupportIntensity   Intensity   `json:"support_intensity"`
	SubstanceFree      bool        `json:"substance_free,omitempty"` // needs a substance-free home
	Exclusions         []string    `json:"exclusions,omitempty"`     // person ids never to live with
	ProjectEnd         time.Time   `json:"project_end,omitzero"`     // end of the PTRI / BdS project
	ResponsibleWorkers []string    `json:"responsible_workers,omitempty"`
	Notes              string      `json:"notes,omitempty"` // free text, staff only
	UpdatedAt          time.Time   `json:"updated_at"`
	Version            int64       `json:"version"`
}

// Validate checks the care fields.
func (c *CareInfo) Validate() error {
	if err := checkID("person_id", c.PersonID); err != nil {
		return err
	}
	if !c.TargetGroup.Valid() {
		return invalid("target_group", "%q is not a target group (csm, serdp)", c.TargetGroup)
	}
	if !c.SupportIntensity.Valid() {
		return invalid("support_intensity", "%d is not an intensity", c.SupportIntensity)
	}
	if err := checkIDs("exclusions", c.Exclusions); err != nil {
		return err
	}
	for _, id := range c.Exclusions {
		if id == c.PersonID {
			return invalid("exclusions", "a person cannot exclude themself")
		}
	}
	if err := checkIDs("responsible_workers", c.ResponsibleWorkers); err != nil {
		return err
	}
	if len(c.Notes) > 4000 {
		return invalid("notes", "is longer than 4000 characters")
	}
	return nil
}

// Excludes reports whether the care team ruled out living with person id.
func (c *CareInfo) Excludes(id string) bool {
	for _, x := range c.Exclusions {
		if x == id {
			return true
		}
	}
	return false
}
