package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// maxAlertTrend bounds the scores Details writes out.
const maxAlertTrend = 8

// alertDetailsText renders an alert's details for staff: the card's head, the
// status, the residents (case code and first name: Details is an audited
// read), the reasons, the recent scores, the placement's reports and the
// alert's history.
func (b *Bot) alertDetailsText(ctx context.Context, lang housing.Lang, d warning.AlertDetails) (string, error) {
	a, t := d.Alert, b.alertText()
	ids := []string{a.AckedBy, a.ResolvedBy}
	for _, e := range d.Events {
		ids = append(ids, e.PersonID)
	}
	codes, err := b.alertCodes(ctx, a, d.Placement)
	if err != nil {
		return "", err
	}
	more, err := b.alertPersonCodes(ctx, ids)
	if err != nil {
		return "", err
	}
	for id, c := range more {
		codes[id] = c
	}
	var sb strings.Builder
	line := func(s string) { sb.WriteString(s + "\n") }
	line(b.tr.T(lang, "alert.card.head", map[string]any{"Level": t.Level(lang, a.Level),
		"Placement": placementCode(&d.Placement), "District": d.Placement.District}))
	line(b.tr.T(lang, "alert.details.id", map[string]any{"ID": a.ID}))
	line(t.Status(lang, a, codes))
	line(b.tr.T(lang, "alert.details.people", map[string]any{"Codes": alertResidentLabels(d, codes)}))
	line("\n" + b.tr.T(lang, "alert.card.signals", nil))
	for _, r := range t.Reasons(lang, a, codes) {
		line("• " + r)
	}
	if s := b.alertTrendLine(lang, d.History); s != "" {
		line("\n" + s)
	}
	if len(d.Events) > 0 {
		line("\n" + b.tr.T(lang, "alert.details.events", nil))
		for _, e := range d.Events {
			line("• " + b.alertEventLine(lang, e, codes))
		}
	}
	line("\n" + b.tr.T(lang, "alert.details.history", nil))
	for _, h := range b.alertHistoryLines(lang, a, codes) {
		line("• " + h)
	}
	return strings.TrimSpace(sb.String()), nil
}

// alertResidentLabels lists the residents as staff see them: case code, then
// first name; those no longer on record by case code or id.
func alertResidentLabels(d warning.AlertDetails, codes map[string]string) string {
	out := make([]string, 0, len(d.Placement.Residents))
	for _, id := range d.Placement.Residents {
		i := slices.IndexFunc(d.Residents, func(p housing.Person) bool { return p.ID == id })
		if i >= 0 && d.Residents[i].Code != "" {
			out = append(out, d.Residents[i].Label())
		} else {
			out = append(out, alertCodeOf(codes, id))
		}
	}
	return strings.Join(out, ", ")
}

// alertTrendLine writes the latest scores: "Andamento: 19/11 24 · 26/11 52".
func (b *Bot) alertTrendLine(lang housing.Lang, hist []housing.Risk) string {
	if len(hist) == 0 {
		return ""
	}
	if len(hist) > maxAlertTrend {
		hist = hist[len(hist)-maxAlertTrend:]
	}
	parts := make([]string, len(hist))
	for i, r := range hist {
		at := b.local(r.At)
		parts[i] = strconv.Itoa(at.Day()) + "/" + strconv.Itoa(int(at.Month())) + " " + strconv.Itoa(r.Score)
	}
	return b.tr.T(lang, "alert.details.trend", map[string]any{"Scores": strings.Join(parts, " · ")})
}

// alertEventLine writes one reported event: when, who, what, urgent, the note,
// open or handled.
func (b *Bot) alertEventLine(lang housing.Lang, e housing.Event, codes map[string]string) string {
	t := b.alertText()
	s := t.When(lang, e.At) + " · " + alertCodeOf(codes, e.PersonID) + " · " + b.tr.T(lang, "alert.event."+string(e.Kind), nil)
	if e.Urgent {
		s += " · " + b.tr.T(lang, "alert.event.urgent", nil)
	}
	if note := strings.TrimSpace(e.Note); note != "" {
		s += " · «" + note + "»"
	}
	if e.ResolvedAt.IsZero() {
		return s + " · " + b.tr.T(lang, "alert.event.open", nil)
	}
	return s + " · " + b.tr.T(lang, "alert.event.handled", map[string]any{"When": t.Date(lang, e.ResolvedAt)})
}

// alertHistoryLines writes what happened to the alert, in order: raised, each
// escalation step, acknowledged, resolved with its note.
func (b *Bot) alertHistoryLines(lang housing.Lang, a housing.Alert, codes map[string]string) []string {
	t := b.alertText()
	out := []string{b.tr.T(lang, "alert.history.created", map[string]any{"When": t.When(lang, a.CreatedAt)})}
	for _, e := range a.Escalations {
		out = append(out, b.tr.T(lang, "alert.history.escalated", map[string]any{"When": t.When(lang, e.At),
			"To": b.tr.T(lang, "alert.to."+string(e.To), nil)}))
	}
	if !a.AckedAt.IsZero() {
		out = append(out, b.tr.T(lang, "alert.history.acknowledged", map[string]any{"When": t.When(lang, a.AckedAt),
			"Who": alertCodeOf(codes, a.AckedBy)}))
	}
	if !a.ResolvedAt.IsZero() {
		out = append(out, b.tr.T(lang, "alert.history.resolved", map[string]any{"When": t.When(lang, a.ResolvedAt),
			"Who": alertCodeOf(codes, a.ResolvedBy), "Note": a.Resolution}))
	}
	return out
}
