/**
 * The latency baseline rule (`promLatencyBaseline`, `src/analysis/baselines.ts`) against a real Prometheus
 * (Debian's) holding a recorded history shaped like the demo's `slowLedgerShard`: a statement at ~25 ms for hours,
 * then for the last 40 minutes a third of its calls at ~400 ms. The median of the 5-minute p99s over the day
 * keeps the statement's own latency; the p99 of the window before a 15-minute range — the rule it replaces — and
 * the median over a lookback the fault has filled for more than half have both risen to the fault.
 */
import { BASELINE_RULE, baselineKey, baselinesFromPrometheus } from '../../src/analysis';
import { createPrometheusClient } from '../../src/clients';
import { promLatencyBaseline, promLatencyQuantile, scopeOf } from '../../src/queries';
import { describeWithPrometheus, startPrometheus, type RunningProcess } from '../controller/support/prometheus';

const BUCKETS = ['0.025', '0.1', '0.5', '1', '+Inf'] as const;
const STEP_SECONDS = 15;
/** An anchor well before the head block, so the history is read from the blocks promtool writes. */
const END = Math.floor(Date.now() / 3_600_000) * 3600 - 6 * 3600;
const FAULT_START = END - 40 * 60;
const KEY = baselineKey('payments', 'SELECT ledger_entries');

/** Per step, 10 calls added to the cumulative buckets: all under 25 ms, or during the fault 3 of 10 at 100–500 ms. */
const NORMAL = [10, 10, 10, 10, 10];
const FAULTY = [7, 7, 10, 10, 10];

function history(from: number): string {
  const labels = 'service="payments",span_name="SELECT ledger_entries"';
  const counts = BUCKETS.map(() => 0);
  const lines: string[] = [];
  for (let t = from; t <= END; t += STEP_SECONDS) {
    (t <= FAULT_START ? NORMAL : FAULTY).forEach((added, i) => (counts[i]! += added));
    BUCKETS.forEach((le, i) => lines.push(`traces_spanmetrics_latency_bucket{${labels},le="${le}"} ${counts[i]} ${t}`));
    lines.push(`traces_spanmetrics_latency_count{${labels}} ${counts[4]} ${t}`);
    lines.push(`traces_spanmetrics_latency_sum{${labels}} ${counts[4]} ${t}`);
  }
  return lines.join('\n');
}

const HISTORY = ['# TYPE traces_spanmetrics_latency histogram', history(END - 3 * 3600), '# EOF', ''].join('\n');

jest.setTimeout(90_000);

describeWithPrometheus('the latency baseline rule', () => {
  let prom: RunningProcess;
  beforeAll(async () => {
    prom = await startPrometheus({ targets: [], history: HISTORY });
  });
  afterAll(() => prom?.stop());

  const scope = scopeOf(['payments']);
  const client = () => createPrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 });
  const baselineAt = async (lookbackSeconds: number) => {
    const query = promLatencyBaseline({ ...BASELINE_RULE, scope, lookbackSeconds });
    const { result } = await client().queryRange(query, { start: END, end: END, step: BASELINE_RULE.anchorSeconds });
    return baselinesFromPrometheus(result).get(END)?.get(KEY);
  };

  it('keeps the statement’s own p99 while the fault has run for 40 minutes, and says what the lookback held', async () => {
    const baseline = await baselineAt(BASELINE_RULE.lookbackSeconds);
    expect(baseline?.p99Ms).toBeCloseTo(24.75, 1); // 0.99 of the way through the 0–25 ms bucket
    expect(baseline?.worstP99Ms).toBeCloseTo(486.7, 0); // 100 ms + (9.9 − 7) / 3 × 400 ms
    // A 5-minute window a minute, from the first with two samples to the anchor: about three hours of them.
    expect(baseline?.windows).toBeGreaterThanOrEqual(170);
    expect(baseline?.windows).toBeLessThanOrEqual(181);
    // 40 calls a minute for three hours.
    expect(baseline?.requests).toBeGreaterThan(7100);
    expect(baseline?.requests).toBeLessThan(7300);
  });

  it('is needed: the p99 of the window before a 15-minute range has risen to the fault', async () => {
    const query = promLatencyQuantile({ scope, rangeSeconds: 900, offsetSeconds: 900, quantile: 0.99 });
    const result = await client().query(query, { time: END });
    const [sample] = result.resultType === 'vector' ? result.result : [];
    expect(Number(sample?.value[1]) * 1000).toBeCloseTo(486.7, 0);
  });

  it('rises too once the fault fills more than half of the lookback', async () => {
    const baseline = await baselineAt(3600);
    expect(baseline?.p99Ms).toBeCloseTo(486.7, 0);
  });
});
