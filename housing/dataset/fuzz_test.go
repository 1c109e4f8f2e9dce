package dataset

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

// checkFailure checks an error from a reader: an *ImportError with at
// least one problem, each with a reason.
func checkFailure(t *testing.T, err error) {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) || !errors.Is(err, housing.ErrInvalid) || len(ie.Problems) == 0 {
		t.Fatalf("error %v (%T) is not an *ImportError with problems", err, err)
	}
	for _, p := range ie.Problems {
		if p.Reason == "" {
			t.Fatalf("problem %+v has no reason", p)
		}
	}
}

// checkPeople checks that every record read validates on its own.
func checkPeople(t *testing.T, recs []PersonRecord) {
	t.Helper()
	for _, rec := range recs {
		p := rec.Person
		if err := p.Validate(); err != nil || !housing.ValidID(p.ID) {
			t.Fatalf("person %+v read, but Validate = %v", p, err)
		}
		if err := housing.DefaultDistricts().Check("district", p.District); err != nil {
			t.Fatalf("person %s read with %v", p.ID, err)
		}
		if pr := rec.Profile; pr != nil {
			if err := pr.Validate(); err != nil || pr.PersonID != p.ID {
				t.Fatalf("profile %+v of %s read, but Validate = %v", pr, p.ID, err)
			}
		}
		if c := rec.Care; c != nil {
			if err := c.Validate(); err != nil || c.PersonID != p.ID {
				t.Fatalf("care %+v of %s read, but Validate = %v", c, p.ID, err)
			}
		}
	}
}

func checkHomes(t *testing.T, homes []housing.Home) {
	t.Helper()
	for _, h := range homes {
		if err := h.Validate(); err != nil || !housing.ValidID(h.ID) {
			t.Fatalf("home %+v read, but Validate = %v", h, err)
		}
		if err := housing.DefaultDistricts().Check("district", h.District); err != nil {
			t.Fatalf("home %s read with %v", h.ID, err)
		}
	}
}

func FuzzReadPeopleCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WritePeopleCSV(&b, Generate(SeedParams{People: 6, Homes: 3, Seed: 1}).People); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(peopleFile(personRow("p4", nil))))
	f.Add([]byte(peopleFile(personRow("p4", map[string]string{"role": "nurse", "exclusions": "p1;w1"}))))
	f.Add([]byte("id,role,display_name,district,notes\np1,beneficiary,'=x,bologna,\"a\nb\"\n"))
	f.Add([]byte("\uFEFFid;role;display_name;district\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadPeopleCSV(bytes.NewReader(data), nil)
		if err != nil {
			checkFailure(t, err)
			return
		}
		checkPeople(t, recs)
		var out bytes.Buffer
		if err := WritePeopleCSV(&out, recs); err != nil {
			t.Fatalf("WritePeopleCSV(records read) = %v", err)
		}
		again, err := ReadPeopleCSV(&out, nil)
		if err != nil {
			t.Fatalf("ReadPeopleCSV(WritePeopleCSV(records read)) = %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(recs, again); diff != "" {
			t.Fatalf("people CSV round trip differs (-first +second):\n%s", diff)
		}
	})
}

func FuzzReadHomesCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteHomesCSV(&b, Generate(SeedParams{People: 6, Homes: 5, Seed: 1}).Homes); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(strings.Join([]string{strings.Join(homesHeader, ","), homeRow("h1", nil), homeRow("h2", map[string]string{"kind": "iesa"})}, "\n")))
	f.Add([]byte("id,kind,district,address,rooms,capacity\nh1,flat,BOLOGNA,\"-Via, 1\",2,3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		homes, err := ReadHomesCSV(bytes.NewReader(data), nil)
		if err != nil {
			checkFailure(t, err)
			return
		}
		checkHomes(t, homes)
		var out bytes.Buffer
		if err := WriteHomesCSV(&out, homes); err != nil {
			t.Fatalf("WriteHomesCSV(homes read) = %v", err)
		}
		again, err := ReadHomesCSV(&out, nil)
		if err != nil {
			t.Fatalf("ReadHomesCSV(WriteHomesCSV(homes read)) = %v\n%s", err, out.String())
		}
		if diff := cmp.Diff(homes, again); diff != "" {
			t.Fatalf("homes CSV round trip differs (-first +second):\n%s", diff)
		}
	})
}

func FuzzReadJSON(f *testing.F) {
	var b bytes.Buffer
	if err := WriteJSON(&b, Generate(SeedParams{People: 5, Homes: 3, Seed: 1})); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	b.Reset()
	if err := WriteJSON(&b, smallDataset()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"people": [{"person": {"id": "p1", "role": 5}}], "homes": null}`))
	f.Add([]byte(`{"homes": [{"id": "h1", "kind": "iesa", "host_id": "p1", "occupants": [{"person_id": "p1"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadJSON(bytes.NewReader(data), nil)
		if err != nil {
			checkFailure(t, err)
			return
		}
		checkPeople(t, d.People)
		checkHomes(t, d.Homes)
		var out bytes.Buffer
		if err := WriteJSON(&out, d); err != nil {
			t.Fatalf("WriteJSON(dataset read) = %v", err)
		}
		again, err := ReadJSON(&out, nil)
		if err != nil {
			t.Fatalf("ReadJSON(WriteJSON(dataset read)) = %v", err)
		}
		if diff := cmp.Diff(d, again); diff != "" {
			t.Fatalf("JSON round trip differs (-first +second):\n%s", diff)
		}
	})
}
