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
  ID_HEX,
  ID_NONE,
  ID_STRIDE,
  decodeAttributes,
  decodeId,
  decodeKind,
  decodeStatus,
  decodeUnixNanosToMs,
  isHexId,
  readId,
  stringAttribute,
} from './otlp';
import { NOT_FOUND, SpanIndex } from './spanIndex';

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

const MAX_EXAMPLES = 5;
/** Depth before the breadth-first walk reaches a span; cheaper than a visited set. */
const UNVISITED = -1;
const EMPTY: readonly never[] = Object.freeze([]);

/**
 * The model's span. Ids are kept as written and decoded to hex on first read: building a trace
 * compares ids as numbers (`SpanIndex`) and few are ever shown, while decoding Tempo's two base64
 * ids per span costs about as much as building the rest of the span.
 */
class SpanNode implements Span {
  /** The hex id once decoded; lower-case hex ids are their own hex. */
  private hexId: string | undefined;
  private hexParentId: string | undefined = undefined;
  parent: SpanNode | undefined = undefined;
  /** Shared `EMPTY` until the first child: most spans are leaves. */
  children: readonly SpanNode[] = EMPTY;
  depth = UNVISITED;
  serviceHops = 0;
  selfTimeMs = 0;
  criticalSelfMs = 0;
  readonly durationMs: number;

  constructor(
    /** The id as written in the JSON. */
    readonly encodedId: string,
    /** Whether `encodedId` is lower-case hex (`ID_HEX`). */
    hexSpelled: boolean,
    /** The parent id as written, undefined when there is none (`ID_NONE`). */
    readonly encodedParentId: string | undefined,
    readonly name: string,
    readonly service: string,
    readonly kind: SpanKind,
    readonly status: SpanStatus,
    readonly statusMessage: string,
    public startMs: number,
    public endMs: number,
    readonly rawAttributes: readonly OtlpKeyValue[],
    readonly rawResourceAttributes: readonly OtlpKeyValue[]
  ) {
    this.hexId = hexSpelled ? encodedId : undefined;
    this.durationMs = endMs - startMs;
  }

  get id(): string {
    // `encodedId` was read as an id, so it decodes.
    return (this.hexId ??= decodeId(this.encodedId) ?? '');
  }

  get parentId(): string | undefined {
    return this.encodedParentId === undefined ? undefined : (this.hexParentId ??= decodeId(this.encodedParentId));
  }
}

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

/** How many spans the input holds at most, so the id arrays are allocated once. */
function countSpans(resourceSpans: readonly unknown[]): number {
  let count = 0;
  for (let i = 0; i < resourceSpans.length; i++) {
    const r = resourceSpans[i] as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null;
    const scopes = asArray(r?.scopeSpans ?? r?.instrumentationLibrarySpans);
    for (let j = 0; j < scopes.length; j++) {
      count += asArray((scopes[j] as { spans?: unknown } | null)?.spans).length;
    }
  }
  return count;
}

/**
 * Builds the model from `{resourceSpans}`, `{batches}` or Tempo's `{trace: …}` envelope, with
 * `scopeSpans` or the older `instrumentationLibrarySpans`, hex or base64 ids, and numeric or
 * string enums.
 */
