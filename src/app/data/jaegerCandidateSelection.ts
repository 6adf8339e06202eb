/**
 * Jaeger's candidates chosen from what the load's searches answered: the traces read and checked
 * (`jaegerAnswers`), then ranked for the cap — failing, then slow, then the rest, spread over the range — and
 * capped, with a note of what the caps left out. Pure and free of the page's imports: the analysis worker runs it
 * on the answers the page transferred (or the page itself, where no worker starts).
 */
import type { Trace } from '../../analysis';
import type { JaegerSearch } from '../../clients';
import type { TraceAttributeFilter } from '../../queries';
import { type ScopeSearchAnswer, selectScopeTraces } from './jaegerAnswers';

/**
 * Each search covers one of this many slices of the range: Jaeger returns the newest traces of a
 * search first, so a busy end of the range would otherwise hide the failures that began the incident.
 */
export const JAEGER_SLICES = 3;

export interface JaegerCandidates {
  traces: Trace[];
  /** What the caps left out, for the page to say so; undefined when nothing was. */
  truncated?: string;
}

/**
 * A load's Jaeger searches as they answered, undecoded, with what choosing the candidates from them takes: plain data
 * and bytes, so the page posts it to the analysis worker as one candidate (the bytes transferred) and the worker
 * reads, builds and caps the traces (`selectJaegerCandidates`) off the page's thread.
 */
export interface JaegerSearchesCandidate {
  readonly format: 'jaeger-searches';
  readonly answers: readonly ScopeSearchAnswer[];
  readonly services: readonly string[];
  readonly servicesInScope: number;
  readonly filters: readonly TraceAttributeFilter[];
  readonly slowSpanMs: number;
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly maxTraces: number;
}

/**
 * The cap's order. By what the trace holds, whichever search found it: failing, then slow, then the
 * rest. Within a rank, the newest trace of each slice of the range, then the second newest of each,
 * and so on: newest first alone would fill the cap from the end of the range and drop the first
 * failures, where an incident usually begins.
 */
function rankedForCap(traces: readonly Trace[], q: JaegerSearchesCandidate): Trace[] {
  const sliceMs = ((q.end - q.start) * 1000) / JAEGER_SLICES;
  const sliceOf = (trace: Trace) =>
    Math.min(JAEGER_SLICES - 1, Math.max(0, Math.floor((trace.startUnixMs - q.start * 1000) / sliceMs)));
  const rankOf = (trace: Trace) =>
    trace.spans.some((span) => span.status === 'error')
      ? 0
      : trace.spans.some((span) => span.durationMs >= q.slowSpanMs)
        ? 1
        : 2;
  const takenPerSliceAndRank = new Map<string, number>();
  const ranked = [...traces]
    .sort((a, b) => b.startUnixMs - a.startUnixMs)
    .map((model) => {
      const rank = rankOf(model);
      const key = `${rank}/${sliceOf(model)}`;
      const round = takenPerSliceAndRank.get(key) ?? 0;
      takenPerSliceAndRank.set(key, round + 1);
      return { model, rank, round };
    });
  // Stable: within a rank and round, newest first still.
  ranked.sort((a, b) => a.rank - b.rank || a.round - b.round);
  return ranked.map(({ model }) => model);
}

const LIST = new Intl.ListFormat('en', { type: 'conjunction' });

/** A search for failing traces (`error=true`) or slow ones, as opposed to a sample of a slice. */
function isAnomalousSearch(search: JaegerSearch): boolean {
  return search.tags?.error === 'true' || search.minDurationMs !== undefined;
}

/** The candidates in the answers, ranked and capped: pure, so it runs in the analysis worker as well as on the page. */
export function selectJaegerCandidates(searches: JaegerSearchesCandidate): JaegerCandidates {
  const selected = selectScopeTraces(searches.answers, searches.filters);
  if (selected.firstError) {
    throw selected.firstError;
  }
  const ranked = rankedForCap(selected.traces, searches);
  const { answers, services, servicesInScope, maxTraces } = searches;
  const anomalous = answers.filter(({ search }) => isAnomalousSearch(search)).length;
  const anomalousFull = selected.full.filter(isAnomalousSearch).length;
  const truncated = [
    servicesInScope > services.length ? `${servicesInScope - services.length} of ${servicesInScope} services` : '',
    ranked.length > maxTraces ? `${ranked.length - maxTraces} of ${ranked.length} traces` : '',
    // Jaeger answers with the newest traces: a search for failing or slow ones at its limit may have missed older
    // ones. A sample search at its limit is the rule on a busy service, and misses no anomaly the others find.
    anomalousFull > 0
      ? `the older traces of ${anomalousFull} of ${anomalous} searches for failing or slow traces (at their limit)`
      : '',
  ].filter(Boolean);
  return {
    traces: ranked.slice(0, maxTraces),
    truncated: truncated.length > 0 ? `Left out ${LIST.format(truncated)}` : undefined,
  };
}
