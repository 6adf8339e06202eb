/**
 * The RED overview of the services in scope, from the spans that serve their requests (server and consumer): the
 * request rate from a source sampling does not change where there is one (`requestRates.ts`), error ratio and p95
 * latency from span metrics (either flavour), per service over the time range, as series for sparklines and a
 * latest value.
 */
import { REQUEST_SPAN_KINDS, type Scope, promErrorRatio, promLatencyQuantile } from '../../queries';
import { type RateSeries, type RequestRateSources, loadRequestRates, valuesByService } from './requestRates';

export interface ServiceSeries {
  values: Array<number | null>;
  latest?: number;
}

export interface ServiceOverview {
  service: string;
  /** Requests per second, with where the figure comes from (`rateSource.ts`). */
  rate: RateSeries;
  errorRatio: ServiceSeries;
  /** Seconds. */
  p95: ServiceSeries;
}

/** The window of every rate the overview shows: a figure holds the traffic of the 5 minutes before its time. */
export const RATE_WINDOW_SECONDS = 300;
const POINTS = 60;

export async function loadServiceOverview(
  sources: RequestRateSources,
  scope: Scope,
  start: number,
  end: number,
  signal?: AbortSignal
): Promise<ServiceOverview[]> {
  const { prometheus, flavour } = sources;
  const step = Math.max(15, Math.ceil((end - start) / POINTS));
  const first = Math.ceil(start / step) * step;
  const timestamps: number[] = [];
  for (let t = first; t <= end; t += step) {
    timestamps.push(t);
  }
  // Error ratios and latency quantiles are not changed by uniform sampling: span metrics of the request spans.
  const q = {
    scope,
    rangeSeconds: RATE_WINDOW_SECONDS,
    by: ['service'] as const,
    flavour,
    spanKind: REQUEST_SPAN_KINDS,
  };
  const range = { start: first, end, step };
  const [rates, errors, p95] = await Promise.all([
    loadRequestRates(sources, scope, range, timestamps, RATE_WINDOW_SECONDS, signal),
    prometheus.queryRange(promErrorRatio(q), range, { signal }),
    prometheus.queryRange(promLatencyQuantile({ ...q, quantile: 0.95 }), range, { signal }),
  ]);
  const errorRatios = valuesByService(errors.result, timestamps);
  const latencies = valuesByService(p95.result, timestamps);
  const empty: ServiceSeries = { values: [] };
  return [...rates.keys()].sort().map((service) => ({
    service,
    rate: rates.get(service)!,
    errorRatio: errorRatios.get(service) ?? empty,
    p95: latencies.get(service) ?? empty,
  }));
}
