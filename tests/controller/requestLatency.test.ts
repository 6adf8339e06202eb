/**
 * The request-latency histogram counts in its own arrays; Prometheus must not see a difference: the exposition is
 * compared with prom-client's own histogram fed the same observations.
 */
import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';
import { RequestLatencyHistogram } from '../../src/controller/requestLatency';

const CONFIG = {
  name: 'tracingops_http_request_duration_seconds',
  help: 'HTTP request latency by route, method and status code.',
  labelNames: ['route', 'method', 'status_code'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
};

/** Durations on, between and beyond the bucket bounds, for two routes and two statuses. */
const OBSERVATIONS: Array<[string, string, number, number]> = [
  ...[0, 0.0001, 0.0005, 0.0007, 0.001, 0.003, 0.01, 0.2, 0.5, 0.99, 1, 1.5, 30].map(
    (s): [string, string, number, number] => ['/sampling', 'GET', 200, s]
  ),
  ['/sampling', 'GET', 400, 0.002],
  ['/api/v1/overrides', 'POST', 201, 0.04],
  ['/api/v1/overrides', 'POST', 201, 0.0004],
];

describe('the request-latency histogram', () => {
  it('exposes exactly what prom-client’s histogram exposes for the same observations', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new RequestLatencyHistogram({ ...CONFIG, labelNames: [...CONFIG.labelNames], registers: [ours] });
    const reference = new Histogram({ ...CONFIG, labelNames: [...CONFIG.labelNames], registers: [theirs] });
    for (const [route, method, status, seconds] of OBSERVATIONS) {
      fast.record(route, method, status, seconds);
      reference.observe({ route, method, status_code: String(status) }, seconds);
    }
    const exposition = await ours.metrics();
    expect(exposition).toBe(await theirs.metrics());
    expect(exposition).toContain(
      'tracingops_http_request_duration_seconds_count{route="/sampling",method="GET",status_code="200"} 13'
    );
    const json = async (registry: Registry) => JSON.parse(JSON.stringify(await registry.getMetricsAsJSON())) as unknown;
    expect(await json(ours)).toEqual(await json(theirs));
  });

  it('forgets its observations when the registry is reset', async () => {
    const registry = new Registry();
    const fast = new RequestLatencyHistogram({ ...CONFIG, labelNames: [...CONFIG.labelNames], registers: [registry] });
    fast.record('/sampling', 'GET', 200, 0.001);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('_count');
  });
});
