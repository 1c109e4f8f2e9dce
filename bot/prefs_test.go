package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

func TestPrefsMenu(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(901, "Anna", "Luca")
	anna, luca := f.users[0], f.users[1]
	annaID := f.people[0].ID
	h.at(2026, time.December, 7, 10, 0) // a Monday

	anna.say("/promemoria")
	if m := anna.expect("Ecco come ti scrivo"); !strings.Contains(m.Text, "alle 9:00") || !strings.Contains(m.Text, "domenica alle 18:00") {
		t.Errorf("defaults shown as %q", m.Text)
	}
	anna.press("⏰ Ora dei promemoria")
	anna.expect("A che ora")
	anna.press("18:00")
	anna.expect("Promemoria dei turni: alle 18:00")
	anna.press("💬 Giorno e ora della domanda")
	anna.expect("In che giorno")
	anna.press("mercoledì")
	anna.expect("A che ora?")
	anna.press("10:00")
	anna.expect("mercoledì alle 10:00")
	anna.press("🔔 Quali messaggi ricevere")
	anna.expect("Quali messaggi vuoi ricevere")
	anna.press("Uscite")
	anna.press("Uscite") // on again
	anna.press("Domanda della settimana")
	if m := anna.keyboardMessage(); !strings.Contains(m.ReplyMarkup.InlineKeyboard[0][0].Text, "✓") ||
		strings.Contains(m.ReplyMarkup.InlineKeyboard[2][0].Text, "✓") {
		t.Errorf("toggles show %+v", m.ReplyMarkup.InlineKeyboard)
	}
	anna.press("Fatto")
	anna.expect("Domanda della settimana ✗")

	pr, err := h.bot.prefs(context.Background(), annaID)
	noErr(t, "prefs", err)
	want := housing.Prefs{PersonID: annaID, ReminderHour: 18, CheckInDay: time.Wednesday, CheckInHour: 10,
		Off: []housing.ReminderKind{housing.RemindCheckIn}}
	if diff := cmp.Diff(want, pr, cmpIgnoreUpdated()); diff != "" {
		t.Errorf("stored preferences (-want +got):\n%s", diff)
	}

	// The check-in goes to Luca on Sunday, to Anna never; her chores come
	// at 18:00.
	h.run("CheckInJob", h.bot.CheckInJob, h.at(2026, time.December, 9, 10, 0))
	h.run("CheckInJob", h.bot.CheckInJob, h.at(2026, time.December, 13, 18, 0))
	h.deliver()
	if len(anna.texts("vita insieme")) != 0 || len(luca.texts("vita insieme")) != 1 {
		t.Errorf("check-ins: Anna %d, Luca %d; want 0 and 1", len(anna.texts("vita insieme")), len(luca.texts("vita insieme")))
	}
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.December, 14, 9, 0))
	h.deliver()
	if n := len(anna.texts(reminderText)); n != 0 {
		t.Errorf("Anna got %d reminders at 9:00; she chose 18:00", n)
	}
	h.run("ChoreRemindersJob", h.bot.ChoreRemindersJob, h.at(2026, time.December, 14, 18, 0))
	h.deliver()
	if n := len(anna.texts(reminderText)); n == 0 {
		t.Errorf("Anna got no reminder at 18:00")
	}
}

func TestAwayAndBack(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(931, "Anna", "Luca")
	anna, annaID := f.users[0], f.people[0].ID
	h.at(2026, time.December, 14, 10, 0)
	anna.say("/promemoria")
	anna.expect("Ecco come ti scrivo")
	anna.press("🧳 Sono via per un po'")
	anna.press("3 giorni")
	anna.expect("Fino a gio 17/12")
	anna.say("/promemoria")
	anna.expect("Sei via")
	anna.press("🏠 Sono tornato/a")
	anna.expect("Bentornato/a!")
	if pr, _ := h.bot.prefs(context.Background(), annaID); pr.Away(h.clock.Now()) || !pr.Resume {
		t.Errorf("after coming back: away %v, resume %v; want not away, resume at the next rota", pr.Away(h.clock.Now()), pr.Resume)
	}
}

