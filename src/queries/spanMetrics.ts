/**
 * Where span metrics come from decides their Prometheus names: Tempo's metrics-generator writes
 * `traces_spanmetrics_calls_total` and a seconds histogram `traces_spanmetrics_latency_bucket` with the
 * service in `service`; the OpenTelemetry Collector's spanmetrics connector (Jaeger v2, or any collector)
 * writes `<namespace>_calls_total` and `<namespace>_duration_<unit>_bucket` with the service in
 * `service_name`. The PromQL builders take a flavour and always answer in Tempo's label names and in
 * seconds, so nothing downstream of a query needs to know which flavour produced it.
 */
import { QueryBuildError, labelName } from './literal';

export type HistogramUnit = 'ms' | 's';

export type SpanMetricsFlavour =
  | { readonly kind: 'tempo' }
  | {
      readonly kind: 'otel';
      /** The connector's `namespace` with dots as underscores, e.g. `traces_span_metrics` (its default). */
      readonly namespace: string;
      /** The connector's `histogram.unit`. */
      readonly unit: HistogramUnit;
    };

export const TEMPO_SPAN_METRICS: SpanMetricsFlavour = Object.freeze({ kind: 'tempo' });
/** The spanmetrics connector's defaults (namespace `traces.span.metrics`, unit `ms`), as Jaeger v2 ships it. */
export const OTEL_SPAN_METRICS: SpanMetricsFlavour = Object.freeze({
  kind: 'otel',
  namespace: 'traces_span_metrics',
  unit: 'ms',
});

export interface SpanMetricNames {
  readonly calls: string;
  readonly latencyBucket: string;
  /** The label that holds the service name in this flavour. */
  readonly serviceLabel: string;
  /** Multiply a histogram value by this to get seconds. */
  readonly toSeconds: number;
}

export function spanMetricNames(flavour: SpanMetricsFlavour): SpanMetricNames {
  if (flavour.kind === 'tempo') {
    return {
      calls: 'traces_spanmetrics_calls_total',
      latencyBucket: 'traces_spanmetrics_latency_bucket',
      serviceLabel: 'service',
      toSeconds: 1,
    };
  }
  if (flavour.unit !== 'ms' && flavour.unit !== 's') {
    throw new QueryBuildError(`histogram unit ${JSON.stringify(flavour.unit)} is not ms or s`);
  }
  // `undefined` and `null` are valid prefixes, but what a missing setting prints as: refused, not queried.
  if (typeof flavour.namespace !== 'string' || /^(undefined|null)$/i.test(flavour.namespace)) {
    throw new QueryBuildError(
      `the spanmetrics connector namespace ${JSON.stringify(flavour.namespace)} is a missing value, not a namespace`
    );
  }
  const namespace = labelName(flavour.namespace);
  return {
    calls: `${namespace}_calls_total`,
    latencyBucket: `${namespace}_duration_${flavour.unit === 'ms' ? 'milliseconds' : 'seconds'}_bucket`,
    serviceLabel: 'service_name',
    toSeconds: flavour.unit === 'ms' ? 0.001 : 1,
  };
}
