package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/warning"
)

// alertsOptions are the flags of `convivo alerts`.
type alertsOptions struct {
	district string
	status   string // "" (open and acknowledged), open, acknowledged, resolved, all
	as       string // list what this staff member may handle
	lang     housing.Lang
}

// cmdAlerts lists early-warning alerts: case codes, level, the reasons in
// plain words, when each was raised and where it stands. Listing is a
// staff read of the residents' signals, so it is audited.
func cmdAlerts(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "alerts")
	storeFlags(e, fs)
	var o alertsOptions
	var lang string
	fs.StringVar(&o.district, "district", "", "only this district")
	fs.StringVar(&o.status, "status", "", "open, acknowledged, resolved or all (default: open and acknowledged)")
	fs.StringVar(&o.as, "as", "", "only the alerts this staff member (person id) may handle")
	fs.StringVar(&lang, "lang", "en", "language of the reasons: it or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("alerts: unexpected argument %q", fs.Arg(0))
	}
	var err error
	if o.district, err = districtFlag(e, o.district); err != nil {
		return err
	}
	if o.status != "" && o.status != "all" && !housing.AlertStatus(o.status).Valid() {
		return usagef("alerts: --status %q is not open, acknowledged, resolved or all", o.status)
	}
	if o.as != "" && (o.status == "resolved" || o.status == "all") {
		return usagef("alerts: --as lists the alerts still to handle; drop it to see resolved ones")
	}
	if o.lang = housing.Lang(lang); !o.lang.Valid() {
		return usagef("alerts: --lang %q is not it or en", lang)
	}
	return withStore(ctx, e, func(s housing.Store) error {
		as, err := listAlerts(ctx, e, s, o)
		if err != nil {
			return err
		}
		return printAlerts(ctx, e, s, o.lang, as)
	})
}

// listAlerts returns the alerts o asks for, oldest first.
func listAlerts(ctx context.Context, e *env, s housing.Store, o alertsOptions) ([]housing.Alert, error) {
	var as []housing.Alert
	if o.as != "" {
		viewer, err := s.Person(ctx, o.as)
		if errors.Is(err, housing.ErrNotFound) {
			return nil, usagef("alerts: --as %q: no such person", o.as)
		}
		if err != nil {
			return nil, err
		}
		svc, err := warning.New(s, noNotifier{}, warning.Config{Location: e.cfg.Timezone}, newLogger(e))
		if err != nil {
			return nil, err
		}
		if as, err = svc.Open(ctx, viewer); errors.Is(err, housing.ErrForbidden) {
			return nil, usagef("alerts: --as %s: %s is not active staff", o.as, viewer.Label())
		} else if err != nil {
			return nil, err
		}
	} else {
		for _, st := range alertStatuses(o.status) {
			got, err := s.Alerts(ctx, housing.AlertFilter{Status: st})
			if err != nil {
				return nil, err
			}
			as = append(as, got...)
		}
	}
	as = slices.DeleteFunc(as, func(a housing.Alert) bool { return o.status != "" && o.status != "all" && string(a.Status) != o.status })
	slices.SortFunc(as, func(x, y housing.Alert) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), strings.Compare(x.ID, y.ID))
	})
	if o.district == "" {
		return as, nil
	}
	var out []housing.Alert
	for _, a := range as {
		pl, err := s.Placement(ctx, a.PlacementID)
		if err != nil {
			return nil, fmt.Errorf("placement of alert %s: %w", a.ID, err)
		}
		if pl.District == o.district {
			out = append(out, a)
		}
	}
	return out, nil
}

// alertStatuses returns the statuses --status selects.
func alertStatuses(status string) []housing.AlertStatus {
	switch status {
	case "":
		return []housing.AlertStatus{housing.AlertOpen, housing.AlertAcknowledged}
	case "all":
		return []housing.AlertStatus{housing.AlertOpen, housing.AlertAcknowledged, housing.AlertResolved}
	}
	return []housing.AlertStatus{housing.AlertStatus(status)}
}

// printAlerts writes each alert as a header line (id, level, placement,
// created, status), the residents' case codes and one line per reason,
// and audits the read once per resident.
func printAlerts(ctx context.Context, e *env, s housing.Store, lang housing.Lang, as []housing.Alert) error {
	text, err := bot.NewAlertText(e.cfg.Timezone, newLogger(e))
	if err != nil {
		return err
	}
	for _, a := range as {
		pl, err := s.Placement(ctx, a.PlacementID)
		if err != nil {
			return fmt.Errorf("placement of alert %s: %w", a.ID, err)
		}
		codes, err := bot.AlertCodes(ctx, s, a, pl)
		if err != nil {
			return err
		}
		for _, r := range pl.Residents {
			if err := audit(ctx, s, "alert.list", "alert/"+a.ID, r, warning.AuditPurpose); err != nil {
				return err
			}
		}
		printAlert(e.stdout, text, lang, a, pl, codes)
	}
	fmt.Fprintf(e.stdout, "%d alerts\n", len(as))
	return nil
}

// printAlert writes one alert.
func printAlert(w io.Writer, text *bot.AlertText, lang housing.Lang, a housing.Alert, pl housing.Placement, codes map[string]string) {
	status := string(a.Status)
	switch a.Status {
	case housing.AlertAcknowledged:
		status += " by " + codes[a.AckedBy] + " " + text.When(lang, a.AckedAt)
	case housing.AlertResolved:
		status += " by " + codes[a.ResolvedBy] + " " + text.When(lang, a.ResolvedAt)
	}
	if n := len(a.Escalations); n > 0 && a.Status == housing.AlertOpen {
		status += fmt.Sprintf(", escalated to %s", a.Escalations[n-1].To)
	}
	fmt.Fprintf(w, "%s  %s  %s (%s)  created %s  %s\n", a.ID, a.Level, cmp.Or(pl.Code, pl.ID), pl.District,
		a.CreatedAt.In(text.Location()).Format("2006-01-02 15:04"), status)
	var residents []string
	for _, r := range pl.Residents {
		residents = append(residents, codes[r])
	}
	fmt.Fprintf(w, "  codes: %s\n", strings.Join(residents, ", "))
	for _, r := range text.Reasons(lang, a, codes) {
		fmt.Fprintf(w, "  - %s\n", r)
	}
	if a.Resolution != "" {
		fmt.Fprintf(w, "  note: %s\n", a.Resolution)
	}
	fmt.Fprintln(w)
}

// noNotifier is the Notifier of a warning service that only reads: the
// command line never notifies.
type noNotifier struct{}

func (noNotifier) AlertRaised(context.Context, housing.Alert, housing.Placement, []housing.Person, []housing.Risk) error {
	return errors.New("convivo alerts: the command line does not notify")
}

func (noNotifier) AlertEscalated(context.Context, housing.Alert, housing.Placement, []housing.Person, housing.Escalation) error {
	return errors.New("convivo alerts: the command line does not notify")
}
