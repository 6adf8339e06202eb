/**
 * The whole chain with the real programs: Debian's Prometheus evaluates an alert rule on metrics from a loopback
 * exporter, Debian's Alertmanager sends the webhook to the controller, the spike is served at `/sampling`, and
 * it ends once Prometheus' span metrics show the goal's traces recorded. Measures and prints the time from the
 * alert firing to the new rate served, and from the goal's traces being exposed to the rate reverted
 * (docs/benchmarks.md has the figures). And a group holding an alert over the webhook's bounds (a 3,000-character
 * annotation): its sibling is still spiked, and the sibling's resolution still ends the spike.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { alertmanagerConfig, goalPolicyFile } from '../../e2e/stack/alertmanager';
import { eventually } from '../../e2e/stack/backends';
import { type TestController, call, startController, tempDir, writeJson } from './support/harness';
import { ALERTMANAGER_TOKEN } from './support/alertmanager';
import {
  type RunningProcess,
  describeWithPrometheus,
  freePort,
  startAlertmanager,
  startPrometheus,
} from './support/prometheus';
import { SpanMetricsExporter } from './support/spanMetricsExporter';

const BASE_RATE = 0.05;
const SPIKE_RATE = 0.5;
const GOAL = 30;

const RULES = `
groups:
  - name: demo
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: demo_error_ratio > 0.05
        labels: { service: payments, severity: page }
`;

const POLICIES = goalPolicyFile(
  {
    name: 'error-rate',
    match: { alertname: 'HighErrorRate', severity: 'page' },
    serviceLabel: 'service',
    samplingRate: SPIKE_RATE,
    durationSeconds: 600,
    stopAfterTraces: GOAL,
  },
  { maxSpikesPerHour: 5, serviceCooldownSeconds: 60, maxServicesSpiked: 2 }
);

interface Chain {
  controller: TestController;
  prometheus: RunningProcess;
  stop(): Promise<void>;
}

/**
 * Alertmanager, Prometheus (evaluating `rules` on the exporter's metrics) and the controller (with `policies`, the
 * base rate for `service`). The three point at each other: the controller's port is picked first and it starts
 * last, once Prometheus is known. Alertmanager has the route this project recommends (docs/controller.md), with
 * intervals shortened for the test.
 */
