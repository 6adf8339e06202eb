/**
 * The two sets of traces "Why these traces?" compares: the anomalous traces a responder is looking
 * at, and a baseline of normal traces from the same scope, time range and filters, both fetched
 * from Tempo with caps. Normal means no failed span and no span as slow as a candidate, the same
 * line the anomalous-trace search draws; the baseline is an even sample of what Tempo finds.
 */
import {
  type ComparedAttribute,
  type ComparedValue,
  type SpanKind,
  type SpanStatus,
  type Trace,
  buildTrace,
} from '../../analysis';
import type { TempoClient } from '../../clients';
import { type Scope, type TraceAttributeFilter, traceqlBaseline } from '../../queries';
import { CANDIDATE_SLOW_SPAN_MS } from './anomalousTraces';
import { mapLimited } from './mapLimited';

/** Normal traces asked of Tempo's search (summaries only, cheap). */
export const BASELINE_SEARCH_LIMIT = 1000;
/** … of which at most this many, evenly spread, are fetched in full and compared. */
export const BASELINE_FETCH_LIMIT = 200;
/** Selected traces fetched in full. */
export const SELECTION_FETCH_LIMIT = 200;
const FETCH_CONCURRENCY = 4;

/**
 * The baseline is made of fast, successful traces, so status and durations differ from the
 * anomalous ones by construction; comparing them would only restate how the sets were chosen.
 */
export const DEFINED_BY_SELECTION: readonly ComparedAttribute[] = [
  { scope: 'intrinsic', key: 'status' },
  { scope: 'intrinsic', key: 'duration' },
  { scope: 'intrinsic', key: 'traceDuration' },
];

export interface ComparisonSets {
  selection: Trace[];
  baseline: Trace[];
  /** What was asked for and what could be used, for the caps line and partial-data warnings. */
  counts: {
    selectionRequested: number;
    /** Selected traces Tempo did not return or that failed to load. */
    selectionMissing: number;
    /** Normal traces Tempo's search found (at most `BASELINE_SEARCH_LIMIT`). */
    baselineFound: number;
    /** The search stopped at its limit, so older normal traces were not seen. */
    baselineTruncated: boolean;
    /** Fetched traces that turned out to hold a failed or slow span elsewhere. */
    baselineDropped: number;
    baselineMissing: number;
  };
}

export interface ComparisonQuery {
  tempo: TempoClient;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  /** The anomalous traces to explain, as shown (after the rule filter). */
  traceIds: readonly string[];
  filters: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
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

/** Full traces by id; one Tempo lacks or fails to send counts as missing, unless none arrive. */
async function fetchTraces(q: ComparisonQuery, ids: readonly string[]): Promise<{ traces: Trace[]; missing: number }> {
  let firstError: unknown;
  const loaded = await mapLimited(ids, FETCH_CONCURRENCY, async (id) => {
    try {
      const json = await q.tempo.getTrace(id, { start: q.start, end: q.end }, { signal: q.signal });
      return json === null ? undefined : buildTrace(json);
    } catch (error) {
      if (q.signal?.aborted) {
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
      : new Error(`Tempo has none of the ${ids.length} traces asked for; the time range may have moved past them.`);
  }
  return { traces, missing: ids.length - traces.length };
}

export async function loadComparisonSets(q: ComparisonQuery): Promise<ComparisonSets> {
  const selectedIds = q.traceIds.slice(0, SELECTION_FETCH_LIMIT);
  const selected = new Set(selectedIds);
  const [selection, search] = await Promise.all([
    fetchTraces(q, selectedIds),
    q.tempo.search(
      {
        query: traceqlBaseline(q.scope, CANDIDATE_SLOW_SPAN_MS, q.filters),
        start: q.start,
        end: q.end,
        limit: BASELINE_SEARCH_LIMIT,
      },
      { signal: q.signal }
    ),
  ]);
  const candidates = search.traces.map((t) => t.traceId).filter((id) => !selected.has(id));
  const fetched = await fetchTraces(q, evenSample(candidates, BASELINE_FETCH_LIMIT));
  const baseline = fetched.traces.filter(isNormal);
  return {
    selection: selection.traces,
    baseline,
    counts: {
      selectionRequested: q.traceIds.length,
      selectionMissing: selection.missing,
      baselineFound: candidates.length,
      baselineTruncated: search.traces.length >= BASELINE_SEARCH_LIMIT,
      baselineDropped: fetched.traces.length - baseline.length,
      baselineMissing: fetched.missing,
    },
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
