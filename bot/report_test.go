package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
)

// TestReportTalkAlertsAtOnce: Anna asks through /segnala to talk to her
// worker, with a note, and it can wait: the worker gets an urgent alert at
// once (text, for there is no score history yet) and nobody else does;
// Anna is told calmly what happens next, and the note reaches only the
// worker's Details.
func TestReportTalkAlertsAtOnce(t *testing.T) {
	w := newAlertWorld(t)
	w.setClock(awNight1().Add(8 * 3600e9))
	w.anna.say("/segnala")
	w.anna.expect("non alle altre persone che ci vivono")
	w.anna.press("Vorrei parlare con chi mi segue")
	w.anna.expect("qualche parola")
	w.anna.say("Vorrei parlare della spesa in comune")
	w.anna.expect("È urgente")
	w.anna.press("Può aspettare")
	done := w.anna.expect("Ho avvisato subito il servizio")
	if strings.Contains(done.Text, "112") {
		t.Errorf("a report that can wait got the danger line: %q", done.Text)
	}
	w.flush()
	got := w.sw.alerts()
	if len(got) != 1 {
		t.Fatalf("the worker got %d alert messages; want 1", len(got))
	}
	for _, want := range []string{"🔴 Urgente", "BO-0811 chiede un colloquio con l'operatore di riferimento"} {
		if !strings.Contains(alertBody(got[0]), want) {
			t.Errorf("alert = %q; want it to contain %q", alertBody(got[0]), want)
		}
	}
	if strings.Contains(alertBody(got[0]), "spesa") || strings.Contains(alertBody(got[0]), "Punteggio") {
		t.Errorf("alert = %q; want neither the note (Details only) nor a score", alertBody(got[0]))
	}
	checkNames(t, alertBody(got[0]))
	checkNoAlertsTo(t, w.sw2, w.med, w.farMed, w.admn)

	w.sw.pressAlert(got[0], "Dettagli")
	d := w.sw.expect("Storia:")
	if !strings.Contains(d.Text, "BO-0811 · chiede un colloquio · «Vorrei parlare della spesa in comune» · aperta") {
		t.Errorf("details = %q; want the report with its note", d.Text)
	}
	evs, err := w.store.Events(context.Background(), housing.EventFilter{PlacementID: w.pl.ID})
	alertNoErr(t, "Events", err)
	if len(evs) != 1 || evs[0].Kind != housing.EventTalk || evs[0].PersonID != w.id(w.anna) || evs[0].Urgent {
		t.Errorf("events = %+v; want Anna's request to talk, not urgent", evs)
	}
	w.checkResidentsUnaware(t)
}

// TestReportUrgentConflict: Luca reports an urgent conflict in English;
// the worker is alerted at once and Luca is told about 112. Cancelling a
// report stores nothing.
func TestReportUrgentConflict(t *testing.T) {
	w := newAlertWorld(t)
	luca := w.user(w.luca.u.ID, "en")
	p := w.people[w.luca]
	p.Language = housing.LangEN
	alertNoErr(t, "UpdatePerson", w.store.UpdatePerson(context.Background(), &p))
	w.setClock(awNight1().Add(10 * 3600e9))

	luca.say("/segnala")
	luca.expect("What would you like to tell us?")
	luca.press("Never mind")
	luca.expect("I haven't noted anything")
	if evs, _ := w.store.Events(context.Background(), housing.EventFilter{}); len(evs) != 0 {
		t.Fatalf("a cancelled report stored %d events", len(evs))
	}

	luca.say("/segnala")
	luca.expect("What would you like to tell us?")
	luca.press("An argument or a problem at home")
	luca.press("Nothing to add")
	luca.press("It's urgent")
	done := luca.expect("told the service that follows your home right away")
	if !strings.Contains(done.Text, "call 112") {
		t.Errorf("urgent report answer = %q; want the 112 line", done.Text)
	}
	w.flush()
	got := w.sw.alerts()
	if len(got) != 1 || !strings.Contains(alertBody(got[0]), "un conflitto segnalato") {
		t.Fatalf("the worker got %d alert messages (%v); want one about the conflict", len(got), got)
	}
	for _, m := range w.srv.Sent(luca.u.ID) {
		if s := alertWordsRE.FindString(alertBody(m)); s != "" {
			t.Errorf("Luca got %q (matches %q)", alertBody(m), s)
		}
	}
}

