package storetest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

func testAuditPseudonyms(t *testing.T, s housing.Store) {
	f := newFixture(t, s)
	p, staff := f.person(), f.person(func(p *housing.Person) { p.Role = housing.RoleSocialWorker })
	e := housing.AuditEntry{At: housingtest.Epoch(), Actor: staff.ID, ActorRole: staff.Role, Action: "care.read",
		Record: "care/" + p.ID, Subject: p.ID, Purpose: "review"}
	must(t, "AppendAudit", s.AppendAudit(f.ctx, &e))
	ps := e.Subject
	if !housing.IsPseudonym(ps) || !housing.IsPseudonym(e.Actor) || e.Actor == ps || e.Record != "care/"+ps {
		t.Fatalf("AppendAudit stored subject %q, actor %q, record %q; want the pseudonyms of %s and %s", e.Subject, e.Actor, e.Record, p.ID, staff.ID)
	}
	again := housing.AuditEntry{At: housingtest.Epoch(), Actor: p.ID, Action: "profile.read", Record: "profile/" + p.ID, Subject: p.ID}
	must(t, "AppendAudit", s.AppendAudit(f.ctx, &again))
	if again.Subject != ps || again.Actor != ps {
		t.Errorf("second entry about %s: subject %q actor %q; want the same pseudonym %s", p.ID, again.Subject, again.Actor, ps)
	}
	byID, err := s.AuditLog(f.ctx, housing.AuditFilter{Subject: p.ID})
	must(t, "AuditLog(person id)", err)
	byPs, err := s.AuditLog(f.ctx, housing.AuditFilter{Subject: ps})
	must(t, "AuditLog(pseudonym)", err)
	if len(byID) != 2 || len(byPs) != 2 {
		t.Errorf("AuditLog(subject) by id = %d, by pseudonym = %d entries; want 2 and 2", len(byID), len(byPs))
	}
	byActor, err := s.AuditLog(f.ctx, housing.AuditFilter{Actor: staff.ID})
	if err != nil || len(byActor) != 1 {
		t.Errorf("AuditLog(actor %s) = %d, %v; want 1", staff.ID, len(byActor), err)
	}
	for id, want := range map[string]string{ps: p.ID, e.Actor: staff.ID} {
		if got, err := s.PseudonymOwner(f.ctx, id); err != nil || got != want {
			t.Errorf("PseudonymOwner(%s) = %q, %v; want %s", id, got, err, want)
		}
	}
	_, err = s.PseudonymOwner(f.ctx, housing.NewPseudonym())
	wantErr(t, "PseudonymOwner(unknown)", err, housing.ErrNotFound)

	anchor, all, err := s.AuditChain(f.ctx)
	must(t, "AuditChain", err)
	if bad, ok := housing.VerifyChainFrom(all, anchor); !ok || len(all) != 2 || anchor != (housing.AuditAnchor{}) {
		t.Errorf("AuditChain() = %+v, %d entries, broken at %d; want the zero anchor and 2 entries, unbroken", anchor, len(all), bad)
	}
	if b, _ := json.Marshal(all); strings.Contains(string(b), p.ID) || strings.Contains(string(b), staff.ID) {
		t.Errorf("stored audit entries name the people: %s", b)
	}
}
