package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/convivo/convivo/housing"
)

// callerAs returns a Telegram user the bot sees in role (a housing role or
// a pseudo-role).
func (h *harness) callerAs(id int64, role housing.Role) *tgUser {
	h.t.Helper()
	u := h.user(id, "it")
	switch role {
	case roleStranger:
	case roleInvited:
		u.say("/start " + h.invite(housing.RoleBeneficiary))
		u.expect("Prima di cominciare")
	case rolePaused:
		h.addPerson(id, housing.RoleBeneficiary, func(p *housing.Person) { p.Status = housing.StatusPaused })
	default:
		h.addPerson(id, role)
	}
	return u
}

// TestRoleTable walks every command for every role against the running bot
// and compares what happened with the role table.
func TestRoleTable(t *testing.T) {
	h := newHarness(t)
	forged, _ := housing.NewInvitationToken()
	id := int64(5000)
	for _, role := range callerRoles() {
		for _, cmd := range commands() {
			t.Run(fmt.Sprintf("%s/%s", role, cmd.name), func(t *testing.T) {
				id++
				u := h.callerAs(id, role)
				text := "/" + cmd.name
				if cmd.action == actStart {
					text += " " + forged // so that a stranger's /start is more than a refusal
				}
				u.say(text)
				reply := u.expect("").Text
				denied := strings.Contains(reply, "non si può fare da qui") || strings.Contains(reply, "solo su invito")
				if want := allowed(role, cmd.action); denied == want {
					t.Errorf("%s by %s: reply %q; allowed by the table: %v", text, role, reply, want)
				}
				if cmd.action == actHelp && !denied {
					checkHelp(t, role, reply)
				}
			})
		}
	}
}

// checkHelp checks that /help lists exactly the commands role may use.
func checkHelp(t *testing.T, role housing.Role, reply string) {
	t.Helper()
	var got, want []string
	for _, line := range strings.Split(reply, "\n") {
		if name, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(name, "/") {
			got = append(got, name[1:])
		}
	}
	for _, c := range commandsFor(role) {
		want = append(want, c.name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("/help of %s lists (-want +got):\n%s", role, diff)
	}
}

func TestPermissions(t *testing.T) {
	table := permissions()
	for _, r := range callerRoles() {
		if _, ok := table[r]; !ok {
			t.Errorf("role %q has no row in the table", r)
		}
	}
	if len(table) != len(callerRoles()) {
		t.Errorf("the table has %d rows; want one per caller role (%d)", len(table), len(callerRoles()))
	}
	for _, tc := range []struct {
		role housing.Role
		a    action
		want bool
	}{
		{"nobody", actHelp, false},
		{housing.RoleAdmin, "no-such-action", false},
		{roleStranger, actStart, true},
		{roleStranger, actHelp, false},
		{roleInvited, actConsent, true},
		{roleInvited, actInterview, false},
		{rolePaused, actPrivacy, true},
		{rolePaused, actInterview, false},
		{rolePaused, actProfile, false},
		{housing.RoleBeneficiary, actInterview, true},
		{housing.RoleBeneficiary, actInvite, false},
		{housing.RoleHost, actProfile, true},
		{housing.RoleMediator, actInterview, false},
		{housing.RoleMediator, actInvite, false},
		{housing.RoleSocialWorker, actInvite, true},
		{housing.RoleSocialWorker, actInviteStaff, false},
		{housing.RoleAdmin, actInviteStaff, true},
		{housing.RoleAdmin, actConsent, false},
	} {
		if got := allowed(tc.role, tc.a); got != tc.want {
			t.Errorf("allowed(%q, %q) = %v; want %v", tc.role, tc.a, got, tc.want)
		}
	}
	for _, r := range housing.Roles() {
		if r.Staff() && allowed(r, actInterview) {
			t.Errorf("staff role %s may answer the interview", r)
		}
	}
}

func TestInvitableRoles(t *testing.T) {
	residents := []housing.Role{housing.RoleBeneficiary, housing.RoleCoResident, housing.RoleHost}
	for _, tc := range []struct {
		inviter housing.Role
		want    []housing.Role
	}{
		{housing.RoleAdmin, housing.Roles()},
		{housing.RoleSocialWorker, residents},
		{housing.RoleMediator, nil},
		{housing.RoleBeneficiary, nil},
		{roleStranger, nil},
	} {
		if diff := cmp.Diff(tc.want, invitableRoles(tc.inviter)); diff != "" {
			t.Errorf("invitableRoles(%s) (-want +got):\n%s", tc.inviter, diff)
		}
	}
}

func TestPressAction(t *testing.T) {
	live := conversation{Keyboard: "live"}
	for _, tc := range []struct {
		kind, flow, id string
		want           action
	}{
		{kindLang, "", "x", actLanguage},
		{kindPrivacy, "", "x", actPrivacy},
		{kindChange, "", "x", actProfile},
		{kindFlow, flowConsent, "live", actConsent},
		{kindFlow, flowInterview, "live", actInterview},
		{kindFlow, flowInvite, "live", actInvite},
		{kindFlow, flowInterview, "old", ""},
		{kindFlow, flowNone, "live", ""},
		{"unknown", flowInterview, "live", ""},
	} {
		c := &caller{conv: live}
		c.conv.Flow = tc.flow
		got := pressAction(c, press{actionID: tc.id, action: pendingAction{Kind: tc.kind}})
		if got != tc.want {
			t.Errorf("pressAction(kind %s, flow %q, id %s) = %q; want %q", tc.kind, tc.flow, tc.id, got, tc.want)
		}
	}
}

func TestCommandsHaveValidNames(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands() {
		if seen[c.name] || c.name != strings.ToLower(c.name) || len(c.name) > 32 {
			t.Errorf("command %q is repeated or not a valid Telegram command", c.name)
		}
		seen[c.name] = true
	}
	for alias, canon := range commandAliases() {
		if c, ok := lookupCommand(alias); !ok || c.name != canon {
			t.Errorf("lookupCommand(%q) = %v, %v; want %s", alias, c, ok, canon)
		}
	}
	if !slices.ContainsFunc(commands(), func(c command) bool { return c.action == actInvite }) {
		t.Errorf("no command invites")
	}
}

// TestCommandsPerRole pins the policy: changing the table means changing
// this list on purpose.
func TestCommandsPerRole(t *testing.T) {
	want := map[housing.Role]string{
		roleStranger:             "start",
		roleInvited:              "start help lingua annulla",
		rolePaused:               "start help lingua privacy imieidati cancella",
		housing.RoleBeneficiary:  "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla",
		housing.RoleCoResident:   "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla",
		housing.RoleHost:         "start help profilo turni fatto uscita promemoria segnala lingua privacy imieidati cancella annulla",
		housing.RoleMediator:     "start help turni uscita segnala lingua privacy imieidati cancella annulla proposte convivenze convivenza abbina allerte allerta",
		housing.RoleSocialWorker: "start help uscita lingua privacy imieidati cancella annulla invita allerte allerta",
		housing.RoleAdmin:        "start help uscita lingua privacy imieidati cancella annulla invita allerte allerta",
	}
	for _, role := range callerRoles() {
		var names []string
		for _, c := range commandsFor(role) {
			names = append(names, c.name)
		}
		if got := strings.Join(names, " "); got != want[role] {
			t.Errorf("commandsFor(%s) = %q; want %q", role, got, want[role])
		}
	}
}
