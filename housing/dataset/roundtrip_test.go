package dataset

import (
	"bytes"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// csvLeavesOut ignores the fields CSV does not carry.
func csvLeavesOut() cmp.Option {
	return cmp.Options{
		cmpopts.IgnoreFields(housing.Person{}, "TelegramID", "CreatedAt", "UpdatedAt", "Version"),
		cmpopts.IgnoreFields(housing.Profile{}, "UpdatedAt", "Version"),
		cmpopts.IgnoreFields(housing.CareInfo{}, "UpdatedAt", "Version"),
		cmpopts.IgnoreFields(housing.Home{}, "Occupants", "CreatedAt", "UpdatedAt", "Version"),
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want := Generate(SeedParams{People: 300, Homes: 90, Seed: 11, TelegramBase: 5000,
		Now: time.Date(2026, 5, 4, 15, 4, 5, 0, time.FixedZone("CEST", 7200))})
	want.Homes[0].Occupants = []housing.Occupant{{PersonID: "p0001", Beneficiary: true}}
	var b bytes.Buffer
	if err := WriteJSON(&b, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&b, nil)
	if err != nil {
		t.Fatalf("ReadJSON = %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadJSON(WriteJSON(d)) differs (-want +got):\n%s", diff)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	want := Generate(SeedParams{People: 300, Homes: 90, Seed: 12})
	var pb, hb bytes.Buffer
	if err := WritePeopleCSV(&pb, want.People); err != nil {
		t.Fatal(err)
	}
	if err := WriteHomesCSV(&hb, want.Homes); err != nil {
		t.Fatal(err)
	}
	people, err := ReadPeopleCSV(&pb, nil)
	if err != nil {
		t.Fatalf("ReadPeopleCSV = %v", err)
	}
	homes, err := ReadHomesCSV(&hb, nil)
	if err != nil {
		t.Fatalf("ReadHomesCSV = %v", err)
	}
	if diff := cmp.Diff(want, Dataset{People: people, Homes: homes}, csvLeavesOut()); diff != "" {
		t.Errorf("CSV round trip differs (-want +got):\n%s", diff)
	}
}

// TestCSVRoundTripAwkwardText checks text that needs quoting or formula
// escaping, and a profile whose answers are all empty.
func TestCSVRoundTripAwkwardText(t *testing.T) {
	want := []PersonRecord{
		{Person: housing.Person{ID: "w1", Role: housing.RoleSocialWorker, DisplayName: `=HYPERLINK("http://x")`, District: "Bologna", Language: "it", Status: "active"}},
		{
			Person:  housing.Person{ID: "p1", Code: "+39", Role: housing.RoleBeneficiary, DisplayName: "O'Neil, \"Jo\"", District: "Savena Idice", Language: "en", Status: "paused"},
			Profile: &housing.Profile{PersonID: "p1"},
			Care:    &housing.CareInfo{PersonID: "p1", Notes: "line one\nline two, with a comma; and '=quote", ResponsibleWorkers: []string{"w1"}},
		},
		{
			Person:  housing.Person{ID: "p2", Role: housing.RoleHost, DisplayName: "@anna", District: "Pianura Est", Language: "it", Status: "active"},
			Profile: &housing.Profile{PersonID: "p2", Host: &housing.HostProfile{HouseholdSize: 2, Expectations: "-meno\tcon tab"}},
		},
	}
	var b bytes.Buffer
	if err := WritePeopleCSV(&b, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPeopleCSV(&b, nil)
	if err != nil {
		t.Fatalf("ReadPeopleCSV = %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip differs (-want +got):\n%s", diff)
	}
}

func TestWriteCSVRefusesUnwritableLists(t *testing.T) {
	recs := []PersonRecord{{
		Person:  housing.Person{ID: "p1", Role: housing.RoleCoResident, DisplayName: "A", District: "Bologna"},
		Profile: &housing.Profile{Interests: []string{"music;art"}},
	}}
	if err := WritePeopleCSV(&bytes.Buffer{}, recs); err == nil {
		t.Errorf("WritePeopleCSV with an interest holding ; = nil; want an error")
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
