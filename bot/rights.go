package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/subject"
)

// This file holds the people's rights in chat: /imieidati sends a person a
// copy of their own data (GDPR art. 15 and 20), built like `convivo export
// --person` but without the care team's fields and notes; /cancella files
// their request for erasure (art. 17) with their worker, who decides what
// goes (health-service records may have to stay) and has it done with
// `convivo erase --person`.

// The actions of the people's rights.
const (
	actMyData action = "mydata" // /imieidati
	actErase  action = "erase"  // /cancella and its confirmation buttons
)

// kindRights is the confirmation under /cancella.
const kindRights = "rights"

// The audit actions of this file.
const (
	auditExportSelf     = "export.self"
	auditErasureRequest = "erasure.request"
)

// erasureKey is the state record of a person's erasure request. Erasing
// the person deletes it with their other state.
func erasureKey(personID string) string { return "erasure-request:" + personID }

// erasureRequest is what the state record holds.
type erasureRequest struct {
	At time.Time `json:"at"`
}

// cmdMyData sends the caller their data as a JSON file and a summary in
// plain words. Nothing of other people is in either.
func (b *Bot) cmdMyData(ctx context.Context, c *caller) {
	doc, err := subject.Collect(ctx, b.store, c.person.ID, subject.Options{Now: b.cfg.Now()})
	var raw []byte
	if err == nil {
		raw, err = doc.JSON()
	}
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, auditBy(c.person, auditExportSelf, "person/"+c.person.ID, "access request (art. 15), in chat"))
	name := fmt.Sprintf("convivo-%s-%s.json", b.t(c, "rights.export.file", nil), b.local(b.cfg.Now()).Format(time.DateOnly))
	file := tgbotapi.NewDocument(c.chatID, tgbotapi.FileBytes{Name: name, Bytes: raw})
	file.Caption = b.t(c, "rights.export.caption", nil)
	if _, err := b.out.Send(ctx, file); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral) // logs it once
		return
	}
	b.reply(ctx, c, b.exportSummary(c, &doc))
}

// exportSummary describes doc in plain words, a line per kind of record.
func (b *Bot) exportSummary(c *caller, doc *subject.Export) string {
	p := doc.Person
	lines := []string{
		b.t(c, "rights.export.head", nil),
		b.t(c, "rights.export.you", map[string]any{"Name": p.DisplayName, "District": p.District, "Since": b.dayText(p.CreatedAt)}),
	}
	switch {
	case p.Role.Resident() && doc.Profile != nil:
		lines = append(lines, b.t(c, "rights.export.profile", nil))
	case p.Role.Resident():
		lines = append(lines, b.t(c, "rights.export.no_profile", nil))
	}
	if n := len(doc.Consents); n > 0 {
		last := doc.Consents[n-1]
		lines = append(lines, b.t(c, "rights.export.consent", map[string]any{
			"Decision": b.t(c, "rights.consent."+string(last.Decision), nil), "Date": b.dayText(last.At)}))
	}
	open, done := 0, 0
	for _, pl := range doc.Placements {
		if pl.Status.Open() {
			open++
		}
	}
	for _, a := range doc.Assignments {
		if a.Status == housing.AssignmentDone {
			done++
		}
	}
	for _, l := range []struct {
		id   string
		n    int
		more map[string]any
	}{
		{"rights.export.placements", len(doc.Placements), map[string]any{"Open": open}},
		{"rights.export.chores", len(doc.Assignments), map[string]any{"Done": done}},
		{"rights.export.checkins", answered(doc.CheckIns), nil},
		{"rights.export.reports", len(doc.Events), nil},
		{"rights.export.outings", len(doc.Outings), nil},
	} {
		if l.n > 0 {
			data := map[string]any{"N": l.n}
			for k, v := range l.more {
				data[k] = v
			}
			lines = append(lines, b.t(c, l.id, data))
		}
	}
	lines = append(lines, b.accessSummary(c, doc.AccessLog), "", b.t(c, "rights.export.foot", nil))
	return strings.Join(lines, "\n")
}

// answered counts the check-ins the person answered.
func answered(cs []housing.CheckIn) int {
	n := 0
	for _, c := range cs {
		if c.Answered {
			n++
		}
	}
	return n
}

// accessSummary says how many times others read or changed the person's
// data, and who, by role and district.
func (b *Bot) accessSummary(c *caller, log []subject.AccessEntry) string {
	n := 0
	var who []string
	for _, e := range log {
		if e.Who == subject.You {
			continue
		}
		n++
		w := b.t(c, "rights.export.operator", nil)
		switch {
		case e.Who == subject.Automatic:
			w = b.t(c, "rights.export.automatic", nil)
		case e.Who == subject.FormerStaff:
			w = b.t(c, "rights.export.former_staff", nil)
		case e.Role.Valid() && e.District != "":
			w = b.t(c, "role."+string(e.Role), nil) + " (" + e.District + ")"
		case e.Role.Valid():
			w = b.t(c, "role."+string(e.Role), nil)
		}
		if !slices.Contains(who, w) {
			who = append(who, w)
		}
	}
	if n == 0 {
		return b.t(c, "rights.export.access_none", nil)
	}
	return b.t(c, "rights.export.access", map[string]any{"N": n, "Roles": strings.Join(who, ", ")})
}

// cmdErase asks the caller to confirm a request for erasure, unless they
// already made one.
func (b *Bot) cmdErase(ctx context.Context, c *caller) {
	if req, ok := b.erasureRequested(ctx, c); ok {
		b.reply(ctx, c, b.t(c, "rights.erase.already", map[string]any{"Date": b.dayText(req.At)}))
		return
	}
	rows := [][]button{
		{{b.t(c, "rights.erase.btn_yes", nil), "erase:yes"}},
		{{b.t(c, "rights.erase.btn_no", nil), "erase:no"}},
	}
	b.sendButtons(ctx, c, b.t(c, "rights.erase.ask", nil), kindRights, rows)
}

