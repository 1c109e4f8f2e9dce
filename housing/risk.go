package housing

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The translation keys of the early-warning reasons, with the Reason
// fields each one fills (PersonID names the resident concerned, when one
// is).
const (
	ReasonMoodLow         = "risk.mood_low"         // PersonID; Value: recent mood, 1-5
	ReasonMoodDrop        = "risk.mood_drop"        // PersonID; Value: points of mood lost vs the usual level
	ReasonCheckInsMissed  = "risk.checkins_missed"  // PersonID; N: check-ins unanswered in a row
	ReasonChoresLow       = "risk.chores_low"       // N done of Of due in the last 3 weeks
	ReasonChoresDrop      = "risk.chores_drop"      // N: % done in the last 3 weeks; Of: % done in the 3 before
	ReasonCantRepeated    = "risk.cant_repeated"    // PersonID; N: "can't today" in the last 3 weeks
	ReasonOutingsDeclined = "risk.outings_declined" // PersonID; N declined or missed of Of invited, last 8 weeks
	ReasonNoOutings       = "risk.no_outings"       // N: weeks since anyone in the home went on an outing
	ReasonSilencePerson   = "risk.silence_person"   // PersonID; N: days without a word
	ReasonSilenceHome     = "risk.silence_home"     // N: days without a word from anyone
	ReasonTalkRequest     = "risk.talk_request"     // PersonID: the first asking; N: people asking to talk to their worker
	ReasonConflict        = "risk.conflict"         // N: conflicts reported, last 30 days
	ReasonArrears         = "risk.arrears"          // N: rent arrears reported, last 30 days
	ReasonEmergency       = "risk.emergency"        // PersonID: the reporter; N: urgent reports
	ReasonReviewNoPlan    = "risk.review_no_plan"   // Date: review date; N: days to it
	ReasonReviewOverdue   = "risk.review_overdue"   // Date: review date; N: days past it
	ReasonTrialUndecided  = "risk.trial_undecided"  // Date: end of the trial; N: days to it (negative: past)
	ReasonUnreachable     = "risk.unreachable"      // PersonID: the first; N: people who blocked the bot
)

// ReasonKeys lists every early-warning reason key.
func ReasonKeys() []string {
	return []string{
		ReasonMoodLow, ReasonMoodDrop, ReasonCheckInsMissed, ReasonChoresLow, ReasonChoresDrop,
		ReasonCantRepeated, ReasonOutingsDeclined, ReasonNoOutings, ReasonSilencePerson,
		ReasonSilenceHome, ReasonTalkRequest, ReasonConflict, ReasonArrears, ReasonEmergency,
		ReasonReviewNoPlan, ReasonReviewOverdue, ReasonTrialUndecided, ReasonUnreachable,
	}
}

// Reason is one signal's part in a risk score: a translation key, the
// figures the message shows and the points it added. Which fields a key
// fills is listed with the key.
type Reason struct {
	Key          string    `json:"key"`
	PersonID     string    `json:"person_id,omitempty"`
	N            int       `json:"n,omitempty"`
	Of           int       `json:"of,omitempty"`
	Value        float64   `json:"value,omitempty"` // rounded to one decimal
	Date         time.Time `json:"date,omitzero"`   // a calendar date, for the bot to format
	Contribution int       `json:"contribution"`
}

// id identifies the reason for de-duplication: its key and person, not its
// figures, which change from night to night.
func (r Reason) id() string { return r.Key + "|" + r.PersonID }

// Risk is a placement's early-warning score with its reasons, largest
// contribution first. Score is the sum of the contributions.
type Risk struct {
	PlacementID string     `json:"placement_id"`
	At          time.Time  `json:"at"`
	Score       int        `json:"score"`
	Level       AlertLevel `json:"level"`
	Reasons     []Reason   `json:"reasons,omitempty"`
}

