/**
 * The normalised trace model, as the rest of the analysis reads it: a `Trace` of `Span`s with parent/children
 * links, depth, service hops, self time and the critical path, and the data problems found on the way as
 * `TraceIssue`s. Built in one pass over Tempo or OTLP JSON by `buildTrace.ts` into the columns of `spanTable.ts`,
 * with the critical path from `criticalPath.ts`; the `Span` objects are made from the table when read. Every step
 * is iterative and at most O(n log n), so a 100,000-span trace neither overflows the stack nor goes quadratic, and
 * bad data (missing parents, cycles, duplicate ids, clock skew) is recorded instead of thrown.
 */
import { type AttributeValue, type OtlpKeyValue, type SpanKind, type SpanStatus, decodeAttributes } from './otlp';

export { TraceFormatError, buildTrace, positionOf, tableOf } from './buildTrace';
export { NO_SPAN, SpanTable } from './spanTable';

export interface Span {
  /** Lower-case hex. */
  readonly id: string;
  /** The parent id as recorded, even when no such span is in the trace. */
  readonly parentId: string | undefined;
  readonly name: string;
  /** `service.name` of the span's resource, `unknown_service` when absent. */
  readonly service: string;
  readonly kind: SpanKind;
  readonly status: SpanStatus;
  readonly statusMessage: string;
  /** Milliseconds since the start of the trace (its earliest span). */
  readonly startMs: number;
  readonly endMs: number;
  readonly durationMs: number;
  readonly parent: Span | undefined;
  /** Ordered by start time. */
  readonly children: readonly Span[];
  /** 0 for roots. */
  readonly depth: number;
  /** Service changes on the path from the root to this span. */
  readonly serviceHops: number;
  /** Time not covered by any child (children clipped to this span). */
  readonly selfTimeMs: number;
  /** Time this span's own work sits on the critical path; 0 off the path. */
  readonly criticalSelfMs: number;
  /** Raw OTLP attributes; decode with `spanAttributes` (kept raw because most are never shown). */
  readonly rawAttributes: readonly OtlpKeyValue[];
  readonly rawResourceAttributes: readonly OtlpKeyValue[];
}

export type TraceIssueKind = 'missing-parent' | 'duplicate-span-id' | 'cycle' | 'clock-skew' | 'invalid-span';

/** A data problem found while building, with a count and a few examples rather than one entry per span. */
export interface TraceIssue {
  readonly kind: TraceIssueKind;
  readonly count: number;
  readonly exampleSpanIds: readonly string[];
}

export interface CriticalSegment {
  readonly span: Span;
  readonly startMs: number;
  readonly endMs: number;
}

export interface Trace {
  /** Lower-case hex; empty for a trace without spans. */
  readonly traceId: string;
  readonly spans: readonly Span[];
  /** The root the trace is measured from: a span without a parent id, else the earliest orphan. */
  readonly root: Span | undefined;
  /** All spans without a parent in the trace (the root first). */
  readonly roots: readonly Span[];
  /** Unix milliseconds of the earliest span start. */
  readonly startUnixMs: number;
  /** From the earliest start to the latest end over all spans. */
  readonly durationMs: number;
  readonly services: readonly string[];
  /** Segments of the root's critical path, in time order. */
  readonly criticalPath: readonly CriticalSegment[];
  readonly issues: readonly TraceIssue[];
  spanById(id: string): Span | undefined;
}

/** Span attributes merged over resource attributes, decoded on demand for display. */
export function spanAttributes(span: Span): Record<string, AttributeValue> {
  return { ...resourceAttributes(span), ...ownAttributes(span) };
}

/** The attributes of the span's resource alone (trace views show them as the span's process). */
export function resourceAttributes(span: Span): Record<string, AttributeValue> {
  return decodeAttributes(span.rawResourceAttributes);
}

/** The span's own attributes, without its resource's. */
export function ownAttributes(span: Span): Record<string, AttributeValue> {
  return decodeAttributes(span.rawAttributes);
}
