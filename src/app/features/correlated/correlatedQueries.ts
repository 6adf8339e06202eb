/**
 * What the correlated view asks Prometheus and Loki for one trace: the time window around it, the
 * RED queries of its services (or of the selected span's service and operation) and the LogQL for
 * its logs (or the selected span's). Pure, so the queries a selection produces are tested without
 * rendering anything; every query comes from the builders in `src/queries`.
 */
import type { Span, Trace } from '../../../analysis';
import {
  REQUEST_SPAN_KINDS,
  type SpanKind,
  type SpanMetricsFlavour,
  type SpanMetricsGrouping,
  type SpanMetricsQuery,
  logqlTraceLogs,
  promErrorRatio,
  promLatencyQuantile,
  promRequestRate,
  scopeOf,
} from '../../../queries';

/** How far before and after the trace the metrics and logs reach: enough to see what was normal. */
const WINDOW_MARGIN_MS = 15 * 60 * 1000;

/** Points per series: enough for a readable line, few enough for a quick answer. */
const POINTS = 120;

export interface TimeWindow {
  /** Unix milliseconds. */
  fromMs: number;
  toMs: number;
  /** Prometheus resolution in whole seconds. */
  stepSeconds: number;
}

export function traceWindow(trace: Trace): TimeWindow {
  const fromMs = Math.floor(trace.startUnixMs - WINDOW_MARGIN_MS);
  const toMs = Math.ceil(trace.startUnixMs + trace.durationMs + WINDOW_MARGIN_MS);
  // Whole multiples of 15 s (Prometheus' usual scrape interval) keep steps and rate windows readable.
  const stepSeconds = 15 * Math.max(1, Math.ceil((toMs - fromMs) / 1000 / POINTS / 15));
  return { fromMs, toMs, stepSeconds };
}

export type MetricId = 'rate' | 'errors' | 'latency';

export interface MetricQuery {
  id: MetricId;
  title: string;
  /** Grafana unit of the values. */
  unit: string;
  expr: string;
}

const SPAN_KIND_LABELS: Record<Span['kind'], SpanKind> = {
  unspecified: 'SPAN_KIND_UNSPECIFIED',
  internal: 'SPAN_KIND_INTERNAL',
  server: 'SPAN_KIND_SERVER',
  client: 'SPAN_KIND_CLIENT',
  producer: 'SPAN_KIND_PRODUCER',
  consumer: 'SPAN_KIND_CONSUMER',
};

/** Which spans the charts count, in words: a service's requests, or the selected span's own kind. */
export function chartedSpans(selected?: Span): string {
  return selected
    ? `${selected.kind} spans of ${selected.service} · ${selected.name} (the selected span's kind)`
    : 'server and consumer spans: the requests each service receives';
}

function spanMetrics(
  trace: Trace,
  window: TimeWindow,
  selected: Span | undefined,
  flavour: SpanMetricsFlavour | undefined
): SpanMetricsQuery {
  // A rate over four steps smooths single scrapes without hiding a short spike.
  const rangeSeconds = Math.max(60, window.stepSeconds * 4);
  if (selected) {
    const by: SpanMetricsGrouping[] = ['service', 'span_name'];
    const spanKind = SPAN_KIND_LABELS[selected.kind];
    return { scope: scopeOf([selected.service]), spanName: selected.name, spanKind, by, rangeSeconds, flavour };
  }
  return { scope: scopeOf(trace.services), by: ['service'], spanKind: REQUEST_SPAN_KINDS, rangeSeconds, flavour };
}

/**
 * Rate, error ratio and p99 latency of the trace's services (their server and consumer spans), or of the selected
 * span's service, operation and kind, over span metrics of `flavour` (Tempo's when omitted). Span metrics count
 * sampled spans, so the rate says so.
 */
export function metricQueries(trace: Trace, selected?: Span, flavour?: SpanMetricsFlavour): MetricQuery[] {
  const q = spanMetrics(trace, traceWindow(trace), selected, flavour);
  return [
    { id: 'rate', title: 'Sampled spans per second', unit: 'reqps', expr: promRequestRate(q) },
    { id: 'errors', title: 'Error ratio', unit: 'percentunit', expr: promErrorRatio(q) },
    { id: 'latency', title: 'p99 latency', unit: 's', expr: promLatencyQuantile({ ...q, quantile: 0.99 }) },
  ];
}

/** Logs of the trace in any of its services, narrowed to the selected span's id (which only matches logs that carry it). */
export function logsQuery(trace: Trace, selected?: Span): string {
  return logqlTraceLogs({ scope: scopeOf(trace.services), traceId: trace.traceId, spanId: selected?.id });
}