// RiskWeights are the early-warning model's parameters: for each signal,
// an allowance that costs nothing and the points for each unit beyond it,
// then the score at which each level starts. Every contribution is visible
// in the Risk's reasons. DefaultRiskWeights documents the defaults; a
// district may set its own.
type RiskWeights struct {
	MoodFloor     float64 `json:"mood_floor"`      // recent mood below this adds points
	MoodLow       int     `json:"mood_low"`        // points per mood point below MoodFloor
	MoodDropMin   float64 `json:"mood_drop_min"`   // least drop from the usual level that counts
	MoodDrop      int     `json:"mood_drop"`       // points per mood point of drop
	MinCheckIns   int     `json:"min_checkins"`    // answered check-ins needed before mood counts
	MissedFree    int     `json:"missed_free"`     // check-ins unanswered in a row that cost nothing
	Missed        int     `json:"missed"`          // points per further one
	ChoresMinDue  int     `json:"chores_min_due"`  // fewer chores due in 3 weeks: chores say nothing
	ChoresOK      int     `json:"chores_ok"`       // % done at or above which chores add nothing
	ChoresLow     int     `json:"chores_low"`      // points per 10 percentage points below ChoresOK
	ChoresDropMin int     `json:"chores_drop_min"` // least drop in % done vs the 3 weeks before that counts
	ChoresDrop    int     `json:"chores_drop"`     // points per 10 percentage points of drop
	CantFree      int     `json:"cant_free"`       // "can't today" in 3 weeks that cost nothing
	Cant          int     `json:"cant"`            // points per further one
	OutingsFree   int     `json:"outings_free"`    // outings declined or missed in 8 weeks that cost nothing
	Outing        int     `json:"outing"`          // points per further one
	NoOutingFree  int     `json:"no_outing_free"`  // weeks without outings that cost nothing
	NoOuting      int     `json:"no_outing"`       // points per further week
	SilenceFree   int     `json:"silence_free"`    // days a person may be silent
	Silence       int     `json:"silence"`         // points per further day
	HomeSilFree   int     `json:"home_sil_free"`   // days the whole home may be silent
	HomeSilence   int     `json:"home_silence"`    // points per further day
	TalkRequest   int     `json:"talk_request"`    // points per person asking to talk to their worker
	Conflict      int     `json:"conflict"`        // points per conflict reported
	Arrears       int     `json:"arrears"`         // points per rent-arrears report
	Emergency     int     `json:"emergency"`       // points per urgent report; never capped
	ReviewDays    int     `json:"review_days"`     // a review this close without an exit plan counts
	ReviewNoPlan  int     `json:"review_no_plan"`  // points for it
	ReviewLate    int     `json:"review_late"`     // points for an active placement past its review date
	TrialDays     int     `json:"trial_days"`      // a trial ending this close, undecided, counts
	TrialOpen     int     `json:"trial_open"`      // points for it
	Unreachable   int     `json:"unreachable"`     // points per person who blocked the bot
	MaxPerReason  int     `json:"max_per_reason"`  // cap on one reason's points (0: none)
	Watch         int     `json:"watch"`           // score from which the level is watch
	AtRisk        int     `json:"at_risk"`         // score from which it is at-risk
	Urgent        int     `json:"urgent"`          // score from which it is urgent
}

// DefaultRiskWeights returns the default model. At these values one clear
// signal alone reaches watch: a recent mood of 2 (20 points), a drop of a
// full point from the usual mood (20), three check-ins unanswered in a row
// (20), nobody doing chores (35), a resident silent for 17 days (20), the
// whole home for 9 (20), a conflict (30), rent arrears (25), a blocked
// bot (25). At-risk (45) takes two or three together, or a request to talk
// with another signal; an urgent report (80) is urgent alone.
func DefaultRiskWeights() RiskWeights {
	return RiskWeights{
		MoodFloor: 3, MoodLow: 20, MoodDropMin: 0.5, MoodDrop: 20, MinCheckIns: 2,
		MissedFree: 1, Missed: 10,
		ChoresMinDue: 3, ChoresOK: 70, ChoresLow: 5, ChoresDropMin: 20, ChoresDrop: 3,
		CantFree: 2, Cant: 5,
		OutingsFree: 1, Outing: 3, NoOutingFree: 6, NoOuting: 2,
		SilenceFree: 7, Silence: 2, HomeSilFree: 4, HomeSilence: 4,
		TalkRequest: 40, Conflict: 30, Arrears: 25, Emergency: 80,
		ReviewDays: 30, ReviewNoPlan: 15, ReviewLate: 10, TrialDays: 7, TrialOpen: 15,
		Unreachable: 25, MaxPerReason: 60,
		Watch: 20, AtRisk: 45, Urgent: 80,
	}
}

