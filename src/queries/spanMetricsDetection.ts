/**
 * Telling from Prometheus' metric names which span-metrics flavour it holds: Tempo's metrics-generator
 * (`traces_spanmetrics_calls_total` + `traces_spanmetrics_latency_bucket`) or an OpenTelemetry
 * spanmetrics connector (`<namespace>_calls_total` + `<namespace>_duration_<unit>_bucket`, any
 * namespace). A flavour counts only when both its counter and its histogram exist, so an
 * application's own `…_calls_total` is not mistaken for span metrics.
 */
import { type SpanMetricsFlavour, spanMetricNames } from './spanMetrics';

/**
 * The series selector the probe asks `/api/v1/label/__name__/values` with (as `match[]`): every name
 * a flavour's counter or histogram can have. Constant, so nothing is escaped into it.
 */
export const SPAN_METRICS_NAMES_SELECTOR =
  '{__name__=~".+_calls_total|traces_spanmetrics_latency_bucket|.+_duration_(milliseconds|seconds)_bucket"}';

const OTEL_HISTOGRAM = /^([a-zA-Z_][a-zA-Z0-9_]*)_duration_(milliseconds|seconds)_bucket$/;

/**
 * The flavours whose metrics are all present, most likely first: Tempo's, then the connector's
 * default namespace, then other namespaces alphabetically, milliseconds before seconds.
 */
export function detectSpanMetricsFlavours(metricNames: readonly string[]): SpanMetricsFlavour[] {
  const names = new Set(metricNames);
  const found: SpanMetricsFlavour[] = [];
  const tempo = spanMetricNames({ kind: 'tempo' });
  if (names.has(tempo.calls) && names.has(tempo.latencyBucket)) {
    found.push({ kind: 'tempo' });
  }
  const otel: SpanMetricsFlavour[] = [];
  for (const name of names) {
    const match = OTEL_HISTOGRAM.exec(name);
    if (match && names.has(`${match[1]}_calls_total`)) {
      otel.push({ kind: 'otel', namespace: match[1]!, unit: match[2] === 'seconds' ? 's' : 'ms' });
    }
  }
  const rank = (f: SpanMetricsFlavour) => (f.kind === 'otel' && f.namespace === 'traces_span_metrics' ? 0 : 1);
  otel.sort((a, b) => {
    if (a.kind !== 'otel' || b.kind !== 'otel') {
      return 0;
    }
    return rank(a) - rank(b) || a.namespace.localeCompare(b.namespace) || (a.unit === 'ms' ? -1 : 1);
  });
  return [...found, ...otel];
}

/** How the settings page and the connection test name a flavour. */
export function describeSpanMetricsFlavour(flavour: SpanMetricsFlavour): string {
  if (flavour.kind === 'tempo') {
    return 'Tempo metrics-generator (traces_spanmetrics_*, seconds)';
  }
  return `OpenTelemetry spanmetrics connector (${flavour.namespace}_*, ${flavour.unit === 'ms' ? 'milliseconds' : 'seconds'})`;
}