// TestReportWithoutHomeAndByStaff: someone in no living placement is told
// so; a mediator reports for a placement of their district, with the
// staff's kinds and words.
func TestReportWithoutHomeAndByStaff(t *testing.T) {
	w := newAlertWorld(t)
	alone := w.person(820, housing.RoleBeneficiary, housing.DistrictBologna, "Olga")
	alone.say("/segnala")
	alone.expect("non risulti in una casa seguita dal servizio")

	w.farMed.say("/segnala")
	w.farMed.expect("nessuna convivenza in corso")

	w.med.say("/segnala")
	m := w.med.expect("Cosa vuoi segnalare?")
	var labels []string
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	if got := strings.Join(labels, "|"); got != "Un conflitto in casa|Affitto o spese non pagati|Lascia stare" {
		t.Errorf("a mediator's kinds = %q", got)
	}
	w.med.press("Affitto o spese non pagati")
	w.med.say("Due mesi di affitto non pagati")
	w.med.expect("È urgente")
	w.med.press("Può aspettare")
	w.med.expect("Conterà nel controllo di stanotte")
	evs, err := w.store.Events(context.Background(), housing.EventFilter{PlacementID: w.pl.ID})
	alertNoErr(t, "Events", err)
	if len(evs) != 1 || evs[0].Kind != housing.EventArrears || evs[0].Note != "Due mesi di affitto non pagati" {
		t.Errorf("events = %+v; want the mediator's arrears report with its note", evs)
	}
	w.flush()
	checkNoAlertsTo(t, w.sw, w.med)
}

// TestAlertCommands: /allerte lists the open alerts to those who may
// handle them and to nobody else; /allerta opens one by id or by the
// start of its id; residents may use neither.
func TestAlertCommands(t *testing.T) {
	w := newAlertWorld(t)
	w.scan(awNight1())
	a := w.storedAlerts()[0]
	for _, u := range []*tgUser{w.sw, w.med, w.admn} {
		u.say("/allerte")
		m := u.expect("Allerte aperte: 1")
		for _, want := range []string{"🟡 Da seguire · PL-07 (BO-0811, BO-0812, BO-0813)", "/allerta " + a.ID} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("/allerte of %d = %q; want it to contain %q", u.u.ID, m.Text, want)
			}
		}
		checkNames(t, m.Text)
	}
	for _, u := range []*tgUser{w.sw2, w.farMed} {
		u.say("/allerte")
		u.expect("Nessuna allerta aperta per te")
	}
	if !w.hasAction(auditAlertList) {
		t.Errorf("listing alerts was not audited: %v", w.auditActions())
	}

	w.sw.say("/allerta " + a.ID)
	w.sw.expect("Allerta " + a.ID)
	w.sw.say("/allerta " + a.ID[:8])
	w.sw.expect("Allerta " + a.ID)
	w.sw.say("/allerta al_nope")
	w.sw.expect("Non trovo un'allerta al_nope")
	w.sw.say("/allerta")
	w.sw.expect("Scrivi /allerta seguito dal codice")
	w.farMed.say("/allerta " + a.ID)
	w.farMed.expect("Non trovo un'allerta " + a.ID) // as for an id that does not exist
	w.sw2.say("/allerta " + a.ID[:8])
	w.sw2.expect("Non trovo")

	for _, u := range w.residents() {
		u.say("/allerte")
		u.expect("non si può fare da qui")
		u.say("/allerta " + a.ID)
		u.expect("non si può fare da qui")
	}
	w.checkResidentsUnaware(t)
}

// TestReportByHost: a host with two guests in two placements picks which
// by the guests' first names; the report concerns that placement.
func TestReportByHost(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	host := w.person(830, housing.RoleHost, housing.DistrictBologna, "Giovanna")
	olga := w.person(831, housing.RoleBeneficiary, housing.DistrictBologna, "Olga")
	pia := w.person(832, housing.RoleBeneficiary, housing.DistrictBologna, "Pia")
	var b housingtest.Builder
	home := b.Home(func(hm *housing.Home) {
		hm.ID, hm.Kind, hm.HostID = housing.NewID("h"), housing.KindIESA, w.id(host)
		hm.Rooms, hm.Capacity, hm.SingleRooms = 2, 2, 2
	})
	alertNoErr(t, "CreateHome", w.store.CreateHome(ctx, home))
	var pls []housing.Placement
	for _, guest := range []*tgUser{olga, pia} {
		prop := b.Proposal(home, []string{w.id(guest)}, func(p *housing.Proposal) { p.ID, p.Kind = housing.NewID("pr"), housing.KindIESA })
		alertNoErr(t, "CreateProposal", w.store.CreateProposal(ctx, prop))
		pl, err := w.store.ApproveProposal(ctx, prop.ID, w.id(w.med), w.clock.Now())
		alertNoErr(t, "ApproveProposal", err)
		for _, to := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementTrial} {
			alertNoErr(t, "Move", pl.Move(to, w.id(w.med), w.clock.Now(), ""))
			alertNoErr(t, "UpdatePlacement", w.store.UpdatePlacement(ctx, &pl))
		}
		pls = append(pls, pl)
	}
	host.say("/segnala")
	host.expect("Per quale casa")
	host.press("Con Pia")
	host.expect("Cosa vuoi segnalare?")
	host.press("Un problema con l'affitto o le spese")
	host.press("Niente da aggiungere")
	host.press("Può aspettare")
	host.expect("lo leggerà nei prossimi giorni")
	evs, err := w.store.Events(ctx, housing.EventFilter{PersonID: w.id(host)})
	alertNoErr(t, "Events", err)
	if len(evs) != 1 || evs[0].PlacementID != pls[1].ID || evs[0].Kind != housing.EventArrears {
		t.Errorf("events = %+v; want the host's arrears report on Pia's placement %s", evs, pls[1].ID)
	}
}
