package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/housing/boltstore"
)

func TestWebhookConfig(t *testing.T) {
	tests := []struct {
		url, secret string
		wantErr     string // "" for none
	}{
		{"", "", ""},
		{"https://bot.example.org/telegram/webhook", "", ""},
		{"https://bot.example.org", "abc_DEF-1", ""},
		{"http://127.0.0.1:8080/hook", "", ""},
		{"http://localhost:8080/hook", "", ""},
		{"http://bot.example.org/hook", "", "only to https"},
		{"bot.example.org/hook", "", "absolute URL"},
		{"https://bot.example.org/hook?x=1", "", "absolute URL"},
		{"", "not a secret!", "CONVIVO_WEBHOOK_SECRET"},
	}
	for _, tt := range tests {
		err := checkWebhook(tt.url, tt.secret)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("checkWebhook(%q, %q) = %v; want %q", tt.url, tt.secret, err, tt.wantErr)
		}
	}
}

func TestWebhookEndpoint(t *testing.T) {
	tests := []struct{ in, register, path string }{
		{"https://bot.example.org", "https://bot.example.org/telegram/webhook", "/telegram/webhook"},
		{"https://bot.example.org/", "https://bot.example.org/telegram/webhook", "/telegram/webhook"},
		{"https://bot.example.org/tg/in", "https://bot.example.org/tg/in", "/tg/in"},
	}
	for _, tt := range tests {
		register, path := webhookEndpoint(tt.in)
		if register != tt.register || path != tt.path {
			t.Errorf("webhookEndpoint(%q) = %q, %q; want %q, %q", tt.in, register, path, tt.register, tt.path)
		}
	}
}

func TestLogLevelConfig(t *testing.T) {
	env := map[string]string{"CONVIVO_LOG_LEVEL": "debug"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil || cfg.LogLevel.String() != "DEBUG" {
		t.Errorf("LoadConfig(CONVIVO_LOG_LEVEL=debug) = %v, %v; want DEBUG", cfg.LogLevel, err)
	}
	env["CONVIVO_LOG_LEVEL"] = "loud"
	if _, err := LoadConfig(func(k string) string { return env[k] }); err == nil {
		t.Errorf("LoadConfig(CONVIVO_LOG_LEVEL=loud) = nil error; want one")
	}
}

// TestWebhookSecretShared: without CONVIVO_WEBHOOK_SECRET the first
// replica generates the secret and the others read the same one.
func TestWebhookSecretShared(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "c.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	first, err := webhookSecret(ctx, Config{}, st)
	if err != nil || !bot.ValidWebhookSecret(first) || len(first) < 32 {
		t.Fatalf("webhookSecret = %q, %v; want a long valid secret", first, err)
	}
	again, err := webhookSecret(ctx, Config{}, st)
	if err != nil || again != first {
		t.Errorf("webhookSecret again = %q, %v; want the stored %q", again, err, first)
	}
	given, err := webhookSecret(ctx, Config{WebhookSecret: "from-env"}, st)
	if err != nil || given != "from-env" {
		t.Errorf("webhookSecret with CONVIVO_WEBHOOK_SECRET = %q, %v; want from-env", given, err)
	}
}
