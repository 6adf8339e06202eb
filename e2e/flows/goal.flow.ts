/**
 * A trace goal ending a spike, as the open incident page shows it (issue 28): with gateway spiked to 100 % upstream,
 * a spike of fraud "stop after GOAL traces" raised from the dialog ends on the controller once the traces that start
 * at fraud reach the goal (e2e/stack/spikeGoal.test.ts proves the count), and the page — never reloaded — moves it
 * from the active spikes to the ended ones with "goal reached" and the count. The delay from the controller's end to
 * the page showing it is printed against the page's refresh interval, not asserted.
 */
import { expect } from '@jest/globals';

import type { Override } from '../../src/contract';
import { controllerCall, eventually } from '../stack/backends';
import { RootTraffic } from '../stack/rootTraffic';
import type { Environment } from './environment';
import { steadyCheckouts } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
const GOAL = 20;
const REASON = 'INC-31 fraud scores wrong: 20 traces';
/** Screenings straight to fraud, one at a time: every one starts a trace at fraud. */
const SCREENING_EVERY_MS = 200;
const CHECKOUTS_PER_SECOND = 2;

export function goalFlows(env: () => Environment) {
  describe('a spike with a trace goal', () => {
    it('ends by its goal while gateway is spiked, and the open page shows "goal reached" without a reload', async () => {
      const { stack } = env();
      const upstream = await controllerCall<Override>(stack, 'POST', '/overrides', {
        body: { service: 'gateway', samplingRate: 1, durationSeconds: 600, reason: 'e2e: gateway kept upstream' },
      });
      const screenings = new RootTraffic({
        service: 'fraud',
        operation: 'POST /score',
        url: `${stack.urls.demo.fraud}/score`,
        body: { user: 'user-1', account: 'acct-3', amount: 42 },
      });
      const load = steadyCheckouts(stack.urls.demo.gateway, CHECKOUTS_PER_SECOND);
      screenings.start(SCREENING_EVERY_MS);
      let fraud: Override | undefined;
      try {
        const page = await env().browser.open('editor', `${INCIDENT}?from=now-15m&to=now`);
        await page
          .getByRole('table', { name: 'Sampling by service' })
          .getByRole('button', { name: 'Raise sampling for fraud' })
          .click();
        const dialog = page.getByRole('dialog', { name: 'Raise sampling' });
        await dialog.getByRole('textbox', { name: /^Rate/ }).fill('100');
        await dialog.getByRole('textbox', { name: /^Duration/ }).fill('10');
        await dialog.getByRole('textbox', { name: /^Stop after traces/ }).fill(String(GOAL));
        await dialog.getByRole('textbox', { name: /^Reason/ }).fill(REASON);
        // A mark in the page's own window: a reload would lose it.
        await page.evaluate(() => Object.assign(window, { goalFlowMark: true }));
        await dialog.getByRole('button', { name: 'Raise sampling' }).click();
        await dialog.waitFor({ state: 'detached' });
        const active = page.getByRole('table', { name: 'Active spikes' }).getByRole('row', { name: /^fraud/ });
        const running = active.filter({ hasText: `once ${GOAL} traces are recorded` });
        await running.waitFor({ timeout: 60_000 });
        await running.scrollIntoViewIfNeeded();
        await page.screenshot({ path: env().screenshot('goal-running') });

        // Watched from now on, so the moment the page shows the end is not the moment the controller was asked.
        const endedRow = page
          .getByRole('table', { name: 'Ended spikes' })
          .getByRole('row')
          .filter({ hasText: REASON })
          .filter({ hasText: 'goal reached' });
        const shown = endedRow.waitFor({ timeout: 300_000 }).then(() => Date.now());
        shown.catch(() => {});
        fraud = await eventually(
          'the fraud spike ended by its goal',
          async () => {
            const all = await controllerCall<{ overrides: Override[] }>(stack, 'GET', '/overrides?state=all');
            const o = all.overrides.find((x) => x.service === 'fraud' && x.reason === REASON);
            return o && !o.active ? o : undefined;
          },
          { timeoutMs: 300_000, intervalMs: 250 }
        );
        const shownAt = await shown;
        expect(fraud.goal?.reachedAt).toBeDefined();
        const counted = fraud.goal!.traces!;
        expect(counted).toBeGreaterThanOrEqual(GOAL);
        expect(await endedRow.innerText()).toContain(`goal reached: ${counted} traces (goal ${GOAL})`);
        // Moved out of the running ones, in the same page.
        await expect(active.count()).resolves.toBe(0);
        await expect(page.evaluate(() => 'goalFlowMark' in window)).resolves.toBe(true);
        await endedRow.scrollIntoViewIfNeeded();
        await page.screenshot({ path: env().screenshot('goal-reached') });
        env().report(
          `fraud spike "stop after ${GOAL} traces" (gateway at 100 % upstream): ended by its goal with ${counted} ` +
            `counted ${Math.round((Date.parse(fraud.goal!.reachedAt!) - Date.parse(fraud.createdAt)) / 1000)} s ` +
            `after it was raised; the open page showed "goal reached" ${shownAt - Date.parse(fraud.goal!.reachedAt!)} ms ` +
            `after the controller's end (samplers' poll interval ${stack.pollIntervalMs} ms)`
        );
      } finally {
        await Promise.all([screenings.stop(), load.stop()]);
        const left = (await controllerCall<{ overrides: Override[] }>(stack, 'GET', '/overrides')).overrides;
        for (const o of left.filter((x) => x.id === upstream.id || x.reason === REASON)) {
          await controllerCall(stack, 'POST', `/overrides/${o.id}/revert`, { body: { reason: 'e2e done' } });
        }
      }
    }, 600_000);
  });
}
