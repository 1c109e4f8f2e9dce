package storetest

import (
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/google/go-cmp/cmp"
)

func testInvitations(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	inv, token := f.b.Invitation()
	must(t, "CreateInvitation", s.CreateInvitation(f.ctx, inv))
	got, err := s.InvitationByTokenHash(f.ctx, housing.HashToken(token))
	must(t, "InvitationByTokenHash", err)
	if diff := cmp.Diff(*inv, got); diff != "" {
		t.Errorf("InvitationByTokenHash mismatch (-want +got):\n%s", diff)
	}
	dup, _ := f.b.Invitation(func(i *housing.Invitation) { i.TokenHash = inv.TokenHash })
	wantErr(t, "CreateInvitation(same token)", s.CreateInvitation(f.ctx, dup), housing.ErrConflict)

	at := housingtest.Epoch().Add(time.Hour)
	red, err := s.RedeemInvitation(f.ctx, inv.TokenHash, 4242, at)
	must(t, "RedeemInvitation", err)
	if red.UsedBy != 4242 || !red.UsedAt.Equal(at) {
		t.Errorf("RedeemInvitation = used by %d at %v; want 4242 at %v", red.UsedBy, red.UsedAt, at)
	}
	again, err := s.RedeemInvitation(f.ctx, inv.TokenHash, 4242, at.Add(time.Minute))
	must(t, "RedeemInvitation(same user again)", err)
	if !again.UsedAt.Equal(at) {
		t.Errorf("repeated RedeemInvitation moved UsedAt to %v", again.UsedAt)
	}
	_, err = s.RedeemInvitation(f.ctx, inv.TokenHash, 5353, at)
	wantErr(t, "RedeemInvitation(other user)", err, housing.ErrConflict)

	old, _ := f.b.Invitation()
	must(t, "CreateInvitation", s.CreateInvitation(f.ctx, old))
	_, err = s.RedeemInvitation(f.ctx, old.TokenHash, 6464, old.ExpiresAt)
	wantErr(t, "RedeemInvitation(expired)", err, housing.ErrExpired)
	_, err = s.RedeemInvitation(f.ctx, housing.HashToken("forged"), 6464, at)
	wantErr(t, "RedeemInvitation(unknown)", err, housing.ErrNotFound)
	got, err = s.InvitationByTokenHash(f.ctx, old.TokenHash)
	must(t, "InvitationByTokenHash", err)
	if got.Used() {
		t.Errorf("expired invitation was marked used by %d", got.UsedBy)
	}
}

func testConsents(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	p := f.person()
	t0 := housingtest.Epoch()
	accepted := &housing.ConsentRecord{PersonID: p.ID, Decision: housing.ConsentAccepted, TextVersion: "2026-11", Language: housing.LangIT, At: t0}
	withdrawn := &housing.ConsentRecord{PersonID: p.ID, Decision: housing.ConsentWithdrawn, TextVersion: "2026-11", Language: housing.LangIT, At: t0.Add(48 * time.Hour)}
	must(t, "AddConsent", s.AddConsent(f.ctx, withdrawn))
	must(t, "AddConsent", s.AddConsent(f.ctx, accepted))
	got, err := s.Consents(f.ctx, p.ID)
	must(t, "Consents", err)
	if diff := cmp.Diff([]housing.ConsentRecord{*accepted, *withdrawn}, got); diff != "" {
		t.Errorf("Consents (oldest first) mismatch (-want +got):\n%s", diff)
	}
	orphan := *accepted
	orphan.ID, orphan.PersonID = "", "p-nobody"
	wantErr(t, "AddConsent(unknown person)", s.AddConsent(f.ctx, &orphan), housing.ErrNotFound)
	none, err := s.Consents(f.ctx, f.person().ID)
	must(t, "Consents", err)
	if len(none) != 0 {
		t.Errorf("Consents(new person) = %v; want none", none)
	}
}

