package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
	"github.com/convivo/convivo/scheduler"
	"github.com/convivo/convivo/warning"
)

// shutdownGrace bounds how long a stopping service waits for in-flight work.
const shutdownGrace = 8 * time.Second

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "serve")
	storeFlags(e, fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if e.cfg.TelegramToken == "" {
		return usagef("serve: set CONVIVO_TELEGRAM_TOKEN to the token BotFather gave you (or run 'convivo demo' to try it without one)")
	}
	logger := newLogger(e)
	svc, err := newService(ctx, e, logger, serviceOptions{})
	if err != nil {
		return err
	}
	return svc.Run(ctx)
}

// newLogger returns the process logger: text or JSON on stderr, from
// CONVIVO_LOG_LEVEL up.
func newLogger(e *env) *slog.Logger {
	opts := &slog.HandlerOptions{Level: e.cfg.LogLevel}
	if e.cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// serviceOptions lets the demo run the service on a simulated clock.
type serviceOptions struct {
	now      func() time.Time // the clock for records and the bot (time.Now)
	noListen bool             // no HTTP listener, no admin socket
	noCron   bool             // Run does not run the scheduler: the caller drives it with RunDue

	store   housing.Store               // an open store to use instead of opening the configured one
	sender  bot.SenderConfig            // the sender's base configuration (metrics hooks are added)
	outbox  func(bot.Outbox) bot.Outbox // wraps the store's outbox for the sender
	tuneBot func(*bot.Config)           // last changes to the bot's configuration
	handled func(u tgbotapi.Update)     // called after each update is handled
	lease   bot.LeaseConfig             // the poll lease's timing (bot's defaults)
}

// service is one running Convivo: store, Telegram client, sender, poller,
// bot, scheduler, health and metrics.
type service struct {
	e       *env
	logger  *slog.Logger
	store   housing.Store
	client  *bot.Client
	sender  *bot.Sender
	poller  *bot.Poller
	lease   *bot.Lease   // polling mode: one replica polls
	webhook *webhookMode // webhook mode (CONVIVO_WEBHOOK_URL)
	bot     *bot.Bot
	warn    *warning.Service
	sched   *scheduler.Scheduler
	metrics *metrics
	opts    serviceOptions
}

// newService connects everything. The caller runs it with Run, which also
// closes the store.
func newService(ctx context.Context, e *env, logger *slog.Logger, opts serviceOptions) (*service, error) {
	if opts.now == nil {
		opts.now = time.Now
	}
	st, err := opts.store, error(nil)
	if st == nil {
		st, err = openOwnStore(ctx, e.cfg)
	}
	if err != nil {
		return nil, err
	}
	s := &service{e: e, logger: logger, store: st, metrics: newMetrics(st), opts: opts}
	if err := s.wire(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

func (s *service) wire(ctx context.Context) error {
	cfg := s.e.cfg
	client, err := bot.NewClient(ctx, cfg.TelegramToken, cfg.TelegramAPI, s.logger)
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	s.client = client
	quiet, err := scheduler.ParseQuietHours(cfg.QuietHours, cfg.Timezone)
	if err != nil {
		return fmt.Errorf("CONVIVO_QUIET_HOURS: %w", err)
	}
	scfg := s.opts.sender
	scfg.OnSent = func(kind string) { s.metrics.sent.WithLabelValues(kind).Inc() }
	scfg.OnRetryAfter = func(time.Duration) { s.metrics.retryAfter.Inc() }
	scfg.Quiet = quiet // the bot holds residents' messages at queue time, the sender at send time
	var outbox bot.Outbox = s.store
	if s.opts.outbox != nil {
		outbox = s.opts.outbox(outbox)
	}
	s.sender = bot.NewSender(client, outbox, s.logger, scfg)
	username := cfg.BotUsername
	if username == "" {
		username = client.Self().UserName
	}
	weights, err := loadWeights(cfg)
	if err != nil {
		return err
	}
	bcfg := bot.Config{BotUsername: username, Districts: cfg.Districts, Now: s.opts.now, Enqueuer: s.sender,
		Quiet: quiet, Location: cfg.Timezone, Weights: weights, OnEvent: s.onEvent}
	if s.opts.tuneBot != nil {
		s.opts.tuneBot(&bcfg)
	}
	s.bot, err = bot.New(s.sender, s.store, bcfg, s.logger)
	if err != nil {
		return err
	}
	risk, err := loadRiskWeights(cfg)
	if err != nil {
		return err
	}
	s.warn, err = warning.New(s.store, s.bot, warning.Config{Weights: risk, EscalateAfter: cfg.EscalateAfter,
		Location: cfg.Timezone, Now: s.opts.now}, s.logger)
	if err != nil {
		return err
	}
	s.bot.SetWarning(s.warn)
	s.poller = bot.NewPoller(client, bot.NewStateOffsets(s.store), s.handle, s.logger, bot.PollerConfig{})
	if err := s.wireUpdates(ctx); err != nil {
		return err
	}
	s.sched, err = scheduler.New(s.jobs(), scheduler.StateSlots{State: s.store}, cfg.Timezone, s.logger)
	if err != nil {
		return fmt.Errorf("scheduler: %w", err)
	}
	return nil
}

// openOwnStore opens the service's store and refuses to run on people's
// data without an encryption key: health data are kept only sealed.
func openOwnStore(ctx context.Context, cfg Config) (housing.Store, error) {
	st, err := openStore(ctx, cfg)
	if errors.Is(err, boltstore.ErrLocked) {
		return nil, fmt.Errorf("%s is in use by another convivo serve: one service per data file (or use CONVIVO_REDIS_URL)", cfg.DataPath)
	}
	if err != nil {
		return nil, err
	}
	keys, err := loadKeyring(cfg)
	if err == nil {
		err = sensitiveDataWithoutKey(ctx, st, keys)
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// handle is the poller's (or the webhook's) handler, measured.
func (s *service) handle(ctx context.Context, u tgbotapi.Update) {
	start := time.Now()
	if s.opts.handled != nil {
		defer s.opts.handled(u) // also after a panic, which the poller recovers
	}
	s.bot.Handle(ctx, u)
	s.metrics.updates.Inc()
	s.metrics.handler.Observe(time.Since(start).Seconds())
}

// onEvent hands a resident's request to talk, made in a check-in, to the
// early-warning service, which alerts their social worker at once.
func (s *service) onEvent(ctx context.Context, e housing.Event) {
	if _, _, err := s.warn.Report(ctx, e); err != nil {
		s.logger.ErrorContext(ctx, "early warning: report", slog.String("event", e.ID), slog.Any("err", err))
	}
}

// slotJob adapts a bot job to the scheduler.
func slotJob(run func(context.Context, time.Time) error) func(context.Context, scheduler.Slot) error {
	return func(ctx context.Context, slot scheduler.Slot) error { return run(ctx, slot.Time) }
}

// jobs is the scheduler's table; every job is measured. Nothing runs in
// 02:00-02:59, which clock changes skip or repeat.
func (s *service) jobs() []scheduler.Job {
	jobs := []scheduler.Job{
		{Name: "rota", Spec: "0 6 * * 1", Run: slotJob(s.bot.RotaJob)},
		{Name: "chore-reminders", Spec: "0 8-20 * * *", Run: slotJob(s.bot.ChoreRemindersJob)},
		{Name: "checkin", Spec: "0 8-20 * * *", Run: slotJob(s.bot.CheckInJob)},
		{Name: "checkin-close", Spec: "0 7 * * *", Run: slotJob(s.bot.CheckInCloseJob)},
		{Name: "outing-reminders", Spec: "*/15 0,1,3-23 * * *", Run: slotJob(s.bot.OutingRemindersJob)},
		{Name: "risk-scan", Spec: "0 4 * * *", Run: func(ctx context.Context, slot scheduler.Slot) error {
			rep, err := s.warn.Scan(ctx, slot.Time)
			for level, n := range rep.ByLevel {
				s.metrics.alerts.WithLabelValues(string(level)).Add(float64(n))
			}
			return err
		}},
		{Name: "escalate", Spec: "20 0,1,3-23 * * *", Run: func(ctx context.Context, slot scheduler.Slot) error {
			_, err := s.warn.Escalate(ctx, slot.Time)
			return err
		}},
		{Name: "nightly-round", Spec: "30 3 * * *", Run: slotJob(s.bot.NightlyRoundJob)},
		{Name: "placements", Spec: "*/15 0,1,3-23 * * *", Run: slotJob(s.bot.PlacementJob)},
		retentionJob(s.store, s.e.cfg.Retention, s.logger, s.opts.now),
	}
	for i := range jobs {
		run := jobs[i].Run
		name := jobs[i].Name
		jobs[i].Run = func(ctx context.Context, slot scheduler.Slot) error {
			start := time.Now()
			err := run(ctx, slot)
			s.metrics.observeJob(name, start, err)
			return err
		}
	}
	return jobs
}

// Run runs every part until ctx ends, then stops them in order and closes
// the store.
func (s *service) Run(ctx context.Context) error {
	defer s.store.Close()
	if err := s.bot.RegisterCommands(ctx); err != nil {
		s.logger.Warn("could not register the bot's commands", slog.Any("err", err))
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.receive(gctx) })
	g.Go(func() error { return s.sender.Run(gctx) })
	if !s.opts.noCron {
		g.Go(func() error { return s.sched.Run(gctx) })
	}
	if !s.opts.noListen {
		srv := &http.Server{Addr: s.e.cfg.Listen, Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
		ln, err := net.Listen("tcp", s.e.cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen %s: %w", s.e.cfg.Listen, err)
		}
		g.Go(func() error {
			if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		})
		g.Go(func() error {
			<-gctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			return srv.Shutdown(sctx)
		})
		if s.e.cfg.RedisURL == "" {
			admin := &adminServer{path: adminSocket(s.e.cfg.DataPath), store: s.store, getenv: s.e.getenv, logger: s.logger}
			g.Go(func() error { return admin.Run(gctx) })
		}
		s.logger.Info("convivo serving", slog.String("listen", s.e.cfg.Listen), slog.String("bot", s.client.Self().UserName))
	}
	err := g.Wait()
	s.logger.Info("convivo stopped")
	return err
}

// routes serves /healthz, /metrics and, in webhook mode, the webhook.
func (s *service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	if s.webhook != nil {
		mux.Handle("POST "+s.webhook.path, s.webhook.hook)
	}
	return mux
}

// health is what /healthz answers.
type health struct {
	OK             bool    `json:"ok"`
	Store          string  `json:"store"`
	Updates        string  `json:"updates"` // polling, standby (another replica polls) or webhook
	LastPollAgeSec float64 `json:"last_poll_age_seconds"`
	OutboxDepth    int     `json:"outbox_depth"`
}

// healthz reports the store reachable, the age of the last poll and the
// outbox depth; 503 when the store does not answer or polling stalled.
func (s *service) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := health{OK: true, Store: "ok", Updates: s.receiving(), LastPollAgeSec: -1}
	if err := s.store.Ping(ctx); err != nil {
		h.OK, h.Store = false, "unreachable"
	}
	if last := s.poller.LastPoll(); !last.IsZero() {
		h.LastPollAgeSec = time.Since(last).Seconds()
		if h.LastPollAgeSec > 3*bot.DefaultPollTimeout.Seconds() {
			h.OK = false
		}
	}
	if n, err := s.store.OutboxDepth(ctx); err == nil {
		h.OutboxDepth = n
	}
	w.Header().Set("Content-Type", "application/json")
	if !h.OK {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(h)
}
