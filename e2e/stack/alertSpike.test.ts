/**
 * From an alert to a bounded spike, with every real program: the demo's fraud service fails (the `swallowedErrors`
 * fault), its error spans become span metrics in Jaeger, Prometheus' alert rule on them fires for fraud (Go) and for
 * payments (JS, whose calls to fraud fail), Alertmanager posts both alerts to the controller's webhook, the policy
 * raises a spike to 100 % with a goal of GOAL traces on each, the samplers in both services pick it up, and the
 * controller ends each spike once Prometheus counts GOAL traces. What the samplers did is read from Jaeger: untraced
 * requests sent straight to each service, so its own sampler decides each one (rootTraffic.ts). Prints the time
 * from the alert firing to the new rate at the samplers and from the goal reached to the base rate again
 * (docs/benchmarks.md has the figures); asserts behaviour only, never a duration.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { AuditEvent, Override } from '../../src/contract';
import { goalPolicyFile } from './alertmanager';
import { controllerCall, eventually, promQuery } from './backends';
import { type RootTarget, RootTraffic, firstRun, sampledFraction, sampledRequests } from './rootTraffic';
import { type RunningStack, startStack } from './stack';

jest.setTimeout(300_000);

const POLL_MS = 1000;
const GOAL = 100;
const SEND_EVERY_MS = 50;
const SERVICES = ['payments', 'fraud'] as const;
type Spiked = (typeof SERVICES)[number];

/** Every 1 s: a service whose spans fail (more than 5 % over 10 s) pages. */
const RULES = `
groups:
  - name: demo-span-errors
    interval: 1s
    rules:
      - alert: DemoSpanErrors
        expr: |
          sum by (service_name) (rate(traces_span_metrics_calls_total{status_code="STATUS_CODE_ERROR"}[10s]))
            / sum by (service_name) (rate(traces_span_metrics_calls_total[10s])) > 0.05
        labels: { severity: page }
`;

/** The cooldown keeps a re-firing alert from raising a second spike on the same service. */
const POLICIES = goalPolicyFile(
  {
    name: 'span-errors',
    match: { alertname: 'DemoSpanErrors', severity: 'page' },
    serviceLabel: 'service_name',
    samplingRate: 1,
    durationSeconds: 300,
    stopAfterTraces: GOAL,
  },
  { maxSpikesPerHour: 10, serviceCooldownSeconds: 600, maxServicesSpiked: 2 }
);

let stack: RunningStack;

beforeAll(async () => {
  const started = Date.now();
  stack = await startStack({
    pollIntervalMs: POLL_MS,
    scrapeIntervalSeconds: 1,
    goalCheckMs: 1000,
    alerting: { rules: RULES, policies: POLICIES, groupWaitSeconds: 1 },
  });
  process.stdout.write(`stack with Alertmanager ready in ${Date.now() - started} ms (logs in ${stack.logDir})\n`);
}, 900_000);

afterAll(async () => {
  await stack?.stop();
});

const overrides = async () =>
  (await controllerCall<{ overrides: Override[] }>(stack, 'GET', '/overrides?state=all')).overrides;

/** Root spans of `service` (traces it started) in the raw counters Prometheus had scraped by `atMs`. */
async function rootSpans(service: Spiked, atMs: number): Promise<number> {
  const expr = `sum(traces_span_metrics_calls_total{service_name="${service}", jaeger_sampler_type!=""})`;
  return (await promQuery(stack.urls.prometheus, expr, atMs))[0]?.value ?? 0;
}

/**
 * When the goal's traces were recorded and visible: the first moment, to 100 ms, at which Prometheus' counters had
 * grown by GOAL since the spike started — the controller's own measure (`promRootSpansSince`), so from then on
 * its next goal check ends the spike.
 */
async function goalRecordedAt(o: Override): Promise<number> {
  const service = o.service as Spiked;
  const start = Date.parse(o.createdAt);
  const base = await rootSpans(service, start);
  const until = Date.parse(o.revokedAt!) + 10_000;
  for (let t = start + 100; t <= until; t += 100) {
    if ((await rootSpans(service, t)) - base >= GOAL) {
      return t;
    }
  }
  throw new Error(`Prometheus' counters never grew by ${GOAL} root spans of ${service} after its spike started`);
}

/**
 * What one service's sampler did around its spike, from the requests that reached Jaeger: the base rate before the
 * fault, when it switched to 100 % after the alert fired (the first of ten sampled in a row), the share it sampled
 * from then until the goal's traces were in Prometheus, when it went back (the first of three unsampled in a row), and
 * the rate after.
 */
