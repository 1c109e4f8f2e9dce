package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/housingtest"
	"github.com/convivo/convivo/housing/seal"
	"github.com/convivo/convivo/housing/storetest"
	"github.com/convivo/convivo/scheduler"
)

// testKey returns a key spec "id:base64" of 32 copies of fill.
func testKey(id string, fill byte) string {
	return id + ":" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{fill}, seal.KeySize))
}

// filled returns a CLI on a data file sealed under k1 that holds
// storetest.FillPerson's person and records.
func filled(t *testing.T) (*cli, storetest.Marks, storetest.Filled) {
	t.Helper()
	c := newCLI(t)
	c.env["CONVIVO_DATA_KEY"] = testKey("k1", 1)
	st, err := openStore(t.Context(), mustConfig(t, c))
	if err != nil {
		t.Fatalf("openStore() = %v", err)
	}
	m := storetest.DefaultMarks()
	f := storetest.FillPerson(t, st, m)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return c, m, f
}

// mustConfig loads c's configuration.
func mustConfig(t *testing.T, c *cli) Config {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string { return c.env[k] })
	if err != nil {
		t.Fatalf("LoadConfig() = %v", err)
	}
	return cfg
}

func TestLoadKeyring(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, mode os.FileMode, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := file("key", 0o600, "# rotated 2026-11\n"+testKey("k2", 2)+"\n"+testKey("k1", 1)+"\n")
	loose := file("loose", 0o644, testKey("k1", 1))
	for _, tc := range []struct {
		name      string
		key, path string
		active    string // "" for no keyring
		wantErr   string
	}{
		{"none", "", "", "", ""},
		{"env", testKey("k1", 1), "", "k1", ""},
		{"file, first key active", "", good, "k2", ""},
		{"both", testKey("k1", 1), good, "", "not both"},
		{"readable file", "", loose, "", "chmod 600"},
		{"missing file", "", filepath.Join(dir, "nope"), "", "CONVIVO_DATA_KEY_FILE"},
		{"short key", "k1:" + base64.StdEncoding.EncodeToString([]byte("short")), "", "", "want 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := loadKeyring(Config{DataKey: tc.key, DataKeyFile: tc.path})
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), testKey("k1", 1)[3:]) {
					t.Errorf("loadKeyring() = %v; want an error with %q that does not repeat the key", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("loadKeyring() = %v", err)
			case tc.active == "" && k != nil, tc.active != "" && (k == nil || k.Active() != tc.active):
				t.Errorf("loadKeyring() = %v; want active key %q", k, tc.active)
			}
		})
	}
}

// TestRefusesWithoutKey: sealed data and no key (or a wrong one) stop
// every command, serve included, with one line.
func TestRefusesWithoutKey(t *testing.T) {
	c, _, _ := filled(t)
	c.mustRun("", "people")
	c.env["CONVIVO_TELEGRAM_TOKEN"] = "123:abc"
	for _, tc := range []struct {
		key  string
		want string
	}{
		{"", "data is encrypted: set CONVIVO_DATA_KEY"},
		{testKey("k1", 9), "does not open this store's data"},
		{testKey("k2", 2), `sealed under key "k1"`},
	} {
		c.env["CONVIVO_DATA_KEY"] = tc.key
		for _, args := range [][]string{{"people"}, {"serve"}} {
			code, _, errs := c.run("", args...)
			if code != 1 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("convivo %v with key %q = exit %d, %q; want exit 1 and one line with %q", args, tc.key, code, errs, tc.want)
			}
		}
	}
	st, err := openStore(t.Context(), Config{DataPath: c.env["CONVIVO_DATA"], DataKey: testKey("k1", 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := sensitiveDataWithoutKey(t.Context(), st, nil); err == nil || !strings.Contains(err.Error(), "set CONVIVO_DATA_KEY") {
		t.Errorf("sensitiveDataWithoutKey(people, no key) = %v; want an error", err)
	}
	if err := sensitiveDataWithoutKey(t.Context(), st, &seal.Keyring{}); err != nil {
		t.Errorf("sensitiveDataWithoutKey(people, a key) = %v; want nil", err)
	}
}

// tamperBolt rewrites the action of audit entry seq in the data file.
func tamperBolt(t *testing.T, path string, seq int64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		key := []byte{0, 0, 0, 0, 0, 0, 0, byte(seq)}
		v := b.Get(key)
		if v == nil {
			return errors.New("no such entry")
		}
		return b.Put(key, bytes.Replace(v, []byte(`"care.read"`), []byte(`"care.list"`), 1))
	})
	if err != nil {
		t.Fatalf("tampering with entry %d: %v", seq, err)
	}
}

