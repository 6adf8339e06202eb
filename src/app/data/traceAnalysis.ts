/**
 * The one trace pipeline every view shows: a trace from the backend (Tempo or Jaeger), the p99 baselines of its
 * services and operations from span metrics, the analysis on the real trace, then the display copy with the
 * redaction settings applied — after the analysis, because grouping by span name must see the real names. The
 * incident list, the Trace page and the correlated panel all take an `AnalysedTrace`, so a trace flagged "slow vs
 * p99" in the list is slow on its page too, and a redacted value appears on none of them.
 */
import {
  type AnalysisSettings,
  type Finding,
  type LatencyBaseline,
  type LatencyBaselines,
  type Redactor,
  type Trace,
  type TraceAnalysis,
  BASELINE_RULE,
  analyzeTrace,
  baselineAnchor,
  baselineKey,
  baselinesFromPrometheus,
  p99sOf,
  redactFindings,
  redactTrace,
} from '../../analysis';
import type { PrometheusClient } from '../../clients';
import { type Scope, type SpanMetricsFlavour, promLatencyBaseline, scopeOf } from '../../queries';
import { baselineRatioOf } from './baselineRatio';
import type { DataClients } from './clients';
import { loadTraceById } from './traceById';

/** One operation of a trace and the baseline it was judged against, if it had one. */
export interface OperationBaseline {
  readonly service: string;
  /** Redacted as the trace's span names are. */
  readonly operation: string;
  readonly baseline?: LatencyBaseline;
}

/** A trace as every view shows it. */
export interface AnalysedTrace {
  /** The display copy: names, messages and attribute values redacted; ids, structure and timing as loaded. */
  readonly trace: Trace;
  /** Worst first; explanations redacted. */
  readonly findings: readonly Finding[];
  readonly score: number;
  /** Root duration over the p99 of its service and operation; undefined without a baseline. */
  readonly baselineRatio?: number;
  /** Unix seconds: the end of the lookback its baselines were taken over (`baselineAnchor`). */
  readonly baselineAnchor: number;
  /** Each operation of the trace, in order of first start, with its baseline. */
  readonly baselines: readonly OperationBaseline[];
  /** Why there are no baselines (so the `slow` rule could not run), if there are none. */
  readonly baselineProblem?: string;
}

/** Baselines by anchor (Unix seconds), for the anchors asked for that had any. */
export interface BaselineLoad {
  byAnchor: ReadonlyMap<number, LatencyBaselines>;
  /** Why the `slow` rule could not run, if it could not. */
  problem?: string;
}

export interface BaselineQuery {
  prometheus: PrometheusClient | undefined;
  flavour?: SpanMetricsFlavour;
  scope: Scope;
  /** The anchors of the traces to judge, first to last (`baselineAnchor`). */
  anchors: { readonly first: number; readonly last: number };
  signal?: AbortSignal;
}

/** Prometheus answers at most 11,000 points per series. */
const MAX_ANCHORS_PER_QUERY = 10_000;
const NO_BASELINES: LatencyBaselines = new Map();

/**
 * The baselines of the anchors from `first` to `last`, one range query (with a point per anchor) per 10,000
 * anchors; a failure is reported, not thrown, since only the `slow` rule needs them.
 */
export async function loadBaselines(q: BaselineQuery): Promise<BaselineLoad> {
  if (!q.prometheus) {
    return { byAnchor: new Map(), problem: 'No Prometheus data source is configured.' };
  }
  const { anchorSeconds } = BASELINE_RULE;
  const query = promLatencyBaseline({ scope: q.scope, flavour: q.flavour, ...BASELINE_RULE });
  try {
    const byAnchor = new Map<number, LatencyBaselines>();
    for (let start = q.anchors.first; start <= q.anchors.last; start += MAX_ANCHORS_PER_QUERY * anchorSeconds) {
      const end = Math.min(q.anchors.last, start + (MAX_ANCHORS_PER_QUERY - 1) * anchorSeconds);
      const result = await q.prometheus.queryRange(query, { start, end, step: anchorSeconds }, { signal: q.signal });
      baselinesFromPrometheus(result.result).forEach((baselines, anchor) => byAnchor.set(anchor, baselines));
    }
    return { byAnchor };
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      throw error;
    }
    return { byAnchor: new Map(), problem: (error as Error).message };
  }
}

/** The baselines a trace starting at `startUnixMs` is judged against: those of its anchor. */
function baselinesAt(byAnchor: ReadonlyMap<number, LatencyBaselines>, startUnixMs: number): LatencyBaselines {
  return byAnchor.get(baselineAnchor(startUnixMs)) ?? NO_BASELINES;
}

/** Each operation of the real trace with its baseline, names redacted for display. */
function operationBaselines(trace: Trace, baselines: LatencyBaselines, redactor: Redactor): OperationBaseline[] {
  const seen = new Map<string, OperationBaseline>();
  for (const span of [...trace.spans].sort((a, b) => a.startMs - b.startMs)) {
    const key = baselineKey(span.service, span.name);
    if (!seen.has(key)) {
      seen.set(key, { service: span.service, operation: redactor.text(span.name), baseline: baselines.get(key) });
    }
  }
  return [...seen.values()];
}

/** The analysis of the real trace, as it may be shown. */
function forDisplay(analysis: TraceAnalysis, baselines: LatencyBaselines, redactor: Redactor): AnalysedTrace {
  const { trace, findings, score } = analysis;
  return {
    trace: redactTrace(trace, redactor),
    findings: redactFindings(findings, redactor),
    score,
    baselineRatio: baselineRatioOf(trace, p99sOf(baselines)),
    baselineAnchor: baselineAnchor(trace.startUnixMs),
    baselines: operationBaselines(trace, baselines, redactor),
  };
}

export function analyseTrace(
  trace: Trace,
  baselines: LatencyBaselines,
  settings: AnalysisSettings,
  redactor: Redactor
): AnalysedTrace {
  return forDisplay(analyzeTrace(trace, { settings, baselines: p99sOf(baselines) }), baselines, redactor);
}

export interface OneTrace {
  /** `null` when the backend has no such trace. */
  analysed: AnalysedTrace | null;
}

/**
 * One trace by id, through the whole pipeline, judged against the baselines of its anchor — the same ones the
 * incident list judged it against (`src/analysis/baselines.ts`).
 */
export async function loadAnalysedTrace(
  clients: DataClients,
  traceId: string,
  settings: AnalysisSettings,
  redactor: Redactor,
  signal?: AbortSignal
): Promise<OneTrace> {
  const trace = await loadTraceById(clients, traceId, signal);
  if (!trace || trace.spans.length === 0) {
    return { analysed: null };
  }
  const anchor = baselineAnchor(trace.startUnixMs);
  const baseline = await loadBaselines({
    prometheus: clients.prometheus,
    flavour: clients.prometheus ? await clients.spanMetricsFlavour(signal) : undefined,
    scope: scopeOf(trace.services),
    anchors: { first: anchor, last: anchor },
    signal,
  });
  const analysed = analyseTrace(trace, baselinesAt(baseline.byAnchor, trace.startUnixMs), settings, redactor);
  return { analysed: { ...analysed, baselineProblem: baseline.problem } };
}
