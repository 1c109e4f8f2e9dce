package matching

import (
	"math"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
	"github.com/google/go-cmp/cmp"
)

func TestWeightsValidate(t *testing.T) {
	tests := []struct {
		name    string
		w       Weights
		wantErr string // substring; "" means valid
	}{
		{"defaults", DefaultWeights(), ""},
		{"nil means defaults", nil, ""},
		{"one positive", Weights{FactorTidiness: 1, FactorSleep: 0}, ""},
		{"unknown factor", Weights{FactorTidiness: 1, "tidyness": 1}, `unknown factor "tidyness"`},
		{"negative", Weights{FactorTidiness: -1}, "not between 0 and 100"},
		{"too large", Weights{FactorTidiness: 101}, "not between 0 and 100"},
		{"NaN", Weights{FactorTidiness: math.NaN()}, "not between"},
		{"infinite", Weights{FactorTidiness: math.Inf(1)}, "not between"},
		{"below resolution", Weights{FactorTidiness: 1, FactorSleep: 0.0001}, "resolution"},
		{"all zero", Weights{FactorTidiness: 0, FactorSleep: 0}, "no factor has a positive weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate(%v) = %v; want error containing %q", tt.w, err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "matching: ") {
				t.Errorf("Validate(%v) = %q; want the package prefix", tt.w, err)
			}
		})
	}
}

func TestDefaultWeightsCoverEveryFactor(t *testing.T) {
	d := DefaultWeights()
	for _, f := range Factors() {
		if d[f] <= 0 {
			t.Errorf("DefaultWeights()[%s] = %v; want > 0", f, d[f])
		}
	}
	if len(d) != len(Factors()) {
		t.Errorf("len(DefaultWeights()) = %d; want %d", len(d), len(Factors()))
	}
}

func TestParseWeightsConfig(t *testing.T) {
	c, err := ParseWeightsConfig([]byte(`{
		"default": {"tidiness": 2, "interests": 0},
		"districts": {"Savena Idice": {"home_district": 3, "tidiness": 2.5}}
	}`))
	if err != nil {
		t.Fatalf("ParseWeightsConfig error: %v", err)
	}
	want := DefaultWeights()
	want[FactorTidiness], want[FactorInterests] = 2, 0
	if diff := cmp.Diff(want, c.For("Bologna")); diff != "" {
		t.Errorf("For(Bologna) (-want +got):\n%s", diff)
	}
	want[FactorHomeDistrict], want[FactorTidiness] = 3, 2.5
	if diff := cmp.Diff(want, c.For(" savena idice")); diff != "" {
		t.Errorf("For(savena idice) (-want +got):\n%s", diff)
	}
	got := c.For("Bologna")
	got[FactorSleep] = 9
	if c.For("Bologna")[FactorSleep] == 9 {
		t.Errorf("For returned a map shared with the config")
	}
	if diff := cmp.Diff(DefaultWeights(), (WeightsConfig{}).For("Bologna")); diff != "" {
		t.Errorf("WeightsConfig{}.For (-want +got):\n%s", diff)
	}
}

func TestParseWeightsConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"not JSON", `{`, "weights config"},
		{"unknown member", `{"defaults": {}}`, "unknown field"},
		{"unknown factor", `{"default": {"tidyness": 1}}`, `unknown factor "tidyness"`},
		{"negative", `{"districts": {"Bologna": {"sleep": -1}}}`, `district "Bologna"`},
		{"all zero", `{"default": ` + scAllZeroJSON() + `}`, "no factor has a positive weight"},
		{"same district twice", `{"districts": {"Bologna": {}, "bologna": {}}}`, "are the same"},
		{"empty district", `{"districts": {" ": {}}}`, "empty district"},
		{"trailing data", `{} {}`, "after the JSON object"},
		{"not a number", `{"default": {"sleep": "1"}}`, "weights config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWeightsConfig([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseWeightsConfig(%s) = %v; want an error containing %q", tt.json, err, tt.want)
			}
		})
	}
}

// scAllZeroJSON returns a weights object setting every factor to 0.
func scAllZeroJSON() string {
	var parts []string
	for _, f := range Factors() {
		parts = append(parts, `"`+string(f)+`": 0`)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func TestWeightsChangeScores(t *testing.T) {
	a := scPerson("a", func(p *housing.Profile) { p.Tidiness, p.SleepRhythm = 5, 1 })
	b := scPerson("b", func(p *housing.Profile) { p.Tidiness, p.SleepRhythm = 5, 5 })
	tidy := Weights{FactorTidiness: 3, FactorSleep: 1}
	sleep := Weights{FactorTidiness: 1, FactorSleep: 3}
	if got, want := Score(a, b, tidy), 750; got != want {
		t.Errorf("Score(tidiness-heavy) = %d; want %d", got, want)
	}
	if got, want := Score(a, b, sleep), 250; got != want {
		t.Errorf("Score(sleep-heavy) = %d; want %d", got, want)
	}
}

func TestWeightsString(t *testing.T) {
	w := Weights{FactorTidiness: 2, FactorSleep: 1, "zzz": 3}
	if got, want := w.String(), "sleep=1 tidiness=2 zzz=3"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}
