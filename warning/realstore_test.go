package warning_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/redisstore"
	"github.com/convivo/convivo/warning"
)

// realStore opens a real store for an integration test or benchmark.
type realStore struct {
	name string
	open func(tb testing.TB) housing.Store
}

// realStores returns the embedded store, always, and Redis when
// CONVIVO_TEST_REDIS_URL is set; a configured Redis that does not answer
// fails the test.
func realStores() []realStore {
	out := []realStore{{"bolt", openBolt}}
	if url := os.Getenv("CONVIVO_TEST_REDIS_URL"); url != "" {
		out = append(out, realStore{"redis", func(tb testing.TB) housing.Store { return openRedis(tb, url) }})
	}
	return out
}

func openBolt(tb testing.TB) housing.Store {
	tb.Helper()
	s, err := boltstore.Open(filepath.Join(tb.TempDir(), "convivo.db"), boltstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// openRedis opens a store in a fresh namespace and deletes its keys when
// the test ends.
func openRedis(tb testing.TB, url string) housing.Store {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	ns := "warning-" + hex.EncodeToString(b[:])
	s, err := redisstore.Open(tb.Context(), url, redisstore.Options{Namespace: ns})
	if err != nil {
		tb.Fatalf("redisstore.Open = %v; want a store (the URL is set, so Redis must answer)", err)
	}
	tb.Cleanup(func() {
		defer s.Close()
		opt, err := redis.ParseURL(url)
		if err != nil {
			tb.Error(err)
			return
		}
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, "{"+ns+"}:*", 1000).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			tb.Errorf("deleting namespace %s: %v", ns, err)
		}
	})
	return s
}

// loadStore stores the household through the store's API, as the service
// would find it: people, care records, a home, an approved proposal whose
// placement went active at the start, then the records of house life. It
// returns the placement's id.
func loadStore(tb testing.TB, s housing.Store, h household, suffix string) string {
	tb.Helper()
	ctx := tb.Context()
	check := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	created := h.start.AddDate(0, 0, -21)
	home := housing.Home{ID: homeID + suffix, Kind: housing.KindFlat, Tenure: housing.TenureERP, District: housing.DistrictBologna,
		Address: "Via Test 1, Bologna", Rooms: 3, Capacity: 3, SingleRooms: 3, MonthlyCost: 250,
		Support: housing.IntensityLight, Available: true, CreatedAt: created, UpdatedAt: created}
	check(s.CreateHome(ctx, &home))
	pr := housing.Proposal{ID: "pr" + suffix, District: housing.DistrictBologna, Kind: housing.KindFlat, HomeID: home.ID,
		Members: residents(), Score: 700, Status: housing.ProposalPending, CreatedAt: created,
		Factors: []housing.Factor{{Key: "factor.tidiness", Contribution: 700}}}
	check(s.CreateProposal(ctx, &pr))
	pl, err := s.ApproveProposal(ctx, pr.ID, mediator, h.start.AddDate(0, 0, -14))
	check(err)
	check(pl.Move(housing.PlacementIntroduced, mediator, h.start.AddDate(0, 0, -7), ""))
	check(pl.Move(housing.PlacementActive, mediator, h.start, ""))
	pl.ExitGoal = "own ERP flat"
	check(s.UpdatePlacement(ctx, &pl))
	for _, c := range h.checkIns(pl.ID) {
		check(s.PutCheckIn(ctx, &c))
	}
	for _, a := range h.assignments(home.ID) {
		check(s.PutAssignment(ctx, &a))
	}
	for _, o := range h.outings(pl.ID) {
		check(s.PutOuting(ctx, &o))
	}
	return pl.ID
}

// loadPeople stores the household's people and care records, with ids
// ending in suffix for the residents.
func loadPeople(tb testing.TB, s housing.Store, h household) {
	tb.Helper()
	for _, p := range h.people() {
		if err := s.CreatePerson(tb.Context(), &p); err != nil {
			tb.Fatal(err)
		}
	}
	for _, c := range h.care() {
		if err := s.PutCareInfo(tb.Context(), &c); err != nil {
			tb.Fatal(err)
		}
	}
}

// gated is a store whose alert creations wait at a barrier, so that two
// replicas both decide to create an alert before either does.
type gated struct {
	housing.Store
	before func()
}

