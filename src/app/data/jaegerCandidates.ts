/**
 * Candidate traces from Jaeger, whose search has no TraceQL: one service per search, span duration
 * bounds, and tag equality (on the UI API only). So, per service in scope (names as given, globs
 * expanded against Jaeger's service list with the scope's glob semantics): the traces with a span
 * past the slow threshold, the traces with an `error=true` tag, and a sample of recent traces spread
 * over the range for the structural rules (N+1, retry storms, depth, width), each narrowed by the
 * responder's filters (`jaegerSearches`). What a search returns is checked, not trusted: a trace
 * counts as failing only if a span in it failed, and only if it carries every filter value. Searches
 * run a few at a time; services and traces are capped, and the cap keeps failing, then slow traces
 * before the sample. Only services in scope are ever searched, so the team scope holds as it does
 * with TraceQL.
 */
import type { Trace } from '../../analysis';
import type { JaegerClient, JaegerSearch } from '../../clients';
import type { Scope, TraceAttributeFilter } from '../../queries';
import { searchScope } from './jaegerSearches';

/** Traces analysed per load, after de-duplication. */
export const JAEGER_MAX_TRACES = 150;
/** Traces per search: Jaeger's search depth. */
export const JAEGER_SEARCH_LIMIT = 20;
/** The recent-trace sample is taken in this many slices of the range, so one busy minute does not hide the rest. */
export const JAEGER_SAMPLE_SLICES = 3;
const SAMPLE_PER_SLICE = 10;

export interface JaegerCandidatesQuery {
  jaeger: JaegerClient;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Traces with a span at least this slow are candidates. */
  slowSpanMs: number;
  /** Attribute values a responder narrowed the list to ("Why these traces?"). */
  filters?: readonly TraceAttributeFilter[];
  /** Traces kept after de-duplication; `JAEGER_MAX_TRACES` when omitted. */
  maxTraces?: number;
  signal?: AbortSignal;
}

export interface JaegerCandidates {
  traces: Trace[];
  /** The services searched. */
  services: string[];
  /** What the caps left out, for the page to say so; undefined when nothing was. */
  truncated?: string;
}

/**
 * `count` searches of `perSlice` traces over even slices of the range: Jaeger returns the newest
 * traces of a search first, so one search over the whole range would only see its last minutes.
 */
export function recentTraceSearches(
  service: string,
  range: { start: number; end: number },
  count: number,
  perSlice: number
): JaegerSearch[] {
  const slice = (range.end - range.start) / count;
  return Array.from({ length: count }, (_, i) => ({
    service,
    start: range.start + i * slice,
    end: range.start + (i + 1) * slice,
    limit: perSlice,
  }));
}

function searchesFor(service: string, q: JaegerCandidatesQuery): JaegerSearch[] {
  return [
    { service, start: q.start, end: q.end, minDurationMs: q.slowSpanMs, limit: JAEGER_SEARCH_LIMIT },
    { service, start: q.start, end: q.end, tags: { error: 'true' }, limit: JAEGER_SEARCH_LIMIT },
    ...recentTraceSearches(service, q, JAEGER_SAMPLE_SLICES, SAMPLE_PER_SLICE),
  ];
}

export async function findJaegerCandidates(q: JaegerCandidatesQuery): Promise<JaegerCandidates> {
  const found = await searchScope({ ...q, searchesFor: (service) => searchesFor(service, q) });
  // The list stands for the scope: a search that failed would hide its service's anomalies without a word.
  if (found.firstError) {
    throw found.firstError;
  }
  // Ranked by what the trace holds, whichever search found it: failing, then slow, then the rest.
  const built = found.traces.map((model) => {
    const failed = model.spans.some((span) => span.status === 'error');
    const slow = model.spans.some((span) => span.durationMs >= q.slowSpanMs);
    return { model, rank: failed ? 0 : slow ? 1 : 2 };
  });
  built.sort((a, b) => a.rank - b.rank || b.model.startUnixMs - a.model.startUnixMs);

  const { services, servicesInScope } = found;
  const maxTraces = q.maxTraces ?? JAEGER_MAX_TRACES;
  const truncated = [
    servicesInScope > services.length ? `${servicesInScope - services.length} of ${servicesInScope} services` : '',
    built.length > maxTraces ? `${built.length - maxTraces} of ${built.length} traces` : '',
  ].filter(Boolean);
  return {
    traces: built.slice(0, maxTraces).map(({ model }) => model),
    services,
    truncated: truncated.length > 0 ? `Left out ${truncated.join(' and ')}` : undefined,
  };
}
