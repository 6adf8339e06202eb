/**
 * Query builders for Tempo (TraceQL), Prometheus (PromQL over span metrics) and Loki (LogQL).
 * Call sites pass typed arguments and a `Scope`; they never concatenate query text.
 */
export { QueryBuildError, escapeRegex, globToRegex, isGlob } from './literal';
export {
  type Scope,
  type ServiceName,
  ALL_SERVICES,
  ownershipScope,
  scopeOf,
  scopeMatcher,
  serviceName,
} from './scope';
export {
  type TraceAttributeFilter,
  traceqlSearch,
  traceqlCandidates,
  traceqlBaseline,
  traceqlInScope,
  traceqlAttributeFilter,
  traceqlErrorsBelow,
} from './traceql';
export {
  type SpanMetricsQuery,
  type SpanMetricsGrouping,
  type SpanKind,
  REQUEST_SPAN_KINDS,
  promRequestRate,
  promSdkRequestRate,
  SDK_REQUEST_COUNTS,
  type SdkRequestCount,
  type SdkRequestMetrics,
  promErrorRatio,
  promLatencyQuantile,
  promLatencyBaseline,
  promServiceGraphRate,
  promRootSpansSince,
  ROOT_SPAN_LABEL,
} from './promql';
export {
  type SpanMetricsFlavour,
  type HistogramUnit,
  TEMPO_SPAN_METRICS,
  OTEL_SPAN_METRICS,
  spanMetricNames,
} from './spanMetrics';
export {
  SPAN_METRICS_NAMES_SELECTOR,
  detectSpanMetricsFlavours,
  describeSpanMetricsFlavour,
} from './spanMetricsDetection';
export { logqlTraceLogs } from './logql';
