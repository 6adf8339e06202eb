/**
 * One trace by id from the configured trace backend, as the analysis' model: Tempo's JSON goes to
 * `buildTrace` as it is, Jaeger's through `buildJaegerTrace`. `null` when the backend has no such trace.
 */
import { type Trace, buildTrace } from '../../analysis';
import type { JaegerClient, TempoClient } from '../../clients';
import { buildJaegerTrace } from './jaegerTraces';

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
  throw new Error('No trace data source (Tempo or Jaeger) is configured.');
}
