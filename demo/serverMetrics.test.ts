/**
 * The demo's HTTP server metrics count every request a route serves, sampled or not — with a sampler that keeps
 * nothing, `GET /metrics` still counts each request — by method, route and status, under the service's name; the
 * scrape itself and the health and fault endpoints are not requests of the service.
 */
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-node';
import { TEST_TUNING } from './testing/inMemoryDemo';
import { type RunningDemo, startDemo } from './stack';

/** `name{labels} value` lines of a Prometheus exposition, as label maps. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const [, labels = '', value = ''] = /^[^{]+\{(.*)\} (\S+)$/.exec(line) ?? [];
      return {
        labels: Object.fromEntries([...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!])),
        value: Number(value),
      };
    });
}

describe('HTTP server metrics of the demo services', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo({
      services: ['fraud'],
      host: '127.0.0.1',
      ports: { gateway: 0, auth: 0, payments: 0, fraud: 0 },
      urls: { gateway: '', auth: '', payments: '', fraud: '' },
      faults: [],
      tuning: TEST_TUNING,
      telemetry: () => ({ sampler: new AlwaysOffSampler(), spanProcessors: [] }),
      logSink: () => undefined,
    });
  });
  afterAll(() => demo.close());

  it('counts every request by route and status although no span was sampled', async () => {
    const score = (body: unknown) =>
      fetch(`${demo.urls.fraud}/score`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.text());
    for (let i = 0; i < 7; i++) {
      await score({ account: 'acct-1', amount: 10 });
    }
    await score('not an object');
    await fetch(`${demo.urls.fraud}/healthz`).then((r) => r.text());
    await fetch(`${demo.urls.fraud}/metrics`).then((r) => r.text());

    const res = await fetch(`${demo.urls.fraud}/metrics`);
    expect(res.status).toBe(200);
    const counts = samples(await res.text(), 'http_server_request_duration_count');
    expect(counts.map((s) => [s.labels.http_route, s.labels.http_response_status_code, s.value]).sort()).toEqual([
      ['/score', '200', 7],
      ['/score', '400', 1],
    ]);
    expect(counts.every((s) => s.labels.service_name === 'fraud' && s.labels.http_request_method === 'POST')).toBe(
      true
    );
  });
});
