package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convivo/convivo/housing"
)

func TestLoadRiskWeights(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w, err := loadRiskWeights(Config{})
	if err != nil || w != housing.DefaultRiskWeights() {
		t.Fatalf("loadRiskWeights(no file) = %+v, %v; want the defaults", w, err)
	}
	w, err = loadRiskWeights(Config{RiskWeightsFile: write("ok.json", `{"watch": 25, "conflict": 30}`)})
	want := housing.DefaultRiskWeights()
	want.Watch, want.Conflict = 25, 30
	if err != nil || w != want {
		t.Errorf("loadRiskWeights(overrides) = %+v, %v; want defaults with watch 25, conflict 30", w, err)
	}
	for name, body := range map[string]string{
		"unknown.json": `{"wacth": 25}`,
		"bad.json":     `{"watch": "high"}`,
		"order.json":   `{"watch": 90, "at_risk": 45}`,
	} {
		if _, err := loadRiskWeights(Config{RiskWeightsFile: write(name, body)}); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("loadRiskWeights(%s) = %v; want an error naming the file", name, err)
		}
	}
}
