/**
 * PromQL builders over span metrics — request rate, error ratio and latency quantiles by service and span
 * name — in either flavour (`spanMetrics.ts`), edge rates of Tempo's service graph, and the request rate from the
 * services' own (unsampled) HTTP server metrics. Results always carry
 * Tempo's label names (`service`, `span_name`, `status_code`) and latencies in seconds: for the OpenTelemetry
 * connector the service label is renamed inside the query, before aggregation.
 */
import { QueryBuildError, escapeRegex, labelName, offsetMs, quote, rangeSeconds } from './literal';
import { type Scope, scopeMatcher } from './scope';
import { type SpanMetricsFlavour, TEMPO_SPAN_METRICS, spanMetricNames } from './spanMetrics';

const SERVICE_GRAPH_REQUESTS = 'traces_service_graph_request_total';

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

/**
 * The spans that serve a service's requests, one per request it receives: server spans, and consumer spans for
 * messages. A service's RED comes from these, as in Jaeger's monitor tab, not from its client, internal and database
 * spans, which would count one request several times and mix outgoing calls into its latency and errors.
 */
export const REQUEST_SPAN_KINDS: readonly SpanKind[] = Object.freeze(['SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER']);

export interface SpanMetricsQuery {
  readonly scope: Scope;
  /** Which span metrics Prometheus holds; Tempo's metrics-generator when left out. */
  readonly flavour?: SpanMetricsFlavour;
  /** Rate window in seconds, e.g. 300 for `[5m]`. */
  readonly rangeSeconds: number;
  /** Defaults to `['service', 'span_name']`. */
  readonly by?: readonly SpanMetricsGrouping[];
  /** Restrict to one span name (operation). */
  readonly spanName?: string;
  /**
   * Restrict to one span kind, or to any of several (`REQUEST_SPAN_KINDS`). Server spans count requests a service
   * receives once, where the client, internal and database spans of the same request would count it again.
   */
  readonly spanKind?: SpanKind | readonly SpanKind[];
  /** Shift the rate window this many seconds into the past (PromQL `offset`). */
  readonly offsetSeconds?: number;
  /** Only root spans (`ROOT_SPAN_LABEL`): one per trace the service started. */
  readonly roots?: boolean;
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

function spanMatchers(q: Pick<SpanMetricsQuery, 'scope' | 'flavour' | 'spanName' | 'spanKind' | 'roots'>): Matcher[] {
  const matchers = scopeMatchers(spanMetricNames(q.flavour ?? TEMPO_SPAN_METRICS).serviceLabel, q.scope);
  if (q.spanName !== undefined) {
    matchers.push({ label: 'span_name', op: '=', value: q.spanName });
  }
  if (typeof q.spanKind === 'string') {
    matchers.push({ label: 'span_kind', op: '=', value: q.spanKind });
  } else if (q.spanKind !== undefined) {
    if (q.spanKind.length === 0) {
      throw new QueryBuildError('the span kinds list is empty; nothing would match');
    }
    matchers.push({ label: 'span_kind', op: '=~', value: q.spanKind.map(escapeRegex).join('|') });
  }
  if (q.roots) {
    matchers.push({ label: ROOT_SPAN_LABEL, op: '!=', value: '' });
  }
  return matchers;
}

function grouping(by: readonly string[]): string {
  return `sum by (${by.map(labelName).join(', ')})`;
}

function groupLabels(q: SpanMetricsQuery): readonly string[] {
  return q.by ?? ['service', 'span_name'];
}

/**
 * `rate(metric{…}[range])` (or `increase`), with the connector's `service_name` copied to `service` so that grouping
 * and results read the same in both flavours.
 */
function rateOf(
  q: SpanMetricsQuery,
  metric: (names: ReturnType<typeof spanMetricNames>) => string,
  extra: Matcher[] = [],
  fn: 'rate' | 'increase' = 'rate'
) {
  const names = spanMetricNames(q.flavour ?? TEMPO_SPAN_METRICS);
  const offset = q.offsetSeconds === undefined ? '' : ` offset ${rangeSeconds(q.offsetSeconds)}`;
  const rate = `${fn}(${selector(metric(names), [...spanMatchers(q), ...extra])}[${rangeSeconds(q.rangeSeconds)}]${offset})`;
  return names.serviceLabel === 'service'
    ? rate
    : `label_replace(${rate}, "service", "$1", ${quote(names.serviceLabel)}, "(.*)")`;
}

/** Requests per second: `sum by (service, span_name) (rate(traces_spanmetrics_calls_total{…}[5m]))`. */
export function promRequestRate(q: SpanMetricsQuery): string {
  return `${grouping(groupLabels(q))} (${rateOf(q, (n) => n.calls)})`;
}

/** Fraction of calls with `status_code="STATUS_CODE_ERROR"`, between 0 and 1. */
export function promErrorRatio(q: SpanMetricsQuery): string {
  const errors = [{ label: 'status_code', op: '=' as const, value: 'STATUS_CODE_ERROR' }];
  const by = grouping(groupLabels(q));
  return `${by} (${rateOf(q, (n) => n.calls, errors)}) / ${by} (${rateOf(q, (n) => n.calls)})`;
}

export type LatencyQuantile = 0.5 | 0.95 | 0.99;

/**
 * Latency quantile in seconds from the span-metrics histogram (a millisecond histogram is scaled), so the
 * analysis baseline converts to milliseconds the same way for both flavours.
 */
export function promLatencyQuantile(q: SpanMetricsQuery & { readonly quantile: LatencyQuantile }): string {
  if (![0.5, 0.95, 0.99].includes(q.quantile)) {
    throw new QueryBuildError(`quantile ${q.quantile} is not one of 0.5, 0.95, 0.99`);
  }
  const by = groupLabels(q).filter((l) => l !== 'le');
  const { toSeconds } = spanMetricNames(q.flavour ?? TEMPO_SPAN_METRICS);
  const quantile = `histogram_quantile(${q.quantile}, ${grouping([...by, 'le'])} (${rateOf(q, (n) => n.latencyBucket)}))`;
  return toSeconds === 1 ? quantile : `${quantile} * ${toSeconds}`;
}

/** The label `promLatencyBaseline` puts each of its statistics under, and their names. */
const BASELINE_STATISTIC_LABEL = 'baseline';
export type BaselineStatistic = 'p99' | 'worst' | 'windows' | 'requests';

export interface LatencyBaselineQuery {
  readonly scope: Scope;
  readonly flavour?: SpanMetricsFlavour;
  /** How far back from the evaluation time the baseline looks, in seconds (e.g. 86400 for a day). */
  readonly lookbackSeconds: number;
  /** The length of the windows whose p99s are taken, in seconds (e.g. 300). */
  readonly windowSeconds: number;
  /** How often, in seconds, a window's p99 is sampled over the lookback (e.g. 60). */
  readonly stepSeconds: number;
}

/**
 * The latency baseline a trace is judged against, per service and span name, evaluated at the trace's anchor
 * (`src/analysis/baselines.ts`): the p99 of each `windowSeconds` window, sampled every `stepSeconds` over the
 * lookback, and of those
 * - `p99`: the median — a slow stretch (an incident) raises it only once it covers half the lookback;
 * - `worst`: the highest, to say when the lookback holds a slower stretch;
 * - `windows`: how many of the sampled windows had traffic (those without have no p99 and are left out);
 * - `requests`: the histogram's `_count` increase over the lookback.
 * Each comes back as its own series with the statistic's name under `BASELINE_STATISTIC_LABEL`, in seconds.
 */
export function promLatencyBaseline(q: LatencyBaselineQuery): string {
  const window: SpanMetricsQuery = { scope: q.scope, flavour: q.flavour, rangeSeconds: q.windowSeconds };
  const p99s = `(${promLatencyQuantile({ ...window, quantile: 0.99 })}) > 0`;
  const sampled = `(${p99s})[${rangeSeconds(q.lookbackSeconds)}:${rangeSeconds(q.stepSeconds)}]`;
  const lookback = { ...window, rangeSeconds: q.lookbackSeconds };
  const requests = `${grouping(groupLabels(window))} (${rateOf(lookback, (n) => n.latencyCount, [], 'increase')})`;
  const named = (statistic: BaselineStatistic, expression: string) =>
    `label_replace(${expression}, ${quote(BASELINE_STATISTIC_LABEL)}, ${quote(statistic)}, "", "")`;
  return [
    named('p99', `quantile_over_time(0.5, ${sampled})`),
    named('worst', `max_over_time(${sampled})`),
    named('windows', `count_over_time(${sampled})`),
    named('requests', requests),
  ].join(' or ');
}

/**
 * Request rate of service-graph edges touching the scope, as caller or as callee. PromQL cannot
 * OR two matchers inside one selector, so the two sides are joined with `or`, which also
 * de-duplicates edges where both ends are in scope.
 */
export function promServiceGraphRate(q: { readonly scope: Scope; readonly rangeSeconds: number }): string {
  const range = rangeSeconds(q.rangeSeconds);
  const side = (label: 'client' | 'server'): string =>
    `sum by (client, server) (rate(${selector(SERVICE_GRAPH_REQUESTS, scopeMatchers(label, q.scope))}[${range}]))`;
  if (q.scope.kind === 'all') {
    return side('client');
  }
  return `${side('client')} or ${side('server')}`;
}

/**
 * The span-metrics label that marks a trace's root span: `jaeger.sampler.type`, the attribute a Jaeger remote
 * sampler writes on the spans it decided itself — only root spans, since a parent-based sampler follows the parent
 * everywhere else — once span metrics are configured to keep it as a dimension (docs/backends.md). Its companion
 * `jaeger.sampler.param` carries the probability the root was sampled at.
 */
export const ROOT_SPAN_LABEL = 'jaeger_sampler_type';

/**
 * Traces the scope started (its root spans, of the span name when given) recorded in the last `elapsedMs` before the
 * query's evaluation time, as the difference of the counters then and now:
 * `sum(C) - (sum(C offset 754000ms) or vector(0))` with
 * `C = traces_spanmetrics_calls_total{service="x", jaeger_sampler_type!=""}`.
 * Span metrics are computed from exported, i.e. sampled, spans, so this counts traces that were kept; root spans
 * only, because sampling is parent-based: a spike of a service changes only the traces that start there, and its
 * spans inside traces started upstream were kept (or not) by the upstream's sampling.
 *
 * Exact for what Prometheus has scraped, up to its last scrape: not `increase`, which stretches the growth it sees
 * to the edges of its window — a burst of 50 spans read as 100 over a window two scrapes long, so a goal-bounded
 * spike ended long before its goal. A series born after the start counts in full (`or vector(0)` when none existed
 * then). A counter reset (a collector restart) makes the difference too small, even negative — the caller reads
 * that as 0, and the spike runs to its time limit rather than ending early.
 */
export function promRootSpansSince(q: {
  readonly scope: Scope;
  readonly flavour?: SpanMetricsFlavour;
  readonly spanName?: string;
  readonly elapsedMs: number;
}): string {
  const names = spanMetricNames(q.flavour ?? TEMPO_SPAN_METRICS);
  const calls = selector(names.calls, spanMatchers({ ...q, roots: true }));
  return `sum(${calls}) - (sum(${calls} offset ${offsetMs(q.elapsedMs)}) or vector(0))`;
}

/**
 * The OpenTelemetry SDKs' HTTP server histogram (`http.server.request.duration`, in seconds) as Prometheus holds it:
 * its `_count` counts every request the service served, sampled or not. The name is the exporter's (with or without
 * the unit suffix); the service is in `service_name` (the SDK's Prometheus exporter with the resource's
 * `service.name` as a constant label, or a collector's `resource_to_telemetry_conversion`) or in the scrape `job`.
 */
export const SDK_REQUEST_COUNTS = ['http_server_request_duration_seconds_count', 'http_server_request_duration_count'];

/** One SDK request count Prometheus holds, and the label its service is in. */
export interface SdkRequestCount {
  /** One of `SDK_REQUEST_COUNTS`. */
  readonly count: string;
  /** The label holding the service name. */
  readonly serviceLabel: 'service_name' | 'job';
}

/**
 * The SDK request counts Prometheus holds, best first (at least one). More than one when services export under
 * different names: the JS exporter writes `…_duration_count`, Go's and Prometheus' OTLP translation `…_seconds_count`.
 */
export type SdkRequestMetrics = readonly SdkRequestCount[];

/**
 * Requests per second by service from SDK metrics: `sum by (service) (label_replace(rate(…_count{…}[5m]), …))` per
 * count, joined by `or`, so each service's rate comes from the first count that has it and is never added twice.
 */
export function promSdkRequestRate(q: {
  readonly scope: Scope;
  readonly metrics: SdkRequestMetrics;
  readonly rangeSeconds: number;
}): string {
  if (q.metrics.length === 0) {
    throw new QueryBuildError('no HTTP server request count to query');
  }
  return q.metrics
    .map(({ count, serviceLabel }) => {
      if (!SDK_REQUEST_COUNTS.includes(count)) {
        throw new QueryBuildError(`${JSON.stringify(count)} is not an HTTP server request count`);
      }
      if (serviceLabel !== 'service_name' && serviceLabel !== 'job') {
        throw new QueryBuildError(`${JSON.stringify(serviceLabel)} is not a service label`);
      }
      const rate = `rate(${selector(count, scopeMatchers(serviceLabel, q.scope))}[${rangeSeconds(q.rangeSeconds)}])`;
      return `sum by (service) (label_replace(${rate}, "service", "$1", ${quote(serviceLabel)}, "(.*)"))`;
    })
    .join(' or ');
}
