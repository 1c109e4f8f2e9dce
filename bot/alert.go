package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// Early warning in chat. The bot is the warning service's Notifier: a new
// alert reaches the placement's responsible social workers, and an
// escalation the district's mediators and then the admins, each as one
// outbox message (case codes, the level, the reasons in plain words, a
// trend chart of the recent scores, and Acknowledge / Details / Resolved
// buttons) under the service's dedup keys, so a repeated notification
// sends nothing twice. Staff messages are not held for the quiet hours.
// The people in the placement are never among the recipients and never
// see anything about alerts. /allerte and /allerta serve the staff; the
// service checks roles and audits every view of an alert's details.

// Warning is what the bot uses of the early-warning service;
// *warning.Service implements it. Its errors are the service's:
// housing.ErrForbidden, housing.ErrNotFound, *housing.StateError.
type Warning interface {
	// Report stores a reported event and, for a request to talk or an
	// urgent report, raises an alert at once (ok true).
	Report(ctx context.Context, ev housing.Event) (a housing.Alert, ok bool, err error)
	// Acknowledge records that by is on the alert, which stops its
	// escalation.
	Acknowledge(ctx context.Context, alertID string, by housing.Person, now time.Time) (housing.Alert, error)
	// Resolve closes the alert with a note of what was done.
	Resolve(ctx context.Context, alertID string, by housing.Person, note string, now time.Time) (housing.Alert, error)
	// Details returns the alert with its history, audited.
	Details(ctx context.Context, alertID string, viewer housing.Person) (warning.AlertDetails, error)
	// Open returns the unresolved alerts viewer may handle.
	Open(ctx context.Context, viewer housing.Person) ([]housing.Alert, error)
}

var (
	_ warning.Notifier = (*Bot)(nil)
	_ Warning          = (*warning.Service)(nil)
)

// SetWarning gives the bot its early-warning service, for the service is
// built with the bot as its Notifier: New the Bot, warning.New(store, bot,
// ...), then SetWarning, before the poller starts. It replaces
// Config.Warning.
func (b *Bot) SetWarning(w Warning) { b.cfg.Warning = w }

// The action, button kind and flow of the staff side of early warning.
const (
	actAlerts = action("alerts") // /allerte, /allerta and the alert buttons
	kindAlert = "alert"          // Acknowledge / Details / Resolved under an alert
	flowAlert = "alert"          // typing the note that resolves an alert
)

// alertKind labels alert messages in the outbox's logs and metrics.
const alertKind = "alert"

// alertQueuedTTL is how long the bot remembers that it queued an alert
// message, so that a repeated notification does not build its keyboard
// again; the outbox key is what guarantees once.
const alertQueuedTTL = 400 * 24 * time.Hour

// AlertRaised queues alert a to its recipients (the placement's social
// workers), with the trend of history. It implements warning.Notifier.
func (b *Bot) AlertRaised(ctx context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, history []housing.Risk) error {
	return b.queueAlert(ctx, a, pl, to, history, func(p housing.Person) string { return warning.AlertKey(a.ID, p.ID) },
		func(lang housing.Lang) string { return "" })
}

// AlertEscalated queues alert a to the people of escalation step (the
// district's mediators, then the admins), saying who was told before and
// for how long nobody took it on. It implements warning.Notifier.
func (b *Bot) AlertEscalated(ctx context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, step housing.Escalation) error {
	before, err := b.alertToldBefore(ctx, a, pl, step)
	if err != nil {
		return err
	}
	hist, err := b.store.RiskHistory(ctx, pl.ID, a.CreatedAt.Add(-warning.DefaultHistory))
	if err != nil {
		return fmt.Errorf("bot: risk history of %s: %w", pl.ID, err)
	}
	hours := int(step.At.Sub(a.CreatedAt).Round(time.Hour) / time.Hour)
	return b.queueAlert(ctx, a, pl, to, hist,
		func(p housing.Person) string { return warning.EscalationKey(a.ID, step.To, p.ID) },
		func(lang housing.Lang) string {
			return b.tr.T(lang, "alert.escalated", map[string]any{"Hours": hours, "Who": staffList(before)}) + "\n\n"
		})
}

