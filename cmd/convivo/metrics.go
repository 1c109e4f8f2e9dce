package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/convivo/convivo/housing"
)

// metrics are the service's Prometheus metrics, on a registry of its own
// (never the global default one).
type metrics struct {
	reg        *prometheus.Registry
	updates    prometheus.Counter
	handler    prometheus.Histogram
	sent       *prometheus.CounterVec
	retryAfter prometheus.Counter
	jobRuns    *prometheus.CounterVec
	jobSeconds *prometheus.HistogramVec
	alerts     *prometheus.CounterVec
}

// newMetrics registers the metrics; outbox depth is read from the store at
// scrape time.
func newMetrics(store housing.Outbox) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		updates: prometheus.NewCounter(prometheus.CounterOpts{Name: "convivo_updates_handled_total",
			Help: "Telegram updates handled."}),
		handler: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "convivo_handler_seconds",
			Help: "Time to handle one update.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 14)}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "convivo_messages_sent_total",
			Help: "Messages Telegram accepted, by kind."}, []string{"kind"}),
		retryAfter: prometheus.NewCounter(prometheus.CounterOpts{Name: "convivo_telegram_429_total",
			Help: "429 Too Many Requests answers from Telegram."}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "convivo_job_runs_total",
			Help: "Scheduled job runs, by job and outcome."}, []string{"job", "outcome"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "convivo_job_seconds",
			Help: "Scheduled job durations.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 14)}, []string{"job"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "convivo_alerts_total",
			Help: "Early-warning alerts raised, by level."}, []string{"level"}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "convivo_outbox_depth",
		Help: "Messages waiting in the outbox."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := store.OutboxDepth(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.reg.MustRegister(m.updates, m.handler, m.sent, m.retryAfter, m.jobRuns, m.jobSeconds, m.alerts, depth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observeJob records one job run.
func (m *metrics) observeJob(job string, start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	m.jobSeconds.WithLabelValues(job).Observe(time.Since(start).Seconds())
}