// erasureRequested returns the caller's pending erasure request, if any.
func (b *Bot) erasureRequested(ctx context.Context, c *caller) (erasureRequest, bool) {
	raw, err := b.store.GetState(ctx, erasureKey(c.person.ID))
	if err != nil {
		if !errors.Is(err, housing.ErrNotFound) {
			b.logger.WarnContext(ctx, "bot: read erasure request", slog.Any("err", err))
		}
		return erasureRequest{}, false
	}
	var req erasureRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		b.logger.WarnContext(ctx, "bot: decode erasure request", slog.Any("err", err))
	}
	return req, true
}

// onRightsButton handles the confirmation under /cancella.
func (b *Bot) onRightsButton(ctx context.Context, c *caller, p press) string {
	switch p.option {
	case "erase:yes":
		b.pressed(ctx, c, p)
		b.fileErasure(ctx, c)
	case "erase:no":
		b.pressed(ctx, c, p)
		b.reply(ctx, c, b.t(c, "rights.erase.kept", nil))
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// fileErasure records the caller's request once, tells the staff who
// decide, and says what happens next. If no one could be told, the
// record is dropped so that the person can ask again.
func (b *Bot) fileErasure(ctx context.Context, c *caller) {
	now := b.cfg.Now()
	raw, _ := json.Marshal(erasureRequest{At: now.UTC()}) // a time cannot fail to marshal
	claimed, err := b.store.ClaimState(ctx, erasureKey(c.person.ID), raw, 0)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if !claimed {
		req, _ := b.erasureRequested(ctx, c)
		b.reply(ctx, c, b.t(c, "rights.erase.already", map[string]any{"Date": b.dayText(req.At)}))
		return
	}
	told, err := b.tellErasure(ctx, c.person, now)
	if err != nil && told == 0 {
		if derr := b.store.DeleteState(ctx, erasureKey(c.person.ID)); derr != nil {
			b.logger.ErrorContext(ctx, "bot: drop untold erasure request", slog.Any("err", derr))
		}
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: tell staff about an erasure request", slog.Any("err", err))
	}
	b.audit(ctx, auditBy(c.person, auditErasureRequest, "person/"+c.person.ID, "erasure request (art. 17), in chat"))
	id := "rights.erase.filed"
	if told == 0 {
		id = "rights.erase.filed_nobody"
		b.logger.ErrorContext(ctx, "bot: an erasure request reached no member of staff", slog.String("person", c.person.ID))
	}
	b.reply(ctx, c, b.t(c, id, nil))
}

// tellErasure queues the request to the staff who decide (erasureStaff)
// and returns how many it reached.
func (b *Bot) tellErasure(ctx context.Context, p *housing.Person, at time.Time) (int, error) {
	staff, err := b.erasureStaff(ctx, p)
	if err != nil {
		return 0, err
	}
	told := 0
	var errs []error
	for _, w := range staff {
		text := b.tr.T(personLang(&w), "rights.erase.staff", map[string]any{"Who": p.Label(), "ID": p.ID, "Date": b.dayText(at)})
		m := housing.OutboxMessage{Key: "erasure-request:" + p.ID + ":" + w.ID, ChatID: w.TelegramID, PersonID: w.ID,
			Kind: "erasure-request", Text: text, NotBefore: at}
		if err := b.enqueue(ctx, m); err != nil {
			errs = append(errs, err)
			continue
		}
		told++
	}
	return told, errors.Join(errs...)
}

// erasureStaff returns who decides on p's erasure, active and on
// Telegram: their responsible workers; without any, the mediators of
// their district; for staff, or when there is nobody else, the admins.
func (b *Bot) erasureStaff(ctx context.Context, p *housing.Person) ([]housing.Person, error) {
	if !p.Role.Staff() {
		ws, err := b.responsibleWorkers(ctx, p)
		if err != nil || len(ws) > 0 {
			return ws, err
		}
		meds, err := b.store.ListPeople(ctx, housing.PersonFilter{District: p.District, Role: housing.RoleMediator, Status: housing.StatusActive})
		if meds = slices.DeleteFunc(meds, notInChat); err != nil || len(meds) > 0 {
			return meds, err
		}
	}
	admins, err := b.store.ListPeople(ctx, housing.PersonFilter{Role: housing.RoleAdmin, Status: housing.StatusActive})
	return slices.DeleteFunc(admins, notInChat), err
}

// responsibleWorkers returns p's responsible workers who are active and
// on Telegram; reading the care record is audited.
func (b *Bot) responsibleWorkers(ctx context.Context, p *housing.Person) ([]housing.Person, error) {
	care, err := b.store.CareInfo(ctx, p.ID)
	if errors.Is(err, housing.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bot: care record of %s: %w", p.ID, err)
	}
	b.audit(ctx, housing.AuditEntry{Actor: "bot", Action: "care.read", Record: "care/" + p.ID, Subject: p.ID,
		Purpose: "tell the responsible workers about an erasure request"})
	var out []housing.Person
	for _, id := range care.ResponsibleWorkers {
		w, err := b.store.Person(ctx, id)
		if err == nil && inChat(&w) && w.Role.Staff() {
			out = append(out, w)
		}
	}
	return out, nil
}

// notInChat reports whether p cannot be written to.
func notInChat(p housing.Person) bool { return !inChat(&p) }
