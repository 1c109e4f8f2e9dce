package solveio

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/convivo/convivo/matching"
)

// This file holds the ordinal formats: roommates, stable-marriage and
// hospital-resident. Players are named; names are sorted to give the
// solvers' indices, so answers do not depend on key order. Preference lists
// are most preferred first, and a name missing from a list is not
// acceptable.

// prefsIn is one side's preference lists by name.
type prefsIn map[string][]string

// roster holds one side's sorted names and their indices.
type roster struct {
	names []string
	index map[string]int
}

func newRoster(prefs map[string][]string) roster {
	r := roster{names: make([]string, 0, len(prefs)), index: make(map[string]int, len(prefs))}
	for name := range prefs {
		r.names = append(r.names, name)
	}
	slices.Sort(r.names)
	for i, name := range r.names {
		r.index[name] = i
	}
	return r
}

// indexPrefs turns side's named lists (field is its JSON key) into index
// lists over other, rejecting unknown and repeated names.
func indexPrefs(field string, prefs prefsIn, side, other roster) ([][]int, error) {
	out := make([][]int, len(side.names))
	for i, name := range side.names {
		seen := make(map[string]bool, len(prefs[name]))
		out[i] = make([]int, 0, len(prefs[name]))
		for _, o := range prefs[name] {
			j, ok := other.index[o]
			switch {
			case !ok:
				return nil, fmt.Errorf("%s: %q lists unknown name %q", field, name, o)
			case seen[o]:
				return nil, fmt.Errorf("%s: %q lists %q twice", field, name, o)
			}
			seen[o] = true
			out[i] = append(out[i], j)
		}
	}
	return out, nil
}

// roommatesIn is {"preferences": {"name": ["name", ...], ...}}.
type roommatesIn struct {
	Preferences prefsIn `json:"preferences"`
}

// roommatesOut lists the pairs [a, b] with a < b, sorted, or null when no
// stable matching exists.
type roommatesOut struct {
	Matching [][2]string `json:"matching"`
}

// solveRoommates reads {"preferences": {...}} and answers {"matching":
// [["a", "b"], ...]} with a stable matching (people left alone are in no
// pair), or {"matching": null} when none exists.
func solveRoommates(in []byte) ([]byte, error) {
	var req roommatesIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("roommates: %v", err)
	}
	if req.Preferences == nil {
		return nil, inputErr(`roommates: missing "preferences"`)
	}
	people := newRoster(req.Preferences)
	prefs, err := indexPrefs("preferences", req.Preferences, people, people)
	if err != nil {
		return nil, inputErr("roommates: %v", err)
	}
	for i, list := range prefs {
		if slices.Contains(list, i) {
			return nil, inputErr("roommates: preferences: %q lists itself", people.names[i])
		}
	}
	partner, err := matching.StableRoommates(prefs)
	switch {
	case errors.Is(err, matching.ErrNoStableMatching):
		return json.Marshal(roommatesOut{})
	case err != nil:
		return nil, fmt.Errorf("roommates: %w: %w", ErrInput, err)
	}
	out := roommatesOut{Matching: [][2]string{}}
	for i, j := range partner {
		if j > i { // names are sorted, so index order is name order
			out.Matching = append(out.Matching, [2]string{people.names[i], people.names[j]})
		}
	}
	return json.Marshal(out)
}

// marriageIn is the stable-marriage instance.
type marriageIn struct {
	Suitors   prefsIn `json:"suitor_preferences"`
	Reviewers prefsIn `json:"reviewer_preferences"`
	Optimal   string  `json:"optimal"`
}

// marriageOut maps each suitor to its reviewer, or null when unmatched.
type marriageOut struct {
	Matching map[string]*string `json:"matching"`
}

// solveStableMarriage reads {"suitor_preferences": {...},
// "reviewer_preferences": {...}, "optimal": "suitor"|"reviewer"} (suitor by
// default) and answers {"matching": {"suitor": "reviewer", ...}}, with null
// for a suitor left unmatched.
func solveStableMarriage(in []byte) ([]byte, error) {
	var req marriageIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("stable-marriage: %v", err)
	}
	solve, err := pickSide("stable-marriage", req.Optimal, "suitor", "reviewer", matching.SuitorOptimal, matching.ReviewerOptimal)
	if err != nil {
		return nil, err
	}
	if req.Suitors == nil || req.Reviewers == nil {
		return nil, inputErr(`stable-marriage: missing "suitor_preferences" or "reviewer_preferences"`)
	}
	suitors, reviewers := newRoster(req.Suitors), newRoster(req.Reviewers)
	sp, err := indexPrefs("suitor_preferences", req.Suitors, suitors, reviewers)
	if err != nil {
		return nil, inputErr("stable-marriage: %v", err)
	}
	rp, err := indexPrefs("reviewer_preferences", req.Reviewers, reviewers, suitors)
	if err != nil {
		return nil, inputErr("stable-marriage: %v", err)
	}
	match, err := solve(sp, rp)
	if err != nil {
		return nil, fmt.Errorf("stable-marriage: %w: %w", ErrInput, err)
	}
	out := marriageOut{Matching: make(map[string]*string, len(match))}
	for s, r := range match {
		out.Matching[suitors.names[s]] = nil
		if r >= 0 {
			out.Matching[suitors.names[s]] = &reviewers.names[r]
		}
	}
	return json.Marshal(out)
}

