package rounds

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

// An introduction asks every person concerned by a placement (its
// residents, the IESA host, and whoever already lives in the home) whether
// they would like to meet. Each answer is claimed once in the StateStore
// under "rounds:intro:<placement>:<person>", so a double press or two
// replicas record it once; the first "no" ends the placement with
// OutcomeDeclined (and later rounds do not propose it again), and the
// answer that completes a round of "yes" is told apart, so the mediator is
// told exactly once.

// introTTL is how long introduction answers and meetings are kept.
const introTTL = 400 * 24 * time.Hour

func introKey(placementID, personID string) string {
	return "rounds:intro:" + placementID + ":" + personID
}

func meetingKey(placementID string) string { return "rounds:meeting:" + placementID }

// Concerned returns the people an introduction asks: the placement's
// residents, then the home's host, then the others who already live there.
func (r *Runner) Concerned(ctx context.Context, p housing.Placement) ([]string, error) {
	h, err := r.store.Home(ctx, p.HomeID)
	if err != nil {
		return nil, fmt.Errorf("rounds: home %s: %w", p.HomeID, err)
	}
	out := slices.Clone(p.Residents)
	if h.HostID != "" && !slices.Contains(out, h.HostID) {
		out = append(out, h.HostID)
	}
	for _, o := range h.Occupants {
		if !slices.Contains(out, o.PersonID) {
			out = append(out, o.PersonID)
		}
	}
	return out, nil
}

// IntroStatus is where an introduction stands.
type IntroStatus struct {
	Placement housing.Placement
	Concerned []string        // the people asked
	Answers   map[string]bool // person id → would like to meet; absent: no answer yet
	// Recorded is false when the person had answered before (a repeated
	// press): nothing changed.
	Recorded bool
	// AllYes means everyone concerned would like to meet.
	AllYes bool
	// Completed means AllYes and this call gave the last yes: tell the
	// mediator now. Exactly one call sees it.
	Completed bool
	// Declined means someone said no: the placement has ended.
	Declined bool
}

// Answer records whether personID would like to meet the others of an
// introduction. A person answers once: a second answer changes nothing
// (Recorded false). A "no" ends the placement (OutcomeDeclined). by is who
// records it: the person in chat, or a mediator for someone without chat.
// ErrForbidden for someone the introduction does not concern; a
// *housing.StateError when the placement is not being introduced.
func (r *Runner) Answer(ctx context.Context, placementID, personID string, yes bool, by Actor) (IntroStatus, error) {
	st, err := r.IntroStatus(ctx, placementID)
	if err != nil {
		return st, err
	}
	if !slices.Contains(st.Concerned, personID) {
		return st, fmt.Errorf("rounds: %s is not asked in introduction %s: %w", personID, placementID, housing.ErrForbidden)
	}
	if st.Placement.Status != housing.PlacementIntroduced {
		if _, answered := st.Answers[personID]; answered {
			return st, nil // a repeated press after the outcome
		}
		return st, fmt.Errorf("rounds: introduction %s: %w", placementID,
			&housing.StateError{What: "placement " + placementID + " is " + string(st.Placement.Status)})
	}
	value := map[bool]string{true: "yes", false: "no"}[yes]
	st.Recorded, err = r.store.ClaimState(ctx, introKey(placementID, personID), []byte(value), introTTL)
	if err != nil {
		return st, fmt.Errorf("rounds: answer %s: %w", placementID, err)
	}
	if !st.Recorded {
		return r.IntroStatus(ctx, placementID)
	}
	if err := r.auditAs(ctx, by, "introduction.answer", "placement/"+placementID, personID, "introduction: "+value); err != nil {
		return st, err
	}
	if !yes {
		return r.decline(ctx, placementID, personID, by)
	}
	next, err := r.IntroStatus(ctx, placementID)
	next.Recorded = true
	if err != nil || !next.AllYes {
		return next, err
	}
	next.Completed, err = r.store.ClaimState(ctx, "rounds:intro-done:"+placementID, []byte("yes"), introTTL)
	if err != nil {
		return next, fmt.Errorf("rounds: answer %s: %w", placementID, err)
	}
	return next, nil
}

