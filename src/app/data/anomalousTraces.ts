/**
 * Finding the anomalous traces of a scope and time range: candidates from the trace backend (on
 * Tempo a TraceQL search for spans in error or slow, then the full traces; on Jaeger per-service
 * searches, see `jaegerCandidates`), analysed off the page's thread as they arrive (`analysisWorker`:
 * the analysis of `traceAnalysis`'s pipeline — baselines, rules on the real trace, redaction for
 * display), and ranked. The rows found so far are reported while the rest is fetched and analysed.
 * Baselines are optional: without Prometheus the `slow` rule stays silent and the page says why.
 */
import { type AnalysisSettings, type LatencyBaselines, type RedactionSettings, baselineAnchor } from '../../analysis';
import type { PrometheusClient, TempoClient, JaegerClient } from '../../clients';
import { type Scope, type SpanMetricsFlavour, type TraceAttributeFilter, traceqlCandidates } from '../../queries';
import { openCandidateAnalysis } from './analysisWorker';
import {
  type AnomalousTrace,
  type CandidateAnalysis,
  type CandidateAnalysisEvent,
  type CandidateJson,
  rankRows,
} from './candidateAnalysis';
import { fetchJaegerCandidates } from './jaegerCandidates';
import { mapLimited } from './mapLimited';
import { loadBaselines } from './traceAnalysis';
import { NO_TRACE_DATA_SOURCE } from './clients';

export { type AnomalousTrace, rankRows } from './candidateAnalysis';

/** Spans at least this slow are candidates even without errors; the rules decide whether they are anomalous. */
export const CANDIDATE_SLOW_SPAN_MS = 500;
/** Candidates fetched and analysed per load on Tempo unless the settings say otherwise; Tempo returns the most recent first. */
export const CANDIDATE_LIMIT = 40;
const FETCH_CONCURRENCY = 4;
/** Baselines are loaded from this long before the range too: a candidate may have started before it. */
const EARLY_START_SECONDS = 3600;
/** The list is re-rendered at most this often while traces arrive; the first rows are shown at once. */
const PROGRESS_INTERVAL_MS = 1000;

/** An incident page's range, in Unix seconds. */
export interface IncidentRange {
  readonly start: number;
  readonly end: number;
}

