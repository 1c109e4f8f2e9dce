package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

// problemsOf returns the problems of an *ImportError, failing the test for
// any other error.
func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	var ie *ImportError
	if !errors.As(err, &ie) || !errors.Is(err, housing.ErrInvalid) {
		t.Fatalf("error %v (%T) is not an *ImportError wrapping ErrInvalid", err, err)
	}
	return ie.Problems
}

// where returns "line:field" of each problem, to compare.
func lineFields(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d:%s", p.Line, p.Field))
	}
	return out
}

var peopleHeader = []string{
	"id", "code", "role", "display_name", "district", "language", "status", "smoker", "smokers", "sleep_rhythm",
	"birth_year", "age_min", "age_max", "gender_hard", "move_in_from", "move_in_to", "languages", "districts",
	"housing_forms", "host_household_size", "host_rooms", "target_group", "support_intensity", "substance_free",
	"project_end", "exclusions", "responsible_workers",
}

// personRow returns a good beneficiary row with some cells replaced.
func personRow(id string, set map[string]string) string {
	cells := map[string]string{
		"id": id, "role": "beneficiary", "display_name": "Anna", "district": "Bologna", "status": "active",
		"smoker": "no", "smokers": "fine", "sleep_rhythm": "3", "birth_year": "1980", "move_in_from": "2026-03-01",
		"move_in_to": "2026-06-01", "languages": "it", "housing_forms": "flat", "target_group": "csm",
		"support_intensity": "light", "project_end": "2027-01-31", "responsible_workers": "w1",
	}
	for k, v := range set {
		if !slices.Contains(peopleHeader, k) {
			panic("personRow: no column " + k)
		}
		cells[k] = v
	}
	row := make([]string, len(peopleHeader))
	for i, h := range peopleHeader {
		row[i] = cells[h]
	}
	return strings.Join(row, ",")
}

// peopleFile returns a people.csv whose line 4 is bad, between good rows.
func peopleFile(bad string) string {
	return strings.Join([]string{
		strings.Join(peopleHeader, ","),
		"w1,,social-worker,Chiara B.,Bologna,it,active" + strings.Repeat(",", len(peopleHeader)-7),
		personRow("p1", nil),
		bad,
		personRow("p9", map[string]string{"role": "co-resident", "district": "savena idice", "target_group": "",
			"support_intensity": "", "project_end": "", "responsible_workers": ""}),
	}, "\n") + "\n"
}