func (g gated) PutAlert(ctx context.Context, a *housing.Alert) error {
	if a.Version == 0 {
		g.before()
	}
	return g.Store.PutAlert(ctx, a)
}

// TestRealStore runs six weeks of nightly scans of the declining household
// on two replicas sharing a real store, then escalation, access and audit.
func TestRealStore(t *testing.T) {
	for _, rs := range realStores() {
		t.Run(rs.name, func(t *testing.T) {
			h := declining(t)
			s := rs.open(t)
			loadPeople(t, s, h)
			plID := loadStore(t, s, h, "")
			o := newOutbox()
			g := gated{s, barrier(2)}
			s1, s2 := newService(t, g, o, warning.Config{}), newService(t, g, o, warning.Config{})
			simulate(t, h, s, s1, s2)

			as, err := s.Alerts(t.Context(), housing.AlertFilter{PlacementID: plID})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantDeclining(h), summarize(as)); diff != "" {
				t.Errorf("alerts (-want +got):\n%s", diff)
			}
			checkMessages(t, o.messages(), as, worker)
			if hist, _ := s.RiskHistory(t.Context(), plID, time.Time{}); len(hist) != len(nights(h)) {
				t.Errorf("risk history has %d scores; want one a night, %d", len(hist), len(nights(h)))
			}
			realStoreHandling(t, h, s, s1, o, as)
		})
	}
}

// realStoreHandling escalates the first alert, lets the mediator read it
// and the worker acknowledge the last, and checks the audit chain.
func realStoreHandling(t *testing.T, h household, s housing.Store, svc *warning.Service, o *outbox, as []housing.Alert) {
	first, last := as[0], as[len(as)-1]
	before := len(o.messages())
	for _, after := range []time.Duration{48 * time.Hour, 96 * time.Hour} {
		if _, err := svc.Escalate(t.Context(), first.CreatedAt.Add(after)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Acknowledge(t.Context(), last.ID, who(t, h, worker), last.CreatedAt.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Escalate(t.Context(), last.CreatedAt.Add(200*time.Hour)); err != nil {
		t.Fatal(err)
	}
	var escalated []string
	for _, m := range o.messages()[before:] {
		escalated = append(escalated, m.AlertID+" "+m.Kind+" "+m.To.ID)
	}
	// The first alert escalates at 48 and 96 hours; the two that follow
	// it are escalated by the late run, both steps at once; the last,
	// acknowledged, never.
	var want []string
	for _, a := range as[:len(as)-1] {
		want = append(want, a.ID+" mediator "+mediator, a.ID+" admin "+admin)
	}
	slices.Sort(want)
	slices.Sort(escalated)
	if diff := cmp.Diff(want, escalated); diff != "" {
		t.Errorf("escalations (-want +got):\n%s", diff)
	}
	if _, err := svc.Details(t.Context(), last.ID, who(t, h, farMediator)); !errors.Is(err, housing.ErrForbidden) {
		t.Errorf("Details(%s) = %v; want ErrForbidden", farMediator, err)
	}
	d, err := svc.Details(t.Context(), last.ID, who(t, h, mediator))
	if err != nil || d.Alert.Status != housing.AlertAcknowledged || len(d.History) == 0 {
		t.Errorf("Details(%s) = %+v, %v; want the acknowledged alert with its history", mediator, d.Alert, err)
	}
	log, err := s.AuditLog(t.Context(), housing.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if seq, ok := housing.VerifyChain(log); !ok {
		t.Errorf("audit chain broken at %d", seq)
	}
	// The store keeps pseudonyms in the log; PseudonymOwner resolves them.
	owner := func(id string) string {
		if !housing.IsPseudonym(id) {
			return id
		}
		p, err := s.PseudonymOwner(t.Context(), id)
		if err != nil {
			t.Errorf("PseudonymOwner(%s) = %v", id, err)
		}
		return p
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+owner(e.Actor)+" "+owner(e.Subject))
	}
	wantActions := []string{}
	for _, x := range []string{warning.ActionAck + " " + worker, warning.ActionRead + " " + mediator} {
		for _, r := range residents() {
			wantActions = append(wantActions, x+" "+r)
		}
	}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("audit log (-want +got):\n%s", diff)
	}
}
