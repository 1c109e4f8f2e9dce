package bot

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every message of every catalog is either for staff or for the people
// who live in homes (beneficiaries, co-residents, hosts), who must never
// read a diagnosis, a care detail, a case code, another person's full name
// or an address in a notification. A message is resident-facing unless
// the table below says it is for staff: a new message is checked until
// someone decides otherwise.

// staffPrefixes are message id prefixes only staff read.
func staffPrefixes() []string {
	return []string{"alert.", "risk.", "constraint.", "factor.", "warn.", "round.", "review."}
}

// staffIDs are the staff-only messages outside staffPrefixes.
func staffIDs() []string {
	return []string{
		"invite.link", "invite.choose_role", "invite.choose_district", // /invita
		"consent.notice_staff", "consent.staff_welcome", "privacy.worker_notice",
		"outing.ask_homes", "outing.btn_district", "outing.btn_homes_done", // staff invite homes of a district
		"rota.choose_home", "rota.no_homes", // a mediator's /turni
		"report.ask_kind_staff", "report.ask_place_staff", "report.done_later_staff", "report.done_now_staff",
		"report.kind.arrears_staff", "report.kind.conflict_staff", "report.no_home_staff",
		"rights.erase.staff",
	}
}

// residentReview are the review messages residents read: introductions,
// their answers, and the news of their placement.
func residentReview() []string {
	return []string{
		"review.intro.host", "review.intro.join", "review.intro.peer", "review.intro.yes", "review.intro.no",
		"review.intro.thanks_yes", "review.intro.thanks_no", "review.intro.already", "review.intro.closed",
		"review.intro.off", "review.meet.people", "review.start.people", "review.trial.people",
	}
}

// residentFacing reports whether message id may reach a resident.
func residentFacing(id string) bool {
	if slices.Contains(residentReview(), id) {
		return true
	}
	if slices.Contains(staffIDs(), id) {
		return false
	}
	return !slices.ContainsFunc(staffPrefixes(), func(p string) bool { return strings.HasPrefix(id, p) })
}

// deniedPlaceholder matches the placeholders that must not fill a
// resident's message: addresses and places, health and care, case codes
// and ids, surnames and labels, scores, levels and reasons, notes, and the
// staff's "Who" (a case code and a name).
var deniedPlaceholder = regexp.MustCompile(`^(Address|Place|Diagnos\w*|Care\w*|Health\w*|Medic\w*|Note|Notes|Code|CaseCode|Codes|ID|Home|Placement|Surname|LastName|FullName|Label|Score|Level|Reason\w*|Who|Member|Members|Query)$`)

// placeAllowed are the resident messages that carry a place on purpose:
// the meeting point of a confirmed meeting (the only address a resident
// gets) and of an outing they are invited to.
func placeAllowed() []string {
	return []string{"review.meet.people", "outing.card", "outing.remind_eve", "outing.remind_soon"}
}

// stigmaIT and stigmaEN find the words residents must never read.
var (
	stigmaIT = regexp.MustCompile(`(?i)\b(utent[ei]|pazient[ei]|beneficiar\w*|cas[oi]|diagnos\w*|psichiatr\w*|dipendenz\w*|tossicodipend\w*|malat\w*|disturb[oi]\s+(mental|psichic)\w*|SerDP|CSM|terapi\w*|farmac\w*)\b`)
	stigmaEN = regexp.MustCompile(`(?i)\b(users?|patients?|beneficiar\w*|clients?|cases?|diagnos\w*|psychiatr\w*|addict\w*|illness\w*|disorders?|sick\w*|SerDP|CSM|therap\w*|medication\w*)\b`)
)

// fieldRE finds a field in a template action; actionRE finds the actions.
var (
	fieldRE  = regexp.MustCompile(`\.([A-Za-z_]\w*)`)
	actionRE = regexp.MustCompile(`\{\{.*?\}\}`)
)

// catalogMessages returns every message of every catalog: file → id →
// text.
func catalogMessages(t *testing.T) map[string]map[string]string {
	t.Helper()
	files, err := fs.Glob(locales, "locales/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("catalogs: %v, %v", files, err)
	}
	out := map[string]map[string]string{}
	for _, f := range files {
		raw, err := fs.ReadFile(locales, f)
		if err != nil {
			t.Fatal(err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(raw, &msgs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[path.Base(f)] = msgs
	}
	return out
}

// templateFields returns every field text's template actions use:
// {{.Name}}, {{if and .Many .Others}}.
func templateFields(text string) []string {
	var out []string
	for _, action := range actionRE.FindAllString(text, -1) {
		for _, m := range fieldRE.FindAllStringSubmatch(action, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

func TestResidentTemplatesCarryNoSensitivePlaceholders(t *testing.T) {
	checked := 0
	for file, msgs := range catalogMessages(t) {
		for id, text := range msgs {
			if !residentFacing(id) {
				continue
			}
			checked++
			for _, p := range templateFields(text) {
				if deniedPlaceholder.MatchString(p) && !(p == "Place" && slices.Contains(placeAllowed(), id)) {
					t.Errorf("%s: resident message %s uses {{.%s}}: %q", file, id, p, text)
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d resident messages; the classification is broken", checked)
	}
}

func TestResidentTemplatesUseNoStigmatisingWords(t *testing.T) {
	for file, msgs := range catalogMessages(t) {
		words := stigmaIT
		if strings.HasSuffix(file, "en.json") {
			words = stigmaEN
		}
		for id, text := range msgs {
			if w := words.FindString(text); residentFacing(id) && w != "" {
				t.Errorf("%s: resident message %s says %q: %q", file, id, w, text)
			}
		}
	}
}

// TestTemplateClassification keeps the table honest: every staff id and
// prefix names messages that exist, and the denied placeholders and words
// are really found where staff messages use them.
func TestTemplateClassification(t *testing.T) {
	all := map[string]string{}
	for _, msgs := range catalogMessages(t) {
		for id, text := range msgs {
			all[id] = text
		}
	}
	for _, id := range slices.Concat(staffIDs(), residentReview(), placeAllowed()) {
		if _, ok := all[id]; !ok {
			t.Errorf("the classification names %s, which no catalog has", id)
		}
	}
	for _, p := range staffPrefixes() {
		found := false
		for id := range all {
			found = found || strings.HasPrefix(id, p)
		}
		if !found {
			t.Errorf("no message starts with staff prefix %q", p)
		}
	}
	for _, tc := range []struct {
		id, field string
	}{{"alert.card.people", "Codes"}, {"review.card.rejected", "Reason"}, {"alert.card.foot", "Score"}, {"privacy.worker_notice", "Who"}} {
		if residentFacing(tc.id) || !slices.Contains(templateFields(all[tc.id]), tc.field) || !deniedPlaceholder.MatchString(tc.field) {
			t.Errorf("%s: staff-only %v, uses %s: the check would not catch it", tc.id, !residentFacing(tc.id), tc.field)
		}
	}
	if stigmaIT.FindString("Il tuo caso è seguito dal CSM") == "" || stigmaEN.FindString("the patient's case") == "" ||
		stigmaIT.FindString("le case del distretto; il rumore non mi disturba") != "" {
		t.Errorf("the word lists do not find what they should, or find houses")
	}
}
