/**
 * The normalised trace model: built in one pass over Tempo or OTLP JSON, with spans indexed by
 * id, parent/children links, depth, service hops, self time and the critical path. Every step is
 * iterative and at most O(n log n), so a 100,000-span trace neither overflows the stack nor goes
 * quadratic, and bad data (missing parents, cycles, duplicate ids, clock skew) is recorded as
 * `TraceIssue`s instead of thrown.
 */
import {
  type AttributeValue,
  type OtlpKeyValue,
  type SpanKind,
  type SpanStatus,
  decodeAttributes,
  decodeId,
  decodeKind,
  decodeStatus,
  decodeUnixNanosToMs,
  stringAttribute,
} from './otlp';

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

/** The input was not trace JSON at all (as opposed to a trace with bad spans, which is tolerated). */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

interface MutableSpan {
  id: string;
  parentId: string | undefined;
  name: string;
  service: string;
  kind: SpanKind;
  status: SpanStatus;
  statusMessage: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  parent: MutableSpan | undefined;
  children: MutableSpan[];
  depth: number;
  serviceHops: number;
  selfTimeMs: number;
  criticalSelfMs: number;
  rawAttributes: readonly OtlpKeyValue[];
  rawResourceAttributes: readonly OtlpKeyValue[];
}

const MAX_EXAMPLES = 5;
/** Depth before the breadth-first walk reaches a span; cheaper than a visited set. */
const UNVISITED = -1;
const EMPTY: readonly never[] = Object.freeze([]);

class Issues {
  private readonly byKind = new Map<TraceIssueKind, { count: number; exampleSpanIds: string[] }>();

  add(kind: TraceIssueKind, spanId: string): void {
    let issue = this.byKind.get(kind);
    if (!issue) {
      issue = { count: 0, exampleSpanIds: [] };
      this.byKind.set(kind, issue);
    }
    issue.count++;
    if (issue.exampleSpanIds.length < MAX_EXAMPLES) {
      issue.exampleSpanIds.push(spanId);
    }
  }

  list(): TraceIssue[] {
    return [...this.byKind].map(([kind, v]) => ({ kind, ...v }));
  }
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY;
}

/** Finds the list of resource spans in any of the accepted envelopes. */
function resourceSpansOf(input: unknown): readonly unknown[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TraceFormatError('trace JSON must be an object with `resourceSpans` or `batches`');
  }
  const o = input as Record<string, unknown>;
  if (o.trace !== undefined && o.resourceSpans === undefined && o.batches === undefined) {
    return resourceSpansOf(o.trace);
  }
  const list = o.resourceSpans ?? o.batches;
  if (list !== undefined && !Array.isArray(list)) {
    throw new TraceFormatError('`resourceSpans` / `batches` must be an array');
  }
  return list ?? EMPTY;
}

/**
 * Builds the model from `{resourceSpans}`, `{batches}` or Tempo's `{trace: …}` envelope, with
 * `scopeSpans` or the older `instrumentationLibrarySpans`, hex or base64 ids, and numeric or
 * string enums.
 */
