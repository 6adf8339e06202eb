/**
 * Latency baselines for the `slow` rule: per service and operation, the p99 a span is judged against, and what a
 * responder needs to weigh it — how many requests and minutes of traffic it rests on, and whether the stretch it
 * was drawn from held a slower period.
 *
 * The rule (docs/decisions.md "Latency baselines"): a trace is judged at its **anchor**, its start rounded down to
 * `BASELINE_RULE.anchorSeconds`, against the **median of the 5-minute p99s over the 24 hours before the anchor**
 * (`promLatencyBaseline` in `src/queries`). The anchor depends on the trace alone, so the same trace gets the same
 * baseline whichever way it is opened; the median is not raised by an incident until the incident has lasted half
 * the lookback, where a p99 over a window the incident has reached hides any fault over 1 % of the traffic.
 */

/** The baseline rule's windows, in seconds. */
export const BASELINE_RULE = Object.freeze({
  /** How far back from the anchor the baseline looks. */
  lookbackSeconds: 24 * 3600,
  /** The windows whose p99s are taken. */
  windowSeconds: 300,
  /** How often a window's p99 is sampled over the lookback. */
  stepSeconds: 60,
  /** Anchors are multiples of this, so the traces of five minutes share one baseline. */
  anchorSeconds: 300,
});

/** Fewer requests than this make a p99 the maximum of what was seen, not a percentile. */
export const THIN_BASELINE_REQUESTS = 100;
/** Fewer sampled windows with traffic than this (an hour) make the median a guess at the day's p99. */
const THIN_BASELINE_WINDOWS = 60;

/** p99 in milliseconds by `baselineKey(service, operation)`: what the `slow` rule reads. */
export type Baselines = ReadonlyMap<string, number>;

export function baselineKey(service: string, operation: string): string {
  return `${service}\u0000${operation}`;
}

/** One operation's baseline, in milliseconds. */
export interface LatencyBaseline {
  /** What the `slow` rule compares with: the median of the 5-minute p99s over the lookback. */
  readonly p99Ms: number;
  /** The highest 5-minute p99 over the lookback. */
  readonly worstP99Ms?: number;
  /** Sampled 5-minute windows with traffic (one a minute). */
  readonly windows?: number;
  /** Requests in the lookback (the histogram's count). */
  readonly requests?: number;
}

/** The baselines of one anchor, by `baselineKey`. */
export type LatencyBaselines = ReadonlyMap<string, LatencyBaseline>;

/** Unix seconds of the anchor a trace starting at `startUnixMs` is judged at. */
export function baselineAnchor(startUnixMs: number): number {
  const { anchorSeconds } = BASELINE_RULE;
  return Math.floor(startUnixMs / 1000 / anchorSeconds) * anchorSeconds;
}

export function p99sOf(baselines: LatencyBaselines): Baselines {
  return new Map([...baselines].map(([key, baseline]) => [key, baseline.p99Ms]));
}

/** One series of a Prometheus range query (`data.result[i]` of `/api/v1/query_range`). */
export interface PrometheusMatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<readonly [number, string]>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The baselines by anchor from the series `promLatencyBaseline` answers (statistic under the `baseline` label,
 * latencies in seconds). An operation without a usable p99 at an anchor (NaN, Inf, not positive: no traffic) has no
 * baseline there — no baseline beats a wrong one — and its other statistics are dropped with it.
 */
export function baselinesFromPrometheus(series: readonly PrometheusMatrixSeries[]): Map<number, LatencyBaselines> {
  const byAnchor = new Map<number, Map<string, Mutable<LatencyBaseline>>>();
  for (const { metric, values } of series) {
    const { service, span_name: operation, baseline: statistic } = metric;
    if (service === undefined || operation === undefined) {
      continue;
    }
    for (const [time, text] of values) {
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0) {
        continue;
      }
      const anchor = byAnchor.get(time) ?? new Map<string, Mutable<LatencyBaseline>>();
      byAnchor.set(time, anchor);
      const key = baselineKey(service, operation);
      const entry = anchor.get(key) ?? { p99Ms: Number.NaN };
      anchor.set(key, entry);
      if (statistic === 'p99') {
        entry.p99Ms = value * 1000;
      } else if (statistic === 'worst') {
        entry.worstP99Ms = value * 1000;
      } else if (statistic === 'windows') {
        entry.windows = value;
      } else if (statistic === 'requests') {
        entry.requests = Math.round(value);
      }
    }
  }
  for (const anchor of byAnchor.values()) {
    for (const [key, entry] of anchor) {
      if (!(entry.p99Ms > 0)) {
        anchor.delete(key);
      }
    }
  }
  return byAnchor;
}

/** What makes a baseline worth a second look before trusting a verdict on it. */
export type BaselineCaveat =
  /** Fewer than `THIN_BASELINE_REQUESTS` requests or `THIN_BASELINE_WINDOWS` windows with traffic. */
  | 'thin'
  /** The lookback holds a 5-minute stretch whose p99 the `slow` rule would itself call slow: a recent anomaly. */
  | 'slower-period';

export function baselineCaveats(baseline: LatencyBaseline, slowFactor: number): BaselineCaveat[] {
  const caveats: BaselineCaveat[] = [];
  if (
    (baseline.requests !== undefined && baseline.requests < THIN_BASELINE_REQUESTS) ||
    (baseline.windows !== undefined && baseline.windows < THIN_BASELINE_WINDOWS)
  ) {
    caveats.push('thin');
  }
  if (baseline.worstP99Ms !== undefined && baseline.worstP99Ms > slowFactor * baseline.p99Ms) {
    caveats.push('slower-period');
  }
  return caveats;
}
