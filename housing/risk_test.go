package housing_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/convivo/convivo/housing"
)

// household is a synthetic flat of three, week by week from Monday 3
// August 2026: each resident's weekly mood (0 = check-in unanswered) and
// how many of their three weekly chores they did.
type household struct {
	loc    *time.Location
	start  time.Time
	moods  map[string][]int
	chores map[string][]int
}

// residents returns the synthetic flat's residents.
func residents() []string { return []string{"anna", "luca", "marta"} }

func newHousehold(t *testing.T, moods, chores map[string][]int) household {
	return household{loc: rome(t), start: time.Date(2026, 8, 3, 0, 0, 0, 0, rome(t)), moods: moods, chores: chores}
}

// day returns midnight of day d (0 = Monday) of week k.
func (h household) day(k, d int) time.Time { return h.start.AddDate(0, 0, 7*k+d) }

// scanAt returns the night scan after week k: Monday 02:00 of week k+1.
func (h household) scanAt(k int) time.Time { return h.day(k+1, 0).Add(2 * time.Hour) }

// inputs builds every record of every week: ComputeSignals must ignore
// what lies after its now.
func (h household) inputs(now time.Time) housing.RiskInputs {
	in := housing.RiskInputs{
		Placement: housing.Placement{
			ID: "pl_1", HomeID: "h_1", Residents: residents(), Status: housing.PlacementActive,
			Start: h.start, ReviewDate: h.start.AddDate(0, 6, 0), ExitGoal: "own ERP flat",
		},
		LastSeen: make(map[string]time.Time),
		Location: h.loc,
	}
	for _, p := range residents() {
		in.LastSeen[p] = now.Add(-26 * time.Hour)
		for k, mood := range h.moods[p] {
			sunday := h.day(k, 6).Add(19 * time.Hour)
			c := housing.CheckIn{ID: fmt.Sprintf("ci_%s_%d", p, k), PersonID: p, PlacementID: "pl_1",
				Week: housing.ISOWeek(sunday, h.loc), At: sunday}
			if mood > 0 {
				c.Mood, c.Answered = mood, true
			}
			in.CheckIns = append(in.CheckIns, c)
		}
		for k, done := range h.chores[p] {
			for i, d := range []int{0, 2, 4} {
				a := housing.Assignment{ID: fmt.Sprintf("as_%s_%d_%d", p, k, i), HomeID: "h_1", TaskID: "t_1",
					Effort: 2, Due: h.day(k, d), AssignedTo: p, PersonID: p, Status: housing.AssignmentMissed}
				if i < done {
					a.Status, a.DoneBy, a.DoneAt = housing.AssignmentDone, p, a.Due.Add(18*time.Hour)
				}
				in.Assignments = append(in.Assignments, a)
			}
		}
	}
	for k := 0; k < len(h.moods["anna"]); k += 2 {
		o := housing.Outing{ID: fmt.Sprintf("o_%d", k), Title: "Passeggiata", At: h.day(k, 5).Add(16 * time.Hour),
			Organiser: "fac_1", Invitees: residents(), Attended: residents(), Status: housing.OutingHeld}
		for _, p := range residents() {
			o.Replies = append(o.Replies, housing.Reply{PersonID: p, Answer: housing.AnswerYes, At: h.day(k, 1)})
		}
		in.Outings = append(in.Outings, o)
	}
	return in
}

// brief is a reason reduced to what the tests check.
type brief struct {
	Key          string
	PersonID     string
	Contribution int
}

func briefs(rs []housing.Reason) []brief {
	var out []brief
	for _, r := range rs {
		out = append(out, brief{r.Key, r.PersonID, r.Contribution})
	}
	return out
}

