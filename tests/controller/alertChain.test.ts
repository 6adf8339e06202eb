/**
 * The whole chain with the real programs: Debian's Prometheus evaluates an alert rule on metrics from a loopback
 * exporter, Debian's Alertmanager sends the webhook to the controller, the spike is served at `/sampling`, and
 * it ends once Prometheus' span metrics show the goal's traces recorded. Measures and prints the time from the
 * alert firing to the new rate served, and from the goal's traces being exposed to the rate reverted
 * (docs/benchmarks.md has the figures).
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

describeWithPrometheus('from an alert to a bounded spike, with the real Prometheus and Alertmanager', () => {
  const exporter = new SpanMetricsExporter();
  let c: TestController;
  let alertmanager: RunningProcess;
  let prometheus: RunningProcess;

  beforeAll(async () => {
    await exporter.start();
    // Root spans (traces payments started), as span metrics configured per docs/backends.md carry them.
    exporter.add({ service: 'payments', spanName: 'POST /charge', rootSampledAt: 0.5 }, 100);
    exporter.setGauge('demo_error_ratio', 0);
    // The three point at each other: pick the controller's port first, start it last, once Prometheus is known.
    const dir = tempDir();
    writeFileSync(join(dir, 'policies.yaml'), POLICIES);
    const port = await freePort();
    // The route this project recommends (docs/controller.md), with intervals shortened for the test.
    alertmanager = await startAlertmanager(
      (amDir) =>
        alertmanagerConfig({
          controllerUrl: `http://127.0.0.1:${port}`,
          tokenFile: join(amDir, 'token'),
          groupBy: ['alertname', 'service'],
          groupWaitSeconds: 1,
        }),
      { token: ALERTMANAGER_TOKEN }
    );
    prometheus = await startPrometheus({ targets: [exporter.target], rules: RULES, alertmanager: alertmanager.url });
    c = await startController(
      {
        STRATEGIES_FILE: writeJson(dir, 's.json', {
          service_strategies: [{ service: 'payments', type: 'probabilistic', param: BASE_RATE }],
        }),
        ALERTMANAGER_TOKEN,
        ALERT_POLICY_FILE: join(dir, 'policies.yaml'),
        PROMETHEUS_URL: prometheus.url,
        GOAL_CHECK_MS: '500',
        OVERRIDE_CACHE_MS: '1000',
        CONTROLLER_PORT: String(port),
      },
      { dir }
    );
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await c?.stop();
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
