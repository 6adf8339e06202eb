/**
 * A backend goes away or slows down: the page keeps what still works, names what is down, and never turns a slow
 * answer into a stream of repeated requests.
 */
import { expect } from '@jest/globals';

import type { Environment } from './environment';

const INCIDENT = '/a/seed-tracingops-app/incident';

/** A request path without the parameters that carry a time range (Jaeger's v1 and v3 APIs, Tempo's search). */
function withoutTimeRange(path: string): string {
  const url = new URL(path, 'http://backend');
  for (const name of ['start', 'end', 'query.start_time_min', 'query.start_time_max']) {
    url.searchParams.delete(name);
  }
  return `${url.pathname}?${url.searchParams}`;
}

export function outageFlows(env: () => Environment) {
  describe('when a backend is down or slow', () => {
    it('keeps the service overview when the controller is down, and says the sampling controller is unreachable', async () => {
      await env().stopComponent('controller');
      try {
        const page = await env().browser.open('editor', INCIDENT);
        const sampling = page.getByRole('alert', { name: /Sampling: failed/ });
        await sampling.waitFor();
        expect(await sampling.textContent()).toContain('Sampling controller answered 502');
        // The rest of the page still loads from Prometheus.
        await page.getByRole('heading', { name: 'Service overview' }).waitFor();
        expect(await page.getByRole('alert').filter({ hasText: 'Service overview: failed' }).count()).toBe(0);
      } finally {
        await env().startComponent('controller');
      }
    });

    it('names the Prometheus data source when Prometheus is down', async () => {
      await env().stopComponent('prometheus');
      try {
        const page = await env().browser.open('editor', INCIDENT);
        const failed = page.getByRole('alert').filter({ hasText: 'Service overview: failed' });
        await failed.waitFor();
        expect(await failed.textContent()).toContain(env().dataSourceName('prometheus'));
        // Sampling comes from the controller and stays usable.
        await page.getByRole('table', { name: 'Sampling by service' }).waitFor();
      } finally {
        await env().startComponent('prometheus');
      }
    });

    it('asks a slow trace backend once per load, however long it takes to answer', async () => {
      const traces = env().tracesDataSourceUid;
      env().host.delayDataSource(traces, 6000);
      try {
        const since = Date.now();
        const page = await env().browser.open('editor', INCIDENT);
        // Long enough for several re-renders (Prometheus, the controller, the scope) while the search is out.
        await page.waitForTimeout(15_000);
        // The same request with only its time range moved is the refetch loop; different searches are fine.
        const asked = env()
          .host.requests.filter((r) => r.kind === 'datasource' && r.target === traces && r.at >= since)
          .map((r) => withoutTimeRange(r.path));
        expect(asked.length).toBeGreaterThan(0);
        expect(asked.filter((path, i) => asked.indexOf(path) !== i)).toEqual([]);
      } finally {
        env().host.delayDataSource(traces, 0);
      }
    });
  });
}
