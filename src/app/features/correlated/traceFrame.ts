/**
 * The trace data frame Grafana's own `traces` panel draws as a waterfall, built from the analysis
 * `Trace`. The field names, types and units follow what Tempo's data source returns and what the
 * trace view reads (`TraceSpanRow` in @grafana/data; `transformTraceDataFrame` in Grafana's
 * `features/explore/TraceView/utils/transform.ts`): times in milliseconds, key/value tag lists, one
 * row per span. Every attribute and status message passes the redactor first.
 */
import { type DataFrame, type TraceKeyValuePair, type TraceSpanRow, FieldType, createDataFrame } from '@grafana/data';

import {
  type AttributeValue,
  type Redactor,
  type SpanStatus,
  type Trace,
  ownAttributes,
  resourceAttributes,
} from '../../../analysis';

/** OTLP status codes, which the trace view reads from `statusCode` (2 draws the span as failed). */
const STATUS_CODE: Record<SpanStatus, number> = { unset: 0, ok: 1, error: 2 };

function tags(attributes: Record<string, AttributeValue>): TraceKeyValuePair[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value }));
}

/** Data problems the analysis found (clock skew, missing parents…), shown as warnings on the spans they concern. */
function warningsBySpan(trace: Trace): Map<string, string[]> {
  const warnings = new Map<string, string[]>();
  for (const issue of trace.issues) {
    for (const spanId of issue.exampleSpanIds) {
      warnings.set(spanId, [...(warnings.get(spanId) ?? []), `Tracing Ops: ${issue.kind.replace(/-/g, ' ')}`]);
    }
  }
  return warnings;
}

function traceRows(trace: Trace, redactor: Redactor): TraceSpanRow[] {
  const warnings = warningsBySpan(trace);
  return trace.spans.map((span) => ({
    traceID: trace.traceId,
    spanID: span.id,
    parentSpanID: span.parentId,
    operationName: span.name,
    serviceName: span.service,
    serviceTags: tags(redactor.attributes(resourceAttributes(span))),
    startTime: trace.startUnixMs + span.startMs,
    duration: span.durationMs,
    // The analysis model does not keep span events, so the waterfall has no span logs to show.
    logs: [],
    references: [],
    tags: tags(redactor.attributes(ownAttributes(span))),
    kind: span.kind === 'unspecified' ? undefined : span.kind,
    statusCode: STATUS_CODE[span.status],
    statusMessage: span.statusMessage ? redactor.text(span.statusMessage) : undefined,
    warnings: warnings.get(span.id),
  }));
}

/** One frame with `meta.preferredVisualisationType = 'trace'`, ready for `<PanelRenderer pluginId="traces">`. */
export function traceFrame(trace: Trace, redactor: Redactor): DataFrame {
  const rows = traceRows(trace, redactor);
  const column = <K extends keyof TraceSpanRow>(key: K) => rows.map((row) => row[key]);
  return createDataFrame({
    name: 'Trace',
    refId: 'trace',
    meta: { preferredVisualisationType: 'trace' },
    fields: [
      { name: 'traceID', type: FieldType.string, values: column('traceID') },
      { name: 'spanID', type: FieldType.string, values: column('spanID') },
      { name: 'parentSpanID', type: FieldType.string, values: column('parentSpanID') },
      { name: 'operationName', type: FieldType.string, values: column('operationName') },
      { name: 'serviceName', type: FieldType.string, values: column('serviceName') },
      { name: 'kind', type: FieldType.string, values: column('kind') },
      { name: 'statusCode', type: FieldType.number, values: column('statusCode') },
      { name: 'statusMessage', type: FieldType.string, values: column('statusMessage') },
      { name: 'serviceTags', type: FieldType.other, values: column('serviceTags') },
      { name: 'startTime', type: FieldType.number, values: column('startTime'), config: { unit: 'ms' } },
      { name: 'duration', type: FieldType.number, values: column('duration'), config: { unit: 'ms' } },
      { name: 'logs', type: FieldType.other, values: column('logs') },
      { name: 'references', type: FieldType.other, values: column('references') },
      { name: 'tags', type: FieldType.other, values: column('tags') },
      { name: 'warnings', type: FieldType.other, values: column('warnings') },
    ],
  });
}
