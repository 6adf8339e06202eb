/**
 * What a scope's Jaeger searches answered, read: each answer decoded (`readJaegerSearchAnswer`), each trace once,
 * built and kept only if it carries every filter value — Jaeger's search is not trusted to have applied them. Pure
 * and free of the page's imports, so the analysis worker runs it on the answers the page transferred, and the
 * comparison on the page.
 */
import type { Trace } from '../../analysis';
import { type JaegerSearch, type JaegerSearchAnswer, type JaegerTrace, readJaegerSearchAnswer } from '../../clients';
import type { TraceAttributeFilter } from '../../queries';
import { buildJaegerTrace } from './jaegerTraces';
import { matchesFilters } from './traceFilterMatch';

/** One search's answer, undecoded, with the search it answers. */
export interface ScopeSearchAnswer {
  readonly answer: JaegerSearchAnswer;
  readonly search: JaegerSearch;
}

export interface ScopeSelection {
  /** Each trace once, in the order the searches found them, carrying every filter value. */
  traces: Trace[];
  /** Searches that returned as many traces as they asked for: Jaeger, which answers with the newest, may hold more. */
  full: JaegerSearch[];
  /** Answers that could not be read (a search that failed after all), and the first such error. */
  failed: number;
  firstError?: Error;
}

/** The traces the answers hold, read, de-duplicated, built and checked against the filters: pure, page or worker. */
export function selectScopeTraces(
  answers: readonly ScopeSearchAnswer[],
  filters: readonly TraceAttributeFilter[] = []
): ScopeSelection {
  const full: JaegerSearch[] = [];
  let failed = 0;
  let firstError: Error | undefined;
  const seen = new Set<string>();
  const traces: Trace[] = [];
  for (const { answer, search } of answers) {
    let found: JaegerTrace[];
    try {
      found = readJaegerSearchAnswer(answer);
    } catch (error) {
      failed++;
      firstError ??= error as Error;
      continue;
    }
    if (found.length >= search.limit) {
      full.push(search);
    }
    for (const trace of found) {
      if (seen.has(trace.traceId)) {
        continue;
      }
      seen.add(trace.traceId);
      const model = buildJaegerTrace(trace);
      if (matchesFilters(model, filters)) {
        traces.push(model);
      }
    }
  }
  return { traces, full, failed, firstError };
}
