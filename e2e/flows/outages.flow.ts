/**
 * A backend goes away or slows down: the page keeps what still works, names what is down, and never turns a slow
 * answer into a stream of repeated requests.
 */
import { expect } from '@jest/globals';

import type { Environment } from './environment';

const INCIDENT = '/a/seed-tracingops-app/incident';

const TIME_PARAMS = ['start', 'end', 'query.start_time_min', 'query.start_time_max'];

/** A time parameter in ms, whatever the API wrote: RFC 3339, or epoch seconds, ms or µs. */
function toMs(value: string): number {
  if (!/^\d+$/.test(value)) {
    return Date.parse(value);
  }
  const n = Number(value);
  return n > 1e14 ? n / 1000 : n > 1e11 ? n : n * 1000;
}

/** A request to a trace backend: what it asks apart from the time range, and that range (all time if none). */
function question(path: string): { key: string; from: number; to: number } {
  const url = new URL(path, 'http://backend');
  const times = TIME_PARAMS.map((name) => url.searchParams.get(name));
  for (const name of TIME_PARAMS) {
    url.searchParams.delete(name);
  }
  const [start, end, min, max] = times;
  const from = start ?? min;
  const to = end ?? max;
  return {
    key: `${url.pathname}?${url.searchParams}`,
    from: from ? toMs(from) : -Infinity,
    to: to ? toMs(to) : Infinity,
  };
}

/**
 * Requests that ask again what an earlier one asked: the same question over an overlapping time range (a refetch
 * whose `now` moved). Searches over adjacent slices of the range ask the same question over different times.
 */
function repeated(paths: string[]): string[] {
  const asked = paths.map(question);
  return paths.filter((_, i) =>
    asked.some((a, j) => j < i && a.key === asked[i]!.key && a.from < asked[i]!.to && asked[i]!.from < a.to)
  );
}

export function outageFlows(env: () => Environment) {
  describe('when a backend is down or slow', () => {
    it('keeps the service overview when the controller is down, and says the sampling controller is unreachable', async () => {
      await env().stopComponent('controller');
      try {
        const page = await env().browser.open('editor', INCIDENT);
        const sampling = page.getByRole('alert', { name: /Sampling: failed/ });
        await sampling.waitFor();
        expect(await sampling.textContent()).toMatch(/Sampling controller .*answered HTTP 502/);
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
        const asked = env()
          .host.requests.filter((r) => r.kind === 'datasource' && r.target === traces && r.at >= since)
          .map((r) => r.path);
        expect(asked.length).toBeGreaterThan(0);
        expect(repeated(asked)).toEqual([]);
      } finally {
        env().host.delayDataSource(traces, 0);
      }
    });
  });
}
