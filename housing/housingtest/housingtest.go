// Package housingtest builds valid housing records for tests. Each builder
// method returns a record that passes Validate, changed by the options
// given, with an id unique within its Builder.
package housingtest

import (
	"fmt"
	"time"

	"github.com/convivo/convivo/housing"
)

// Epoch returns the fixed "now" that records built here use, so tests are
// deterministic: Thursday 26 November 2026, 09:00 UTC (10:00 in Rome).
func Epoch() time.Time { return time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC) }

// Builder hands out records with unique ids. The zero value is ready.
type Builder struct {
	n int
}

func (b *Builder) next(prefix string) string {
	b.n++
	return fmt.Sprintf("%s%04d", prefix, b.n)
}

// Person returns an active beneficiary in Bologna with a unique id and
// case code, changed by opts.
func (b *Builder) Person(opts ...func(*housing.Person)) *housing.Person {
	id := b.next("p")
	p := &housing.Person{
		ID: id, Code: "BO-" + id[1:], Role: housing.RoleBeneficiary, DisplayName: "Anna " + id,
		District: housing.DistrictBologna, Language: housing.LangIT, Status: housing.StatusActive,
		CreatedAt: Epoch(), UpdatedAt: Epoch(),
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Home returns an available two-place shared flat in Bologna, changed by
// opts.
func (b *Builder) Home(opts ...func(*housing.Home)) *housing.Home {
	h := &housing.Home{
		ID: b.next("h"), Kind: housing.KindFlat, Tenure: housing.TenureERP, District: housing.DistrictBologna,
		Address: "Via Test 1, Bologna", Rooms: 2, Capacity: 2, SingleRooms: 2, MonthlyCost: 250,
		Support: housing.IntensityLight, Available: true, CreatedAt: Epoch(), UpdatedAt: Epoch(),
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Proposal returns a pending proposal of members for home, changed by opts.
func (b *Builder) Proposal(home *housing.Home, members []string, opts ...func(*housing.Proposal)) *housing.Proposal {
	p := &housing.Proposal{
		ID: b.next("pr"), District: home.District, Kind: home.Kind, HomeID: home.ID,
		Members: members, Score: 700, Status: housing.ProposalPending, CreatedAt: Epoch(),
		Factors: []housing.Factor{{Key: "factor.tidiness", Contribution: 400}, {Key: "factor.sleep", Contribution: 300}},
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// Invitation returns an unused invitation for a beneficiary in Bologna,
// valid for 72 hours from Epoch, and its token.
func (b *Builder) Invitation(opts ...func(*housing.Invitation)) (*housing.Invitation, string) {
	token, hash := housing.NewInvitationToken()
	inv := &housing.Invitation{
		ID: b.next("inv"), TokenHash: hash, Role: housing.RoleBeneficiary, District: housing.DistrictBologna,
		CreatedAt: Epoch(), ExpiresAt: Epoch().Add(housing.DefaultInvitationTTL),
	}
	for _, o := range opts {
		o(inv)
	}
	return inv, token
}

// Profile returns a fully answered profile for person id.
func (b *Builder) Profile(personID string, opts ...func(*housing.Profile)) *housing.Profile {
	p := &housing.Profile{
		PersonID: personID, HousingForms: []housing.HomeKind{housing.KindFlat},
		Districts: []string{housing.DistrictBologna}, StayNear: housing.Yes,
		Smoker: housing.No, Smokers: housing.AcceptRatherNot, HasPets: housing.No, Pets: housing.AcceptFine,
		SleepRhythm: 3, Tidiness: 4, Sociability: 3, Noise: 2, Guests: 2, SharedCooking: 4,
		Languages: []string{"it"}, Interests: []string{"music", "walks"}, Gender: housing.GenderWoman,
		BirthYear: 1985, BudgetMax: 300, UpdatedAt: Epoch(),
	}
	for _, o := range opts {
		o(p)
	}
	return p
}
