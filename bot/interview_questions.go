package bot

import (
	"slices"
	"strconv"
	"time"

	"github.com/convivo/convivo/housing"
)

// This file is the interview as data: which questions, in which order and
// section, with which answers, and how each answer lands in the Profile.
// A question's texts are catalog messages: "q.<key>" asks it,
// "q.<key>.why" (optional) says why the first time, "q.<key>.short" names
// it in the summary, and options use "<labels><option>".

// qkind is how a question is answered.
type qkind int

const (
	qChoice    qkind = iota // one button
	qMulti                  // toggles, then Done
	qLevel                  // 1 to 5, each with words
	qNumber                 // a whole number, typed
	qText                   // free text, typed
	qLanguages              // languages, typed as names or codes
)

// question is one interview question. Answers travel as strings: option
// values, a number's digits, a text.
type question struct {
	key      string
	section  string
	kind     qkind
	optional bool
	options  []string // qChoice, qMulti (qLevel: "1".."5")
	labels   string   // message id prefix of option labels ("q.<key>." when empty)
	raw      bool     // options are shown as they are (district names)
	min, max int      // qNumber bounds; qText maximum length in characters
	when     func(p *housing.Profile) bool
	get      func(p *housing.Profile) []string
	set      func(p *housing.Profile, v []string, now time.Time)
}

// labelID returns the message id of option's label.
func (q *question) labelID(option string) string {
	if q.labels != "" {
		return q.labels + option
	}
	return "q." + q.key + "." + option
}

// applies reports whether q is asked given the answers so far.
func (q *question) applies(p *housing.Profile) bool { return q.when == nil || q.when(p) }

// The sections, in summary order.
func residentSections() []string {
	return []string{"home", "habits", "daily", "about", "people", "needs"}
}

func hostSections() []string { return []string{"household", "support"} }

// sectionsFor returns the summary sections of a role.
func sectionsFor(role housing.Role) []string {
	if role == housing.RoleHost {
		return hostSections()
	}
	return residentSections()
}

// questionsFor returns the interview of a role: hosts describe their
// household, everyone else what they are like and what they want.
func questionsFor(role housing.Role, districts housing.Districts, year int) []question {
	if role == housing.RoleHost {
		return hostQuestions()
	}
	return residentQuestions(districts, year)
}

// residentQuestions is the interview of beneficiaries and co-residents;
// year is the current year, for the birth year's bounds.
func residentQuestions(districts housing.Districts, year int) []question {
	qs := []question{
		multi("forms", "home", false, kindStrings(housing.HomeKinds()), "",
			func(p *housing.Profile) *[]housing.HomeKind { return &p.HousingForms }),
		{key: "districts", section: "home", kind: qMulti, options: slices.Clone(districts), raw: true,
			get: func(p *housing.Profile) []string { return p.Districts },
			set: func(p *housing.Profile, v []string, _ time.Time) { p.Districts = slices.Clone(v) }},
		yesNo("stay_near", "home", true, func(p *housing.Profile) *housing.YesNo { return &p.StayNear }),
		yesNo("smoker", "habits", false, func(p *housing.Profile) *housing.YesNo { return &p.Smoker }),
		acceptance("smokers", "habits", func(p *housing.Profile) *housing.Acceptance { return &p.Smokers }),
		yesNo("has_pets", "habits", false, func(p *housing.Profile) *housing.YesNo { return &p.HasPets }),
		acceptance("pets", "habits", func(p *housing.Profile) *housing.Acceptance { return &p.Pets }),
		withWhen(acceptance("children", "habits", func(p *housing.Profile) *housing.Acceptance { return &p.Children }),
			wantsIESA),
		level("sleep", func(p *housing.Profile) *housing.Level { return &p.SleepRhythm }),
		level("tidiness", func(p *housing.Profile) *housing.Level { return &p.Tidiness }),
		level("sociability", func(p *housing.Profile) *housing.Level { return &p.Sociability }),
		level("noise", func(p *housing.Profile) *housing.Level { return &p.Noise }),
		level("guests", func(p *housing.Profile) *housing.Level { return &p.Guests }),
		level("cooking", func(p *housing.Profile) *housing.Level { return &p.SharedCooking }),
		{key: "languages", section: "about", kind: qLanguages, optional: true,
			get: func(p *housing.Profile) []string { return p.Languages },
			set: func(p *housing.Profile, v []string, _ time.Time) { p.Languages = slices.Clone(v) }},
		{key: "interests", section: "about", kind: qMulti, optional: true, options: interestKeys(),
			get: func(p *housing.Profile) []string { return p.Interests },
			set: func(p *housing.Profile, v []string, _ time.Time) { p.Interests = slices.Clone(v) }},
	}
	return append(qs, peopleQuestions(year)...)
}

