package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/convivo/convivo/housing"
)

// loadRiskWeights returns the early-warning weights: the documented
// defaults, overlaid with the JSON file CONVIVO_RISK_WEIGHTS names, if any
// (same field names as housing.RiskWeights; unknown fields are errors).
func loadRiskWeights(cfg Config) (housing.RiskWeights, error) {
	w := housing.DefaultRiskWeights()
	if cfg.RiskWeightsFile == "" {
		return w, nil
	}
	data, err := os.ReadFile(cfg.RiskWeightsFile)
	if err != nil {
		return w, fmt.Errorf("risk weights: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return w, fmt.Errorf("risk weights %s: %w", cfg.RiskWeightsFile, err)
	}
	if err := w.Validate(); err != nil {
		return w, fmt.Errorf("risk weights %s: %w", cfg.RiskWeightsFile, err)
	}
	return w, nil
}
