package bot

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// Staff see only their district (mediators) or their cases (social
// workers); admins see every district, and what they read is audited.

// asks has u send each command and returns the replies, one per command.
func asks(u *tgUser, commands ...string) []string {
	u.h.t.Helper()
	var out []string
	for _, cmd := range commands {
		u.say(cmd)
		out = append(out, u.expect("").Text)
	}
	return out
}

// checkUnseen fails if any reply holds one of secrets.
func checkUnseen(t *testing.T, who string, replies []string, secrets ...string) {
	t.Helper()
	for _, r := range replies {
		for _, s := range secrets {
			if strings.Contains(r, s) {
				t.Errorf("%s was told %q: %q", who, s, r)
			}
		}
	}
}

// auditedBy returns the audit actions whose actor is person id.
func auditedBy(t *testing.T, h *harness, id string) []string {
	t.Helper()
	log, err := h.store.AuditLog(context.Background(), housing.AuditFilter{Actor: id})
	noErr(t, "AuditLog", err)
	var out []string
	for _, e := range log {
		out = append(out, e.Action)
	}
	return out
}

// TestAlertsAndHouseholdsStayInTheirDistrict: the Bologna flat PL-07 has an
// alert. A mediator of Savena Idice and a Bologna social worker who
// follows none of its residents learn nothing of it from any staff
// command; the Bologna mediator and the admin see it, and the admin's
// reads are audited.
func TestAlertsAndHouseholdsStayInTheirDistrict(t *testing.T) {
	w := newAlertWorld(t)
	w.scan(awNight1())
	as, err := w.store.Alerts(context.Background(), housing.AlertFilter{})
	noErr(t, "Alerts", err)
	if len(as) != 1 {
		t.Fatalf("the scan raised %d alerts; want 1", len(as))
	}
	id := as[0].ID
	secrets := []string{id, "PL-07", "BO-H07", "BO-081", "Anna", "Luca", "Marta", "Via Test"}

	far := asks(w.farMed, "/allerte", "/turni", "/convivenze", "/proposte")
	checkUnseen(t, "the Savena mediator", far, secrets...)
	unknown := w.bot.tr.T(housing.LangIT, "alert.unknown", map[string]any{"ID": id})
	for _, u := range []*tgUser{w.farMed, w.sw2} {
		u.say("/allerta " + id)
		if got := u.expect("").Text; got != unknown {
			t.Errorf("/allerta %s by staff %d = %q; want %q, as for an id that does not exist", id, u.u.ID, got, unknown)
		}
	}
	for _, q := range []string{"PL-07", "BO-H07", "BO-0811", w.pl.ID} {
		w.farMed.say("/convivenza " + q)
		if got, want := w.farMed.expect("").Text, w.bot.tr.T(housing.LangIT, "review.pl.unknown", map[string]any{"Query": q}); got != want {
			t.Errorf("/convivenza %s by the Savena mediator = %q; want %q", q, got, want)
		}
	}
	other := asks(w.sw2, "/allerte")
	checkUnseen(t, "a social worker following none of the flat", other, secrets...)
	for _, u := range []*tgUser{w.farMed, w.sw2} {
		if got := auditedBy(t, w.harness, w.id(u)); len(got) != 0 {
			t.Errorf("staff %d who saw nothing has audited reads %v", u.u.ID, got)
		}
	}

	near := asks(w.med, "/allerte", "/convivenze", "/convivenza PL-07")
	for i, want := range []string{"PL-07", "PL-07", "BO-0811"} {
		if !strings.Contains(near[i], want) {
			t.Errorf("the Bologna mediator's reply %d = %q; want %q in it", i, near[i], want)
		}
	}

	admin := asks(w.admn, "/allerte", "/allerta "+id)
	if !strings.Contains(admin[0], "PL-07") || !strings.Contains(admin[1], "BO-0811") {
		t.Errorf("the admin's /allerte, /allerta = %q; want the Bologna alert and its residents", admin)
	}
	got := auditedBy(t, w.harness, w.id(w.admn))
	for _, want := range []string{auditAlertList, warning.ActionRead} {
		if !slices.Contains(got, want) {
			t.Errorf("the admin's reads were audited as %v; want %s", got, want)
		}
	}
}

// TestProposalsAndRoundsStayInTheirDistrict: a Savena Idice mediator sees
// none of Bologna's proposals or placements, and their /abbina proposes
// no one from Bologna.
func TestProposalsAndRoundsStayInTheirDistrict(t *testing.T) {
	w := newWorld(t)
	w.round()
	secrets := []string{"BO-05", "BO-H1", "Marco", "Luca", "Via Segreta"}
	before := len(w.placements())
	pending := asks(w.medX, "/proposte", "/abbina")
	checkUnseen(t, "the Savena mediator", pending, secrets...)
	props, err := w.store.ListProposals(context.Background(), housing.ProposalFilter{})
	noErr(t, "ListProposals", err)
	for _, p := range props {
		if p.District != housing.DistrictBologna {
			t.Errorf("/abbina in Savena Idice made proposal %+v", p)
		}
	}

	if _, got := w.medA.pressOn("✅ Approva"); !strings.Contains(got, "Approvata") {
		t.Fatalf("approve answered %q", got)
	}
	w.flush()
	pls := w.placements()
	if len(pls) != before+1 {
		t.Fatalf("%d placements after the approval; want %d", len(pls), before+1)
	}
	placed := asks(w.medX, "/convivenze", "/proposte")
	checkUnseen(t, "the Savena mediator", placed, secrets...)
	for _, q := range []string{pls[0].ID, "BO-H1", "BO-0511"} {
		w.medX.say("/convivenza " + q)
		if got, want := w.medX.expect("").Text, w.bot.tr.T(housing.LangIT, "review.pl.unknown", map[string]any{"Query": q}); got != want {
			t.Errorf("/convivenza %s by the Savena mediator = %q; want %q", q, got, want)
		}
	}
	if n := len(w.srv.Sent(w.medX.u.ID)); n != 7 {
		t.Errorf("the Savena mediator got %d messages; want only the 7 replies", n)
	}
	w.medB.say("/convivenza BO-0511")
	w.medB.expect("BO-0511 Marco")
}