// peopleQuestions are the "people" and "needs" sections of residents.
func peopleQuestions(year int) []question {
	return []question{
		choice("gender", "people", true, []string{"woman", "man", "other"},
			func(p *housing.Profile) *housing.Gender { return &p.Gender }),
		choice("gender_wish", "people", false, []string{"any", "women", "men", "same"},
			func(p *housing.Profile) *housing.GenderWish { return &p.GenderWish }),
		must("gender_hard", "people", func(p *housing.Profile) bool { return p.GenderWish != housing.WishAny },
			func(p *housing.Profile) *bool { return &p.GenderHard }),
		number("birth_year", "people", true, 1920, year-16,
			func(p *housing.Profile) *int { return &p.BirthYear }),
		ageWish(),
		must("age_hard", "people", func(p *housing.Profile) bool { return p.AgeMin != 0 || p.AgeMax != 0 },
			func(p *housing.Profile) *bool { return &p.AgeHard }),
		yesNo("step_free", "needs", false, func(p *housing.Profile) *housing.YesNo { return &p.StepFree }),
		yesNo("single_room", "needs", false, func(p *housing.Profile) *housing.YesNo { return &p.SingleRoom }),
		number("budget", "needs", true, 0, 5000, func(p *housing.Profile) *int { return &p.BudgetMax }),
		{key: "move_in", section: "needs", kind: qChoice, options: []string{"asap", "3m", "6m", "later"},
			get: func(*housing.Profile) []string { return nil }, set: setMoveIn},
	}
}

func hostQuestions() []question {
	host := func(p *housing.Profile) *housing.HostProfile {
		if p.Host == nil {
			p.Host = &housing.HostProfile{}
		}
		return p.Host
	}
	return []question{
		number("household", "household", false, 1, 20, func(p *housing.Profile) *int { return &host(p).HouseholdSize }),
		number("rooms", "household", false, 1, 10, func(p *housing.Profile) *int { return &host(p).Rooms }),
		yesNo("host_children", "household", false, func(p *housing.Profile) *housing.YesNo { return &host(p).Children }),
		yesNo("host_animals", "household", false, func(p *housing.Profile) *housing.YesNo { return &host(p).Animals }),
		yesNo("host_smokers", "household", false, func(p *housing.Profile) *housing.YesNo { return &host(p).Smokers }),
		multi("support", "support", true, kindStrings(housing.SupportKinds()), "",
			func(p *housing.Profile) *[]housing.SupportKind { return &host(p).Support }),
		{key: "expectations", section: "support", kind: qText, optional: true, max: 2000,
			get: func(p *housing.Profile) []string { return nonEmpty(host(p).Expectations) },
			set: func(p *housing.Profile, v []string, _ time.Time) { host(p).Expectations = first(v) }},
	}
}

// interestKeys is the fixed list of interests, the same keys the seed data
// uses.
func interestKeys() []string {
	return []string{"music", "cooking", "sport", "walking", "reading", "cinema", "gardening", "crafts",
		"board-games", "art", "volunteering", "technology", "animals", "travel", "dancing",
		"photography", "theatre", "football"}
}

// withWhen makes q conditional.
func withWhen(q question, when func(*housing.Profile) bool) question {
	q.when = when
	return q
}

func wantsIESA(p *housing.Profile) bool { return slices.Contains(p.HousingForms, housing.KindIESA) }

// yesNo is a yes/no question.
func yesNo(key, section string, optional bool, field func(*housing.Profile) *housing.YesNo) question {
	return choice(key, section, optional, []string{string(housing.Yes), string(housing.No)}, field, "opt.")
}

// acceptance asks how someone feels about living with a trait.
func acceptance(key, section string, field func(*housing.Profile) *housing.Acceptance) question {
	opts := []string{string(housing.AcceptFine), string(housing.AcceptRatherNot), string(housing.AcceptNever)}
	return choice(key, section, false, opts, field, "accept.")
}

// choice is a one-button question stored in a string-typed field; "any"
// stands for the field's empty value.
func choice[T ~string](key, section string, optional bool, options []string, field func(*housing.Profile) *T, labels ...string) question {
	q := question{key: key, section: section, kind: qChoice, optional: optional, options: options,
		get: func(p *housing.Profile) []string {
			v := string(*field(p))
			if v == "" && slices.Contains(options, "any") {
				v = "any"
			}
			return nonEmpty(v)
		},
		set: func(p *housing.Profile, v []string, _ time.Time) {
			s := first(v)
			if s == "any" {
				s = ""
			}
			*field(p) = T(s)
		}}
	if len(labels) > 0 {
		q.labels = labels[0]
	}
	return q
}

// must asks whether the wish before it is a firm one.
func must(key, section string, when func(*housing.Profile) bool, field func(*housing.Profile) *bool) question {
	return question{key: key, section: section, kind: qChoice, options: []string{"yes", "no"}, labels: "opt.",
		when: when,
		get: func(p *housing.Profile) []string {
			if *field(p) {
				return []string{"yes"}
			}
			return []string{"no"}
		},
		set: func(p *housing.Profile, v []string, _ time.Time) { *field(p) = first(v) == "yes" }}
}