func TestRiskDecliningHousehold(t *testing.T) {
	// Four healthy weeks, then six of decline: Anna's mood sinks from 4 to
	// 2, everyone does fewer chores, and Marta stops answering in the
	// last two weeks.
	h := newHousehold(t,
		map[string][]int{
			"anna":  {4, 4, 4, 4, 4, 3, 3, 2, 2, 2},
			"luca":  {4, 4, 4, 4, 4, 4, 3, 3, 3, 3},
			"marta": {4, 4, 4, 4, 4, 4, 4, 4, 0, 0},
		},
		map[string][]int{
			"anna":  {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
			"luca":  {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
			"marta": {3, 3, 3, 3, 3, 3, 2, 2, 1, 1},
		})
	// The figures follow from DefaultRiskWeights by hand. Anna's recent
	// mood (weight 0.5) goes 4, 3.5, 3.25, 2.625, 2.3125, 2.15625; her
	// usual mood (weight 0.2) 4, 3.8, 3.64, 3.312, 3.0496, 2.8397. Chores
	// done in the last three weeks: 100%, 100%, 89%, 78%, 56%, 44%,
	// against 100% in the three weeks before until the last scan (89%).
	tests := []struct {
		week    int // 1-based week of decline
		level   housing.AlertLevel
		score   int
		reasons []brief
	}{
		{0, housing.AlertNone, 0, nil}, // the last healthy week
		{1, housing.AlertNone, 0, nil},
		{2, housing.AlertNone, 0, nil},
		{3, housing.AlertNone, 0, nil}, // a drop of 11 points in chores is within the allowance
		{4, housing.AlertWatch, 29, []brief{
			{housing.ReasonMoodDrop, "anna", 14}, // 20 × 0.687
			{housing.ReasonMoodLow, "anna", 8},   // 20 × (3 − 2.625)
			{housing.ReasonChoresDrop, "", 7},    // 3 × 2.2 (100% → 78%)
		}},
		{5, housing.AlertAtRisk, 49, []brief{
			{housing.ReasonMoodDrop, "anna", 15}, // 20 × 0.737
			{housing.ReasonMoodLow, "anna", 14},  // 20 × 0.6875
			{housing.ReasonChoresDrop, "", 13},   // 3 × 4.4 (100% → 56%)
			{housing.ReasonChoresLow, "", 7},     // 5 × 1.4 (56% vs 70%)
		}},
		{6, housing.AlertAtRisk, 68, []brief{
			{housing.ReasonMoodLow, "anna", 17},         // 20 × 0.84375
			{housing.ReasonChoresDrop, "", 14},          // 3 × 4.5 (89% → 44%)
			{housing.ReasonMoodDrop, "anna", 14},        // 20 × 0.683
			{housing.ReasonChoresLow, "", 13},           // 5 × 2.6 (44% vs 70%)
			{housing.ReasonCheckInsMissed, "marta", 10}, // 2 in a row, 1 free
		}},
	}
	w := housing.DefaultRiskWeights()
	var prev *housing.Alert
	for _, tt := range tests {
		t.Run(fmt.Sprintf("week %d", tt.week), func(t *testing.T) {
			now := h.scanAt(3 + tt.week)
			r := housing.Score(housing.ComputeSignals(h.inputs(now), now), w)
			if r.Level != tt.level || r.Score != tt.score {
				t.Errorf("Score = %d (%s); want %d (%s); reasons %v", r.Score, r.Level, tt.score, tt.level, r.Reasons)
			}
			if diff := cmp.Diff(tt.reasons, briefs(r.Reasons)); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			// Each of weeks 4, 5 and 6 alerts: first watch, then a higher
			// level, then a new reason.
			if got, want := housing.ShouldAlert(prev, r), tt.week >= 4; got != want {
				t.Errorf("ShouldAlert(%v, %v) = %v; want %v", prev, r, got, want)
			}
			if housing.ShouldAlert(prev, r) {
				a := housing.NewAlert(r, now)
				prev = &a
			}
		})
	}
}

func TestRiskHealthyHousehold(t *testing.T) {
	moods := map[string][]int{}
	chores := map[string][]int{}
	for i, p := range residents() {
		for k := range 12 {
			moods[p] = append(moods[p], 3+(k+i)%3)   // 3, 4, 5, 3, ...
			chores[p] = append(chores[p], 2+(k+i)%2) // 2 or 3 of 3: about 83%
		}
	}
	h := newHousehold(t, moods, chores)
	for k := 2; k < 12; k++ {
		now := h.scanAt(k)
		r := housing.Score(housing.ComputeSignals(h.inputs(now), now), housing.DefaultRiskWeights())
		// Week-to-week ups and downs of a mood point or two may show a
		// small drop, never enough for an alert.
		if r.Level != housing.AlertNone || housing.ShouldAlert(nil, r) {
			t.Errorf("week %d: Score = %d (%s) %v; want level none", k, r.Score, r.Level, r.Reasons)
		}
	}
}

func TestComputeSignalsIgnoresOrder(t *testing.T) {
	h := newHousehold(t,
		map[string][]int{"anna": {4, 3, 0, 2}, "luca": {5, 0, 0, 0}, "marta": {2, 3, 4, 5}},
		map[string][]int{"anna": {3, 2, 1, 0}, "luca": {3, 3, 3, 3}, "marta": {1, 1, 1, 1}})
	now := h.scanAt(3)
	in := h.inputs(now)
	want := housing.ComputeSignals(in, now)
	slices.Reverse(in.CheckIns)
	slices.Reverse(in.Assignments)
	slices.Reverse(in.Outings)
	slices.Reverse(in.Placement.Residents)
	got := housing.ComputeSignals(in, now)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ComputeSignals depends on input order (-want +got):\n%s", diff)
	}
	// And the figures: luca has missed three check-ins in a row.
	if got.People[1].PersonID != "luca" || got.People[1].MissedCheckIns != 3 {
		t.Errorf("People[1] = %+v; want luca with 3 missed check-ins", got.People[1])
	}
}

func TestComputeSignalsEvents(t *testing.T) {
	loc := rome(t)
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, loc)
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	in := housing.RiskInputs{
		Placement: housing.Placement{ID: "pl_1", HomeID: "h_1", Residents: []string{"anna", "luca", "marta"},
			Status: housing.PlacementActive, Start: days(200)},
		Location: loc,
		Events: []housing.Event{
			{ID: "e1", PlacementID: "pl_1", PersonID: "anna", Kind: housing.EventConflict, At: days(3)},
			{ID: "e2", PlacementID: "pl_1", PersonID: "luca", Kind: housing.EventConflict, At: days(40)}, // too old
			{ID: "e3", PlacementID: "pl_1", PersonID: "luca", Kind: housing.EventArrears, At: days(10), ResolvedAt: days(2)},
			{ID: "e4", PlacementID: "pl_1", PersonID: "luca", Kind: housing.EventArrears, At: days(12)},
			{ID: "e5", PlacementID: "pl_2", PersonID: "zoe", Kind: housing.EventConflict, At: days(1)}, // another placement
			{ID: "e6", PlacementID: "pl_1", PersonID: "marta", Kind: housing.EventUnreachable, At: days(50)},
			{ID: "e7", PlacementID: "pl_1", PersonID: "anna", Kind: housing.EventTalk, At: days(5), ResolvedAt: days(4)},
			{ID: "e8", PlacementID: "pl_1", PersonID: "luca", Kind: housing.EventEmergency, At: days(0).Add(-time.Hour)},
		},
		CheckIns: []housing.CheckIn{
			// anna asked to talk a week ago, and was called back: handled.
			{PersonID: "anna", PlacementID: "pl_1", Week: housing.ISOWeek(days(6), loc), Mood: 3, WantsTalk: true, Answered: true, At: days(6)},
			// luca asked yesterday: open.
			{PersonID: "luca", PlacementID: "pl_1", Week: housing.ISOWeek(days(1), loc), Mood: 2, WantsTalk: true, Answered: true, At: days(1)},
		},
		LastSeen: map[string]time.Time{"anna": days(2), "luca": days(1), "marta": days(20)},
	}
	s := housing.ComputeSignals(in, now)
	got := []int{s.Conflicts, s.Arrears, s.Emergencies, s.TalkRequests, s.HomeSilentDays, s.People[2].SilentDays}
	// luca's urgent report an hour ago is the home's latest word.
	if want := []int{1, 1, 1, 1, 0, 20}; !slices.Equal(got, want) {
		t.Errorf("conflicts, arrears, emergencies, talk, home silence, marta's silence = %v; want %v", got, want)
	}
	if s.Reporter != "luca" || !s.People[1].AskedToTalk || s.People[0].AskedToTalk || !s.People[2].Unreachable {
		t.Errorf("signals %+v: want luca reporting and asking, marta unreachable", s)
	}
	r := housing.Score(s, housing.DefaultRiskWeights())
	want := []brief{
		{housing.ReasonEmergency, "luca", 80},
		{housing.ReasonTalkRequest, "luca", 40},
		{housing.ReasonConflict, "", 30},
		{housing.ReasonArrears, "", 25},
		{housing.ReasonUnreachable, "marta", 25},
		{housing.ReasonSilencePerson, "marta", 26}, // 2 × (20 − 7)
		{housing.ReasonNoOutings, "", 44},          // 2 × (28 − 6): no outing since the start
	}
	slices.SortFunc(want, func(a, b brief) int { return b.Contribution - a.Contribution })
	if diff := cmp.Diff(want, briefs(r.Reasons)); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if r.Level != housing.AlertUrgent || r.Score != 270 {
		t.Errorf("Score = %d (%s); want 270 (urgent)", r.Score, r.Level)
	}
}

