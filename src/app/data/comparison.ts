/**
 * The two sets of traces "Why these traces?" compares: the anomalous traces a responder is looking
 * at, and a baseline of normal traces from the same scope, time range and filters, both with caps.
 * Normal means no failed span and no span as slow as a candidate, the same line the anomalous-trace
 * search draws, and the baseline keeps only traces of the anomalous traces' root operations: traces of other entry
 * points differ in everything (their services, their samplers), which says nothing about the anomaly. On Tempo the baseline is an even sample of what a TraceQL search finds; on Jaeger,
 * which has no such search, it is the recent traces of each service in scope over slices of the
 * range (the candidates' own per-service search, `jaegerSearches`), narrowed by the same filters.
 */
import {
  type ComparedAttribute,
  type ComparedValue,
  type SpanKind,
  type SpanStatus,
  type Trace,
  buildTrace,
} from '../../analysis';
import type { JaegerClient, TempoClient } from '../../clients';
import { type Scope, type TraceAttributeFilter, traceqlBaseline } from '../../queries';
import { CANDIDATE_SLOW_SPAN_MS } from './anomalousTraces';
import { recentTraceSearches } from './jaegerCandidates';
import { searchScope } from './jaegerSearches';
import { buildJaegerTrace } from './jaegerTraces';
import { mapLimited } from './mapLimited';
import { NO_TRACE_DATA_SOURCE } from './clients';

/** Normal traces asked of Tempo's search (summaries only, cheap). */
const BASELINE_SEARCH_LIMIT = 1000;
/** … of which at most this many, evenly spread, are fetched in full and compared. */
const BASELINE_FETCH_LIMIT = 200;
/** Selected traces fetched in full. */
const SELECTION_FETCH_LIMIT = 200;
/** On Jaeger: recent traces per service in this many slices of the range … */
const JAEGER_BASELINE_SLICES = 4;
/** … at most this many per slice (Jaeger's search depth). */
const JAEGER_BASELINE_PER_SLICE = 25;
const FETCH_CONCURRENCY = 4;

/**
 * The baseline is made of fast, successful traces, so status and durations differ from the
 * anomalous ones by construction; comparing them would only restate how the sets were chosen.
 */
const DEFINED_BY_SELECTION: readonly ComparedAttribute[] = [
  { scope: 'intrinsic', key: 'status' },
  { scope: 'intrinsic', key: 'duration' },
  { scope: 'intrinsic', key: 'traceDuration' },
];

/**
 * What the view leaves out of the comparison besides the instrumentation's attributes (the settings' list, by default
 * `INSTRUMENTATION_ATTRIBUTE_KEYS`).
 */
export const NOT_COMPARED: readonly ComparedAttribute[] = DEFINED_BY_SELECTION;

export interface ComparisonSets {
  selection: Trace[];
  baseline: Trace[];
  /** What was asked for and what could be used, for the caps line. */
  counts: {
    selectionRequested: number;
    /** Normal traces the searches found, before the sample (Tempo: at most `BASELINE_SEARCH_LIMIT`). */
    baselineFound: number;
    /** Fetched traces that turned out to hold a failed or slow span elsewhere. */
    baselineDropped: number;
    /** Normal traces found whose root operation none of the anomalous traces has, left out. */
    baselineOtherRoots: number;
    /** Normal traces that could not be loaded. */
    baselineMissing: number;
    /** How the baseline was sampled from what was found, when it was: "an even sample of 1,000 found". */
    baselineSample?: string;
  };
  /** What the comparison could not see, one sentence each, for the partial-data warning. */
  partial: string[];
}

