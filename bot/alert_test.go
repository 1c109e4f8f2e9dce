package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// TestAlertDecliningFlat scans the declining flat night after night: a
// "watch" alert, then (after a conflict is reported) an "at risk" one,
// each with the reasons in plain words, case codes and the trend chart,
// reach the responsible social worker and nobody else; acknowledging
// them stops their escalation.
func TestAlertDecliningFlat(t *testing.T) {
	w := newAlertWorld(t)
	if rep := w.scan(awNight0()); rep.Alerts != 0 {
		t.Fatalf("Scan(night 0) raised %d alerts; want none yet", rep.Alerts)
	}
	w.scan(awNight1())
	got := w.sw.alerts()
	if len(got) != 1 {
		t.Fatalf("after night 1 the worker got %d alert messages; want 1", len(got))
	}
	watch := got[0]
	for _, want := range []string{"🟡 Da seguire", "PL-07", "Codici: BO-0811, BO-0812, BO-0813",
		"BO-0813: 3 check-in settimanali di fila senza risposta", "nessuna uscita da 10 settimane", "Punteggio 28"} {
		if !strings.Contains(alertBody(watch), want) {
			t.Errorf("watch alert = %q; want it to contain %q", alertBody(watch), want)
		}
	}
	if len(watch.Photo) == 0 {
		t.Errorf("watch alert has no trend chart")
	}
	checkNames(t, alertBody(watch))
	checkNoAlertsTo(t, w.sw2, w.med, w.farMed, w.admn)

	w.sw.pressAlert(watch, "✋ Presa in carico")
	w.sw.expect("Presa in carico: l'allerta")

	// Anna reports a conflict that can wait: it counts tonight.
	w.setClock(awNight2().Add(-30 * time.Hour))
	w.anna.say("/segnala")
	w.anna.expect("Cosa vuoi segnalare?")
	w.anna.press("Un litigio o un problema in casa")
	w.anna.expect("qualche parola")
	w.anna.press("Niente da aggiungere")
	w.anna.expect("È urgente")
	w.anna.press("Può aspettare")
	w.anna.expect("lo leggerà nei prossimi giorni")
	w.flush()
	if n := len(w.sw.alerts()); n != 1 {
		t.Fatalf("a conflict that can wait sent %d alert messages in all; want still 1", n)
	}

	w.scan(awNight2())
	got = w.sw.alerts()
	if len(got) != 2 {
		t.Fatalf("after night 2 the worker got %d alert messages; want 2", len(got))
	}
	atRisk := got[1]
	for _, want := range []string{"🟠 A rischio", "BO-0813: 4 check-in settimanali di fila senza risposta",
		"un conflitto segnalato negli ultimi 30 giorni", "nessuna uscita da 11 settimane", "Punteggio 70"} {
		if !strings.Contains(alertBody(atRisk), want) {
			t.Errorf("at-risk alert = %q; want it to contain %q", alertBody(atRisk), want)
		}
	}
	if len(atRisk.Photo) == 0 {
		t.Errorf("at-risk alert has no trend chart")
	}
	checkNames(t, alertBody(atRisk))
	w.sw.pressAlert(atRisk, "✋ Presa in carico")
	w.sw.expect("Presa in carico: l'allerta")

	if rep := w.escalate(awNight2().Add(10 * 24 * time.Hour)); rep.Steps != 0 {
		t.Errorf("Escalate after both were acknowledged took %d steps; want 0", rep.Steps)
	}
	checkNoAlertsTo(t, w.sw2, w.med, w.farMed, w.admn)
	if n := len(w.sw.alerts()); n != 2 {
		t.Errorf("the worker got %d alert messages in all; want 2", n)
	}
	w.checkResidentsUnaware(t)
}

// checkNames fails if an alert text names a resident.
func checkNames(t *testing.T, text string) {
	t.Helper()
	for _, name := range []string{"Anna", "Luca", "Marta"} {
		if strings.Contains(text, name) {
			t.Errorf("alert text names %s: %q", name, text)
		}
	}
}

