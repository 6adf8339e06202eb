/**
 * Injected faults found by the analysis from live Jaeger data, through the app's own clients in the browser: the
 * incident page lists the demo's faulty traces with the right finding, a row opens the Trace page at the evidence
 * span, and the frames handed to Grafana's traces, time-series and logs panels hold that trace.
 */
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';

import { type JaegerTrace, controllerCall } from '../stack/backends';
import type { FrameSummary } from '../host/page/PanelFrames';
import type { Environment } from './environment';
import { ANALYSIS_WORKER_URL, checkouts, watchWorkers } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';

async function framesOf(page: Page, pluginId: string): Promise<FrameSummary[]> {
  const placeholder = page.locator(`[data-testid="panel-placeholder"][data-plugin-id="${pluginId}"]`).first();
  await placeholder.waitFor();
  return JSON.parse((await placeholder.getAttribute('data-frames')) ?? '[]') as FrameSummary[];
}

const column = (frame: FrameSummary, name: string) => frame.fields.find((f) => f.name === name)?.values ?? [];

export function traceFlows(env: () => Environment) {
  describe('faults found in live traces', () => {
    /** The bottleneck trace the Trace page opened, which the dashboard panel shows next. */
    let bottleneckTraceId: string | undefined;

    it('lists the traces of the injected faults with the right finding, from live Jaeger data', async () => {
      const { stack } = env();
      await stack.setFaults(['poolExhaustion', 'nPlusOne', 'swallowedErrors']);
      // Every checkout kept, as a responder would raise it, so the faulty traces all reach Jaeger.
      const spike = await controllerCall<{ id: string }>(stack, 'POST', '/overrides', {
        body: { service: 'gateway', samplingRate: 1, durationSeconds: 600, reason: 'e2e: faults on' },
      });
      await new Promise((r) => setTimeout(r, stack.pollIntervalMs + 1000));
      try {
        await checkouts(stack.urls.demo.gateway, 24, 6);
      } finally {
        await controllerCall(stack, 'POST', `/overrides/${spike.id}/revert`, { body: { reason: 'e2e done' } });
        await stack.setFaults([]);
      }
      const workers = watchWorkers(env().browser.context);
      const page = await env().browser.open('editor', `${INCIDENT}?from=now-5m&to=now`);
      const table = page.getByRole('table', { name: 'Anomalous trace groups, worst first' });
      try {
        await table.waitFor({ timeout: 60_000 });
      } finally {
        workers.stop();
      }
      // Jaeger's search answers were read, capped and analysed in the plugin's worker, not on the page.
      expect(workers.urls).not.toEqual([]);
      expect(workers.urls.filter((url) => !ANALYSIS_WORKER_URL.test(url))).toEqual([]);
      // Traces of one root operation, rule and cause are one row with their count, not a row each.
      const groups = table.getByRole('row', { name: /^Group of \d+ / });
      await groups.first().waitFor({ timeout: 60_000 });
      const counts = (await groups.evaluateAll((rows) =>
        rows.map((row) => Number(/^Group of (\d+) /.exec(row.getAttribute('aria-label') ?? '')?.[1]))
      )) as number[];
      expect(Math.max(...counts)).toBeGreaterThan(1);
      // Every rule a trace triggered, not only its worst, is in the per-trace list one click away.
      await page.getByRole('radio', { name: 'Each trace' }).click();
      const list = page.getByRole('table', { name: 'Anomalous traces, worst first' });
      await list.waitFor({ timeout: 30_000 });
      const findings = (await list.getByRole('row').allTextContents()).join('\n');
      expect(findings).toContain('Bottleneck'); // pool exhaustion: the wait in db.pool.acquire
      expect(findings).toContain('N+1'); // one ledger query per row
      expect(findings).toContain('Retry storm'); // fraud fails, payments retries it three times
      await page.getByRole('radio', { name: 'Grouped' }).click();
      // The overview and the worst rows: the whole list would make a large image.
      await page.screenshot({ path: env().screenshot('incident'), clip: { x: 0, y: 0, width: 1280, height: 620 } });
    }, 180_000);

    it('opens the Trace page at the evidence span from a row, and hands that trace to the panels', async () => {
      const page = await env().browser.open('editor', `${INCIDENT}?from=now-5m&to=now&rule=bottleneck&list=traces`);
      const row = page
        .getByRole('table', { name: 'Anomalous traces, worst first' })
        .getByRole('row', { name: /^Open the trace of/ })
        .first();
      await row.waitFor({ timeout: 60_000 });
      // The row's explanation names its evidence span as `service operation`, set as code.
      const named = /^(\S+) (.+)$/.exec((await row.locator('code').first().textContent()) ?? '');
      expect(named).not.toBeNull();
      await row.getByRole('cell').nth(2).click();
      await page.waitForURL(/\/a\/seed-tracingops-app\/trace\?traceId=[0-9a-f]{32}&spanId=[0-9a-f]{16}/);
      const opened = new URL(page.url());
      const traceId = opened.searchParams.get('traceId')!;
      bottleneckTraceId = traceId;
      const spanId = opened.searchParams.get('spanId')!;
      await page.getByText(`Trace ${traceId}`).waitFor({ timeout: 30_000 });

      // The trace as Jaeger holds it is the trace handed to the traces panel, with the evidence span in it.
      const byId = await fetch(`${env().stack.urls.jaegerQuery}/api/traces/${traceId}`);
      const [jaegerTrace] = ((await byId.json()) as { data: JaegerTrace[] }).data;
      const [frame] = await framesOf(page, 'traces');
      expect(frame).toBeDefined();
      expect(new Set(column(frame!, 'traceID'))).toEqual(new Set([traceId]));
      expect(new Set(column(frame!, 'spanID'))).toEqual(new Set(jaegerTrace!.spans.map((s) => s.spanID)));
      expect(column(frame!, 'spanID')).toContain(spanId);
      const at = column(frame!, 'spanID').indexOf(spanId);
      expect([column(frame!, 'serviceName')[at], column(frame!, 'operationName')[at]]).toEqual([named![1], named![2]]);

      // The RED metrics of the trace's services come from Prometheus' span metrics.
      const series = await framesOf(page, 'timeseries');
      expect(series.length).toBeGreaterThan(0);
      expect(series.every((f) => f.length > 0)).toBe(true);
      // No Loki in this stack: the logs panel gets nothing and the page says why instead.
      expect(await page.locator('[data-plugin-id="logs"]').count()).toBe(0);
      await page.screenshot({ path: env().screenshot('trace') });
    }, 180_000);

    it('shows the same trace and the RED metrics of its services in the dashboard panel, for a Viewer', async () => {
      expect(bottleneckTraceId).toBeDefined();
      const page = await env().browser.open('viewer', `/d/tracingops?traceId=${bottleneckTraceId}`);
      const [frame] = await framesOf(page, 'traces');
      expect(new Set(column(frame!, 'traceID'))).toEqual(new Set([bottleneckTraceId]));
      const series = await framesOf(page, 'timeseries');
      expect(series.map((f) => f.name)).toEqual(expect.arrayContaining(['gateway', 'payments']));
      await page.screenshot({ path: env().screenshot('panel') });
    }, 120_000);
  });
}