func TestComputeSignalsOutingsAndCalendar(t *testing.T) {
	loc := rome(t)
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, loc)
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	outing := func(id string, ago int, status housing.OutingStatus, attended []string, replies ...housing.Reply) housing.Outing {
		return housing.Outing{ID: id, Title: "x", At: days(ago), Organiser: "f", Invitees: []string{"anna", "luca"},
			Status: status, Attended: attended, Replies: replies}
	}
	yes := func(p string) housing.Reply {
		return housing.Reply{PersonID: p, Answer: housing.AnswerYes, At: days(70)}
	}
	no := func(p string) housing.Reply {
		return housing.Reply{PersonID: p, Answer: housing.AnswerNo, At: days(70)}
	}
	in := housing.RiskInputs{
		Placement: housing.Placement{ID: "pl_1", Residents: []string{"anna", "luca"}, Status: housing.PlacementActive,
			Start: days(300), ReviewDate: now.AddDate(0, 0, 12)},
		Location: loc,
		Outings: []housing.Outing{
			outing("o1", 65, housing.OutingHeld, []string{"luca"}, yes("luca"), no("anna")), // the last one anyone went to; before the window
			outing("o2", 50, housing.OutingHeld, nil, yes("anna"), no("luca")),              // anna had a place, stayed home
			outing("o3", 40, housing.OutingCancelled, nil, yes("anna"), yes("luca")),
			outing("o4", 30, housing.OutingHeld, nil, no("anna"), no("luca")),
			outing("o5", 20, housing.OutingHeld, []string{}, no("anna")),
			outing("o6", -3, housing.OutingPlanned, nil, yes("anna"), yes("luca")), // in the future
		},
		LastSeen: map[string]time.Time{"anna": days(1), "luca": days(1)},
	}
	s := housing.ComputeSignals(in, now)
	a := s.People[0]
	if got := []int{a.OutingsInvited, a.OutingsDeclined, a.OutingsMissed, s.WeeksSinceOuting, s.DaysToReview}; !slices.Equal(got, []int{3, 2, 1, 9, 12}) {
		t.Errorf("anna invited, declined, missed; weeks since outing; days to review = %v; want [3 2 1 9 12]", got)
	}
	r := housing.Score(s, housing.DefaultRiskWeights())
	want := []brief{
		{housing.ReasonReviewNoPlan, "", 15},
		{housing.ReasonNoOutings, "", 6},           // 2 × (9 − 6)
		{housing.ReasonOutingsDeclined, "anna", 6}, // 3 × (3 − 1): o2 missed, o4 and o5 declined; o1 is too old
	}
	if diff := cmp.Diff(want, briefs(r.Reasons)); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if r.Reasons[0].N != 12 || !r.Reasons[0].Date.Equal(now.AddDate(0, 0, 12)) {
		t.Errorf("review reason %v; want 12 days, the review date", r.Reasons[0])
	}
	// With an exit plan the review is not a worry.
	in.Placement.ExitGoal = "flat for two in Savena"
	if r := housing.Score(housing.ComputeSignals(in, now), housing.DefaultRiskWeights()); r.Score != 12 {
		t.Errorf("with an exit plan: Score = %d %v; want 12", r.Score, r.Reasons)
	}
}