// TestAlertEscalates leaves the watch alert unacknowledged: at 48 hours it
// goes to the district's mediator (not another district's), saying who
// had it; at 96 hours to the admin. The mediator acknowledges it, which
// stops it; the worker's later press is told who did and when. Details
// are audited; Resolved takes a note.
func TestAlertEscalates(t *testing.T) {
	w := newAlertWorld(t)
	w.scan(awNight1())
	if rep := w.escalate(awNight1().Add(48*time.Hour - time.Minute)); rep.Steps != 0 {
		t.Errorf("Escalate before 48 h took %d steps; want 0", rep.Steps)
	}
	checkNoAlertsTo(t, w.med, w.admn)
	if rep := w.escalate(awNight1().Add(48 * time.Hour)); rep.Steps != 1 {
		t.Errorf("Escalate at 48 h took %d steps; want 1", rep.Steps)
	}
	medMsgs := w.med.alerts()
	if len(medMsgs) != 1 {
		t.Fatalf("the mediator got %d alert messages; want 1", len(medMsgs))
	}
	for _, want := range []string{"⏫ Nessuno ha preso in carico questa allerta in 48 ore", "L'avevano ricevuta: BO-0801 Sara.",
		"BO-0813: 3 check-in settimanali"} {
		if !strings.Contains(alertBody(medMsgs[0]), want) {
			t.Errorf("escalation to the mediator = %q; want it to contain %q", alertBody(medMsgs[0]), want)
		}
	}
	checkNames(t, alertBody(medMsgs[0]))
	checkNoAlertsTo(t, w.farMed, w.admn, w.sw2)

	w.escalate(awNight1().Add(96 * time.Hour))
	admMsgs := w.admn.alerts()
	if len(admMsgs) != 1 || !strings.Contains(alertBody(admMsgs[0]), "in 96 ore. L'avevano ricevuta: BO-0801 Sara, BO-0803 Mirta.") {
		t.Fatalf("the admin got %d alert messages (%v); want one escalation naming who had it", len(admMsgs), admMsgs)
	}
	if n := len(w.med.alerts()); n != 1 {
		t.Errorf("the mediator got %d alert messages; want still 1", n)
	}

	w.setClock(awNight1().Add(100 * time.Hour))
	w.med.pressAlert(medMsgs[0], "✋ Presa in carico")
	w.med.expect("Presa in carico: l'allerta")
	w.setClock(awNight1().Add(101 * time.Hour))
	w.sw.pressAlert(w.sw.alerts()[0], "✋ Presa in carico")
	w.sw.expect("L'aveva già presa in carico BO-0803 Mirta il 30/11/2026 07:00")
	if rep := w.escalate(awNight1().Add(102 * time.Hour)); rep.Steps != 0 {
		t.Errorf("Escalate after the acknowledgement took %d steps; want 0", rep.Steps)
	}

	before := countAction(w.harness, warning.ActionRead)
	if ans := w.sw.pressAlert(w.sw.alerts()[0], "Dettagli"); ans != "" {
		t.Errorf("Details answered %q; want no answer", ans)
	}
	d := w.sw.expect("Storia:")
	for _, want := range []string{"Stato: presa in carico da BO-0803 Mirta", "BO-0811 Anna, BO-0812 Luca, BO-0813 Marta",
		"inviata ai mediatori del distretto", "inviata all'amministrazione", "Andamento: 26/11 28"} {
		if !strings.Contains(d.Text, want) {
			t.Errorf("details = %q; want them to contain %q", d.Text, want)
		}
	}
	if got := countAction(w.harness, warning.ActionRead) - before; got != 3 {
		t.Errorf("Details added %d %s audit entries; want 3 (one per resident)", got, warning.ActionRead)
	}

	w.sw.pressAlert(d, "Risolta (nota)")
	ask := w.sw.expect("Scrivi in breve")
	w.sw.pressAlert(ask, "Annulla")
	w.sw.expect("l'allerta resta com'era")
	w.sw.pressAlert(d, "Risolta (nota)")
	w.sw.expect("Scrivi in breve")
	w.sw.say("Sentite tutte e tre, colloquio con Marta giovedì")
	w.sw.expect("è risolta")
	as := w.storedAlerts()
	if len(as) != 1 || as[0].Status != housing.AlertResolved || as[0].Resolution != "Sentite tutte e tre, colloquio con Marta giovedì" {
		t.Errorf("stored alerts = %+v; want one resolved with the note", as)
	}
	if !w.hasAction(warning.ActionResolve) {
		t.Errorf("the resolution was not audited: %v", w.auditActions())
	}
	w.admn.pressAlert(admMsgs[0], "✋ Presa in carico")
	w.admn.expect("Questa allerta l'ha già risolta BO-0801 Sara il 30/11/2026 09:00")
	w.checkResidentsUnaware(t)
}

// countAction counts the audit entries with action.
func countAction(h *harness, action string) int {
	return len(slices.DeleteFunc(h.auditActions(), func(a string) bool { return a != action }))
}

// TestAlertExactlyOnce: the notifier called again for the same alert (a
// crash between sending and recording, a second replica), even after the
// bot forgot it had queued it, sends nothing more.
func TestAlertExactlyOnce(t *testing.T) {
	w := newAlertWorld(t)
	w.scan(awNight1())
	w.scan(awNight1()) // the same night again
	as := w.storedAlerts()
	if len(as) != 1 {
		t.Fatalf("stored alerts = %d; want 1", len(as))
	}
	a := as[0]
	sw := w.people[w.sw]
	ctx := context.Background()
	hist, err := w.store.RiskHistory(ctx, w.pl.ID, time.Time{})
	alertNoErr(t, "RiskHistory", err)
	alertNoErr(t, "AlertRaised", w.bot.AlertRaised(ctx, a, w.pl, []housing.Person{sw}, hist))
	key := alertQueuedKey(warning.AlertKey(a.ID, sw.ID))
	alertNoErr(t, "DeleteState", w.store.DeleteState(ctx, key)) // the bot forgot
	alertNoErr(t, "AlertRaised", w.bot.AlertRaised(ctx, a, w.pl, []housing.Person{sw}, hist))
	// A crash after the notification, before the service recorded it:
	// the next escalation run notifies again.
	alertNoErr(t, "DeleteState", w.store.DeleteState(ctx, "alert-notified:"+a.ID))
	if rep := w.escalate(awNight1().Add(time.Hour)); rep.Notified != 1 {
		t.Errorf("Escalate after a lost marker notified %d; want 1 (again)", rep.Notified)
	}
	w.flush()
	if n := len(w.sw.alerts()); n != 1 {
		t.Errorf("the worker got %d alert messages; want exactly 1", n)
	}
	photos := 0
	for _, c := range w.srv.Calls() {
		if c.Method == "sendPhoto" && c.ChatID == w.sw.u.ID {
			photos++
		}
	}
	if photos != 1 {
		t.Errorf("%d sendPhoto calls to the worker; want 1", photos)
	}
}
