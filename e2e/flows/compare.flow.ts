/**
 * "Why these traces?" on live Jaeger data: with the demo's `slowLedgerShard` fault only the accounts of one ledger
 * shard are slow, and the comparison in the browser (the app's Jaeger client, search and analysis) must find
 * `ledger.region` = that shard among everything the traces carry, while the per-request `request.id` stays a
 * cardinality note. A click on the value narrows the list through Jaeger's `tags` search parameter.
 */
import { expect } from '@jest/globals';

import { ledgerRegion, SLOW_SHARD } from '../../demo/ledger/regions';
import { BASELINE_RULE } from '../../src/analysis';
import { type JaegerTrace, controllerCall, eventually, promQuery } from '../stack/backends';
import type { Environment } from './environment';
import { checkouts } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
/** Normal traffic first: the slow rule's p99 baselines must come from a time the shard was fine. */
const NORMAL_CHECKOUTS = 1500;
/**
 * Then with the fault on, as many at a time as payments has ledger connections: more would make every account
 * wait for the pool behind the slow ones; one at a time would send them all over one connection (one port).
 */
const FAULTY_CHECKOUTS = 27;
const FAULTY_CONCURRENCY = 4;
const ACCOUNTS = 30;
const account = (n: number) => `acct-${n % ACCOUNTS}`;

/** Checkouts recorded in Jaeger's span metrics (one `SELECT accounts` statement each), as Prometheus has scraped them. */
async function recordedCheckouts(env: Environment): Promise<number> {
  const [sample] = await promQuery(
    env.stack.urls.prometheus,
    'sum(traces_span_metrics_calls_total{service_name="payments", span_name="SELECT accounts"})'
  );
  return sample?.value ?? 0;
}

/**
 * Waits until a trace starting now is judged at an anchor (`baselineAnchor`) after the traffic Prometheus holds so
 * far: a trace's baseline ends at its start rounded down to the anchor, so a fault switched on sooner would be judged
 * without the clean traffic just sent — on a young stack, without any baseline at all.
 */
async function nextAnchor(): Promise<void> {
  const anchorMs = BASELINE_RULE.anchorSeconds * 1000;
  const next = Math.floor(Date.now() / anchorMs) * anchorMs + anchorMs;
  await new Promise((r) => setTimeout(r, next - Date.now() + 1000));
}

const ledgerRegionOf = (trace: JaegerTrace) =>
  trace.spans.flatMap((s) => s.tags).find((t) => t.key === 'ledger.region')?.value;