export interface AnomalousTraces {
  /** Ranked, worst first. */
  traces: AnomalousTrace[];
  /** Candidates analysed so far; all of them once the load is done. */
  candidates: number;
  /** Why the `slow` rule could not run, if it could not. */
  baselineProblem?: string;
  /** The baselines of the range's last anchor, to say what the traces were judged against. */
  latestBaselines?: LatencyBaselines;
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
  /** Compiled where the analysis runs (a redactor's functions cannot be posted to a worker). */
  redaction: RedactionSettings;
  /** Candidates analysed per load; the backend's default (`CANDIDATE_LIMIT`, `JAEGER_MAX_TRACES`) when omitted. */
  maxCandidates?: number;
  /** Attribute values a responder narrowed the list to ("Why these traces?"): TraceQL on Tempo, search tags on Jaeger. */
  filters?: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

/** Fetches Tempo's candidates a few at a time, handing each trace on as it arrives; resolves to how many there were. */
async function tempoCandidates(
  tempo: TempoClient,
  q: AnomalousTracesQuery,
  onTraces: (traces: CandidateJson[]) => void
): Promise<number> {
  const options = { signal: q.signal };
  const { traces: candidates } = await tempo.search(
    {
      query: traceqlCandidates(q.scope, CANDIDATE_SLOW_SPAN_MS, q.filters),
      start: q.start,
      end: q.end,
      limit: q.maxCandidates ?? CANDIDATE_LIMIT,
    },
    options
  );
  await mapLimited(candidates, FETCH_CONCURRENCY, async (c) => {
    // Undecoded: the analysis decodes and parses it, off the page's thread when it runs in the worker.
    const answer = await tempo.getTraceAnswer(c.traceId, { start: q.start, end: q.end }, options);
    if (answer !== null) {
      onTraces([{ format: 'tempo-answer', answer }]);
    }
  });
  return candidates.length;
}

function abortError(): Error {
  const error = new Error('The load was cancelled');
  error.name = 'AbortError';
  return error;
}

/**
 * The anomalous traces of the query; `onProgress` gets the ranked rows found so far while candidates are still
 * fetched and analysed (never after the promise settled or the signal aborted).
 */
export function findAnomalousTraces(
  q: AnomalousTracesQuery,
  onProgress: (partial: AnomalousTraces) => void = () => {}
): Promise<AnomalousTraces> {
  if (!q.jaeger && !q.tempo) {
    return Promise.reject(new Error(NO_TRACE_DATA_SOURCE));
  }
  const anchors = { first: baselineAnchor((q.start - EARLY_START_SECONDS) * 1000), last: baselineAnchor(q.end * 1000) };
  const baselines = loadBaselines({
    prometheus: q.prometheus,
    flavour: q.flavour,
    scope: q.scope,
    anchors,
    signal: q.signal,
  });

  return new Promise<AnomalousTraces>((resolve, reject) => {
    const rows: AnomalousTrace[] = [];
    let analysed = 0;
    let baselineProblem: string | undefined;
    let latestBaselines: LatencyBaselines | undefined;
    let settled = false;
    let analysis: CandidateAnalysis | undefined;
    let lastProgress = 0;
    let progressTimer: ReturnType<typeof setTimeout> | undefined;

    const snapshot = (): AnomalousTraces => ({
      traces: rankRows(rows),
      candidates: analysed,
      baselineProblem,
      latestBaselines,
    });
    const report = () => {
      progressTimer = undefined;
      lastProgress = performance.now();
      onProgress(snapshot());
    };
    const finish = (outcome: () => void) => {
      if (!settled) {
        settled = true;
        clearTimeout(progressTimer);
        q.signal?.removeEventListener('abort', onAbort);
        outcome();
      }
    };
    const fail = (error: unknown) => {
      analysis?.cancel();
      finish(() => reject(error));
    };
    const onAbort = () => fail(abortError());
    q.signal?.addEventListener('abort', onAbort, { once: true });

    const onEvent = (event: CandidateAnalysisEvent) => {
      if (settled) {
        return;
      }
      if (event.type === 'failed') {
        fail(new Error(`Analysing the candidate traces failed: ${event.message}`));
      } else if (event.type === 'rows') {
        rows.push(...event.rows);
        analysed = event.analysed;
        if (event.rows.length > 0 && progressTimer === undefined) {
          progressTimer = setTimeout(report, Math.max(0, lastProgress + PROGRESS_INTERVAL_MS - performance.now()));
        }
      } else {
        analysed = event.analysed;
        finish(() => resolve({ ...snapshot(), truncated: event.truncated }));
      }
    };

    // Traces that arrive before the baselines wait for them: the `slow` rule needs them.
    const started = baselines.then((baseline) => {
      baselineProblem = baseline.problem;
      latestBaselines = baseline.byAnchor.get(anchors.last);
      if (!settled) {
        const request = { settings: q.settings, redaction: q.redaction, baselines: baseline.byAnchor };
        analysis = openCandidateAnalysis(request, onEvent);
      }
      return analysis;
    });
    const hand = (traces: readonly CandidateJson[]) => {
      if (traces.length > 0) {
        void started.then(
          (a) => a?.add(traces),
          () => {} // the baselines' failure is reported by `fail` below
        );
      }
    };

    // Jaeger's searches go to the analysis undecoded, as one candidate: its filters and cap judge the traces by what
    // they hold, so they are read, built and ranked where the analysis runs, not on the page.
    const fetched = q.jaeger
      ? fetchJaegerCandidates({
          ...q,
          jaeger: q.jaeger,
          slowSpanMs: CANDIDATE_SLOW_SPAN_MS,
          maxTraces: q.maxCandidates,
        }).then((searches) => hand([searches]))
      : tempoCandidates(q.tempo as TempoClient, q, hand);
    Promise.all([fetched, started]).then(() => started.then((a) => a?.end()), fail);
  });
}