// multi is a multi-select question over a list of string-typed values.
func multi[T ~string](key, section string, optional bool, options []string, labels string, field func(*housing.Profile) *[]T) question {
	return question{key: key, section: section, kind: qMulti, optional: optional, options: options, labels: labels,
		get: func(p *housing.Profile) []string { return kindStrings(*field(p)) },
		set: func(p *housing.Profile, v []string, _ time.Time) {
			var out []T
			for _, s := range v {
				out = append(out, T(s))
			}
			*field(p) = out
		}}
}

// level is a 1–5 question.
func level(key string, field func(*housing.Profile) *housing.Level) question {
	return question{key: key, section: "daily", kind: qLevel, options: []string{"1", "2", "3", "4", "5"},
		get: func(p *housing.Profile) []string {
			if *field(p) == 0 {
				return nil
			}
			return []string{strconv.Itoa(int(*field(p)))}
		},
		set: func(p *housing.Profile, v []string, _ time.Time) {
			n, _ := strconv.Atoi(first(v))
			*field(p) = housing.Level(n)
		}}
}

// number is a typed whole-number question; 0 means unanswered.
func number(key, section string, optional bool, lo, hi int, field func(*housing.Profile) *int) question {
	return question{key: key, section: section, kind: qNumber, optional: optional, min: lo, max: hi,
		get: func(p *housing.Profile) []string {
			if *field(p) == 0 {
				return nil
			}
			return []string{strconv.Itoa(*field(p))}
		},
		set: func(p *housing.Profile, v []string, _ time.Time) { *field(p), _ = strconv.Atoi(first(v)) }}
}

// ageRanges maps the age-wish options to (AgeMin, AgeMax); 0 is open.
func ageRanges() map[string][2]int {
	return map[string][2]int{"any": {0, 0}, "18-30": {18, 30}, "30-45": {30, 45}, "45-60": {45, 60}, "60+": {60, 0}}
}

func ageWish() question {
	return question{key: "age_wish", section: "people", kind: qChoice,
		options: []string{"any", "18-30", "30-45", "45-60", "60+"},
		get: func(p *housing.Profile) []string {
			for k, r := range ageRanges() {
				if r == [2]int{p.AgeMin, p.AgeMax} {
					return []string{k}
				}
			}
			return nil
		},
		set: func(p *housing.Profile, v []string, _ time.Time) {
			r := ageRanges()[first(v)]
			p.AgeMin, p.AgeMax = r[0], r[1]
		}}
}

// setMoveIn turns a move-in option into a window of dates from now.
func setMoveIn(p *housing.Profile, v []string, now time.Time) {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	p.MoveInFrom, p.MoveInTo = time.Time{}, time.Time{}
	switch first(v) {
	case "asap":
		p.MoveInFrom, p.MoveInTo = day, day.AddDate(0, 1, 0)
	case "3m":
		p.MoveInFrom, p.MoveInTo = day, day.AddDate(0, 3, 0)
	case "6m":
		p.MoveInFrom, p.MoveInTo = day.AddDate(0, 3, 0), day.AddDate(0, 6, 0)
	case "later":
		p.MoveInFrom = day.AddDate(0, 6, 0)
	}
}

func kindStrings[T ~string](vs []T) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, string(v))
	}
	return out
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// normalize clears answers to questions that no longer apply, so a changed
// answer never leaves a stale "must" or a children answer without IESA.
func normalize(p *housing.Profile, qs []question) {
	for i := range qs {
		if !qs[i].applies(p) {
			qs[i].set(p, nil, time.Time{})
		}
	}
}

// spokenLanguage is a language the interview understands, by ISO 639-1 code and
// by its names in Italian and English (and a few other spellings).
type spokenLanguage struct {
	code, it, en string
	aliases      []string
}

// knownLanguages lists the languages people most often speak in the
// district's services.
func knownLanguages() []spokenLanguage {
	return []spokenLanguage{
		{"it", "italiano", "Italian", nil}, {"en", "inglese", "English", nil},
		{"fr", "francese", "French", []string{"français"}}, {"es", "spagnolo", "Spanish", []string{"español"}},
		{"de", "tedesco", "German", []string{"deutsch"}}, {"pt", "portoghese", "Portuguese", []string{"português"}},
		{"ro", "rumeno", "Romanian", []string{"romeno", "română"}}, {"uk", "ucraino", "Ukrainian", nil},
		{"ru", "russo", "Russian", nil}, {"pl", "polacco", "Polish", nil},
		{"sq", "albanese", "Albanian", []string{"shqip"}}, {"ar", "arabo", "Arabic", nil},
		{"zh", "cinese", "Chinese", []string{"mandarino", "mandarin"}}, {"bn", "bengalese", "Bengali", []string{"bangla"}},
		{"ur", "urdu", "Urdu", nil}, {"hi", "hindi", "Hindi", nil}, {"pa", "punjabi", "Punjabi", nil},
		{"tl", "tagalog", "Tagalog", []string{"filippino", "filipino"}}, {"fa", "persiano", "Persian", []string{"farsi"}},
		{"tr", "turco", "Turkish", nil}, {"ti", "tigrino", "Tigrinya", nil}, {"am", "amarico", "Amharic", nil},
		{"so", "somalo", "Somali", nil}, {"wo", "wolof", "Wolof", nil},
	}
}
