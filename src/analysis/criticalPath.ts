/**
 * The critical path of a built trace, as in Jaeger, computed over its `SpanTable` and kept there in typed arrays.
 */
import { CRITICAL_SELF, END, NO_SPAN, type SpanTable, START, TIMES } from './spanTable';
import type { CriticalSegment, Span } from './trace';

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
export function computeCriticalPath(table: SpanTable, root: number): CriticalPath {
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