func TestReadPeopleCSVBadField(t *testing.T) {
	noCare := map[string]string{"target_group": "", "support_intensity": "", "project_end": "", "responsible_workers": ""}
	with := func(m map[string]string, more map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for k, v := range more {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name  string
		set   map[string]string
		field string
	}{
		{"missing role", map[string]string{"role": ""}, "role"},
		{"unknown role", map[string]string{"role": "nurse"}, "role"},
		{"missing name", map[string]string{"display_name": ""}, "display_name"},
		{"long name", map[string]string{"display_name": strings.Repeat("x", 65)}, "display_name"},
		{"unknown district", map[string]string{"district": "Bolgna"}, "district"},
		{"unknown language", map[string]string{"language": "de"}, "language"},
		{"unknown status", map[string]string{"status": "gone"}, "status"},
		{"bad id", map[string]string{"id": "p 4"}, "id"},
		{"duplicate id", map[string]string{"id": "p1"}, "id"},
		{"bad yes/no", map[string]string{"smoker": "maybe"}, "smoker"},
		{"bad acceptance", map[string]string{"smokers": "sometimes"}, "smokers"},
		{"level out of range", map[string]string{"sleep_rhythm": "7"}, "sleep_rhythm"},
		{"level not a number", map[string]string{"sleep_rhythm": "high"}, "sleep_rhythm"},
		{"year not a number", map[string]string{"birth_year": "abc"}, "birth_year"},
		{"implausible year", map[string]string{"birth_year": "1800"}, "birth_year"},
		{"age range reversed", map[string]string{"age_min": "40", "age_max": "30"}, "age_max"},
		{"bad bool", map[string]string{"gender_hard": "perhaps"}, "gender_hard"},
		{"bad date", map[string]string{"move_in_from": "2026-13-01"}, "move_in_from"},
		{"window reversed", map[string]string{"move_in_to": "2026-01-01"}, "move_in_to"},
		{"bad language code", map[string]string{"languages": "it;italiano"}, "languages"},
		{"unknown wished district", map[string]string{"districts": "Bologna;Atlantide"}, "districts"},
		{"unknown home kind", map[string]string{"housing_forms": "flat;villa"}, "housing_forms"},
		{"host fields on a beneficiary", map[string]string{"host_household_size": "2"}, "role"},
		{"host without household size", with(noCare, map[string]string{"role": "host", "host_rooms": "1"}), "host_household_size"},
		{"host rooms out of range", with(noCare, map[string]string{"role": "host", "host_household_size": "2", "host_rooms": "11"}), "host_rooms"},
		{"care on a co-resident", map[string]string{"role": "co-resident"}, "role"},
		{"answers of staff", with(noCare, map[string]string{"role": "mediator"}), "role"},
		{"unknown target group", map[string]string{"target_group": "ser"}, "target_group"},
		{"unknown intensity", map[string]string{"support_intensity": "huge"}, "support_intensity"},
		{"bad substance free", map[string]string{"substance_free": "y"}, "substance_free"},
		{"bad project end", map[string]string{"project_end": "soon"}, "project_end"},
		{"excludes themself", map[string]string{"exclusions": "p4"}, "exclusions"},
		{"excludes staff", map[string]string{"exclusions": "w1"}, "exclusions"},
		{"bad excluded id", map[string]string{"exclusions": "p 1"}, "exclusions"},
		{"worker is a beneficiary", map[string]string{"responsible_workers": "p1"}, "responsible_workers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPeopleCSV(strings.NewReader(peopleFile(personRow("p4", tt.set))), nil)
			got := lineFields(problemsOf(t, err))
			if want := []string{"4:" + tt.field}; !slices.Equal(got, want) {
				t.Errorf("ReadPeopleCSV problems = %v; want %v\n%v", got, want, err)
			}
		})
	}
}

