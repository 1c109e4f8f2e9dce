package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching/chart"
)

// AlertText says early-warning alerts in plain words, in Italian or
// English, as the bot's alert messages do: for screens outside chat such
// as the command line. Persons appear by case code, never by name.
type AlertText struct {
	tr  *translator
	loc *time.Location
}

// NewAlertText returns an AlertText that writes dates in loc (nil: UTC).
// It fails only if the embedded catalogs do not load.
func NewAlertText(loc *time.Location, logger *slog.Logger) (*AlertText, error) {
	tr, err := newTranslator(logger)
	if err != nil {
		return nil, err
	}
	if loc == nil {
		loc = time.UTC
	}
	return &AlertText{tr: tr, loc: loc}, nil
}

// alertText returns the Bot's AlertText.
func (b *Bot) alertText() *AlertText { return &AlertText{tr: b.tr, loc: b.cfg.Location} }

// Location returns where the AlertText reads dates and times.
func (t *AlertText) Location() *time.Location { return t.loc }

// Level names an alert level ("🟠 A rischio").
func (t *AlertText) Level(lang housing.Lang, l housing.AlertLevel) string {
	return t.tr.T(lang, "alert.level."+string(l), nil)
}

// Status says where an alert is in its handling, with who and when;
// codes maps person ids to how they are shown.
func (t *AlertText) Status(lang housing.Lang, a housing.Alert, codes map[string]string) string {
	switch a.Status {
	case housing.AlertAcknowledged:
		return t.tr.T(lang, "alert.status.acknowledged", map[string]any{"Who": alertCodeOf(codes, a.AckedBy), "When": t.When(lang, a.AckedAt)})
	case housing.AlertResolved:
		return t.tr.T(lang, "alert.status.resolved", map[string]any{"Who": alertCodeOf(codes, a.ResolvedBy), "When": t.When(lang, a.ResolvedAt)})
	}
	return t.tr.T(lang, "alert.status.open", nil)
}

// When formats a moment as a date and a time of day in the AlertText's
// location.
func (t *AlertText) When(lang housing.Lang, at time.Time) string {
	return t.Date(lang, at) + " " + at.In(t.loc).Format("15:04")
}

// Date formats a calendar date in lang's layout.
func (t *AlertText) Date(lang housing.Lang, at time.Time) string {
	return at.In(t.loc).Format(t.tr.T(lang, "date.layout", nil))
}

// Reasons says an alert's reasons, one line each, in their order; codes
// maps person ids to case codes.
func (t *AlertText) Reasons(lang housing.Lang, a housing.Alert, codes map[string]string) []string {
	out := make([]string, len(a.Reasons))
	for i, r := range a.Reasons {
		out[i] = t.Reason(lang, r, codes)
	}
	return out
}

// Reason says one reason in plain words with its figures, e.g. "chores
// done 2/9 in the last 3 weeks". A key the catalogs lack shows as itself.
func (t *AlertText) Reason(lang housing.Lang, r housing.Reason, codes map[string]string) string {
	d := map[string]any{
		"Who": alertCodeOf(codes, r.PersonID), "N": r.N, "Of": r.Of, "Value": alertDecimal(lang, r.Value),
		"Days": max(r.N, -r.N), "Past": r.N < 0, "Others": max(0, r.N-1), "Date": "",
	}
	if r.PersonID == "" {
		d["Who"] = t.tr.T(lang, "alert.someone", nil)
	}
	if !r.Date.IsZero() {
		// A reason's date is a calendar date: read it where it was written.
		d["Date"] = r.Date.Format(t.tr.T(lang, "date.layout", nil))
	}
	return t.tr.T(lang, r.Key, d)
}

