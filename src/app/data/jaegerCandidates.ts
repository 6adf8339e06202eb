/**
 * Candidate traces from Jaeger, whose search has no TraceQL: one service per search, span duration
 * bounds, and tag equality (on the UI API only). So, per service in scope (names as given, ownership patterns
 * expanded against Jaeger's service list) and per slice of the range:
 * the traces with a span past the slow threshold, the traces with an `error=true` tag, and a sample
 * of recent traces for the structural rules (N+1, retry storms, depth, width), each narrowed by the
 * responder's filters (`jaegerSearches`). What a search returns is checked, not trusted: a trace
 * counts as failing only if a span in it failed, and only if it carries every filter value. Searches
 * run a few at a time; services and traces are capped, and the cap keeps failing, then slow traces
 * before the sample, spread over the range. Only services in scope are ever searched, so the team
 * scope holds as it does with TraceQL.
 */
import type { JaegerClient, JaegerSearch } from '../../clients';
import type { Scope, ServiceName, TraceAttributeFilter } from '../../queries';
import { type JaegerSearchesCandidate, JAEGER_SLICES } from './jaegerCandidateSelection';
import { fetchScopeAnswers } from './jaegerSearches';

/** Traces analysed per load, after de-duplication. */
export const JAEGER_MAX_TRACES = 150;
/** Traces per slow or failing search at most (Jaeger's search depth); fewer when many services share the cap. */
export const JAEGER_SEARCH_LIMIT = 20;
/** Traces per slow or failing search at least, however many services share the cap. */
export const JAEGER_MIN_SEARCH_LIMIT = 10;
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

/**
 * `count` searches of `perSlice` traces over even slices of the range: Jaeger returns the newest
 * traces of a search first, so one search over the whole range would only see its last minutes.
 */
export function recentTraceSearches(
  service: ServiceName,
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

/**
 * The slow and failing traces of one service and slice: its share of the cap, so that many services
 * do not fetch many times the traces the cap keeps; within Jaeger's search depth.
 */
export function anomalousPerSlice(servicesSearched: number, maxTraces: number): number {
  const share = Math.ceil(maxTraces / (servicesSearched * JAEGER_SLICES));
  return Math.min(JAEGER_SEARCH_LIMIT, Math.max(JAEGER_MIN_SEARCH_LIMIT, share));
}

function searchesFor(service: ServiceName, servicesSearched: number, q: JaegerCandidatesQuery): JaegerSearch[] {
  const limit = anomalousPerSlice(servicesSearched, q.maxTraces ?? JAEGER_MAX_TRACES);
  return recentTraceSearches(service, q, JAEGER_SLICES, SAMPLE_PER_SLICE).flatMap((slice) => [
    { ...slice, minDurationMs: q.slowSpanMs, limit },
    { ...slice, tags: { error: 'true' }, limit },
    slice,
  ]);
}

/** The page's part: the searches of the scope, answered; throws the first failure. */
export async function fetchJaegerCandidates(q: JaegerCandidatesQuery): Promise<JaegerSearchesCandidate> {
  const fetched = await fetchScopeAnswers({
    ...q,
    searchesFor: (service, servicesSearched) => searchesFor(service, servicesSearched, q),
  });
  // The list stands for the scope: a search that failed would hide its service's anomalies without a word.
  if (fetched.firstError) {
    throw fetched.firstError;
  }
  return {
    format: 'jaeger-searches',
    answers: fetched.answers,
    services: fetched.services,
    servicesInScope: fetched.servicesInScope,
    filters: q.filters ?? [],
    slowSpanMs: q.slowSpanMs,
    start: q.start,
    end: q.end,
    maxTraces: q.maxTraces ?? JAEGER_MAX_TRACES,
  };
}