func TestAuditVerifyBolt(t *testing.T) {
	c, _, _ := filled(t)
	if out := c.mustRun("", "audit", "verify"); !strings.Contains(out, "3 entries, seq 1 to 3, chain intact") {
		t.Errorf("audit verify = %q; want 3 entries intact", out)
	}
	tamperBolt(t, c.env["CONVIVO_DATA"], 1)
	code, _, errs := c.run("", "audit", "verify")
	if code != 1 || !strings.Contains(errs, "broken at seq 1") {
		t.Errorf("audit verify after tampering = exit %d, %q; want 1 and seq 1", code, errs)
	}
}

// redisCLI returns a CLI on a fresh namespace of CONVIVO_TEST_REDIS_URL,
// deleted when the test ends, and a raw client; it skips without the URL.
func redisCLI(t *testing.T) (*cli, *redis.Client, string) {
	t.Helper()
	url := os.Getenv("CONVIVO_TEST_REDIS_URL")
	if url == "" {
		t.Skip("CONVIVO_TEST_REDIS_URL not set")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	var b [6]byte
	_, _ = rand.Read(b[:])
	ns := "cli-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, "{"+ns+"}:*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	c := newCLI(t)
	c.env["CONVIVO_REDIS_URL"], c.env["CONVIVO_REDIS_NAMESPACE"] = url, ns
	return c, rdb, "{" + ns + "}:"
}

func TestAuditVerifyRedis(t *testing.T) {
	c, rdb, ns := redisCLI(t)
	c.env["CONVIVO_DATA_KEY"] = testKey("k1", 1)
	for range 3 {
		c.mustRun("", "invite", "--role", "mediator", "--district", "Bologna")
	}
	if out := c.mustRun("", "audit", "verify"); !strings.Contains(out, "3 entries, seq 1 to 3, chain intact") {
		t.Errorf("audit verify = %q; want 3 entries intact", out)
	}
	ctx := t.Context()
	v, err := rdb.Get(ctx, ns+"audit:2").Result()
	if err != nil {
		t.Fatal(err)
	}
	rdb.Set(ctx, ns+"audit:2", strings.Replace(v, "invitation.create", "invitation.revoke", 1), 0)
	code, _, errs := c.run("", "audit", "verify")
	if code != 1 || !strings.Contains(errs, "broken at seq 2") {
		t.Errorf("audit verify after altering entry 2 = exit %d, %q; want 1 and seq 2", code, errs)
	}
	rdb.Set(ctx, ns+"audit:2", v, 0)
	c.mustRun("", "audit", "verify")
	rdb.Del(ctx, ns+"audit:3")
	if code, _, errs := c.run("", "audit", "verify"); code != 1 || !strings.Contains(errs, "head names seq 3") {
		t.Errorf("audit verify after deleting the last entry = exit %d, %q; want 1 and the head's seq", code, errs)
	}
	c.mustRun("", "invite", "--role", "mediator", "--district", "Bologna")
	if code, _, errs := c.run("", "audit", "verify"); code != 1 || !strings.Contains(errs, "broken at seq 3") {
		t.Errorf("audit verify after deleting entry 3 = exit %d, %q; want 1 and seq 3", code, errs)
	}
}

// TestAuditPerson: the staff view names the staff who read a person's
// data, with role and district, and records that it was looked at.
func TestAuditPerson(t *testing.T) {
	c, m, f := filled(t)
	out := c.mustRun("", "audit", "--person", m.PersonID)
	for _, want := range []string{m.Code, f.Staff.Label() + " (social-worker, Bologna)", "care.read", "care ", "review", "the person themself", "profile.read"} {
		if !strings.Contains(out, want) {
			t.Errorf("audit --person output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ps_") || strings.Contains(out, f.Other.ID) {
		t.Errorf("audit --person shows pseudonyms or another person's entries:\n%s", out)
	}
	again := c.mustRun("", "audit", "--person", m.PersonID)
	if !strings.Contains(again, "audit.read") {
		t.Errorf("the first audit --person was not itself audited:\n%s", again)
	}
	for _, args := range [][]string{{"audit"}, {"audit", "verify", "--person", "x"}, {"audit", "--person", "bad id"}, {"audit", "check"}} {
		if code, _, _ := c.run("", args...); code != 2 {
			t.Errorf("convivo %v = exit %d; want 2", args, code)
		}
	}
	if code, _, errs := c.run("", "audit", "--person", "p_nobody"); code != 1 || !strings.Contains(errs, "not found") {
		t.Errorf("audit --person p_nobody = exit %d, %q; want 1, not found", code, errs)
	}
}

func TestExportPerson(t *testing.T) {
	c, m, f := filled(t)
	out := c.mustRun("", "export", "--person", m.PersonID)
	var doc personExport
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("export --person is not JSON: %v", err)
	}
	if doc.Person.ID != m.PersonID || doc.Profile == nil || doc.Care != nil || len(doc.Consents) != 1 ||
		len(doc.CheckIns) != 1 || len(doc.Events) != 1 || len(doc.Placements) != 1 || len(doc.Assignments) != 1 || len(doc.Outings) != 1 {
		t.Errorf("export --person = %+v; want the person, profile, a consent, check-in, event, placement, chore and outing, no care fields", doc)
	}
	if strings.Contains(out, f.Other.ID) || strings.Contains(out, f.Staff.DisplayName) {
		t.Errorf("export --person names another resident or a member of staff:\n%s", out)
	}
	if len(doc.AccessLog) < 2 || doc.AccessLog[0].Who != "social-worker, Bologna" || doc.AccessLog[1].Who != "you" {
		t.Errorf("export --person access log = %+v; want staff by role and district, then you", doc.AccessLog)
	}
	withCare := c.mustRun("", "export", "--person", m.PersonID, "--with-care")
	if !strings.Contains(withCare, m.Note) || !strings.Contains(withCare, `"care"`) {
		t.Errorf("export --person --with-care lacks the care fields")
	}
	log := c.mustRun("", "audit", "--person", m.PersonID)
	if strings.Count(log, "person.export") != 2 || !strings.Contains(log, "care.read") {
		t.Errorf("exports were not audited:\n%s", log)
	}
	for _, args := range [][]string{{"export", "--with-care"}, {"export", "--person", m.PersonID, "--district", "Bologna"}} {
		if code, _, _ := c.run("", args...); code != 2 {
			t.Errorf("convivo %v = exit %d; want 2", args, code)
		}
	}
}

func TestErase(t *testing.T) {
	c, m, f := filled(t)
	preview := c.mustRun("", "erase", "--person", m.PersonID)
	if !strings.Contains(preview, "Nothing was changed") || !strings.Contains(preview, "1 check-ins") {
		t.Errorf("erase without --yes = %q; want a preview", preview)
	}
	code, _, errs := c.run("", "erase", "--person", m.PersonID, "--yes")
	if code != 1 || !strings.Contains(errs, "open placement "+f.Placement.ID) {
		t.Errorf("erase of someone in an open placement = exit %d, %q; want 1 and the placement", code, errs)
	}
	out := c.mustRun("", "erase", "--person", m.PersonID, "--yes", "--force")
	if !strings.Contains(out, "erased "+m.PersonID) || !strings.Contains(out, "ps_") {
		t.Errorf("erase --yes = %q", out)
	}
	raw, err := os.ReadFile(c.env["CONVIVO_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	for _, mark := range m.Strings() {
		if bytes.Contains(raw, []byte(mark)) {
			t.Errorf("after erase the data file still holds %q", mark)
		}
	}
	if v := c.mustRun("", "audit", "verify"); !strings.Contains(v, "chain intact") {
		t.Errorf("audit verify after erase = %q", v)
	}
	st, err := openStore(t.Context(), mustConfig(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.GetState(t.Context(), f.ActionForThem); !errors.Is(err, housing.ErrNotFound) {
		t.Errorf("the bot's button action for the erased person survived: %v", err)
	}
	if _, err := st.GetState(t.Context(), "act:other"); err != nil {
		t.Errorf("someone else's button action went too: %v", err)
	}
	st.Close()
	if code, _, _ := c.run("", "erase", "--person", m.PersonID, "--yes"); code != 1 {
		t.Errorf("erasing again = exit %d; want 1 (no such person)", code)
	}
	if code, _, _ := c.run("", "erase", "--yes"); code != 2 {
		t.Errorf("erase without --person = exit %d; want 2", code)
	}
}

// TestEraseThroughAdminSocket: an erasure sent to a running service
// compacts the file the service holds, and the service goes on.
func TestEraseThroughAdminSocket(t *testing.T) {
	c, m, _ := filled(t)
	st, err := openStore(t.Context(), mustConfig(t, c))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	srv := &adminServer{path: adminSocket(c.env["CONVIVO_DATA"]), store: st,
		getenv: func(k string) string { return c.env[k] }, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	var out string
	for range 100 {
		var code int
		if code, out, _ = c.run("", "erase", "--person", m.PersonID, "--yes", "--force"); code == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out, "erased "+m.PersonID) {
		t.Fatalf("erase through the admin socket printed %q", out)
	}
	if people := c.mustRun("", "people"); strings.Contains(people, m.Name) {
		t.Errorf("the service still lists the erased person:\n%s", people)
	}
	raw, err := os.ReadFile(c.env["CONVIVO_DATA"])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(m.Name)) {
		t.Errorf("the file the service holds still has %q after erasure", m.Name)
	}
}

func TestRetentionCommand(t *testing.T) {
	c := newCLI(t)
	st, err := openStore(t.Context(), mustConfig(t, c))
	if err != nil {
		t.Fatal(err)
	}
	old := housingtest.Epoch().AddDate(-3, 0, 0)
	p := &housing.Person{Role: housing.RoleBeneficiary, DisplayName: "A", District: "Bologna", Language: housing.LangIT, Status: housing.StatusActive}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreatePerson(t.Context(), p))
	must(st.PutCheckIn(t.Context(), &housing.CheckIn{PersonID: p.ID, PlacementID: "pl1", Week: "2023-W48", Answered: true, Mood: 3, Note: "n", At: old}))
	must(st.AddConsent(t.Context(), &housing.ConsentRecord{PersonID: p.ID, Decision: housing.ConsentDeclined, TextVersion: "v", Language: housing.LangIT, At: old}))
	must(st.Close())

	dry := c.mustRun("", "retention", "--dry-run")
	if !strings.Contains(dry, "would delete 2 records") || !strings.Contains(dry, "checkin") || !strings.Contains(dry, "audit=24m") {
		t.Errorf("retention --dry-run = %q; want 2 records that would go and the policy", dry)
	}
	if again := c.mustRun("", "retention", "--dry-run"); again != dry {
		t.Errorf("a second dry run differs: the first changed something")
	}
	if out := c.mustRun("", "retention"); !strings.Contains(out, "deleted 2 records") {
		t.Errorf("retention = %q; want 2 deleted", out)
	}
	if out := c.mustRun("", "retention"); !strings.Contains(out, "deleted 0 records") {
		t.Errorf("retention again = %q; want nothing left", out)
	}
	c.env["CONVIVO_RETENTION"] = "checkins=never"
	c.env["CONVIVO_AUDIT_RETENTION"] = "6m"
	if code, _, errs := c.run("", "retention"); code != 2 || !strings.Contains(errs, "CONVIVO_AUDIT_RETENTION") {
		t.Errorf("retention with a 6-month audit log = exit %d, %q; want 2 naming the variable", code, errs)
	}
}

func TestRetentionJob(t *testing.T) {
	c := newCLI(t)
	st, err := openStore(t.Context(), mustConfig(t, c))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := housingtest.Epoch()
	c1 := &housing.CheckIn{PersonID: "p1", PlacementID: "pl1", Week: "2026-W01", Answered: true, Mood: 3, Note: "n", At: at.AddDate(0, -7, 0)}
	if err := st.PutCheckIn(t.Context(), c1); err != nil {
		t.Fatal(err)
	}
	job := retentionJob(st, housing.DefaultRetentionPolicy(), slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return at })
	if job.Name != "retention" || job.Spec != RetentionSpec {
		t.Errorf("retentionJob() = %s %q", job.Name, job.Spec)
	}
	if err := scheduler.ValidateJobs([]scheduler.Job{job}, time.UTC); err != nil {
		t.Errorf("the scheduler refuses the retention job: %v", err)
	}
	for _, dry := range []bool{true, false} {
		if err := job.Run(t.Context(), scheduler.Slot{Job: job.Name, Time: at, DryRun: dry}); err != nil {
			t.Fatalf("Run(dry %v) = %v", dry, err)
		}
		cs, _ := st.CheckIns(t.Context(), housing.CheckInFilter{})
		if got, want := cs[0].Note, map[bool]string{true: "n", false: ""}[dry]; got != want {
			t.Errorf("after a run with DryRun %v the note is %q; want %q", dry, got, want)
		}
	}
}

func TestRotateKeyCommand(t *testing.T) {
	c, m, _ := filled(t)
	spec := c.mustRun("", "rotate-key", "--generate", "k2")
	if _, err := seal.Parse(spec); err != nil || !strings.HasPrefix(spec, "k2:") {
		t.Fatalf("rotate-key --generate k2 = %q (%v); want a key", spec, err)
	}
	c.env["CONVIVO_DATA_KEY"] = strings.TrimSpace(spec) + "," + testKey("k1", 1)
	if out := c.mustRun("", "rotate-key"); !strings.Contains(out, "re-sealed") || strings.Contains(out, "re-sealed 0 ") {
		t.Errorf("rotate-key = %q; want values re-sealed", out)
	}
	c.env["CONVIVO_DATA_KEY"] = strings.TrimSpace(spec)
	if out := c.mustRun("", "export", "--person", m.PersonID, "--with-care"); !strings.Contains(out, m.Note) {
		t.Errorf("after rotation the new key alone does not read the care fields")
	}
	c.env["CONVIVO_DATA_KEY"] = testKey("k1", 1)
	if code, _, _ := c.run("", "people"); code != 1 {
		t.Errorf("the retired key still opens the data (exit %d)", code)
	}
	c.env["CONVIVO_DATA_KEY"] = ""
	if code, _, errs := c.run("", "rotate-key", "--data", filepath.Join(t.TempDir(), "plain.db")); code != 2 || !strings.Contains(errs, "no data key") {
		t.Errorf("rotate-key without a key = exit %d, %q; want 2", code, errs)
	}
	if code, _, _ := c.run("", "rotate-key", "--generate", "bad id"); code != 2 {
		t.Errorf("rotate-key --generate 'bad id' = exit %d; want 2", code)
	}
}

// TestPrivacyHelp: every new command answers --help.
func TestPrivacyHelp(t *testing.T) {
	c := newCLI(t)
	for _, name := range []string{"audit", "erase", "retention", "rotate-key", "export"} {
		code, out, _ := c.run("", name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: convivo "+name) {
			t.Errorf("convivo %s --help = exit %d, %q", name, code, out)
		}
	}
}
