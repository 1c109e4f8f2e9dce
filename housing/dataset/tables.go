package dataset

import (
	"github.com/convivo/convivo/housing"
)

// acceptValues returns the answers of the Acceptance columns.
func acceptValues() []string { return []string{"fine", "rather-not", "never"} }

// intensities returns the keys of the Intensity columns.
func intensities() []string { return []string{"none", "light", "medium", "intensive"} }

// peopleTable is the single description of people.csv: the reader, the
// writer and the documentation all follow it.
func peopleTable() []column[PersonRecord] {
	type R = PersonRecord
	p, pr, h, c := groupPerson, groupProfile, groupHost, groupCare
	return []column[R]{
		required(typed(p, "id", typeID, "Unique in the file; other rows refer to the person by it. 1-64 characters from A-Z a-z 0-9 _ -.", func(r *R) any { return &r.Person.ID })),
		typed(p, "code", typeText, "Case code staff screens show before the name, e.g. BO-0142; at most 32 characters.", func(r *R) any { return &r.Person.Code }),
		required(oneOf(p, "role", "What the person is to the service. Only beneficiaries have care fields; staff have no interview answers.", strs(housing.Roles()), func(r *R) any { return &r.Person.Role })),
		required(typed(p, "display_name", typeText, "First name or chosen name, the only name peers see; at most 64 characters.", func(r *R) any { return &r.Person.DisplayName })),
		required(typed(p, "district", typeDistrict, "Where the person's life is now: one of the configured districts, in any case.", func(r *R) any { return &r.Person.District })),
		withDefault(oneOf(p, "language", "Language of the chat. Empty: it.", []string{"it", "en"}, func(r *R) any { return &r.Person.Language }), "it"),
		withDefault(oneOf(p, "status", "Where the person is in the service. Empty: invited.", []string{"invited", "active", "paused", "left"}, func(r *R) any { return &r.Person.Status }), "invited"),

		{Column: Column{Name: "housing_forms", Type: typeListOf + typeOneOf, Values: strs(housing.HomeKinds()), Help: "Kinds of home wanted, separated by ;."}, group: pr, fold: true, ptr: func(r *R) any { return &r.Profile.HousingForms }},
		typed(pr, "districts", typeListOf+typeDistrict, "Districts the person would live in, separated by ;.", func(r *R) any { return &r.Profile.Districts }),
		yesNoCol(pr, "stay_near", "Wants to stay near the current district.", func(r *R) any { return &r.Profile.StayNear }),
		yesNoCol(pr, "smoker", "Smokes.", func(r *R) any { return &r.Profile.Smoker }),
		oneOf(pr, "smokers", "Living with smokers. never is a hard constraint.", acceptValues(), func(r *R) any { return &r.Profile.Smokers }),
		yesNoCol(pr, "has_pets", "Has an animal.", func(r *R) any { return &r.Profile.HasPets }),
		oneOf(pr, "pets", "Living with animals. never is a hard constraint.", acceptValues(), func(r *R) any { return &r.Profile.Pets }),
		oneOf(pr, "children", "Living with children (IESA host families). never is a hard constraint.", acceptValues(), func(r *R) any { return &r.Profile.Children }),
		typed(pr, "sleep_rhythm", typeLevel, "1 early bird ... 5 night owl.", func(r *R) any { return &r.Profile.SleepRhythm }),
		typed(pr, "tidiness", typeLevel, "1 relaxed ... 5 very tidy.", func(r *R) any { return &r.Profile.Tidiness }),
		typed(pr, "sociability", typeLevel, "1 keeps to self ... 5 likes company a lot.", func(r *R) any { return &r.Profile.Sociability }),
		typed(pr, "noise", typeLevel, "1 needs quiet ... 5 noise is fine.", func(r *R) any { return &r.Profile.Noise }),
		typed(pr, "guests", typeLevel, "1 rarely has guests ... 5 often.", func(r *R) any { return &r.Profile.Guests }),
		typed(pr, "shared_cooking", typeLevel, "1 cooks alone ... 5 loves cooking together.", func(r *R) any { return &r.Profile.SharedCooking }),
		folded(typed(pr, "languages", typeListOf+"language codes", "Languages spoken, ISO 639-1 codes separated by ;, e.g. it;ar.", func(r *R) any { return &r.Profile.Languages })),
		folded(typed(pr, "interests", typeListOf+"keys", "Interests, keys separated by ;, e.g. music;cooking; each at most 32 characters.", func(r *R) any { return &r.Profile.Interests })),
		oneOf(pr, "gender", "How the person describes themself.", []string{"woman", "man", "other"}, func(r *R) any { return &r.Profile.Gender }),
		oneOf(pr, "gender_wish", "Whom the person would like to live with. Empty: no preference.", []string{"women", "men", "same"}, func(r *R) any { return &r.Profile.GenderWish }),
		yesNoCol(pr, "gender_hard", "gender_wish is a hard constraint. Empty: no.", func(r *R) any { return &r.Profile.GenderHard }),
		typed(pr, "birth_year", typeNumber, "Year of birth, e.g. 1978.", func(r *R) any { return &r.Profile.BirthYear }),
		typed(pr, "age_min", typeNumber, "Youngest housemate wanted, 0-120. Empty: no limit.", func(r *R) any { return &r.Profile.AgeMin }),
		typed(pr, "age_max", typeNumber, "Oldest housemate wanted, 0-120, not below age_min. Empty: no limit.", func(r *R) any { return &r.Profile.AgeMax }),
		yesNoCol(pr, "age_hard", "The age range is a hard constraint. Empty: no.", func(r *R) any { return &r.Profile.AgeHard }),
		yesNoCol(pr, "step_free", "Needs a step-free home (hard constraint).", func(r *R) any { return &r.Profile.StepFree }),
		yesNoCol(pr, "single_room", "Needs a room of their own (hard constraint).", func(r *R) any { return &r.Profile.SingleRoom }),
		typed(pr, "budget_max", typeNumber, "Euro per month the person can pay.", func(r *R) any { return &r.Profile.BudgetMax }),
		typed(pr, "move_in_from", typeDate, "Earliest move-in date.", func(r *R) any { return &r.Profile.MoveInFrom }),
		typed(pr, "move_in_to", typeDate, "Latest move-in date, not before move_in_from.", func(r *R) any { return &r.Profile.MoveInTo }),

		typed(h, "host_household_size", typeNumber, "Hosts only: people living in the household now, host included, 1-20. Required when any host_ column is given.", func(r *R) any { return &r.Profile.Host.HouseholdSize }),
		typed(h, "host_rooms", typeNumber, "Hosts only: rooms offered to guests, 0-10.", func(r *R) any { return &r.Profile.Host.Rooms }),
		yesNoCol(h, "host_children", "Hosts only: children live in the household.", func(r *R) any { return &r.Profile.Host.Children }),
		yesNoCol(h, "host_animals", "Hosts only: animals live in the household.", func(r *R) any { return &r.Profile.Host.Animals }),
		yesNoCol(h, "host_smokers", "Hosts only: someone smokes at home.", func(r *R) any { return &r.Profile.Host.Smokers }),
		{Column: Column{Name: "host_support", Type: typeListOf + typeOneOf, Values: strs(housing.SupportKinds()), Help: "Hosts only: everyday support offered, separated by ;."}, group: h, fold: true, ptr: func(r *R) any { return &r.Profile.Host.Support }},
		typed(h, "host_expectations", typeText, "Hosts only: what the host expects, private; at most 2000 characters.", func(r *R) any { return &r.Profile.Host.Expectations }),

		oneOf(c, "target_group", "Beneficiaries only: the service that follows the person.", []string{"csm", "serdp"}, func(r *R) any { return &r.Care.TargetGroup }),
		oneOf(c, "support_intensity", "Beneficiaries only: everyday support needed. Empty: none.", intensities(), func(r *R) any { return &r.Care.SupportIntensity }),
		yesNoCol(c, "substance_free", "Beneficiaries only: needs a substance-free home. Empty: no.", func(r *R) any { return &r.Care.SubstanceFree }),
		typed(c, "exclusions", typeListOf+typeID, "Beneficiaries only: ids of people never to live with, separated by ;; in the file or already stored.", func(r *R) any { return &r.Care.Exclusions }),
		typed(c, "project_end", typeDate, "Beneficiaries only: end of the PTRI / Budget di Salute project.", func(r *R) any { return &r.Care.ProjectEnd }),
		typed(c, "responsible_workers", typeListOf+typeID, "Beneficiaries only: ids of the responsible staff (social-worker, mediator or admin), separated by ;; in the file or already stored.", func(r *R) any { return &r.Care.ResponsibleWorkers }),
		typed(c, "notes", typeText, "Beneficiaries only: care-team notes, staff only; at most 4000 characters.", func(r *R) any { return &r.Care.Notes }),
	}
}