// cmpIgnoreUpdated compares preferences without their update time.
func cmpIgnoreUpdated() cmp.Option {
	return cmp.Transformer("noUpdated", func(p housing.Prefs) housing.Prefs {
		p.UpdatedAt = time.Time{}
		return p
	})
}

func TestRotaEditing(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(911, "Anna", "Luca")
	anna := f.users[0]
	h.run("RotaJob", h.bot.RotaJob, h.at(2026, time.November, 30, 6, 0))
	h.at(2026, time.December, 1, 10, 0)

	anna.say("/turni")
	anna.expect("I turni di questa settimana")
	anna.press("✏️ Cambia i compiti")
	anna.expect("Questi sono i compiti della casa")
	anna.press("Spazzatura e differenziata · lun, gio")
	anna.expect("Cosa vuoi cambiare")
	anna.press("Ogni quanto")
	anna.press("In certi giorni della settimana")
	anna.expect("In quali giorni")
	anna.press("gio") // off
	anna.press("mar") // on
	anna.press("Salva")
	anna.expect("Spazzatura e differenziata, lun, mar")

	anna.say("/turni")
	anna.expect("I turni di questa settimana")
	anna.press("✏️ Cambia i compiti")
	anna.press("➕ Aggiungi un compito")
	anna.expect("Come si chiama il nuovo compito")
	anna.say("Lavatrice")
	anna.expect("Lavatrice: ogni settimana, impegno 2")
	anna.press("Impegno")
	anna.press("4")
	anna.expect("Lavatrice, ogni settimana, impegno 4")

	anna.say("/turni")
	anna.expect("I turni di questa settimana")
	anna.press("✏️ Cambia i compiti")
	anna.press("Piante · ogni 4 giorni")
	anna.press("Togli")
	anna.press("Sì, toglilo")
	anna.expect("Ho tolto Piante")

	tasks, err := h.store.Tasks(context.Background(), f.home.ID)
	noErr(t, "Tasks", err)
	got := map[string]string{}
	for i := range tasks {
		got[h.bot.taskName(housing.LangIT, &tasks[i])] = h.bot.frequency(housing.LangIT, &tasks[i]) + " " + string(rune('0'+tasks[i].Effort))
	}
	want := map[string]string{"Cucina": "ogni 2 giorni 2", "Bagno": "ogni 3 giorni 3", "Spazi comuni": "ogni settimana 3",
		"Spazzatura e differenziata": "lun, mar 1", "Spesa": "ogni settimana 2", "Lavatrice": "ogni settimana 4"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tasks after editing (-want +got):\n%s", diff)
	}
	for _, a := range []string{"life.task-update", "life.task-create", "life.task-delete"} {
		if !h.hasAction(a) {
			t.Errorf("no audit entry %s", a)
		}
	}
}

// TestMediatorSeesRota: a mediator of the district sees a home's rota by
// case codes, and the look is audited; a mediator elsewhere does not see
// it.
func TestMediatorSeesRota(t *testing.T) {
	h := newLifeHarness(t)
	h.flat(911, "Anna", "Luca")
	h.at(2026, time.December, 1, 10, 0)
	h.addPerson(920, housing.RoleMediator)
	med := h.user(920, "it")
	med.say("/turni")
	med.expect("Di quale casa")
	med.press("BO-H911")
	if m := med.expect("I turni di questa settimana"); !strings.Contains(m.Text, "BO-0911 Anna") {
		t.Errorf("mediator's view = %q; want case codes before names", m.Text)
	}
	if !h.hasAction("life.rota-read") {
		t.Errorf("the mediator's look was not audited")
	}
	h.addPerson(921, housing.RoleMediator, func(p *housing.Person) { p.District = housing.DistrictPianuraEst })
	other := h.user(921, "it")
	other.say("/turni")
	other.expect("per ora non c'è nessuna casa")
}
