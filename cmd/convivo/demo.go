package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/convivo/convivo/bot"
	"github.com/convivo/convivo/bot/telegramtest"
	"github.com/convivo/convivo/housing"
	"github.com/convivo/convivo/housing/boltstore"
)

// The demo runs the whole service in this process: the embedded store, the
// real bot behind the real tgbotapi client, talking to the fake Telegram
// server of bot/telegramtest, and the scheduler's jobs on a simulated clock.
// Scripted people act only through Telegram (they write and press buttons
// on the fake server); the transcript is what the fake server recorded.
//
// Determinism: the simulated clock stands still while the bot works, every
// step waits until the bot is quiet (the update handled, the outbox
// drained), and the outbox is delivered one chat at a time in an order that
// does not depend on random record ids.

// demoStart is when the simulated month begins: Monday 2 November 2026,
// 08:00 local time.
func demoStart(loc *time.Location) time.Time {
	return time.Date(2026, time.November, 2, 8, 0, 0, 0, loc)
}

// demoWait bounds how long (real time) the demo waits for the bot.
const demoWait = 30 * time.Second

// demoOptions are the demo's flags.
type demoOptions struct {
	data  string       // keep the store in this directory ("" = a temporary one)
	out   string       // folder for the charts
	lang  housing.Lang // the language the people speak, and the transcript's
	days  int          // simulated days
	seed  uint64       // one seed, one demo
	speed float64      // simulated days per real second; 0 = as fast as possible
}

func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := flagsFor(e, "demo")
	o := demoOptions{days: 30, seed: 1}
	var lang string
	fs.StringVar(&o.data, "data", "", "keep the demo's store in this directory (default: a temporary one, removed at the end)")
	fs.StringVar(&o.out, "out", "", "folder for the charts the bot sent (default ./convivo-demo-SEED)")
	fs.StringVar(&lang, "lang", "it", "it or en: the language the people speak to the bot, and the transcript's")
	fs.IntVar(&o.days, "days", o.days, "how many days to simulate (1-120)")
	fs.Uint64Var(&o.seed, "seed", o.seed, "random seed: one seed, one demo")
	fs.Float64Var(&o.speed, "speed", 0, "simulated days per real second (0: as fast as possible)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("demo: unexpected argument %q", fs.Arg(0))
	case lang != "it" && lang != "en":
		return usagef("demo: --lang %q: want it or en", lang)
	case o.days < 1 || o.days > 120:
		return usagef("demo: --days must be between 1 and 120")
	case o.speed < 0:
		return usagef("demo: --speed must not be negative")
	}
	o.lang = housing.Lang(lang)
	if o.out == "" {
		o.out = fmt.Sprintf("convivo-demo-%d", o.seed)
	}
	return runDemo(ctx, e, o)
}

// runDemo sets up the store, the fake Telegram and the service, plays the
// script and prints the summary.
func runDemo(ctx context.Context, e *env, o demoOptions) (err error) {
	dir, cleanup, err := demoDataDir(o.data)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d, err := newDemo(e, o, filepath.Join(dir, "convivo.db"))
	if err != nil {
		return err
	}
	defer d.srv.Close()
	if err := d.seed(ctx); err != nil {
		d.store.Close()
		return err
	}
	if err := d.start(ctx); err != nil {
		return err
	}
	defer func() {
		if serr := d.stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	d.tr.header(o, absPath(o.out))
	if err := d.play(ctx); err != nil {
		return err
	}
	if err := d.collect(ctx); err != nil {
		return fmt.Errorf("demo: summary: %w", err)
	}
	d.tr.summary(d.stats, absPath(o.out))
	if o.data != "" {
		d.tr.kept(filepath.Join(absPath(o.data), "convivo.db"))
	}
	return nil
}

// demoDataDir returns the directory for the store: dir (created if
// needed), or a temporary one that cleanup removes.
func demoDataDir(dir string) (string, func(), error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", nil, fmt.Errorf("demo: %w", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "convivo.db")); err == nil {
			return "", nil, usagef("demo: %s already holds a convivo.db; give --data an empty directory", dir)
		}
		return dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp(memDir(), "convivo-demo-")
	if err != nil {
		return "", nil, fmt.Errorf("demo: %w", err)
	}
	return tmp, func() { os.RemoveAll(tmp) }, nil
}

