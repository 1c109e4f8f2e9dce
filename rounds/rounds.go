// Package rounds runs matching rounds on the store: it gathers the people
// waiting and the homes with room in a district, the rejections mediators
// made, and the people already living in those homes; runs matching.Round;
// and stores the result as pending proposals, with each proposal's next
// best options (alternatives.go). The command line (`convivo match`), the
// mediators' /abbina and the nightly job (nightly.go) all go through it.
//
// It also carries what mediators do with proposals, for the bot and the
// command line alike: approving and rejecting them with a reason, clearing
// an exclusion (decide.go), asking "why not X?" (whynot.go), and the
// placement lifecycle that follows an approval — the introduction and its
// answers, the meeting (intro.go), the trial, the start with an exit goal
// and a review date, the review, extensions, moving out and the end
// (placement.go). Every change is version-checked in the store and audited;
// the words people read are the bot's.
package rounds

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
)

// Runner runs rounds on a store.
type Runner struct {
	store   housing.Store
	weights matching.WeightsConfig
	now     func() time.Time
}

// New returns a Runner. weights may be the zero WeightsConfig (defaults
// everywhere).
func New(store housing.Store, weights matching.WeightsConfig, now func() time.Time) *Runner {
	return &Runner{store: store, weights: weights, now: now}
}

// Options says which round to run and on whose behalf.
type Options struct {
	District  string           // required
	Kind      housing.HomeKind // only homes of this kind; empty for all
	DryRun    bool             // compute, store nothing
	Actor     string           // for the audit trail: person id or "cli:<user>"
	ActorRole housing.Role
	Purpose   string // e.g. "nightly round", "mediator /abbina"
}

// Result is a round's outcome: the proposals as stored (or as they would
// be, on a dry run) and the records they name, for display.
type Result struct {
	RoundID   string
	District  string
	Proposals []housing.Proposal
	Round     matching.RoundResult
	People    map[string]housing.Person
	Homes     map[string]housing.Home
}

// Pool is what a round in one district looks at.
type Pool struct {
	District  string
	People    []matching.Candidate // waiting
	Residents []matching.Candidate // hosts and occupants of Homes
	Homes     []housing.Home
	Persons   map[string]housing.Person
	Weights   matching.Weights
}

// Run runs one round and stores its proposals as pending.
func (r *Runner) Run(ctx context.Context, o Options) (Result, error) {
	if o.District == "" {
		return Result{}, fmt.Errorf("rounds: no district: %w", housing.ErrInvalid)
	}
	pool, err := r.LoadPool(ctx, o.District, o.Kind, o)
	if err != nil {
		return Result{}, err
	}
	now := r.now()
	res, err := matching.Round(matching.RoundInput{
		People: pool.People, Homes: pool.Homes, Residents: pool.Residents,
		Weights: pool.Weights, Seed: uint64(now.Unix() / 86400),
	})
	if err != nil {
		return Result{}, fmt.Errorf("rounds: %s: %w", o.District, err)
	}
	out := Result{RoundID: housing.NewID("r"), District: o.District, Round: res, People: pool.Persons, Homes: map[string]housing.Home{}}
	for _, h := range pool.Homes {
		out.Homes[h.ID] = h
	}
	for _, p := range res.Proposals {
		prop := toProposal(p, out.RoundID, o.District, now)
		if !o.DryRun {
			if err := r.store.CreateProposal(ctx, &prop); err != nil {
				return Result{}, fmt.Errorf("rounds: store proposal: %w", err)
			}
			if err := r.audit(ctx, o, "proposal.create", "proposal/"+prop.ID, ""); err != nil {
				return Result{}, err
			}
			if err := r.storeAlternatives(ctx, &pool, p, prop); err != nil {
				return Result{}, err
			}
		}
		out.Proposals = append(out.Proposals, prop)
	}
	return out, nil
}

// toProposal turns a round's proposal into the stored record.
func toProposal(p matching.RoundProposal, roundID, district string, now time.Time) housing.Proposal {
	prop := housing.Proposal{
		ID: housing.NewID("pr"), RoundID: roundID, District: district, Kind: p.Kind, HomeID: p.HomeID,
		Members: slices.Clone(p.Members), Score: p.Explanation.Score, Status: housing.ProposalPending,
		Checked: slices.Clone(p.Explanation.Checked), CreatedAt: now,
	}
	for _, f := range p.Explanation.Factors {
		prop.Factors = append(prop.Factors, housing.Factor{Key: f.Key, Contribution: f.Contribution})
	}
	for _, w := range p.Explanation.Warnings {
		if !slices.Contains(prop.Warnings, w.Key) {
			prop.Warnings = append(prop.Warnings, w.Key)
		}
	}
	return prop
}

func (r *Runner) audit(ctx context.Context, o Options, action, record, subject string) error {
	e := &housing.AuditEntry{At: r.now(), Actor: cmp.Or(o.Actor, "system"), ActorRole: o.ActorRole,
		Action: action, Record: record, Subject: subject, Purpose: cmp.Or(o.Purpose, "matching round")}
	if err := r.store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("rounds: audit: %w", err)
	}
	return nil
}

