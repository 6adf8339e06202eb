/**
 * Which of the traces Jaeger's searches found are analysed: the cap keeps failing, then slow, then the most
 * recent traces, judged by what each trace holds rather than by which search found it. Runs where the models are
 * built (the analysis worker), so it imports nothing that needs the page.
 */
import type { Trace } from '../../analysis';
import type { JaegerTrace } from '../../clients';
import { buildJaegerTrace } from './jaegerTraces';

/** Traces analysed per load, after de-duplication, unless the settings say otherwise. */
export const JAEGER_MAX_TRACES = 150;

/**
 * The candidates kept from what the searches found, ranked by what each trace holds, whichever search found it:
 * failing, then slow, then the rest; at most `maxTraces`.
 */
export function selectJaegerCandidates(
  found: readonly JaegerTrace[],
  slowSpanMs: number,
  maxTraces = JAEGER_MAX_TRACES
): Trace[] {
  const built = found.map((trace) => {
    const model = buildJaegerTrace(trace);
    const failed = model.spans.some((span) => span.status === 'error');
    const slow = model.spans.some((span) => span.durationMs >= slowSpanMs);
    return { model, rank: failed ? 0 : slow ? 1 : 2 };
  });
  // The trace id last, so the cap keeps the same traces whichever search answered first.
  built.sort(
    (a, b) =>
      a.rank - b.rank ||
      b.model.startUnixMs - a.model.startUnixMs ||
      (a.model.traceId < b.model.traceId ? -1 : a.model.traceId > b.model.traceId ? 1 : 0)
  );
  return built.slice(0, maxTraces).map(({ model }) => model);
}

/** What the caps left out, for the page to say so; undefined when nothing was. */
export function leftOutNote(services: { inScope: number; searched: number }, traces: { found: number; kept: number }) {
  const notes = [
    services.inScope > services.searched
      ? `${services.inScope - services.searched} of ${services.inScope} services`
      : '',
    traces.found > traces.kept ? `${traces.found - traces.kept} of ${traces.found} traces` : '',
  ].filter(Boolean);
  return notes.length > 0 ? `Left out ${notes.join(' and ')}` : undefined;
}
