package housing

import (
	"slices"
	"strings"
)

// The six districts of the AUSL di Bologna, the default district list.
const (
	DistrictBologna            = "Bologna"
	DistrictRenoLavinoSamoggia = "Reno Lavino Samoggia"
	DistrictAppenninoBolognese = "Appennino Bolognese"
	DistrictSavenaIdice        = "Savena Idice"
	DistrictPianuraEst         = "Pianura Est"
	DistrictPianuraOvest       = "Pianura Ovest"
)

// Districts is the configured list of district names. The zero value means
// the defaults.
type Districts []string

// DefaultDistricts returns the six districts of the AUSL di Bologna.
func DefaultDistricts() Districts {
	return Districts{
		DistrictBologna, DistrictRenoLavinoSamoggia, DistrictAppenninoBolognese,
		DistrictSavenaIdice, DistrictPianuraEst, DistrictPianuraOvest,
	}
}

// ParseDistricts reads a comma-separated list, as CONVIVO_DISTRICTS gives it.
// An empty string yields the defaults.
func ParseDistricts(s string) Districts {
	var ds Districts
	for d := range strings.SplitSeq(s, ",") {
		if d = strings.TrimSpace(d); d != "" {
			ds = append(ds, d)
		}
	}
	if len(ds) == 0 {
		return DefaultDistricts()
	}
	return ds
}

// Canonical returns the configured spelling of name, matched without regard
// to case or surrounding spaces, and whether it is a known district.
func (ds Districts) Canonical(name string) (string, bool) {
	if len(ds) == 0 {
		ds = DefaultDistricts()
	}
	name = strings.TrimSpace(name)
	i := slices.IndexFunc(ds, func(d string) bool { return strings.EqualFold(d, name) })
	if i < 0 {
		return "", false
	}
	return ds[i], true
}

// Check validates a district field against the list.
func (ds Districts) Check(field, name string) error {
	if _, ok := ds.Canonical(name); !ok {
		if len(ds) == 0 {
			ds = DefaultDistricts()
		}
		return invalid(field, "unknown district %q (known: %s)", name, strings.Join(ds, ", "))
	}
	return nil
}
