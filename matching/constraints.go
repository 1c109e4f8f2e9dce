package matching

import (
	"slices"
	"strconv"

	"github.com/convivo/convivo/housing"
)

// Reason is a hard constraint that removes an option: a translation key
// ("constraint.…") and its parameters. Parameters name people and homes by
// id ("who", "other", "home") and give figures as decimal strings; the bot
// turns them into text for staff. Reasons never reach the people matched.
type Reason struct {
	Key    string
	Params map[string]string
}

// The pair constraint keys, in check order.
const (
	KeySamePerson       = "constraint.same_person"       // a candidate cannot live with themself
	KeyExclusion        = "constraint.exclusion"         // who's care team ruled out living with other
	KeyRejected         = "constraint.rejected"          // a mediator rejected who with other
	KeySubstanceFree    = "constraint.substance_free"    // who needs substance-free; other is SerDP without that need
	KeySmokersNever     = "constraint.smokers_never"     // who never lives with smokers; other smokes
	KeyPetsNever        = "constraint.pets_never"        // who never lives with animals; other has pets
	KeyGender           = "constraint.gender"            // other's gender is outside who's hard wish
	KeyGenderUnanswered = "constraint.gender_unanswered" // who's hard gender wish, other's gender unanswered
	KeyAge              = "constraint.age"               // other's age is outside who's hard range
	KeyAgeUnanswered    = "constraint.age_unanswered"    // who's hard age range, other's age unanswered
)

// The home constraint keys, in check order.
const (
	KeyHomeUnavailable   = "constraint.home_unavailable"    // the home is not open to new residents
	KeyAlreadyLiving     = "constraint.already_living"      // who already holds a place there
	KeyRejectedHome      = "constraint.rejected_home"       // a mediator rejected who for the home
	KeyHomeKind          = "constraint.home_kind"           // who did not ask for this kind of home
	KeyStepFree          = "constraint.step_free"           // who needs step-free; the home is not
	KeySubstanceFreeHome = "constraint.substance_free_home" // who needs substance-free; the IESA home or flat has no such rule
	KeySupport           = "constraint.support"             // the home gives two or more levels less support than who needs
	KeyHomeSmoking       = "constraint.home_smoking"        // who never lives with smokers; smoking is allowed there
	KeyHomeAnimals       = "constraint.home_animals"        // who never lives with animals; there are some
	KeyHomeChildren      = "constraint.home_children"       // who never lives with children; there are some
	KeyCapacity          = "constraint.capacity"            // not enough free places
	KeySingleRoom        = "constraint.single_room"         // not enough free single rooms
	KeyBeneficiaryCap    = "constraint.beneficiary_cap"     // the cap on programme beneficiaries would be exceeded
)

// PairConstraintKeys returns the keys of the rules CheckPair applies, in
// check order: what an Explanation lists as Checked for a pair.
func PairConstraintKeys() []string {
	return []string{KeySamePerson, KeyExclusion, KeyRejected, KeySubstanceFree,
		KeySmokersNever, KeyPetsNever, KeyGender, KeyAge}
}

// HomeConstraintKeys returns the keys of the rules CheckHome applies, in
// check order (exclusions of the host and occupants included).
func HomeConstraintKeys() []string {
	return []string{KeyHomeUnavailable, KeyAlreadyLiving, KeyRejectedHome, KeyExclusion, KeyHomeKind,
		KeyStepFree, KeySubstanceFreeHome, KeySupport, KeyHomeSmoking, KeyHomeAnimals, KeyHomeChildren,
		KeyCapacity, KeySingleRoom, KeyBeneficiaryCap}
}

func scConstraintKeys() []string {
	return append(append(PairConstraintKeys(), KeyGenderUnanswered, KeyAgeUnanswered), HomeConstraintKeys()...)
}

// CheckPair applies the hard constraints between two people, in both
// directions, before any scoring: a removed pair is never proposed. It
// returns ok and, when not ok, every rule that removes the pair in check
// order (see PairConstraintKeys):
//
//   - the same person twice;
//   - a care-team exclusion by either;
//   - a pair a mediator rejected (either candidate's Rejected);
//   - substance-free: a person whose care team asks for a substance-free
//     environment never lives with someone followed by the addiction
//     service (SerDP) who has no such need; people in recovery who both
//     need it may live together, and co-residents outside SerDP accept the
//     home's rule by moving in (see CheckHome);
//   - "never" answers: never with smokers vs a smoker, never with animals vs
//     someone with pets (children are a home matter, see CheckHome);
//   - a gender or age wish stated as hard: the other's gender or age must
//     fit it, and must be answered.
func CheckPair(a, b Candidate) (ok bool, reasons []Reason) {
	if a.person.ID == b.person.ID {
		reasons = append(reasons, scReason(KeySamePerson, "who", a.person.ID))
	}
	reasons = scCheckDirected(reasons, &a, &b)
	reasons = scCheckDirected(reasons, &b, &a)
	if len(reasons) > 1 {
		order := scConstraintKeys()
		slices.SortStableFunc(reasons, func(x, y Reason) int {
			return slices.Index(order, x.Key) - slices.Index(order, y.Key)
		})
	}
	return len(reasons) == 0, reasons
}

