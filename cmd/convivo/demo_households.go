package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/dataset"
	"github.com/convivo/convivo/rounds"
)

// household is a home where people already live together when the demo
// starts.
type household struct {
	home      housing.Home
	placement string
	residents []*actor
	// struggling households slowly go wrong: their people stop doing
	// their tasks and feel worse week by week, until their social worker
	// has been to see them (helped).
	struggling, helped bool
}

// demoHouseholds is how many homes already have people living together.
const demoHouseholds = 2

// settleHouseholds gives the district its history: two flats where people
// moved in together the Friday before the demo, through the same steps a
// mediator takes (proposal, approval, introduction, start), dated then.
// The second one is the household that will go wrong.
func (d *demo) settleHouseholds(ctx context.Context, data dataset.Dataset) error {
	then := d.clock.Now().AddDate(0, 0, -3)
	weights, err := loadWeights(d.e.cfg)
	if err != nil {
		return err
	}
	runner := rounds.New(d.store, weights, func() time.Time { return then })
	by := rounds.Actor{ID: d.world.mediator.person.ID, Role: housing.RoleMediator}
	used := map[string]bool{}
	for _, h := range data.Homes {
		if len(d.world.households) == demoHouseholds {
			break
		}
		if h.Kind != housing.KindFlat || h.Capacity < 2 {
			continue
		}
		members := d.settlers(data, used, h)
		if len(members) < 2 {
			continue
		}
		hh, err := d.settle1(ctx, runner, by, h, members, then)
		if err != nil {
			return err
		}
		hh.struggling = len(d.world.households) == demoHouseholds-1
		for _, a := range hh.residents {
			a.home = hh
			used[a.person.ID] = true
		}
		d.world.households = append(d.world.households, hh)
	}
	return nil
}

// settlers picks two or three people for flat h among the active
// residents bound to Telegram who answered the interview: a beneficiary
// first (whose social worker early warning will tell), then co-residents,
// then more beneficiaries as far as the home's cap allows.
func (d *demo) settlers(data dataset.Dataset, used map[string]bool, h housing.Home) []*actor {
	var bens, cos []*actor
	for _, rec := range data.People {
		p := rec.Person
		a, ok := d.world.actors[p.TelegramID]
		if !ok || p.TelegramID == 0 || used[p.ID] || rec.Profile == nil || p.Status != housing.StatusActive {
			continue
		}
		switch p.Role {
		case housing.RoleBeneficiary:
			bens = append(bens, a)
		case housing.RoleCoResident:
			cos = append(cos, a)
		}
	}
	n := min(h.Capacity, 3)
	if len(bens) == 0 {
		return nil
	}
	out := append([]*actor{bens[0]}, cos[:min(len(cos), n-1)]...)
	for i := 1; i < len(bens) && len(out) < n && i < h.MaxBeneficiaries(); i++ {
		out = append(out, bens[i])
	}
	return out
}

// settle1 makes one household: proposal, approval, introduction, start.
func (d *demo) settle1(ctx context.Context, runner *rounds.Runner, by rounds.Actor, h housing.Home, members []*actor, then time.Time) (*household, error) {
	hh := &household{home: h, residents: members}
	prop := housing.Proposal{ID: "pr_history_" + h.ID, District: h.District, Kind: h.Kind, HomeID: h.ID,
		Score: 800, Status: housing.ProposalPending, CreatedAt: then}
	for _, a := range members {
		prop.Members = append(prop.Members, a.person.ID)
	}
	slices.Sort(prop.Members)
	if err := d.store.CreateProposal(ctx, &prop); err != nil {
		return hh, fmt.Errorf("demo: history of %s: %w", h.ID, err)
	}
	pl, err := runner.Approve(ctx, prop.ID, by)
	if err == nil {
		_, err = runner.Introduce(ctx, pl.ID, by)
	}
	if err == nil {
		_, err = runner.Start(ctx, pl.ID, by, rounds.StartOptions{ExitGoal: "own ERP flat"})
	}
	if err != nil {
		return hh, fmt.Errorf("demo: history of %s: %w", h.ID, err)
	}
	hh.placement = pl.ID
	return hh, nil
}
