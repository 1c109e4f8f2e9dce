package housing

import (
	"fmt"
	"slices"
	"time"
)

// YesNo is a yes/no answer that may be missing. The zero value means the
// question was not answered (or skipped).
type YesNo string

// The YesNo answers.
const (
	Unanswered YesNo = ""
	Yes        YesNo = "yes"
	No         YesNo = "no"
)

// Valid reports whether a is a known answer, including Unanswered.
func (a YesNo) Valid() bool { return a == Unanswered || a == Yes || a == No }

// Acceptance is how a person feels about a trait in the people or home they
// would live with (smokers, pets, children). AcceptNever is a hard
// constraint; AcceptRatherNot lowers the score.
type Acceptance string

// The acceptance answers.
const (
	AcceptUnanswered Acceptance = ""
	AcceptFine       Acceptance = "fine"
	AcceptRatherNot  Acceptance = "rather-not"
	AcceptNever      Acceptance = "never"
)

// Valid reports whether a is a known answer, including AcceptUnanswered.
func (a Acceptance) Valid() bool {
	switch a {
	case AcceptUnanswered, AcceptFine, AcceptRatherNot, AcceptNever:
		return true
	}
	return false
}

// Level is an ordinal answer from 1 to 5; 0 means unanswered. What 1 and 5
// mean is given per field in Profile.
type Level int8

// Valid reports whether l is 0 (unanswered) or 1..5.
func (l Level) Valid() bool { return l >= 0 && l <= 5 }

// Gender is how a person describes themself, for housemates' preferences.
type Gender string

// The genders.
const (
	GenderUnanswered Gender = ""
	GenderWoman      Gender = "woman"
	GenderMan        Gender = "man"
	GenderOther      Gender = "other" // non-binary or prefers another word
)

// Valid reports whether g is known, including GenderUnanswered.
func (g Gender) Valid() bool {
	switch g {
	case GenderUnanswered, GenderWoman, GenderMan, GenderOther:
		return true
	}
	return false
}

// GenderWish is whom a person would like to live with.
type GenderWish string

// The gender wishes.
const (
	WishAny   GenderWish = ""      // no preference (or unanswered)
	WishWomen GenderWish = "women" // only or preferably women
	WishMen   GenderWish = "men"   // only or preferably men
	WishSame  GenderWish = "same"  // people of my own gender
)

// Valid reports whether w is known.
func (w GenderWish) Valid() bool {
	switch w {
	case WishAny, WishWomen, WishMen, WishSame:
		return true
	}
	return false
}

// Admits reports whether a housemate of gender other fits the wish of a
// person of gender self. An unanswered gender fits only WishAny.
func (w GenderWish) Admits(self, other Gender) bool {
	switch w {
	case WishWomen:
		return other == GenderWoman
	case WishMen:
		return other == GenderMan
	case WishSame:
		return other != GenderUnanswered && other == self
	}
	return true
}

