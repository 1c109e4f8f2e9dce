package bot

import (
	"slices"
	"strconv"
	"testing"

	"github.com/convivo/convivo/housing"
)

// TestLifeCatalogCoversComputedIDs checks the house-life message ids the
// code builds at run time, which TestCatalogCoversCode cannot see.
func TestLifeCatalogCoversComputedIDs(t *testing.T) {
	it := readCatalog(t, housing.LangIT)
	var need []string
	for d := range 7 {
		need = append(need, "rota.day."+strconv.Itoa(d), "prefs.day."+strconv.Itoa(d))
	}
	for _, k := range housing.ReminderKinds() {
		need = append(need, "prefs.kind."+string(k))
	}
	for _, n := range awayChoices() {
		need = append(need, "prefs.away."+strconv.Itoa(n))
	}
	for _, r := range []housing.RSVPResult{housing.RSVPConfirmed, housing.RSVPWaitlisted, housing.RSVPMaybe, housing.RSVPDeclined} {
		need = append(need, "outing.rsvp."+string(r))
	}
	need = append(need, housing.TaskKeys()...)
	for _, f := range []string{flowOuting, flowRota, flowCheckIn} {
		need = append(need, "cancel."+f)
	}
	for _, id := range need {
		if _, ok := it[id]; !ok {
			t.Errorf("the code builds message id %q, which the catalog lacks", id)
		}
	}
	for _, h := range prefHours() {
		if h < 8 || h > 20 {
			t.Errorf("hour %d offered, in the default quiet hours 21:00-08:00", h)
		}
	}
	if !slices.IsSorted(prefHours()) {
		t.Errorf("hours offered out of order: %v", prefHours())
	}
}
