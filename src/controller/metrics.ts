/**
 * Prometheus metrics for `/metrics`. Each controller instance owns its registry (no global state), so several
 * controllers can run in one process, as they do in tests.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ControllerMetrics {
  readonly registry = new Registry();
  readonly polls = new Counter({
    name: 'tracingops_sampling_polls_total',
    help: 'Strategy polls from samplers, by service.',
    labelNames: ['service'],
    registers: [this.registry],
  });
  readonly activeOverrides = new Gauge({
    name: 'tracingops_active_overrides',
    help: 'Overrides active now, as last read from storage.',
    registers: [this.registry],
  });
  readonly apiLatency = new Histogram({
    name: 'tracingops_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status code.',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly denials = new Counter({
    name: 'tracingops_denials_total',
    help: 'Refused admin requests, by reason (unauthorized, forbidden, guardrail).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly strategyReloads = new Counter({
    name: 'tracingops_strategies_reloads_total',
    help: 'Strategies file reloads by result (ok, error).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  readonly alertPolicyReloads = new Counter({
    name: 'tracingops_alert_policies_reloads_total',
    help: 'Alert policy file reloads by result (ok, error).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'tracingops_alerts_total',
    help: 'Alerts received on the Alertmanager webhook, by outcome (created, denied, duplicate, unmatched, ended, resolved, refused).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  // Label children cached by key: resolving labels hashes them, which is a visible cost on the sampling hot path.
  private readonly pollCounters = new Map<string, Counter.Internal>();
  private readonly latencyHistograms = new Map<string, Histogram.Internal<string>>();

  countPoll(service: string): void {
    let child = this.pollCounters.get(service);
    if (!child) {
      child = this.polls.labels({ service });
      this.pollCounters.set(service, child);
    }
    child.inc();
  }

  observeRequest(route: string, method: string, statusCode: number, seconds: number): void {
    const key = `${route} ${method} ${statusCode}`;
    let child = this.latencyHistograms.get(key);
    if (!child) {
      child = this.apiLatency.labels({ route, method, status_code: String(statusCode) });
      this.latencyHistograms.set(key, child);
    }
    child.observe(seconds);
  }

  constructor(options: { defaultMetrics: boolean }) {
    if (options.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry });
    }
  }
}
