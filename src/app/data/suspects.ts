/**
 * "Where to look first" for the incident page: a sample of every trace in scope from the hour before the range (the
 * baseline) and one from the range, taken alike and bounded, handed undecoded to the analysis worker, which profiles
 * the first and ranks the second against it as it arrives (`suspectAnalysis`). On Tempo each window is searched in
 * slices (TraceQL for any span in scope) and an even sample of what was found is fetched by id; on Jaeger, which
 * returns whole traces, the newest traces of each service in scope per slice. Why the window: docs/decisions.md,
 * "Where to look first".
 */
import type { RedactionSettings } from '../../analysis';
import type { JaegerClient, TempoClient } from '../../clients';
import { type Scope, type TraceAttributeFilter, traceqlInScope } from '../../queries';
import { openSuspectAnalysis } from './analysisWorker';
import { recentTraceSearches } from './jaegerCandidates';
import { fetchScopeAnswers } from './jaegerSearches';
import { mapLimited } from './mapLimited';
import type { SampleJson, ShownRanking, SuspectAnalysis, SuspectAnalysisEvent, SuspectWindow } from './suspectAnalysis';
import { NO_TRACE_DATA_SOURCE } from './clients';

/** The baseline is the hour before the range: see docs/decisions.md, "Where to look first". */
const BASELINE_WINDOW_SECONDS = 3600;
/** Each window is searched in this many slices, since both backends return the newest traces of a search first. */
const SAMPLE_SLICES = 4;
/** Traces per window at most: on Tempo fetched by id, evenly from the search's summaries. */
const SAMPLE_TRACES = 120;
/** Tempo: summaries asked per slice (cheap; only `SAMPLE_TRACES` of them are fetched). */
const TEMPO_SLICE_LIMIT = 250;
/**
 * Jaeger: traces asked per window, split over the services and slices — twice the sample, since one trace passes
 * through several of the services searched and is answered for each — and per service and slice at least and at most
 * (Jaeger's search depth).
 */
const JAEGER_ASKED = 2 * SAMPLE_TRACES;
const JAEGER_MIN_PER_SLICE = 5;
const JAEGER_MAX_PER_SLICE = 20;
/** Below this many baseline traces the page says the baseline is thin (the ranking refuses below 10). */
export const THIN_BASELINE_TRACES = 50;
const FETCH_CONCURRENCY = 4;

export interface SuspectsQuery {
  tempo?: TempoClient;
  jaeger?: JaegerClient;
  scope: Scope;
  /** The range, Unix seconds. */
  start: number;
  end: number;
  /** The attribute values the list is narrowed to: the suspects are those of the same traces. */
  filters?: readonly TraceAttributeFilter[];
  redaction: RedactionSettings;
  signal?: AbortSignal;
}

export interface Suspects {
  /** Undefined until the baseline is profiled and range traces arrived. */
  ranking?: ShownRanking;
  /** The baseline window asked for, Unix seconds. */
  baselineWindow: { start: number; end: number };
  /** What the samples could not see, one sentence each. */
  partial: string[];
}

interface Window {
  start: number;
  end: number;
}

function slices(w: Window): Window[] {
  const step = (w.end - w.start) / SAMPLE_SLICES;
  return Array.from({ length: SAMPLE_SLICES }, (_, i) => ({
    start: w.start + i * step,
    end: w.start + (i + 1) * step,
  }));
}

/** Every `total / wanted`-th item, so a sample spans the slices rather than the first of them. */
function evenSample<T>(items: readonly T[], wanted: number): T[] {
  if (items.length <= wanted) {
    return [...items];
  }
  return Array.from({ length: wanted }, (_, i) => items[Math.floor((i * items.length) / wanted)] as T);
}

