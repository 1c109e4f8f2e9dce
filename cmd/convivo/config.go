package main

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/convivo/convivo/housing"
)

// Config is everything convivo reads from CONVIVO_* environment variables.
// Flags of individual commands may override some of it.
type Config struct {
	DataPath      string            // CONVIVO_DATA: the embedded store's file (default ./convivo.db)
	RedisURL      string            // CONVIVO_REDIS_URL: use Redis instead of the embedded file
	RedisPrefix   string            // CONVIVO_REDIS_NAMESPACE: key namespace (default convivo)
	BotUsername   string            // CONVIVO_BOT_USERNAME: for invitation links
	TelegramToken string            // CONVIVO_TELEGRAM_TOKEN
	TelegramAPI   string            // CONVIVO_TELEGRAM_API: Bot API endpoint, tgbotapi format
	Timezone      *time.Location    // CONVIVO_TIMEZONE (default Europe/Rome)
	QuietHours    string            // CONVIVO_QUIET_HOURS (default 21:00-08:00)
	Districts     housing.Districts // CONVIVO_DISTRICTS: comma-separated (default the six AUSL Bologna districts)
	LogFormat     string            // CONVIVO_LOG_FORMAT: text or json
	LogLevel      slog.Level        // CONVIVO_LOG_LEVEL: debug, info (default), warn or error
	Listen        string            // CONVIVO_LISTEN: health and metrics listener
	WeightsFile   string            // CONVIVO_WEIGHTS: matching weights config (JSON)
	// WebhookURL is CONVIVO_WEBHOOK_URL: when set, Telegram pushes updates
	// to it (served on the listener at its path) instead of being polled.
	WebhookURL string
	// WebhookSecret is CONVIVO_WEBHOOK_SECRET: the token Telegram sends
	// with every push; generated and kept in the store when empty.
	WebhookSecret string
	// RiskWeightsFile is CONVIVO_RISK_WEIGHTS: a JSON file overriding the
	// early-warning weights (housing.DefaultRiskWeights).
	RiskWeightsFile string
	// EscalateAfter is CONVIVO_ESCALATION_AFTER: how long an alert may
	// stay unacknowledged before it goes to the district's mediators, and
	// again before it goes to the admins (default 48h).
	EscalateAfter time.Duration
	DataKey       string // CONVIVO_DATA_KEY: "kid:base64key[,kid2:base64key2]", the first seals (see loadKeyring)
	DataKeyFile   string // CONVIVO_DATA_KEY_FILE: a file holding the same, mode 0600
	// Retention is the default policy with CONVIVO_RETENTION
	// ("checkins=24m,placements=5y,...") and CONVIVO_AUDIT_RETENTION
	// ("24m", at least 24 months) applied on top.
	Retention housing.RetentionPolicy
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DataPath:        get("CONVIVO_DATA", "convivo.db"),
		RedisURL:        get("CONVIVO_REDIS_URL", ""),
		RedisPrefix:     get("CONVIVO_REDIS_NAMESPACE", "convivo"),
		BotUsername:     strings.TrimPrefix(get("CONVIVO_BOT_USERNAME", ""), "@"),
		TelegramToken:   get("CONVIVO_TELEGRAM_TOKEN", ""),
		TelegramAPI:     get("CONVIVO_TELEGRAM_API", "https://api.telegram.org/bot%s/%s"),
		QuietHours:      get("CONVIVO_QUIET_HOURS", "21:00-08:00"),
		Districts:       housing.ParseDistricts(get("CONVIVO_DISTRICTS", "")),
		LogFormat:       get("CONVIVO_LOG_FORMAT", "text"),
		Listen:          get("CONVIVO_LISTEN", "127.0.0.1:8080"),
		WeightsFile:     get("CONVIVO_WEIGHTS", ""),
		RiskWeightsFile: get("CONVIVO_RISK_WEIGHTS", ""),
		WebhookURL:      get("CONVIVO_WEBHOOK_URL", ""),
		WebhookSecret:   get("CONVIVO_WEBHOOK_SECRET", ""),
		DataKey:         get("CONVIVO_DATA_KEY", ""),
		DataKeyFile:     get("CONVIVO_DATA_KEY_FILE", ""),
	}
	esc := get("CONVIVO_ESCALATION_AFTER", "48h")
	var err error
	if c.EscalateAfter, err = time.ParseDuration(esc); err != nil || c.EscalateAfter < time.Hour {
		return Config{}, fmt.Errorf("CONVIVO_ESCALATION_AFTER=%q: want a duration of at least 1h, e.g. 48h", esc)
	}
	tz := get("CONVIVO_TIMEZONE", "Europe/Rome")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Config{}, fmt.Errorf("CONVIVO_TIMEZONE=%q: %w", tz, err)
	}
	c.Timezone = loc
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("CONVIVO_LOG_FORMAT=%q: want text or json", c.LogFormat)
	}
	if lvl := get("CONVIVO_LOG_LEVEL", "info"); c.LogLevel.UnmarshalText([]byte(lvl)) != nil {
		return Config{}, fmt.Errorf("CONVIVO_LOG_LEVEL=%q: want debug, info, warn or error", lvl)
	}
	if err := checkWebhook(c.WebhookURL, c.WebhookSecret); err != nil {
		return Config{}, err
	}
	if c.Retention, err = loadRetention(get("CONVIVO_RETENTION", ""), get("CONVIVO_AUDIT_RETENTION", "")); err != nil {
		return Config{}, err
	}
	return c, nil
}