// homesTable is the single description of homes.csv.
func homesTable() []column[housing.Home] {
	type H = housing.Home
	g := groupHome
	return []column[H]{
		required(typed(g, "id", typeID, "Unique in the file. 1-64 characters from A-Z a-z 0-9 _ -.", func(h *H) any { return &h.ID })),
		typed(g, "code", typeText, "Short code for staff, e.g. SI-07.", func(h *H) any { return &h.Code }),
		required(oneOf(g, "kind", "iesa: a host household taking guests; flat: a shared flat; cohousing: long-term shared living with common spaces.", strs(housing.HomeKinds()), func(h *H) any { return &h.Kind })),
		oneOf(g, "tenure", "erp: public housing (ACER); ers: social housing; private: private rent or the host's own home.", []string{"erp", "ers", "private"}, func(h *H) any { return &h.Tenure }),
		required(typed(g, "district", typeDistrict, "One of the configured districts, in any case.", func(h *H) any { return &h.District })),
		required(typed(g, "address", typeText, "Street address; never sent to beneficiaries before a meeting is confirmed.", func(h *H) any { return &h.Address })),
		required(typed(g, "rooms", typeNumber, "Rooms, 1-40 (IESA: rooms offered to guests).", func(h *H) any { return &h.Rooms })),
		required(typed(g, "capacity", typeNumber, "Places for residents, 1-40 (IESA: guest places).", func(h *H) any { return &h.Capacity })),
		typed(g, "single_rooms", typeNumber, "Places that come with a room of one's own, 0 to capacity. Empty: 0.", func(h *H) any { return &h.SingleRooms }),
		yesNoCol(g, "step_free", "Reachable and livable without steps. Empty: no.", func(h *H) any { return &h.StepFree }),
		typed(g, "monthly_cost", typeNumber, "Euro per person per month. Empty: 0.", func(h *H) any { return &h.MonthlyCost }),
		oneOf(g, "support", "The most everyday support the home or host can give. Empty: none.", intensities(), func(h *H) any { return &h.Support }),
		typed(g, "beneficiary_cap", typeNumber, "Most programme beneficiaries living there at once, 0 to capacity. Empty or 0: capacity.", func(h *H) any { return &h.BeneficiaryCap }),
		yesNoCol(g, "smoking_allowed", "Smoking is allowed at home. Empty: no.", func(h *H) any { return &h.SmokingAllowed }),
		yesNoCol(g, "animals", "Animals live there. Empty: no.", func(h *H) any { return &h.Animals }),
		yesNoCol(g, "children", "Children live there. Empty: no.", func(h *H) any { return &h.Children }),
		yesNoCol(g, "substance_free", "The home keeps a substance-free rule. Empty: no.", func(h *H) any { return &h.SubstanceFree }),
		typed(g, "host_id", typeID, "IESA homes only, and required for them: the id of the host, a person with role host, in people.csv or already stored.", func(h *H) any { return &h.HostID }),
		withDefault(yesNoCol(g, "available", "Open to new residents. Empty: yes.", func(h *H) any { return &h.Available }), "yes"),
	}
}
