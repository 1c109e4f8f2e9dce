package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/matching"
	"github.com/convivo/convivo/rounds"
)

func cmdMatch(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "match")
	storeFlags(e, fs)
	var district, kind string
	var asJSON, dryRun bool
	fs.StringVar(&district, "district", "", "district (default: every district, one round each)")
	fs.StringVar(&kind, "kind", "", "only homes of this kind (iesa, flat, cohousing)")
	fs.BoolVar(&asJSON, "json", false, "print the rounds as JSON")
	fs.BoolVar(&dryRun, "dry-run", false, "compute and print, store nothing")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	d, err := districtFlag(e, district)
	if err != nil {
		return err
	}
	if kind != "" && !housing.HomeKind(kind).Valid() {
		return usagef("match: --kind %q is not a home kind (iesa, flat, cohousing)", kind)
	}
	weights, err := loadWeights(e.cfg)
	if err != nil {
		return err
	}
	districts := []string(e.cfg.Districts)
	if d != "" {
		districts = []string{d}
	}
	return withStore(ctx, e, func(s housing.Store) error {
		runner := rounds.New(s, weights, now)
		var results []rounds.Result
		for _, dist := range districts {
			res, err := runner.Run(ctx, rounds.Options{District: dist, Kind: housing.HomeKind(kind), DryRun: dryRun,
				Actor: cliActor(), ActorRole: housing.RoleMediator, Purpose: "convivo match"})
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		if asJSON {
			return printRoundsJSON(e.stdout, results)
		}
		for _, res := range results {
			printRound(e.stdout, res, dryRun)
		}
		return nil
	})
}

// loadWeights reads CONVIVO_WEIGHTS, if set.
func loadWeights(cfg Config) (matching.WeightsConfig, error) {
	if cfg.WeightsFile == "" {
		return matching.WeightsConfig{}, nil
	}
	data, err := os.ReadFile(cfg.WeightsFile)
	if err != nil {
		return matching.WeightsConfig{}, fmt.Errorf("weights: %w", err)
	}
	w, err := matching.ParseWeightsConfig(data)
	if err != nil {
		return matching.WeightsConfig{}, fmt.Errorf("weights %s: %w", cfg.WeightsFile, err)
	}
	return w, nil
}

// roundJSON is one round as `convivo match --json` prints it.
type roundJSON struct {
	RoundID   string               `json:"round_id"`
	District  string               `json:"district"`
	Proposals []housing.Proposal   `json:"proposals"`
	Details   matching.RoundResult `json:"details"`
}

func printRoundsJSON(w io.Writer, results []rounds.Result) error {
	out := make([]roundJSON, 0, len(results))
	for _, r := range results {
		out = append(out, roundJSON{RoundID: r.RoundID, District: r.District, Proposals: r.Proposals, Details: r.Round})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// printRound writes a round for a mediator at a desk: each proposal with
// members (case code first), home, score, the strongest and weakest
// factors, warnings and alternatives.
func printRound(w io.Writer, r rounds.Result, dryRun bool) {
	verb := "stored as pending"
	if dryRun {
		verb = "not stored (--dry-run)"
	}
	fmt.Fprintf(w, "== %s: %d proposals %s, %d people left unplaced (round %s)\n",
		r.District, len(r.Proposals), verb, len(r.Round.Unplaced), r.RoundID)
	for i, p := range r.Proposals {
		h := r.Homes[p.HomeID]
		fmt.Fprintf(w, "\n[%s] %s %s in %s, score %s (%s)\n", p.ID, h.Kind, orDash(h.Code), h.District,
			points(p.Score), r.Round.Proposals[i].Solver)
		var names []string
		for _, m := range p.Members {
			pp := r.People[m]
			names = append(names, pp.Label())
		}
		fmt.Fprintf(w, "  members:   %s\n", strings.Join(names, ", "))
		fmt.Fprintf(w, "  strongest: %s\n", factorList(strongest(p.Factors, 3)))
		if weak := weakest(p.Factors); weak != nil {
			fmt.Fprintf(w, "  weakest:   %s\n", factorList(weak))
		}
		if len(p.Warnings) > 0 {
			fmt.Fprintf(w, "  warnings:  %s\n", strings.Join(labels(p.Warnings), "; "))
		}
		for _, alt := range r.Round.Proposals[i].Alternatives {
			fmt.Fprintf(w, "  instead for %s: %s\n", r.People[alt.PersonID].Label(), optionList(r, alt))
		}
	}
	if len(r.Round.Unplaced) > 0 {
		fmt.Fprintf(w, "\n  unplaced:")
		for _, u := range r.Round.Unplaced {
			fmt.Fprintf(w, " %s (%s)", r.People[u.PersonID].Label(), label(u.Reason))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w)
}

// points prints thousandths as a score out of 1, e.g. 0.712.
func points(n int) string { return fmt.Sprintf("%d.%03d", n/1000, n%1000) }

// signed prints a contribution in thousandths as +0.034 / -0.012.
func signed(n int) string {
	if n < 0 {
		return "-" + points(-n)
	}
	return "+" + points(n)
}

// strongest returns the k largest positive contributions (the baseline
// excluded), largest first.
func strongest(fs []housing.Factor, k int) []housing.Factor {
	var out []housing.Factor
	for _, f := range fs {
		if f.Key != matching.BaselineKey && f.Contribution > 0 {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b housing.Factor) int { return b.Contribution - a.Contribution })
	return out[:min(k, len(out))]
}

// weakest returns the most negative contribution, if any.
func weakest(fs []housing.Factor) []housing.Factor {
	var w *housing.Factor
	for i, f := range fs {
		if f.Key != matching.BaselineKey && f.Contribution < 0 && (w == nil || f.Contribution < w.Contribution) {
			w = &fs[i]
		}
	}
	if w == nil {
		return nil
	}
	return []housing.Factor{*w}
}

func factorList(fs []housing.Factor) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, label(f.Key)+" "+signed(f.Contribution))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func optionList(r rounds.Result, alt matching.MemberAlternatives) string {
	var parts []string
	for _, o := range alt.Partners {
		parts = append(parts, fmt.Sprintf("with %s %s", r.People[o.PersonID].Label(), points(o.Score)))
	}
	for _, o := range alt.Homes {
		h := r.Homes[o.HomeID]
		parts = append(parts, fmt.Sprintf("home %s %s", orDash(h.Code), points(o.Score)))
	}
	if len(parts) == 0 {
		return "nothing close"
	}
	return strings.Join(parts, "; ")
}

// label turns a translation key into staff English for the command line:
// "factor.home_cost" → "home cost".
func label(key string) string {
	_, name, ok := strings.Cut(key, ".")
	if !ok {
		name = key
	}
	return strings.ReplaceAll(name, "_", " ")
}

func labels(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = label(k)
	}
	return out
}
