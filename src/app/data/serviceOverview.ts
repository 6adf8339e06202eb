/**
 * The RED overview of the services in scope from span metrics (either flavour): request rate, error ratio
 * and p95 latency per service over the time range, as series for sparklines and a latest value.
 */
import type { PromMatrixSeries, PrometheusClient } from '../../clients';
import {
  type Scope,
  type SpanMetricsFlavour,
  promErrorRatio,
  promLatencyQuantile,
  promRequestRate,
} from '../../queries';

export interface ServiceSeries {
  values: Array<number | null>;
  latest?: number;
}

export interface ServiceOverview {
  service: string;
  rate: ServiceSeries;
  errorRatio: ServiceSeries;
  /** Seconds. */
  p95: ServiceSeries;
}

const RATE_WINDOW_SECONDS = 300;
const POINTS = 60;

function byService(series: readonly PromMatrixSeries[], timestamps: readonly number[]): Map<string, ServiceSeries> {
  const out = new Map<string, ServiceSeries>();
  for (const s of series) {
    const service = s.metric.service;
    if (service === undefined) {
      continue;
    }
    const at = new Map(s.values.map(([t, v]) => [t, Number(v)]));
    const values = timestamps.map((t) => {
      const v = at.get(t);
      return v === undefined || !Number.isFinite(v) ? null : v;
    });
    const latest = [...values].reverse().find((v): v is number => v !== null);
    out.set(service, { values, latest });
  }
  return out;
}

export async function loadServiceOverview(
  prometheus: PrometheusClient,
  scope: Scope,
  start: number,
  end: number,
  signal?: AbortSignal,
  flavour?: SpanMetricsFlavour
): Promise<ServiceOverview[]> {
  const step = Math.max(15, Math.ceil((end - start) / POINTS));
  const first = Math.ceil(start / step) * step;
  const timestamps: number[] = [];
  for (let t = first; t <= end; t += step) {
    timestamps.push(t);
  }
  const q = { scope, rangeSeconds: RATE_WINDOW_SECONDS, by: ['service'] as const, flavour };
  const range = { start: first, end, step };
  const [rate, errors, p95] = await Promise.all([
    prometheus.queryRange(promRequestRate(q), range, { signal }),
    prometheus.queryRange(promErrorRatio(q), range, { signal }),
    prometheus.queryRange(promLatencyQuantile({ ...q, quantile: 0.95 }), range, { signal }),
  ]);
  const rates = byService(rate.result, timestamps);
  const errorRatios = byService(errors.result, timestamps);
  const latencies = byService(p95.result, timestamps);
  const empty: ServiceSeries = { values: [] };
  return [...rates.keys()].sort().map((service) => ({
    service,
    rate: rates.get(service) ?? empty,
    errorRatio: errorRatios.get(service) ?? empty,
    p95: latencies.get(service) ?? empty,
  }));
}