// Validate checks that the weights make a usable model.
func (w *RiskWeights) Validate() error {
	switch {
	case w.MoodFloor < 1 || w.MoodFloor > 5:
		return invalid("mood_floor", "%v is not between 1 and 5", w.MoodFloor)
	case w.MoodDropMin < 0 || w.MoodDropMin > 4:
		return invalid("mood_drop_min", "%v is not between 0 and 4", w.MoodDropMin)
	case w.ChoresOK < 0 || w.ChoresOK > 100:
		return invalid("chores_ok", "%d is not a percentage", w.ChoresOK)
	case w.ChoresDropMin < 0 || w.ChoresDropMin > 100:
		return invalid("chores_drop_min", "%d is not a percentage", w.ChoresDropMin)
	case w.Watch <= 0 || w.AtRisk <= w.Watch || w.Urgent <= w.AtRisk:
		return invalid("watch", "levels must rise: 0 < watch (%d) < at_risk (%d) < urgent (%d)", w.Watch, w.AtRisk, w.Urgent)
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"mood_low", w.MoodLow}, {"mood_drop", w.MoodDrop}, {"min_checkins", w.MinCheckIns},
		{"missed_free", w.MissedFree}, {"missed", w.Missed}, {"chores_min_due", w.ChoresMinDue},
		{"chores_low", w.ChoresLow}, {"chores_drop", w.ChoresDrop}, {"cant_free", w.CantFree},
		{"cant", w.Cant}, {"outings_free", w.OutingsFree}, {"outing", w.Outing},
		{"no_outing_free", w.NoOutingFree}, {"no_outing", w.NoOuting}, {"silence_free", w.SilenceFree},
		{"silence", w.Silence}, {"home_sil_free", w.HomeSilFree}, {"home_silence", w.HomeSilence},
		{"talk_request", w.TalkRequest}, {"conflict", w.Conflict}, {"arrears", w.Arrears},
		{"emergency", w.Emergency}, {"review_days", w.ReviewDays}, {"review_no_plan", w.ReviewNoPlan},
		{"review_late", w.ReviewLate}, {"trial_days", w.TrialDays}, {"trial_open", w.TrialOpen},
		{"unreachable", w.Unreachable}, {"max_per_reason", w.MaxPerReason},
	} {
		if f.v < 0 || f.v > 1000 {
			return invalid(f.name, "%d is not between 0 and 1000", f.v)
		}
	}
	return nil
}

// Level returns the level a score reaches under w.
func (w *RiskWeights) Level(score int) AlertLevel {
	switch {
	case score >= w.Urgent:
		return AlertUrgent
	case score >= w.AtRisk:
		return AlertAtRisk
	case score >= w.Watch:
		return AlertWatch
	}
	return AlertNone
}

// PersonSignals are one resident's signals.
type PersonSignals struct {
	PersonID string `json:"person_id"`
	// Mood is an exponentially weighted average of the answered moods,
	// week by week (weight MoodAlpha on the latest); MoodBaseline is the
	// same with the slower BaselineAlpha: the person's usual level. Both
	// are 0 with no answered mood.
	Mood            float64 `json:"mood"`
	MoodBaseline    float64 `json:"mood_baseline"`
	Answered        int     `json:"answered"`         // check-ins answered with a mood
	MissedCheckIns  int     `json:"missed_checkins"`  // latest check-ins unanswered, in a row
	ChoresDue       int     `json:"chores_due"`       // the rota gave them, last 3 weeks
	ChoresDone      int     `json:"chores_done"`      // they did, last 3 weeks (anyone's)
	Cant            int     `json:"cant"`             // "can't today", last 3 weeks
	OutingsInvited  int     `json:"outings_invited"`  // last 8 weeks, past and not cancelled
	OutingsDeclined int     `json:"outings_declined"` // answered no
	OutingsMissed   int     `json:"outings_missed"`   // had a place and did not come
	SilentDays      int     `json:"silent_days"`      // since their last interaction
	AskedToTalk     bool    `json:"asked_to_talk"`
	Unreachable     bool    `json:"unreachable"` // blocked the bot
}

