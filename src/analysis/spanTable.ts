/**
 * `SpanTable`: every span of one trace by its position, in columns, and `SpanNode`, the `Span` object a position is
 * read as. `buildTrace` fills the table in; the rules and the critical path read it.
 */
import { type OtlpKeyValue, type SpanKind, type SpanStatus, ID_HEX, ID_NONE, decodeId } from './otlp';
import type { CriticalPath } from './criticalPath';
import type { Span } from './trace';

/** No span: the parent of a root, the root of an empty trace. */
export const NO_SPAN = -1;
export const EMPTY: readonly never[] = Object.freeze([]);

/** Slots per span in `SpanTable.times`: a span's five numbers side by side, read together by every pass. */
export const TIMES = 5;
export const START = 0;
export const END = 1;
export const DURATION = 2;
export const SELF = 3;
export const CRITICAL_SELF = 4;

/** A span as parsed from the JSON, read again only for what few spans show (ids, status message, attributes). */
export interface ParsedSpan {
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

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY;
}