// LoadPool gathers a district's round input. People wait when they are
// active beneficiaries or co-residents with a profile, hold no place, are
// not in a pending proposal, and live in the district or named it among the
// districts they would live in. Homes take part when they are in the
// district, available, of kind (if set), have free places and no pending
// proposal. Every read of care information is audited.
func (r *Runner) LoadPool(ctx context.Context, district string, kind housing.HomeKind, o Options) (Pool, error) {
	busy, rejected, err := r.busyAndRejected(ctx)
	if err != nil {
		return Pool{}, err
	}
	pool := Pool{District: district, Persons: map[string]housing.Person{}, Weights: r.weights.For(district)}
	homes, err := r.store.ListHomes(ctx, housing.HomeFilter{District: district, Kind: kind, WithFree: true})
	if err != nil {
		return Pool{}, fmt.Errorf("rounds: homes: %w", err)
	}
	for _, h := range homes {
		if h.Available && !busy[h.ID] {
			pool.Homes = append(pool.Homes, h)
		}
	}
	if err := r.loadPeople(ctx, &pool, busy, rejected, o); err != nil {
		return Pool{}, err
	}
	return pool, r.loadResidents(ctx, &pool, o)
}

// busyAndRejected returns the people and homes held by pending proposals or
// open placements, and for each person the people and homes mediators
// rejected with them (and introductions someone declined), unless a
// mediator cleared that exclusion.
func (r *Runner) busyAndRejected(ctx context.Context) (map[string]bool, map[string][]string, error) {
	busy, rejected := map[string]bool{}, map[string][]string{}
	props, err := r.store.ListProposals(ctx, housing.ProposalFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("rounds: proposals: %w", err)
	}
	for _, p := range props {
		switch p.Status {
		case housing.ProposalPending:
			busy[p.HomeID] = true
			for _, m := range p.Members {
				busy[m] = true
			}
		case housing.ProposalRejected:
			if err := r.exclude(ctx, rejected, p.ID, p.Members, p.HomeID); err != nil {
				return nil, nil, err
			}
		}
	}
	pls, err := r.store.ListPlacements(ctx, housing.PlacementFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("rounds: placements: %w", err)
	}
	for _, pl := range pls {
		if pl.Status.Open() {
			for _, m := range pl.Residents {
				busy[m] = true
			}
		} else if pl.Outcome == housing.OutcomeDeclined {
			if err := r.exclude(ctx, rejected, pl.ID, pl.Residents, pl.HomeID); err != nil {
				return nil, nil, err
			}
		}
	}
	return busy, rejected, nil
}

// exclude adds the rejections of record id (a rejected proposal or a
// declined placement) unless a mediator cleared them.
func (r *Runner) exclude(ctx context.Context, rejected map[string][]string, id string, members []string, home string) error {
	ok, err := r.cleared(ctx, id)
	if err != nil || ok {
		return err
	}
	addRejections(rejected, members, home)
	return nil
}

// addRejections records that members were rejected together and with home.
func addRejections(rejected map[string][]string, members []string, home string) {
	for _, m := range members {
		for _, o := range members {
			if o != m {
				rejected[m] = append(rejected[m], o)
			}
		}
		rejected[m] = append(rejected[m], home)
	}
}

func (r *Runner) loadPeople(ctx context.Context, pool *Pool, busy map[string]bool, rejected map[string][]string, o Options) error {
	people, err := r.store.ListPeople(ctx, housing.PersonFilter{Status: housing.StatusActive})
	if err != nil {
		return fmt.Errorf("rounds: people: %w", err)
	}
	for _, p := range people {
		if busy[p.ID] || (p.Role != housing.RoleBeneficiary && p.Role != housing.RoleCoResident) {
			continue
		}
		c, ok, err := r.candidate(ctx, p, o)
		if err != nil {
			return err
		}
		if !ok || (p.District != pool.District && !slices.Contains(c.Profile().Districts, pool.District)) {
			continue
		}
		pool.People = append(pool.People, c.WithRejected(rejected[p.ID]...))
		pool.Persons[p.ID] = p
	}
	return nil
}

// loadResidents adds candidates for the hosts and occupants of the pool's
// homes.
func (r *Runner) loadResidents(ctx context.Context, pool *Pool, o Options) error {
	for _, h := range pool.Homes {
		ids := []string{h.HostID}
		for _, occ := range h.Occupants {
			ids = append(ids, occ.PersonID)
		}
		for _, id := range ids {
			if id == "" || pool.Persons[id].ID != "" {
				continue
			}
			p, err := r.store.Person(ctx, id)
			if errors.Is(err, housing.ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("rounds: resident %s: %w", id, err)
			}
			c, ok, err := r.candidate(ctx, p, o)
			if err != nil {
				return err
			}
			if ok {
				pool.Residents = append(pool.Residents, c)
				pool.Persons[id] = p
			}
		}
	}
	return nil
}

// candidate builds a person's candidate from their profile and care
// information; ok is false for someone without a profile.
func (r *Runner) candidate(ctx context.Context, p housing.Person, o Options) (matching.Candidate, bool, error) {
	prof, err := r.store.Profile(ctx, p.ID)
	if errors.Is(err, housing.ErrNotFound) {
		return matching.Candidate{}, false, nil
	}
	if err != nil {
		return matching.Candidate{}, false, fmt.Errorf("rounds: profile %s: %w", p.ID, err)
	}
	var care *housing.CareInfo
	ci, err := r.store.CareInfo(ctx, p.ID)
	switch {
	case err == nil:
		care = &ci
		if err := r.audit(ctx, o, "care.read", "care/"+p.ID, p.ID); err != nil {
			return matching.Candidate{}, false, err
		}
	case !errors.Is(err, housing.ErrNotFound):
		return matching.Candidate{}, false, fmt.Errorf("rounds: care %s: %w", p.ID, err)
	}
	return matching.NewCandidate(p, prof, care, r.now()), true, nil
}
