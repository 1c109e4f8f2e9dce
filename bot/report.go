package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// /segnala: a resident, a host or a mediator reports something about a
// placement where people live together: a request to talk to one's
// worker, a conflict, rent arrears; an optional note; urgent or not. The
// report goes to the early-warning service, which raises an alert at once
// for a request to talk or an urgent report; the others count in the
// nightly scan. The reporter is told calmly what happens next, never
// anything about scores or alerts, and that the other people in the home
// are not told.

// The action and flow of /segnala.
const (
	actReport  = action("report") // /segnala and its buttons
	flowReport = "report"
)

// The steps of flowReport.
const (
	reportStepPlace  = "place"
	reportStepKind   = "kind"
	reportStepNote   = "note"
	reportStepUrgent = "urgent"
)

// reportDraft is a report being written, kept in the conversation.
type reportDraft struct {
	Placement string            `json:"pl"`
	Kind      housing.EventKind `json:"kind,omitempty"`
	Note      string            `json:"note,omitempty"` // sensitive: staff only, never logged
}

// reportKinds returns the kinds of report role may file.
func reportKinds(role housing.Role) []housing.EventKind {
	if role.Staff() {
		return []housing.EventKind{housing.EventConflict, housing.EventArrears}
	}
	return []housing.EventKind{housing.EventTalk, housing.EventConflict, housing.EventArrears}
}

// cmdReport starts /segnala: the placement (asked only when there are
// several), then the kind.
func (b *Bot) cmdReport(ctx context.Context, c *caller) {
	pls, err := b.reportPlaces(ctx, c)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.retireKeyboard(ctx, c) // another flow's buttons go too, as when any flow starts
	b.endFlow(ctx, c, flowReport)
	switch len(pls) {
	case 0:
		b.reply(ctx, c, b.t(c, b.reportText(c, "report.no_home"), nil))
	case 1:
		b.askReportKind(ctx, c, pls[0].ID)
	default:
		var buttons []button
		for _, pl := range pls {
			label, err := b.reportPlaceLabel(ctx, c, pl)
			if err != nil {
				b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
				return
			}
			buttons = append(buttons, button{label, "pl:" + pl.ID})
		}
		rows := append(grid(buttons, 1), b.reportCancelRow(c))
		b.reportStep(ctx, c, &reportDraft{}, reportStepPlace, b.t(c, b.reportText(c, "report.ask_place"), nil), rows)
	}
}

// reportText picks the staff variant of a message for staff.
func (b *Bot) reportText(c *caller, id string) string {
	if c.person != nil && c.person.Role.Staff() {
		return id + "_staff"
	}
	return id
}

// reportPlaces returns the placements where people live together that the
// caller may report about: those they live in (the latest only) or host,
// or, for staff, those of their district.
func (b *Bot) reportPlaces(ctx context.Context, c *caller) ([]housing.Placement, error) {
	var f housing.PlacementFilter
	switch {
	case c.person.Role.Staff():
		f.District = c.person.District
	case c.person.Role == housing.RoleHost:
		return b.hostedPlaces(ctx, c.person.ID)
	default:
		f.PersonID = c.person.ID
	}
	pls, err := b.livingPlaces(ctx, f)
	if err != nil || c.person.Role.Staff() || len(pls) <= 1 {
		return pls, err
	}
	latest := slices.MaxFunc(pls, func(x, y housing.Placement) int { return x.Start.Compare(y.Start) })
	return []housing.Placement{latest}, nil
}

// livingPlaces returns the placements matching f where people live
// together (trial, active, under review).
func (b *Bot) livingPlaces(ctx context.Context, f housing.PlacementFilter) ([]housing.Placement, error) {
	f.OpenOnly = true
	pls, err := b.store.ListPlacements(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("bot: placements for a report: %w", err)
	}
	return slices.DeleteFunc(pls, func(pl housing.Placement) bool {
		return pl.Status != housing.PlacementTrial && pl.Status != housing.PlacementActive && pl.Status != housing.PlacementUnderReview
	}), nil
}

