package matching

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Weights gives each factor its weight in the weighted mean of fits. A
// factor absent from a non-empty map weighs 0 (it is not scored); a nil or
// empty Weights means DefaultWeights. Weights are quantised to thousandths,
// so scores are computed in exact integer arithmetic.
type Weights map[Factor]float64

// MaxWeight is the largest weight Validate accepts.
const MaxWeight = 100

// DefaultWeights returns the default weights. The pair factors that most
// often break cohabitations, by the programme's own account (tidiness,
// smoking, language, the daily rhythm), weigh more; interests, guests,
// cooking, age and budget closeness weigh less. Among home factors the
// support a home gives weighs most, then cost and the life context (which
// counts double for people who asked to stay near it).
func DefaultWeights() Weights {
	d := scDefaultWeights()
	w := make(Weights, len(d))
	for i, f := range Factors() {
		w[f] = d[i]
	}
	return w
}

// scDefaultWeights returns the default weights by factor index.
func scDefaultWeights() [scNumFactors]float64 {
	return [scNumFactors]float64{
		scSleep: 1, scTidiness: 1.5, scSociability: 1, scNoise: 1, scGuests: 0.5, scCooking: 0.5,
		scSmoking: 1.5, scPets: 1, scLanguages: 1.5, scInterests: 0.5, scAge: 0.5, scGender: 1,
		scMoveIn: 1, scBudget: 0.5, scDistricts: 1,
		scHomeDistrict: 1.5, scHomeDistricts: 1, scHomeCost: 1.5, scHomeSupport: 2,
		scHomeChildren: 1, scHomeAnimals: 1, scHomeSmoking: 1,
	}
}

// Validate checks that every name is a known factor, every weight is finite,
// between 0 and MaxWeight and either 0 or at least 0.001, and that at least
// one weight is positive. An empty Weights is valid: it means the defaults.
func (w Weights) Validate() error {
	if len(w) == 0 {
		return nil
	}
	positive := false
	for _, f := range slices.Sorted(maps.Keys(w)) {
		v := w[f]
		switch {
		case scFactorIndex(f) < 0:
			return fmt.Errorf("matching: weights: unknown factor %q", f)
		case math.IsNaN(v) || v < 0 || v > MaxWeight:
			return fmt.Errorf("matching: weights: %s = %v is not between 0 and %d", f, v, MaxWeight)
		case v > 0 && v < 0.001:
			return fmt.Errorf("matching: weights: %s = %v is below the 0.001 resolution", f, v)
		}
		positive = positive || v > 0
	}
	if !positive {
		return fmt.Errorf("matching: weights: no factor has a positive weight")
	}
	return nil
}

// scWeights is a Weights compiled to integer thousandths, by factor index.
type scWeights [scNumFactors]int64

// scCompile converts w (or the defaults, when w is empty) to thousandths.
// Unknown names and invalid values are ignored here; Validate reports them.
func scCompile(w Weights) scWeights {
	var c scWeights
	if len(w) == 0 {
		for i, v := range scDefaultWeights() {
			c[i] = int64(math.Round(v * 1000))
		}
		return c
	}
	for f, v := range w {
		i := scFactorIndex(f)
		if i < 0 || !(v > 0) || v > MaxWeight {
			continue
		}
		c[i] = int64(math.Round(v * 1000))
	}
	return c
}

// WeightsConfig is a weight configuration: weights for every district and
// per-district overrides. Build it with ParseWeightsConfig; the zero value
// gives DefaultWeights everywhere.
type WeightsConfig struct {
	// Default is DefaultWeights overlaid with the configuration's "default".
	Default Weights
	// Districts holds each district's overrides as configured (only the
	// factors it names), keyed by district name.
	Districts map[string]Weights
}

// ParseWeightsConfig reads a JSON weight configuration such as
//
//	{"default": {"tidiness": 2, "interests": 0},
//	 "districts": {"Savena Idice": {"home_district": 3}}}
//
// Both members are optional. "default" overlays DefaultWeights; a district's
// weights overlay the result for that district. Factor names are the bare
// names of the Factor constants. Unknown members, unknown factors, invalid
// weights and district names that differ only in case are errors.
func ParseWeightsConfig(data []byte) (WeightsConfig, error) {
	var raw struct {
		Default   Weights            `json:"default"`
		Districts map[string]Weights `json:"districts"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return WeightsConfig{}, fmt.Errorf("matching: weights config: %w", err)
	}
	if dec.More() {
		return WeightsConfig{}, fmt.Errorf("matching: weights config: data after the JSON object")
	}
	c := WeightsConfig{Default: scOverlay(DefaultWeights(), raw.Default), Districts: raw.Districts}
	if err := c.Default.Validate(); err != nil {
		return WeightsConfig{}, fmt.Errorf("matching: weights config: default: %w", err)
	}
	seen := map[string]string{}
	for _, d := range slices.Sorted(maps.Keys(raw.Districts)) {
		k := scDistrictKey(d)
		if k == "" {
			return WeightsConfig{}, fmt.Errorf("matching: weights config: empty district name")
		}
		if prev, dup := seen[k]; dup {
			return WeightsConfig{}, fmt.Errorf("matching: weights config: districts %q and %q are the same", prev, d)
		}
		seen[k] = d
		if err := c.For(d).Validate(); err != nil {
			return WeightsConfig{}, fmt.Errorf("matching: weights config: district %q: %w", d, err)
		}
	}
	return c, nil
}

// For returns the weights for district (matched without regard to case or
// surrounding spaces): the defaults overlaid with the district's overrides,
// if any. The result is a fresh map the caller may change.
func (c WeightsConfig) For(district string) Weights {
	base := c.Default
	if len(base) == 0 {
		base = DefaultWeights()
	}
	var over Weights
	k := scDistrictKey(district)
	for d, w := range c.Districts {
		if scDistrictKey(d) == k {
			over = w
		}
	}
	return scOverlay(base, over)
}

// scOverlay returns a copy of base with over's entries replacing base's.
func scOverlay(base, over Weights) Weights {
	out := make(Weights, len(base)+len(over))
	for f, v := range base {
		out[f] = v
	}
	for f, v := range over {
		out[f] = v
	}
	return out
}

// String formats the weights as "name=value" pairs in factor order, unknown
// names last, for logs and the CLI.
func (w Weights) String() string {
	var b strings.Builder
	for _, f := range Factors() {
		if v, ok := w[f]; ok {
			fmt.Fprintf(&b, "%s=%g ", f, v)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(w)) {
		if scFactorIndex(f) < 0 {
			fmt.Fprintf(&b, "%s=%g ", f, w[f])
		}
	}
	return strings.TrimSpace(b.String())
}
