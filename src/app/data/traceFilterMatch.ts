/**
 * Whether a trace carries the attribute values a responder narrowed the anomalous traces to, read
 * as TraceQL reads the filters Tempo gets: each filter holds on some span of the trace (not
 * necessarily the same span for two filters), a duration bucket is `minMs ≤ duration < maxMs`.
 * On Jaeger, whose search matches some of them loosely and cannot ask for others, this decides.
 */
import { type Trace, type Span, ownAttributes, resourceAttributes } from '../../analysis';
import type { TraceAttributeFilter } from '../../queries';

const inBucket = (ms: number, minMs: number, maxMs: number | undefined) =>
  ms >= minMs && (maxMs === undefined || ms < maxMs);

function spanMatches(span: Span, filter: TraceAttributeFilter): boolean {
  if (filter.scope !== 'intrinsic') {
    const attributes = filter.scope === 'resource' ? resourceAttributes(span) : ownAttributes(span);
    return attributes[filter.key] === filter.value;
  }
  switch (filter.key) {
    case 'name':
      return span.name === filter.value;
    case 'status':
      return span.status === filter.value;
    case 'kind':
      return span.kind === filter.value;
    case 'duration':
      return inBucket(span.durationMs, filter.minMs, filter.maxMs);
    case 'traceDuration':
      return false;
  }
}

function traceMatches(trace: Trace, filter: TraceAttributeFilter): boolean {
  if (filter.scope === 'intrinsic' && filter.key === 'traceDuration') {
    return inBucket(trace.durationMs, filter.minMs, filter.maxMs);
  }
  return trace.spans.some((span) => spanMatches(span, filter));
}

export function matchesFilters(trace: Trace, filters: readonly TraceAttributeFilter[]): boolean {
  return filters.every((filter) => traceMatches(trace, filter));
}