func TestReadPeopleCSVGood(t *testing.T) {
	recs, err := ReadPeopleCSV(strings.NewReader("\uFEFF"+peopleFile(personRow("p4", map[string]string{
		"role": "Beneficiary", "district": " BOLOGNA ", "languages": "IT; AR", "status": "", "smoker": "Yes",
		"districts": "bologna;pianura est",
	}))), nil)
	if err != nil {
		t.Fatalf("ReadPeopleCSV = %v", err)
	}
	got := recs[2]
	want := PersonRecord{
		Person: housing.Person{ID: "p4", Role: housing.RoleBeneficiary, DisplayName: "Anna", District: "Bologna",
			Language: housing.LangIT, Status: housing.StatusInvited},
		Profile: &housing.Profile{PersonID: "p4", Smoker: housing.Yes, Smokers: housing.AcceptFine, SleepRhythm: 3,
			BirthYear: 1980, MoveInFrom: date(2026, 3, 1), MoveInTo: date(2026, 6, 1), Languages: []string{"it", "ar"},
			Districts: []string{"Bologna", "Pianura Est"}, HousingForms: []housing.HomeKind{housing.KindFlat}},
		Care: &housing.CareInfo{PersonID: "p4", TargetGroup: housing.GroupCSM, SupportIntensity: housing.IntensityLight,
			ProjectEnd: date(2027, 1, 31), ResponsibleWorkers: []string{"w1"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadPeopleCSV row differs (-want +got):\n%s", diff)
	}
	if recs[0].Profile != nil || recs[0].Care != nil {
		t.Errorf("staff row read with profile %v, care %v; want neither", recs[0].Profile, recs[0].Care)
	}
	if recs[3].Person.District != housing.DistrictSavenaIdice || recs[3].Care != nil {
		t.Errorf("co-resident read as %+v; want district Savena Idice, no care", recs[3])
	}
}

func TestReadPeopleCSVWholeRowProblems(t *testing.T) {
	header := strings.Join(peopleHeader, ",")
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"empty file", "", []string{"1:"}},
		{"header only", header + "\n", nil},
		{"unknown column", header + ",favourite_colour\n", []string{"1:favourite_colour"}},
		{"column twice", header + ",smoker\n", []string{"1:smoker"}},
		{"required column missing", "id,role,district\n", []string{"1:display_name"}},
		{"semicolons", strings.ReplaceAll(header, ",", ";") + "\n", []string{"1:" + strings.ReplaceAll(header, ",", ";"), "1:id", "1:role", "1:display_name", "1:district"}},
		{"short row", peopleFile("p4,beneficiary,Anna"), []string{"4:"}},
		{"bad quote stops reading", peopleFile(`p4,"beneficiary,Anna`), []string{"4:"}},
		{"quoted line break", strings.Join([]string{header,
			strings.Replace(personRow("p1", nil), "Anna", "\"Anna\nMaria\"", 1),
			personRow("p2", map[string]string{"role": "nurse"})}, "\n"), []string{"4:role"}},
		{"two bad rows", peopleFile(personRow("p4", map[string]string{"district": "Nowhere"})) +
			personRow("p5", map[string]string{"district": "Nowhere", "smoker": "x"}) + "\n", []string{"4:district", "6:smoker", "6:district"}},
		{"duplicate code", peopleFile(personRow("p4", map[string]string{"code": "BO-1"})) +
			personRow("p5", map[string]string{"code": "BO-1"}) + "\n", []string{"6:code"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPeopleCSV(strings.NewReader(tt.file), nil)
			if got := lineFields(problemsOf(t, err)); !slices.Equal(got, tt.want) {
				t.Errorf("ReadPeopleCSV problems = %v; want %v\n%v", got, tt.want, err)
			}
		})
	}
}

// TestOneBadRowAmongMany corrupts one record of a generated file and
// expects exactly its line.
func TestOneBadRowAmongMany(t *testing.T) {
	d := Generate(SeedParams{People: 80, Homes: 30, Seed: 5})
	d.People[21].Person.Role = "nurse"
	d.Homes[17].Capacity = 0
	var pb, hb bytes.Buffer
	if err := WritePeopleCSV(&pb, d.People); err != nil {
		t.Fatal(err)
	}
	if err := WriteHomesCSV(&hb, d.Homes); err != nil {
		t.Fatal(err)
	}
	_, err := ReadPeopleCSV(&pb, nil)
	if got, want := lineFields(problemsOf(t, err)), []string{"23:role"}; !slices.Equal(got, want) {
		t.Errorf("ReadPeopleCSV problems = %v; want %v\n%v", got, want, err)
	}
	_, err = ReadHomesCSV(&hb, nil)
	if got, want := lineFields(problemsOf(t, err)), []string{"19:capacity"}; !slices.Equal(got, want) {
		t.Errorf("ReadHomesCSV problems = %v; want %v\n%v", got, want, err)
	}
}

var homesHeader = []string{"id", "code", "kind", "tenure", "district", "address", "rooms", "capacity", "single_rooms",
	"step_free", "monthly_cost", "support", "beneficiary_cap", "host_id", "available"}

func homeRow(id string, set map[string]string) string {
	cells := map[string]string{"id": id, "kind": "flat", "tenure": "erp", "district": "Bologna", "address": `"Via Lame 3, Bologna"`,
		"rooms": "2", "capacity": "2", "single_rooms": "2", "monthly_cost": "200", "support": "light", "beneficiary_cap": "1"}
	for k, v := range set {
		if !slices.Contains(homesHeader, k) {
			panic("homeRow: no column " + k)
		}
		cells[k] = v
	}
	row := make([]string, len(homesHeader))
	for i, h := range homesHeader {
		row[i] = cells[h]
	}
	return strings.Join(row, ",")
}

