/**
 * Searching Jaeger over a team scope: Jaeger has no TraceQL, so a scope becomes one search per
 * service in it (exact names as given, globs expanded against Jaeger's service list with the scope's
 * glob semantics), and the attribute values a responder narrowed the traces to become Jaeger search
 * parameters (`tags`, `operation`, `minDuration`/`maxDuration`) where Jaeger can express them. What
 * comes back is checked, not trusted: a trace counts only if it carries every filter value
 * (`matchesFilters`). Used by the anomalous-trace candidates and by the comparison's baseline.
 */
import type { Trace } from '../../analysis';
import type { JaegerClient, JaegerSearch } from '../../clients';
import { serviceMatches } from '../../contract';
import type { Scope, TraceAttributeFilter } from '../../queries';
import { buildJaegerTrace } from './jaegerTraces';
import { mapLimited } from './mapLimited';
import { matchesFilters } from './traceFilterMatch';

/** Services searched per load; a scope that expands to more searches the first ones alphabetically. */
export const JAEGER_MAX_SERVICES = 25;
const SEARCH_CONCURRENCY = 4;

/** The services of the scope Jaeger knows: exact names as given (Jaeger may know them by then), globs expanded. */
export async function servicesInScope(jaeger: JaegerClient, scope: Scope, signal?: AbortSignal): Promise<string[]> {
  const entries = scope.kind === 'all' ? ['*'] : [...new Set(scope.services)];
  const globs = entries.filter((entry) => entry.includes('*') || entry.includes('?'));
  const names = entries.filter((entry) => !globs.includes(entry));
  const known = globs.length > 0 ? await jaeger.services({ signal }) : [];
  const expanded = known.filter((service) => serviceMatches(globs, service));
  return [...new Set([...names, ...expanded])].sort();
}

/** What of the responder's filters a Jaeger search can ask for; the rest is checked on the traces returned. */
export interface JaegerNarrowing {
  readonly tags: Readonly<Record<string, string>>;
  readonly operation?: string;
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
}

/**
 * Jaeger's tag search compares the value's text: OTLP status and kind are stored as the tags
 * `otel.status_code`/`error` and `span.kind`, integers and booleans as their decimal and
 * `true`/`false` text. Fractions (Go and JS print them differently), unset status and kind, trace
 * durations, a second name or duration, and a second value of one key are left to the check of the
 * returned traces, so a search is never narrower than the filters.
 */
export function jaegerNarrowing(filters: readonly TraceAttributeFilter[]): JaegerNarrowing {
  const tags: Record<string, string> = {};
  let operation: string | undefined;
  let duration: { minMs: number; maxMs?: number } | undefined;
  const tag = (key: string, value: string) => {
    if (!(key in tags)) {
      tags[key] = value;
    }
  };
  for (const filter of filters) {
    if (filter.scope !== 'intrinsic') {
      const { key, value } = filter;
      if (typeof value === 'string') {
        tag(key, value);
      } else if (typeof value === 'boolean' || Number.isSafeInteger(value)) {
        tag(key, String(value));
      }
      continue;
    }
    switch (filter.key) {
      case 'name':
        operation ??= filter.value;
        break;
      case 'status':
        if (filter.value === 'error') {
          tag('error', 'true');
        } else if (filter.value === 'ok') {
          tag('otel.status_code', 'OK');
        }
        break;
      case 'kind':
        if (filter.value !== 'unspecified') {
          tag('span.kind', filter.value);
        }
        break;
      case 'duration':
        duration ??= filter;
        break;
      case 'traceDuration':
        break;
    }
  }
  return { tags, operation, minDurationMs: duration?.minMs, maxDurationMs: duration?.maxMs };
}

/**
 * `search` with the narrowing added where it does not clash with the search's own conditions (which
 * win): some storages (memory) want every condition of a search on one span, so a filter's duration
 * is not added to a search that has its own.
 */
export function narrowSearch(search: JaegerSearch, narrowing: JaegerNarrowing): JaegerSearch {
  const ownDuration = search.minDurationMs !== undefined || search.maxDurationMs !== undefined;
  const tags = { ...narrowing.tags, ...search.tags };
  return {
    ...search,
    operation: search.operation ?? narrowing.operation,
    ...(ownDuration ? {} : { minDurationMs: narrowing.minDurationMs, maxDurationMs: narrowing.maxDurationMs }),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

export interface ScopeSearch {
  jaeger: JaegerClient;
  scope: Scope;
  /** The searches of one service of the `servicesSearched` after the cap, before the filters narrow them. */
  searchesFor(service: string, servicesSearched: number): JaegerSearch[];
  filters?: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

export interface ScopeSearchResult {
  /** Each trace once, in the order the searches found them, carrying every filter value. */
  traces: Trace[];
  /** The services searched, and how many the scope held before the cap. */
  services: string[];
  servicesInScope: number;
  searches: number;
  /** Searches that returned as many traces as they asked for: Jaeger may hold more. */
  full: number;
  /** Searches that failed, and the first failure; a cancelled load throws instead. */
  failed: number;
  firstError?: Error;
}

/** Runs `searchesFor` for each service in scope, a few at a time, and keeps what every search that answered found. */
export async function searchScope(q: ScopeSearch): Promise<ScopeSearchResult> {
  const inScope = await servicesInScope(q.jaeger, q.scope, q.signal);
  const services = inScope.slice(0, JAEGER_MAX_SERVICES);
  const filters = q.filters ?? [];
  const narrowing = jaegerNarrowing(filters);
  const searches = services.flatMap((service) =>
    q.searchesFor(service, services.length).map((s) => narrowSearch(s, narrowing))
  );
  let failed = 0;
  let full = 0;
  let firstError: Error | undefined;
  const results = await mapLimited(searches, SEARCH_CONCURRENCY, async (search) => {
    try {
      const found = await q.jaeger.search(search, { signal: q.signal });
      full += found.length >= search.limit ? 1 : 0;
      return found;
    } catch (error) {
      if (q.signal?.aborted) {
        throw error;
      }
      failed++;
      firstError ??= error instanceof Error ? error : new Error(String(error));
      return [];
    }
  });

  const seen = new Set<string>();
  const traces: Trace[] = [];
  for (const found of results.flat()) {
    if (seen.has(found.traceId)) {
      continue;
    }
    seen.add(found.traceId);
    const trace = buildJaegerTrace(found);
    if (matchesFilters(trace, filters)) {
      traces.push(trace);
    }
  }
  return { traces, services, servicesInScope: inScope.length, searches: searches.length, full, failed, firstError };
}