// hostedPlaces returns the living placements in the homes host hosts.
func (b *Bot) hostedPlaces(ctx context.Context, host string) ([]housing.Placement, error) {
	homes, err := b.store.ListHomes(ctx, housing.HomeFilter{})
	if err != nil {
		return nil, fmt.Errorf("bot: homes for a report: %w", err)
	}
	var out []housing.Placement
	for _, h := range homes {
		if h.HostID != host {
			continue
		}
		pls, err := b.livingPlaces(ctx, housing.PlacementFilter{HomeID: h.ID})
		if err != nil {
			return nil, err
		}
		out = append(out, pls...)
	}
	return out, nil
}

// reportPlaceLabel names a placement on a button: its code for staff, the
// first names of the people living there for a host.
func (b *Bot) reportPlaceLabel(ctx context.Context, c *caller, pl housing.Placement) (string, error) {
	if c.person.Role.Staff() {
		return placementCode(&pl), nil
	}
	var names []string
	for _, id := range pl.Residents {
		p, err := b.store.Person(ctx, id)
		if err != nil {
			return "", fmt.Errorf("bot: resident %s: %w", id, err)
		}
		names = append(names, p.DisplayName)
	}
	return b.t(c, "report.place_with", map[string]any{"Names": strings.Join(names, ", ")}), nil
}

// askReportKind asks what the report is about.
func (b *Bot) askReportKind(ctx context.Context, c *caller, placementID string) {
	var buttons []button
	for _, k := range reportKinds(c.person.Role) {
		buttons = append(buttons, button{b.t(c, b.reportText(c, "report.kind."+string(k)), nil), "kind:" + string(k)})
	}
	rows := append(grid(buttons, 1), b.reportCancelRow(c))
	b.reportStep(ctx, c, &reportDraft{Placement: placementID}, reportStepKind, b.t(c, b.reportText(c, "report.ask_kind"), nil), rows)
}

// reportCancelRow is the way out of every step.
func (b *Bot) reportCancelRow(c *caller) []button {
	return []button{{b.t(c, "report.btn.cancel", nil), "cancel"}}
}

// reportStep sends a step's question with its buttons as the flow's live
// keyboard and saves the conversation.
func (b *Bot) reportStep(ctx context.Context, c *caller, d *reportDraft, step, text string, rows [][]button) {
	kb, id, err := b.keyboard(ctx, c.id, kindFlow, rows)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	msg := b.send(ctx, c.chatID, text, kb)
	c.conv = conversation{Flow: flowReport, Step: step, Keyboard: id, Message: msg, Lang: c.conv.Lang, Report: d}
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
	}
}

