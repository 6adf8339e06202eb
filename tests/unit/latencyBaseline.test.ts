/**
 * The incident page's latency baseline (`promLatencyBaseline`) against a real Prometheus (Debian's) holding a
 * recorded history: an operation that turned slow in the range keeps the p99 it had before, and an operation
 * first seen in the range is judged against the range itself. The plain p99 over the range, for comparison, has
 * already moved to the incident's latency.
 */
import { baselineKey, baselinesFromPrometheus } from '../../src/analysis';
import { createPrometheusClient } from '../../src/clients';
import { promLatencyBaseline, promLatencyQuantile, scopeOf } from '../../src/queries';
import { describeWithPrometheus, startPrometheus, type RunningProcess } from '../controller/support/prometheus';

const BUCKETS = ['0.1', '0.5', '1', '+Inf'] as const;
const RANGE_SECONDS = 900;
const STEP_SECONDS = 15;
/** Well before the head block, so the history is read from the blocks promtool writes. */
const END = Math.floor(Date.now() / 60_000) * 60 - 6 * 3600;

/**
 * One operation's histogram as OpenMetrics samples from `from` to END, each step adding 10 requests to the
 * buckets `perStep(t)` says (cumulative counts per bucket, in `BUCKETS` order).
 */
function history(spanName: string, from: number, perStep: (t: number) => readonly number[]): string {
  const labels = `service="checkout",span_name="${spanName}"`;
  const counts = BUCKETS.map(() => 0);
  const lines: string[] = [];
  for (let t = from; t <= END; t += STEP_SECONDS) {
    perStep(t).forEach((added, i) => (counts[i]! += added));
    BUCKETS.forEach((le, i) => lines.push(`traces_spanmetrics_latency_bucket{${labels},le="${le}"} ${counts[i]} ${t}`));
    lines.push(`traces_spanmetrics_latency_count{${labels}} ${counts[3]} ${t}`);
    lines.push(`traces_spanmetrics_latency_sum{${labels}} ${counts[3]} ${t}`);
  }
  return lines.join('\n');
}

const incidentStart = END - RANGE_SECONDS;
const HISTORY = [
  '# TYPE traces_spanmetrics_latency histogram',
  // Under 100 ms for the half hour before the incident, then between 0.5 and 1 s.
  history('GET /cart', END - 2400, (t) => (t <= incidentStart ? [10, 10, 10, 10] : [0, 0, 10, 10])),
  // First called during the incident, between 0.1 and 0.5 s.
  history('GET /coupon', incidentStart + 60, () => [0, 10, 10, 10]),
  '# EOF',
  '',
].join('\n');

jest.setTimeout(90_000);

describeWithPrometheus('the latency baseline of an incident', () => {
  let prom: RunningProcess;
  beforeAll(async () => {
    prom = await startPrometheus({ targets: [], history: HISTORY });
  });
  afterAll(() => prom?.stop());

  const p99s = async (query: string) => {
    const prometheus = createPrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 });
    const result = await prometheus.query(query, { time: END });
    const baselines = baselinesFromPrometheus(result.resultType === 'vector' ? result.result : []);
    return {
      cart: baselines.get(baselineKey('checkout', 'GET /cart')),
      coupon: baselines.get(baselineKey('checkout', 'GET /coupon')),
    };
  };
  const p99 = { scope: scopeOf(['checkout']), rangeSeconds: RANGE_SECONDS, quantile: 0.99 } as const;

  it('keeps the p99 from before the range, and takes the range itself only for an operation new in it', async () => {
    const { cart, coupon } = await p99s(promLatencyBaseline(p99));
    expect(cart).toBeCloseTo(99, 0); // 0.99 of the way through the 0–100 ms bucket
    expect(coupon).toBeCloseTo(496, 0); // 100 ms + 0.99 × 400 ms
  });

  it('is needed: the p99 over the range has already risen to the incident', async () => {
    const { cart } = await p99s(promLatencyQuantile(p99));
    expect(cart).toBeCloseTo(995, 0);
  });
});