func TestScoreRules(t *testing.T) {
	at := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	review := at.AddDate(0, 0, -3)
	base := func(edit func(s *housing.Signals)) housing.Signals {
		s := housing.Signals{PlacementID: "pl_1", At: at, Status: housing.PlacementActive,
			People: []housing.PersonSignals{{PersonID: "anna", Mood: 4, MoodBaseline: 4, Answered: 8}, {PersonID: "luca", Mood: 4, MoodBaseline: 4, Answered: 8}}}
		edit(&s)
		return s
	}
	tests := []struct {
		name string
		s    housing.Signals
		want []brief
	}{
		{"quiet", base(func(*housing.Signals) {}), nil},
		{"mood 2", base(func(s *housing.Signals) { s.People[1].Mood, s.People[1].MoodBaseline = 2, 2 }),
			[]brief{{housing.ReasonMoodLow, "luca", 20}}},
		{"one answer is not a trend", base(func(s *housing.Signals) { s.People[1].Mood, s.People[1].MoodBaseline, s.People[1].Answered = 1, 1, 1 }), nil},
		{"no answers are not a low mood", base(func(s *housing.Signals) { s.People[1] = housing.PersonSignals{PersonID: "luca"} }), nil},
		{"the worse of two", base(func(s *housing.Signals) { s.People[0].Mood, s.People[1].Mood = 2.5, 2 }),
			[]brief{{housing.ReasonMoodDrop, "luca", 40}, {housing.ReasonMoodLow, "luca", 20}}},
		{"a drop within the allowance", base(func(s *housing.Signals) { s.People[0].Mood = 3.6 }), nil},
		{"three check-ins missed", base(func(s *housing.Signals) { s.People[0].MissedCheckIns = 3 }),
			[]brief{{housing.ReasonCheckInsMissed, "anna", 20}}},
		{"one check-in missed", base(func(s *housing.Signals) { s.People[0].MissedCheckIns = 1 }), nil},
		{"nobody doing chores", base(func(s *housing.Signals) { s.ChoresDue = 20 }),
			[]brief{{housing.ReasonChoresLow, "", 35}}},
		{"too few chores to judge", base(func(s *housing.Signals) { s.ChoresDue = 2 }), nil},
		{"can't today four times", base(func(s *housing.Signals) { s.People[0].Cant = 4 }),
			[]brief{{housing.ReasonCantRepeated, "anna", 10}}},
		{"silent 17 days", base(func(s *housing.Signals) { s.People[1].SilentDays = 17 }),
			[]brief{{housing.ReasonSilencePerson, "luca", 20}}},
		{"silent 100 days, capped", base(func(s *housing.Signals) { s.People[1].SilentDays = 100 }),
			[]brief{{housing.ReasonSilencePerson, "luca", 60}}},
		{"home silent 9 days", base(func(s *housing.Signals) { s.HomeSilentDays = 9 }),
			[]brief{{housing.ReasonSilenceHome, "", 20}}},
		{"two urgent reports, never capped", base(func(s *housing.Signals) { s.Emergencies, s.Reporter = 2, "anna" }),
			[]brief{{housing.ReasonEmergency, "anna", 160}}},
		{"review passed", base(func(s *housing.Signals) { s.ReviewDate, s.DaysToReview, s.ExitPlan = review, -3, true }),
			[]brief{{housing.ReasonReviewOverdue, "", 10}}},
		{"review passed, already under review", base(func(s *housing.Signals) {
			s.ReviewDate, s.DaysToReview, s.Status = review, -3, housing.PlacementUnderReview
		}), nil},
		{"review in 31 days", base(func(s *housing.Signals) { s.ReviewDate, s.DaysToReview = review, 31 }), nil},
		{"trial ends in a week, undecided", base(func(s *housing.Signals) {
			s.Status, s.TrialEnd, s.DaysToTrialEnd = housing.PlacementTrial, review, 7
		}), []brief{{housing.ReasonTrialUndecided, "", 15}}},
		{"not living together yet", base(func(s *housing.Signals) { s.Status, s.Emergencies = housing.PlacementIntroduced, 1 }), nil},
		{"ended", base(func(s *housing.Signals) { s.Status, s.Conflicts = housing.PlacementEnded, 3 }), nil},
	}
	w := housing.DefaultRiskWeights()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := housing.Score(tt.s, w)
			if diff := cmp.Diff(tt.want, briefs(r.Reasons)); diff != "" {
				t.Errorf("Score reasons (-want +got):\n%s", diff)
			}
			sum := 0
			for _, x := range r.Reasons {
				sum += x.Contribution
				if !slices.Contains(housing.LifeKeys(), x.Key) {
					t.Errorf("reason key %q is not in LifeKeys()", x.Key)
				}
			}
			if r.Score != sum || r.Level != w.Level(sum) {
				t.Errorf("Score = %d (%s); want the sum %d (%s)", r.Score, r.Level, sum, w.Level(sum))
			}
			if again := housing.Score(tt.s, w); !cmp.Equal(r, again) {
				t.Errorf("Score is not deterministic")
			}
		})
	}
}

