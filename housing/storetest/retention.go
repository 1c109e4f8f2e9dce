package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// retentionNow is the "now" of the retention tests: seven years after
// the fixture's records began.
func retentionNow() time.Time { return housingtest.Epoch().AddDate(7, 0, 0) }

// fillAged writes records of every age the default policy tells apart
// and returns what ApplyRetention should delete and redact.
func fillAged(t *testing.T, s housing.Store) (deleted, redacted housing.Tally) {
	t.Helper()
	f := newFixture(t, s)
	ctx, now := f.ctx, retentionNow()
	ago := func(y, m, d int) time.Time { return now.AddDate(-y, -m, -d) }
	a, b := f.person(), f.person()
	pl, err := s.ApproveProposal(ctx, f.proposal(f.home(), a, b).ID, "p-med", housingtest.Epoch()) // decided 7 years ago
	must(t, "ApproveProposal", err)
	pl.Status, pl.Outcome, pl.UpdatedAt = housing.PlacementEnded, housing.OutcomeAutonomous, ago(6, 0, 0)
	must(t, "UpdatePlacement", s.UpdatePlacement(ctx, &pl))
	rejected := f.proposal(f.home(), a)
	_, err = s.RejectProposal(ctx, rejected.ID, "p-med", "no", ago(6, 0, 0))
	must(t, "RejectProposal", err)
	f.proposal(f.home(), b) // pending: kept

	for _, c := range []housing.CheckIn{
		{PersonID: a.ID, PlacementID: "pl1", Week: "2025-W01", Mood: 3, Note: "old", Answered: true, At: ago(0, 25, 0)}, // deleted
		{PersonID: a.ID, PlacementID: "pl1", Week: "2026-W01", Mood: 3, Note: "notes go", Answered: true, At: ago(0, 7, 0)},
		{PersonID: a.ID, PlacementID: "pl1", Week: "2026-W40", Mood: 3, Note: "recent", Answered: true, At: ago(0, 1, 0)},
	} {
		must(t, "PutCheckIn", s.PutCheckIn(ctx, &c))
	}
	for _, e := range []housing.Event{
		{PlacementID: "pl1", PersonID: a.ID, Kind: housing.EventConflict, At: ago(3, 0, 0), ResolvedBy: "w", ResolvedAt: ago(0, 25, 0)},
		{PlacementID: "pl1", PersonID: a.ID, Kind: housing.EventConflict, Note: "n", At: ago(3, 0, 0), ResolvedBy: "w", ResolvedAt: ago(0, 13, 0)},
		{PlacementID: "pl1", PersonID: a.ID, Kind: housing.EventConflict, Note: "open", At: ago(3, 0, 0)},
	} {
		must(t, "PutEvent", s.PutEvent(ctx, &e))
	}
	for i, resolved := range []time.Time{ago(0, 25, 0), {}} {
		al := housing.Alert{PlacementID: "pl1", Level: housing.AlertWatch, Reasons: []housing.Reason{{Key: "k"}},
			CreatedAt: ago(3, 0, 0), Status: housing.AlertOpen, DedupKey: string(rune('a' + i))}
		if !resolved.IsZero() {
			al.Status, al.ResolvedBy, al.ResolvedAt = housing.AlertResolved, "w", resolved
		}
		must(t, "PutAlert", s.PutAlert(ctx, &al))
	}
	for _, at := range []time.Time{ago(0, 13, 0), ago(0, 1, 0)} {
		must(t, "AppendRisk", s.AppendRisk(ctx, housing.Risk{PlacementID: "pl1", At: at, Score: 5}))
	}
	fresh, _ := f.b.Invitation(func(i *housing.Invitation) { i.CreatedAt, i.ExpiresAt = ago(0, 0, 1), now.Add(time.Hour) })
	old, _ := f.b.Invitation() // expired seven years ago
	must(t, "CreateInvitation", s.CreateInvitation(ctx, fresh))
	must(t, "CreateInvitation", s.CreateInvitation(ctx, old))
	for _, d := range []housing.ConsentDecision{housing.ConsentAccepted, housing.ConsentDeclined} {
		must(t, "AddConsent", s.AddConsent(ctx, &housing.ConsentRecord{PersonID: a.ID, Decision: d, TextVersion: "v", Language: housing.LangIT, At: ago(0, 0, 1)}))
	}
	for i, doneAt := range []time.Time{ago(0, 0, 31), ago(0, 0, 1)} {
		key := []string{"old", "new"}[i]
		must(t, "Enqueue", s.Enqueue(ctx, housing.OutboxMessage{Key: key, ChatID: 1, Kind: "x", Text: "x"}))
		must(t, "MarkSent", s.MarkSent(ctx, key, doneAt))
	}
	must(t, "Enqueue", s.Enqueue(ctx, housing.OutboxMessage{Key: "pending", ChatID: 1, Kind: "x", Text: "x"}))
	for _, at := range []time.Time{ago(0, 26, 0), ago(0, 25, 0), ago(0, 25, 0), ago(0, 1, 0), ago(0, 0, 1)} {
		must(t, "AppendAudit", s.AppendAudit(ctx, &housing.AuditEntry{At: at, Actor: "cli", Action: "care.read", Subject: a.ID}))
	}
	deleted = housing.Tally{"checkin": 1, "event": 1, "alert": 1, "risk": 1, "placement": 1, "proposal": 2,
		"invitation": 1, "consent": 1, "outbox": 1, "audit": 3}
	return deleted, housing.Tally{"checkin": 1, "event": 1}
}

