/**
 * Request rates by service over a time range from a source sampling does not change, best first per service: its
 * own HTTP server metrics (SDK, never sampled); else span metrics of its request spans (server and consumer)
 * corrected by the controller's sampling history; else those span metrics as they are, labelled as sampled spans.
 */
import type { PromMatrixSeries, PrometheusClient } from '../../clients';
import type { SamplingHistory } from '../../contract';
import {
  REQUEST_SPAN_KINDS,
  type Scope,
  type SdkRequestMetrics,
  type SpanMetricsFlavour,
  promRequestRate,
  promSdkRequestRate,
} from '../../queries';
import { mapLimited } from './mapLimited';
import type { RateSource } from './rateSource';
import { correctedRates } from './samplingCorrection';

export interface RateSeries {
  /** One per timestamp; null where there is no value. */
  values: Array<number | null>;
  latest?: number;
  source: RateSource;
}

export interface RequestRateSources {
  prometheus: PrometheusClient;
  flavour?: SpanMetricsFlavour;
  /** The SDK metrics Prometheus holds, if any (`sdkRequestMetrics`). */
  sdk?: SdkRequestMetrics;
  /** The controller's sampling history of a service (times in unix milliseconds), if there is a controller. */
  history?: (service: string, fromMs: number, toMs: number, signal?: AbortSignal) => Promise<SamplingHistory>;
}

/** Histories asked for at once: one request per service. */
const HISTORY_CONCURRENCY = 4;

/** A range result as one value per timestamp for each service (`service` label), and its latest value. */
export function valuesByService(
  series: readonly PromMatrixSeries[],
  timestamps: readonly number[]
): Map<string, { values: Array<number | null>; latest?: number }> {
  const out = new Map<string, { values: Array<number | null>; latest?: number }>();
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
    out.set(service, { values, latest: latestOf(values) });
  }
  return out;
}

const latestOf = (values: ReadonlyArray<number | null>) => [...values].reverse().find((v): v is number => v !== null);

export async function loadRequestRates(
  sources: RequestRateSources,
  scope: Scope,
  range: { start: number; end: number; step: number },
  timestamps: readonly number[],
  windowSeconds: number,
  signal?: AbortSignal
): Promise<Map<string, RateSeries>> {
  const { prometheus, flavour, sdk, history } = sources;
  const spans = promRequestRate({
    scope,
    rangeSeconds: windowSeconds,
    by: ['service'],
    flavour,
    spanKind: REQUEST_SPAN_KINDS,
  });
  const [spanRates, sdkRates] = await Promise.all([
    prometheus.queryRange(spans, range, { signal }),
    sdk
      ? prometheus.queryRange(promSdkRequestRate({ scope, metrics: sdk, rangeSeconds: windowSeconds }), range, {
          signal,
        })
      : undefined,
  ]);
  const sampled = valuesByService(spanRates.result, timestamps);
  const unsampled = valuesByService(sdkRates?.result ?? [], timestamps);
  const services = [...new Set([...sampled.keys(), ...unsampled.keys()])].sort();
  const rates = await mapLimited(services, HISTORY_CONCURRENCY, async (service): Promise<RateSeries> => {
    const own = unsampled.get(service);
    if (own?.latest !== undefined) {
      return { ...own, source: 'sdk' };
    }
    const spanSeries = sampled.get(service) ?? { values: timestamps.map(() => null) };
    if (history) {
      const corrected = await correctedBy(
        history,
        service,
        spanSeries.values,
        timestamps,
        range,
        windowSeconds,
        signal
      );
      if (corrected) {
        return corrected;
      }
    }
    return { ...spanSeries, source: 'sampled' };
  });
  return new Map(services.map((service, i) => [service, rates[i]!]));
}

async function correctedBy(
  history: NonNullable<RequestRateSources['history']>,
  service: string,
  values: ReadonlyArray<number | null>,
  timestamps: readonly number[],
  range: { start: number; end: number },
  windowSeconds: number,
  signal?: AbortSignal
): Promise<RateSeries | undefined> {
  let answer: SamplingHistory;
  try {
    answer = await history(service, (range.start - windowSeconds) * 1000, range.end * 1000, signal);
  } catch (error) {
    if (signal?.aborted) {
      throw error;
    }
    // No history for this service (a controller that does not know it, or an older one): the figure stays sampled.
    return undefined;
  }
  const corrected = correctedRates(values, timestamps, windowSeconds, answer.segments);
  const latest = latestOf(corrected);
  return latest === undefined ? undefined : { values: corrected, latest, source: 'corrected' };
}