export function comparisonFlows(env: () => Environment) {
  describe('why these traces', () => {
    it('ranks the slow ledger shard first among the attribute values of the anomalous traces, and filters by it', async () => {
      const { stack } = env();
      const from = Date.now() - 5000;
      const before = await recordedCheckouts(env());
      // Every checkout kept, so the spans metrics and Jaeger hold all of them.
      const spike = await controllerCall<{ id: string }>(stack, 'POST', '/overrides', {
        body: { service: 'gateway', samplingRate: 1, durationSeconds: 900, reason: 'e2e: why these traces' },
      });
      await new Promise((r) => setTimeout(r, stack.pollIntervalMs + 1000));
      try {
        expect(await checkouts(stack.urls.demo.gateway, NORMAL_CHECKOUTS, 8, account)).toBe(0);
        await eventually(
          'the clean checkouts in the span metrics',
          async () => ((await recordedCheckouts(env())) >= before + NORMAL_CHECKOUTS ? true : undefined),
          { timeoutMs: 60_000 }
        );
        await nextAnchor();
        await stack.setFaults(['slowLedgerShard']);
        expect(await checkouts(stack.urls.demo.gateway, FAULTY_CHECKOUTS, FAULTY_CONCURRENCY, account)).toBe(0);
      } finally {
        await controllerCall(stack, 'POST', `/overrides/${spike.id}/revert`, { body: { reason: 'e2e done' } });
        await stack.setFaults([]);
      }
      await eventually(
        'every checkout in the span metrics',
        async () =>
          (await recordedCheckouts(env())) >= before + NORMAL_CHECKOUTS + FAULTY_CHECKOUTS ? true : undefined,
        { timeoutMs: 60_000 }
      );
      const slow = Array.from({ length: FAULTY_CHECKOUTS }, (_, n) => account(n)).filter(
        (a) => ledgerRegion(a) === SLOW_SHARD
      );

      // A Viewer of the payments team: reading is all the comparison needs.
      const page = await env().browser.open('viewer', `${INCIDENT}?from=${from}&to=${Date.now()}&why=1&list=traces`);
      const view = page.getByRole('region', { name: 'Why these traces?' });
      const table = view.getByRole('table', { name: 'Attribute values that stand out, most first' });
      await table.waitFor({ timeout: 180_000 }).catch(async (error: unknown) => {
        // What the section said instead ("Nothing stands out", an error, still comparing), for the failure to show.
        env().report(`why these traces, no table: ${await page.getByRole('main').textContent()}`);
        await page.screenshot({ path: env().screenshot('why-these-traces-failed'), fullPage: true });
        throw error;
      });
      const rows = table.getByRole('row');
      const ranked = (await rows.allTextContents()).slice(1);
      expect(ranked[0]).toContain(`span.ledger.region = "${SLOW_SHARD}"`);
      expect(ranked.join('\n')).not.toContain('request.id');
      // Nothing that describes the instrumentation rather than the request: sampler, SDK, addresses, ports.
      expect(
        ranked.filter((row) => /sampler|telemetry\.|\.port\b|\.address\b|net\.peer|host\.|\bip\b/.test(row))
      ).toEqual([]);
      await expect(view.getByText(/^Too many distinct values to compare:/).textContent()).resolves.toContain(
        'span.request.id'
      );
      const caps = /Compared (\d+) anomalous with (\d+) normal traces of the same root operations/.exec(
        (await view.textContent()) ?? ''
      );
      expect(caps).not.toBeNull();
      expect(Number(caps![1])).toBeGreaterThanOrEqual(slow.length);
      expect(Number(caps![2])).toBeGreaterThan(0);
      const first = await rows.nth(1).getByRole('cell').allTextContents();
      env().report(`why these traces: ${caps![0]}; first: ${first.slice(0, 3).join(' | ')}`);
      // The list and the comparison under it.
      await page
        .getByRole('region', { name: 'Anomalous traces' })
        .screenshot({ path: env().screenshot('why-these-traces') });

      // The click narrows the list; Jaeger's search asks for the value as a tag.
      const since = Date.now();
      await rows
        .nth(1)
        .getByRole('button', { name: `Only traces with span.ledger.region = "${SLOW_SHARD}"` })
        .click();
      await page.getByRole('button', { name: `Remove the filter span.ledger.region = "${SLOW_SHARD}"` }).waitFor();
      const list = page.getByRole('table', { name: 'Anomalous traces, worst first' });
      await list.waitFor({ timeout: 90_000 });
      const tagged = env()
        .host.requests.filter((r) => r.kind === 'datasource' && r.at >= since)
        .map((r) => new URL(r.path, 'http://host').searchParams.get('tags'));
      expect(tagged).toContain(JSON.stringify({ 'ledger.region': SLOW_SHARD }));
      const ids = await list
        .getByRole('link')
        .evaluateAll((links) =>
          links.map((a) => new URL(a.getAttribute('href')!, 'http://host').searchParams.get('traceId'))
        );
      expect(ids.length).toBeGreaterThanOrEqual(slow.length);
      for (const id of new Set(ids)) {
        const [trace] = (
          (await (await fetch(`${stack.urls.jaegerQuery}/api/traces/${id}`)).json()) as { data: JaegerTrace[] }
        ).data;
        expect([id, ledgerRegionOf(trace!)]).toEqual([id, SLOW_SHARD]);
      }
    }, 600_000);
  });
}