// Signals are what the early-warning model knows about a placement at a
// given time, as ComputeSignals derives them from the records.
type Signals struct {
	PlacementID      string          `json:"placement_id"`
	At               time.Time       `json:"at"`
	Status           PlacementStatus `json:"status"`
	People           []PersonSignals `json:"people"`      // by person id
	ChoresDue        int             `json:"chores_due"`  // the residents' chores, last 3 weeks
	ChoresDone       int             `json:"chores_done"` // of those, done by anyone
	PrevChoresDue    int             `json:"prev_chores_due"`
	PrevChoresDone   int             `json:"prev_chores_done"` // the 3 weeks before
	WeeksSinceOuting int             `json:"weeks_since_outing"`
	HomeSilentDays   int             `json:"home_silent_days"`
	TalkRequests     int             `json:"talk_requests"` // people asking to talk to their worker
	Conflicts        int             `json:"conflicts"`
	Arrears          int             `json:"arrears"`
	Emergencies      int             `json:"emergencies"`
	Reporter         string          `json:"reporter,omitempty"` // first person with an urgent report
	ReviewDate       time.Time       `json:"review_date,omitzero"`
	DaysToReview     int             `json:"days_to_review"` // negative once past
	ExitPlan         bool            `json:"exit_plan"`
	TrialEnd         time.Time       `json:"trial_end,omitzero"`
	DaysToTrialEnd   int             `json:"days_to_trial_end"`
}

// living reports whether people live together in a placement with status
// s, so that it is watched.
func living(s PlacementStatus) bool {
	return s == PlacementTrial || s == PlacementActive || s == PlacementUnderReview
}

// Score weighs the signals with w and returns the placement's risk. Each
// rule is an allowance and points per unit beyond it (see RiskWeights);
// for signals about one person, the resident with the most points stands
// for the home, and the reason names them. A reason's points are capped at
// w.MaxPerReason, except for urgent reports. Placements where nobody lives
// together yet, or any more, score nothing. Score is deterministic: the
// reasons come largest first, then by key and person.
func Score(s Signals, w RiskWeights) Risk {
	r := Risk{PlacementID: s.PlacementID, At: s.At, Level: AlertNone}
	if !living(s.Status) {
		return r
	}
	var rs []Reason
	for _, rule := range personRules() {
		rs = append(rs, worstPerson(s.People, w, rule))
	}
	rs = append(rs, unreachableReason(s, w))
	rs = append(rs, homeReasons(s, w)...)
	rs = append(rs, eventReasons(s, w)...)
	rs = append(rs, calendarReasons(s, w)...)
	for _, x := range rs {
		if x.Contribution <= 0 {
			continue
		}
		if w.MaxPerReason > 0 && x.Key != ReasonEmergency {
			x.Contribution = min(x.Contribution, w.MaxPerReason)
		}
		r.Reasons = append(r.Reasons, x)
		r.Score += x.Contribution
	}
	slices.SortStableFunc(r.Reasons, func(a, b Reason) int {
		if a.Contribution != b.Contribution {
			return b.Contribution - a.Contribution
		}
		return cmp.Or(strings.Compare(a.Key, b.Key), strings.Compare(a.PersonID, b.PersonID))
	})
	r.Level = w.Level(r.Score)
	return r
}

// points returns round(per * units) for positive units, else 0.
func points(per int, units float64) int {
	if units <= 0 {
		return 0
	}
	return int(math.Round(float64(per) * units))
}