export interface ComparisonQuery {
  /** One of the two trace backends. */
  tempo?: TempoClient;
  jaeger?: JaegerClient;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  /** The anomalous traces to explain, as shown (after the rule filter). */
  traceIds: readonly string[];
  filters: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

type TraceById = (id: string) => Promise<Trace | null>;

/** What differs between the backends: loading a trace by id, and finding the baseline. */
interface Backend {
  name: string;
  byId: TraceById;
  /** `roots`: the anomalous traces' root operations, once they are loaded; the baseline keeps only those. */
  baseline(selected: ReadonlySet<string>, roots: Promise<RootOperations>): Promise<Baseline>;
}

/** Root operations as `rootKey` spells them. */
type RootOperations = ReadonlySet<string>;

const rootKey = (service: string, operation: string) => JSON.stringify([service, operation]);

function rootOperationsOf(traces: readonly Trace[]): RootOperations {
  return new Set(traces.flatMap((t) => (t.root ? [rootKey(t.root.service, t.root.name)] : [])));
}

const hasRootIn = (roots: RootOperations) => (t: Trace) =>
  t.root !== undefined && roots.has(rootKey(t.root.service, t.root.name));

interface Baseline {
  traces: Trace[];
  counts: Omit<ComparisonSets['counts'], 'selectionRequested'>;
  partial: string[];
}

/** Every `total / wanted`-th item, so a sample of a most-recent-first list spans the whole range. */
function evenSample<T>(items: readonly T[], wanted: number): T[] {
  if (items.length <= wanted) {
    return [...items];
  }
  return Array.from({ length: wanted }, (_, i) => items[Math.floor((i * items.length) / wanted)] as T);
}

function isNormal(trace: Trace): boolean {
  return !trace.spans.some((s) => s.status === 'error' || s.durationMs >= CANDIDATE_SLOW_SPAN_MS);
}

const evenSampleNote = (found: number, used: number) =>
  found > used ? `an even sample of ${found.toLocaleString('en-US')} found` : undefined;

/** Full traces by id; one the backend lacks or fails to send counts as missing, unless none arrive. */
async function fetchTraces(
  backend: Backend,
  ids: readonly string[],
  signal: AbortSignal | undefined
): Promise<{ traces: Trace[]; missing: number }> {
  let firstError: unknown;
  const loaded = await mapLimited(ids, FETCH_CONCURRENCY, async (id) => {
    try {
      return (await backend.byId(id)) ?? undefined;
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      firstError ??= error;
      return undefined;
    }
  });
  const traces = loaded.filter((t): t is Trace => t !== undefined && t.spans.length > 0);
  if (ids.length > 0 && traces.length === 0) {
    throw firstError instanceof Error
      ? firstError
      : new Error(
          `${backend.name} has none of the ${ids.length} traces asked for; the time range may have moved past them.`
        );
  }
  return { traces, missing: ids.length - traces.length };
}

/** Tempo's TraceQL search finds normal traces in one query; an even sample of them is fetched by id. */
function tempoBackend(tempo: TempoClient, q: ComparisonQuery): Backend {
  const backend: Backend = {
    name: 'Tempo',
    async byId(id) {
      const json = await tempo.getTrace(id, { start: q.start, end: q.end }, { signal: q.signal });
      return json === null ? null : buildTrace(json);
    },
    async baseline(selected, roots) {
      const search = await tempo.search(
        {
          query: traceqlBaseline(q.scope, CANDIDATE_SLOW_SPAN_MS, q.filters),
          start: q.start,
          end: q.end,
          limit: BASELINE_SEARCH_LIMIT,
        },
        { signal: q.signal }
      );
      const found = search.traces.filter((t) => !selected.has(t.traceId));
      // The search's summaries name each trace's root, so other entry points are left out before any is fetched.
      const sameRoots = await roots;
      const candidates = found
        .filter((t) => sameRoots.has(rootKey(t.rootServiceName, t.rootTraceName)))
        .map((t) => t.traceId);
      const fetched = await fetchTraces(backend, evenSample(candidates, BASELINE_FETCH_LIMIT), q.signal);
      const traces = fetched.traces.filter(isNormal);
      return {
        traces,
        counts: {
          baselineFound: candidates.length,
          baselineDropped: fetched.traces.length - traces.length,
          baselineOtherRoots: found.length - candidates.length,
          baselineMissing: fetched.missing,
          baselineSample: evenSampleNote(candidates.length, BASELINE_FETCH_LIMIT),
        },
        partial: [
          ...(fetched.missing > 0 ? [`${fetched.missing} normal traces could not be loaded.`] : []),
          ...(search.traces.length >= BASELINE_SEARCH_LIMIT
            ? [
                `Tempo's search stopped at ${candidates.length.toLocaleString('en-US')} normal traces, so the baseline leans to the most recent ones.`,
              ]
            : []),
        ],
      };
    },
  };
  return backend;
}

/**
 * Jaeger's searches return whole traces, so the baseline needs no second round trip. A failed search
 * leaves its service and slice out and says so; only when every search fails is there no baseline.
 */
function jaegerBackend(jaeger: JaegerClient, q: ComparisonQuery): Backend {
  return {
    name: 'Jaeger',
    async byId(id) {
      const found = await jaeger.getTrace(id, { start: q.start, end: q.end }, { signal: q.signal });
      return found === null ? null : buildJaegerTrace(found);
    },
    async baseline(selected, roots) {
      const search = await searchScope({
        jaeger,
        scope: q.scope,
        filters: q.filters,
        signal: q.signal,
        searchesFor: (service) => recentTraceSearches(service, q, JAEGER_BASELINE_SLICES, JAEGER_BASELINE_PER_SLICE),
      });
      if (search.firstError && search.failed === search.searches) {
        throw search.firstError;
      }
      const found = search.traces.filter((t) => !selected.has(t.traceId));
      const candidates = found.filter(hasRootIn(await roots));
      const sampled = evenSample(candidates, BASELINE_FETCH_LIMIT);
      const traces = sampled.filter(isNormal);
      const { services, servicesInScope, searches, failed, full } = search;
      return {
        traces,
        counts: {
          baselineFound: candidates.length,
          baselineDropped: sampled.length - traces.length,
          baselineOtherRoots: found.length - candidates.length,
          baselineMissing: 0,
          baselineSample:
            [
              evenSampleNote(candidates.length, sampled.length),
              full.length > 0 &&
                `at most ${JAEGER_BASELINE_PER_SLICE} per service in each of ${JAEGER_BASELINE_SLICES} slices of the range`,
            ]
              .filter(Boolean)
              .join('; ') || undefined,
        },
        partial: [
          ...(failed > 0
            ? [
                `${failed} of ${searches} searches for normal traces failed, so some services or slices of the range are missing; the first: ${search.firstError?.message}`,
              ]
            : []),
          ...(servicesInScope > services.length
            ? [`Only the first ${services.length} of ${servicesInScope} services in scope were searched.`]
            : []),
        ],
      };
    },
  };
}

export async function loadComparisonSets(q: ComparisonQuery): Promise<ComparisonSets> {
  const backend = q.jaeger ? jaegerBackend(q.jaeger, q) : q.tempo ? tempoBackend(q.tempo, q) : undefined;
  if (!backend) {
    throw new Error(NO_TRACE_DATA_SOURCE);
  }
  const selected = fetchTraces(backend, q.traceIds.slice(0, SELECTION_FETCH_LIMIT), q.signal);
  const [selection, baseline] = await Promise.all([
    selected,
    backend.baseline(
      new Set(q.traceIds),
      selected.then((s) => rootOperationsOf(s.traces))
    ),
  ]);
  return {
    selection: selection.traces,
    baseline: baseline.traces,
    counts: { selectionRequested: q.traceIds.length, ...baseline.counts },
    partial: [
      ...(selection.missing > 0
        ? [`${selection.missing} of the ${q.traceIds.length} anomalous traces could not be loaded.`]
        : []),
      ...baseline.partial,
    ],
  };
}

/** The filter that narrows the anomalous-trace search to traces carrying a compared value. */
export function filterFor(value: ComparedValue): TraceAttributeFilter {
  const { attribute } = value;
  if (attribute.scope !== 'intrinsic') {
    return { scope: attribute.scope, key: attribute.key, value: value.value };
  }
  switch (attribute.key) {
    case 'duration':
    case 'traceDuration':
      return { scope: 'intrinsic', key: attribute.key, minMs: value.bucket?.minMs ?? 0, maxMs: value.bucket?.maxMs };
    case 'name':
      return { scope: 'intrinsic', key: 'name', value: String(value.value) };
    case 'status':
      return { scope: 'intrinsic', key: 'status', value: value.value as SpanStatus };
    case 'kind':
      return { scope: 'intrinsic', key: 'kind', value: value.value as SpanKind };
  }
}
