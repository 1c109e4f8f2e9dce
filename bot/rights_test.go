package bot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/subject"
)

// documents returns the files the bot sent to chat, in order.
func (h *harness) documents(chat int64) []telegramtest.File {
	var out []telegramtest.File
	for _, c := range h.srv.Calls() {
		if c.Method == "sendDocument" && c.ChatID == chat && c.Status == 200 {
			out = append(out, c.Files...)
		}
	}
	return out
}

// followedBy gives p a care record with worker as responsible and a note
// of the care team.
func (h *harness) followedBy(p, worker housing.Person) {
	h.t.Helper()
	ci := &housing.CareInfo{PersonID: p.ID, TargetGroup: housing.GroupCSM, SupportIntensity: housing.IntensityLight,
		ResponsibleWorkers: []string{worker.ID}, Notes: "nota riservata del servizio"}
	noErr(h.t, "PutCareInfo", h.store.PutCareInfo(context.Background(), ci))
}

func TestMyDataInChat(t *testing.T) {
	h := newLifeHarness(t)
	f := h.flat(721, "Anna", "Luca", "Sara")
	anna, annaP := f.users[0], f.people[0]
	worker := h.addPerson(731, housing.RoleSocialWorker, func(p *housing.Person) { p.DisplayName = "Paola" })
	h.followedBy(annaP, worker)
	ctx := context.Background()
	var b housingtest.Builder
	noErr(t, "PutProfile", h.store.PutProfile(ctx, b.Profile(annaP.ID)))
	noErr(t, "AddConsent", h.store.AddConsent(ctx, &housing.ConsentRecord{PersonID: annaP.ID, Decision: housing.ConsentAccepted,
		TextVersion: ConsentTextVersion, Language: housing.LangIT, At: h.clock.Now()}))
	h.bot.audit(ctx, housing.AuditEntry{Actor: worker.ID, ActorRole: worker.Role, Action: "care.read",
		Record: "care/" + annaP.ID, Subject: annaP.ID, Purpose: "follow-up"})

	anna.say("/imieidati")
	summary := anna.expect("Ecco una copia dei tuoi dati")
	files := h.documents(anna.u.ID)
	if len(files) != 1 || !strings.HasSuffix(files[0].Name, ".json") {
		t.Fatalf("/imieidati sent files %v; want one JSON file", files)
	}
	var doc subject.Export
	if err := json.Unmarshal(files[0].Data, &doc); err != nil {
		t.Fatalf("the file is not an export: %v", err)
	}
	if doc.Person.ID != annaP.ID || doc.Profile == nil || doc.Care != nil || len(doc.Consents) != 1 || len(doc.Placements) != 1 {
		t.Errorf("export = %+v; want Anna's person, profile, consent and placement, no care fields", doc)
	}
	for _, text := range []string{string(files[0].Data), summary.Text} {
		for _, leak := range []string{f.people[1].ID, f.people[2].ID, "Luca", "Sara", worker.ID, "Paola", "nota riservata"} {
			if strings.Contains(text, leak) {
				t.Errorf("Anna's copy or summary holds %q:\n%s", leak, text)
			}
		}
	}
	for _, want := range []string{"Tu: Anna", "sono tutte nel file", "hai accettato", "Convivenze: 1, una in corso", "1 volta, da: Assistente sociale (Bologna)", "/cancella"} {
		if !strings.Contains(summary.Text, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.Text)
		}
	}
	if !h.hasAction(auditExportSelf) {
		t.Errorf("the export was not audited: %v", h.auditActions())
	}
	checkPlain(t, anna, f.home.Address)

	// Someone who withdrew consent still gets their data on request.
	paused := annaP
	paused.Status = housing.StatusPaused
	noErr(t, "UpdatePerson", h.store.UpdatePerson(ctx, &paused))
	anna.say("/imieidati")
	anna.expect("Ecco una copia dei tuoi dati")
	if n := len(h.documents(anna.u.ID)); n != 2 {
		t.Errorf("a paused person got %d files in all; want 2", n)
	}
}

