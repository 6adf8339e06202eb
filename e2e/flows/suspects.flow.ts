/**
 * "Where to look first" on live Jaeger data: clean checkouts, then one of the demo's faults, and the incident page over
 * the fault's minutes must name the faulty service first — payments for `slowLedgerShard` (its ledger statements
 * slow), fraud for `swallowedErrors` (it answers 503, which payments retries and hides). The baseline is the hour
 * before the range, so the clean checkouts sent just before the fault are its newest traces.
 */
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';

import { FAULTS, type FaultName } from '../../demo/faults';
import { ledgerRegion, SLOW_SHARD } from '../../demo/ledger/regions';
import { type JaegerTrace, controllerCall, eventually } from '../stack/backends';
import type { Environment } from './environment';
import { checkouts } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
const CLEAN_CHECKOUTS = 120;
const FAULTY_CHECKOUTS = 30;
const ACCOUNTS = 30;
const anyAccount = (n: number) => `acct-${n % ACCOUNTS}`;
const SLOW_ACCOUNTS = Array.from({ length: ACCOUNTS }, (_, n) => anyAccount(n)).filter(
  (a) => ledgerRegion(a) === SLOW_SHARD
);
const slowAccount = (n: number) => SLOW_ACCOUNTS[n % SLOW_ACCOUNTS.length]!;

/** Traces Jaeger holds of the gateway's checkouts since `fromMs`. */
async function checkoutsInJaeger(env: Environment, fromMs: number): Promise<number> {
  const url = new URL('/api/traces', env.stack.urls.jaegerQuery);
  url.searchParams.set('service', 'gateway');
  url.searchParams.set('start', String(fromMs * 1000));
  url.searchParams.set('end', String(Date.now() * 1000));
  url.searchParams.set('limit', '1000');
  const { data } = (await (await fetch(url)).json()) as { data: JaegerTrace[] | null };
  return data?.length ?? 0;
}

/**
 * Clean checkouts, then `fault` on for `FAULTY_CHECKOUTS` of `account`'s checkouts, every one kept; resolves to when
 * the fault started (Unix ms) once Jaeger holds them all.
 */
async function incident(env: Environment, fault: FaultName, account: (n: number) => string): Promise<number> {
  const { stack } = env;
  const spike = await controllerCall<{ id: string }>(stack, 'POST', '/overrides', {
    body: { service: 'gateway', samplingRate: 1, durationSeconds: 900, reason: `e2e: where to look first, ${fault}` },
  });
  await new Promise((r) => setTimeout(r, stack.pollIntervalMs + 1000));
  let from: number;
  try {
    expect(await checkouts(stack.urls.demo.gateway, CLEAN_CHECKOUTS, 6, anyAccount)).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    from = Date.now();
    await stack.setFaults([fault]);
    await checkouts(stack.urls.demo.gateway, FAULTY_CHECKOUTS, 4, account);
  } finally {
    await controllerCall(stack, 'POST', `/overrides/${spike.id}/revert`, { body: { reason: 'e2e done' } });
    await stack.setFaults([]);
  }
  await eventually(
    `the ${fault} checkouts in Jaeger`,
    async () => ((await checkoutsInJaeger(env, from)) >= FAULTY_CHECKOUTS ? true : undefined),
    { timeoutMs: 60_000 }
  );
  return from;
}

/** The suspects "Where to look first" lists, once it has ranked them, as their text. */
async function suspectsOn(page: Page): Promise<string[]> {
  const list = page
    .getByRole('region', { name: 'Where to look first' })
    .getByRole('list', { name: 'Suspects, most evidence first' });
  await list.waitFor({ timeout: 120_000 });
  return list.getByRole('listitem').allTextContents();
}

export function suspectFlows(env: () => Environment) {
  describe('where to look first', () => {
    it('names payments first when the slow ledger shard slows its statements, and opens an example there', async () => {
      const from = await incident(env(), 'slowLedgerShard', slowAccount);
      // A Viewer of the payments team, which owns gateway, payments and fraud.
      const page = await env().browser.open('viewer', `${INCIDENT}?from=${from}&to=${Date.now()}&list=traces`);
      const region = page.getByRole('region', { name: 'Where to look first' });
      const suspects = await suspectsOn(page);
      const baseline = await region.getByText(/^Compared \d+ traces of the range with \d+ traces/).textContent();
      env().report(`where to look first, slowLedgerShard: ${baseline}\n  1. ${suspects[0]}`);
      await region.screenshot({ path: env().screenshot('where-to-look-first-ledger') });
      expect(suspects[0]).toMatch(new RegExp(`^${FAULTS.slowLedgerShard}\\b`));

      // The example trace opens on the Trace page at a span of payments.
      const example = region.getByRole('listitem').first().getByRole('link', { name: 'Open an example trace' });
      const href = new URL((await example.getAttribute('href'))!, 'http://host');
      const traceId = href.searchParams.get('traceId');
      const spanId = href.searchParams.get('spanId');
      const [trace] = (
        (await (await fetch(`${env().stack.urls.jaegerQuery}/api/traces/${traceId}`)).json()) as {
          data: JaegerTrace[];
        }
      ).data;
      const span = trace!.spans.find((s) => s.spanID === spanId);
      expect(span && trace!.processes[span.processID]?.serviceName).toBe(FAULTS.slowLedgerShard);
      await example.click();
      await page.waitForURL(/\/a\/seed-tracingops-app\/trace\?/);
      expect(new URL(page.url()).searchParams.get('spanId')).toBe(spanId);
    }, 600_000);

    it('names fraud first when it fails behind payments’ retries, and narrows the list to its traces', async () => {
      const from = await incident(env(), 'swallowedErrors', anyAccount);
      const page = await env().browser.open('viewer', `${INCIDENT}?from=${from}&to=${Date.now()}&list=traces`);
      const region = page.getByRole('region', { name: 'Where to look first' });
      const suspects = await suspectsOn(page);
      const baseline = await region.getByText(/^Compared \d+ traces of the range with \d+ traces/).textContent();
      env().report(`where to look first, swallowedErrors: ${baseline}\n  1. ${suspects[0]}`);
      expect(suspects[0]).toMatch(new RegExp(`^${FAULTS.swallowedErrors}\\b`));

      await region
        .getByRole('button', { name: `Only traces whose evidence involves ${FAULTS.swallowedErrors}` })
        .click();
      await page.getByRole('button', { name: `Remove the suspect filter ${FAULTS.swallowedErrors}` }).waitFor();
      expect(new URL(page.url()).searchParams.get('suspect')).toBe(FAULTS.swallowedErrors);
      const list = page.getByRole('table', { name: 'Anomalous traces, worst first' });
      await list.waitFor({ timeout: 120_000 });
      const rows = list.getByRole('row', { name: /^Open the trace of/ });
      expect(await rows.count()).toBeGreaterThan(0);
      // The suspect picked, above the list it narrowed.
      await region.screenshot({ path: env().screenshot('where-to-look-first-swallowed-errors') });
    }, 600_000);
  });
}
