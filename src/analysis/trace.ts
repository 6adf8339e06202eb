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
  isHexId,
  readId,
  readUnixNanosToMs,
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
/** `parents` of a root. */
const NO_PARENT = -1;
const EMPTY: readonly never[] = Object.freeze([]);

/** Slots per span in `SpanColumns.times`: a span's five numbers side by side, read together by every pass. */
const TIMES = 5;
const START = 0;
const END = 1;
const DURATION = 2;
const SELF = 3;
const CRITICAL_SELF = 4;

/**
 * The numbers and links of every span of one trace, by the span's position in `spans`, in typed arrays. An object per
 * span with its five doubles (each a heap number of its own in V8) and an array of children made a 100,000-span
 * model ~35 MB of small objects that the young generation copied and promoted while it was built, a third of the
 * analysis; typed arrays live outside the JavaScript heap and hold numbers unboxed. The passes that walk the tree
 * (depth, self time, critical path) run on these arrays alone.
 */
class SpanColumns {
  readonly times: Float64Array;
  readonly parents: Int32Array;
  readonly depths: Int32Array;
  readonly serviceHops: Int32Array;
  /** A number per distinct service name, so the depth walk compares numbers. */
  readonly serviceIds: Int32Array;
  /** The children of span `i` are `childOrder[childStart[i] … childStart[i] + childCount[i])`, ordered by start. */
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly childOrder: Int32Array;
  readonly spans: SpanNode[] = [];

  constructor(capacity: number) {
    this.times = new Float64Array(capacity * TIMES);
    this.parents = new Int32Array(capacity);
    this.depths = new Int32Array(capacity);
    this.serviceHops = new Int32Array(capacity);
    this.serviceIds = new Int32Array(capacity);
    this.childStart = new Int32Array(capacity);
    this.childCount = new Int32Array(capacity);
    this.childOrder = new Int32Array(capacity);
  }

  /** The children of the span at `position` as spans, in order. */
  childrenOf(position: number): readonly SpanNode[] {
    const count = this.childCount[position]!;
    if (count === 0) {
      return EMPTY;
    }
    const first = this.childStart[position]!;
    const children = new Array<SpanNode>(count);
    for (let c = 0; c < count; c++) {
      children[c] = this.spans[this.childOrder[first + c]!]!;
    }
    return children;
  }
}

/**
 * The model's span: its strings, and its numbers and links read from the trace's `SpanColumns`. Ids are kept as
 * written and decoded to hex on first read: building a trace compares ids as numbers (`SpanIndex`) and few are ever
 * shown, while decoding Tempo's two base64 ids per span costs about as much as building the rest of the span.
 */
class SpanNode implements Span {
  /** The hex id once decoded; lower-case hex ids are their own hex. */
  private hexId: string | undefined;
  private hexParentId: string | undefined = undefined;
  /** Made on first read: the passes over the tree use `SpanColumns.childOrder`. */
  private childList: readonly SpanNode[] | undefined = undefined;

  constructor(
    private readonly columns: SpanColumns,
    /** Where this span's numbers are in `columns`. */
    readonly position: number,
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
    readonly rawAttributes: readonly OtlpKeyValue[],
    readonly rawResourceAttributes: readonly OtlpKeyValue[]
  ) {
    this.hexId = hexSpelled ? encodedId : undefined;
  }

  get id(): string {
    // `encodedId` was read as an id, so it decodes.
    return (this.hexId ??= decodeId(this.encodedId) ?? '');
  }

  get parentId(): string | undefined {
    return this.encodedParentId === undefined ? undefined : (this.hexParentId ??= decodeId(this.encodedParentId));
  }

  get startMs(): number {
    return this.columns.times[this.position * TIMES + START]!;
  }

  get endMs(): number {
    return this.columns.times[this.position * TIMES + END]!;
  }

  get durationMs(): number {
    return this.columns.times[this.position * TIMES + DURATION]!;
  }

  get selfTimeMs(): number {
    return this.columns.times[this.position * TIMES + SELF]!;
  }

  get criticalSelfMs(): number {
    return this.columns.times[this.position * TIMES + CRITICAL_SELF]!;
  }

  get depth(): number {
    return this.columns.depths[this.position]!;
  }

  get serviceHops(): number {
    return this.columns.serviceHops[this.position]!;
  }

  get parent(): SpanNode | undefined {
    const parent = this.columns.parents[this.position]!;
    return parent === NO_PARENT ? undefined : this.columns.spans[parent];
  }

