/**
 * A trace from Jaeger as the analysis' model, whichever query API served it: `/api/v3` sends OTLP
 * that `buildTrace` reads as is, the UI API sends Jaeger JSON that `jaegerUiTraceToOtlp` converts.
 */
import { type Trace, buildTrace, jaegerUiTraceToOtlp } from '../../analysis';
import type { JaegerTrace } from '../../clients';

export function buildJaegerTrace(trace: JaegerTrace): Trace {
  return buildTrace(
    trace.format === 'otlp' ? { resourceSpans: trace.resourceSpans } : jaegerUiTraceToOtlp(trace.trace)
  );
}
