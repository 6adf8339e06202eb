/**
 * `buildTrace`: the one pass from Tempo or OTLP JSON to a `Trace` over a `SpanTable` (spans indexed by id, linked,
 * walked for depth and service hops, their self times and the critical path computed), and `tableOf`, the way back
 * from a built trace to its table.
 */
import {
  type OtlpKeyValue,
  ID_HEX,
  ID_NONE,
  ID_STRIDE,
  decodeId,
  decodeKind,
  decodeStatus,
  isHexId,
  readId,
  readUnixNanosToMs,
  stringAttribute,
} from './otlp';
import { computeCriticalPath } from './criticalPath';
import { NOT_FOUND, SpanIndex } from './spanIndex';
import { DURATION, EMPTY, END, NO_SPAN, SELF, START, SpanTable, TIMES, asArray } from './spanTable';
import type { CriticalSegment, Span, Trace, TraceIssue, TraceIssueKind } from './trace';

/** The input was not trace JSON at all (as opposed to a trace with bad spans, which is tolerated). */
export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

const MAX_EXAMPLES = 5;
/** Depth before the breadth-first walk reaches a span; cheaper than a visited set. */
const UNVISITED = -1;

/** A trace from `buildTrace`: its spans, roots and critical path are made from its table when first read. */
class BuiltTrace implements Trace {
  private rootList: readonly Span[] | undefined;
  private segments: readonly CriticalSegment[] | undefined;
  private readonly query = new Int32Array(ID_STRIDE);

  constructor(
    readonly table: SpanTable,
    private readonly index: SpanIndex | undefined,
    /** Positions of the spans without a parent in the trace, the root first. */
    private readonly rootPositions: readonly number[],
    readonly traceId: string,
    readonly startUnixMs: number,
    readonly durationMs: number,
    readonly services: readonly string[],
    readonly issues: readonly TraceIssue[]
  ) {}

  get spans(): readonly Span[] {
    return this.table.spans();
  }

  get root(): Span | undefined {
    return this.table.root === NO_SPAN ? undefined : this.table.span(this.table.root);
  }

  get roots(): readonly Span[] {
    return (this.rootList ??= this.rootPositions.map((position) => this.table.span(position)));
  }

  get criticalPath(): readonly CriticalSegment[] {
    return (this.segments ??= this.table.criticalPath?.segments() ?? EMPTY);
  }

  spanById(id: string): Span | undefined {
    if (!this.index || !isHexId(id) || readId(id, this.query, 0) === ID_NONE) {
      return undefined;
    }
    const position = this.index.find(this.query, 0);
    return position === NOT_FOUND ? undefined : this.table.span(position);
  }

  /** See `positionOf`. */
  positionOf(id: string): number {
    if (!this.index || readId(id, this.query, 0) !== ID_HEX) {
      return NO_SPAN;
    }
    const position = this.index.find(this.query, 0);
    return position === NOT_FOUND ? NO_SPAN : position;
  }
}

/**
 * The table of a trace made by `buildTrace`. The rules read spans through it; a `Trace` put together another way
 * (such as `redactTrace`'s display copy) has none and is not analysed.
 */
export function tableOf(trace: Trace): SpanTable {
  if (!(trace instanceof BuiltTrace)) {
    throw new TypeError('only a trace made by buildTrace can be analysed');
  }
  return trace.table;
}

/**
 * The position of the span whose `Span.id` is exactly `id` (lower-case hex), or `NO_SPAN`; of spans with the same id,
 * the first. Found in the trace's id index, without reading any span's id string: a trace's logs name a few of its
 * spans, and hashing every span's id to find them cost more than the ranking that reads them.
 */