// alertDecimal writes v with one decimal, with a comma in Italian.
func alertDecimal(lang housing.Lang, v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if lang == housing.LangIT {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// alertCodeOf returns how person id is shown to staff: their case code, or
// their id when they have none.
func alertCodeOf(codes map[string]string, id string) string {
	if c := codes[id]; c != "" {
		return c
	}
	return id
}

// alertCodes maps the residents of pl and the persons of a (reasons,
// acknowledgement, resolution) to how staff see them.
func (b *Bot) alertCodes(ctx context.Context, a housing.Alert, pl housing.Placement) (map[string]string, error) {
	return AlertCodes(ctx, b.store, a, pl)
}

// alertPersonCodes maps ids to how staff see them.
func (b *Bot) alertPersonCodes(ctx context.Context, ids []string) (map[string]string, error) {
	return personCodes(ctx, b.store, ids)
}

// People is where AlertCodes reads persons; housing.Store implements it.
type People interface {
	Person(ctx context.Context, id string) (housing.Person, error)
}

// AlertCodes maps the residents of pl and the persons a names (in its
// reasons, acknowledgement and resolution) to how staff screens show
// them: residents by case code (their id when they have none), never by
// name; staff by label (code and name). Unknown ids map to themselves.
func AlertCodes(ctx context.Context, people People, a housing.Alert, pl housing.Placement) (map[string]string, error) {
	ids := append([]string{a.AckedBy, a.ResolvedBy}, pl.Residents...)
	for _, r := range a.Reasons {
		ids = append(ids, r.PersonID)
	}
	return personCodes(ctx, people, ids)
}

// personCodes maps ids to case codes (residents) or labels (staff).
func personCodes(ctx context.Context, people People, ids []string) (map[string]string, error) {
	codes := map[string]string{}
	for _, id := range ids {
		if _, done := codes[id]; done || id == "" {
			continue
		}
		p, err := people.Person(ctx, id)
		switch {
		case errors.Is(err, housing.ErrNotFound):
			codes[id] = id
		case err != nil:
			return nil, fmt.Errorf("bot: code of %s: %w", id, err)
		case p.Role.Staff():
			codes[id] = p.Label()
		default:
			codes[id] = cmp.Or(p.Code, p.ID)
		}
	}
	return codes, nil
}

// maxAlertCaption bounds an alert card, in UTF-16 units, to fit a photo's
// caption (Telegram: 1024).
const maxAlertCaption = 1000

// alertCard is an alert's message after header: level and placement,
// the residents' case codes, the reasons, the score and when. Reasons
// that do not fit a photo's caption are counted and left to Details.
func (b *Bot) alertCard(lang housing.Lang, header string, a housing.Alert, pl housing.Placement, codes map[string]string) string {
	t := b.alertText()
	reasons := t.Reasons(lang, a, codes)
	for shown := len(reasons); ; shown-- {
		var sb strings.Builder
		sb.WriteString(header)
		sb.WriteString(b.tr.T(lang, "alert.card.head", map[string]any{"Level": t.Level(lang, a.Level),
			"Placement": placementCode(&pl), "District": pl.District}))
		sb.WriteString("\n" + b.tr.T(lang, "alert.card.people", map[string]any{"Codes": alertResidentCodes(pl, codes)}))
		sb.WriteString("\n" + b.tr.T(lang, "alert.card.signals", nil))
		for _, r := range reasons[:shown] {
			sb.WriteString("\n• " + r)
		}
		if shown < len(reasons) {
			sb.WriteString("\n" + b.tr.T(lang, "alert.card.more", map[string]any{"N": len(reasons) - shown}))
		}
		sb.WriteString("\n\n" + b.tr.T(lang, "alert.card.foot", map[string]any{"Score": a.Score,
			"When": t.When(lang, a.CreatedAt), "ID": a.ID}))
		if s := sb.String(); shown == 0 || len(utf16.Encode([]rune(s))) <= maxAlertCaption {
			return s
		}
	}
}

// alertResidentCodes lists the case codes of pl's residents.
func alertResidentCodes(pl housing.Placement, codes map[string]string) string {
	out := make([]string, len(pl.Residents))
	for i, id := range pl.Residents {
		out[i] = alertCodeOf(codes, id)
	}
	return strings.Join(out, ", ")
}

// alertChart draws the trend of history for pl, or returns nil (logged)
// when there is nothing to draw or drawing fails.
func (b *Bot) alertChart(ctx context.Context, lang housing.Lang, pl housing.Placement, history []housing.Risk) []byte {
	if len(history) == 0 {
		return nil
	}
	if len(history) > chart.MaxPoints {
		history = history[len(history)-chart.MaxPoints:]
	}
	pts := make([]chart.Point, len(history))
	for i, r := range history {
		pts[i] = chart.Point{At: r.At.In(b.cfg.Location), Value: float64(r.Score), Level: r.Level.Rank()}
	}
	png, err := chart.Trend(b.tr.T(lang, "alert.chart.title", map[string]any{"Placement": placementCode(&pl)}), pts)
	if err != nil {
		b.logger.WarnContext(ctx, "bot: draw alert trend", slog.String("placement", pl.ID), slog.Any("err", err))
		return nil
	}
	return png
}
