/**
 * The normalised trace model: built in one pass over Tempo or OTLP JSON into a table of columns by span position
 * (`SpanTable`), with spans indexed by id, parent/children links, depth, service hops, self time and the critical
 * path; the `Span` objects of the public model are made from the table when read. Every step is
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
/** No span: the parent of a root, the root of an empty trace. */
export const NO_SPAN = -1;
const EMPTY: readonly never[] = Object.freeze([]);

/** Slots per span in `SpanTable.times`: a span's five numbers side by side, read together by every pass. */
const TIMES = 5;
const START = 0;
const END = 1;
const DURATION = 2;
const SELF = 3;
const CRITICAL_SELF = 4;

/** A span as parsed from the JSON, read again only for what few spans show (ids, status message, attributes). */
interface ParsedSpan {
  readonly spanId?: unknown;
  readonly parentSpanId?: unknown;
  readonly status?: { readonly message?: unknown };
  readonly attributes?: unknown;
}

/**
 * Every span of one trace by its position, in columns: numbers and links in typed arrays, strings in arrays shared by
 * all spans, and no object per span. The rules read this (`RuleContext.table`); a `Span` object is made only when
 * something asks for one (`span`, `Trace.spans`). An object per span, with its children array, made a 100,000-span
 * model ~17 MB of small objects that all stayed live until the analysis ended, and the young generation found,
 * copied and promoted each of them: a third of the analysis (`docs/benchmarks.md`). Typed arrays live outside the
 * JavaScript heap and hold numbers unboxed. `buildTrace` fills it in; the rules only read it.
 */
export class SpanTable {
  /** How many spans; positions run from 0 to `size - 1`. */
  size = 0;
  /** The root the trace is measured from, `NO_SPAN` for a trace without spans. */
  root = NO_SPAN;
  readonly times: Float64Array;
  /** The parent's position, `NO_SPAN` for a root. */
  readonly parents: Int32Array;
  readonly depths: Int32Array;
  readonly serviceHops: Int32Array;
  /** A number per distinct service name (`serviceNames`), so spans compare services as numbers. */
  readonly serviceIds: Int32Array;
  readonly serviceNames: string[] = [];
  /** The children of span `i` are `childOrder[childStart[i] … childStart[i] + childCount[i])`, ordered by start. */
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly childOrder: Int32Array;
  readonly names: string[];
  readonly kinds: SpanKind[];
  readonly statuses: SpanStatus[];
  /** How the span's id is spelled (`ID_HEX` or `ID_ENCODED`), and its parent id's (`ID_NONE`: it has none). */
  readonly idForms: Uint8Array;
  readonly parentIdForms: Uint8Array;
  /** The span as parsed, for what is read only when shown. */
  readonly parsed: ParsedSpan[];
  /** Which of `resourceAttributeLists` holds the span's resource attributes. */
  readonly resources: Int32Array;
  readonly resourceAttributeLists: Array<readonly OtlpKeyValue[]> = [];
  criticalPath: CriticalPath | undefined;
  /** Ids not spelled in lower-case hex, decoded on first read. */
  private decodedIds: Array<string | undefined> | undefined;
  private decodedParentIds: Array<string | undefined> | undefined;
  private nodes: Array<SpanNode | undefined> | undefined;
  private allNodes = false;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity * TIMES);
    this.parents = new Int32Array(capacity);
    this.depths = new Int32Array(capacity);
    this.serviceHops = new Int32Array(capacity);
    this.serviceIds = new Int32Array(capacity);
    this.childStart = new Int32Array(capacity);
    this.childCount = new Int32Array(capacity);
    this.childOrder = new Int32Array(capacity);
    this.names = new Array<string>(capacity);
    this.kinds = new Array<SpanKind>(capacity);
    this.statuses = new Array<SpanStatus>(capacity);
    this.idForms = new Uint8Array(capacity);
    this.parentIdForms = new Uint8Array(capacity);
    this.parsed = new Array<ParsedSpan>(capacity);
    this.resources = new Int32Array(capacity);
  }

  /** Lower-case hex. */
  id(position: number): string {
    const written = this.parsed[position]!.spanId as string;
    if (this.idForms[position] === ID_HEX) {
      return written;
    }
    const decoded = (this.decodedIds ??= new Array<string | undefined>(this.parsed.length));
    // The id was read as an id when the span was added, so it decodes.
    return (decoded[position] ??= decodeId(written) ?? '');
  }

  parentId(position: number): string | undefined {
    const form = this.parentIdForms[position];
    if (form === ID_NONE) {
      return undefined;
    }
    const written = this.parsed[position]!.parentSpanId as string;
    if (form === ID_HEX) {
      return written;
    }
    const decoded = (this.decodedParentIds ??= new Array<string | undefined>(this.parsed.length));
    return (decoded[position] ??= decodeId(written));
  }

  service(position: number): string {
    return this.serviceNames[this.serviceIds[position]!]!;
  }

  statusMessage(position: number): string {
    const message = this.parsed[position]!.status?.message;
    return typeof message === 'string' ? message : '';
  }

  startMs(position: number): number {
    return this.times[position * TIMES + START]!;
  }

  endMs(position: number): number {
    return this.times[position * TIMES + END]!;
  }

  durationMs(position: number): number {
    return this.times[position * TIMES + DURATION]!;
  }

  selfTimeMs(position: number): number {
    return this.times[position * TIMES + SELF]!;
  }

  criticalSelfMs(position: number): number {
    return this.times[position * TIMES + CRITICAL_SELF]!;
  }

  /** The span at `position` as an object; the same object on every call. */
  span(position: number): Span {
    const nodes = (this.nodes ??= new Array<SpanNode | undefined>(this.size));
    return (nodes[position] ??= new SpanNode(this, position));
  }

  /** Every span as an object, in position order. */
  spans(): readonly Span[] {
    const nodes = (this.nodes ??= new Array<SpanNode | undefined>(this.size));
    if (!this.allNodes) {
      for (let i = 0; i < this.size; i++) {
        nodes[i] ??= new SpanNode(this, i);
      }
      this.allNodes = true;
    }
    return nodes as SpanNode[];
  }

  /** The children of the span at `position` as spans, in order. */
  childrenOf(position: number): readonly Span[] {
    const count = this.childCount[position]!;
    if (count === 0) {
      return EMPTY;
    }
    const first = this.childStart[position]!;
    const children = new Array<Span>(count);
    for (let c = 0; c < count; c++) {
      children[c] = this.span(this.childOrder[first + c]!);
    }
    return children;
  }
}

