/**
 * LogQL builder for the logs of one trace (optionally one span) across the services in scope.
 * Trace and span ids are validated as hex, and every other value is quoted.
 */
import { QueryBuildError, labelName, quote } from './literal';
import { type Scope, scopeMatcher } from './scope';

export interface TraceLogsQuery {
  readonly scope: Scope;
  /** Hex trace id (16 or 32 digits); case is normalised. */
  readonly traceId: string;
  /** Hex span id (16 digits). */
  readonly spanId?: string;
  /** Stream label that holds the service; Loki's OTLP ingestion uses `service_name`. */
  readonly serviceLabel?: string;
  /**
   * Where the ids live. `line` (default) filters the log line text, which works for any log
   * format; a label name such as `trace_id` filters structured metadata or a parsed label
   * instead, which is exact and cheaper for logs ingested over OTLP.
   */
  readonly idField?: 'line' | { readonly label: string; readonly spanLabel?: string };
}

function hexId(value: string, what: string, lengths: readonly number[]): string {
  const id = value.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(id) || !lengths.includes(id.length)) {
    throw new QueryBuildError(`${what} ${JSON.stringify(value)} is not ${lengths.join(' or ')} hex digits`);
  }
  return id;
}

export function logqlTraceLogs(q: TraceLogsQuery): string {
  const service = labelName(q.serviceLabel ?? 'service_name');
  const m = scopeMatcher(q.scope);
  // Loki refuses a selector whose matchers all match the empty string, hence `.+` for "all".
  const stream =
    m.op === 'any'
      ? `{${service}=~".+"}`
      : m.op === '='
        ? `{${service}=${quote(m.value)}}`
        : `{${service}=~${quote(m.pattern)}}`;
  const traceId = hexId(q.traceId, 'trace id', [16, 32]);
  const spanId = q.spanId === undefined ? undefined : hexId(q.spanId, 'span id', [16]);
  const field = q.idField ?? 'line';
  if (field === 'line') {
    return [stream, `|= ${quote(traceId)}`, ...(spanId ? [`|= ${quote(spanId)}`] : [])].join(' ');
  }
  const filters = [`| ${labelName(field.label)} = ${quote(traceId)}`];
  if (spanId) {
    filters.push(`| ${labelName(field.spanLabel ?? 'span_id')} = ${quote(spanId)}`);
  }
  return [stream, ...filters].join(' ');
}