// scCheckDirected appends the rules that who's answers and care impose on
// other.
func scCheckDirected(reasons []Reason, who, other *Candidate) []Reason {
	tw, to := &who.tr, &other.tr
	pair := func(key string) Reason { return scReason(key, "who", who.person.ID, "other", other.person.ID) }
	if _, found := slices.BinarySearch(who.exclusions, other.person.ID); found {
		reasons = append(reasons, pair(KeyExclusion))
	}
	if _, found := slices.BinarySearch(who.rejected, other.person.ID); found {
		reasons = append(reasons, pair(KeyRejected))
	}
	forbidden := tw.forbidBits & to.traitBits
	if forbidden&scBitSFConflict != 0 {
		reasons = append(reasons, pair(KeySubstanceFree))
	}
	if forbidden&scBitSmoker != 0 {
		reasons = append(reasons, pair(KeySmokersNever))
	}
	if forbidden&scBitPets != 0 {
		reasons = append(reasons, pair(KeyPetsNever))
	}
	if tw.genderMask&(1<<to.gender) == 0 {
		key := KeyGender
		if to.gender == 0 {
			key = KeyGenderUnanswered
		}
		reasons = append(reasons, pair(key))
	}
	if to.age < tw.ageLo || to.age > tw.ageHi {
		key := KeyAge
		if to.age == 0 {
			key = KeyAgeUnanswered
		}
		reasons = append(reasons, pair(key))
	}
	return reasons
}

