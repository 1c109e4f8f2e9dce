package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/convivo/convivo/housing"
)

// action is something a person can ask the bot to do, by a command or a
// button. Every command and every button kind maps to one action, and the
// role table below says who may do it: it is the single source of truth,
// and anything it does not list is denied.
type action string

// The actions.
const (
	actStart       action = "start"        // /start, with or without an invitation
	actHelp        action = "help"         // /help
	actProfile     action = "profile"      // /profilo and the summary's Change buttons
	actLanguage    action = "language"     // /lingua and its buttons
	actPrivacy     action = "privacy"      // /privacy, withdrawing or giving consent again
	actCancel      action = "cancel"       // /annulla
	actInvite      action = "invite"       // /invita for people who live in homes
	actInviteStaff action = "invite-staff" // /invita for a staff role
	actConsent     action = "consent"      // the Accept / Decline buttons of the notice
	actInterview   action = "interview"    // answering the interview
)

// The pseudo-roles of people the store has no active record for.
const (
	// roleStranger is someone without a record and without an invitation
	// in progress, or someone who left the service.
	roleStranger housing.Role = "stranger"
	// roleInvited redeemed an invitation and has not answered the notice.
	roleInvited housing.Role = "invited"
	// rolePaused withdrew consent (or was paused by staff).
	rolePaused housing.Role = "paused"
)

// callerRoles lists every role a caller can have, pseudo-roles first.
func callerRoles() []housing.Role {
	return append([]housing.Role{roleStranger, roleInvited, rolePaused}, housing.Roles()...)
}

// permissions is the role × action table.
func permissions() map[housing.Role][]action {
	resident := []action{actStart, actHelp, actProfile, actLanguage, actPrivacy, actCancel, actInterview}
	staff := []action{actStart, actHelp, actLanguage, actPrivacy, actCancel}
	resident = append(resident, actRota, actChores, actOuting, actCheckIn, actPrefs) // house life
	staff = append(staff, actOuting)                                                 // outings for homes of a district
	resident = append(resident, actIntro)                                            // answering an introduction
	review := []action{actProposals, actPlacements, actRound, actReview}             // mediator review (review.go)
	resident = append(resident, actReport)                                           // /segnala (report.go)
	staff = append(staff, actAlerts)                                                 // early warning (alert.go)
	resident = append(resident, actMyData, actErase)                                 // the people's rights (rights.go)
	staff = append(staff, actMyData, actErase)
	return map[housing.Role][]action{
		roleStranger:             {actStart},
		roleInvited:              {actStart, actHelp, actLanguage, actCancel, actConsent},
		rolePaused:               {actStart, actHelp, actLanguage, actPrivacy, actMyData, actErase},
		housing.RoleBeneficiary:  resident,
		housing.RoleCoResident:   resident,
		housing.RoleHost:         resident,
		housing.RoleMediator:     append(append(slices.Clone(staff), actRota, actReport), review...),
		housing.RoleSocialWorker: append(slices.Clone(staff), actInvite),
		housing.RoleAdmin:        append(slices.Clone(staff), actInvite, actInviteStaff),
	}
}

// allowed reports whether role may do a. Unknown roles and actions are
// denied.
func allowed(role housing.Role, a action) bool {
	return slices.Contains(permissions()[role], a)
}

// command is a slash command: its name and the action it asks for. Its
// one-line description is the message "cmd.<name>".
type command struct {
	name   string
	action action
}

// commands lists the commands in the order menus and /help show them.
func commands() []command {
	return []command{
		{"start", actStart},
		{"help", actHelp},
		{"profilo", actProfile},
		{"turni", actRota},
		{"fatto", actChores},
		{"uscita", actOuting},
		{"promemoria", actPrefs},
		{"segnala", actReport},
		{"lingua", actLanguage},
		{"privacy", actPrivacy},
		{"imieidati", actMyData},
		{"cancella", actErase},
		{"annulla", actCancel},
		{"invita", actInvite},
		{"proposte", actProposals},
		{"convivenze", actPlacements},
		{"convivenza", actPlacements},
		{"abbina", actRound},
		{"allerte", actAlerts},
		{"allerta", actAlerts},
	}
}

