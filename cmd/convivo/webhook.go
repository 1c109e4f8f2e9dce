package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/housing"
)

// defaultWebhookPath is where the listener takes Telegram's pushes when
// CONVIVO_WEBHOOK_URL has no path.
const defaultWebhookPath = "/telegram/webhook"

// webhookSecretKey is the StateStore key of the generated webhook secret,
// shared by the replicas.
const webhookSecretKey = "bot:webhook-secret"

// checkWebhook validates CONVIVO_WEBHOOK_URL and CONVIVO_WEBHOOK_SECRET.
// Telegram pushes only to https; plain http is accepted for a loopback
// host (a local fake of the Bot API).
func checkWebhook(raw, secret string) error {
	if secret != "" && !bot.ValidWebhookSecret(secret) {
		return errors.New("CONVIVO_WEBHOOK_SECRET: want 1-256 characters of A-Z, a-z, 0-9, _ and -")
	}
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("CONVIVO_WEBHOOK_URL=%q: want an absolute URL such as https://bot.example.org/telegram/webhook", raw)
	}
	ip := net.ParseIP(u.Hostname())
	loopback := u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return fmt.Errorf("CONVIVO_WEBHOOK_URL=%q: Telegram pushes only to https", raw)
	}
	return nil
}

// webhookEndpoint returns the URL to register with Telegram and the path
// the listener serves it at: the URL's own path, or defaultWebhookPath
// (added to the URL) when it has none.
func webhookEndpoint(raw string) (register, path string) {
	u, _ := url.Parse(raw) // checked by LoadConfig
	if u.Path == "" || u.Path == "/" {
		u.Path = defaultWebhookPath
	}
	return u.String(), u.Path
}

// webhookSecret returns CONVIVO_WEBHOOK_SECRET or, when it is empty, the
// secret kept in the store, generating it the first time: the replicas
// race to claim the key and all use the winner's.
func webhookSecret(ctx context.Context, cfg Config, state housing.StateStore) (string, error) {
	if cfg.WebhookSecret != "" {
		return cfg.WebhookSecret, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	if _, err := state.ClaimState(ctx, webhookSecretKey, []byte(base64.RawURLEncoding.EncodeToString(b)), 0); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	v, err := state.GetState(ctx, webhookSecretKey)
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	if !bot.ValidWebhookSecret(string(v)) {
		return "", fmt.Errorf("webhook secret: the value under %s is not a valid secret token; delete it", webhookSecretKey)
	}
	return string(v), nil
}

// replicaID names this process among the replicas sharing a store: the
// host name and a random suffix, so that two processes on one host differ.
func replicaID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "convivo"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// webhookMode is how updates arrive when CONVIVO_WEBHOOK_URL is set.
type webhookMode struct {
	hook   *bot.Webhook
	url    string // registered with Telegram
	path   string // served on the listener
	secret string
}

// wireUpdates sets up how updates arrive: pushed to the webhook when
// CONVIVO_WEBHOOK_URL is set, polled otherwise by the replica holding the
// poll lease. With Redis every replica takes pushes, and each update is
// claimed in the store so that it is handled once.
func (s *service) wireUpdates(ctx context.Context) error {
	cfg := s.e.cfg
	if cfg.WebhookURL == "" {
		s.lease = bot.NewLease(s.store, bot.PollLeaseKey, replicaID(), s.logger, s.opts.lease)
		return nil
	}
	if s.opts.noListen {
		return errors.New("CONVIVO_WEBHOOK_URL: the webhook needs the listener")
	}
	secret, err := webhookSecret(ctx, cfg, s.store)
	if err != nil {
		return err
	}
	var wcfg bot.WebhookConfig
	if cfg.RedisURL != "" {
		wcfg.Claims = s.store
	}
	hook, err := bot.NewWebhook(secret, s.handle, bot.NewStateOffsets(s.store), s.logger, wcfg)
	if err != nil {
		return err
	}
	register, path := webhookEndpoint(cfg.WebhookURL)
	s.webhook = &webhookMode{hook: hook, url: register, path: path, secret: secret}
	return nil
}

// receive takes updates until ctx ends. Webhook mode registers the webhook
// with its secret and handles what the listener accepts; polling mode
// first deletes any webhook (so that switching back works), then polls
// whenever this replica holds the lease.
func (s *service) receive(ctx context.Context) error {
	if w := s.webhook; w != nil {
		if err := s.client.SetWebhook(ctx, w.url, w.secret); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("telegram: set webhook: %w", err)
		}
		s.logger.Info("convivo: Telegram pushes updates to the webhook", slog.String("path", w.path))
		return w.hook.Run(ctx)
	}
	if err := s.client.DeleteWebhook(ctx, false); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: delete webhook (polling needs none): %w", err)
	}
	return s.lease.Run(ctx, s.poller.Run)
}

// receiving names how updates arrive now, for /healthz.
func (s *service) receiving() string {
	switch {
	case s.webhook != nil:
		return "webhook"
	case s.lease != nil && s.lease.Held():
		return "polling"
	default:
		return "standby"
	}
}