// rightsWorld is a harness where Anna is followed by the social worker
// Paola, Marta by nobody, with mediators in Bologna and Savena Idice and
// an admin.
type rightsWorld struct {
	*lifeHarness
	anna, marta, paola, mirta, fabio, ada *tgUser
	person                                map[*tgUser]housing.Person
}

func newRightsWorld(t *testing.T) *rightsWorld {
	t.Helper()
	w := &rightsWorld{lifeHarness: newLifeHarness(t), person: map[*tgUser]housing.Person{}}
	add := func(tid int64, role housing.Role, district, name string) *tgUser {
		p := w.addPerson(tid, role, func(p *housing.Person) { p.District, p.DisplayName = district, name })
		u := w.user(tid, "it")
		w.person[u] = p
		return u
	}
	w.paola = add(741, housing.RoleSocialWorker, housing.DistrictBologna, "Paola")
	w.mirta = add(742, housing.RoleMediator, housing.DistrictBologna, "Mirta")
	w.fabio = add(743, housing.RoleMediator, housing.DistrictSavenaIdice, "Fabio")
	w.ada = add(744, housing.RoleAdmin, housing.DistrictBologna, "Ada")
	w.anna = add(751, housing.RoleBeneficiary, housing.DistrictBologna, "Anna")
	w.marta = add(752, housing.RoleCoResident, housing.DistrictBologna, "Marta")
	w.followedBy(w.person[w.anna], w.person[w.paola])
	return w
}

// requestErasure has u ask for erasure and confirm.
func (w *rightsWorld) requestErasure(u *tgUser) {
	w.t.Helper()
	u.say("/cancella")
	u.expect("Vuoi che i tuoi dati siano cancellati")
	u.press("Sì, manda la richiesta")
	u.expect("ho mandato la tua richiesta")
	w.deliver()
}

func TestErasureRequestGoesToTheWorker(t *testing.T) {
	w := newRightsWorld(t)
	ctx := context.Background()
	annaID := w.person[w.anna].ID
	w.anna.say("/cancella")
	w.anna.expect("Mando la richiesta?")
	w.anna.press("No, lascia stare")
	w.anna.expect("non mando niente")
	if _, err := w.store.GetState(ctx, erasureKey(annaID)); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("after No, the request record = %v; want none", err)
	}

	w.requestErasure(w.anna)
	note := w.paola.expect("chiede di cancellare i suoi dati")
	for _, want := range []string{"BO-0751 Anna", "convivo erase --person " + annaID} {
		if !strings.Contains(note.Text, want) {
			t.Errorf("the worker's message lacks %q: %q", want, note.Text)
		}
	}
	for _, other := range []*tgUser{w.mirta, w.fabio, w.ada} {
		if n := other.sentCount("cancellare"); n != 0 {
			t.Errorf("staff %d got %d erasure messages about Anna; want only her worker", other.u.ID, n)
		}
	}
	w.anna.say("/cancella")
	w.anna.expect("Hai già chiesto di cancellare i tuoi dati")
	w.deliver()
	if n := w.paola.sentCount("chiede di cancellare"); n != 1 {
		t.Errorf("the worker got %d messages; want 1", n)
	}
	checkPlain(t, w.anna, "")

	if _, err := w.store.ErasePerson(ctx, annaID, housing.ErasureOptions{}); err != nil {
		t.Fatalf("ErasePerson: %v", err)
	}
	if _, err := w.store.GetState(ctx, erasureKey(annaID)); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("after the erasure, the request record = %v; want it gone", err)
	}
}

func TestErasureRequestWithoutAWorker(t *testing.T) {
	w := newRightsWorld(t)
	w.requestErasure(w.marta)
	w.mirta.expect("BO-0752 Marta chiede di cancellare")
	if n := w.fabio.sentCount("cancellare") + w.paola.sentCount("cancellare") + w.ada.sentCount("cancellare"); n != 0 {
		t.Errorf("%d erasure messages reached staff outside Marta's district mediators", n)
	}
	w.requestErasure(w.mirta) // staff ask the admins
	w.ada.expect("BO-0742 Mirta chiede di cancellare")
	if got := countAction(w.harness, auditErasureRequest); got != 2 {
		t.Errorf("%d erasure requests audited; want 2", got)
	}
}
