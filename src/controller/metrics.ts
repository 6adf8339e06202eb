/**
 * Prometheus metrics for `/metrics`. Each controller instance owns its registry (no global state), so several
 * controllers can run in one process, as they do in tests.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestLatencyHistogram } from './requestLatency';

export class ControllerMetrics {
  readonly registry = new Registry();
  /** Polls counted since the last scrape, by service: added to `polls` when it is collected. */
  private readonly pendingPolls = new Map<string, number>();
  readonly polls = new Counter({
    name: 'tracingops_sampling_polls_total',
    help: 'Strategy polls from samplers, by service.',
    labelNames: ['service'],
    registers: [this.registry],
    collect: () => this.addPendingPolls(),
  });
  readonly activeOverrides = new Gauge({
    name: 'tracingops_active_overrides',
    help: 'Overrides active now, as last read from storage.',
    registers: [this.registry],
  });
  readonly apiLatency = new RequestLatencyHistogram({
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

  /**
   * Counts a poll in a plain map, added to the counter when it is scraped: prom-client hashes and validates the
   * labels on every `inc`, even a label child's, which cost about a microsecond per poll.
   */
  countPoll(service: string): void {
    this.pendingPolls.set(service, (this.pendingPolls.get(service) ?? 0) + 1);
  }

  private addPendingPolls(): void {
    for (const [service, count] of this.pendingPolls) {
      this.polls.inc({ service }, count);
    }
    this.pendingPolls.clear();
  }

  observeRequest(route: string, method: string, statusCode: number, seconds: number): void {
    this.apiLatency.record(route, method, statusCode, seconds);
  }

  constructor(options: { defaultMetrics: boolean }) {
    if (options.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry });
    }
  }
}
