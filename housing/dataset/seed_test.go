package dataset

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
)

func generateJSON(t *testing.T, p SeedParams) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, Generate(p)); err != nil {
		t.Fatalf("WriteJSON: %v", err)
	}
	return b.Bytes()
}

func TestGenerateDeterministic(t *testing.T) {
	p := SeedParams{People: 120, Homes: 40, Seed: 7, Now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	a, b := generateJSON(t, p), generateJSON(t, p)
	if !bytes.Equal(a, b) {
		t.Errorf("Generate(%+v) twice gave different JSON", p)
	}
	q := p
	q.Seed = 8
	if c := generateJSON(t, q); bytes.Equal(a, c) {
		t.Errorf("Generate with seeds 7 and 8 gave the same JSON")
	}
}

func TestGenerateDefaultNow(t *testing.T) {
	a := generateJSON(t, SeedParams{People: 10, Homes: 3, Seed: 1})
	b := generateJSON(t, SeedParams{People: 10, Homes: 3, Seed: 1, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if !bytes.Equal(a, b) {
		t.Errorf("Generate with zero Now differs from Now = 2026-01-01")
	}
}

// TestGenerateValid checks that generated data passes every check the
// readers make, and that its references stay inside it.
func TestGenerateValid(t *testing.T) {
	for _, p := range []SeedParams{
		{}, {People: 1, Homes: 1}, {People: 3, Homes: 3, Seed: 2}, {People: 60, Homes: 25, Seed: 3},
		{People: 200, Homes: 70, Seed: 4, Districts: housing.Districts{"Nord", "Sud Est", "Nord Ovest"}},
	} {
		d := Generate(p)
		var b bytes.Buffer
		if err := WriteJSON(&b, d); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadJSON(&b, p.Districts); err != nil {
			t.Errorf("ReadJSON(WriteJSON(Generate(%+v))) = %v; want nil", p, err)
		}
		if err := d.CheckRefs(nil); err != nil {
			t.Errorf("Generate(%+v).CheckRefs(nil) = %v; want nil", p, err)
		}
	}
}

func TestGenerateCustomDistricts(t *testing.T) {
	ds := housing.Districts{"Nord", "Sud Est"}
	d := Generate(SeedParams{People: 40, Homes: 10, Seed: 1, Districts: ds})
	prefixes := map[string]string{"Nord": "NO-", "Sud Est": "SE-"}
	for _, r := range d.People {
		if !slices.Contains(ds, r.Person.District) {
			t.Errorf("person %s in district %q; want one of %v", r.Person.ID, r.Person.District, ds)
		}
		if r.Person.Code != "" && !strings.HasPrefix(r.Person.Code, prefixes[r.Person.District]) {
			t.Errorf("person %s in %s has code %q; want prefix %q", r.Person.ID, r.Person.District, r.Person.Code, prefixes[r.Person.District])
		}
	}
}

func TestGenerateTelegramBase(t *testing.T) {
	d := Generate(SeedParams{People: 50, Homes: 10, Seed: 1, TelegramBase: 9000})
	seen := map[int64]bool{}
	for _, r := range d.People {
		p := r.Person
		bound := p.Status == housing.StatusActive || p.Status == housing.StatusPaused
		switch {
		case bound && p.TelegramID <= 9000:
			t.Errorf("person %s (%s) has Telegram id %d; want > 9000", p.ID, p.Status, p.TelegramID)
		case !bound && p.TelegramID != 0:
			t.Errorf("person %s (%s) has Telegram id %d; want 0", p.ID, p.Status, p.TelegramID)
		case bound && seen[p.TelegramID]:
			t.Errorf("Telegram id %d given twice", p.TelegramID)
		}
		seen[p.TelegramID] = true
	}
	for _, r := range Generate(SeedParams{People: 50, Homes: 10, Seed: 1}).People {
		if r.Person.TelegramID != 0 {
			t.Fatalf("without TelegramBase, person %s has Telegram id %d; want 0", r.Person.ID, r.Person.TelegramID)
		}
	}
}

func TestGenerateSmallHasEveryKind(t *testing.T) {
	for n := 3; n <= 8; n++ {
		kinds := map[housing.HomeKind]int{}
		for _, h := range Generate(SeedParams{People: 5, Homes: n, Seed: uint64(n)}).Homes {
			kinds[h.Kind]++
		}
		if len(kinds) != 3 {
			t.Errorf("Generate(Homes: %d) kinds = %v; want all three", n, kinds)
		}
	}
}