// commandAliases are the English names accepted for the Italian commands.
func commandAliases() map[string]string {
	return map[string]string{"profile": "profilo", "language": "lingua", "cancel": "annulla", "invite": "invita",
		"rota": "turni", "done": "fatto", "outing": "uscita", "reminders": "promemoria",
		"proposals": "proposte", "placements": "convivenze", "placement": "convivenza", "match": "abbina",
		"report": "segnala", "alerts": "allerte", "alert": "allerta",
		"mydata": "imieidati", "erase": "cancella"}
}

// lookupCommand returns the command named name (an alias allowed).
func lookupCommand(name string) (command, bool) {
	if canon, ok := commandAliases()[name]; ok {
		name = canon
	}
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// commandsFor returns the commands role may use, in menu order.
func commandsFor(role housing.Role) []command {
	var out []command
	for _, c := range commands() {
		if allowed(role, c.action) {
			out = append(out, c)
		}
	}
	return out
}

// invitableRoles returns the roles inviter may invite people into.
func invitableRoles(inviter housing.Role) []housing.Role {
	var out []housing.Role
	for _, r := range housing.Roles() {
		if (r.Resident() && allowed(inviter, actInvite)) || (r.Staff() && allowed(inviter, actInviteStaff)) {
			out = append(out, r)
		}
	}
	return out
}

// menu returns the command menu of role in lang.
func (b *Bot) menu(role housing.Role, lang housing.Lang) []tgbotapi.BotCommand {
	var out []tgbotapi.BotCommand
	for _, c := range commandsFor(role) {
		out = append(out, tgbotapi.BotCommand{Command: c.name, Description: b.tr.T(lang, "cmd."+c.name, nil)})
	}
	return out
}

// RegisterCommands sets the command menus: for everyone (default scope,
// Italian as the fallback and per language) the commands of people who
// live in homes, and for each active staff member bound to Telegram a menu
// of their role's commands in their language (chat scope). Telegram has no
// scope for "people with a role", so staff joining later get their menu
// when they accept the notice; the default menu is also what strangers
// see, and the role table still refuses them.
func (b *Bot) RegisterCommands(ctx context.Context) error {
	var errs []error
	for _, lang := range append([]housing.Lang{""}, catalogLangs()...) {
		l := lang
		if l == "" {
			l = housing.LangIT
		}
		cfg := tgbotapi.SetMyCommandsConfig{Commands: b.menu(housing.RoleBeneficiary, l), LanguageCode: string(lang)}
		if _, err := b.out.Send(ctx, cfg); err != nil {
			errs = append(errs, fmt.Errorf("bot: set commands (%q): %w", lang, err))
		}
	}
	for _, role := range housing.Roles() {
		if !role.Staff() {
			continue
		}
		staff, err := b.store.ListPeople(ctx, housing.PersonFilter{Role: role, Status: housing.StatusActive})
		if err != nil {
			errs = append(errs, fmt.Errorf("bot: list %s: %w", role, err))
			continue
		}
		for i := range staff {
			if err := b.registerChat(ctx, &staff[i]); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// registerChat sets the menu of one staff member's private chat.
func (b *Bot) registerChat(ctx context.Context, p *housing.Person) error {
	if p.TelegramID == 0 {
		return nil
	}
	scope := tgbotapi.NewBotCommandScopeChat(p.TelegramID)
	cfg := tgbotapi.SetMyCommandsConfig{Commands: b.menu(p.Role, p.Language), Scope: &scope}
	if _, err := b.out.Send(ctx, cfg); err != nil {
		return fmt.Errorf("bot: set commands of %s: %w", p.ID, err)
	}
	return nil
}
