package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/housing/housingtest"
)

// alertFixture stores two placements (Bologna, Savena Idice), their
// residents, a responsible social worker and a mediator, and three
// alerts: open in Bologna, acknowledged in Savena Idice, resolved in
// Bologna.
func alertFixture(t *testing.T, c *cli) {
	t.Helper()
	ctx := context.Background()
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	var b housingtest.Builder
	person := func(id, code, name string, role housing.Role, district string) {
		p := b.Person(func(p *housing.Person) {
			p.ID, p.Code, p.DisplayName, p.Role, p.District = id, code, name, role, district
		})
		must("CreatePerson", st.CreatePerson(ctx, p))
	}
	person("p_anna", "BO-0811", "Anna", housing.RoleBeneficiary, housing.DistrictBologna)
	person("p_luca", "BO-0812", "Luca", housing.RoleBeneficiary, housing.DistrictBologna)
	person("p_olga", "SI-0001", "Olga", housing.RoleBeneficiary, housing.DistrictSavenaIdice)
	person("p_pia", "SI-0002", "Pia", housing.RoleCoResident, housing.DistrictSavenaIdice)
	person("p_sara", "SW-01", "Sara", housing.RoleSocialWorker, housing.DistrictBologna)
	person("p_mirta", "MD-01", "Mirta", housing.RoleMediator, housing.DistrictBologna)
	must("PutCareInfo", st.PutCareInfo(ctx, &housing.CareInfo{PersonID: "p_anna", SupportIntensity: housing.IntensityLight,
		ResponsibleWorkers: []string{"p_sara"}}))
	at := housingtest.Epoch()
	placement := func(code, district string, residents ...string) housing.Placement {
		home := b.Home(func(h *housing.Home) { h.District = district })
		must("CreateHome", st.CreateHome(ctx, home))
		prop := b.Proposal(home, residents)
		must("CreateProposal", st.CreateProposal(ctx, prop))
		pl, err := st.ApproveProposal(ctx, prop.ID, "p_mirta", at)
		must("ApproveProposal", err)
		for _, to := range []housing.PlacementStatus{housing.PlacementIntroduced, housing.PlacementActive} {
			must("Move", pl.Move(to, "p_mirta", at, ""))
			must("UpdatePlacement", st.UpdatePlacement(ctx, &pl))
		}
		pl.Code = code
		must("UpdatePlacement", st.UpdatePlacement(ctx, &pl))
		return pl
	}
	bo := placement("PL-BO", housing.DistrictBologna, "p_anna", "p_luca")
	si := placement("PL-SI", housing.DistrictSavenaIdice, "p_olga", "p_pia")
	alert := func(id string, pl housing.Placement, level housing.AlertLevel, created time.Time, rs ...housing.Reason) *housing.Alert {
		a := &housing.Alert{ID: id, PlacementID: pl.ID, Level: level, Score: 30, Reasons: rs,
			DedupKey: id, CreatedAt: created, Status: housing.AlertOpen}
		must("PutAlert", st.PutAlert(ctx, a))
		return a
	}
	alert("al_open", bo, housing.AlertWatch, at.Add(2*time.Hour),
		housing.Reason{Key: housing.ReasonCheckInsMissed, PersonID: "p_luca", N: 3, Contribution: 20},
		housing.Reason{Key: housing.ReasonChoresLow, N: 2, Of: 9, Contribution: 24})
	acked := alert("al_acked", si, housing.AlertAtRisk, at.Add(time.Hour),
		housing.Reason{Key: housing.ReasonConflict, N: 2, Contribution: 60})
	must("Acknowledge", acked.Acknowledge("p_mirta", at.Add(3*time.Hour)))
	must("PutAlert", st.PutAlert(ctx, acked))
	done := alert("al_done", bo, housing.AlertUrgent, at,
		housing.Reason{Key: housing.ReasonTalkRequest, PersonID: "p_anna", N: 1})
	must("Resolve", done.Resolve("p_sara", "colloquio fatto", at.Add(5*time.Hour)))
	must("PutAlert", st.PutAlert(ctx, done))
}

func TestAlertsCommand(t *testing.T) {
	c := newCLI(t)
	c.env["CONVIVO_TIMEZONE"] = "UTC"
	alertFixture(t, c)
	out := c.mustRun("", "alerts")
	for _, want := range []string{
		"al_acked  at-risk  PL-SI (Savena Idice)  created 2026-11-26 10:00  acknowledged by MD-01 Mirta",
		"  - 2 conflicts reported in the last 30 days",
		"al_open  watch  PL-BO (Bologna)  created 2026-11-26 11:00  open",
		"  codes: BO-0811, BO-0812",
		"  - BO-0812: 3 weekly check-ins missed in a row",
		"  - chores done 2/9 in the last 3 weeks",
		"2 alerts",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("convivo alerts printed:\n%s\nwant it to contain %q", out, want)
		}
	}
	if strings.Index(out, "al_acked") > strings.Index(out, "al_open") {
		t.Errorf("convivo alerts printed them out of order (oldest first):\n%s", out)
	}
	for _, name := range []string{"Anna", "Luca", "Olga", "Pia", "al_done"} {
		if strings.Contains(out, name) {
			t.Errorf("convivo alerts printed %q:\n%s", name, out)
		}
	}

	for _, tc := range []struct {
		args       []string
		want, not  string
		wantAlerts string
	}{
		{[]string{"--district", "Bologna"}, "al_open", "al_acked", "1 alerts"},
		{[]string{"--status", "resolved", "--lang", "it"}, "resolved by SW-01 Sara 26/11/2026 14:00", "al_open", "1 alerts"},
		{[]string{"--status", "resolved"}, "  note: colloquio fatto", "al_acked", "1 alerts"},
		{[]string{"--status", "all"}, "BO-0811 asked to talk to their worker", "", "3 alerts"},
		{[]string{"--as", "p_sara"}, "al_open", "al_acked", "1 alerts"},
		{[]string{"--as", "p_mirta", "--lang", "it"}, "faccende fatte 2/9 nelle ultime 3 settimane", "al_acked", "1 alerts"},
	} {
		out := c.mustRun("", append([]string{"alerts"}, tc.args...)...)
		if !strings.Contains(out, tc.want) || !strings.Contains(out, tc.wantAlerts) || (tc.not != "" && strings.Contains(out, tc.not)) {
			t.Errorf("convivo alerts %v printed:\n%s\nwant %q and %q, not %q", tc.args, out, tc.want, tc.wantAlerts, tc.not)
		}
	}

	for _, args := range [][]string{
		{"--status", "maybe"}, {"--lang", "fr"}, {"--as", "p_nobody"}, {"--as", "p_anna"},
		{"--as", "p_sara", "--status", "resolved"}, {"--district", "Atlantide"}, {"extra"},
	} {
		if code, _, errs := c.run("", append([]string{"alerts"}, args...)...); code != exitUsage {
			t.Errorf("convivo alerts %v = exit %d (%s); want %d", args, code, errs, exitUsage)
		}
	}
	st, err := boltstore.Open(c.env["CONVIVO_DATA"], boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, err := st.AuditLog(context.Background(), housing.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	listed := 0
	for _, e := range log {
		if e.Action == "alert.list" {
			listed++
		}
	}
	if listed < 4 {
		t.Errorf("the audit log has %d alert.list entries; want one per resident of each listed alert", listed)
	}
}