export function positionOf(trace: Trace, id: string): number {
  if (!(trace instanceof BuiltTrace)) {
    throw new TypeError('only a trace made by buildTrace can be analysed');
  }
  return trace.positionOf(id);
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
  const table = new SpanTable(capacity);
  const { times, serviceIds, names, kinds, statuses, idForms, parentIdForms, parsed, resources } = table;
  const serviceNumbers = new Map<string, number>();
  // The id and the parent id of the span at position i, as numbers (see `readId`).
  const ids = new Int32Array(capacity * ID_STRIDE);
  const parentIds = new Int32Array(capacity * ID_STRIDE);
  const index = new SpanIndex(ids, capacity);
  let minStart = Number.POSITIVE_INFINITY;
  let maxEnd = Number.NEGATIVE_INFINITY;
  let traceId = '';
  let size = 0;

  for (let r = 0; r < resourceSpans.length; r++) {
    const rs = resourceSpans[r] as { resource?: { attributes?: unknown } } | null;
    const resourceAttributes = asArray(rs?.resource?.attributes) as readonly OtlpKeyValue[];
    table.resourceAttributeLists.push(resourceAttributes);
    const service = stringAttribute(resourceAttributes, 'service.name') ?? 'unknown_service';
    const spansBefore = size;
    const serviceId = serviceNumbers.get(service) ?? serviceNumbers.size;
    const scopes = asArray(
      (rs as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null)?.scopeSpans ??
        (rs as { instrumentationLibrarySpans?: unknown } | null)?.instrumentationLibrarySpans
    );
    for (let c = 0; c < scopes.length; c++) {
      const raws = asArray((scopes[c] as { spans?: unknown } | null)?.spans);
      for (let k = 0; k < raws.length; k++) {
        const s = raws[k] as Record<string, unknown> | null;
        const position = size;
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
        const status = s.status as { code?: unknown } | undefined;
        parsed[position] = s;
        idForms[position] = form;
        parentIdForms[position] = readId(s.parentSpanId, parentIds, at);
        names[position] = typeof s.name === 'string' ? s.name : '';
        kinds[position] = decodeKind(s.kind);
        statuses[position] = decodeStatus(status?.code);
        resources[position] = r;
        times[t + END] = end;
        times[t + DURATION] = end - start;
        serviceIds[position] = serviceId;
        if (traceId === '') {
          // One trace per input: the first span's trace id names it.
          traceId = decodeId(s.traceId) ?? '';
        }
        size++;
        if (index.add(position) !== position) {
          issues.add('duplicate-span-id', table.id(position));
        }
        if (start < minStart) {
          minStart = start;
        }
        if (end > maxEnd) {
          maxEnd = end;
        }
      }
    }
    if (size > spansBefore) {
      serviceNumbers.set(service, serviceId);
      table.serviceNames[serviceId] = service;
    }
  }

  table.size = size;
  if (size === 0) {
    return new BuiltTrace(new SpanTable(0), undefined, EMPTY, '', 0, 0, EMPTY, issues.list());
  }

  const roots = link(table, index, parentIds, issues);
  for (let t = 0; t < size * TIMES; t += TIMES) {
    times[t + START] = times[t + START]! - minStart;
    times[t + END] = times[t + END]! - minStart;
  }
  const root = pickRoot(table, roots);
  table.root = root;
  computeSelfTimes(table, issues);
  table.criticalPath = computeCriticalPath(table, root);
  return new BuiltTrace(
    table,
    index,
    [root, ...roots.filter((r) => r !== root)],
    traceId,
    minStart,
    maxEnd - minStart,
    [...serviceNumbers.keys()],
    issues.list()
  );
}

/**
 * Parent/child links (children in document order, as positions in `childOrder`), then depth and service hops
 * breadth-first; spans caught in cycles become roots. Returns the roots' positions.
 */
function link(table: SpanTable, index: SpanIndex, parentIds: Int32Array, issues: Issues): number[] {
  const { size, parentIdForms, parents, childStart, childCount, childOrder, depths, serviceHops } = table;
  const roots: number[] = [];
  for (let i = 0; i < size; i++) {
    const position = parentIdForms[i] === ID_NONE ? NOT_FOUND : index.find(parentIds, i * ID_STRIDE);
    if (position !== NOT_FOUND && position !== i) {
      parents[i] = position;
      childCount[position] = childCount[position]! + 1;
    } else {
      parents[i] = NO_SPAN;
    }
  }
  let next = 0;
  for (let i = 0; i < size; i++) {
    childStart[i] = next;
    next += childCount[i]!;
    childCount[i] = 0;
  }
  for (let i = 0; i < size; i++) {
    const parent = parents[i]!;
    if (parent !== NO_SPAN) {
      childOrder[childStart[parent]! + childCount[parent]!++] = i;
    } else {
      if (parentIdForms[i] !== ID_NONE) {
        issues.add('missing-parent', table.id(i));
      }
      roots.push(i);
    }
  }

  depths.fill(UNVISITED, 0, size);
  let visited = 0;
  const queue = new Int32Array(size);
  for (let i = 0; i < roots.length; i++) {
    visited += walk(table, roots[i]!, queue);
  }
  if (visited < size) {
    for (let i = 0; i < size; i++) {
      if (depths[i] !== UNVISITED) {
        continue;
      }
      // Unreached means every ancestor chain loops; cut this span loose and walk from it.
      issues.add('cycle', table.id(i));
      detach(table, i);
      serviceHops[i] = 0;
      roots.push(i);
      walk(table, i, queue);
    }
  }
  return roots;
}

/** Removes the span at `position` from its parent's children. */
function detach({ parents, childStart, childCount, childOrder }: SpanTable, position: number): void {
  const parent = parents[position]!;
  const first = childStart[parent]!;
  const last = first + --childCount[parent]!;
  for (let c = childOrder.indexOf(position, first); c < last; c++) {
    childOrder[c] = childOrder[c + 1]!;
  }
  parents[position] = NO_SPAN;
}

/** Sets depth and service hops below `start`, breadth-first; returns how many spans it reached. */
function walk(table: SpanTable, start: number, queue: Int32Array): number {
  const { depths, serviceHops, serviceIds, childStart, childCount, childOrder } = table;
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

/** A root without a parent id before an orphan, then the earliest; `roots` is not empty. */
function pickRoot(table: SpanTable, roots: readonly number[]): number {
  let best = roots[0]!;
  for (let i = 1; i < roots.length; i++) {
    const r = roots[i]!;
    const trueRoot = table.parentIdForms[r] === ID_NONE;
    const bestTrue = table.parentIdForms[best] === ID_NONE;
    if ((trueRoot && !bestTrue) || (trueRoot === bestTrue && table.startMs(r) < table.startMs(best))) {
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
function computeSelfTimes(table: SpanTable, issues: Issues): void {
  const { size, times, childStart, childCount, childOrder } = table;
  for (let i = 0; i < size; i++) {
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
        issues.add('clock-skew', table.id(child));
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