export function buildTrace(input: unknown): Trace {
  const issues = new Issues();
  const spans: SpanNode[] = [];
  const serviceSet = new Set<string>();
  const resourceSpans = resourceSpansOf(input);
  const capacity = countSpans(resourceSpans);
  // The id and the parent id of the span at position i, as numbers (see `readId`).
  const ids = new Int32Array(capacity * ID_STRIDE);
  const parentIds = new Int32Array(capacity * ID_STRIDE);
  const index = new SpanIndex(ids, capacity);
  let minStart = Number.POSITIVE_INFINITY;
  let maxEnd = Number.NEGATIVE_INFINITY;
  let traceId = '';

  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r] as { resource?: { attributes?: unknown } } | null;
    const resourceAttributes = asArray(rs?.resource?.attributes) as readonly OtlpKeyValue[];
    const service = stringAttribute(resourceAttributes, 'service.name') ?? 'unknown_service';
    const spansBefore = spans.length;
    const scopes = asArray(
      (rs as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null)?.scopeSpans ??
        (rs as { instrumentationLibrarySpans?: unknown } | null)?.instrumentationLibrarySpans
    );
    for (let c = 0; c < scopes.length; c++) {
      const raws = asArray((scopes[c] as { spans?: unknown } | null)?.spans);
      for (let k = 0; k < raws.length; k++) {
        const s = raws[k] as Record<string, unknown> | null;
        const position = spans.length;
        const at = position * ID_STRIDE;
        const encodedId = s?.spanId;
        const form = readId(encodedId, ids, at);
        const start = decodeUnixNanosToMs(s?.startTimeUnixNano);
        let end = decodeUnixNanosToMs(s?.endTimeUnixNano);
        if (!s || form === ID_NONE || typeof encodedId !== 'string' || !Number.isFinite(start)) {
          issues.add('invalid-span', form === ID_NONE ? '' : (decodeId(encodedId) ?? ''));
          continue;
        }
        if (!(end >= start)) {
          // A span that never ended or ends before it starts still shows where it happened.
          issues.add('invalid-span', decodeId(encodedId) ?? '');
          end = start;
        }
        const encodedParentId = s.parentSpanId;
        const hasParent = readId(encodedParentId, parentIds, at) !== ID_NONE;
        const status = s.status as { code?: unknown; message?: unknown } | undefined;
        const span = new SpanNode(
          encodedId,
          form === ID_HEX,
          hasParent ? (encodedParentId as string) : undefined,
          typeof s.name === 'string' ? s.name : '',
          service,
          decodeKind(s.kind),
          decodeStatus(status?.code),
          typeof status?.message === 'string' ? status.message : '',
          start,
          end,
          asArray(s.attributes) as readonly OtlpKeyValue[],
          resourceAttributes
        );
        if (traceId === '') {
          // One trace per input: the first span's trace id names it.
          traceId = decodeId(s.traceId) ?? '';
        }
        if (index.add(position) !== position) {
          issues.add('duplicate-span-id', span.id);
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
    if (spans.length > spansBefore) {
      serviceSet.add(service);
    }
  }

  if (spans.length === 0) {
    return emptyTrace(issues.list());
  }

  const roots = link(spans, index, parentIds, issues);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    span.startMs -= minStart;
    span.endMs -= minStart;
  }
  const root = pickRoot(roots);
  computeSelfTimes(spans, issues);
  const criticalPath = root ? computeCriticalPath(root) : [];
  const query = new Int32Array(ID_STRIDE);

  return {
    traceId,
    spans,
    root,
    roots: root ? [root, ...roots.filter((r) => r !== root)] : roots,
    startUnixMs: minStart,
    durationMs: maxEnd - minStart,
    services: [...serviceSet],
    criticalPath,
    issues: issues.list(),
    spanById: (id) => {
      if (!isHexId(id) || readId(id, query, 0) === ID_NONE) {
        return undefined;
      }
      const position = index.find(query, 0);
      return position === NOT_FOUND ? undefined : spans[position];
    },
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
function link(spans: SpanNode[], index: SpanIndex, parentIds: Int32Array, issues: Issues): SpanNode[] {
  const roots: SpanNode[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const position = span.encodedParentId === undefined ? NOT_FOUND : index.find(parentIds, i * ID_STRIDE);
    if (position !== NOT_FOUND && position !== i) {
      const parent = spans[position]!;
      span.parent = parent;
      if (parent.children.length === 0) {
        parent.children = [span];
      } else {
        (parent.children as SpanNode[]).push(span);
      }
    } else {
      if (span.encodedParentId !== undefined) {
        issues.add('missing-parent', span.id);
      }
      roots.push(span);
    }
  }

  let visited = 0;
  const queue: SpanNode[] = [];
  for (let i = 0; i < roots.length; i++) {
    visited += walk(roots[i]!, queue);
  }
  if (visited < spans.length) {
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      if (span.depth !== UNVISITED) {
        continue;
      }
      // Unreached means every ancestor chain loops; cut this span loose and walk from it.
      issues.add('cycle', span.id);
      const siblings = span.parent?.children as SpanNode[] | undefined;
      siblings?.splice(siblings.indexOf(span), 1);
      span.parent = undefined;
      span.serviceHops = 0;
      roots.push(span);
      walk(span, queue);
    }
  }
  return roots;
}

/** Sets depth and service hops below `start`, breadth-first; returns how many spans it reached. */
function walk(start: SpanNode, queue: SpanNode[]): number {
  queue.length = 0;
  queue.push(start);
  start.depth = 0;
  for (let i = 0; i < queue.length; i++) {
    const span = queue[i]!;
    const children = span.children;
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      if (child.depth !== UNVISITED) {
        continue;
      }
      child.depth = span.depth + 1;
      child.serviceHops = span.serviceHops + (child.service === span.service ? 0 : 1);
      queue.push(child);
    }
  }
  return queue.length;
}

function pickRoot(roots: readonly SpanNode[]): SpanNode | undefined {
  let best: SpanNode | undefined;
  for (const r of roots) {
    const trueRoot = r.encodedParentId === undefined;
    const bestTrue = best?.encodedParentId === undefined;
    if (!best || (trueRoot && !bestTrue) || (trueRoot === bestTrue && r.startMs < best.startMs)) {
      best = r;
    }
  }
  return best;
}