export function buildTrace(input: unknown): Trace {
  const issues = new Issues();
  const spans: MutableSpan[] = [];
  const byId = new Map<string, MutableSpan>();
  let minStart = Number.POSITIVE_INFINITY;
  let maxEnd = Number.NEGATIVE_INFINITY;
  let traceId = '';

  for (const rs of resourceSpansOf(input)) {
    const resource = (rs as { resource?: { attributes?: unknown } } | null)?.resource;
    const resourceAttributes = asArray(resource?.attributes) as readonly OtlpKeyValue[];
    const service = stringAttribute(resourceAttributes, 'service.name') ?? 'unknown_service';
    const r = rs as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null;
    for (const ss of asArray(r?.scopeSpans ?? r?.instrumentationLibrarySpans)) {
      for (const raw of asArray((ss as { spans?: unknown } | null)?.spans)) {
        const s = raw as Record<string, unknown> | null;
        const id = decodeId(s?.spanId);
        const start = decodeUnixNanosToMs(s?.startTimeUnixNano);
        let end = decodeUnixNanosToMs(s?.endTimeUnixNano);
        if (!s || id === undefined || !Number.isFinite(start)) {
          issues.add('invalid-span', id ?? '');
          continue;
        }
        if (!(end >= start)) {
          // A span that never ended or ends before it starts still shows where it happened.
          issues.add('invalid-span', id);
          end = start;
        }
        const status = s.status as { code?: unknown; message?: unknown } | undefined;
        const span: MutableSpan = {
          id,
          parentId: decodeId(s.parentSpanId),
          name: typeof s.name === 'string' ? s.name : '',
          service,
          kind: decodeKind(s.kind),
          status: decodeStatus(status?.code),
          statusMessage: typeof status?.message === 'string' ? status.message : '',
          startMs: start,
          endMs: end,
          durationMs: end - start,
          parent: undefined,
          children: [],
          depth: UNVISITED,
          serviceHops: 0,
          selfTimeMs: 0,
          criticalSelfMs: 0,
          rawAttributes: asArray(s.attributes) as readonly OtlpKeyValue[],
          rawResourceAttributes: resourceAttributes,
        };
        if (traceId === '') {
          // One trace per input: the first span's trace id names it.
          traceId = decodeId(s.traceId) ?? '';
        }
        if (byId.has(id)) {
          issues.add('duplicate-span-id', id);
        } else {
          byId.set(id, span);
        }
        spans.push(span);
        if (start < minStart) {
          minStart = start;
        }
        if (end > maxEnd) {
          maxEnd = end;
        }
      }
    }
  }

  if (spans.length === 0) {
    return emptyTrace(issues.list());
  }

  const roots = link(spans, byId, issues);
  for (const span of spans) {
    span.startMs -= minStart;
    span.endMs -= minStart;
  }
  const root = pickRoot(roots);
  computeSelfTimes(spans, issues);
  const criticalPath = root ? computeCriticalPath(root) : [];
  const services = [...new Set(spans.map((s) => s.service))];

  return {
    traceId,
    spans,
    root,
    roots: root ? [root, ...roots.filter((r) => r !== root)] : roots,
    startUnixMs: minStart,
    durationMs: maxEnd - minStart,
    services,
    criticalPath,
    issues: issues.list(),
    spanById: (id) => byId.get(id.toLowerCase()),
  };
}

function emptyTrace(issues: TraceIssue[]): Trace {
  return {
    traceId: '',
    spans: [],
    root: undefined,
    roots: [],
    startUnixMs: 0,
    durationMs: 0,
    services: [],
    criticalPath: [],
    issues,
    spanById: () => undefined,
  };
}

/** Parent/child links, then depth and service hops breadth-first; spans caught in cycles become roots. */
function link(spans: MutableSpan[], byId: Map<string, MutableSpan>, issues: Issues): MutableSpan[] {
  const roots: MutableSpan[] = [];
  for (const span of spans) {
    const parent = span.parentId === undefined ? undefined : byId.get(span.parentId);
    if (parent && parent !== span) {
      span.parent = parent;
      parent.children.push(span);
    } else {
      if (span.parentId !== undefined) {
        issues.add('missing-parent', span.id);
      }
      roots.push(span);
    }
  }

  let visited = 0;
  const walk = (start: MutableSpan): void => {
    const queue = [start];
    start.depth = 0;
    visited++;
    for (let i = 0; i < queue.length; i++) {
      const span = queue[i]!;
      for (const child of span.children) {
        if (child.depth !== UNVISITED) {
          continue;
        }
        visited++;
        child.depth = span.depth + 1;
        child.serviceHops = span.serviceHops + (child.service === span.service ? 0 : 1);
        queue.push(child);
      }
    }
  };
  for (const root of roots) {
    walk(root);
  }
  if (visited < spans.length) {
    for (const span of spans) {
      if (span.depth !== UNVISITED) {
        continue;
      }
      // Unreached means every ancestor chain loops; cut this span loose and walk from it.
      issues.add('cycle', span.id);
      const siblings = span.parent?.children;
      siblings?.splice(siblings.indexOf(span), 1);
      span.parent = undefined;
      span.serviceHops = 0;
      roots.push(span);
      walk(span);
    }
  }
  return roots;
}

