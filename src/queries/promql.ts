/**
 * PromQL builders over the span metrics and service graph series that Tempo's metrics-generator
 * writes: request rate, error ratio and latency quantiles by service and span name, and edge
 * rates of the service graph. Labels are Tempo's defaults (`service`, `span_name`, `status_code`,
 * `client`, `server`).
 */
import { QueryBuildError, labelName, quote, rangeSeconds } from './literal';
import { type Scope, scopeMatcher } from './scope';

export const SPAN_METRICS = {
  calls: 'traces_spanmetrics_calls_total',
  latencyBucket: 'traces_spanmetrics_latency_bucket',
  serviceGraphRequests: 'traces_service_graph_request_total',
} as const;

/** Grouping labels a RED query can break down by. */
export type SpanMetricsGrouping = 'service' | 'span_name' | 'span_kind' | 'status_code';

/** Values of the `span_kind` label, as Tempo writes OTLP's enum names. */
export type SpanKind =
  | 'SPAN_KIND_SERVER'
  | 'SPAN_KIND_CLIENT'
  | 'SPAN_KIND_PRODUCER'
  | 'SPAN_KIND_CONSUMER'
  | 'SPAN_KIND_INTERNAL'
  | 'SPAN_KIND_UNSPECIFIED';

export interface SpanMetricsQuery {
  readonly scope: Scope;
  /** Rate window in seconds, e.g. 300 for `[5m]`. */
  readonly rangeSeconds: number;
  /** Defaults to `['service', 'span_name']`. */
  readonly by?: readonly SpanMetricsGrouping[];
  /** Restrict to one span name (operation). */
  readonly spanName?: string;
  /**
   * Restrict to one span kind. Server spans count requests a service receives once, where the
   * client, internal and database spans of the same request would count it again.
   */
  readonly spanKind?: SpanKind;
}

interface Matcher {
  readonly label: string;
  readonly op: '=' | '=~' | '!=';
  readonly value: string;
}

function selector(metric: string, matchers: readonly Matcher[]): string {
  if (matchers.length === 0) {
    return metric;
  }
  return `${metric}{${matchers.map((m) => `${labelName(m.label)}${m.op}${quote(m.value)}`).join(', ')}}`;
}

function scopeMatchers(label: string, scope: Scope): Matcher[] {
  const m = scopeMatcher(scope);
  switch (m.op) {
    case 'any':
      return [];
    case '=':
      return [{ label, op: '=', value: m.value }];
    case '=~':
      return [{ label, op: '=~', value: m.pattern }];
  }
}

function spanMatchers(q: SpanMetricsQuery): Matcher[] {
  const matchers = scopeMatchers('service', q.scope);
  if (q.spanName !== undefined) {
    matchers.push({ label: 'span_name', op: '=', value: q.spanName });
  }
  if (q.spanKind !== undefined) {
    matchers.push({ label: 'span_kind', op: '=', value: q.spanKind });
  }
  return matchers;
}

function grouping(by: readonly string[]): string {
  return `sum by (${by.map(labelName).join(', ')})`;
}

function groupLabels(q: SpanMetricsQuery): readonly string[] {
  return q.by ?? ['service', 'span_name'];
}

/** Requests per second: `sum by (service, span_name) (rate(traces_spanmetrics_calls_total{…}[5m]))`. */
export function promRequestRate(q: SpanMetricsQuery): string {
  return `${grouping(groupLabels(q))} (rate(${selector(SPAN_METRICS.calls, spanMatchers(q))}[${rangeSeconds(q.rangeSeconds)}]))`;
}

/** Fraction of calls with `status_code="STATUS_CODE_ERROR"`, between 0 and 1. */
export function promErrorRatio(q: SpanMetricsQuery): string {
  const range = rangeSeconds(q.rangeSeconds);
  const all = spanMatchers(q);
  const errors = [...all, { label: 'status_code', op: '=' as const, value: 'STATUS_CODE_ERROR' }];
  const by = grouping(groupLabels(q));
  return (
    `${by} (rate(${selector(SPAN_METRICS.calls, errors)}[${range}]))` +
    ` / ${by} (rate(${selector(SPAN_METRICS.calls, all)}[${range}]))`
  );
}

export type LatencyQuantile = 0.5 | 0.95 | 0.99;

/**
 * Latency quantile in seconds from the span-metrics histogram. Tempo's buckets are in seconds;
 * the analysis baseline converts to milliseconds.
 */
export function promLatencyQuantile(q: SpanMetricsQuery & { readonly quantile: LatencyQuantile }): string {
  if (![0.5, 0.95, 0.99].includes(q.quantile)) {
    throw new QueryBuildError(`quantile ${q.quantile} is not one of 0.5, 0.95, 0.99`);
  }
  const by = groupLabels(q).filter((l) => l !== 'le');
  return (
    `histogram_quantile(${q.quantile}, ${grouping([...by, 'le'])} ` +
    `(rate(${selector(SPAN_METRICS.latencyBucket, spanMatchers(q))}[${rangeSeconds(q.rangeSeconds)}])))`
  );
}

/**
 * Request rate of service-graph edges touching the scope, as caller or as callee. PromQL cannot
 * OR two matchers inside one selector, so the two sides are joined with `or`, which also
 * de-duplicates edges where both ends are in scope.
 */
export function promServiceGraphRate(q: { readonly scope: Scope; readonly rangeSeconds: number }): string {
  const range = rangeSeconds(q.rangeSeconds);
  const side = (label: 'client' | 'server'): string =>
    `sum by (client, server) (rate(${selector(SPAN_METRICS.serviceGraphRequests, scopeMatchers(label, q.scope))}[${range}]))`;
  if (q.scope.kind === 'all') {
    return side('client');
  }
  return `${side('client')} or ${side('server')}`;
}