async function atTheSampler(traffic: RootTraffic, spike: Override, faultOnAt: number) {
  const firedAt = Date.parse(spike.alert!.startsAt);
  const raisedAt = Date.parse(spike.createdAt);
  const endedAt = Date.parse(spike.goal!.reachedAt!);
  const goalAt = await goalRecordedAt(spike);
  const { requests, strays } = await sampledRequests(stack.urls.jaegerQuery, traffic);
  const before = sampledFraction(requests, 0, faultOnAt);
  // The spike is on at the sampler until the goal's traces were in Prometheus, or the controller ended it if sooner.
  const spikeEnd = Math.min(goalAt, endedAt);
  const on = firstRun(requests, firedAt, spikeEnd, true, 10);
  const during = on === undefined ? NaN : sampledFraction(requests, on, spikeEnd);
  const off = firstRun(requests, spikeEnd, Infinity, false, 3);
  const after = off === undefined ? NaN : sampledFraction(requests, off + POLL_MS, Infinity);
  const ms = (x: number | undefined, from: number) => (x === undefined ? 'never' : `${Math.round(x - from)} ms`);
  const report =
    `${spike.service}: fault on→alert fired ${ms(firedAt, faultOnAt)}; alert fired→spike raised ${ms(raisedAt, firedAt)}, ` +
    `→100 % at the sampler ${ms(on, firedAt)}; goal's traces in Prometheus→spike ended ${ms(endedAt, goalAt)}, ` +
    `→base rate at the sampler ${ms(off, goalAt)}; ${spike.goal!.traces} traces counted for a goal of ${GOAL}; ` +
    `sampled: base ${before.toFixed(2)}, spike ${during.toFixed(2)}, after ${after.toFixed(2)} ` +
    `(${requests.length} requests, ${requests.filter((r) => r.status !== 200).length} failed)`;
  return { report, strays, before, on, during, off, after };
}

describe('an alert on the span metrics raises a goal-bounded spike at the demo samplers', () => {
  it('spikes the JS and Go samplers when the alert fires, and returns them to the base rate once the goal is recorded', async () => {
    const targets: Record<Spiked, RootTarget> = {
      payments: {
        service: 'payments',
        operation: 'POST /payments',
        url: `${stack.urls.demo.payments}/payments`,
        body: { account: 'acct-7', amount: 10 },
      },
      fraud: {
        service: 'fraud',
        operation: 'POST /score',
        url: `${stack.urls.goService}/score`,
        body: { account: 'acct-7', amount: 10 },
      },
    };
    const traffic = SERVICES.map((s) => new RootTraffic(targets[s]));
    traffic.forEach((t) => t.start(SEND_EVERY_MS));

    // The base rate, until both services' spans are in Prometheus (the rule's denominator), and a while longer to
    // measure it.
    await eventually(
      'server span metrics of payments and fraud',
      async () => {
        const samples = await promQuery(
          stack.urls.prometheus,
          'sum by (service_name) (traces_span_metrics_calls_total{span_kind="SPAN_KIND_SERVER"}) > 0'
        );
        return SERVICES.every((s) => samples.some((x) => x.metric.service_name === s)) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 }
    );
    await new Promise((r) => setTimeout(r, 3000));

    const faultOnAt = Date.now();
    await stack.setFaults(['swallowedErrors']);
    const raised = await eventually(
      'spikes raised by Alertmanager for payments and fraud',
      async () => {
        const byAlert = (await overrides()).filter((o) => o.createdBy === 'alertmanager');
        return SERVICES.every((s) => byAlert.some((o) => o.service === s)) ? byAlert : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200 }
    );
    // The incident is over for the demo; the spikes run to their goal (endOnResolve: false).
    await stack.setFaults([]);
    expect(raised.map((o) => o.service).sort()).toEqual([...SERVICES].sort());
    for (const o of raised) {
      expect(o).toMatchObject({
        samplingRate: 1,
        alert: { name: 'DemoSpanErrors' },
        goal: { stopAfterTraces: GOAL },
      });
    }

    const ended = await eventually(
      'both spikes ended by their goal',
      async () => {
        const all = await overrides();
        const done = raised.map((r) => all.find((o) => o.id === r.id)!);
        return done.every((o) => !o.active) ? done : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 200 }
    );
    await new Promise((r) => setTimeout(r, POLL_MS + 3000)); // the base rate again, for a while
    await Promise.all(traffic.map((t) => t.stop()));

    const audit = (await controllerCall<{ events: AuditEvent[] }>(stack, 'GET', '/audit')).events;
    const measured = [];
    for (const t of traffic) {
      const spike = ended.find((o) => o.service === t.target.service)!;
      measured.push({ spike, ...(await atTheSampler(t, spike, faultOnAt)) });
    }
    process.stdout.write(
      `alert → spike → goal, measured at the samplers (poll ${POLL_MS} ms, scrape and rule evaluation 1 s, ` +
        `group_wait 1 s, goal check 1 s):\n  ${measured.map((m) => m.report).join('\n  ')}\n`
    );

    for (const { spike, strays, before, on, during, off, after } of measured) {
      expect(spike).toMatchObject({ active: false, revokedBy: 'controller' });
      expect(spike.goal?.reachedAt).toBeDefined();
      expect(spike.goal!.traces).toBeGreaterThanOrEqual(GOAL);
      expect(
        audit
          .filter((e) => e.overrideId === spike.id)
          .map((e) => `${e.type} by ${e.actor}`)
          .sort()
      ).toEqual(['created by alertmanager', 'goal-reached by controller']);
      expect(strays).toBe(0);
      // 10 % base: dozens of requests per phase put 0.35 many standard deviations away.
      expect(before).toBeLessThan(0.35);
      expect(on).toBeDefined();
      // 100 %, less a trace that may be lost on its way into Jaeger (rootTraffic.ts, firstRun).
      expect(during).toBeGreaterThan(0.9);
      expect(off).toBeDefined();
      expect(after).toBeLessThan(0.35);
    }
  });

  it('stops Alertmanager with the rest of the stack', async () => {
    const alertmanager = stack.urls.alertmanager!;
    expect((await fetch(`${alertmanager}/-/ready`)).status).toBe(200);
    await stack.stop();
    const answer = await fetch(alertmanager, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      () => undefined
    );
    expect(answer).toBeUndefined();
  });
});