  get children(): readonly SpanNode[] {
    return (this.childList ??= this.columns.childrenOf(this.position));
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
  const resourceSpans = resourceSpansOf(input);
  const capacity = countSpans(resourceSpans);
  const columns = new SpanColumns(capacity);
  const { spans, times, serviceIds } = columns;
  const serviceNumbers = new Map<string, number>();
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
    const serviceId = serviceNumbers.get(service) ?? serviceNumbers.size;
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
        const t = position * TIMES;
        readUnixNanosToMs(s?.startTimeUnixNano, times, t + START);
        readUnixNanosToMs(s?.endTimeUnixNano, times, t + END);
        const start = times[t + START]!;
        let end = times[t + END]!;
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
          columns,
          position,
          encodedId,
          form === ID_HEX,
          hasParent ? (encodedParentId as string) : undefined,
          typeof s.name === 'string' ? s.name : '',
          service,
          decodeKind(s.kind),
          decodeStatus(status?.code),
          typeof status?.message === 'string' ? status.message : '',
          asArray(s.attributes) as readonly OtlpKeyValue[],
          resourceAttributes
        );
        times[t + END] = end;
        times[t + DURATION] = end - start;
        serviceIds[position] = serviceId;
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
      serviceNumbers.set(service, serviceId);
    }
  }

  if (spans.length === 0) {
    return emptyTrace(issues.list());
  }

  const roots = link(columns, index, parentIds, issues);
  for (let t = 0; t < spans.length * TIMES; t += TIMES) {
    times[t + START] = times[t + START]! - minStart;
    times[t + END] = times[t + END]! - minStart;
  }
  const root = pickRoot(roots);
  computeSelfTimes(columns, issues);
  const criticalPath = root ? computeCriticalPath(columns, root.position) : [];
  const query = new Int32Array(ID_STRIDE);

  return {
    traceId,
    spans,
    root,
    roots: root ? [root, ...roots.filter((r) => r !== root)] : roots,
    startUnixMs: minStart,
    durationMs: maxEnd - minStart,
    services: [...serviceNumbers.keys()],
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

/**
 * Parent/child links (children in document order, as positions in `childOrder`), then depth and service hops
 * breadth-first; spans caught in cycles become roots.
 */
function link(columns: SpanColumns, index: SpanIndex, parentIds: Int32Array, issues: Issues): SpanNode[] {
  const { spans, parents, childStart, childCount, childOrder, depths, serviceHops } = columns;
  const roots: SpanNode[] = [];
  for (let i = 0; i < spans.length; i++) {
    const position = spans[i]!.encodedParentId === undefined ? NOT_FOUND : index.find(parentIds, i * ID_STRIDE);
    if (position !== NOT_FOUND && position !== i) {
      parents[i] = position;
      childCount[position] = childCount[position]! + 1;
    } else {
      parents[i] = NO_PARENT;
    }
  }
  let next = 0;
  for (let i = 0; i < spans.length; i++) {
    childStart[i] = next;
    next += childCount[i]!;
    childCount[i] = 0;
  }
  for (let i = 0; i < spans.length; i++) {
    const parent = parents[i]!;
    if (parent !== NO_PARENT) {
      childOrder[childStart[parent]! + childCount[parent]!++] = i;
    } else {
      const span = spans[i]!;
      if (span.encodedParentId !== undefined) {
        issues.add('missing-parent', span.id);
      }
      roots.push(span);
    }
  }

  depths.fill(UNVISITED, 0, spans.length);
  let visited = 0;
  const queue = new Int32Array(spans.length);
  for (let i = 0; i < roots.length; i++) {
    visited += walk(columns, roots[i]!.position, queue);
  }
  if (visited < spans.length) {
    for (let i = 0; i < spans.length; i++) {
      if (depths[i] !== UNVISITED) {
        continue;
      }
      // Unreached means every ancestor chain loops; cut this span loose and walk from it.
      const span = spans[i]!;
      issues.add('cycle', span.id);
      detach(columns, i);
      serviceHops[i] = 0;
      roots.push(span);
      walk(columns, i, queue);
    }
  }
  return roots;
}

/** Removes the span at `position` from its parent's children. */
function detach({ parents, childStart, childCount, childOrder }: SpanColumns, position: number): void {
  const parent = parents[position]!;
  const first = childStart[parent]!;
  const last = first + --childCount[parent]!;
  for (let c = childOrder.indexOf(position, first); c < last; c++) {
    childOrder[c] = childOrder[c + 1]!;
  }
  parents[position] = NO_PARENT;
}

/** Sets depth and service hops below `start`, breadth-first; returns how many spans it reached. */
function walk(columns: SpanColumns, start: number, queue: Int32Array): number {
  const { depths, serviceHops, serviceIds, childStart, childCount, childOrder } = columns;
  queue[0] = start;
  let queued = 1;
  depths[start] = 0;
  for (let q = 0; q < queued; q++) {
    const span = queue[q]!;
    const first = childStart[span]!;
    const end = first + childCount[span]!;
    for (let c = first; c < end; c++) {
      const child = childOrder[c]!;
      if (depths[child] !== UNVISITED) {
        continue;
      }
      depths[child] = depths[span]! + 1;
      serviceHops[child] = serviceHops[span]! + (serviceIds[child] === serviceIds[span] ? 0 : 1);
      queue[queued++] = child;
    }
  }
  return queued;
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

/** Whether a (stable) sort by start would leave the children `childOrder[first … end)` as they are. */
function sortedByStart(times: Float64Array, childOrder: Int32Array, first: number, end: number): boolean {
  for (let c = first + 1; c < end; c++) {
    if (times[childOrder[c]! * TIMES + START]! < times[childOrder[c - 1]! * TIMES + START]!) {
      return false;
    }
  }
  return true;
}

/** Up to this many children, an insertion sort in place beats copying them out to `Array.prototype.sort`. */
const INSERTION_SORTED = 32;

/** Sorts the children `childOrder[first … end)` by start, stably (equal starts keep document order). */
function sortByStart(times: Float64Array, childOrder: Int32Array, first: number, end: number): void {
  if (end - first > INSERTION_SORTED) {
    const sorted = Array.from(childOrder.subarray(first, end)).sort(
      (a, b) => times[a * TIMES + START]! - times[b * TIMES + START]!
    );
    childOrder.set(sorted, first);
    return;
  }
  for (let c = first + 1; c < end; c++) {
    const child = childOrder[c]!;
    const start = times[child * TIMES + START]!;
    let to = c;
    for (; to > first && times[childOrder[to - 1]! * TIMES + START]! > start; to--) {
      childOrder[to] = childOrder[to - 1]!;
    }
    childOrder[to] = child;
  }
}

/**
 * Self time is the span's duration minus the union of its children's intervals, each clipped to
 * the span: a child that starts early or ends late (clock skew between hosts) is counted as a
 * `clock-skew` issue and does not push self time below zero.
 */
function computeSelfTimes(columns: SpanColumns, issues: Issues): void {
  const { spans, times, childStart, childCount, childOrder } = columns;
  for (let i = 0; i < spans.length; i++) {
    const first = childStart[i]!;
    const last = first + childCount[i]!;
    if (last - first > 1 && !sortedByStart(times, childOrder, first, last)) {
      sortByStart(times, childOrder, first, last);
    }
    const spanStart = times[i * TIMES + START]!;
    const spanEnd = times[i * TIMES + END]!;
    let covered = 0;
    let runStart = 0;
    let runEnd = Number.NEGATIVE_INFINITY;
    for (let c = first; c < last; c++) {
      const child = childOrder[c]!;
      const childStart = times[child * TIMES + START]!;
      const childEnd = times[child * TIMES + END]!;
      if (childStart < spanStart || childEnd > spanEnd) {
        issues.add('clock-skew', spans[child]!.id);
      }
      const s = Math.max(childStart, spanStart);
      const e = Math.min(childEnd, spanEnd);
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
    times[i * TIMES + SELF] = Math.max(0, times[i * TIMES + DURATION]! - covered);
  }
}

/**
 * How far a child may overrun the start of the next child on the path and still count as running before it. The
 * OpenTelemetry JS SDK records span start times in whole milliseconds but end times more precisely, so a call made
 * right after another one can appear to start up to 1 ms before the first one ended.
 */
const SEQUENTIAL_OVERLAP_MS = 1;

/**
 * The segments of a critical path: the span and the bounds of segment `k` in typed arrays, and one small object per
 * segment that reads them (an object literal held its two bounds as heap numbers).
 */
class CriticalPath {
  readonly positions: Int32Array;
  readonly bounds: Float64Array;
  length = 0;

  /** Each span on the path adds at most one segment before each child it descends into, and one after. */
  constructor(
    readonly spans: readonly SpanNode[],
    maxSegments: number
  ) {
    this.positions = new Int32Array(maxSegments);
    this.bounds = new Float64Array(maxSegments * 2);
  }

  add(span: number, startMs: number, endMs: number): void {
    const k = this.length++;
    this.positions[k] = span;
    this.bounds[2 * k] = startMs;
    this.bounds[2 * k + 1] = endMs;
  }

  /** The segments in time order; they were added latest first. */
  segments(): CriticalSegment[] {
    const segments = new Array<CriticalSegment>(this.length);
    for (let k = 0; k < this.length; k++) {
      segments[this.length - 1 - k] = new PathSegment(this, k);
    }
    return segments;
  }
}

class PathSegment implements CriticalSegment {
  constructor(
    private readonly path: CriticalPath,
    private readonly k: number
  ) {}

  get span(): Span {
    return this.path.spans[this.path.positions[this.k]!]!;
  }

  get startMs(): number {
    return this.path.bounds[2 * this.k]!;
  }

  get endMs(): number {
    return this.path.bounds[2 * this.k + 1]!;
  }
}

/**
 * The children of `span` sorted by end, latest first (ties in start order), or undefined when their ends rise
 * strictly in start order (the common case: calls made one after the other): then the critical path takes them in
 * reverse, with nothing to sort.
 */
function sortedByEndDesc(
  { times, childStart, childCount, childOrder }: SpanColumns,
  span: number
): number[] | undefined {
  const first = childStart[span]!;
  const end = first + childCount[span]!;
  let endsRise = true;
  for (let c = first + 1; c < end && endsRise; c++) {
    endsRise = times[childOrder[c]! * TIMES + END]! > times[childOrder[c - 1]! * TIMES + END]!;
  }
  if (endsRise) {
    return undefined;
  }
  return Array.from(childOrder.subarray(first, end)).sort((a, b) => times[b * TIMES + END]! - times[a * TIMES + END]!);
}

/**
 * The critical path as in Jaeger: from the end of a span, the child that finished last is on the
 * path; then, before that child started, the child that finished last before it; the gaps are the
 * span's own time. Children are clipped to their parent. Depth-first with an explicit stack (no
 * recursion) of parallel arrays: a span's gaps and its chosen children's subtrees come out latest
 * first, so the segments, which partition the root's interval, need one reversal instead of a sort.
 */
function computeCriticalPath(columns: SpanColumns, root: number): CriticalSegment[] {
  const { spans: spanNodes, times, childStart, childCount, childOrder } = columns;
  const path = new CriticalPath(spanNodes, 2 * spanNodes.length);
  const spans: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const cursors: number[] = [];
  /** Children sorted by end, latest first; undefined: `childOrder` read backwards. */
  const orders: Array<number[] | undefined> = [];
  const next: number[] = [];
  const enter = (span: number, startMs: number, endMs: number): void => {
    spans.push(span);
    starts.push(startMs);
    ends.push(endMs);
    cursors.push(endMs);
    orders.push(sortedByEndDesc(columns, span));
    next.push(0);
  };
  enter(root, times[root * TIMES + START]!, times[root * TIMES + END]!);
  while (spans.length > 0) {
    const top = spans.length - 1;
    const span = spans[top]!;
    const startMs = starts[top]!;
    const endMs = ends[top]!;
    const order = orders[top];
    const count = childCount[span]!;
    const last = childStart[span]! + count - 1;
    let cursor = cursors[top]!;
    let i = next[top]!;
    let descend = NO_PARENT;
    let descendStart = 0;
    let descendEnd = 0;
    for (; i < count; i++) {
      if (cursor <= startMs) {
        break;
      }
      const child = order ? order[i]! : childOrder[last - i]!;
      let childEnd = Math.min(times[child * TIMES + END]!, endMs);
      const childStart = Math.max(times[child * TIMES + START]!, startMs);
      if (childEnd > cursor && childEnd - cursor <= SEQUENTIAL_OVERLAP_MS) {
        childEnd = cursor;
      }
      if (childEnd > cursor || childEnd <= childStart) {
        continue; // ran in parallel with a child already on the path, or outside this span
      }
      if (cursor > childEnd) {
        path.add(span, childEnd, cursor);
        times[span * TIMES + CRITICAL_SELF] = times[span * TIMES + CRITICAL_SELF]! + cursor - childEnd;
      }
      descend = child;
      descendStart = childStart;
      descendEnd = childEnd;
      cursor = childStart;
      i++;
      break;
    }
    if (descend !== NO_PARENT) {
      next[top] = i;
      cursors[top] = cursor;
      enter(descend, descendStart, descendEnd);
      continue;
    }
    if (cursor > startMs) {
      path.add(span, startMs, cursor);
      times[span * TIMES + CRITICAL_SELF] = times[span * TIMES + CRITICAL_SELF]! + cursor - startMs;
    }
    spans.pop();
    starts.pop();
    ends.pop();
    cursors.pop();
    orders.pop();
    next.pop();
  }
  return path.segments();
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
