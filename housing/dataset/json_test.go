package dataset

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

// smallDataset is a social worker, a beneficiary, a host, the host's IESA
// home and a flat.
func smallDataset() Dataset {
	return Dataset{
		People: []PersonRecord{
			{Person: housing.Person{ID: "w1", Role: housing.RoleSocialWorker, DisplayName: "Chiara B.", District: "Bologna", Language: "it", Status: "active"}},
			{
				Person:  housing.Person{ID: "p1", Role: housing.RoleBeneficiary, DisplayName: "Anna", District: "Savena Idice", Language: "it", Status: "active"},
				Profile: &housing.Profile{PersonID: "p1", Smoker: housing.No, SleepRhythm: 2},
				Care:    &housing.CareInfo{PersonID: "p1", TargetGroup: housing.GroupCSM, SupportIntensity: 1, ResponsibleWorkers: []string{"w1"}},
			},
			{
				Person:  housing.Person{ID: "p2", Role: housing.RoleHost, DisplayName: "Rita", District: "Pianura Est", Language: "it", Status: "active"},
				Profile: &housing.Profile{PersonID: "p2", Host: &housing.HostProfile{HouseholdSize: 2, Rooms: 1}},
			},
		},
		Homes: []housing.Home{
			{ID: "h1", Kind: housing.KindIESA, District: "Pianura Est", Address: "Via Roma 1, Budrio", Rooms: 1, Capacity: 1, HostID: "p2", Available: true},
			{ID: "h2", Kind: housing.KindFlat, District: "Bologna", Address: "Via Lame 3, Bologna", Rooms: 2, Capacity: 2, Available: true},
		},
	}
}

func smallJSON(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, smallDataset()); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// elementLine returns the line where the list element holding marker
// starts.
func elementLine(t *testing.T, doc, marker string) int {
	t.Helper()
	i := strings.Index(doc, marker)
	if i < 0 {
		t.Fatalf("no %q in the document", marker)
	}
	j := strings.LastIndex(doc[:i], "\n    {")
	return strings.Count(doc[:j+1], "\n") + 1
}

// problemKeys returns "item:line:field" of each problem.
func problemKeys(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s:%d:%s", p.Item, p.Line, p.Field))
	}
	return out
}

func TestReadJSONBadRecord(t *testing.T) {
	tests := []struct {
		name     string
		old, new string // replace the first old by new
		marker   string // text inside the bad element
		item     string
		field    string
	}{
		{"unknown field", `"display_name": "Anna"`, `"display_name": "Anna", "nickname": "A"`, `"Anna"`, "people[1]", "nickname"},
		{"wrong type", `"role": "beneficiary"`, `"role": 5`, `"Anna"`, "people[1]", "person.role"},
		{"unknown district", `"district": "Savena Idice"`, `"district": "Atlantide"`, `"Atlantide"`, "people[1]", "person.district"},
		{"unknown role", `"role": "host"`, `"role": "landlord"`, `"Rita"`, "people[2]", "person.role"},
		{"level out of range", `"sleep_rhythm": 2`, `"sleep_rhythm": 9`, `"Anna"`, "people[1]", "profile.sleep_rhythm"},
		{"profile of someone else", `"person_id": "p1"`, `"person_id": "p9"`, `"Anna"`, "people[1]", "profile.person_id"},
		{"host household size", `"household_size": 2`, `"household_size": 0`, `"Rita"`, "people[2]", "profile.host.household_size"},
		{"worker who is not staff", `"responsible_workers": [`, `"responsible_workers": ["p2",`, `"Anna"`, "people[1]", "care.responsible_workers"},
		{"host who is not a host", `"host_id": "p2"`, `"host_id": "p1"`, `"h1"`, "homes[0]", "host_id"},
		{"no capacity", `"capacity": 2`, `"capacity": 0`, `"h2"`, "homes[1]", "capacity"},
		{"duplicate home id", `"id": "h2"`, `"id": "h1"`, `"Via Lame`, "homes[1]", "id"},
		{"staff occupant", `"host_id": "p2",`, `"host_id": "p2", "occupants": [{"person_id": "w1"}],`, `"h1"`, "homes[0]", "occupants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := smallJSON(t)
			if !strings.Contains(doc, tt.old) {
				t.Fatalf("no %q in the document", tt.old)
			}
			doc = strings.Replace(doc, tt.old, tt.new, 1)
			_, err := ReadJSON(strings.NewReader(doc), nil)
			got := problemKeys(problemsOf(t, err))
			want := []string{fmt.Sprintf("%s:%d:%s", tt.item, elementLine(t, doc, tt.marker), tt.field)}
			if !slices.Equal(got, want) {
				t.Errorf("ReadJSON problems = %v; want %v\n%v", got, want, err)
			}
		})
	}
}

func TestReadJSONBadDocument(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string // "line:field"
	}{
		{"empty", "", []string{"1:"}},
		{"not an object", "[]", []string{"1:"}},
		{"unknown key", "{\n\"people\": [],\n\"extra\": 1}", []string{"3:extra"}},
		{"key twice", "{\"homes\": [],\n\"homes\": []}", []string{"2:homes"}},
		{"people not a list", "{\n  \"people\": \"many\"}", []string{"2:people"}},
		{"syntax error", "{\"people\": [\n{\"person\": {}}\n{\"person\": {}}]}", []string{"3:"}},
		{"ends early", "{\"people\": [", []string{"1:"}},
		{"data after", "{}\n{}", []string{"2:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.doc), nil)
			if got := lineFields(problemsOf(t, err)); !slices.Equal(got, tt.want) {
				t.Errorf("ReadJSON(%q) problems = %v; want %v\n%v", tt.doc, got, tt.want, err)
			}
		})
	}
}

func TestReadJSONGood(t *testing.T) {
	for _, doc := range []string{"{}", `{"people": null, "homes": null}`, `{"people": [], "homes": []}`} {
		d, err := ReadJSON(strings.NewReader(doc), nil)
		if err != nil || len(d.People) != 0 || len(d.Homes) != 0 {
			t.Errorf("ReadJSON(%q) = %+v, %v; want empty, nil", doc, d, err)
		}
	}
	doc := `{"people": [{"person": {"id": "p1", "role": "co-resident", "display_name": "Ugo", "district": "pianura est",
		"language": "it", "status": "active"}, "profile": {"smoker": "yes"}}]}`
	d, err := ReadJSON(strings.NewReader(doc), nil)
	if err != nil {
		t.Fatalf("ReadJSON = %v", err)
	}
	want := PersonRecord{
		Person:  housing.Person{ID: "p1", Role: housing.RoleCoResident, DisplayName: "Ugo", District: housing.DistrictPianuraEst, Language: "it", Status: "active"},
		Profile: &housing.Profile{PersonID: "p1", Smoker: housing.Yes},
	}
	if diff := cmp.Diff([]PersonRecord{want}, d.People); diff != "" {
		t.Errorf("ReadJSON differs (-want +got):\n%s", diff)
	}
}