// queueAlert queues one message per recipient: header(lang) then the
// alert's card, under key(recipient), with the chart when history has
// scores. A recipient who cannot be reached in chat is logged; the
// escalation reaches others.
func (b *Bot) queueAlert(ctx context.Context, a housing.Alert, pl housing.Placement, to []housing.Person, history []housing.Risk,
	key func(housing.Person) string, header func(housing.Lang) string) error {
	codes, err := b.alertCodes(ctx, a, pl)
	if err != nil {
		return err
	}
	charts := map[housing.Lang][]byte{}
	var errs []error
	sent := 0
	for _, p := range to {
		if !p.Role.Staff() || pl.HasResident(p.ID) {
			b.logger.ErrorContext(ctx, "bot: alert recipient is not staff outside the placement; skipped",
				slog.String("alert", a.ID), slog.String("person", p.ID))
			continue
		}
		if p.TelegramID == 0 || p.Status != housing.StatusActive {
			b.logger.WarnContext(ctx, "bot: alert recipient cannot be reached in chat",
				slog.String("alert", a.ID), slog.String("person", p.ID))
			continue
		}
		lang := alertLang(&p)
		if _, ok := charts[lang]; !ok {
			charts[lang] = b.alertChart(ctx, lang, pl, history)
		}
		text := b.alertCard(lang, header(lang), a, pl, codes)
		if err := b.queueAlertTo(ctx, &p, key(p), a, text, charts[lang]); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	b.logger.InfoContext(ctx, "bot: alert queued", slog.String("alert", a.ID), slog.String("alert_level", string(a.Level)),
		slog.Int("recipients", sent), slog.Int("escalations", len(a.Escalations)))
	return errors.Join(errs...)
}

// queueAlertTo queues one alert message to staff member p under key,
// once: a key already queued is skipped without building a keyboard.
func (b *Bot) queueAlertTo(ctx context.Context, p *housing.Person, key string, a housing.Alert, text string, png []byte) error {
	marker := alertQueuedKey(key)
	if _, err := b.store.GetState(ctx, marker); err == nil {
		return nil
	} else if !errors.Is(err, housing.ErrNotFound) {
		return fmt.Errorf("bot: alert %s: %w", a.ID, err)
	}
	kb, _, err := b.keyboard(ctx, p.TelegramID, kindAlert, b.alertRows(alertLang(p), a))
	if err != nil {
		return err
	}
	raw, err := json.Marshal(kb)
	if err != nil {
		return fmt.Errorf("bot: alert %s: %w", a.ID, err)
	}
	m := housing.OutboxMessage{Key: key, ChatID: p.TelegramID, PersonID: p.ID, Kind: alertKind,
		Text: text, Keyboard: raw, Photo: png, NotBefore: b.cfg.Now()} // staff: no quiet hours
	if err := b.enqueue(ctx, m); err != nil {
		return err
	}
	if err := b.store.PutState(ctx, marker, []byte("1"), alertQueuedTTL); err != nil {
		b.logger.WarnContext(ctx, "bot: remember queued alert", slog.Any("err", err))
	}
	return nil
}

// alertQueuedKey is the state key that remembers an alert's outbox key.
func alertQueuedKey(key string) string { return "alert-queued:" + key }

// alertRows are the buttons under an alert for its status: Acknowledge
// while nobody has, Details always, Resolved until it is.
func (b *Bot) alertRows(lang housing.Lang, a housing.Alert) [][]button {
	t := func(id string) string { return b.tr.T(lang, id, nil) }
	var rows [][]button
	if a.Status == housing.AlertOpen {
		rows = append(rows, []button{{t("alert.btn.ack"), "ack:" + a.ID}})
	}
	row := []button{{t("alert.btn.details"), "details:" + a.ID}}
	if a.Status != housing.AlertResolved {
		row = append(row, button{t("alert.btn.resolve"), "resolve:" + a.ID})
	}
	return append(rows, row)
}

// alertToldBefore returns the people an alert reached before escalation step:
// the responsible social workers, then the people of earlier steps.
func (b *Bot) alertToldBefore(ctx context.Context, a housing.Alert, pl housing.Placement, step housing.Escalation) ([]housing.Person, error) {
	people, err := b.alertResponsible(ctx, pl)
	if err != nil {
		return nil, err
	}
	for _, e := range a.Escalations {
		if e.To == step.To {
			break
		}
		f := housing.PersonFilter{Role: e.To, Status: housing.StatusActive}
		if e.To != housing.RoleAdmin {
			f.District = pl.District
		}
		more, err := b.store.ListPeople(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("bot: %s of alert %s: %w", e.To, a.ID, err)
		}
		people = append(people, more...)
	}
	return people, nil
}

// alertResponsible returns the active staff responsible for the
// placement's residents, from their care records.
func (b *Bot) alertResponsible(ctx context.Context, pl housing.Placement) ([]housing.Person, error) {
	seen := map[string]bool{}
	var out []housing.Person
	for _, r := range pl.Residents {
		ci, err := b.store.CareInfo(ctx, r)
		if errors.Is(err, housing.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bot: care record of %s: %w", r, err)
		}
		for _, id := range ci.ResponsibleWorkers {
			if seen[id] {
				continue
			}
			seen[id] = true
			p, err := b.store.Person(ctx, id)
			if err == nil && p.Role.Staff() && p.Status == housing.StatusActive {
				out = append(out, p)
			} else if err != nil && !errors.Is(err, housing.ErrNotFound) {
				return nil, fmt.Errorf("bot: responsible worker %s: %w", id, err)
			}
		}
	}
	return out, nil
}

// alertLang returns a staff member's language, Italian when unset.
func alertLang(p *housing.Person) housing.Lang {
	if p.Language.Valid() {
		return p.Language
	}
	return housing.LangIT
}