const byStart = (a: SpanNode, b: SpanNode): number => a.startMs - b.startMs;

/** Whether a (stable) sort by start would leave `spans` as they are. */
function sortedByStart(spans: readonly SpanNode[]): boolean {
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.startMs < spans[i - 1]!.startMs) {
      return false;
    }
  }
  return true;
}

/**
 * Self time is the span's duration minus the union of its children's intervals, each clipped to
 * the span: a child that starts early or ends late (clock skew between hosts) is counted as a
 * `clock-skew` issue and does not push self time below zero.
 */
function computeSelfTimes(spans: readonly SpanNode[], issues: Issues): void {
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const children = span.children;
    if (children.length > 1 && !sortedByStart(children)) {
      (children as SpanNode[]).sort(byStart);
    }
    let covered = 0;
    let runStart = 0;
    let runEnd = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
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

const byEndDesc = (a: SpanNode, b: SpanNode): number => b.endMs - a.endMs;

/**
 * How far a child may overrun the start of the next child on the path and still count as running before it. The
 * OpenTelemetry JS SDK records span start times in whole milliseconds but end times more precisely, so a call made
 * right after another one can appear to start up to 1 ms before the first one ended.
 */
const SEQUENTIAL_OVERLAP_MS = 1;

/**
 * Whether the ends of `children` (sorted by start) rise strictly: then that order reversed is the order the
 * critical path takes them in, latest end first, and nothing needs sorting (the common case: calls made one
 * after the other). Otherwise they are sorted by end, ties in start order.
 */
function endsRise(children: readonly SpanNode[]): boolean {
  for (let i = 1; i < children.length; i++) {
    if (!(children[i]!.endMs > children[i - 1]!.endMs)) {
      return false;
    }
  }
  return true;
}

/**
 * The critical path as in Jaeger: from the end of a span, the child that finished last is on the
 * path; then, before that child started, the child that finished last before it; the gaps are the
 * span's own time. Children are clipped to their parent. Depth-first with an explicit stack (no
 * recursion) of parallel arrays: a span's gaps and its chosen children's subtrees come out latest
 * first, so the segments, which partition the root's interval, need one reversal instead of a sort.
 */
function computeCriticalPath(root: SpanNode): CriticalSegment[] {
  const segments: CriticalSegment[] = [];
  const spans: SpanNode[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const cursors: number[] = [];
  const orders: Array<readonly SpanNode[]> = [];
  const reversed: boolean[] = [];
  const next: number[] = [];
  const enter = (span: SpanNode, startMs: number, endMs: number): void => {
    const inOrder = endsRise(span.children);
    spans.push(span);
    starts.push(startMs);
    ends.push(endMs);
    cursors.push(endMs);
    orders.push(inOrder ? span.children : [...span.children].sort(byEndDesc));
    reversed.push(inOrder);
    next.push(0);
  };
  enter(root, root.startMs, root.endMs);
  while (spans.length > 0) {
    const top = spans.length - 1;
    const span = spans[top]!;
    const startMs = starts[top]!;
    const endMs = ends[top]!;
    const list = orders[top]!;
    const last = list.length - 1;
    let cursor = cursors[top]!;
    let i = next[top]!;
    let descend: SpanNode | undefined;
    let descendStart = 0;
    let descendEnd = 0;
    for (; i <= last; i++) {
      if (cursor <= startMs) {
        break;
      }
      const child = list[reversed[top] ? last - i : i]!;
      let childEnd = Math.min(child.endMs, endMs);
      const childStart = Math.max(child.startMs, startMs);
      if (childEnd > cursor && childEnd - cursor <= SEQUENTIAL_OVERLAP_MS) {
        childEnd = cursor;
      }
      if (childEnd > cursor || childEnd <= childStart) {
        continue; // ran in parallel with a child already on the path, or outside this span
      }
      if (cursor > childEnd) {
        segments.push({ span, startMs: childEnd, endMs: cursor });
        span.criticalSelfMs += cursor - childEnd;
      }
      descend = child;
      descendStart = childStart;
      descendEnd = childEnd;
      cursor = childStart;
      i++;
      break;
    }
    if (descend) {
      next[top] = i;
      cursors[top] = cursor;
      enter(descend, descendStart, descendEnd);
      continue;
    }
    if (cursor > startMs) {
      segments.push({ span, startMs, endMs: cursor });
      span.criticalSelfMs += cursor - startMs;
    }
    spans.pop();
    starts.pop();
    ends.pop();
    cursors.pop();
    orders.pop();
    reversed.pop();
    next.pop();
  }
  return segments.reverse();
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
