// Package storetest is the contract suite every housing.Store
// implementation passes: boltstore always, redisstore against a real
// redis-server. One suite keeps the two stores interchangeable.
package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// NewStore opens an empty store for one test and registers its cleanup.
type NewStore func(t *testing.T) housing.Store

// Run runs the whole contract suite. Each subtest gets a fresh, empty
// store from newStore.
func Run(t *testing.T, newStore NewStore) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s housing.Store)
	}{
		{"People", testPeople},
		{"PersonValidation", testPersonValidation},
		{"TelegramIDUnique", testTelegramIDUnique},
		{"ListPeople", testListPeople},
		{"ProfileAndCare", testProfileAndCare},
		{"Homes", testHomes},
		{"ProposalsApprove", testApprove},
		{"ProposalsRepeatAndRace", testApproveRepeat},
		{"ProposalsCapacity", testApproveCapacity},
		{"ProposalsReject", testReject},
		{"PlacementEndFreesPlaces", testPlacementEnd},
		{"PlacementDropResident", testPlacementDropResident},
		{"Invitations", testInvitations},
		{"Consents", testConsents},
		{"Audit", testAudit},
		{"State", testState},
		{"Outbox", testOutbox},
		{"OutboxPostpone", testOutboxPostpone},
		{"LifeTasksAndAssignments", testLifeTasksAndAssignments},
		{"LifeLedgerSwapOuting", testLifeLedgerSwapOuting},
		{"LifeCheckInsEventsAlerts", testLifeCheckInsEventsAlerts},
		{"LifeIndexesFollowChanges", testLifeIndexesFollowChanges},
		{"LifeVersionsAndRepeats", testLifeVersionsAndRepeats},
		{"LifeInvalid", testLifeInvalid},
		{"ConcurrentOutboxClaim", testConcurrentClaim},
		{"ConcurrentRedeem", testConcurrentRedeem},
		{"ConcurrentApproveLastPlace", testConcurrentApprove},
		{"AuditPseudonyms", testAuditPseudonyms},
		{"Erasure", testErasure},
		{"Retention", testRetention},
		{"RetentionDryRunAndKeepAll", testRetentionDry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if err := s.Ping(t.Context()); err != nil {
				t.Fatalf("Ping() = %v; want nil", err)
			}
			tc.fn(t, s)
		})
	}
}

// wantErr fails the test unless errors.Is(err, want).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v; want %v", what, err, want)
	}
}

// must fails the test on a non-nil error.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// fixture holds a builder and the store, with helpers that create records.
type fixture struct {
	t   *testing.T
	s   housing.Store
	b   housingtest.Builder
	ctx context.Context
}

func newFixture(t *testing.T, s housing.Store) *fixture {
	return &fixture{t: t, s: s, ctx: t.Context()}
}

func (f *fixture) person(opts ...func(*housing.Person)) *housing.Person {
	f.t.Helper()
	p := f.b.Person(opts...)
	must(f.t, "CreatePerson", f.s.CreatePerson(f.ctx, p))
	return p
}

func (f *fixture) home(opts ...func(*housing.Home)) *housing.Home {
	f.t.Helper()
	h := f.b.Home(opts...)
	must(f.t, "CreateHome", f.s.CreateHome(f.ctx, h))
	return h
}

func (f *fixture) proposal(h *housing.Home, members ...*housing.Person) *housing.Proposal {
	f.t.Helper()
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	p := f.b.Proposal(h, ids)
	must(f.t, "CreateProposal", f.s.CreateProposal(f.ctx, p))
	return p
}