func testAudit(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	t0 := housingtest.Epoch()
	for i, e := range []housing.AuditEntry{
		{Actor: "p-sw", ActorRole: housing.RoleSocialWorker, Action: "care.read", Record: "care/p-1", Subject: "p-1", Purpose: "review"},
		{Actor: "p-med", ActorRole: housing.RoleMediator, Action: "proposal.approve", Record: "proposal/pr-1"},
		{Actor: "p-sw", ActorRole: housing.RoleSocialWorker, Action: "profile.read", Record: "profile/p-1", Subject: "p-1"},
	} {
		e.At = t0.Add(time.Duration(i) * time.Minute)
		must(t, "AppendAudit", s.AppendAudit(f.ctx, &e))
		if e.Seq != int64(i+1) || e.Hash == "" {
			t.Errorf("AppendAudit #%d set Seq=%d Hash=%q; want Seq=%d and a hash", i, e.Seq, e.Hash, i+1)
		}
	}
	all, err := s.AuditLog(f.ctx, housing.AuditFilter{})
	must(t, "AuditLog", err)
	if bad, ok := housing.VerifyChain(all); !ok || len(all) != 3 {
		t.Errorf("VerifyChain(%d entries) broken at %d; want 3 entries, unbroken", len(all), bad)
	}
	mine, err := s.AuditLog(f.ctx, housing.AuditFilter{Subject: "p-1"})
	must(t, "AuditLog", err)
	if len(mine) != 2 || mine[0].Action != "care.read" || mine[1].Action != "profile.read" {
		t.Errorf("AuditLog(subject p-1) = %v; want care.read, profile.read", mine)
	}
	tampered := append([]housing.AuditEntry(nil), all...)
	tampered[1].Actor = "p-someone-else"
	if bad, ok := housing.VerifyChain(tampered); ok || bad != 2 {
		t.Errorf("VerifyChain(tampered) = %d, %v; want 2, false", bad, ok)
	}
	wantErr(t, "AppendAudit(no actor)", s.AppendAudit(f.ctx, &housing.AuditEntry{Action: "x", At: t0}), housing.ErrInvalid)
}

func testState(t *testing.T, s housing.Store) {
	ctx := t.Context()
	_, err := s.GetState(ctx, "conv:1")
	wantErr(t, "GetState(missing)", err, housing.ErrNotFound)
	must(t, "PutState", s.PutState(ctx, "conv:1", []byte("step=3"), 0))
	got, err := s.GetState(ctx, "conv:1")
	must(t, "GetState", err)
	if string(got) != "step=3" {
		t.Errorf("GetState = %q; want %q", got, "step=3")
	}
	taken, err := s.TakeState(ctx, "conv:1")
	must(t, "TakeState", err)
	if string(taken) != "step=3" {
		t.Errorf("TakeState = %q; want %q", taken, "step=3")
	}
	_, err = s.TakeState(ctx, "conv:1")
	wantErr(t, "TakeState(taken)", err, housing.ErrNotFound)

	ok, err := s.ClaimState(ctx, "slot:reminders:2026-10-25T08:00", []byte("a"), time.Hour)
	must(t, "ClaimState", err)
	again, err := s.ClaimState(ctx, "slot:reminders:2026-10-25T08:00", []byte("b"), time.Hour)
	must(t, "ClaimState", err)
	if !ok || again {
		t.Errorf("ClaimState twice = %v, %v; want true, false", ok, again)
	}
	must(t, "DeleteState", s.DeleteState(ctx, "slot:reminders:2026-10-25T08:00"))
	must(t, "DeleteState(missing)", s.DeleteState(ctx, "slot:reminders:2026-10-25T08:00"))
	_, err = s.GetState(ctx, "slot:reminders:2026-10-25T08:00")
	wantErr(t, "GetState(deleted)", err, housing.ErrNotFound)

	must(t, "PutState(ttl)", s.PutState(ctx, "action:short", []byte("x"), 50*time.Millisecond))
	time.Sleep(120 * time.Millisecond)
	_, err = s.GetState(ctx, "action:short")
	wantErr(t, "GetState(expired)", err, housing.ErrNotFound)
	ok, err = s.ClaimState(ctx, "action:short", []byte("y"), time.Minute)
	must(t, "ClaimState(expired key)", err)
	if !ok {
		t.Errorf("ClaimState over an expired key = false; want true")
	}
	wantErr(t, "PutState(bad key)", s.PutState(ctx, "has space", nil, 0), housing.ErrInvalid)
}
