/**
 * Finding the anomalous traces of a scope and time range: a TraceQL search for candidates (spans in
 * error or slow), the full traces from Tempo, p99 baselines from span metrics, then the analysis
 * rules and ranking. Everything shown is redacted. Baselines are optional: without Prometheus the
 * `slow` rule stays silent and the page says why.
 */
import {
  type AnalysisSettings,
  type Finding,
  type Redactor,
  type RuleId,
  type Severity,
  analyzeTrace,
  baselineKey,
  baselinesFromPrometheus,
  rankTraces,
} from '../../analysis';
import type { PrometheusClient, TempoClient } from '../../clients';
import { type Scope, type TraceAttributeFilter, promLatencyQuantile, traceqlCandidates } from '../../queries';

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
}

export interface AnomalousTracesQuery {
  tempo: TempoClient;
  prometheus?: PrometheusClient;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  settings: AnalysisSettings;
  redactor: Redactor;
  /** Attribute values a responder narrowed the list to ("Why these traces?"). */
  filters?: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function findAnomalousTraces(q: AnomalousTracesQuery): Promise<AnomalousTraces> {
  const options = { signal: q.signal };
  const search = q.tempo.search(
    {
      query: traceqlCandidates(q.scope, CANDIDATE_SLOW_SPAN_MS, q.filters),
      start: q.start,
      end: q.end,
      limit: CANDIDATE_LIMIT,
    },
    options
  );
  const baselineWindow = Math.max(300, Math.round(q.end - q.start));
  const baselines = q.prometheus
    ? q.prometheus
        .query(
          promLatencyQuantile({ scope: q.scope, rangeSeconds: baselineWindow, quantile: 0.99 }),
          { time: q.end },
          options
        )
        .then((result) => ({ baselines: baselinesFromPrometheus(result.resultType === 'vector' ? result.result : []) }))
        .catch((error: Error) => ({ baselines: new Map<string, number>(), problem: error.message }))
    : Promise.resolve({ baselines: new Map<string, number>(), problem: 'No Prometheus data source is configured.' });

  const [{ traces: candidates }, baseline] = await Promise.all([search, baselines]);
  const fetched = await mapLimited(candidates, FETCH_CONCURRENCY, (c) =>
    q.tempo.getTrace(c.traceId, { start: q.start, end: q.end }, options)
  );
  const analyses = rankTraces(
    fetched
      .filter((trace) => trace !== null)
      .map((trace) => analyzeTrace(trace, { settings: q.settings, baselines: baseline.baselines }))
      .filter((analysis) => analysis.findings.length > 0)
  );

  return {
    candidates: candidates.length,
    baselineProblem: 'problem' in baseline ? baseline.problem : undefined,
    traces: analyses.map(({ trace, findings, score }) => {
      const worst = findings[0] as Finding;
      const root = trace.root;
      const p99 = root ? baseline.baselines.get(baselineKey(root.service, root.name)) : undefined;
      const rules = new Map<RuleId, Severity>();
      for (const finding of findings) {
        if (!rules.has(finding.rule)) {
          rules.set(finding.rule, finding.severity);
        }
      }
      return {
        traceId: trace.traceId,
        rootService: root?.service ?? 'unknown_service',
        rootOperation: q.redactor.text(root?.name ?? ''),
        startUnixMs: trace.startUnixMs,
        durationMs: trace.durationMs,
        baselineRatio: p99 ? trace.durationMs / p99 : undefined,
        score,
        rules: [...rules].map(([rule, severity]) => ({ rule, severity })),
        worst: { ...worst, explanation: q.redactor.text(worst.explanation) },
        evidenceSpanId: worst.spanIds[0],
      };
    }),
  };
}