// beyond returns how far n is beyond the allowance free, or 0.
func beyond(n, free int) float64 { return float64(max(0, n-free)) }

// round1 rounds x to one decimal.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// personRule scores one of a resident's signals.
type personRule func(p PersonSignals, w RiskWeights) Reason

// personRules returns the rules for one resident's signals, one reason key
// each.
func personRules() []personRule {
	return []personRule{
		func(p PersonSignals, w RiskWeights) Reason {
			r := Reason{Key: ReasonMoodLow, Value: round1(p.Mood)}
			if p.Answered >= max(1, w.MinCheckIns) {
				r.Contribution = points(w.MoodLow, w.MoodFloor-p.Mood)
			}
			return r
		},
		func(p PersonSignals, w RiskWeights) Reason {
			drop := p.MoodBaseline - p.Mood
			r := Reason{Key: ReasonMoodDrop, Value: round1(drop)}
			if p.Answered >= max(1, w.MinCheckIns) && drop >= w.MoodDropMin {
				r.Contribution = points(w.MoodDrop, drop)
			}
			return r
		},
		func(p PersonSignals, w RiskWeights) Reason {
			return Reason{Key: ReasonCheckInsMissed, N: p.MissedCheckIns, Contribution: points(w.Missed, beyond(p.MissedCheckIns, w.MissedFree))}
		},
		func(p PersonSignals, w RiskWeights) Reason {
			return Reason{Key: ReasonCantRepeated, N: p.Cant, Contribution: points(w.Cant, beyond(p.Cant, w.CantFree))}
		},
		func(p PersonSignals, w RiskWeights) Reason {
			n := p.OutingsDeclined + p.OutingsMissed
			return Reason{Key: ReasonOutingsDeclined, N: n, Of: p.OutingsInvited, Contribution: points(w.Outing, beyond(n, w.OutingsFree))}
		},
		func(p PersonSignals, w RiskWeights) Reason {
			return Reason{Key: ReasonSilencePerson, N: p.SilentDays, Contribution: points(w.Silence, beyond(p.SilentDays, w.SilenceFree))}
		},
	}
}

// worstPerson applies rule to each resident and keeps the reason with the
// most points, naming its person; ties go to the smaller person id.
func worstPerson(people []PersonSignals, w RiskWeights, rule personRule) Reason {
	var best Reason
	for i, p := range people {
		r := rule(p, w)
		r.PersonID = p.PersonID
		if i == 0 || r.Contribution > best.Contribution {
			best = r
		}
	}
	return best
}

func unreachableReason(s Signals, w RiskWeights) Reason {
	r := Reason{Key: ReasonUnreachable}
	for _, p := range s.People {
		if p.Unreachable {
			if r.N == 0 {
				r.PersonID = p.PersonID
			}
			r.N++
		}
	}
	r.Contribution = points(w.Unreachable, float64(r.N))
	return r
}

// percent returns 100*n/d rounded, or 0 when d is 0.
func percent(n, d int) int {
	if d == 0 {
		return 0
	}
	return int(math.Round(100 * float64(n) / float64(d)))
}

func homeReasons(s Signals, w RiskWeights) []Reason {
	var rs []Reason
	if s.ChoresDue >= max(1, w.ChoresMinDue) {
		pct := percent(s.ChoresDone, s.ChoresDue)
		rs = append(rs, Reason{Key: ReasonChoresLow, N: s.ChoresDone, Of: s.ChoresDue,
			Contribution: points(w.ChoresLow, float64(w.ChoresOK-pct)/10)})
		if s.PrevChoresDue >= max(1, w.ChoresMinDue) {
			prev := percent(s.PrevChoresDone, s.PrevChoresDue)
			r := Reason{Key: ReasonChoresDrop, N: pct, Of: prev}
			if prev-pct >= max(1, w.ChoresDropMin) {
				r.Contribution = points(w.ChoresDrop, float64(prev-pct)/10)
			}
			rs = append(rs, r)
		}
	}
	rs = append(rs,
		Reason{Key: ReasonNoOutings, N: s.WeeksSinceOuting, Contribution: points(w.NoOuting, beyond(s.WeeksSinceOuting, w.NoOutingFree))},
		Reason{Key: ReasonSilenceHome, N: s.HomeSilentDays, Contribution: points(w.HomeSilence, beyond(s.HomeSilentDays, w.HomeSilFree))},
	)
	return rs
}