async function startChain(
  exporter: SpanMetricsExporter,
  o: { rules: string; policies: string; service: string; env?: Record<string, string> }
): Promise<Chain> {
  const dir = tempDir();
  writeFileSync(join(dir, 'policies.yaml'), o.policies);
  const port = await freePort();
  const alertmanager = await startAlertmanager(
    (amDir) =>
      alertmanagerConfig({
        controllerUrl: `http://127.0.0.1:${port}`,
        tokenFile: join(amDir, 'token'),
        groupBy: ['alertname', 'service'],
        groupWaitSeconds: 1,
      }),
    { token: ALERTMANAGER_TOKEN }
  );
  const started: Array<{ stop(): Promise<void> }> = [alertmanager];
  try {
    const prometheus = await startPrometheus({
      targets: [exporter.target],
      rules: o.rules,
      alertmanager: alertmanager.url,
    });
    started.unshift(prometheus);
    const controller = await startController(
      {
        STRATEGIES_FILE: writeJson(dir, 's.json', {
          service_strategies: [{ service: o.service, type: 'probabilistic', param: BASE_RATE }],
        }),
        ALERTMANAGER_TOKEN,
        ALERT_POLICY_FILE: join(dir, 'policies.yaml'),
        PROMETHEUS_URL: prometheus.url,
        CONTROLLER_PORT: String(port),
        ...o.env,
      },
      { dir }
    );
    started.push(controller);
    return { controller, prometheus, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/** In order: Prometheus first, so it sends no more alerts; the controller last. */
async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  for (const p of started) {
    await p.stop();
  }
}

describeWithPrometheus('from an alert to a bounded spike, with the real Prometheus and Alertmanager', () => {
  const exporter = new SpanMetricsExporter();
  let chain: Chain;
  let c: TestController;
  let prometheus: RunningProcess;

  beforeAll(async () => {
    await exporter.start();
    // Root spans (traces payments started), as span metrics configured per docs/backends.md carry them.
    exporter.add({ service: 'payments', spanName: 'POST /charge', rootSampledAt: 0.5 }, 100);
    exporter.setGauge('demo_error_ratio', 0);
    chain = await startChain(exporter, {
      rules: RULES,
      policies: POLICIES,
      service: 'payments',
      env: { GOAL_CHECK_MS: '500', OVERRIDE_CACHE_MS: '1000' },
    });
    ({ controller: c, prometheus } = chain);
  }, 90_000);

  afterAll(async () => {
    await chain?.stop();
    await exporter.stop();
  });

  // Every 20 ms: the chain's timings below are read at this resolution.
  const POLL = { timeoutMs: 60_000, intervalMs: 20 };
  const served = async () =>
    (await call(c.url, 'GET', '/sampling?service=payments', { token: null })).body.probabilisticSampling.samplingRate;

  it('raises the spike when the alert fires and ends it when the goal is recorded', async () => {
    // Prometheus must have scraped the span counter before the spike starts, or its first samples count as new.
    await eventually(
      'the first scrapes',
      async () => {
        const r = await fetch(
          `${prometheus.url}/api/v1/query?query=count_over_time(traces_spanmetrics_calls_total[1m])`
        );
        const body = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
        return Number(body.data.result[0]?.value[1] ?? 0) >= 2 ? true : undefined;
      },
      POLL
    );
    expect(await served()).toBe(BASE_RATE);

    const conditionAt = Date.now();
    exporter.setGauge('demo_error_ratio', 0.3);
    const spikeServedAt = await eventually(
      'the spike at /sampling',
      async () => ((await served()) === SPIKE_RATE ? Date.now() : undefined),
      POLL
    );
    const [o] = (await call(c.url, 'GET', '/api/v1/overrides')).body.overrides;
    expect(o).toMatchObject({
      createdBy: 'alertmanager',
      alert: { name: 'HighErrorRate' },
      goal: { stopAfterTraces: GOAL },
    });
    const firedAt = Date.parse(o.alert.startsAt);

    exporter.add({ service: 'payments', spanName: 'POST /charge', rootSampledAt: 0.5 }, GOAL + 5);
    const goalExposedAt = Date.now();
    const revertedAt = await eventually(
      'the revert at /sampling',
      async () => ((await served()) === BASE_RATE ? Date.now() : undefined),
      POLL
    ).catch(async (err: Error) => {
      const now = (await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides[0];
      throw new Error(`${err.message}; the spike: ${JSON.stringify(now)}`);
    });
    const ended = (await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides[0];
    expect(ended).toMatchObject({ active: false, revokedBy: 'controller' });
    expect(ended.goal.traces).toBeGreaterThanOrEqual(GOAL);
    const types = (await call(c.url, 'GET', '/api/v1/audit')).body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(['goal-reached', 'created']);

    const figures = {
      conditionToServedMs: spikeServedAt - conditionAt,
      alertFiredToServedMs: spikeServedAt - firedAt,
      goalExposedToRevertedMs: revertedAt - goalExposedAt,
    };
    process.stdout.write(`alert chain timings: ${JSON.stringify(figures)}\n`);
    expect(figures.alertFiredToServedMs).toBeGreaterThan(0);
  }, 150_000);
});

const SIBLING_RULES = `
groups:
  - name: demo
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: demo_error_ratio > 0.05
        labels: { service: checkout, severity: page }
        annotations: { summary: error ratio above 5% }
      - alert: HighErrorRate
        expr: demo_retry_ratio > 0.05
        labels: { service: checkout, severity: page, cause: retries }
        annotations: { description: ${'x'.repeat(3000)} }
`;

describeWithPrometheus('an oversized alert in a group, through the real Alertmanager', () => {
  const exporter = new SpanMetricsExporter();
  let chain: Chain;
  let c: TestController;

  beforeAll(async () => {
    await exporter.start();
    exporter.setGauge('demo_error_ratio', 0);
    exporter.setGauge('demo_retry_ratio', 0);
    chain = await startChain(exporter, {
      rules: SIBLING_RULES,
      policies: JSON.stringify({
        limits: { maxSpikesPerHour: 5, serviceCooldownSeconds: 60, maxServicesSpiked: 2 },
        policies: [
          {
            name: 'error-rate',
            match: { alertname: 'HighErrorRate', severity: 'page' },
            serviceLabel: 'service',
            samplingRate: SPIKE_RATE,
            durationSeconds: 600,
          },
        ],
      }),
      service: 'checkout',
    });
    c = chain.controller;
  }, 90_000);

  afterAll(async () => {
    await chain?.stop();
    await exporter.stop();
  });

  const POLL = { timeoutMs: 60_000, intervalMs: 100 };
  const served = async () =>
    (await call(c.url, 'GET', '/sampling?service=checkout', { token: null })).body.probabilisticSampling.samplingRate;
  const events = async () => (await call(c.url, 'GET', '/api/v1/audit')).body.events as Array<Record<string, any>>;

  it("spikes the sibling and ends its spike on the sibling's resolution, denying the oversized alert", async () => {
    exporter.setGauge('demo_retry_ratio', 0.3);
    exporter.setGauge('demo_error_ratio', 0.3);
    await eventually('the spike at /sampling', async () => ((await served()) === SPIKE_RATE ? true : undefined), POLL);
    const denied = await eventually(
      'the oversized alert denied',
      async () => (await events()).find((e) => e.type === 'denied'),
      POLL
    );
    expect(denied).toMatchObject({
      service: '',
      actor: 'alertmanager',
      details: {
        labels: { cause: 'retries', service: 'checkout' },
        annotations: { description: 'x'.repeat(256) },
        message: expect.stringMatching(/^invalid alert: annotations\.description: Too big/),
      },
    });

    // The sibling resolves while the oversized alert keeps firing in the same group.
    exporter.setGauge('demo_error_ratio', 0);
    await eventually('the revert at /sampling', async () => ((await served()) === BASE_RATE ? true : undefined), POLL);
    const [spike] = (await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides;
    expect(spike).toMatchObject({ active: false, revokedBy: 'alertmanager', alert: { name: 'HighErrorRate' } });
    expect(spike.revokeReason).toContain('resolved');
    // Alertmanager's repeats of the group did not audit the oversized alert again.
    expect((await events()).map((e) => e.type).sort()).toEqual(['created', 'denied', 'reverted']);
  }, 150_000);
});
