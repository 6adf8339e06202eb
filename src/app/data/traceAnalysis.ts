/**
 * The one trace pipeline every view shows: a trace from the backend (Tempo or Jaeger), the p99 baselines of its
 * services and operations from span metrics, the analysis on the real trace, then the display copy with the
 * redaction settings applied — after the analysis, because grouping by span name must see the real names. The
 * incident list, the Trace page and the correlated panel all take an `AnalysedTrace`, so a trace flagged "slow vs
 * p99" in the list is slow on its page too, and a redacted value appears on none of them.
 */
import {
  type AnalysisSettings,
  type Baselines,
  type Finding,
  type Redactor,
  type Trace,
  type TraceAnalysis,
  analyzeTrace,
  baselinesFromPrometheus,
  redactFindings,
  redactTrace,
} from '../../analysis';
import type { PrometheusClient } from '../../clients';
import { type Scope, type SpanMetricsFlavour, promLatencyBaseline, promLatencyQuantile, scopeOf } from '../../queries';
import { baselineRatioOf } from './baselineRatio';
import { type BaselineWindow, type IncidentRange, incidentBaseline, singleTraceBaseline } from './baselineWindow';
import type { DataClients } from './clients';
import { loadTraceById } from './traceById';

/** A trace as every view shows it. */
export interface AnalysedTrace {
  /** The display copy: names, messages and attribute values redacted; ids, structure and timing as loaded. */
  readonly trace: Trace;
  /** Worst first; explanations redacted. */
  readonly findings: readonly Finding[];
  readonly score: number;
  /** Root duration over the p99 of its service and operation; undefined without a baseline. */
  readonly baselineRatio?: number;
}

export interface BaselineLoad {
  baselines: Baselines;
  /** Why the `slow` rule could not run, if it could not. */
  problem?: string;
}

export interface BaselineQuery {
  prometheus: PrometheusClient | undefined;
  flavour?: SpanMetricsFlavour;
  scope: Scope;
  window: BaselineWindow;
  signal?: AbortSignal;
}

/** p99 per service and operation; a failure is reported, not thrown, since only the `slow` rule needs them. */
export async function loadBaselines(q: BaselineQuery): Promise<BaselineLoad> {
  if (!q.prometheus) {
    return { baselines: new Map(), problem: 'No Prometheus data source is configured.' };
  }
  try {
    const p99 = {
      scope: q.scope,
      rangeSeconds: Math.max(300, Math.round(q.window.seconds)),
      quantile: 0.99,
      flavour: q.flavour,
    } as const;
    const query = q.window.precedingWindow ? promLatencyBaseline(p99) : promLatencyQuantile(p99);
    const result = await q.prometheus.query(query, { time: q.window.end }, { signal: q.signal });
    return { baselines: baselinesFromPrometheus(result.resultType === 'vector' ? result.result : []) };
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      throw error;
    }
    return { baselines: new Map(), problem: (error as Error).message };
  }
}

/** The analysis of the real trace, as it may be shown. */
export function forDisplay(analysis: TraceAnalysis, baselines: Baselines, redactor: Redactor): AnalysedTrace {
  const { trace, findings, score } = analysis;
  return {
    trace: redactTrace(trace, redactor),
    findings: redactFindings(findings, redactor),
    score,
    baselineRatio: baselineRatioOf(trace, baselines),
  };
}

export function analyseTrace(
  trace: Trace,
  baselines: Baselines,
  settings: AnalysisSettings,
  redactor: Redactor
): AnalysedTrace {
  return forDisplay(analyzeTrace(trace, { settings, baselines }), baselines, redactor);
}

export interface OneTrace {
  /** `null` when the backend has no such trace. */
  analysed: AnalysedTrace | null;
  baselineProblem?: string;
}

/**
 * One trace by id, through the whole pipeline; judged against the baselines of the incident range it was listed
 * in, or else of the hour before it ended (`baselineWindow.ts`).
 */
export async function loadAnalysedTrace(
  clients: DataClients,
  traceId: string,
  settings: AnalysisSettings,
  redactor: Redactor,
  listedIn?: IncidentRange,
  signal?: AbortSignal
): Promise<OneTrace> {
  const trace = await loadTraceById(clients, traceId, signal);
  if (!trace || trace.spans.length === 0) {
    return { analysed: null };
  }
  const baseline = await loadBaselines({
    prometheus: clients.prometheus,
    flavour: clients.prometheus ? await clients.spanMetricsFlavour(signal) : undefined,
    scope: scopeOf(trace.services),
    window: listedIn ? incidentBaseline(listedIn) : singleTraceBaseline(trace),
    signal,
  });
  return { analysed: analyseTrace(trace, baseline.baselines, settings, redactor), baselineProblem: baseline.problem };
}
