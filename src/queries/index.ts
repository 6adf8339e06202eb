/**
 * Query builders for Tempo (TraceQL), Prometheus (PromQL over span metrics) and Loki (LogQL).
 * Call sites pass typed arguments and a `Scope`; they never concatenate query text.
 */
export { QueryBuildError, quote, escapeRegex, globToRegex } from './literal';
export { type Scope, type ScopeMatcher, ALL_SERVICES, scopeOf, scopeMatcher } from './scope';
export { type TraceSearch, type SpanStatus, traceqlSearch, traceqlCandidates, traceqlErrorsBelow } from './traceql';
export {
  type SpanMetricsQuery,
  type SpanMetricsGrouping,
  type SpanKind,
  type LatencyQuantile,
  SPAN_METRICS,
  promRequestRate,
  promErrorRatio,
  promLatencyQuantile,
  promServiceGraphRate,
} from './promql';
export { type TraceLogsQuery, logqlTraceLogs } from './logql';
