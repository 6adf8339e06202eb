/**
 * Latency baselines for the `slow` rule: the p99 of each service+operation, normally taken from
 * Tempo's span metrics in Prometheus (`promLatencyQuantile` with quantile 0.99, in seconds).
 */

/** p99 in milliseconds by `baselineKey(service, operation)`. */
export type Baselines = ReadonlyMap<string, number>;

export function baselineKey(service: string, operation: string): string {
  return `${service}\u0000${operation}`;
}

/** One sample of a Prometheus instant vector (`data.result[i]` of `/api/v1/query`). */
export interface PrometheusVectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/**
 * Baselines from an instant vector grouped by `service` and `span_name` whose values are seconds.
 * Series without both labels, and NaN/Inf/non-positive values (what `histogram_quantile` returns
 * for an operation without traffic), are skipped: no baseline beats a wrong one.
 */
export function baselinesFromPrometheus(samples: readonly PrometheusVectorSample[]): Baselines {
  const out = new Map<string, number>();
  for (const sample of samples) {
    const service = sample.metric.service;
    const operation = sample.metric.span_name;
    const seconds = Number(sample.value[1]);
    if (service === undefined || operation === undefined || !Number.isFinite(seconds) || seconds <= 0) {
      continue;
    }
    out.set(baselineKey(service, operation), seconds * 1000);
  }
  return out;
}
