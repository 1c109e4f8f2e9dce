package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/rounds"
)

// The scheduled side of review: the nightly round, and the follow-up that
// catches what happened outside the chat (a round or an approval from the
// command line) and the dates that came (reviews, ends of trials). Both
// are idempotent: what they send is keyed by the records, so a slot run
// twice, or by two replicas, sends nothing twice.

// NightlyRoundJob runs a round in each configured district where someone
// new is waiting or a place was freed since the last nightly round, and
// sends the new proposals to the districts' mediators (NotifyRound).
// Suggested spec: "30 3 * * *" (the messages wait for the end of the quiet
// hours when Config.Quiet is set).
func (b *Bot) NightlyRoundJob(ctx context.Context, slot time.Time) error {
	res, err := b.runner().Nightly(ctx, b.cfg.Districts, rounds.Options{Actor: "system", Purpose: "nightly round " + slot.Format(time.DateOnly)})
	errs := []error{err}
	for _, r := range res {
		errs = append(errs, b.NotifyRound(ctx, r))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bot: nightly round: %w", err)
	}
	return nil
}

// PlacementJob follows proposals and placements up, for one slot: pending
// proposals no mediator was sent yet (a round from the command line) go to
// their district's mediators; approved placements not yet introduced (an
// approval from the command line) are introduced; meetings, trials and
// starts set at a desk in the last day are told to the people concerned
// (each message once, whichever way it was set); placements whose review
// date came are put under review and their mediators asked to extend or
// end them; trials that ended are brought to their mediators. Suggested
// spec: "*/15 * * * *".
func (b *Bot) PlacementJob(ctx context.Context, slot time.Time) error {
	errs := []error{b.sendPending(ctx), b.introduceApproved(ctx), b.deskNews(ctx)}
	errs = append(errs, b.dueReviews(ctx), b.endedTrials(ctx))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("bot: placement job %s: %w", slot.Format(time.RFC3339), err)
	}
	return nil
}

// sendPending sends every pending proposal to its district's mediators
// (once each: queueProposal remembers).
func (b *Bot) sendPending(ctx context.Context) error {
	props, err := b.store.ListProposals(ctx, housing.ProposalFilter{Status: housing.ProposalPending})
	if err != nil {
		return fmt.Errorf("bot: pending proposals: %w", err)
	}
	var errs []error
	for _, p := range props {
		errs = append(errs, b.notifyProposal(ctx, p))
	}
	return errors.Join(errs...)
}

// introduceApproved introduces the placements still in status proposed.
func (b *Bot) introduceApproved(ctx context.Context) error {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{Status: housing.PlacementProposed})
	if err != nil {
		return fmt.Errorf("bot: approved placements: %w", err)
	}
	for _, pl := range pls {
		by := "system"
		if len(pl.History) > 0 && pl.History[0].By != "" {
			by = pl.History[0].By
		}
		b.introduce(ctx, pl, by)
	}
	return nil
}

// newsWindow is how far back PlacementJob looks for changes made at a desk
// that the people concerned have not been told.
const newsWindow = 24 * time.Hour

// deskNews tells the people concerned about meetings, trials and starts
// set outside the chat. The keys are those the chat uses, so nobody hears
// anything twice.
func (b *Bot) deskNews(ctx context.Context) error {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{OpenOnly: true})
	if err != nil {
		return fmt.Errorf("bot: open placements: %w", err)
	}
	now := b.cfg.Now()
	for _, pl := range pls {
		last := housing.Transition{}
		if len(pl.History) > 0 {
			last = pl.History[len(pl.History)-1]
		}
		recent := last.To == pl.Status && now.Sub(last.At) < newsWindow
		switch {
		case pl.Status == housing.PlacementIntroduced:
			if m, err := b.runner().Meeting(ctx, pl.ID); err == nil && m.At.After(now) {
				b.tellMeeting(ctx, pl, m)
			}
		case pl.Status == housing.PlacementTrial && recent:
			b.tellConcerned(ctx, pl, "trial:"+pl.ID, "review.trial.people", map[string]any{"Date": b.dayText(pl.TrialEnd)})
		case pl.Status == housing.PlacementActive && recent &&
			(last.From == housing.PlacementIntroduced || last.From == housing.PlacementTrial):
			b.tellConcerned(ctx, pl, "start:"+pl.ID, "review.start.people", nil)
		}
	}
	return nil
}

// dueReviews puts the placements whose review date came under review and
// asks their mediators to extend or end them.
func (b *Bot) dueReviews(ctx context.Context) error {
	if _, err := b.runner().Review(ctx, ""); err != nil {
		return err
	}
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{Status: housing.PlacementUnderReview})
	if err != nil {
		return fmt.Errorf("bot: placements under review: %w", err)
	}
	for _, pl := range pls {
		b.dateReached(ctx, pl, "review-due:"+pl.ID+":"+pl.ReviewDate.Format(time.DateOnly), "review.review_due")
	}
	return nil
}

// endedTrials brings the trials that reached their end to their mediators.
func (b *Bot) endedTrials(ctx context.Context) error {
	pls, err := b.store.ListPlacements(ctx, housing.PlacementFilter{Status: housing.PlacementTrial})
	if err != nil {
		return fmt.Errorf("bot: trials: %w", err)
	}
	now := b.cfg.Now()
	for _, pl := range pls {
		if !pl.TrialEnd.IsZero() && !pl.TrialEnd.After(now) {
			b.dateReached(ctx, pl, "trial-end:"+pl.ID+":"+pl.TrialEnd.Format(time.DateOnly), "review.trial_due")
		}
	}
	return nil
}

// dateReached tells pl's mediators that one of its dates came, with the
// buttons its status allows.
func (b *Bot) dateReached(ctx context.Context, pl housing.Placement, key, id string) {
	h, err := b.store.Home(ctx, pl.HomeID)
	if err != nil {
		b.logger.ErrorContext(ctx, "bot: home of a placement", "placement", pl.ID, "err", err)
		return
	}
	b.tellStaff(ctx, pl, key, func(lang housing.Lang) (string, [][]button) {
		return b.tr.T(lang, id, map[string]any{"ID": placementCode(&pl), "Home": homeCode(&h)}), b.placementRows(ctx, lang, pl)
	})
}