func testRetention(t *testing.T, s housing.Store) {
	ctx, now := t.Context(), retentionNow()
	wantDeleted, wantRedacted := fillAged(t, s)
	policy := housing.DefaultRetentionPolicy()
	rep, err := s.ApplyRetention(ctx, policy, now, false)
	must(t, "ApplyRetention", err)
	if diff := cmp.Diff(wantDeleted, rep.Deleted); diff != "" {
		t.Errorf("ApplyRetention deleted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRedacted, rep.Redacted); diff != "" {
		t.Errorf("ApplyRetention redacted (-want +got):\n%s", diff)
	}
	cs, err := s.CheckIns(ctx, housing.CheckInFilter{})
	must(t, "CheckIns", err)
	if len(cs) != 2 || cs[0].Note != "" || cs[0].Version != 2 || cs[1].Note != "recent" {
		t.Errorf("check-ins after retention = %+v; want two, the older with its note blanked at version 2", cs)
	}
	evs, err := s.Events(ctx, housing.EventFilter{})
	must(t, "Events", err)
	if len(evs) != 2 {
		t.Errorf("events after retention = %d; want 2 (one redacted, one open)", len(evs))
	}
	hist, err := s.RiskHistory(ctx, "pl1", time.Time{})
	if err != nil || len(hist) != 1 {
		t.Errorf("RiskHistory after retention = %d, %v; want 1", len(hist), err)
	}
	if n, err := s.OutboxDepth(ctx); err != nil || n != 1 {
		t.Errorf("OutboxDepth after retention = %d, %v; want the pending message kept", n, err)
	}
	anchor, log, err := s.AuditChain(ctx)
	must(t, "AuditChain", err)
	if bad, ok := housing.VerifyChainFrom(log, anchor); !ok || anchor.Seq != 3 || len(log) != 3 || log[2].Action != "audit.prune" {
		t.Errorf("audit after retention: anchor %+v, %d entries, broken at %d; want anchor at 3 and 2 entries plus audit.prune", anchor, len(log), bad)
	}
	if bad, ok := housing.VerifyChain(log); ok {
		t.Errorf("VerifyChain(pruned log) without its anchor = ok; want broken at %d", bad)
	}
	must(t, "AppendAudit", s.AppendAudit(ctx, &housing.AuditEntry{At: now, Actor: "cli", Action: "x"}))
	anchor, log, err = s.AuditChain(ctx)
	must(t, "AuditChain", err)
	if bad, ok := housing.VerifyChainFrom(log, anchor); !ok {
		t.Errorf("audit after an append to the pruned log broken at %d", bad)
	}
	again, err := s.ApplyRetention(ctx, policy, now, false)
	must(t, "ApplyRetention(again)", err)
	if again.Deleted.Total()+again.Redacted.Total() != 0 {
		t.Errorf("ApplyRetention(again) = %+v; want nothing left to do", again)
	}
}

func testRetentionDry(t *testing.T, s housing.Store) {
	ctx, now := t.Context(), retentionNow()
	wantDeleted, wantRedacted := fillAged(t, s)
	dry, err := s.ApplyRetention(ctx, housing.DefaultRetentionPolicy(), now, true)
	must(t, "ApplyRetention(dry run)", err)
	if diff := cmp.Diff(wantDeleted, dry.Deleted); diff != "" || !dry.DryRun {
		t.Errorf("ApplyRetention(dry run) deleted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRedacted, dry.Redacted); diff != "" {
		t.Errorf("ApplyRetention(dry run) redacted (-want +got):\n%s", diff)
	}
	cs, err := s.CheckIns(ctx, housing.CheckInFilter{})
	must(t, "CheckIns", err)
	_, log, err := s.AuditChain(ctx)
	must(t, "AuditChain", err)
	if len(cs) != 3 || cs[1].Note == "" || len(log) != 5 {
		t.Errorf("after a dry run: %d check-ins (note %q), %d audit entries; want everything as it was (3, a note, 5)", len(cs), cs[1].Note, len(log))
	}
	none, err := s.ApplyRetention(ctx, housing.RetentionPolicy{}, now, false)
	must(t, "ApplyRetention(keep everything)", err)
	if none.Deleted.Total()+none.Redacted.Total() != 0 {
		t.Errorf("ApplyRetention(zero policy) = %+v; want nothing done", none)
	}
	_, err = s.ApplyRetention(ctx, housing.RetentionPolicy{Audit: housing.Period{Months: 6, Set: true}}, now, true)
	wantErr(t, "ApplyRetention(audit 6 months)", err, housing.ErrInvalid)
}
