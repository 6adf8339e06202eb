/**
 * A sampling spike from the dialog to the backends: the controller stores it under the responder's identity, the
 * services' samplers pick it up — the sampled rate measured in Jaeger is 100 % by the polls that follow the click —,
 * the page's spike check says so, and reverting brings the rate back the same way. How long each switch took is
 * printed, not asserted: on a busy machine the polls come later, and the order of events is what must hold.
 */
import { expect } from '@jest/globals';

import { type PolledService, afterPolls, eventually } from '../stack/backends';
import { RootTraffic, firstRun, sampledFraction, sampledRequests, switchTime } from '../stack/rootTraffic';
import type { Environment } from './environment';
import { auditOf, spikeGone, storedSpike } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
const SEND_EVERY_MS = 100;
/** Requests per phase (base rate, spike, after the revert), counted from the phase's last poll. */
const PHASE_REQUESTS = 30;

export function samplingFlows(env: () => Environment) {
  describe('a sampling spike', () => {
    it('raised from the dialog at 100 % for 5 minutes, reaches the service by its next polls and is reverted', async () => {
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
        const services = () => env().controllerApi<{ services: PolledService[] }>('/services');
        // Each phase lasts a number of requests, not a time: a busy machine makes it longer, never shorter.
        const requestsSince = (from: number) =>
          eventually(`${PHASE_REQUESTS} requests to payments`, async () =>
            traffic.requests.filter((r) => r.sentAt >= from).length >= PHASE_REQUESTS ? true : undefined
          );
        await requestsSince(Date.now()); // a baseline at the base rate
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

        const spikedBy = await afterPolls(services, 'payments');
        await requestsSince(spikedBy);
        // The page's own check of whether the spike took effect (it asks Prometheus' span metrics).
        await page.getByText(/went up/).waitFor({ timeout: 120_000 });
        await page.screenshot({ path: env().screenshot('incident-spike') });

        const revert = Date.now();
        await page.getByRole('button', { name: 'Revert the spike of payments' }).click();
        await spikeGone(env(), 'payments');
        const revertedBy = await afterPolls(services, 'payments');
        await requestsSince(revertedBy);
        await traffic.stop();

        const { requests, strays } = await sampledRequests(stack.urls.jaegerQuery, traffic);
        expect(strays).toBe(0);
        const before = sampledFraction(requests, 0, click);
        // The first of ten sampled in a row (rootTraffic.ts, firstRun); the first unsampled after the revert.
        const on = firstRun(requests, click, revert, true, 10);
        const during = on === undefined ? NaN : sampledFraction(requests, on, revert);
        const off = switchTime(requests, revert, Infinity, false);
        const after = sampledFraction(requests, revertedBy, Infinity);
        const ms = (x: number | undefined, from: number) => (x === undefined ? 'never' : `${Math.round(x - from)} ms`);
        env().report(
          `spike from the dialog (payments, poll ${poll} ms): base ${before.toFixed(2)}, click → 100 % in ` +
            `${ms(on, click)} (3rd poll after it ${ms(spikedBy, click)}), revert → base in ${ms(off, revert)} ` +
            `(3rd poll after it ${ms(revertedBy, revert)}); spike ${during.toFixed(2)}, after ${after.toFixed(2)} ` +
            `(${requests.length} requests)`
        );
        expect(before).toBeLessThan(0.35);
        // 100 % after the click and by the polls that carried the spike, and kept (less a trace lost on its way into
        // Jaeger); back to the base rate by the polls after the revert.
        expect(on).toBeDefined();
        expect(on!).toBeLessThanOrEqual(spikedBy);
        expect(during).toBeGreaterThan(0.9);
        expect(off).toBeDefined();
        expect(off!).toBeLessThanOrEqual(revertedBy);
        expect(after).toBeLessThan(0.35);
      } finally {
        await traffic.stop();
      }
    }, 300_000);
  });
}