func TestRiskWeightsLevels(t *testing.T) {
	w := housing.DefaultRiskWeights()
	for _, tt := range []struct {
		score int
		want  housing.AlertLevel
	}{{0, housing.AlertNone}, {19, housing.AlertNone}, {20, housing.AlertWatch}, {44, housing.AlertWatch},
		{45, housing.AlertAtRisk}, {79, housing.AlertAtRisk}, {80, housing.AlertUrgent}, {500, housing.AlertUrgent}} {
		if got := w.Level(tt.score); got != tt.want {
			t.Errorf("Level(%d) = %s; want %s", tt.score, got, tt.want)
		}
	}
}

func TestRiskWeightsValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(w *housing.RiskWeights)
		field string
	}{
		{"defaults", func(*housing.RiskWeights) {}, ""},
		{"levels out of order", func(w *housing.RiskWeights) { w.AtRisk = w.Urgent }, "watch"},
		{"watch at zero", func(w *housing.RiskWeights) { w.Watch = 0 }, "watch"},
		{"mood floor 6", func(w *housing.RiskWeights) { w.MoodFloor = 6 }, "mood_floor"},
		{"negative drop", func(w *housing.RiskWeights) { w.MoodDropMin = -1 }, "mood_drop_min"},
		{"chores ok 120%", func(w *housing.RiskWeights) { w.ChoresOK = 120 }, "chores_ok"},
		{"negative points", func(w *housing.RiskWeights) { w.Conflict = -5 }, "conflict"},
		{"silly points", func(w *housing.RiskWeights) { w.Silence = 5000 }, "silence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := housing.DefaultRiskWeights()
			tt.edit(&w)
			checkField(t, "RiskWeights.Validate()", w.Validate(), tt.field)
		})
	}
}