// pickSide returns first or second by the "optimal" field (first when
// empty).
func pickSide[F any](problem, optimal, nameA, nameB string, a, b F) (F, error) {
	switch optimal {
	case "", nameA:
		return a, nil
	case nameB:
		return b, nil
	}
	var zero F
	return zero, inputErr("%s: optimal is %q; want %q or %q", problem, optimal, nameA, nameB)
}

// hospitalIn is the hospital-resident instance.
type hospitalIn struct {
	Residents  prefsIn        `json:"resident_preferences"`
	Hospitals  prefsIn        `json:"hospital_preferences"`
	Capacities map[string]int `json:"capacities"`
	Optimal    string         `json:"optimal"`
}

// hospitalOut lists each hospital's residents and the residents left
// unmatched, names sorted.
type hospitalOut struct {
	Matching  map[string][]string `json:"matching"`
	Unmatched []string            `json:"unmatched"`
}

// solveHospitalResident reads {"resident_preferences": {...},
// "hospital_preferences": {...}, "capacities": {"h": n}, "optimal":
// "resident"|"hospital"} (resident by default) and answers {"matching":
// {"h": ["r", ...]}, "unmatched": ["r", ...]}.
func solveHospitalResident(in []byte) ([]byte, error) {
	var req hospitalIn
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, inputErr("hospital-resident: %v", err)
	}
	solve, err := pickSide("hospital-resident", req.Optimal, "resident", "hospital", matching.ResidentOptimal, matching.HospitalOptimal)
	if err != nil {
		return nil, err
	}
	p, residents, hospitals, err := parseHospital(req)
	if err != nil {
		return nil, inputErr("hospital-resident: %v", err)
	}
	assigned, err := solve(p)
	if err != nil {
		return nil, fmt.Errorf("hospital-resident: %w: %w", ErrInput, err)
	}
	out := hospitalOut{Matching: make(map[string][]string, len(hospitals.names)), Unmatched: []string{}}
	for _, h := range hospitals.names {
		out.Matching[h] = []string{}
	}
	for r, h := range assigned { // residents in sorted order keep lists sorted
		if h < 0 {
			out.Unmatched = append(out.Unmatched, residents.names[r])
		} else {
			out.Matching[hospitals.names[h]] = append(out.Matching[hospitals.names[h]], residents.names[r])
		}
	}
	return json.Marshal(out)
}

// parseHospital checks the names and capacities of req.
func parseHospital(req hospitalIn) (matching.HRProblem, roster, roster, error) {
	var p matching.HRProblem
	if req.Residents == nil || req.Hospitals == nil || req.Capacities == nil {
		return p, roster{}, roster{}, errors.New(`missing "resident_preferences", "hospital_preferences" or "capacities"`)
	}
	residents, hospitals := newRoster(req.Residents), newRoster(req.Hospitals)
	var err error
	if p.ResidentPrefs, err = indexPrefs("resident_preferences", req.Residents, residents, hospitals); err != nil {
		return p, residents, hospitals, err
	}
	if p.HospitalPrefs, err = indexPrefs("hospital_preferences", req.Hospitals, hospitals, residents); err != nil {
		return p, residents, hospitals, err
	}
	p.Capacities = make([]int, len(hospitals.names))
	for h, name := range hospitals.names {
		c, ok := req.Capacities[name]
		switch {
		case !ok:
			return p, residents, hospitals, fmt.Errorf("capacities: missing hospital %q", name)
		case c < 0:
			return p, residents, hospitals, fmt.Errorf("capacities: %q is negative (%d)", name, c)
		}
		p.Capacities[h] = c
	}
	for _, name := range slices.Sorted(maps.Keys(req.Capacities)) {
		if _, ok := hospitals.index[name]; !ok {
			return p, residents, hospitals, fmt.Errorf("capacities: unknown hospital %q", name)
		}
	}
	return p, residents, hospitals, nil
}