func TestReadHomesCSVBadField(t *testing.T) {
	tests := []struct {
		name  string
		set   map[string]string
		field string
	}{
		{"missing kind", map[string]string{"kind": ""}, "kind"},
		{"unknown kind", map[string]string{"kind": "castle"}, "kind"},
		{"unknown tenure", map[string]string{"tenure": "council"}, "tenure"},
		{"unknown district", map[string]string{"district": "Bolgna"}, "district"},
		{"missing address", map[string]string{"address": ""}, "address"},
		{"rooms not a number", map[string]string{"rooms": "two"}, "rooms"},
		{"no rooms", map[string]string{"rooms": "0"}, "rooms"},
		{"capacity too large", map[string]string{"capacity": "41", "single_rooms": "0"}, "capacity"},
		{"single rooms above capacity", map[string]string{"single_rooms": "3"}, "single_rooms"},
		{"cap above capacity", map[string]string{"beneficiary_cap": "3"}, "beneficiary_cap"},
		{"negative cost", map[string]string{"monthly_cost": "-5"}, "monthly_cost"},
		{"unknown support", map[string]string{"support": "lots"}, "support"},
		{"bad step free", map[string]string{"step_free": "maybe"}, "step_free"},
		{"bad available", map[string]string{"available": "soon"}, "available"},
		{"iesa without host", map[string]string{"kind": "iesa"}, "host_id"},
		{"iesa with a bad host id", map[string]string{"kind": "iesa", "host_id": "p 1"}, "host_id"},
		{"flat with a host", map[string]string{"host_id": "p1"}, "host_id"},
		{"duplicate id", map[string]string{"id": "h1"}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := strings.Join([]string{strings.Join(homesHeader, ","), homeRow("h1", nil), homeRow("h2", tt.set), homeRow("h3", nil)}, "\n")
			_, err := ReadHomesCSV(strings.NewReader(file), nil)
			if got, want := lineFields(problemsOf(t, err)), []string{"3:" + tt.field}; !slices.Equal(got, want) {
				t.Errorf("ReadHomesCSV problems = %v; want %v\n%v", got, want, err)
			}
		})
	}
}

func TestReadHomesCSVDefaults(t *testing.T) {
	file := "ID,Kind,District,Address,Rooms,Capacity,Host_ID\nh1,IESA,pianura ovest,Via Roma 1,1,1,p7\n"
	homes, err := ReadHomesCSV(strings.NewReader(file), nil)
	if err != nil {
		t.Fatalf("ReadHomesCSV = %v", err)
	}
	want := []housing.Home{{ID: "h1", Kind: housing.KindIESA, District: housing.DistrictPianuraOvest, Address: "Via Roma 1",
		Rooms: 1, Capacity: 1, HostID: "p7", Available: true}}
	if diff := cmp.Diff(want, homes); diff != "" {
		t.Errorf("ReadHomesCSV differs (-want +got):\n%s", diff)
	}
}

func TestImportErrorText(t *testing.T) {
	err := &ImportError{Problems: []Problem{
		{Line: 4, Field: "role", Reason: "bad"},
		{Line: 9, Reason: "short"},
		{Item: "people[3]", Line: 40, Field: "person.district", Reason: "unknown"},
		{Item: "home h1", Field: "host_id", Reason: "missing"},
	}}
	want := "dataset: 4 problems, nothing imported:\n" +
		"line 4: field role: bad\n" +
		"line 9: short\n" +
		"people[3] (line 40): field person.district: unknown\n" +
		"home h1: field host_id: missing"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if !errors.Is(err, housing.ErrInvalid) {
		t.Errorf("errors.Is(%v, ErrInvalid) = false; want true", err)
	}
}
