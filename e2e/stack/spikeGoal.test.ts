/**
 * A trace goal counts what its spike kept, on the real stack: with gateway spiked to 100 % (its checkouts carry the
 * Go fraud service's spans, kept by gateway's sampler), a spike of fraud "stop after GOAL traces" ends when Jaeger
 * holds GOAL (±10 %) traces that start at fraud since the spike began — not when fraud's spans in gateway's traces
 * add up to GOAL, as the server-span count did; on both span-metrics flavours' names (Tempo's relabelled from the
 * connector's at scrape: Tempo itself is not run). The traces that start at fraud are the load generator's
 * screenings, sent straight to it. Also the demo's SDK HTTP server metrics: scraped from every service, JS and Go, counting the
 * requests the samplers dropped too. Asserts counts, never durations; prints the figures (docs/benchmarks.md).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';

import type { Override } from '../../src/contract';
import { controllerCall, eventually, findTraces, promQuery, rootSpansOf } from './backends';
import type { SpanMetricsNames } from './prometheus';
import { type RunningStack, startStack } from './stack';

jest.setTimeout(420_000);

const GOAL = 100;
const SERVICES = ['gateway', 'auth', 'payments', 'fraud'] as const;
/** The JS exporter names the histogram without a unit suffix, the Go exporter with one (docs/backends.md). */
const SDK_COUNT = '{__name__=~"http_server_request_duration(_seconds)?_count"}';

let stack: RunningStack;

const spike = (body: Record<string, unknown>) =>
  controllerCall<Override>(stack, 'POST', '/overrides', {
    body: { durationSeconds: 600, reason: 'e2e: a goal counts what its spike kept', ...body },
  });

const overrideById = async (id: string) =>
  (await controllerCall<{ overrides: Override[] }>(stack, 'GET', '/overrides?state=all')).overrides.find(
    (o) => o.id === id
  )!;

/** One instant query's single value (0 when there is no series). */
const scalar = async (expr: string) => (await promQuery(stack.urls.prometheus, expr))[0]?.value ?? 0;

describe.each<SpanMetricsNames>(['connector', 'tempo'])(
  'goals and SDK metrics on the real stack, %s names',
  (names) => {
    beforeAll(async () => {
      const started = Date.now();
      stack = await startStack({
        load: true,
        pollIntervalMs: 1000,
        scrapeIntervalSeconds: 1,
        goalCheckMs: 1000,
        spanMetricsNames: names,
      });
      process.stdout.write(
        `stack (${names} names) with load ready in ${Date.now() - started} ms (logs in ${stack.logDir})\n`
      );
    }, 900_000);

    afterAll(async () => {
      await stack?.stop();
    });

    // The SDK metrics do not depend on the span metrics' names: checked once.
    if (names === 'connector') {
      it('counts every request in the SDK metrics of each service, where span metrics see the sampled ones', async () => {
        const perService = await eventually(
          'SDK HTTP server metrics of all four services in Prometheus',
          async () => {
            const samples = await promQuery(stack.urls.prometheus, `sum by (service_name) (${SDK_COUNT})`);
            return SERVICES.every((s) => samples.some((x) => x.metric.service_name === s && x.value > 0))
              ? samples
              : undefined;
          },
          { timeoutMs: 90_000, intervalMs: 500 }
        );
        // Gateway at the base rate (10 %): requests it served against the traces of them that were kept.
        const requests = `sum(${SDK_COUNT.replace('}', ', service_name="gateway"}')})`;
        const roots = 'sum(traces_span_metrics_calls_total{service_name="gateway", jaeger_sampler_type!=""})';
        const [requestsBefore, rootsBefore] = [await scalar(requests), await scalar(roots)];
        await new Promise((r) => setTimeout(r, 20_000));
        const served = (await scalar(requests)) - requestsBefore;
        const kept = (await scalar(roots)) - rootsBefore;
        process.stdout.write(
          `SDK metrics: ${perService.map((s) => `${s.metric.service_name} ${s.value}`).join(', ')} requests so far; ` +
            `gateway over 20 s at 10 %: ${served} requests in its SDK metrics, ${kept} root spans in span metrics\n`
        );
        // About 80 requests and 8 kept: kept above a third of served would take a sampler that keeps most.
        expect(served).toBeGreaterThan(20);
        expect(kept).toBeLessThan(served / 3);
      });
    }

    it('ends a fraud spike once the traces starting at fraud reach the goal, while gateway is spiked upstream', async () => {
      const upstream = await spike({ service: 'gateway', samplingRate: 1 });
      const fraud = await spike({ service: 'fraud', samplingRate: 1, stopAfterTraces: GOAL });
      const ended = await eventually(
        `the fraud spike ended by its goal of ${GOAL}`,
        async () => {
          const o = await overrideById(fraud.id);
          return o.active ? undefined : o;
        },
        { timeoutMs: 300_000, intervalMs: 500 }
      );
      await controllerCall(stack, 'POST', `/overrides/${upstream.id}/revert`, { body: { reason: 'e2e done' } });
      expect(ended.goal?.reachedAt).toBeDefined();
      // The controller read the flavour Prometheus holds: only one flavour's counter is there.
      const [tempoCalls, connectorCalls] = [
        await scalar('count(traces_spanmetrics_calls_total{service="fraud", jaeger_sampler_type!=""})'),
        await scalar('count(traces_span_metrics_calls_total{service_name="fraud", jaeger_sampler_type!=""})'),
      ];
      expect([tempoCalls > 0, connectorCalls > 0]).toEqual([names === 'tempo', names === 'connector']);

      // What Jaeger holds for the spike's lifetime, once the last exports are in.
      const [from, to] = [Date.parse(ended.createdAt), Date.parse(ended.revokedAt!)];
      await new Promise((r) => setTimeout(r, 3000));
      const traces = await findTraces(stack.urls.jaegerQuery, {
        service: 'fraud',
        startMs: from,
        endMs: to,
        limit: 5000,
      });
      const inWindow = (startUs: number) => startUs >= from * 1000 && startUs <= to * 1000;
      const started = rootSpansOf(traces, 'fraud').filter((s) => inWindow(s.startTime)).length;
      const upstreamKept = traces.filter((t) =>
        t.spans.some(
          (s) => s.references.length > 0 && t.processes[s.processID]?.serviceName === 'fraud' && inWindow(s.startTime)
        )
      ).length;
      process.stdout.write(
        `${names} names: fraud spike, goal ${GOAL}, gateway at 100 %: ended after ${Math.round((to - from) / 1000)} s with ` +
          `${ended.goal?.traces} counted; Jaeger holds ${started} traces started at fraud in its lifetime ` +
          `and ${upstreamKept} more with fraud spans inside traces started upstream\n`
      );
      expect(started).toBeGreaterThanOrEqual(GOAL * 0.9);
      expect(started).toBeLessThanOrEqual(GOAL * 1.1);
      // The spans gateway's spike kept were there to be miscounted: a server-span count would have ended it early.
      expect(upstreamKept).toBeGreaterThan(GOAL * 0.2);
    });
  }
);
