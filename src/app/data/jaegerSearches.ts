/**
 * Searching Jaeger over a team scope: Jaeger has no TraceQL, so a scope becomes one search per
 * service in it (names as given, ownership patterns expanded against Jaeger's service list with the
 * ownership contract's glob semantics), and the attribute values a responder narrowed the traces to become Jaeger search
 * parameters (`tags`, `operation`, `minDuration`/`maxDuration`) where Jaeger can express them. What
 * comes back is checked, not trusted: a trace counts only if it carries every filter value
 * (`matchesFilters`, in `jaegerAnswers`). Used by the anomalous-trace candidates and by the comparison's baseline.
 */
import type { JaegerClient, JaegerSearch } from '../../clients';
import { serviceMatches } from '../../contract';
import { type Scope, type ServiceName, type TraceAttributeFilter, isGlob, serviceName } from '../../queries';
import { type ScopeSearchAnswer, type ScopeSelection, selectScopeTraces } from './jaegerAnswers';
import { mapLimited } from './mapLimited';

/** Services searched per load; a scope that expands to more searches the first ones alphabetically. */
export const JAEGER_MAX_SERVICES = 25;
const SEARCH_CONCURRENCY = 4;

/**
 * The services of the scope Jaeger knows: names (and ownership entries without wildcards) as given, Jaeger may
 * know them by then; patterns expanded against Jaeger's service list.
 */
export async function servicesInScope(
  jaeger: JaegerClient,
  scope: Scope,
  signal?: AbortSignal
): Promise<ServiceName[]> {
  const patterns = scope.kind === 'all' ? ['*'] : scope.patterns.filter(isGlob);
  const names =
    scope.kind === 'all' ? [] : [...scope.names, ...scope.patterns.filter((p) => !isGlob(p)).map(serviceName)];
  const known = patterns.length > 0 ? await jaeger.services({ signal }) : [];
  const expanded = known.filter((service) => serviceMatches(patterns, service)).map(serviceName);
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
  searchesFor(service: ServiceName, servicesSearched: number): JaegerSearch[];
  filters?: readonly TraceAttributeFilter[];
  signal?: AbortSignal;
}

/** What the searches of a scope answered: plain data and bytes, so it can be posted to a worker. */
export interface ScopeAnswers {
  /** In the order of the searches; a failed search has none. */
  answers: ScopeSearchAnswer[];
  /** The services searched, and how many the scope held before the cap. */
  services: ServiceName[];
  servicesInScope: number;
  searches: number;
  /** Searches that failed, and the first failure; a cancelled load throws instead. */
  failed: number;
  firstError?: Error;
}

export type ScopeSearchResult = Omit<ScopeAnswers, 'answers'> & ScopeSelection;

/** Runs `searchesFor` for each service in scope, a few at a time, and keeps what every search that answered sent. */
export async function fetchScopeAnswers(q: ScopeSearch): Promise<ScopeAnswers> {
  const inScope = await servicesInScope(q.jaeger, q.scope, q.signal);
  const services = inScope.slice(0, JAEGER_MAX_SERVICES);
  const narrowing = jaegerNarrowing(q.filters ?? []);
  const searches = services.flatMap((service) =>
    q.searchesFor(service, services.length).map((s) => narrowSearch(s, narrowing))
  );
  let failed = 0;
  let firstError: Error | undefined;
  const answers = await mapLimited(searches, SEARCH_CONCURRENCY, async (search) => {
    try {
      return [{ answer: await q.jaeger.searchAnswer(search, { signal: q.signal }), search }];
    } catch (error) {
      if (q.signal?.aborted) {
        throw error;
      }
      failed++;
      firstError ??= error instanceof Error ? error : new Error(String(error));
      return [];
    }
  });
  return {
    answers: answers.flat(),
    services,
    servicesInScope: inScope.length,
    searches: searches.length,
    failed,
    firstError,
  };
}

/** The scope's traces, fetched and selected on the page (the comparison's baseline). */
export async function searchScope(q: ScopeSearch): Promise<ScopeSearchResult> {
  const { answers, ...fetched } = await fetchScopeAnswers(q);
  const selected = selectScopeTraces(answers, q.filters);
  return {
    ...fetched,
    ...selected,
    failed: fetched.failed + selected.failed,
    firstError: fetched.firstError ?? selected.firstError,
  };
}
