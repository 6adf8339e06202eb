/**
 * A sampling spike from the dialog to the backends: the controller stores it under the responder's identity, the
 * services' samplers pick it up, the sampled rate measured in Jaeger rises within one poll interval (plus a margin)
 * of the click, the page's spike check says so, and reverting brings the rate back.
 */
import { expect } from '@jest/globals';

import { RootTraffic, sampledFraction, sampledRequests, switchTime } from '../stack/rootTraffic';
import type { Environment } from './environment';
import { auditOf, spikeGone, storedSpike } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
/** Time for a sampler to have polled after the controller changed its answer, beyond the poll interval itself. */
const SPIKE_MARGIN_MS = 1000;
const SEND_EVERY_MS = 100;

export function samplingFlows(env: () => Environment) {
  describe('a sampling spike', () => {
    it('raised from the dialog at 100 % for 5 minutes, reaches the service within one poll interval and is reverted', async () => {
      const { stack } = env();
      const poll = stack.pollIntervalMs;
      const traffic = new RootTraffic({
        service: 'payments',
        operation: 'POST /refunds',
        url: `${stack.urls.demo.payments}/refunds`,
        body: { account: 'acct-7', amount: 10 },
      });
      traffic.start(SEND_EVERY_MS);
      try {
        const page = await env().browser.open('editor', INCIDENT);
        await page
          .getByRole('table', { name: 'Sampling by service' })
          .getByRole('button', { name: 'Raise sampling for payments' })
          .click();
        const dialog = page.getByRole('dialog', { name: 'Raise sampling' });
        await dialog.getByRole('textbox', { name: /^Rate/ }).fill('100');
        await dialog.getByRole('textbox', { name: /^Duration/ }).fill('5');
        await dialog.getByRole('textbox', { name: /^Reason/ }).fill('INC-30 refunds failing');
        await page.screenshot({ path: env().screenshot('raise-dialog') });
        await new Promise((r) => setTimeout(r, poll + 2000)); // a baseline at the base rate
        const click = Date.now();
        await dialog.getByRole('button', { name: 'Raise sampling' }).click();
        await dialog.waitFor({ state: 'detached' });

        // The controller holds it under the responder's real identity, for 5 minutes.
        const spike = await storedSpike(env(), 'payments');
        expect(spike).toMatchObject({ createdBy: 'alice', samplingRate: 1 });
        expect(Date.parse(spike.expiresAt) - Date.parse(spike.createdAt)).toBe(5 * 60_000);
        expect((await auditOf(env(), 'payments')).find((e) => e.type === 'created')).toMatchObject({
          actor: 'alice',
          overrideId: spike.id,
        });

        await new Promise((r) => setTimeout(r, poll + 3000));
        // The page's own check of whether the spike took effect (it asks Prometheus' span metrics).
        await page.getByText(/went up/).waitFor({ timeout: 120_000 });
        await page.screenshot({ path: env().screenshot('incident-spike') });

        const revert = Date.now();
        await page.getByRole('button', { name: 'Revert the spike of payments' }).click();
        await spikeGone(env(), 'payments');
        await new Promise((r) => setTimeout(r, poll + 3000));
        await traffic.stop();

        const { requests, strays } = await sampledRequests(stack.urls.jaegerQuery, traffic);
        expect(strays).toBe(0);
        const before = sampledFraction(requests, 0, click);
        const on = switchTime(requests, click, revert, true);
        const off = switchTime(requests, revert, Infinity, false);
        env().report(
          `spike from the dialog (payments, poll ${poll} ms): base ${before.toFixed(2)}, click → 100 % in ` +
            `${on === undefined ? 'never' : Math.round(on - click)} ms, revert → base in ` +
            `${off === undefined ? 'never' : Math.round(off - revert)} ms (${requests.length} requests)`
        );
        expect(before).toBeLessThan(0.35);
        expect(on).toBeDefined();
        expect(on! - click).toBeLessThanOrEqual(poll + SPIKE_MARGIN_MS);
        expect(off).toBeDefined();
        expect(off! - revert).toBeLessThanOrEqual(poll + SPIKE_MARGIN_MS);
      } finally {
        await traffic.stop();
      }
    }, 300_000);
  });
}
