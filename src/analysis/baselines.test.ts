import {
  BASELINE_RULE,
  baselineAnchor,
  baselineCaveats,
  baselineKey,
  baselinesFromPrometheus,
  p99sOf,
} from './baselines';

const series = (baseline: string, values: Array<[number, string]>, operation = 'POST /charge') => ({
  metric: { service: 'payments', span_name: operation, baseline },
  values,
});

describe('baselinesFromPrometheus', () => {
  it('reads each statistic by anchor, latencies in milliseconds', () => {
    const byAnchor = baselinesFromPrometheus([
      series('p99', [
        [1800, '0.02'],
        [2100, '0.025'],
      ]),
      series('worst', [[1800, '0.755']]),
      series('windows', [[1800, '240']]),
      series('requests', [[1800, '14399.6']]),
    ]);
    expect([...byAnchor.keys()]).toEqual([1800, 2100]);
    expect(byAnchor.get(1800)?.get(baselineKey('payments', 'POST /charge'))).toEqual({
      p99Ms: 20,
      worstP99Ms: 755,
      windows: 240,
      requests: 14400,
    });
    expect(p99sOf(byAnchor.get(2100)!)).toEqual(new Map([[baselineKey('payments', 'POST /charge'), 25]]));
  });

  it('has no baseline where the p99 is missing, NaN or infinite, nor for unlabelled series', () => {
    const byAnchor = baselinesFromPrometheus([
      series('p99', [[1800, 'NaN']], 'idle'),
      series('requests', [[1800, '0']], 'idle'),
      series('requests', [[1800, '12']], 'no p99'),
      series('p99', [[1800, '+Inf']], 'POST /score'),
      { metric: { service: 'payments', baseline: 'p99' }, values: [[1800, '1']] },
    ]);
    expect([...(byAnchor.get(1800) ?? [])]).toEqual([]);
  });
});

describe('baselineAnchor', () => {
  it('rounds a trace’s start down to the anchor step, so every way of opening it finds the same baseline', () => {
    const step = BASELINE_RULE.anchorSeconds;
    expect(baselineAnchor(step * 1000 * 7)).toBe(step * 7);
    expect(baselineAnchor(step * 1000 * 8 - 1)).toBe(step * 7);
  });
});

describe('baselineCaveats', () => {
  it('calls a baseline thin under 100 requests or an hour of windows with traffic', () => {
    expect(baselineCaveats({ p99Ms: 20, requests: 99, windows: 600 }, 2)).toEqual(['thin']);
    expect(baselineCaveats({ p99Ms: 20, requests: 5000, windows: 59 }, 2)).toEqual(['thin']);
    expect(baselineCaveats({ p99Ms: 20, requests: 100, windows: 60 }, 2)).toEqual([]);
  });

  it('says when the lookback holds a stretch the slow rule would call slow', () => {
    expect(baselineCaveats({ p99Ms: 20, worstP99Ms: 755, requests: 5000, windows: 600 }, 2)).toEqual(['slower-period']);
    expect(baselineCaveats({ p99Ms: 20, worstP99Ms: 40, requests: 5000, windows: 600 }, 2)).toEqual([]);
  });
});
