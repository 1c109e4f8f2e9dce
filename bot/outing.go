package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/convivo/convivo/housing"
)

// /uscita: a resident, mediator or social worker creates a group outing:
// title, date and time, meeting place, who is invited (a resident invites
// their own home; staff choose homes of their district or the whole
// district), and how many places. Invitees get Yes / Maybe / No.

// flowOuting is the conversation that creates an outing.
const flowOuting = "outing"

// The steps of flowOuting.
const (
	outingTitle    = "title"
	outingWhen     = "when"
	outingPlace    = "place"
	outingHomes    = "homes"
	outingCapacity = "capacity"
	outingConfirm  = "confirm"
)

// outingDraft is an outing being created, kept under "outing-draft:<telegram id>".
type outingDraft struct {
	Title    string    `json:"title"`
	At       time.Time `json:"at,omitzero"`
	Place    string    `json:"place,omitempty"`
	HomeIDs  []string  `json:"homes,omitempty"`
	District bool      `json:"district,omitempty"` // staff: every home of their district
	Capacity int       `json:"capacity,omitempty"`
}

func outingDraftKey(telegramID int64) string {
	return "outing-draft:" + strconv.FormatInt(telegramID, 10)
}

// capacityChoices are the numbers of places offered as buttons (0: no limit).
func capacityChoices() []int { return []int{0, 4, 6, 8, 10, 15, 20} }

// cmdOuting handles /uscita: it asks for the title.
func (b *Bot) cmdOuting(ctx context.Context, c *caller) {
	d := outingDraft{}
	if !c.person.Role.Staff() {
		h, err := b.householdOf(ctx, c.person)
		if err != nil {
			b.replyLife(ctx, c, err)
			return
		}
		d.HomeIDs = []string{h.home.ID}
	}
	b.retireKeyboard(ctx, c)
	c.conv = conversation{Flow: flowOuting, Step: outingTitle}
	if err := b.saveDraft(ctx, c, d); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, "outing.ask_title", nil))
}

// saveDraft stores the draft and the conversation.
func (b *Bot) saveDraft(ctx context.Context, c *caller, d outingDraft) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("bot: encode outing draft: %w", err)
	}
	if err := b.store.PutState(ctx, outingDraftKey(c.id), raw, b.cfg.ConversationTTL); err != nil {
		return fmt.Errorf("bot: save outing draft: %w", err)
	}
	return b.saveConv(ctx, c.id, c.conv)
}

// loadDraft reads the draft of the caller's outing.
func (b *Bot) loadDraft(ctx context.Context, c *caller) (outingDraft, error) {
	var d outingDraft
	raw, err := b.store.GetState(ctx, outingDraftKey(c.id))
	if err != nil {
		return d, fmt.Errorf("bot: outing draft: %w", err)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("bot: decode outing draft: %w", err)
	}
	return d, nil
}

// outingText takes the typed answers: title, date and time, place, and
// optionally the number of places.
func (b *Bot) outingText(ctx context.Context, c *caller, text string) {
	d, err := b.loadDraft(ctx, c)
	if err != nil {
		b.endOuting(ctx, c)
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	text = strings.TrimSpace(text)
	switch c.conv.Step {
	case outingTitle:
		if text == "" || utf8.RuneCountInString(text) > 100 {
			b.reply(ctx, c, b.t(c, "outing.title_invalid", nil))
			return
		}
		d.Title, c.conv.Step = text, outingWhen
		b.nextOutingStep(ctx, c, d, "outing.ask_when")
	case outingWhen:
		at, ok := parseWhen(text, b.cfg.Now(), b.cfg.Location)
		if !ok {
			b.reply(ctx, c, b.t(c, "outing.when_invalid", nil))
			return
		}
		d.At, c.conv.Step = at, outingPlace
		b.nextOutingStep(ctx, c, d, "outing.ask_place")
	case outingPlace:
		if text == "" || utf8.RuneCountInString(text) > 200 {
			b.reply(ctx, c, b.t(c, "outing.place_invalid", nil))
			return
		}
		d.Place = text
		b.askInvitees(ctx, c, d)
	case outingCapacity:
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 || n > 500 {
			b.reply(ctx, c, b.t(c, "outing.capacity_invalid", nil))
			return
		}
		d.Capacity = n
		b.confirmOuting(ctx, c, d)
	default:
		b.reply(ctx, c, b.t(c, "use_buttons", nil))
	}
}

// nextOutingStep saves the draft and asks the next question.
func (b *Bot) nextOutingStep(ctx context.Context, c *caller, d outingDraft, question string) {
	if err := b.saveDraft(ctx, c, d); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.reply(ctx, c, b.t(c, question, nil))
}

// whenPattern reads "12/12 15:30", "12/12/2026 15.30", "12-12-26 alle 9:00".
const whenPattern = `^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?,?\s+(?:(?:alle|ore|at)\s+)?(\d{1,2})[:.](\d{2})$`

// parseWhen reads a date and time in loc. Without a year it is the next
// such date; it must be in the future and within a year.
func parseWhen(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	m := regexp.MustCompile(whenPattern).FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return time.Time{}, false
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	hour, _ := strconv.Atoi(m[4])
	minute, _ := strconv.Atoi(m[5])
	local := now.In(loc)
	year := local.Year()
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
		if year < 100 {
			year += 2000
		}
	}
	at := time.Date(year, time.Month(month), day, hour, minute, 0, 0, loc)
	if m[3] == "" && !at.After(now) {
		at = at.AddDate(1, 0, 0)
	}
	valid := at.Day() == day && int(at.Month()) == month && hour < 24 && minute < 60
	return at, valid && at.After(now) && at.Before(now.AddDate(1, 0, 1))
}

