/**
 * Query builders for Tempo (TraceQL), Prometheus (PromQL over span metrics) and Loki (LogQL).
 * Call sites pass typed arguments and a `Scope`; they never concatenate query text.
 */
export { QueryBuildError, quote, escapeRegex, globToRegex, isGlob } from './literal';
export {
  type Scope,
  type ScopeMatcher,
  type ServiceName,
  type ServicePattern,
  ALL_SERVICES,
  ownershipScope,
  scopeOf,
  scopeMatcher,
  serviceName,
} from './scope';
export {
  type TraceSearch,
  type SpanStatus,
  type TraceAttributeFilter,
  type TraceqlSpanKind,
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
  type LatencyQuantile,
  type LatencyBaselineQuery,
  type BaselineStatistic,
  BASELINE_STATISTIC_LABEL,
  SERVICE_GRAPH_REQUESTS,
  REQUEST_SPAN_KINDS,
  promRequestRate,
  promSdkRequestRate,
  SDK_REQUEST_COUNTS,
  type SdkRequestMetrics,
  promErrorRatio,
  promLatencyQuantile,
  promLatencyBaseline,
  promServiceGraphRate,
  promRootSpansSince,
  ROOT_SPAN_LABEL,
  ROOT_SAMPLING_RATE_LABEL,
} from './promql';
export {
  type SpanMetricsFlavour,
  type HistogramUnit,
  type SpanMetricNames,
  TEMPO_SPAN_METRICS,
  OTEL_SPAN_METRICS,
  spanMetricNames,
} from './spanMetrics';
export {
  SPAN_METRICS_NAMES_SELECTOR,
  detectSpanMetricsFlavours,
  describeSpanMetricsFlavour,
} from './spanMetricsDetection';
export { type TraceLogsQuery, logqlTraceLogs } from './logql';