func eventReasons(s Signals, w RiskWeights) []Reason {
	talk := Reason{Key: ReasonTalkRequest, N: s.TalkRequests, Contribution: points(w.TalkRequest, float64(s.TalkRequests))}
	for _, p := range s.People {
		if p.AskedToTalk {
			talk.PersonID = p.PersonID
			break
		}
	}
	return []Reason{
		talk,
		{Key: ReasonConflict, N: s.Conflicts, Contribution: points(w.Conflict, float64(s.Conflicts))},
		{Key: ReasonArrears, N: s.Arrears, Contribution: points(w.Arrears, float64(s.Arrears))},
		{Key: ReasonEmergency, PersonID: s.Reporter, N: s.Emergencies, Contribution: points(w.Emergency, float64(s.Emergencies))},
	}
}

func calendarReasons(s Signals, w RiskWeights) []Reason {
	var rs []Reason
	if !s.ReviewDate.IsZero() {
		d := s.DaysToReview
		switch {
		case d >= 0 && d <= w.ReviewDays && !s.ExitPlan:
			rs = append(rs, Reason{Key: ReasonReviewNoPlan, N: d, Date: s.ReviewDate, Contribution: w.ReviewNoPlan})
		case d < 0 && s.Status == PlacementActive:
			rs = append(rs, Reason{Key: ReasonReviewOverdue, N: -d, Date: s.ReviewDate, Contribution: w.ReviewLate})
		}
	}
	if s.Status == PlacementTrial && !s.TrialEnd.IsZero() && s.DaysToTrialEnd <= w.TrialDays {
		rs = append(rs, Reason{Key: ReasonTrialUndecided, N: s.DaysToTrialEnd, Date: s.TrialEnd, Contribution: w.TrialOpen})
	}
	return rs
}

// The early-warning windows and averaging weights ComputeSignals uses.
const (
	MoodAlpha        = 0.5 // weight of the latest mood in PersonSignals.Mood
	BaselineAlpha    = 0.2 // weight of the latest mood in PersonSignals.MoodBaseline
	ChoreWindowDays  = 21  // chores and "can't today": the last 3 weeks (and the 3 before, for the trend)
	OutingWindowDays = 56  // outings declined or missed: the last 8 weeks
	EventWindowDays  = 30  // reports and requests to talk: the last 30 days
)

// RiskInputs are the records ComputeSignals reads for one placement. They
// may hold more than the placement's own (a home's assignments, a
// district's outings): what does not concern its residents is ignored.
type RiskInputs struct {
	Placement   Placement
	CheckIns    []CheckIn
	Assignments []Assignment
	Outings     []Outing
	Events      []Event
	// LastSeen is each person's last interaction with the bot (a message
	// or a button). Answers, chores done and reports found in the records
	// count too.
	LastSeen map[string]time.Time
	// Location is where calendar days and ISO weeks are read; nil means
	// UTC.
	Location *time.Location
}

