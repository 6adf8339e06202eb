/**
 * Candidate traces from Jaeger, whose search has no TraceQL: one service per search, span duration
 * bounds, and tag equality (on the UI API only). So, per service in scope (names as given, globs
 * expanded against Jaeger's service list with the scope's glob semantics): the traces with a span
 * past the slow threshold, the traces with an `error=true` tag, and a sample of recent traces spread
 * over the range for the structural rules (N+1, retry storms, depth, width). What a search returns
 * is checked, not trusted: a trace counts as failing only if a span in it failed. Searches run a few
 * at a time; services and traces are capped, and the cap keeps failing, then slow traces before the
 * sample. Only services in scope are ever searched, so the team scope holds as it does with TraceQL.
 */
import type { Trace } from '../../analysis';
import type { JaegerClient, JaegerSearch, JaegerTrace } from '../../clients';
import type { Scope } from '../../queries';
import { serviceMatches } from '../../contract';
import { leftOutNote, selectJaegerCandidates } from './jaegerSelection';
import { mapLimited } from './mapLimited';

/** Services searched per load; a scope that expands to more searches the first ones alphabetically. */
export const JAEGER_MAX_SERVICES = 25;
/** Traces per search: Jaeger's search depth. */
export const JAEGER_SEARCH_LIMIT = 20;
/** The recent-trace sample is taken in this many slices of the range, so one busy minute does not hide the rest. */
export const JAEGER_SAMPLE_SLICES = 3;
const SAMPLE_PER_SLICE = 10;
const SEARCH_CONCURRENCY = 4;

export interface JaegerCandidatesQuery {
  jaeger: JaegerClient;
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Traces with a span at least this slow are candidates. */
  slowSpanMs: number;
  signal?: AbortSignal;
}

export interface JaegerCandidates {
  traces: Trace[];
  /** The services searched. */
  services: string[];
  /** What the caps left out, for the page to say so; undefined when nothing was. */
  truncated?: string;
}

/** The services of the scope Jaeger knows: exact names as given (Jaeger may know them by then), globs expanded. */
export async function servicesInScope(jaeger: JaegerClient, scope: Scope, signal?: AbortSignal): Promise<string[]> {
  const entries = scope.kind === 'all' ? ['*'] : [...new Set(scope.services)];
  const globs = entries.filter((entry) => entry.includes('*') || entry.includes('?'));
  const names = entries.filter((entry) => !globs.includes(entry));
  const known = globs.length > 0 ? await jaeger.services({ signal }) : [];
  const expanded = known.filter((service) => serviceMatches(globs, service));
  return [...new Set([...names, ...expanded])].sort();
}

function searchesFor(service: string, q: JaegerCandidatesQuery): JaegerSearch[] {
  const searches: JaegerSearch[] = [
    { service, start: q.start, end: q.end, minDurationMs: q.slowSpanMs, limit: JAEGER_SEARCH_LIMIT },
    { service, start: q.start, end: q.end, tags: { error: 'true' }, limit: JAEGER_SEARCH_LIMIT },
  ];
  const slice = (q.end - q.start) / JAEGER_SAMPLE_SLICES;
  for (let i = 0; i < JAEGER_SAMPLE_SLICES; i++) {
    searches.push({ service, start: q.start + i * slice, end: q.start + (i + 1) * slice, limit: SAMPLE_PER_SLICE });
  }
  return searches;
}

/** What the searches found, de-duplicated by trace id, before the cap: JSON as Jaeger sent it. */
export interface JaegerSearchResults {
  traces: JaegerTrace[];
  /** The services searched. */
  services: string[];
  /** How many services the scope expands to (more than `services` when capped). */
  inScope: number;
}

/**
 * Runs the searches a few at a time; `onTraces` gets each search's traces not seen before as soon as it answers,
 * so their JSON can go where the models are built (the analysis worker) while the other searches run.
 */
export async function searchJaegerCandidates(
  q: JaegerCandidatesQuery,
  onTraces: (traces: JaegerTrace[]) => void = () => {}
): Promise<JaegerSearchResults> {
  const options = { signal: q.signal };
  const inScope = await servicesInScope(q.jaeger, q.scope, q.signal);
  const services = inScope.slice(0, JAEGER_MAX_SERVICES);
  const searches = services.flatMap((service) => searchesFor(service, q));
  const found = new Map<string, JaegerTrace>();
  await mapLimited(searches, SEARCH_CONCURRENCY, async (search) => {
    const fresh = (await q.jaeger.search(search, options)).filter((trace) => !found.has(trace.traceId));
    for (const trace of fresh) {
      found.set(trace.traceId, trace);
    }
    onTraces(fresh);
  });
  return { traces: [...found.values()], services, inScope: inScope.length };
}

export async function findJaegerCandidates(q: JaegerCandidatesQuery): Promise<JaegerCandidates> {
  const found = await searchJaegerCandidates(q);
  const traces = selectJaegerCandidates(found.traces, q.slowSpanMs);
  return {
    traces,
    services: found.services,
    truncated: leftOutNote(
      { inScope: found.inScope, searched: found.services.length },
      { found: found.traces.length, kept: traces.length }
    ),
  };
}