/** Tempo: slices searched, an even sample fetched by id, each trace handed on as it arrives. */
async function tempoSample(
  tempo: TempoClient,
  q: SuspectsQuery,
  w: Window,
  hand: (samples: SampleJson[]) => void
): Promise<string[]> {
  const options = { signal: q.signal };
  const query = traceqlInScope(q.scope, q.filters);
  const searches = await Promise.all(
    slices(w).map((s) =>
      tempo.search({ query, start: Math.floor(s.start), end: Math.ceil(s.end), limit: TEMPO_SLICE_LIMIT }, options)
    )
  );
  const ids = [...new Set(searches.flatMap((s) => s.traces.map((t) => t.traceId)))];
  let missing = 0;
  await mapLimited(evenSample(ids, SAMPLE_TRACES), FETCH_CONCURRENCY, async (id) => {
    const answer = await tempo.getTraceAnswer(id, { start: w.start, end: w.end }, options);
    answer === null ? missing++ : hand([{ format: 'tempo-answer', answer }]);
  });
  return missing > 0 ? [`${missing} traces found by the search could not be loaded.`] : [];
}

/** Jaeger: the newest traces of each service in scope per slice, as the searches answered them. */
async function jaegerSample(
  jaeger: JaegerClient,
  q: SuspectsQuery,
  w: Window,
  hand: (samples: SampleJson[]) => void
): Promise<string[]> {
  const fetched = await fetchScopeAnswers({
    jaeger,
    scope: q.scope,
    filters: q.filters,
    signal: q.signal,
    searchesFor: (service, servicesSearched) =>
      recentTraceSearches(
        service,
        w,
        SAMPLE_SLICES,
        Math.min(
          JAEGER_MAX_PER_SLICE,
          Math.max(JAEGER_MIN_PER_SLICE, Math.ceil(JAEGER_ASKED / (servicesSearched * SAMPLE_SLICES)))
        )
      ),
  });
  if (fetched.firstError && fetched.failed === fetched.searches) {
    throw fetched.firstError;
  }
  hand([{ format: 'jaeger-answers', answers: fetched.answers, filters: q.filters ?? [] }]);
  return [
    ...(fetched.failed > 0
      ? [`${fetched.failed} of ${fetched.searches} searches failed; the first: ${fetched.firstError?.message}`]
      : []),
    ...(fetched.servicesInScope > fetched.services.length
      ? [`Only the first ${fetched.services.length} of ${fetched.servicesInScope} services in scope were searched.`]
      : []),
  ];
}

function abortError(): Error {
  const error = new Error('The load was cancelled');
  error.name = 'AbortError';
  return error;
}

/** The suspects of the query's range; `onProgress` gets each ranking before the final one. */
export function findSuspects(q: SuspectsQuery, onProgress: (partial: Suspects) => void = () => {}): Promise<Suspects> {
  const sample = q.jaeger
    ? (w: Window, hand: (s: SampleJson[]) => void) => jaegerSample(q.jaeger!, q, w, hand)
    : q.tempo
      ? (w: Window, hand: (s: SampleJson[]) => void) => tempoSample(q.tempo!, q, w, hand)
      : undefined;
  if (!sample) {
    return Promise.reject(new Error(NO_TRACE_DATA_SOURCE));
  }
  const baselineWindow = { start: q.start - BASELINE_WINDOW_SECONDS, end: q.start };
  const partial: string[] = [];
  return new Promise<Suspects>((resolve, reject) => {
    let settled = false;
    let analysis: SuspectAnalysis | undefined;
    const finish = (outcome: () => void) => {
      if (!settled) {
        settled = true;
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

    const onEvent = (event: SuspectAnalysisEvent) => {
      if (settled) {
        return;
      }
      if (event.type === 'failed') {
        fail(new Error(`Ranking the suspects failed: ${event.message}`));
      } else if (event.final) {
        finish(() => resolve({ ranking: event.ranking, baselineWindow, partial }));
      } else {
        onProgress({ ranking: event.ranking, baselineWindow, partial });
      }
    };
    analysis = openSuspectAnalysis({ redaction: q.redaction, rangeStartMs: q.start * 1000 }, onEvent);
    const run = async (window: SuspectWindow, w: Window) => {
      const notes = await sample(w, (samples) => !settled && analysis?.add(window, samples));
      partial.push(...notes.map((note) => `${window === 'baseline' ? 'Baseline' : 'Range'}: ${note}`));
      analysis?.end(window);
    };
    // Both at once: the analysis keeps the range's traces until the baseline is profiled.
    Promise.all([run('baseline', baselineWindow), run('range', { start: q.start, end: q.end })]).catch(fail);
  });
}
