/**
 * The overview's request rates are requests, on the real stack with every trace sampled (base strategies at 100 %)
 * and no spike (issue 28): under a load this test sends itself — checkouts through gateway, which calls auth,
 * payments and fraud once each, and refunds straight to payments — the request rate `loadServiceOverview` gives each
 * demo service is within 15 % of what was sent in its rate window, from the source the page picks (the SDK metrics)
 * and from span metrics of the request spans alone. Spans of every kind would not be: gateway has about three per
 * checkout, which is what the overview showed before it read request spans only. Prints the figures.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import { sdkRequestMetrics } from '../../src/app/data/sdkRequestMetrics';
import { RATE_WINDOW_SECONDS, loadServiceOverview } from '../../src/app/data/serviceOverview';
import { resolveSpanMetricsFlavour } from '../../src/app/data/spanMetricsFlavour';
import { createPrometheusClient } from '../../src/clients';
import type { SamplingHistory } from '../../src/contract';
import { controllerCall, promQuery } from './backends';
import { RootTraffic } from './rootTraffic';
import { type RunningStack, startStack } from './stack';

jest.setTimeout(900_000);

const SERVICES = ['gateway', 'auth', 'payments', 'fraud'] as const;
const TOLERANCE = 0.15;
/** How far back the overview is read, as the page's default range; its step is then 15 s. */
const RANGE_SECONDS = 900;
const STEP_SECONDS = 15;

let stack: RunningStack;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracingops-rates-'));
  const strategiesFile = join(dir, 'strategies.json');
  writeFileSync(strategiesFile, JSON.stringify({ default_strategy: { type: 'probabilistic', param: 1 } }));
  const started = Date.now();
  stack = await startStack({ strategiesFile });
  process.stdout.write(`stack at 100 % sampling ready in ${Date.now() - started} ms (logs in ${stack.logDir})\n`);
}, 900_000);

afterAll(async () => {
  await stack?.stop();
});

describe('request rates at 100 % sampling and no spike', () => {
  it("shows each demo service's request rate within 15 % of what its callers sent", async () => {
    const checkouts = new RootTraffic({
      service: 'gateway',
      operation: 'POST /checkout',
      url: `${stack.urls.demo.gateway}/checkout`,
      body: { user: 'user-1', account: 'acct-3', amount: 42 },
    });
    const refunds = new RootTraffic({
      service: 'payments',
      operation: 'POST /refunds',
      url: `${stack.urls.demo.payments}/refunds`,
      body: { account: 'acct-7', amount: 10 },
    });
    checkouts.start(400);
    refunds.start(300);
    try {
      // A whole rate window of this load, scraped, and the overview's step.
      await sleep((RATE_WINDOW_SECONDS + 2 * stack.scrapeIntervalSeconds + STEP_SECONDS) * 1000);
    } finally {
      await Promise.all([checkouts.stop(), refunds.stop()]);
    }
    const end = Math.floor(Date.now() / 1000);
    // The overview's latest figure is at its last step, a rate over the window before it.
    const at = Math.floor(end / STEP_SECONDS) * STEP_SECONDS * 1000;
    const sentRate = (traffic: RootTraffic) =>
      traffic.requests.filter((r) => r.sentAt > at - RATE_WINDOW_SECONDS * 1000 && r.sentAt <= at).length /
      RATE_WINDOW_SECONDS;
    const checkoutRate = sentRate(checkouts);
    const sent: Record<string, number> = {
      gateway: checkoutRate,
      auth: checkoutRate,
      payments: checkoutRate + sentRate(refunds),
      fraud: checkoutRate,
    };
    const failed = [...checkouts.requests, ...refunds.requests].filter((r) => r.status !== 200).length;

    const prometheus = createPrometheusClient({ baseUrl: stack.urls.prometheus, timeoutMs: 30_000 });
    const history = (service: string, fromMs: number, toMs: number) =>
      controllerCall<SamplingHistory>(
        stack,
        'GET',
        `/sampling/history?service=${service}&from=${Math.floor(fromMs)}&to=${Math.ceil(toMs)}`
      );
    // What the page finds on this stack, its span-metrics setting on "auto" with Jaeger as the trace backend.
    const [flavour, sdk] = await Promise.all([
      resolveSpanMetricsFlavour(undefined, prometheus, 'jaeger'),
      sdkRequestMetrics(prometheus),
    ]);
    const scope = { kind: 'all' } as const;
    const overview = async (sources: Parameters<typeof loadServiceOverview>[0]) => {
      const rows = await loadServiceOverview(sources, scope, end - RANGE_SECONDS, end);
      return Object.fromEntries(rows.map((r) => [r.service, r.rate]));
    };
    // As the page reads it (the SDK metrics, found by its probe), and with span metrics as the only source.
    const shown = await overview({ prometheus, flavour, sdk, history });
    const fromSpans = await overview({ prometheus, flavour, history });
    // Every span of gateway's, of any kind: what the overview counted before it read request spans only.
    const [allSpans] = await promQuery(
      stack.urls.prometheus,
      `sum(rate(traces_span_metrics_calls_total{service_name="gateway"}[${RATE_WINDOW_SECONDS}s]))`,
      at
    );

    const line = (rates: typeof shown) =>
      SERVICES.map((s) => `${s} ${rates[s]?.latest?.toFixed(2)} (${rates[s]?.source})`).join(', ');
    process.stdout.write(
      `sent per second over the window to ${new Date(at).toISOString()}: ${SERVICES.map(
        (s) => `${s} ${sent[s]!.toFixed(2)}`
      ).join(', ')} (${checkouts.requests.length} checkouts, ${refunds.requests.length} refunds, ${failed} failed)\n` +
        `overview as the page reads it: ${line(shown)}\n` +
        `overview from span metrics (${flavour.kind}) alone: ${line(fromSpans)}\n` +
        `gateway's spans of every kind: ${allSpans?.value.toFixed(2)}/s\n`
    );

    const off = (rates: typeof shown) =>
      SERVICES.filter((s) => !(Math.abs((rates[s]?.latest ?? 0) / sent[s]! - 1) < TOLERANCE));
    expect(SERVICES.map((s) => shown[s]?.source)).toEqual(SERVICES.map(() => 'sdk'));
    expect(off(shown)).toEqual([]);
    expect(off(fromSpans)).toEqual([]);
    // The check can tell: counting gateway's spans of every kind is far outside the tolerance.
    expect(allSpans!.value / sent.gateway!).toBeGreaterThan(1 + 2 * TOLERANCE);
  });
});
