package housing_test

import (
	"errors"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in      string
		horizon time.Time // zero: keeps for ever
		ok      bool
	}{
		{"never", time.Time{}, true},
		{"", time.Time{}, true},
		{"0", now, true},
		{"30d", now.AddDate(0, 0, -30), true},
		{"24M", now.AddDate(0, -24, 0), true},
		{"5y", now.AddDate(-5, 0, 0), true},
		{"5", time.Time{}, false},
		{"-3m", time.Time{}, false},
		{"3w", time.Time{}, false},
		{"m", time.Time{}, false},
	} {
		p, err := housing.ParsePeriod(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParsePeriod(%q) = %v; want ok %v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, housing.ErrInvalid) {
				t.Errorf("ParsePeriod(%q) = %v; want ErrInvalid", tc.in, err)
			}
			continue
		}
		h, keeps := p.Horizon(now)
		if keeps == tc.horizon.IsZero() || !h.Equal(tc.horizon) {
			t.Errorf("ParsePeriod(%q).Horizon(now) = %v, %v; want %v", tc.in, h, keeps, tc.horizon)
		}
		if back, _ := housing.ParsePeriod(p.String()); back != p {
			t.Errorf("ParsePeriod(%q).String() = %q, which reads back as %+v", tc.in, p.String(), back)
		}
	}
}

func TestParseRetention(t *testing.T) {
	def := housing.DefaultRetentionPolicy()
	p, err := housing.ParseRetention(def, "checkins=12m, placements=10y,declined-consents=0")
	if err != nil {
		t.Fatalf("ParseRetention() = %v", err)
	}
	if p.CheckIns.String() != "12m" || p.Placements.String() != "10y" || p.CheckInNotes != def.CheckInNotes {
		t.Errorf("ParseRetention() = %s; want checkins=12m, placements=10y and the rest default", p)
	}
	if back, err := housing.ParseRetention(housing.RetentionPolicy{}, def.String()); err != nil || back != def {
		t.Errorf("ParseRetention(default.String()) = %s, %v; want the default back", back, err)
	}
	for _, spec := range []string{"audit=12m", "audit=0", "checkins", "nosuch=1y", "checkins=soon"} {
		if _, err := housing.ParseRetention(def, spec); !errors.Is(err, housing.ErrInvalid) {
			t.Errorf("ParseRetention(%q) = %v; want ErrInvalid", spec, err)
		}
	}
	for _, spec := range []string{"audit=24m", "audit=730d", "audit=2y", "audit=never"} {
		if _, err := housing.ParseRetention(def, spec); err != nil {
			t.Errorf("ParseRetention(%q) = %v; want it accepted", spec, err)
		}
	}
}

func TestRetentionVerdicts(t *testing.T) {
	p := housing.DefaultRetentionPolicy()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	ago := func(y, m, d int) time.Time { return now.AddDate(-y, -m, -d) }

	checkin := func(at time.Time, note string) *housing.CheckIn {
		return &housing.CheckIn{At: at, Note: note, Answered: true, Mood: 3}
	}
	c := checkin(ago(0, 7, 0), "ZEBRA")
	if v := p.CheckIn(c, now); v != housing.Redact || c.Note != "" || c.Mood != 3 {
		t.Errorf("CheckIn(7 months, note) = %v, note %q; want Redact, note blanked, mood kept", v, c.Note)
	}
	for _, tc := range []struct {
		name string
		got  housing.Verdict
		want housing.Verdict
	}{
		{"check-in 5 months with note", p.CheckIn(checkin(ago(0, 5, 0), "n"), now), housing.Keep},
		{"check-in 7 months without note", p.CheckIn(checkin(ago(0, 7, 0), ""), now), housing.Keep},
		{"check-in 25 months", p.CheckIn(checkin(ago(0, 25, 0), "n"), now), housing.Delete},
		{"open event 3 years", p.Event(&housing.Event{At: ago(3, 0, 0), Note: "n"}, now), housing.Keep},
		{"resolved event 13 months", p.Event(&housing.Event{Note: "n", ResolvedAt: ago(0, 13, 0)}, now), housing.Redact},
		{"resolved event 25 months", p.Event(&housing.Event{ResolvedAt: ago(0, 25, 0)}, now), housing.Delete},
		{"open alert 3 years", p.Alert(&housing.Alert{Status: housing.AlertOpen, CreatedAt: ago(3, 0, 0)}, now), housing.Keep},
		{"resolved alert 25 months", p.Alert(&housing.Alert{Status: housing.AlertResolved, ResolvedAt: ago(0, 25, 0)}, now), housing.Delete},
		{"risk 13 months", p.RiskScore(&housing.Risk{At: ago(0, 13, 0)}, now), housing.Delete},
		{"risk 11 months", p.RiskScore(&housing.Risk{At: ago(0, 11, 0)}, now), housing.Keep},
		{"active placement 6 years", p.Placement(&housing.Placement{Status: housing.PlacementActive, UpdatedAt: ago(6, 0, 0)}, now), housing.Keep},
		{"placement ended 6 years ago", p.Placement(&housing.Placement{Status: housing.PlacementEnded, UpdatedAt: ago(6, 0, 0)}, now), housing.Delete},
		{"placement ended 4 years ago", p.Placement(&housing.Placement{Status: housing.PlacementEnded, UpdatedAt: ago(4, 0, 0)}, now), housing.Keep},
		{"pending proposal 6 years", p.Proposal(&housing.Proposal{Status: housing.ProposalPending, CreatedAt: ago(6, 0, 0)}, now), housing.Keep},
		{"rejected proposal 6 years", p.Proposal(&housing.Proposal{Status: housing.ProposalRejected, DecidedAt: ago(6, 0, 0)}, now), housing.Delete},
		{"superseded proposal 6 years", p.Proposal(&housing.Proposal{Status: housing.ProposalSuperseded, CreatedAt: ago(6, 0, 0)}, now), housing.Delete},
		{"invitation expired 100 days ago", p.Invitation(&housing.Invitation{ExpiresAt: ago(0, 0, 100)}, now), housing.Delete},
		{"invitation used 10 days ago", p.Invitation(&housing.Invitation{UsedBy: 7, UsedAt: ago(0, 0, 10), ExpiresAt: ago(0, 0, 200)}, now), housing.Keep},
		{"declined consent just now", p.Consent(&housing.ConsentRecord{Decision: housing.ConsentDeclined, At: now}, now), housing.Delete},
		{"accepted consent 10 years", p.Consent(&housing.ConsentRecord{Decision: housing.ConsentAccepted, At: ago(10, 0, 0)}, now), housing.Keep},
		{"withdrawn consent 10 years", p.Consent(&housing.ConsentRecord{Decision: housing.ConsentWithdrawn, At: ago(10, 0, 0)}, now), housing.Keep},
		{"sent message 31 days", p.OutboxDone(ago(0, 0, 31), now), housing.Delete},
		{"sent message 29 days", p.OutboxDone(ago(0, 0, 29), now), housing.Keep},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: verdict %v; want %v", tc.name, tc.got, tc.want)
		}
	}
	var keepAll housing.RetentionPolicy
	if v := keepAll.CheckIn(checkin(ago(20, 0, 0), "n"), now); v != housing.Keep {
		t.Errorf("zero policy CheckIn(20 years) = %v; want Keep", v)
	}
}