// decline ends an introduction someone said no to.
func (r *Runner) decline(ctx context.Context, placementID, personID string, by Actor) (IntroStatus, error) {
	_, err := r.move(ctx, placementID, housing.PlacementEnded, by, "introduction declined by "+personID,
		func(p *housing.Placement) error {
			p.Outcome, p.Reason = housing.OutcomeDeclined, "declined by "+personID
			return nil
		})
	var se *housing.StateError
	if err != nil && !errors.As(err, &se) { // a StateError: someone else's no came first
		return IntroStatus{}, err
	}
	st, err := r.IntroStatus(ctx, placementID)
	st.Recorded = true
	return st, err
}

// IntroStatus returns where the introduction of placement id stands.
func (r *Runner) IntroStatus(ctx context.Context, id string) (IntroStatus, error) {
	p, err := r.store.Placement(ctx, id)
	if err != nil {
		return IntroStatus{}, fmt.Errorf("rounds: placement %s: %w", id, err)
	}
	st := IntroStatus{Placement: p, Answers: map[string]bool{}}
	if st.Concerned, err = r.Concerned(ctx, p); err != nil {
		return st, err
	}
	yes := 0
	for _, m := range st.Concerned {
		raw, err := r.store.GetState(ctx, introKey(id, m))
		switch {
		case errors.Is(err, housing.ErrNotFound):
			continue
		case err != nil:
			return st, fmt.Errorf("rounds: answers of %s: %w", id, err)
		}
		st.Answers[m] = string(raw) == "yes"
		if st.Answers[m] {
			yes++
		}
	}
	st.AllYes = yes == len(st.Concerned)
	st.Declined = p.Outcome == housing.OutcomeDeclined
	return st, nil
}

// Meeting is the first meeting of the people of an introduction.
type Meeting struct {
	At    time.Time `json:"at"`
	Place string    `json:"place"` // shared with the people concerned: the only address they get
	By    string    `json:"by"`
	SetAt time.Time `json:"set_at"`
}

// ScheduleMeeting sets (or moves) the meeting of an introduction everyone
// said yes to. ErrInvalid for a time not in the future or an empty place;
// a *housing.StateError before everyone said yes.
func (r *Runner) ScheduleMeeting(ctx context.Context, id string, at time.Time, place string, by Actor) (Meeting, error) {
	place = strings.Join(strings.Fields(place), " ")
	switch {
	case !at.After(r.now()):
		return Meeting{}, fmt.Errorf("rounds: meeting at %s is not in the future: %w", at.Format(time.RFC3339), housing.ErrInvalid)
	case place == "" || len(place) > 300:
		return Meeting{}, fmt.Errorf("rounds: meeting place: want 1 to 300 bytes: %w", housing.ErrInvalid)
	}
	st, err := r.IntroStatus(ctx, id)
	if err != nil {
		return Meeting{}, err
	}
	if st.Placement.Status != housing.PlacementIntroduced || !st.AllYes {
		return Meeting{}, fmt.Errorf("rounds: meeting for %s: %w", id,
			&housing.StateError{What: "not everyone said yes to introduction " + id})
	}
	m := Meeting{At: at, Place: place, By: by.ID, SetAt: r.now()}
	raw, err := json.Marshal(m)
	if err != nil {
		return Meeting{}, fmt.Errorf("rounds: meeting for %s: %w", id, err)
	}
	if err := r.store.PutState(ctx, meetingKey(id), raw, introTTL); err != nil {
		return Meeting{}, fmt.Errorf("rounds: meeting for %s: %w", id, err)
	}
	return m, r.auditResidents(ctx, by, "introduction.meeting", st.Placement, "meeting "+at.Format(time.RFC3339))
}

// Meeting returns the meeting of an introduction, or ErrNotFound.
func (r *Runner) Meeting(ctx context.Context, id string) (Meeting, error) {
	raw, err := r.store.GetState(ctx, meetingKey(id))
	if err != nil {
		return Meeting{}, fmt.Errorf("rounds: meeting for %s: %w", id, err)
	}
	var m Meeting
	if err := json.Unmarshal(raw, &m); err != nil {
		return Meeting{}, fmt.Errorf("rounds: meeting for %s: %w", id, err)
	}
	return m, nil
}
