package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// household is the people living together in one home: the residents of
// its placements that are living together (trial, active, under review)
// and, in an IESA home, the host. It is what a rota, an outing invitation
// and a weekly check-in are about.
type household struct {
	home       housing.Home
	placements []housing.Placement
	people     []housing.Person // ordered by id
}

// errNoHome means the caller lives in no home with a rota.
var errNoHome = errors.New("bot: not living in a home")

// livingTogether reports whether a placement in status s has people
// living together.
func livingTogether(s housing.PlacementStatus) bool {
	return s == housing.PlacementTrial || s == housing.PlacementActive || s == housing.PlacementUnderReview
}

// households returns every home where people live together, ordered by
// home id.
func (b *Bot) households(ctx context.Context) ([]household, error) {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{OpenOnly: true})
	if err != nil {
		return nil, fmt.Errorf("bot: list placements: %w", err)
	}
	byHome := map[string][]housing.Placement{}
	for _, p := range pls {
		if livingTogether(p.Status) {
			byHome[p.HomeID] = append(byHome[p.HomeID], p)
		}
	}
	ids := make([]string, 0, len(byHome))
	for id := range byHome {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var out []household
	for _, id := range ids {
		h, err := b.loadHousehold(ctx, id, byHome[id])
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// loadHousehold reads home id and the people of its placements.
func (b *Bot) loadHousehold(ctx context.Context, homeID string, pls []housing.Placement) (household, error) {
	home, err := b.store.Home(ctx, homeID)
	if err != nil {
		return household{}, fmt.Errorf("bot: home %s: %w", homeID, err)
	}
	h := household{home: home, placements: pls}
	var ids []string
	for _, p := range pls {
		ids = append(ids, p.Residents...)
	}
	if home.HostID != "" {
		ids = append(ids, home.HostID)
	}
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		p, err := b.store.Person(ctx, id)
		if errors.Is(err, housing.ErrNotFound) {
			continue
		}
		if err != nil {
			return household{}, fmt.Errorf("bot: person %s: %w", id, err)
		}
		h.people = append(h.people, p)
	}
	return h, nil
}

// householdOf returns the household person lives in: as a resident of a
// placement, or as the host of a home. errNoHome when there is none.
func (b *Bot) householdOf(ctx context.Context, p *housing.Person) (household, error) {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{PersonID: p.ID, OpenOnly: true})
	if err != nil {
		return household{}, fmt.Errorf("bot: placements of %s: %w", p.ID, err)
	}
	homeID := ""
	for _, pl := range pls {
		if livingTogether(pl.Status) {
			homeID = pl.HomeID
			break
		}
	}
	if homeID == "" && p.Role == housing.RoleHost {
		homes, err := b.store.ListHomes(ctx, housing.HomeFilter{})
		if err != nil {
			return household{}, fmt.Errorf("bot: list homes: %w", err)
		}
		for _, h := range homes {
			if h.HostID == p.ID {
				homeID = h.ID
				break
			}
		}
	}
	if homeID == "" {
		return household{}, errNoHome
	}
	return b.householdByHome(ctx, homeID)
}

// householdByHome returns the household of home id; errNoHome when nobody
// lives there together.
func (b *Bot) householdByHome(ctx context.Context, homeID string) (household, error) {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{HomeID: homeID, OpenOnly: true})
	if err != nil {
		return household{}, fmt.Errorf("bot: placements of home %s: %w", homeID, err)
	}
	pls = slices.DeleteFunc(pls, func(p housing.Placement) bool { return !livingTogether(p.Status) })
	if len(pls) == 0 {
		return household{}, errNoHome
	}
	return b.loadHousehold(ctx, homeID, pls)
}

// person returns the member with id, or nil.
func (h *household) person(id string) *housing.Person {
	for i := range h.people {
		if h.people[i].ID == id {
			return &h.people[i]
		}
	}
	return nil
}

// has reports whether id is a member.
func (h *household) has(id string) bool { return h.person(id) != nil }

// name returns the first name of member id as housemates see it.
func (h *household) name(id string) string {
	if p := h.person(id); p != nil {
		return p.DisplayName
	}
	return "—"
}

// placementOf returns the placement member id lives in: theirs as a
// resident, the home's first for the host.
func (h *household) placementOf(id string) housing.Placement {
	for _, p := range h.placements {
		if p.HasResident(id) {
			return p
		}
	}
	return h.placements[0]
}

// allPrefs returns the preferences of every member.
func (b *Bot) allPrefs(ctx context.Context, h *household) (map[string]housing.Prefs, error) {
	out := make(map[string]housing.Prefs, len(h.people))
	for _, p := range h.people {
		pr, err := b.prefs(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		out[p.ID] = pr
	}
	return out, nil
}

// members returns the household as rota members at t: people away or not
// taking part are paused.
func (h *household) members(prefs map[string]housing.Prefs, t time.Time) []housing.RotaMember {
	var out []housing.RotaMember
	for _, p := range h.people {
		pr := prefs[p.ID]
		out = append(out, housing.RotaMember{PersonID: p.ID, Paused: p.Status != housing.StatusActive || pr.Away(t)})
	}
	return out
}

// prefs returns a person's preferences, the defaults if they chose none.
func (b *Bot) prefs(ctx context.Context, personID string) (housing.Prefs, error) {
	raw, err := b.store.GetState(ctx, housing.PrefsKey(personID))
	if errors.Is(err, housing.ErrNotFound) {
		return housing.DefaultPrefs(personID), nil
	}
	if err != nil {
		return housing.Prefs{}, fmt.Errorf("bot: preferences of %s: %w", personID, err)
	}
	p := housing.DefaultPrefs(personID)
	if err := json.Unmarshal(raw, &p); err != nil {
		return housing.Prefs{}, fmt.Errorf("bot: decode preferences of %s: %w", personID, err)
	}
	return p, nil
}

// savePrefs stores a person's preferences.
func (b *Bot) savePrefs(ctx context.Context, p housing.Prefs) error {
	p.UpdatedAt = b.cfg.Now()
	if err := p.Validate(); err != nil {
		return fmt.Errorf("bot: preferences: %w", err)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("bot: encode preferences: %w", err)
	}
	if err := b.store.PutState(ctx, housing.PrefsKey(p.PersonID), raw, 0); err != nil {
		return fmt.Errorf("bot: save preferences: %w", err)
	}
	return nil
}

// joinErrs joins errors from a job's units of work with the job's name.
func joinErrs(job string, errs []error) error {
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bot: %s: %w", job, err)
	}
	return nil
}

// homeLabel is how staff see a home: its code, or its id.
func homeLabel(h *housing.Home) string {
	if strings.TrimSpace(h.Code) != "" {
		return h.Code
	}
	return h.ID
}
