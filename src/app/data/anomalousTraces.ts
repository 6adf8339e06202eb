/**
 * Finding the anomalous traces of a scope and time range: candidates from the trace backend (on
 * Tempo a TraceQL search for spans in error or slow, then the full traces; on Jaeger per-service
 * searches, see `jaegerCandidates`), then the trace pipeline of `traceAnalysis` (baselines, analysis,
 * redaction for display) and ranking. Baselines are optional: without Prometheus the `slow` rule stays
 * silent and the page says why.
 */
import {
  type AnalysisSettings,
  type Finding,
  type Redactor,
  type RuleId,
  type Severity,
  analyzeTrace,
  rankTraces,
} from '../../analysis';
import type { JaegerClient, PrometheusClient, TempoClient } from '../../clients';
import { type Scope, type SpanMetricsFlavour, type TraceAttributeFilter, traceqlCandidates } from '../../queries';
import { findJaegerCandidates } from './jaegerCandidates';
import { mapLimited } from './mapLimited';
import { type AnalysedTrace, forDisplay, loadBaselines } from './traceAnalysis';

/** Spans at least this slow are candidates even without errors; the rules decide whether they are anomalous. */
export const CANDIDATE_SLOW_SPAN_MS = 500;
/** Candidates fetched and analysed per load; Tempo returns the most recent first. */
export const CANDIDATE_LIMIT = 40;
const FETCH_CONCURRENCY = 4;

export interface AnomalousTrace {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startUnixMs: number;
  durationMs: number;
  /** Root duration over the p99 of its service+operation; undefined without a baseline. */
  baselineRatio?: number;
  score: number;
  rules: Array<{ rule: RuleId; severity: Severity }>;
  /** The worst finding, explanation redacted. */
  worst: Finding;
  /** The span the worst finding points at, to open the trace focused on it. */
  evidenceSpanId?: string;
}

export interface AnomalousTraces {
  traces: AnomalousTrace[];
  candidates: number;
  /** Why the `slow` rule could not run, if it could not. */
  baselineProblem?: string;
  /** What the candidate caps left out (Jaeger), if anything. */
  truncated?: string;
}

export interface AnomalousTracesQuery {
  /** One of the two trace backends. */
  tempo?: TempoClient;
  jaeger?: JaegerClient;
  prometheus?: PrometheusClient;
  /** The span metrics' flavour; Tempo's when omitted. */
  flavour?: SpanMetricsFlavour;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  settings: AnalysisSettings;
  redactor: Redactor;
  /** Attribute values a responder narrowed the list to ("Why these traces?"): TraceQL on Tempo, search tags on Jaeger. */
  filters?: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

async function tempoCandidates(tempo: TempoClient, q: AnomalousTracesQuery) {
  const options = { signal: q.signal };
  const { traces: candidates } = await tempo.search(
    {
      query: traceqlCandidates(q.scope, CANDIDATE_SLOW_SPAN_MS, q.filters),
      start: q.start,
      end: q.end,
      limit: CANDIDATE_LIMIT,
    },
    options
  );
  const fetched = await mapLimited(candidates, FETCH_CONCURRENCY, (c) =>
    tempo.getTrace(c.traceId, { start: q.start, end: q.end }, options)
  );
  return { count: candidates.length, traces: fetched.filter((trace) => trace !== null) as unknown[] };
}

function candidateTraces(q: AnomalousTracesQuery): Promise<{ count: number; traces: unknown[]; truncated?: string }> {
  if (q.jaeger) {
    return findJaegerCandidates({ ...q, jaeger: q.jaeger, slowSpanMs: CANDIDATE_SLOW_SPAN_MS }).then((found) => ({
      count: found.traces.length,
      traces: found.traces,
      truncated: found.truncated,
    }));
  }
  if (q.tempo) {
    return tempoCandidates(q.tempo, q);
  }
  return Promise.reject(new Error('No trace data source (Tempo or Jaeger) is configured.'));
}

export async function findAnomalousTraces(q: AnomalousTracesQuery): Promise<AnomalousTraces> {
  const baselines = loadBaselines({
    prometheus: q.prometheus,
    flavour: q.flavour,
    scope: q.scope,
    end: q.end,
    windowSeconds: q.end - q.start,
    signal: q.signal,
  });
  const [candidates, baseline] = await Promise.all([candidateTraces(q), baselines]);
  const analyses = rankTraces(
    candidates.traces
      .map((trace) => analyzeTrace(trace, { settings: q.settings, baselines: baseline.baselines }))
      .filter((analysis) => analysis.findings.length > 0)
  );

  return {
    candidates: candidates.count,
    truncated: candidates.truncated,
    baselineProblem: baseline.problem,
    traces: analyses.map((analysis) => listRow(forDisplay(analysis, baseline.baselines, q.redactor))),
  };
}

/** One row of the list, from the same display model the Trace page shows. */
function listRow({ trace, findings, score, baselineRatio }: AnalysedTrace): AnomalousTrace {
  const worst = findings[0] as Finding;
  const rules = new Map<RuleId, Severity>();
  for (const finding of findings) {
    if (!rules.has(finding.rule)) {
      rules.set(finding.rule, finding.severity);
    }
  }
  return {
    traceId: trace.traceId,
    rootService: trace.root?.service ?? 'unknown_service',
    rootOperation: trace.root?.name ?? '',
    startUnixMs: trace.startUnixMs,
    durationMs: trace.durationMs,
    baselineRatio,
    score,
    rules: [...rules].map(([rule, severity]) => ({ rule, severity })),
    worst,
    evidenceSpanId: worst.spanIds[0],
  };
}
