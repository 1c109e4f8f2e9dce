// Package matching is Convivo's compatibility engine: it scores how well
// people would live together and how well a home fits them, removes the
// options that hard constraints forbid, forms households with the solver
// that suits each kind of home, and explains every score. It is pure: values
// in, values out; no I/O, no logging, no context, no package state. Equal
// inputs always give equal outputs.
//
// # Candidates
//
// A Candidate (NewCandidate) bundles a housing.Person, their
// housing.Profile (the interview answers), the care team's
// *housing.CareInfo (nil outside the programme) and the options a mediator
// rejected (WithRejected), with the answers precomputed into small codes.
//
// # Scoring
//
// Scores are integers in thousandths, 0..1000, so that solvers compare them
// exactly. Each factor (see Factors) maps two answers to a fit in 0..1000,
// Gower-style, by the kind of data:
//
//   - ordinal 1–5 answers (sleep rhythm, tidiness, sociability, guests,
//     shared cooking): 1 − |a−b|/4;
//   - noise: a's tolerance against the noise b makes (the mean of b's guests
//     and sociability), one-sided: below the tolerance fits fully;
//   - categorical acceptances (smokers, animals, children) against whether
//     the trait is present: absent or "fine" 1, "rather not" 0.25, "never"
//     0 (and a hard constraint);
//   - sets: languages fit 0 without a common language and 0.7 + 0.3·Jaccard
//     with one, since any shared language matters most; interests by the
//     Jaccard index;
//   - numbers: budget closeness 1 − |a−b|/800 € (a fixed range, so a pair's
//     score never depends on who else is in the pool); age against a's
//     wished range, a tenth less per year outside;
//   - dates: the overlap of the move-in windows as a fraction of the shorter
//     one (a window with one open end lasts 60 days);
//   - districts: the best proximity between the districts a wants and those
//     b wants (or lives in), from DistrictProximity's table of the six AUSL
//     Bologna districts (same 1, neighbours 0.6, others 0.2).
//
// The directed score s(a→b) (Directed) is how well b fits what a asked for:
// the weighted mean of the fits, with a's answers and tolerances on one side
// and b's attributes on the other. A factor with a missing answer on either
// side is left out of the mean (Gower's δ = 0) and listed as not answered;
// a factor where a states no wish (any gender, no age range, no care need)
// is left out silently. With nothing answered a directed score is the
// neutral Baseline, 500. When less than MinAnsweredShare of the weight is
// answered, explanations carry a WarnFewAnswers warning.
//
// The mutual score (Score) is the harmonic mean of s(a→b) and s(b→a). It is
// high only when both directions are high — a match must be good for both
// people — yet, unlike the minimum, it still moves with the better
// direction, so solvers can rank pairs whose weaker side is equal. It is
// symmetric by construction. Home fit (HomeFit) is the same weighted mean
// over the home factors: the home's district against the person's life
// context (counting double for people who asked to stay near it) and the
// districts they want, cost against budget, the support the home gives
// against the support the care team says is needed, and the household
// (children, animals, smoking) against the person's answers.
//
// Weights (DefaultWeights, ParseWeightsConfig, WeightsConfig.For) give each
// factor its weight, with defaults and per-district overrides; they are
// quantised to thousandths so the arithmetic stays exact.
//
// # Hard constraints
//
// Constraints run before scoring; an option they remove is never proposed.
// CheckPair covers the same person, care-team exclusions (either way),
// pairs a mediator rejected, substance-free needs against people followed
// by the addiction service without that need, "never" answers, and gender
// and age wishes stated as hard. CheckHome adds availability, rejected
// homes, exclusions of the host and occupants, housing forms, step-free and
// substance-free needs, support far below need, "never" answers against the
// household, free places, free single rooms and the cap on programme
// beneficiaries; CheckHousehold applies both to a whole household. WhyNot
// and WhyNotHome answer a mediator's "why not this one?" with the rules
// (translation keys and parameters) or, when allowed, the score.
//
// # Rankings
//
// Shortlist gives every candidate their k best allowed partners; it scales
// to tens of thousands of people with O(N·k) memory: one bounded heap per
// row, pairs scored once from precomputed vectors in tiles over GOMAXPROCS
// workers, and pairs skipped when an upper bound of their score cannot
// enter either row's heap.
// Alternatives ranks partners for one person, RankHomes homes for one
// person, and PairScores and HomeScores give the dense matrices the
// solvers take for a district-sized round. Ties are always broken by
// person (or home) ID, then by position, so rankings do not depend on
// input order or scheduling.
//
// # Solvers
//
// Households are formed per kind of home (see Round): IESA guests go to
// host places by maximum-weight assignment (SolveAssignment, with
// ExpandSlots for capacities) or, as an option, by a stable
// hospital/resident matching (ResidentOptimal, HospitalOptimal); flats for
// two by maximum-weight matching in a general graph (MaxWeightMatching,
// Edmonds' blossom) or stable roommates (StableRoommates, Irving); flats
// for three or four and cohousing by group formation (SolveGroups), exact
// by branch and bound on small pools and a seeded construction with local
// search on large ones.
//
// # Explanations
//
// Explain and ExplainHome say why a score is what it is. Every
// Explanation opens with the Baseline and lists each answered factor's
// signed contribution in thousandths, split into the parts that came
// through s(a→b) and s(b→a); the contributions sum exactly to the score.
// It also lists the factors not answered, the constraints checked (and any
// that remove the option) and warnings for stretched tolerances. Combine
// merges explanations into a household's. Everything a person or mediator
// might read is a translation key with parameters, never text: Keys lists
// every key the package emits, for the bot's catalogue. Explanation.Bars
// feeds the PNG chart of package matching/chart.
package matching