function pickRoot(roots: readonly MutableSpan[]): MutableSpan | undefined {
  let best: MutableSpan | undefined;
  for (const r of roots) {
    const trueRoot = r.parentId === undefined;
    const bestTrue = best?.parentId === undefined;
    if (!best || (trueRoot && !bestTrue) || (trueRoot === bestTrue && r.startMs < best.startMs)) {
      best = r;
    }
  }
  return best;
}

const byStart = (a: MutableSpan, b: MutableSpan): number => a.startMs - b.startMs;

/**
 * Self time is the span's duration minus the union of its children's intervals, each clipped to
 * the span: a child that starts early or ends late (clock skew between hosts) is counted as a
 * `clock-skew` issue and does not push self time below zero.
 */
function computeSelfTimes(spans: readonly MutableSpan[], issues: Issues): void {
  for (const span of spans) {
    const children = span.children;
    if (children.length > 1) {
      children.sort(byStart);
    }
    let covered = 0;
    let runStart = 0;
    let runEnd = Number.NEGATIVE_INFINITY;
    for (const child of children) {
      if (child.startMs < span.startMs || child.endMs > span.endMs) {
        issues.add('clock-skew', child.id);
      }
      const s = Math.max(child.startMs, span.startMs);
      const e = Math.min(child.endMs, span.endMs);
      if (e <= s) {
        continue;
      }
      if (s > runEnd) {
        if (runEnd > runStart) {
          covered += runEnd - runStart;
        }
        runStart = s;
        runEnd = e;
      } else if (e > runEnd) {
        runEnd = e;
      }
    }
    if (runEnd > runStart) {
      covered += runEnd - runStart;
    }
    span.selfTimeMs = Math.max(0, span.durationMs - covered);
  }
}

const byEndDesc = (a: MutableSpan, b: MutableSpan): number => b.endMs - a.endMs;

/**
 * The critical path as in Jaeger: from the end of a span, the child that finished last is on the
 * path; then, before that child started, the child that finished last before it; the gaps are the
 * span's own time. Children are clipped to their parent. Uses an explicit stack, not recursion.
 */
/**
 * How far a child may overrun the start of the next child on the path and still count as running before it. The
 * OpenTelemetry JS SDK records span start times in whole milliseconds but end times more precisely, so a call made
 * right after another one can appear to start up to 1 ms before the first one ended.
 */
const SEQUENTIAL_OVERLAP_MS = 1;

function computeCriticalPath(root: MutableSpan): CriticalSegment[] {
  const segments: CriticalSegment[] = [];
  const stack: Array<{ span: MutableSpan; startMs: number; endMs: number }> = [
    { span: root, startMs: root.startMs, endMs: root.endMs },
  ];
  const own = (span: MutableSpan, startMs: number, endMs: number): void => {
    if (endMs > startMs) {
      segments.push({ span, startMs, endMs });
      span.criticalSelfMs += endMs - startMs;
    }
  };
  while (stack.length > 0) {
    const { span, startMs, endMs } = stack.pop()!;
    let cursor = endMs;
    const children = span.children.length > 1 ? [...span.children].sort(byEndDesc) : span.children;
    for (const child of children) {
      if (cursor <= startMs) {
        break;
      }
      let childEnd = Math.min(child.endMs, endMs);
      const childStart = Math.max(child.startMs, startMs);
      if (childEnd > cursor && childEnd - cursor <= SEQUENTIAL_OVERLAP_MS) {
        childEnd = cursor;
      }
      if (childEnd > cursor || childEnd <= childStart) {
        continue; // ran in parallel with a child already on the path, or outside this span
      }
      own(span, childEnd, cursor);
      stack.push({ span: child, startMs: childStart, endMs: childEnd });
      cursor = childStart;
    }
    own(span, startMs, cursor);
  }
  return segments.sort((a, b) => a.startMs - b.startMs);
}

/** Span attributes merged over resource attributes, decoded on demand for display. */
export function spanAttributes(span: Span): Record<string, AttributeValue> {
  return { ...decodeAttributes(span.rawResourceAttributes), ...decodeAttributes(span.rawAttributes) };
}