func TestComputeSignalsSkipsOtherPlacements(t *testing.T) {
	now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	in := housing.RiskInputs{
		Placement: housing.Placement{ID: "pl_1", Residents: []string{"anna"}, Status: housing.PlacementActive, Start: now.AddDate(0, 0, -3)},
		CheckIns: []housing.CheckIn{
			{PersonID: "anna", PlacementID: "pl_0", Week: "2026-W47", Answered: false, At: now.AddDate(0, 0, -8)},
			{PersonID: "anna", PlacementID: "pl_0", Week: "2026-W48", Answered: false, At: now.AddDate(0, 0, -1)},
		},
	}
	s := housing.ComputeSignals(in, now)
	want := []housing.PersonSignals{{PersonID: "anna", SilentDays: 3}}
	if diff := cmp.Diff(want, s.People, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("People (-want +got):\n%s", diff)
	}
}

// BenchmarkRiskScan measures one placement's nightly scan: signals from
// ten weeks of records for three residents, then the score.
func BenchmarkRiskScan(b *testing.B) {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		b.Fatal(err)
	}
	h := household{loc: loc, start: time.Date(2026, 8, 3, 0, 0, 0, 0, loc),
		moods:  map[string][]int{"anna": {4, 4, 4, 4, 4, 3, 3, 2, 2, 2}, "luca": {4, 4, 4, 4, 4, 4, 3, 3, 3, 3}, "marta": {4, 4, 4, 4, 4, 4, 4, 4, 0, 0}},
		chores: map[string][]int{"anna": {3, 3, 3, 3, 3, 3, 2, 2, 1, 1}, "luca": {3, 3, 3, 3, 3, 3, 2, 2, 1, 1}, "marta": {3, 3, 3, 3, 3, 3, 2, 2, 1, 1}}}
	now := h.scanAt(9)
	in := h.inputs(now)
	w := housing.DefaultRiskWeights()
	for b.Loop() {
		housing.Score(housing.ComputeSignals(in, now), w)
	}
}
