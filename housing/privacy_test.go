package housing_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

func TestReplaceID(t *testing.T) {
	for _, tc := range []struct {
		s, want string
		changed bool
	}{
		{"p_1", "ps_X", true},
		{"care/p_1", "care/ps_X", true},
		{"pl_9:at-risk:mood.low|p_1,silence|p_1", "pl_9:at-risk:mood.low|ps_X,silence|ps_X", true},
		{"checkin:p_1:2026-W48", "checkin:ps_X:2026-W48", true},
		{"p_12", "p_12", false},
		{"xp_1", "xp_1", false},
		{"p_1-b", "p_1-b", false},
		{"nothing here", "nothing here", false},
		{"", "", false},
	} {
		got, changed := housing.ReplaceID(tc.s, "p_1", "ps_X")
		if got != tc.want || changed != tc.changed {
			t.Errorf("ReplaceID(%q, p_1, ps_X) = %q, %v; want %q, %v", tc.s, got, changed, tc.want, tc.changed)
		}
		if c := housing.ContainsID(tc.s, "p_1"); c != tc.changed {
			t.Errorf("ContainsID(%q, p_1) = %v; want %v", tc.s, c, tc.changed)
		}
	}
}

func TestPseudonymizeJSON(t *testing.T) {
	l := housing.Ledger{HomeID: "h_1", Balance: map[string]int{"p_1": 5, "p_2": 3},
		Months: map[string]map[string]int{"2026-11": {"p_1": 2}}, Version: 9007199254740993}
	b, _ := json.Marshal(l)
	out, changed, err := housing.PseudonymizeJSON(b, "p_1", "ps_X")
	if err != nil || !changed {
		t.Fatalf("PseudonymizeJSON(ledger) = %v, %v; want a change", changed, err)
	}
	var got housing.Ledger
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decoding the result: %v", err)
	}
	want := housing.Ledger{HomeID: "h_1", Balance: map[string]int{"ps_X": 5, "p_2": 3},
		Months: map[string]map[string]int{"2026-11": {"ps_X": 2}}, Version: 9007199254740993}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PseudonymizeJSON(ledger) mismatch (-want +got):\n%s", diff)
	}
	pl := housing.Placement{ID: "pl_1", Residents: []string{"p_10", "p_2"}, HomeID: "h_1"}
	b, _ = json.Marshal(pl)
	if same, changed, err := housing.PseudonymizeJSON(b, "p_1", "ps_X"); changed || err != nil || string(same) != string(b) {
		t.Errorf("PseudonymizeJSON(placement without p_1) = %s, %v, %v; want it unchanged", same, changed, err)
	}
}

func TestPseudonyms(t *testing.T) {
	a, b := housing.NewPseudonym(), housing.NewPseudonym()
	if a == b || !housing.IsPseudonym(a) || !housing.ValidID(a) {
		t.Errorf("NewPseudonym() = %q, %q; want two different valid pseudonyms", a, b)
	}
	for _, s := range []string{"p_1", "ps_", "ps_" + strings.Repeat("g", 32), "ps_" + strings.Repeat("a", 31)} {
		if housing.IsPseudonym(s) {
			t.Errorf("IsPseudonym(%q) = true; want false", s)
		}
	}
}

func TestPseudonymizeAudit(t *testing.T) {
	known := map[string]bool{"p_sw": true}
	ps := func(id string, subject bool) (string, error) {
		if subject || known[id] {
			return "ps(" + id + ")", nil
		}
		return "", nil
	}
	for _, tc := range []struct {
		name     string
		in, want housing.AuditEntry
	}{
		{"staff reads care",
			housing.AuditEntry{Actor: "p_sw", Record: "care/p_1", Subject: "p_1"},
			housing.AuditEntry{Actor: "ps(p_sw)", Record: "care/ps(p_1)", Subject: "ps(p_1)"}},
		{"person reads own profile",
			housing.AuditEntry{Actor: "p_1", Record: "profile/p_1", Subject: "p_1"},
			housing.AuditEntry{Actor: "ps(p_1)", Record: "profile/ps(p_1)", Subject: "ps(p_1)"}},
		{"cli and a non-person record",
			housing.AuditEntry{Actor: "cli:anna", Record: "proposal/pr_1", Subject: "p_1"},
			housing.AuditEntry{Actor: "cli:anna", Record: "proposal/pr_1", Subject: "ps(p_1)"}},
		{"unknown actor, no subject",
			housing.AuditEntry{Actor: "bot", Record: "invitation/inv_1"},
			housing.AuditEntry{Actor: "bot", Record: "invitation/inv_1"}},
		{"already a pseudonym",
			housing.AuditEntry{Actor: "cli", Record: "person", Subject: "ps_0123456789abcdef0123456789abcdef"},
			housing.AuditEntry{Actor: "cli", Record: "person", Subject: "ps_0123456789abcdef0123456789abcdef"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in
			if err := housing.PseudonymizeAudit(&got, ps); err != nil {
				t.Fatalf("PseudonymizeAudit() = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("PseudonymizeAudit(%+v) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// chain returns n entries chained from the start, one a day from day 0.
func chain(n int) []housing.AuditEntry {
	t0 := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	var es []housing.AuditEntry
	prev := ""
	for i := range n {
		e := housing.AuditEntry{Seq: int64(i + 1), At: t0.AddDate(0, 0, i), Actor: "cli", Action: "care.read", PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		es = append(es, e)
	}
	return es
}

func TestVerifyChainFrom(t *testing.T) {
	es := chain(5)
	if bad, ok := housing.VerifyChain(es); !ok {
		t.Fatalf("VerifyChain(fresh chain) broken at %d", bad)
	}
	n, anchor := housing.PruneAudit(es, housing.AuditAnchor{}, es[2].At)
	if n != 2 || anchor != (housing.AuditAnchor{Seq: 2, Hash: es[1].Hash}) {
		t.Fatalf("PruneAudit(before day 2) = %d, %+v; want 2 entries and seq 2's hash", n, anchor)
	}
	kept := es[n:]
	if bad, ok := housing.VerifyChain(kept); ok || bad != 1 {
		t.Errorf("VerifyChain(pruned log, no anchor) = %d, %v; want 1, false", bad, ok)
	}
	if bad, ok := housing.VerifyChainFrom(kept, anchor); !ok {
		t.Errorf("VerifyChainFrom(pruned log, anchor) broken at %d", bad)
	}
	forged := housing.AuditAnchor{Seq: 2, Hash: strings.Repeat("0", 64)}
	if bad, ok := housing.VerifyChainFrom(kept, forged); ok || bad != 3 {
		t.Errorf("VerifyChainFrom(pruned log, forged anchor) = %d, %v; want 3, false", bad, ok)
	}
	gap := append([]housing.AuditEntry{kept[0]}, kept[2:]...)
	if bad, ok := housing.VerifyChainFrom(gap, anchor); ok || bad != 4 {
		t.Errorf("VerifyChainFrom(entry 4 missing) = %d, %v; want 4, false", bad, ok)
	}
	if n, _ := housing.PruneAudit(es, housing.AuditAnchor{}, es[0].At); n != 0 {
		t.Errorf("PruneAudit(horizon at the first entry) = %d; want 0", n)
	}
	pe := housing.PruneEntry(1, anchor, es[4].At)
	if pe.Action != "audit.prune" || !strings.Contains(pe.Purpose, anchor.Hash) || pe.Validate() != nil {
		t.Errorf("PruneEntry() = %+v; want a valid audit.prune entry naming the anchor", pe)
	}
}