// ComputeSignals derives a placement's signals at time now from the
// records. It is pure: the same inputs give the same signals. Windows are
// counted in whole calendar days before now's date, so the day now falls in
// is still open: a chore due today is not late yet.
func ComputeSignals(in RiskInputs, now time.Time) Signals {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	p := &in.Placement
	s := Signals{
		PlacementID: p.ID, At: now, Status: p.Status, ExitPlan: strings.TrimSpace(p.ExitGoal) != "",
		ReviewDate: p.ReviewDate, TrialEnd: p.TrialEnd,
	}
	if !p.ReviewDate.IsZero() {
		s.DaysToReview = daysBetween(now, p.ReviewDate, loc)
	}
	if !p.TrialEnd.IsZero() {
		s.DaysToTrialEnd = daysBetween(now, p.TrialEnd, loc)
	}
	residents := slices.Clone(p.Residents)
	slices.Sort(residents)
	residents = slices.Compact(residents)
	s.HomeSilentDays = -1
	for _, id := range residents {
		ps := personSignals(&in, id, now, loc)
		s.People = append(s.People, ps)
		if s.HomeSilentDays < 0 || ps.SilentDays < s.HomeSilentDays {
			s.HomeSilentDays = ps.SilentDays
		}
	}
	s.HomeSilentDays = max(0, s.HomeSilentDays)
	s.ChoresDue, s.ChoresDone = choreCounts(in.Assignments, residents, now, loc, 1)
	s.PrevChoresDue, s.PrevChoresDone = choreCounts(in.Assignments, residents, now, loc, ChoreWindowDays+1)
	s.WeeksSinceOuting = weeksSinceOuting(&in, residents, now, loc)
	countEvents(&s, &in, now, loc)
	return s
}

// choreCounts counts the chores the rota gave to residents that were due
// between from and from+ChoreWindowDays-1 days before now, and how many of
// them are done.
func choreCounts(as []Assignment, residents []string, now time.Time, loc *time.Location, from int) (due, done int) {
	for i := range as {
		a := &as[i]
		d := daysBetween(a.Due, now, loc)
		if d < from || d >= from+ChoreWindowDays || !slices.Contains(residents, a.AssignedTo) {
			continue
		}
		due++
		if a.Status == AssignmentDone {
			done++
		}
	}
	return due, done
}

// inWindow reports whether t falls within the last days calendar days
// before now (or earlier today).
func inWindow(t, now time.Time, loc *time.Location, days int) bool {
	d := daysBetween(t, now, loc)
	return !t.IsZero() && !t.After(now) && d >= 0 && d <= days
}

