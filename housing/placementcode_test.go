package housing_test

import (
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// TestApprovalNamesThePlacement: staff see a placement as its home's code
// and the month of approval, not a random id.
func TestApprovalNamesThePlacement(t *testing.T) {
	var b housingtest.Builder
	h := b.Home(func(h *housing.Home) { h.Code = "SI-07" })
	a, c := b.Person(), b.Person()
	p := b.Proposal(h, []string{a.ID, c.ID})
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	got, _, err := housing.Approve(*p, *h, []housing.Person{*a, *c}, nil, "p-med", at, "pl_1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Placement.Code != "SI-07-2611" {
		t.Errorf("Approve placement code = %q; want SI-07-2611", got.Placement.Code)
	}
	h.Code = ""
	got, _, err = housing.Approve(*p, *h, []housing.Person{*a, *c}, nil, "p-med", at, "pl_2")
	if err != nil || got.Placement.Code != "" {
		t.Errorf("Approve without a home code = %q, %v; want no code", got.Placement.Code, err)
	}
}