/** The `Span` of a table's position: every field is read from the table. */
class SpanNode implements Span {
  /** Made on first read. */
  private childList: readonly Span[] | undefined = undefined;

  constructor(
    private readonly table: SpanTable,
    private readonly position: number
  ) {}

  get id(): string {
    return this.table.id(this.position);
  }

  get parentId(): string | undefined {
    return this.table.parentId(this.position);
  }

  get name(): string {
    return this.table.names[this.position]!;
  }

  get service(): string {
    return this.table.service(this.position);
  }

  get kind(): SpanKind {
    return this.table.kinds[this.position]!;
  }

  get status(): SpanStatus {
    return this.table.statuses[this.position]!;
  }

  get statusMessage(): string {
    return this.table.statusMessage(this.position);
  }

  get startMs(): number {
    return this.table.startMs(this.position);
  }

  get endMs(): number {
    return this.table.endMs(this.position);
  }

  get durationMs(): number {
    return this.table.durationMs(this.position);
  }

  get selfTimeMs(): number {
    return this.table.selfTimeMs(this.position);
  }

  get criticalSelfMs(): number {
    return this.table.criticalSelfMs(this.position);
  }

  get depth(): number {
    return this.table.depths[this.position]!;
  }

  get serviceHops(): number {
    return this.table.serviceHops[this.position]!;
  }

  get parent(): Span | undefined {
    const parent = this.table.parents[this.position]!;
    return parent === NO_SPAN ? undefined : this.table.span(parent);
  }

  get children(): readonly Span[] {
    return (this.childList ??= this.table.childrenOf(this.position));
  }

  get rawAttributes(): readonly OtlpKeyValue[] {
    return asArray(this.table.parsed[this.position]!.attributes) as readonly OtlpKeyValue[];
  }

  get rawResourceAttributes(): readonly OtlpKeyValue[] {
    return this.table.resourceAttributeLists[this.table.resources[this.position]!]!;
  }
}

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

/**
 * How far a child may overrun the start of the next child on the path and still count as running before it. The
 * OpenTelemetry JS SDK records span start times in whole milliseconds but end times more precisely, so a call made
 * right after another one can appear to start up to 1 ms before the first one ended.
 */
const SEQUENTIAL_OVERLAP_MS = 1;

/**
 * The segments of a critical path: the span and the bounds of each segment in typed arrays, added latest first, and
 * one small object per segment that reads them when `Trace.criticalPath` is read.
 */
export class CriticalPath {
  private readonly positions: Int32Array;
  private readonly bounds: Float64Array;
  length = 0;

  /** Each span on the path adds at most one segment before each child it descends into, and one after. */
  constructor(
    readonly table: SpanTable,
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

  /** The position of the span of the `k`-th segment in time order. */
  spanAt(k: number): number {
    return this.positions[this.length - 1 - k]!;
  }

  startMsAt(k: number): number {
    return this.bounds[2 * (this.length - 1 - k)]!;
  }

  endMsAt(k: number): number {
    return this.bounds[2 * (this.length - 1 - k) + 1]!;
  }

  /** The segments in time order. */
  segments(): CriticalSegment[] {
    const segments = new Array<CriticalSegment>(this.length);
    for (let k = 0; k < this.length; k++) {
      segments[k] = new PathSegment(this, k);
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
    return this.path.table.span(this.path.spanAt(this.k));
  }

  get startMs(): number {
    return this.path.startMsAt(this.k);
  }

  get endMs(): number {
    return this.path.endMsAt(this.k);
  }
}

/**
 * The children of `span` sorted by end, latest first (ties in start order), or undefined when their ends rise
 * strictly in start order (the common case: calls made one after the other): then the critical path takes them in
 * reverse, with nothing to sort.
 */
function sortedByEndDesc({ times, childStart, childCount, childOrder }: SpanTable, span: number): number[] | undefined {
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
function computeCriticalPath(table: SpanTable, root: number): CriticalPath {
  const { size, times, childStart, childCount, childOrder } = table;
  const path = new CriticalPath(table, 2 * size);
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
    orders.push(sortedByEndDesc(table, span));
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
    let descend = NO_SPAN;
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
    if (descend !== NO_SPAN) {
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
  return path;
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
