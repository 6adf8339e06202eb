/**
 * One trace by id from the configured trace backend, as the analysis' model: Tempo's JSON goes to
 * `buildTrace` as it is, Jaeger's through `buildJaegerTrace`. `null` when the backend has no such trace.
 */
import { type Trace, buildTrace } from '../../analysis';
import type { JaegerClient, TempoClient } from '../../clients';
import { buildJaegerTrace } from './jaegerTraces';
import { NO_TRACE_DATA_SOURCE } from './clients';

export interface TraceSource {
  tempo?: TempoClient;
  jaeger?: JaegerClient;
}

export async function loadTraceById(source: TraceSource, traceId: string, signal?: AbortSignal): Promise<Trace | null> {
  if (source.jaeger) {
    const found = await source.jaeger.getTrace(traceId, undefined, { signal });
    return found && buildJaegerTrace(found);
  }
  if (source.tempo) {
    const found = await source.tempo.getTrace(traceId, undefined, { signal });
    return found && buildTrace(found);
  }
  throw new Error(NO_TRACE_DATA_SOURCE);
}