// askInvitees asks staff which homes to invite; a resident invites their
// own home, so they go on to the places.
func (b *Bot) askInvitees(ctx context.Context, c *caller, d outingDraft) {
	if !c.person.Role.Staff() {
		b.askCapacity(ctx, c, d)
		return
	}
	c.conv.Step = outingHomes
	if err := b.saveDraft(ctx, c, d); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	rows, err := b.homeRows(ctx, c, d)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.askFlow(ctx, c, b.t(c, "outing.ask_homes", map[string]string{"District": c.person.District}), rows)
}

// homeRows are the homes of the caller's district as toggles, the whole
// district, and Done.
func (b *Bot) homeRows(ctx context.Context, c *caller, d outingDraft) ([][]button, error) {
	hs, err := b.households(ctx)
	if err != nil {
		return nil, err
	}
	var buttons []button
	for _, h := range hs {
		if h.home.District != c.person.District {
			continue
		}
		label := homeLabel(&h.home)
		if slices.Contains(d.HomeIDs, h.home.ID) {
			label = "✓ " + label
		}
		buttons = append(buttons, button{label: label, option: "home:" + h.home.ID})
	}
	rows := grid(buttons, 3)
	rows = append(rows, []button{{label: b.t(c, "outing.btn_district", nil), option: "district"}})
	if len(d.HomeIDs) > 0 {
		rows = append(rows, []button{{label: b.t(c, "outing.btn_homes_done", nil), option: "homesdone"}})
	}
	return rows, nil
}

// askCapacity asks how many places there are.
func (b *Bot) askCapacity(ctx context.Context, c *caller, d outingDraft) {
	c.conv.Step = outingCapacity
	if err := b.saveDraft(ctx, c, d); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	var buttons []button
	for _, n := range capacityChoices() {
		label := strconv.Itoa(n)
		if n == 0 {
			label = b.t(c, "outing.no_limit", nil)
		}
		buttons = append(buttons, button{label: label, option: "cap:" + strconv.Itoa(n)})
	}
	b.askFlow(ctx, c, b.t(c, "outing.ask_capacity", nil), grid(buttons, 4))
}

// confirmOuting shows the outing as invitees will see it, with Create and
// Cancel.
func (b *Bot) confirmOuting(ctx context.Context, c *caller, d outingDraft) {
	c.conv.Step = outingConfirm
	if err := b.saveDraft(ctx, c, d); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	o := housing.Outing{Title: d.Title, At: d.At, Place: d.Place, Capacity: d.Capacity}
	text := b.t(c, "outing.confirm", map[string]string{"Outing": b.outingText1(c.lang, &o)})
	b.askFlow(ctx, c, text, [][]button{{
		{label: b.t(c, "outing.btn_create", nil), option: "create"},
		{label: b.t(c, "outing.btn_cancel", nil), option: "cancel"},
	}})
}

// outingText1 describes an outing: title, when, where, places.
func (b *Bot) outingText1(lang housing.Lang, o *housing.Outing) string {
	data := map[string]any{"Title": o.Title, "When": b.whenLabel(lang, o.At), "Place": o.Place, "Capacity": o.Capacity}
	return b.tr.T(lang, "outing.card", data)
}

// whenLabel is "sab 12/12, 15:30".
func (b *Bot) whenLabel(lang housing.Lang, t time.Time) string {
	return b.dayLabel(lang, t) + ", " + b.local(t).Format("15:04")
}