// memDir returns a directory in memory when the system has one (Linux's
// /dev/shm), where the store's thousands of small synced writes cost
// nothing; "" (the system's temporary directory) otherwise.
func memDir() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if f, err := os.CreateTemp("/dev/shm", "convivo-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return ""
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// demo is one run: the fake Telegram, the store, the service and the
// script's state.
type demo struct {
	e      *env // the demo's environment: the fake Telegram, the store
	o      demoOptions
	loc    *time.Location
	clock  *demoClock
	srv    *telegramtest.Server
	store  housing.Store
	outbox *gatedOutbox
	svc    *service
	tr     *transcript
	stats  *demoStats
	world  *world
	agenda *agenda

	mu      sync.Mutex
	handled int           // updates the bot finished
	changed chan struct{} // closed and replaced when handled grows
	pushed  int           // updates the script sent

	alertsSeen map[string]bool // alerts the social worker has planned to handle
	usedFatto  bool            // someone marked a chore with /fatto

	cursor int // calls of the fake server already in the transcript
	done   chan error
	cancel context.CancelFunc
}

// newDemo opens the store and starts the fake Telegram server.
func newDemo(e *env, o demoOptions, path string) (*demo, error) {
	loc := e.cfg.Timezone
	clock := &demoClock{now: demoStart(loc)}
	st, err := boltstore.Open(path, boltstore.Options{Now: clock.Now, Timeout: 300 * time.Millisecond})
	if err != nil {
		return nil, fmt.Errorf("demo: open %s: %w", path, err)
	}
	srv := telegramtest.New(telegramtest.WithClock(clock.Now))
	cfg := e.cfg
	cfg.DataPath, cfg.RedisURL = path, ""
	cfg.TelegramToken, cfg.TelegramAPI, cfg.BotUsername = srv.Token(), srv.Endpoint(), srv.Bot().UserName
	de := *e
	de.cfg, de.store = cfg, st
	d := &demo{e: &de, o: o, loc: loc, clock: clock, srv: srv, store: st, changed: make(chan struct{}),
		outbox: newGatedOutbox(clock.Now), stats: newStats(), agenda: &agenda{}, alertsSeen: map[string]bool{}}
	d.agenda.end = d.at(o.days, 0, 0) // midnight after the last day
	d.outbox.onClaim = func(m housing.OutboxMessage) { d.stats.tally(m.Kind) }
	d.tr = newTranscript(e.stdout, o, loc, d.photoPath)
	return d, nil
}

// start builds the service on the simulated clock and runs its poller and
// sender (not the cron: the script drives the jobs with RunDue).
func (d *demo) start(ctx context.Context) error {
	logger := slog.New(slog.NewTextHandler(d.e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts := serviceOptions{
		now: d.clock.Now, noListen: true, noCron: true, store: d.store,
		sender: bot.SenderConfig{
			GlobalRate: rate.Inf, PrivateRate: rate.Inf, GroupRate: rate.Inf, Clock: d.clock,
			MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
			OutboxPoll: time.Millisecond, OutboxWorkers: 1, OutboxBatch: 1000,
		},
		outbox: d.outbox.wrap,
		// The poll lease's TTL is read on the store's clock, the simulated
		// one, which runs hours ahead between two real-time renewals.
		lease: bot.LeaseConfig{TTL: 365 * 24 * time.Hour},
		tuneBot: func(c *bot.Config) {
			// The scripted people type faster than anyone could.
			c.MessageRate, c.MessageBurst = rate.Inf, 1000
		},
		handled: d.onHandled,
	}
	svc, err := newService(ctx, d.e, logger, opts)
	if err != nil {
		d.store.Close()
		return err
	}
	d.svc = svc
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	d.cancel, d.done = cancel, make(chan error, 1)
	go func() { d.done <- svc.Run(rctx) }()
	return nil
}

// stop ends the service (which closes the store).
func (d *demo) stop() error {
	d.cancel()
	select {
	case err := <-d.done:
		return err
	case <-time.After(demoWait):
		return errors.New("demo: the service did not stop")
	}
}

// onHandled counts the updates the bot finished.
func (d *demo) onHandled(tgbotapi.Update) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.handled++
	close(d.changed)
	d.changed = make(chan struct{})
}

// waitHandled waits until the bot handled every update the script sent.
func (d *demo) waitHandled(ctx context.Context) error {
	timer := time.NewTimer(demoWait)
	defer timer.Stop()
	for {
		d.mu.Lock()
		done, changed := d.handled >= d.pushed, d.changed
		d.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-timer.C:
			return errors.New("demo: the bot did not handle an update in time")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// sent records that the script pushed one update.
func (d *demo) sent() {
	d.mu.Lock()
	d.pushed++
	d.mu.Unlock()
}

// settle waits until the bot is quiet, delivers what the outbox holds that
// is due, and writes what the bot did to the transcript.
func (d *demo) settle(ctx context.Context) error {
	if err := d.waitHandled(ctx); err != nil {
		return err
	}
	if err := d.outbox.flush(ctx); err != nil {
		return err
	}
	calls := d.srv.Calls()
	var got []received
	for _, c := range calls[d.cursor:] {
		d.tr.call(c)
		if a, ok := d.world.actors[c.ChatID]; ok && c.Message != nil && (c.Method == "sendMessage" || c.Method == "sendPhoto") {
			got = append(got, received{a, *c.Message})
		}
	}
	d.cursor = len(calls)
	d.react(got)
	return nil
}

// demoClock is the simulated clock: it moves only when the script moves
// it. Sleep (the sender's backoff) sleeps a thousandth of the time, for
// real.
type demoClock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the simulated time.
func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *demoClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Sleep waits d/1000 of real time, at least a millisecond.
func (c *demoClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(max(d/1000, time.Millisecond))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// gatedOutbox lets the sender deliver the outbox only when the demo asks
// (flush), so that what the outbox sends never interleaves with a
// conversation step; and it hands the sender each batch in an order that
// does not depend on random ids: by due time, then chat, then the order
// the messages were enqueued.
type gatedOutbox struct {
	bot.Outbox

	mu      sync.Mutex
	open    bool
	wake    chan struct{} // closed and replaced when the gate opens
	drained chan struct{} // closed when a claim finds nothing due
	seq     map[string]int
	next    int
	onClaim func(housing.OutboxMessage) // called for each message handed to the sender
	now     func() time.Time
}

func newGatedOutbox(now func() time.Time) *gatedOutbox {
	return &gatedOutbox{wake: make(chan struct{}), seq: map[string]int{}, now: now}
}

// wrap is serviceOptions.outbox.
func (g *gatedOutbox) wrap(o bot.Outbox) bot.Outbox {
	g.Outbox = o
	return g
}

// Enqueue remembers the order of messages, then stores them.
func (g *gatedOutbox) Enqueue(ctx context.Context, m housing.OutboxMessage) error {
	g.mu.Lock()
	if _, ok := g.seq[m.Key]; !ok {
		g.seq[m.Key] = g.next
		g.next++
	}
	g.mu.Unlock()
	return g.Outbox.Enqueue(ctx, m)
}

// Claim waits for the gate to open, then claims what is due. A claim that
// finds nothing closes the gate and ends the flush.
func (g *gatedOutbox) Claim(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]housing.OutboxMessage, error) {
	for {
		g.mu.Lock()
		open, wake := g.open, g.wake
		g.mu.Unlock()
		if open {
			break
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	// The sender read the clock before it waited at the gate: claim at
	// the time the gate opened.
	msgs, err := g.Outbox.Claim(ctx, g.now(), lease, limit)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(msgs) == 0 {
		g.open = false
		close(g.drained)
		return nil, nil
	}
	g.sort(msgs)
	for _, m := range msgs {
		if g.onClaim != nil {
			g.onClaim(m)
		}
	}
	return msgs, nil
}

// sort orders a batch the same way on every run: by due time, then chat;
// within a chat, messages about the same record (the same id in their
// keys, such as a proposal's card and its chart) stay together in the
// order they were enqueued, and records come in the order of what their
// first message says, ids left out. Enqueue order alone would follow the
// bot's loops over records, which run in the order of random ids.
func (g *gatedOutbox) sort(msgs []housing.OutboxMessage) {
	type group struct {
		text string
		seq  int
	}
	groups := map[string]group{}
	for _, m := range msgs {
		k, seq := groupKey(m.Key), g.seq[m.Key]
		if gr, ok := groups[k]; !ok || seq < gr.seq {
			groups[k] = group{text: idRE.ReplaceAllString(m.Text, ""), seq: seq}
		}
	}
	slices.SortStableFunc(msgs, func(a, b housing.OutboxMessage) int {
		ga, gb := groups[groupKey(a.Key)], groups[groupKey(b.Key)]
		return cmp.Or(a.NotBefore.Compare(b.NotBefore), cmp.Compare(a.ChatID, b.ChatID),
			strings.Compare(ga.text, gb.text), cmp.Compare(ga.seq, gb.seq), cmp.Compare(g.seq[a.Key], g.seq[b.Key]))
	})
}

// groupKey is the first record id in an outbox key, or the whole key.
func groupKey(key string) string {
	if id := idRE.FindString(key); id != "" {
		return id
	}
	return key
}

// flush opens the gate and waits until the sender found nothing more due.
func (g *gatedOutbox) flush(ctx context.Context) error {
	g.mu.Lock()
	g.open = true
	drained := make(chan struct{})
	g.drained = drained
	close(g.wake)
	g.wake = make(chan struct{})
	g.mu.Unlock()
	select {
	case <-drained:
		return nil
	case <-time.After(demoWait):
		return errors.New("demo: the outbox was not delivered in time")
	case <-ctx.Done():
		return ctx.Err()
	}
}
