/**
 * What a scope's Jaeger searches answered, read: each answer decoded (`readJaegerSearchAnswer`), each trace once,
 * built and kept only if it carries every filter value — Jaeger's search is not trusted to have applied them. Pure
 * and free of the page's imports, so the analysis worker runs it on the answers the page transferred, and the
 * comparison on the page.
 */
import type { Trace } from '../../analysis';
import { type JaegerSearchAnswer, type JaegerTrace, readJaegerSearchAnswer } from '../../clients';
import type { TraceAttributeFilter } from '../../queries';
import { buildJaegerTrace } from './jaegerTraces';
import { matchesFilters } from './traceFilterMatch';

/** One search's answer, undecoded, with the traces it asked for. */
export interface ScopeSearchAnswer {
  readonly answer: JaegerSearchAnswer;
  readonly limit: number;
}

export interface ScopeSelection {
  /** Each trace once, in the order the searches found them, carrying every filter value. */
  traces: Trace[];
  /** Searches that returned as many traces as they asked for: Jaeger may hold more. */
  full: number;
  /** Answers that could not be read (a search that failed after all), and the first such error. */
  failed: number;
  firstError?: Error;
}

/** The traces the answers hold, read, de-duplicated, built and checked against the filters: pure, page or worker. */
export function selectScopeTraces(
  answers: readonly ScopeSearchAnswer[],
  filters: readonly TraceAttributeFilter[] = []
): ScopeSelection {
  let full = 0;
  let failed = 0;
  let firstError: Error | undefined;
  const seen = new Set<string>();
  const traces: Trace[] = [];
  for (const { answer, limit } of answers) {
    let found: JaegerTrace[];
    try {
      found = readJaegerSearchAnswer(answer);
    } catch (error) {
      failed++;
      firstError ??= error as Error;
      continue;
    }
    full += found.length >= limit ? 1 : 0;
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