// personSignals derives one resident's signals.
func personSignals(in *RiskInputs, id string, now time.Time, loc *time.Location) PersonSignals {
	ps := PersonSignals{PersonID: id}
	last := in.LastSeen[id]
	seen := func(t time.Time) {
		if t.After(last) && !t.After(now) {
			last = t
		}
	}
	moodSignals(&ps, in, id, now, loc, seen)
	for i := range in.Assignments {
		a := &in.Assignments[i]
		if a.DoneBy == id {
			seen(a.DoneAt)
		}
		if d := daysBetween(a.Due, now, loc); d >= 1 && d <= ChoreWindowDays {
			ps.ChoresDue += b2i(a.AssignedTo == id)
			ps.ChoresDone += b2i(a.Status == AssignmentDone && a.DoneBy == id)
		}
		if a.CantBy == id && inWindow(a.CantAt, now, loc, ChoreWindowDays) {
			ps.Cant++
		}
	}
	outingSignals(&ps, in.Outings, id, now, loc, seen)
	for _, e := range in.Events {
		if e.PersonID == id {
			seen(e.At)
			ps.Unreachable = ps.Unreachable || e.Kind == EventUnreachable && e.Open(now)
		}
	}
	if last.IsZero() {
		last = cmp.Or(in.Placement.Start, in.Placement.CreatedAt)
	}
	if !last.IsZero() {
		ps.SilentDays = max(0, daysBetween(last, now, loc))
	}
	return ps
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// moodSignals reads one resident's check-ins for the placement in week
// order: those of past weeks, and this week's if already answered (this
// week's may still be answered: it is not missed yet).
func moodSignals(ps *PersonSignals, in *RiskInputs, id string, now time.Time, loc *time.Location, seen func(time.Time)) {
	week := ISOWeek(now, loc)
	var cs []*CheckIn
	for i := range in.CheckIns {
		c := &in.CheckIns[i]
		if c.PersonID != id || c.PlacementID != in.Placement.ID || c.At.After(now) {
			continue
		}
		if c.Week < week || c.Week == week && c.Answered {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b *CheckIn) int { return strings.Compare(a.Week, b.Week) })
	for _, c := range cs {
		if !c.Answered {
			ps.MissedCheckIns++
			continue
		}
		ps.MissedCheckIns = 0
		seen(c.At)
		if c.Mood == 0 {
			continue
		}
		x := float64(c.Mood)
		if ps.Answered == 0 {
			ps.Mood, ps.MoodBaseline = x, x
		} else {
			ps.Mood += MoodAlpha * (x - ps.Mood)
			ps.MoodBaseline += BaselineAlpha * (x - ps.MoodBaseline)
		}
		ps.Answered++
	}
}

// outingSignals counts one resident's outings in the window.
func outingSignals(ps *PersonSignals, outings []Outing, id string, now time.Time, loc *time.Location, seen func(time.Time)) {
	for i := range outings {
		o := &outings[i]
		if j := o.reply(id); j >= 0 {
			seen(o.Replies[j].At)
		}
		if o.Status == OutingCancelled || !slices.Contains(o.Invitees, id) || !inWindow(o.At, now, loc, OutingWindowDays) {
			continue
		}
		ps.OutingsInvited++
		switch {
		case o.Answer(id) == AnswerNo:
			ps.OutingsDeclined++
		case o.Status == OutingHeld && o.holdsPlace(id) && !slices.Contains(o.Attended, id):
			ps.OutingsMissed++
		}
	}
}

// weeksSinceOuting returns the whole weeks since a resident last went on
// an outing (attended it or, when attendance was not recorded, had a
// place), or since the placement started if none did.
func weeksSinceOuting(in *RiskInputs, residents []string, now time.Time, loc *time.Location) int {
	last := cmp.Or(in.Placement.Start, in.Placement.CreatedAt)
	for i := range in.Outings {
		o := &in.Outings[i]
		if o.Status == OutingCancelled || o.At.After(now) || !o.At.After(last) {
			continue
		}
		for _, id := range residents {
			if slices.Contains(o.Attended, id) || o.Status == OutingPlanned && o.holdsPlace(id) {
				last = o.At
				break
			}
		}
	}
	if last.IsZero() {
		return 0
	}
	return max(0, daysBetween(last, now, loc)/7)
}

// countEvents counts the open reports of the last EventWindowDays and the
// people asking to talk to their worker, by event or by check-in.
func countEvents(s *Signals, in *RiskInputs, now time.Time, loc *time.Location) {
	talk := make(map[string]bool)
	for _, e := range in.Events {
		if e.PlacementID != in.Placement.ID || !e.Open(now) || !inWindow(e.At, now, loc, EventWindowDays) {
			continue
		}
		switch e.Kind {
		case EventTalk:
			talk[e.PersonID] = true
		case EventConflict:
			s.Conflicts++
		case EventArrears:
			s.Arrears++
		case EventEmergency:
			s.Emergencies++
			if s.Reporter == "" || e.PersonID < s.Reporter {
				s.Reporter = e.PersonID
			}
		}
	}
	for _, c := range in.CheckIns {
		if c.WantsTalk && c.PlacementID == in.Placement.ID && inWindow(c.At, now, loc, EventWindowDays) && !talkHandled(in.Events, c.PersonID, c.At, now) {
			talk[c.PersonID] = true
		}
	}
	for i := range s.People {
		if talk[s.People[i].PersonID] {
			s.People[i].AskedToTalk = true
			s.TalkRequests++
		}
	}
}

// talkHandled reports whether a request to talk from person was resolved
// at or after time at.
func talkHandled(events []Event, person string, at, now time.Time) bool {
	for _, e := range events {
		if e.Kind == EventTalk && e.PersonID == person && !e.ResolvedAt.IsZero() && !e.ResolvedAt.Before(at) && !e.ResolvedAt.After(now) {
			return true
		}
	}
	return false
}

// String formats a reason for logs and test failures: key, person,
// figures and points, never a note.
func (r Reason) String() string {
	return fmt.Sprintf("%s(%s n=%d of=%d v=%.1f date=%s)=%d", r.Key, r.PersonID, r.N, r.Of, r.Value, r.Date.Format(time.DateOnly), r.Contribution)
}
