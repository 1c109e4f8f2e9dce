package housing

import (
	"errors"
	"testing"
)

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		name    string
		filter  interface{ Validate() error }
		invalid string // the field named in the error, "" for valid
	}{
		{"empty person", PersonFilter{}, ""},
		{"person role", PersonFilter{Role: "king"}, "role"},
		{"person status", PersonFilter{Role: RoleHost, Status: "gone"}, "status"},
		{"home kind", HomeFilter{Kind: "castle"}, "kind"},
		{"placement person", PlacementFilter{HomeID: "h1", PersonID: "a b"}, "person_id"},
		{"placement status", PlacementFilter{Status: "x"}, "status"},
		{"proposal home", ProposalFilter{HomeID: "../h"}, "home_id"},
		{"assignment ok", AssignmentFilter{HomeID: "h1", PersonID: "p1"}, ""},
		{"assignment person", AssignmentFilter{PersonID: "p 1"}, "person_id"},
		{"outing invitee", OutingFilter{District: "any text", Invitee: "a:b"}, "invitee"},
		{"check-in placement", CheckInFilter{PersonID: "p1", PlacementID: "pl 1"}, "placement_id"},
		{"event person", EventFilter{PersonID: "p/1"}, "person_id"},
		{"alert status", AlertFilter{PlacementID: "pl1", Status: "loud"}, "status"},
		{"alert ok", AlertFilter{Status: AlertResolved}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.filter.Validate()
			var fe *FieldError
			switch {
			case tc.invalid == "" && err != nil:
				t.Errorf("%#v.Validate() = %v; want nil", tc.filter, err)
			case tc.invalid != "" && (!errors.As(err, &fe) || fe.Field != tc.invalid || !errors.Is(err, ErrInvalid)):
				t.Errorf("%#v.Validate() = %v; want a FieldError for %s", tc.filter, err, tc.invalid)
			}
		})
	}
}