// onOutingFlowButton handles the buttons of /uscita.
func (b *Bot) onOutingFlowButton(ctx context.Context, c *caller, p press) string {
	d, err := b.loadDraft(ctx, c)
	if err != nil {
		b.endOuting(ctx, c)
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	verb, arg, _ := strings.Cut(p.option, ":")
	switch {
	case c.conv.Step == outingHomes && (verb == "home" || verb == "district"):
		return b.toggleHome(ctx, c, p, d, verb, arg)
	case c.conv.Step == outingHomes && verb == "homesdone":
		b.pressed(ctx, c, p)
		b.askCapacity(ctx, c, d)
	case c.conv.Step == outingCapacity && verb == "cap":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 || n > 500 {
			return b.t(c, "button.stale", nil)
		}
		b.pressed(ctx, c, p)
		d.Capacity = n
		b.confirmOuting(ctx, c, d)
	case c.conv.Step == outingConfirm && verb == "create":
		b.pressed(ctx, c, p)
		b.createOuting(ctx, c, d)
	case c.conv.Step == outingConfirm && verb == "cancel":
		b.pressed(ctx, c, p)
		b.endOuting(ctx, c)
		b.reply(ctx, c, b.t(c, "cancel.outing", nil))
	default:
		return b.t(c, "button.stale", nil)
	}
	return ""
}

// toggleHome adds or removes a home (or the whole district) in place.
func (b *Bot) toggleHome(ctx context.Context, c *caller, p press, d outingDraft, verb, homeID string) string {
	switch {
	case verb == "district":
		b.pressed(ctx, c, p)
		d.District, d.HomeIDs = true, nil
		b.askCapacity(ctx, c, d)
		return ""
	case slices.Contains(d.HomeIDs, homeID):
		d.HomeIDs = slices.DeleteFunc(d.HomeIDs, func(id string) bool { return id == homeID })
	default:
		h, err := b.householdByHome(ctx, homeID)
		if err != nil || h.home.District != c.person.District {
			return b.t(c, "button.stale", nil)
		}
		d.HomeIDs = append(d.HomeIDs, homeID)
	}
	rows, err := b.homeRows(ctx, c, d)
	if err == nil {
		err = b.saveDraft(ctx, c, d)
	}
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	kb, id, err := b.keyboard(ctx, c.id, kindFlow, rows)
	if err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	c.conv.Keyboard, c.conv.Message = id, p.msg.MessageID
	if err := b.saveConv(ctx, c.id, c.conv); err != nil {
		return b.errorText(ctx, c.lang, err, scopeGeneral)
	}
	b.editKeyboard(ctx, c.chatID, p.msg.MessageID, *kb)
	return ""
}

// endOuting forgets the draft and the conversation.
func (b *Bot) endOuting(ctx context.Context, c *caller) {
	c.conv = conversation{}
	if err := b.clearConv(ctx, c.id); err != nil {
		b.logger.WarnContext(ctx, "bot: end outing flow", "err", err)
	}
	if err := b.store.DeleteState(ctx, outingDraftKey(c.id)); err != nil {
		b.logger.WarnContext(ctx, "bot: drop outing draft", "err", err)
	}
}

// createOuting stores the outing and invites everyone living in the
// chosen homes. An organiser who lives there is counted in.
func (b *Bot) createOuting(ctx context.Context, c *caller, d outingDraft) {
	defer b.endOuting(ctx, c)
	hs, err := b.invitedHouseholds(ctx, c, d)
	if err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	now := b.cfg.Now()
	o := housing.Outing{Title: d.Title, At: d.At, Place: d.Place, Organiser: c.person.ID, District: c.person.District,
		Capacity: d.Capacity, Status: housing.OutingPlanned, CreatedAt: now, UpdatedAt: now}
	people := map[string]*housing.Person{}
	for i := range hs {
		o.HomeIDs = append(o.HomeIDs, hs[i].home.ID)
		for j := range hs[i].people {
			if p := &hs[i].people[j]; p.Status == housing.StatusActive && !slices.Contains(o.Invitees, p.ID) {
				o.Invitees, people[p.ID] = append(o.Invitees, p.ID), p
			}
		}
	}
	if len(o.Invitees) == 0 {
		b.reply(ctx, c, b.t(c, "outing.nobody", nil))
		return
	}
	if slices.Contains(o.Invitees, c.person.ID) {
		if _, _, err := housing.RSVP(&o, c.person.ID, housing.AnswerYes, now); err != nil {
			b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
			return
		}
	}
	if err := b.store.PutOuting(ctx, &o); err != nil {
		b.replyError(ctx, c.chatID, c.lang, err, scopeGeneral)
		return
	}
	b.audit(ctx, auditBy(c.person, "life.outing-create", "outing/"+o.ID, "outing"))
	var errs []error
	for _, id := range o.Invitees {
		if id != c.person.ID {
			errs = append(errs, b.notify(ctx, people[id], b.invitation(people[id], &o)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		b.logger.ErrorContext(ctx, "bot: invite to outing", "outing", o.ID, "err", err)
	}
	b.reply(ctx, c, b.t(c, "outing.created", map[string]int{"N": len(o.Invitees) - b2i(slices.Contains(o.Invitees, c.person.ID))}))
}

// b2i is 1 for true.
func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// invitedHouseholds returns the households the draft invites.
func (b *Bot) invitedHouseholds(ctx context.Context, c *caller, d outingDraft) ([]household, error) {
	if !d.District {
		var out []household
		for _, id := range d.HomeIDs {
			h, err := b.householdByHome(ctx, id)
			if errors.Is(err, errNoHome) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, h)
		}
		return out, nil
	}
	hs, err := b.households(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(hs, func(h household) bool { return h.home.District != c.person.District }), nil
}

// invitation is the message that invites p to o, with Yes / Maybe / No.
func (b *Bot) invitation(p *housing.Person, o *housing.Outing) notice {
	return notice{key: "outing:" + o.ID + ":invite:" + p.ID, kind: "outing", kbKind: kindRSVP,
		text: b.tr.T(p.Language, "outing.invite", map[string]string{"Outing": b.outingText1(p.Language, o)}),
		rows: b.rsvpRows(p.Language, o.ID)}
}