// scReason builds a Reason from a key and name–value pairs.
func scReason(key string, kv ...string) Reason {
	r := Reason{Key: key, Params: make(map[string]string, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Params[kv[i]] = kv[i+1]
	}
	return r
}

// CheckHome applies the hard constraints between a person and a home, for
// the person to take one place there. It returns ok and, when not ok, every
// rule that removes the option in check order (see HomeConstraintKeys):
//
//   - the home is not available, or the person already lives there;
//   - a mediator rejected the person for the home;
//   - the person's care team excluded the host or a current occupant (the
//     occupants' own exclusions need their candidates: use CheckPair);
//   - the person answered housing forms and this kind is not among them;
//   - step-free need and a home with steps;
//   - a substance-free need and an IESA home or flat without a
//     substance-free rule (a cohousing's private units keep their own);
//   - support two or more levels below the care team's intensity (one level
//     below is scored, with a warning);
//   - "never" with smokers, animals or children, and the home has them;
//   - no free place, no free single room for a single-room need (occupants
//     are assumed to hold single rooms first), or the home's cap on programme
//     beneficiaries reached.
func CheckHome(a Candidate, h housing.Home) (ok bool, reasons []Reason) {
	reasons = scCheckHomeMember(nil, &a, &h)
	reasons = scCheckHomeRoom(reasons, &h, []Candidate{a})
	return len(reasons) == 0, reasons
}

// CheckHousehold applies the hard constraints to people moving into a home
// together: every pair among members (CheckPair), every member against the
// home (CheckHome), and the home's free places, free single rooms and
// beneficiary cap against the whole group. It is what a group solver's
// proposal must pass.
func CheckHousehold(h housing.Home, members []Candidate) (ok bool, reasons []Reason) {
	for i := range members {
		for j := i + 1; j < len(members); j++ {
			_, rs := CheckPair(members[i], members[j])
			reasons = append(reasons, rs...)
		}
	}
	for i := range members {
		reasons = scCheckHomeMember(reasons, &members[i], &h)
	}
	reasons = scCheckHomeRoom(reasons, &h, members)
	return len(reasons) == 0, reasons
}

// scCheckHomeMember appends the rules between one person and a home that do
// not depend on who else moves in.
func scCheckHomeMember(reasons []Reason, a *Candidate, h *housing.Home) []Reason {
	t := &a.tr
	home := func(key string, kv ...string) Reason {
		return scReason(key, append([]string{"who", a.person.ID, "home", h.ID}, kv...)...)
	}
	if !h.Available {
		reasons = append(reasons, home(KeyHomeUnavailable))
	}
	if h.HasOccupant(a.person.ID) {
		reasons = append(reasons, home(KeyAlreadyLiving))
	}
	if _, found := slices.BinarySearch(a.rejected, h.ID); found {
		reasons = append(reasons, home(KeyRejectedHome))
	}
	for _, id := range scHomePeople(h) {
		if slices.Contains(a.exclusions, id) {
			reasons = append(reasons, scReason(KeyExclusion, "who", a.person.ID, "other", id))
		}
	}
	if forms := a.profile.HousingForms; len(forms) > 0 && !slices.Contains(forms, h.Kind) {
		reasons = append(reasons, home(KeyHomeKind, "kind", string(h.Kind)))
	}
	if t.stepFree == scYes && !h.StepFree {
		reasons = append(reasons, home(KeyStepFree))
	}
	if t.forbidBits&scBitSFConflict != 0 && h.Kind != housing.KindCohousing && !h.SubstanceFree {
		reasons = append(reasons, home(KeySubstanceFreeHome))
	}
	if t.support >= 0 && int(t.support)-int(h.Support) >= 2 {
		reasons = append(reasons, home(KeySupport, "need", t.scNeed(), "offered", h.Support.String()))
	}
	return scCheckHomeNever(reasons, t, h, home)
}

func (t *scTraits) scNeed() string { return housing.Intensity(t.support).String() }

// scCheckHomeNever appends the "never" answers the home's household breaks.
func scCheckHomeNever(reasons []Reason, t *scTraits, h *housing.Home, home func(string, ...string) Reason) []Reason {
	if t.smokers == scNever && h.SmokingAllowed {
		reasons = append(reasons, home(KeyHomeSmoking))
	}
	if t.pets == scNever && h.Animals {
		reasons = append(reasons, home(KeyHomeAnimals))
	}
	if t.children == scNever && h.Children {
		reasons = append(reasons, home(KeyHomeChildren))
	}
	return reasons
}

// scHomePeople returns the people already at a home: its host and occupants.
func scHomePeople(h *housing.Home) []string {
	ids := make([]string, 0, len(h.Occupants)+1)
	if h.HostID != "" {
		ids = append(ids, h.HostID)
	}
	for _, o := range h.Occupants {
		ids = append(ids, o.PersonID)
	}
	return ids
}

// scFreeSingles is the number of free single rooms, assuming the current
// occupants hold single rooms first (the safe side: a single-room need is
// never promised a room that may be taken).
func scFreeSingles(h *housing.Home) int { return max(0, h.SingleRooms-len(h.Occupants)) }

// scCheckHomeRoom appends the capacity rules for members moving in together.
func scCheckHomeRoom(reasons []Reason, h *housing.Home, members []Candidate) []Reason {
	singles, beneficiaries := 0, 0
	for i := range members {
		if members[i].tr.singleRoom == scYes {
			singles++
		}
		if members[i].Beneficiary() {
			beneficiaries++
		}
	}
	itoa := strconv.Itoa
	if free := h.Free(); free < len(members) {
		reasons = append(reasons, scReason(KeyCapacity, "home", h.ID, "free", itoa(free), "need", itoa(len(members))))
	}
	if free := scFreeSingles(h); free < singles {
		reasons = append(reasons, scReason(KeySingleRoom, "home", h.ID, "free", itoa(free), "need", itoa(singles)))
	}
	if beneficiaries > 0 && h.Beneficiaries()+beneficiaries > h.MaxBeneficiaries() {
		reasons = append(reasons, scReason(KeyBeneficiaryCap, "home", h.ID,
			"cap", itoa(h.MaxBeneficiaries()), "now", itoa(h.Beneficiaries())))
	}
	return reasons
}

// Verdict answers "why not this option?": whether the hard constraints
// allow it, the rules that remove it, and its score either way (the
// mutual score for a pair, the home fit for a home), for staff.
type Verdict struct {
	Allowed bool
	Reasons []Reason
	Score   int
}

// WhyNot tells a mediator why a and b are not proposed together: the rules
// that remove the pair, or, when it is allowed, its mutual score. (The round
// adds the score gap to the option it chose.)
func WhyNot(a, b Candidate, w Weights) Verdict {
	ok, reasons := CheckPair(a, b)
	return Verdict{Allowed: ok, Reasons: reasons, Score: Score(a, b, w)}
}

// WhyNotHome tells a mediator why a is not proposed for home h: the rules
// that remove the option, or, when it is allowed, a's home fit.
func WhyNotHome(a Candidate, h housing.Home, w Weights) Verdict {
	ok, reasons := CheckHome(a, h)
	return Verdict{Allowed: ok, Reasons: reasons, Score: HomeFit(a, h, w)}
}
