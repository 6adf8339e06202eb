/**
 * A newcomer's first visit, every backend up: the incident page as an Editor and the settings with Test connection
 * as an Admin leave nothing in the browser's console — no failed request (fonts, icons, the health check), no
 * error, no warning — but Jaeger's 404 for a v3 search that found no traces, which the app reads as no traces.
 */
import { expect } from '@jest/globals';

import type { Environment } from './environment';
import { jaegerEmptySearch, watchPageProblems } from './pageProblems';

const INCIDENT = '/a/seed-tracingops-app/incident';
const SETTINGS = '/plugins/seed-tracingops-app';

export function firstVisitFlows(env: () => Environment) {
  describe('a first visit', () => {
    it('leaves nothing in the console on the incident page and the settings', async () => {
      const { browser } = env();
      const page = await browser.open('editor', '/');
      const problems = watchPageProblems(page, [jaegerEmptySearch(env().tracesDataSourceUid)]);
      try {
        await page.goto(`${env().host.url}${INCIDENT}`);
        await page.getByRole('table', { name: 'Sampling by service' }).waitFor({ timeout: 60_000 });
        await page.waitForLoadState('networkidle');

        const settings = await browser.open('admin', SETTINGS);
        expect(settings).toBe(page);
        await page.getByRole('button', { name: 'Test connection' }).click();
        await page.getByRole('list', { name: 'Connection test results' }).waitFor();
        await page.waitForLoadState('networkidle');
      } finally {
        problems.stop();
      }
      expect(problems.seen).toEqual([]);
    });
  });
}