// Profile holds a person's interview answers: what they are like and what
// they want. Every field may be unanswered; the matching engine leaves
// unanswered factors out of the score rather than guessing. The person can
// review and change every answer. Profiles are sensitive (they are stored
// encrypted where the store supports it) but peers never see them.
type Profile struct {
	PersonID string `json:"person_id"`

	HousingForms []HomeKind `json:"housing_forms,omitempty"` // kinds of home wanted
	Districts    []string   `json:"districts,omitempty"`     // districts the person would live in
	StayNear     YesNo      `json:"stay_near,omitempty"`     // wants to stay near their current district

	Smoker   YesNo      `json:"smoker,omitempty"`
	Smokers  Acceptance `json:"smokers,omitempty"` // living with smokers
	HasPets  YesNo      `json:"has_pets,omitempty"`
	Pets     Acceptance `json:"pets,omitempty"`     // living with animals
	Children Acceptance `json:"children,omitempty"` // living with children (IESA host families)

	SleepRhythm   Level `json:"sleep_rhythm,omitempty"`   // 1 early bird … 5 night owl
	Tidiness      Level `json:"tidiness,omitempty"`       // 1 relaxed … 5 very tidy
	Sociability   Level `json:"sociability,omitempty"`    // 1 keeps to self … 5 likes company a lot
	Noise         Level `json:"noise,omitempty"`          // 1 needs quiet … 5 noise is fine
	Guests        Level `json:"guests,omitempty"`         // 1 rarely has guests … 5 often
	SharedCooking Level `json:"shared_cooking,omitempty"` // 1 cooks alone … 5 loves cooking together

	Languages []string `json:"languages,omitempty"` // ISO 639-1 codes, e.g. "it", "ar"
	Interests []string `json:"interests,omitempty"` // keys from the interview's list, e.g. "music"

	Gender     Gender     `json:"gender,omitempty"`
	GenderWish GenderWish `json:"gender_wish,omitempty"`
	GenderHard bool       `json:"gender_hard,omitempty"` // GenderWish is a "never otherwise"
	BirthYear  int        `json:"birth_year,omitempty"`
	AgeMin     int        `json:"age_min,omitempty"` // housemates' age wish; 0 = none
	AgeMax     int        `json:"age_max,omitempty"`
	AgeHard    bool       `json:"age_hard,omitempty"`
	StepFree   YesNo      `json:"step_free,omitempty"`   // needs a step-free home (hard)
	SingleRoom YesNo      `json:"single_room,omitempty"` // needs a room of their own (hard)
	BudgetMax  int        `json:"budget_max,omitempty"`  // euro per month the person can pay; 0 = unanswered
	MoveInFrom time.Time  `json:"move_in_from,omitzero"`
	MoveInTo   time.Time  `json:"move_in_to,omitzero"`

	Host *HostProfile `json:"host,omitempty"` // only for IESA hosts

	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// SupportKind is a kind of everyday support an IESA host offers.
type SupportKind string

// The support kinds a host can offer.
const (
	SupportCompany  SupportKind = "company"  // time together, conversation
	SupportMeals    SupportKind = "meals"    // shared meals
	SupportErrands  SupportKind = "errands"  // shopping, paperwork, getting around
	SupportRoutine  SupportKind = "routine"  // help with daily routine and appointments
	SupportActivity SupportKind = "activity" // hobbies, outings, community life
)

// SupportKinds lists every support kind.
func SupportKinds() []SupportKind {
	return []SupportKind{SupportCompany, SupportMeals, SupportErrands, SupportRoutine, SupportActivity}
}

// HostProfile is what an IESA host says about their household.
type HostProfile struct {
	HouseholdSize int           `json:"household_size"` // people living there now, host included
	Rooms         int           `json:"rooms"`          // rooms offered to guests
	Children      YesNo         `json:"children,omitempty"`
	Animals       YesNo         `json:"animals,omitempty"`
	Smokers       YesNo         `json:"smokers,omitempty"` // someone smokes at home
	Support       []SupportKind `json:"support,omitempty"`
	Expectations  string        `json:"expectations,omitempty"` // free text, kept private
}

// Age returns the person's age in whole years at t, or 0 when the birth year
// is unanswered. It is accurate to a year, which is all the interview asks.
func (p *Profile) Age(t time.Time) int {
	if p.BirthYear == 0 {
		return 0
	}
	return t.Year() - p.BirthYear
}

// Validate checks every answer's range and consistency.
func (p *Profile) Validate() error {
	if err := checkID("person_id", p.PersonID); err != nil {
		return err
	}
	for i, k := range p.HousingForms {
		if !k.Valid() {
			return invalid(fmt.Sprintf("housing_forms[%d]", i), "%q is not a home kind", k)
		}
	}
	if err := p.validateAnswers(); err != nil {
		return err
	}
	if err := p.validateLevels(); err != nil {
		return err
	}
	if err := p.validateRanges(); err != nil {
		return err
	}
	if p.Host != nil {
		return p.Host.Validate()
	}
	return nil
}

func (p *Profile) validateAnswers() error {
	for _, c := range []struct {
		field string
		ok    bool
	}{
		{"stay_near", p.StayNear.Valid()}, {"smoker", p.Smoker.Valid()}, {"has_pets", p.HasPets.Valid()},
		{"step_free", p.StepFree.Valid()}, {"single_room", p.SingleRoom.Valid()},
		{"smokers", p.Smokers.Valid()}, {"pets", p.Pets.Valid()}, {"children", p.Children.Valid()},
		{"gender", p.Gender.Valid()}, {"gender_wish", p.GenderWish.Valid()},
	} {
		if !c.ok {
			return invalid(c.field, "is not a known answer")
		}
	}
	return nil
}

func (p *Profile) validateLevels() error {
	for _, c := range []struct {
		field string
		l     Level
	}{
		{"sleep_rhythm", p.SleepRhythm}, {"tidiness", p.Tidiness}, {"sociability", p.Sociability},
		{"noise", p.Noise}, {"guests", p.Guests}, {"shared_cooking", p.SharedCooking},
	} {
		if !c.l.Valid() {
			return invalid(c.field, "%d is not between 1 and 5", c.l)
		}
	}
	return nil
}

func (p *Profile) validateRanges() error {
	if p.BirthYear != 0 && (p.BirthYear < 1900 || p.BirthYear > 2100) {
		return invalid("birth_year", "%d is not a plausible year", p.BirthYear)
	}
	if p.AgeMin < 0 || p.AgeMax < 0 || p.AgeMin > 120 || p.AgeMax > 120 {
		return invalid("age_min", "ages must be between 0 and 120")
	}
	if p.AgeMax != 0 && p.AgeMin > p.AgeMax {
		return invalid("age_max", "is below age_min")
	}
	if p.BudgetMax < 0 || p.BudgetMax > 100000 {
		return invalid("budget_max", "%d is not a plausible monthly budget in euro", p.BudgetMax)
	}
	if !p.MoveInFrom.IsZero() && !p.MoveInTo.IsZero() && p.MoveInTo.Before(p.MoveInFrom) {
		return invalid("move_in_to", "is before move_in_from")
	}
	for i, l := range p.Languages {
		if len(l) < 2 || len(l) > 3 {
			return invalid(fmt.Sprintf("languages[%d]", i), "%q is not a language code", l)
		}
	}
	for i, s := range p.Interests {
		if s == "" || len(s) > 32 {
			return invalid(fmt.Sprintf("interests[%d]", i), "is empty or too long")
		}
	}
	return nil
}

// Validate checks a host's answers.
func (h *HostProfile) Validate() error {
	if h.HouseholdSize < 1 || h.HouseholdSize > 20 {
		return invalid("host.household_size", "%d is not between 1 and 20", h.HouseholdSize)
	}
	if h.Rooms < 0 || h.Rooms > 10 {
		return invalid("host.rooms", "%d is not between 0 and 10", h.Rooms)
	}
	if !h.Children.Valid() || !h.Animals.Valid() || !h.Smokers.Valid() {
		return invalid("host", "children, animals and smokers must be yes, no or empty")
	}
	for i, s := range h.Support {
		if !slices.Contains(SupportKinds(), s) {
			return invalid(fmt.Sprintf("host.support[%d]", i), "%q is not a support kind", s)
		}
	}
	if len(h.Expectations) > 2000 {
		return invalid("host.expectations", "is longer than 2000 characters")
	}
	return nil
}