// onReportButton handles a press on the live keyboard of /segnala.
func (b *Bot) onReportButton(ctx context.Context, c *caller, p press) string {
	d := c.conv.Report
	if d == nil {
		return b.t(c, "button.stale", nil)
	}
	b.editText(ctx, c.chatID, p.msg.MessageID, p.msg.Text+"\n→ "+p.label())
	if c.conv.Message == p.msg.MessageID { // its keyboard is used up and gone
		c.conv.Message, c.conv.Keyboard = 0, ""
	}
	verb, arg, _ := strings.Cut(p.option, ":")
	switch {
	case verb == "cancel":
		b.endFlow(ctx, c, flowReport)
		b.reply(ctx, c, b.t(c, "cancel.report", nil))
	case verb == "pl" && c.conv.Step == reportStepPlace:
		return b.pickReportPlace(ctx, c, arg)
	case verb == "kind" && c.conv.Step == reportStepKind && slices.Contains(reportKinds(c.person.Role), housing.EventKind(arg)):
		d.Kind = housing.EventKind(arg)
		rows := [][]button{{{b.t(c, "report.btn.no_note", nil), "nonote"}}, b.reportCancelRow(c)}
		b.reportStep(ctx, c, d, reportStepNote, b.t(c, "report.ask_note", nil), rows)
	case verb == "nonote" && c.conv.Step == reportStepNote:
		b.askReportUrgent(ctx, c, d)
	case verb == "urgent" && c.conv.Step == reportStepUrgent:
		b.fileReport(ctx, c, d, arg == "yes", p.actionID)
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// pickReportPlace takes the placement chosen among the caller's own.
func (b *Bot) pickReportPlace(ctx context.Context, c *caller, id string) string {
	pls, err := b.reportPlaces(ctx, c)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	if !slices.ContainsFunc(pls, func(pl housing.Placement) bool { return pl.ID == id }) {
		b.endFlow(ctx, c, flowReport)
		return b.t(c, "button.stale", nil)
	}
	b.askReportKind(ctx, c, id)
	return ""
}

// askReportUrgent asks whether the report can wait.
func (b *Bot) askReportUrgent(ctx context.Context, c *caller, d *reportDraft) {
	rows := [][]button{
		{{b.t(c, "report.btn.urgent", nil), "urgent:yes"}, {b.t(c, "report.btn.can_wait", nil), "urgent:no"}},
		b.reportCancelRow(c),
	}
	b.reportStep(ctx, c, d, reportStepUrgent, b.t(c, "report.ask_urgent", nil), rows)
}

// reportNoteText takes the optional note.
func (b *Bot) reportNoteText(ctx context.Context, c *caller, text string) {
	d := c.conv.Report
	if d == nil || c.conv.Step != reportStepNote {
		b.reply(ctx, c, b.t(c, "use_buttons", nil))
		return
	}
	note := strings.TrimSpace(text)
	if utf8.RuneCountInString(note) > housing.MaxNoteRunes {
		b.reply(ctx, c, b.t(c, "report.note_too_long", map[string]any{"Max": housing.MaxNoteRunes}))
		return
	}
	b.retireKeyboard(ctx, c)
	d.Note = note
	b.askReportUrgent(ctx, c, d)
}

// fileReport stores the report through the early-warning service (which
// may alert at once) and tells the reporter what happens next. The event's
// id comes from the pressed keyboard, so the report is stored once.
func (b *Bot) fileReport(ctx context.Context, c *caller, d *reportDraft, urgent bool, actionID string) {
	sum := sha256.Sum256([]byte(c.person.ID + "|" + actionID))
	ev := housing.Event{ID: "ev_" + hex.EncodeToString(sum[:10]), PlacementID: d.Placement, PersonID: c.person.ID,
		Kind: d.Kind, Urgent: urgent, Note: d.Note, At: b.cfg.Now()}
	alerted, err := b.submitReport(ctx, ev)
	b.endFlow(ctx, c, flowReport)
	if err != nil && !errors.Is(err, housing.ErrConflict) {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	id := "report.done_later"
	if alerted {
		id = "report.done_now"
	}
	text := b.t(c, b.reportText(c, id), nil)
	if urgent && !c.person.Role.Staff() {
		text += "\n\n" + b.t(c, "report.danger", nil)
	}
	b.reply(ctx, c, text)
}

// submitReport hands ev to the early-warning service and reports whether
// it raised an alert. Without the service the event is stored and
// Config.OnEvent called. A notification that failed after the alert was
// stored is logged: the next scan or escalation sends it.
func (b *Bot) submitReport(ctx context.Context, ev housing.Event) (bool, error) {
	if b.cfg.Warning == nil {
		if err := b.store.PutEvent(ctx, &ev); err != nil {
			return false, fmt.Errorf("bot: store report: %w", err)
		}
		if b.cfg.OnEvent != nil {
			b.cfg.OnEvent(ctx, ev)
		}
		return false, nil
	}
	a, ok, err := b.cfg.Warning.Report(ctx, ev)
	if err != nil && ok {
		b.logger.ErrorContext(ctx, "bot: report alert stored but not sent yet", slog.String("alert", a.ID), slog.Any("err", err))
		return true, nil
	}
	return ok, err
}
