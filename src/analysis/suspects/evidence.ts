/**
 * What one trace says about each service, read against a baseline profile: own time over the baseline, time lost on
 * the wire between a call and the server span it reached, where errors start, and calls its operations stopped or
 * started making. The ranking (`rankSuspects`) adds these up over the traces of a range; the profile
 * (`profileBaseline`) is built from the same readings of the traces before it.
 */
import { baselineKey } from '../baselines';
import { NO_SPAN, type SpanTable, type Trace, positionOf, tableOf } from '../trace';

/** Log levels, as a logs data source normalises them (Loki's `detected_level`, OpenTelemetry's severity text). */
export type LogSeverity = 'error' | 'warn' | 'info' | 'debug';

/** One log line attached to a span: its level and its message. */
export interface LogLine {
  readonly severity: LogSeverity;
  readonly body: string;
}

/** Log lines of one trace's spans, from a logs data source (or a log bridge's span events). */
export interface TraceLogs {
  /** Error-level lines per span id: enough for where errors start. */
  readonly errorLinesBySpan: ReadonlyMap<string, number>;
  /**
   * The lines themselves per span id, where the source returns their text (the logs of the candidate traces): the
   * ranking reads their patterns (`logPatternOf`). Optional: without it, log patterns are not judged.
   */
  readonly linesBySpan?: ReadonlyMap<string, readonly LogLine[]>;
}

export const NO_LOGS: TraceLogs = Object.freeze({ errorLinesBySpan: new Map<string, number>() });

/** Between two services: `caller → callee`. */
export function linkKey(caller: string, callee: string): string {
  return `${caller}\u0000${callee}`;
}

/** Whether a key names a link (`linkKey`) rather than a service. */
export function isLinkKey(key: string): boolean {
  return key.includes('\u0000');
}

export function linkEnds(key: string): [caller: string, callee: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}

/**
 * The server span a span called, or `NO_SPAN` when it is not a call: a span that is not itself an entry (SERVER)
 * and whose only child runs in another service. Its own time is then the time between the two — the network, the
 * callee's queue — and belongs to the link, not to the caller's code.
 */
export function calleeOf(t: SpanTable, span: number): number {
  if (t.kinds[span] === 'server' || t.childCount[span] !== 1) {
    return NO_SPAN;
  }
  const child = t.childOrder[t.childStart[span]!]!;
  return t.serviceIds[child] !== t.serviceIds[span] ? child : NO_SPAN;
}

/**
 * The spans of a trace that logs name (`TraceLogs`: by span id), with what they logged where `keep` accepts it, in
 * position order. Looked up in the trace's id index: logs name a few of a trace's spans, and reading every span's id
 * to find them was most of what logs cost the ranking. A trace with duplicate span ids is walked instead, so that
 * every span with a logged id counts, as each did before.
 */
export function loggedSpans<V>(
  trace: Trace,
  byId: ReadonlyMap<string, V>,
  keep: (logged: V) => boolean
): Array<[number, V]> {
  const found: Array<[number, V]> = [];
  if (trace.issues.some((i) => i.kind === 'duplicate-span-id')) {
    const t = tableOf(trace);
    for (let i = 0; i < t.size; i++) {
      const logged = byId.get(t.id(i));
      if (logged !== undefined && keep(logged)) {
        found.push([i, logged]);
      }
    }
    return found;
  }
  for (const [id, logged] of byId) {
    const position = keep(logged) ? positionOf(trace, id) : NO_SPAN;
    if (position !== NO_SPAN) {
      found.push([position, logged]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]);
}

const loggedAnError = (lines: number) => lines > 0;

/**
 * Where the trace's errors start: the deepest span that failed (status error) or logged an error-level line, the
 * earliest first among equals. A caller that logs its callee's failure sits above it, so the deeper span wins.
 */
export function errorOriginOf(trace: Trace, logs: TraceLogs): number {
  const t = tableOf(trace);
  let origin = NO_SPAN;
  let logged: Uint8Array | undefined;
  if (logs.errorLinesBySpan.size > 0) {
    logged = new Uint8Array(t.size);
    for (const [position] of loggedSpans(trace, logs.errorLinesBySpan, loggedAnError)) {
      logged[position] = 1;
    }
  }
  for (let i = 0; i < t.size; i++) {
    const failed = t.statuses[i] === 'error' || logged?.[i] === 1;
    if (
      failed &&
      (origin === NO_SPAN ||
        t.depths[i]! > t.depths[origin]! ||
        (t.depths[i] === t.depths[origin] && t.startMs(i) < t.startMs(origin)))
    ) {
      origin = i;
    }
  }
  return origin;
}

/**
 * Each service's own time per request it served: for every span where a request enters a service (a root, or a span
 * whose parent runs elsewhere), its duration less the time spent in calls out of the service, whatever span of the
 * service made them. A chain of slow spans inside one service — controller, repository, query — is then one
 * measurement, and a span that merely wraps the request beside the span that made the call (a web filter, a
 * gateway handler) adds nothing of its own. Calls into other services' databases or untraced services are own time:
 * the service waited on something only it depends on.
 */
export function forEachOwnTime(t: SpanTable, visit: (entry: number, ownMs: number) => void): void {
  if (walking || t.size > KEPT_WALK_SPANS) {
    walkOwnTimes(t, new Int32Array(t.size).fill(NO_SPAN), new Int32Array(t.size), visit);
    return;
  }
  const [entryOf, stack] = walkSpace(t.size);
  walking = true;
  try {
    walkOwnTimes(t, entryOf.fill(NO_SPAN, 0, t.size), stack, visit);
  } finally {
    walking = false;
  }
}

function walkOwnTimes(
  t: SpanTable,
  entryOf: Int32Array,
  stack: Int32Array,
  visit: (entry: number, ownMs: number) => void
): void {
  // Every span has one parent, so each is pushed at most once.
  let top = 0;
  for (let i = 0; i < t.size; i++) {
    if (t.parents[i] === NO_SPAN) {
      entryOf[i] = i;
      stack[top++] = i;
    }
  }
  // By entry position: [start, end) of each call out of the service, in the order the walk meets them.
  const callsOut = new Array<number[] | undefined>(t.size);
  while (top > 0) {
    const span = stack[--top]!;
    const from = t.childStart[span]!;
    const end = from + t.childCount[span]!;
    let callsElsewhere = false;
    for (let c = from; c < end; c++) {
      const child = t.childOrder[c]!;
      const remote = t.serviceIds[child] !== t.serviceIds[span];
      callsElsewhere ||= remote;
      entryOf[child] = remote ? child : entryOf[span]!;
      stack[top++] = child;
    }
    const entry = entryOf[span]!;
    if (span !== entry && callsElsewhere) {
      const list = callsOut[entry];
      list ? list.push(t.startMs(span), t.endMs(span)) : (callsOut[entry] = [t.startMs(span), t.endMs(span)]);
    }
  }
  for (let i = 0; i < t.size; i++) {
    if (entryOf[i] === i) {
      visit(i, t.durationMs(i) - coveredMs(callsOut[i], t.startMs(i), t.endMs(i)));
    }
  }
}

/**
 * The own-time walk's two arrays, kept between traces, so that ranking thousands of small traces does not allocate
 * two typed arrays (each with its buffer outside the heap) for every one. Traces over `KEPT_WALK_SPANS` spans, and a
 * walk started from a `visit`, get their own: a page that once read a huge trace does not hold its arrays for ever.
 */
const KEPT_WALK_SPANS = 10_000;
let walking = false;
let walkArrays: [entryOf: Int32Array, stack: Int32Array] = [new Int32Array(0), new Int32Array(0)];

function walkSpace(size: number): [entryOf: Int32Array, stack: Int32Array] {
  if (walkArrays[0].length < size) {
    const capacity = Math.min(KEPT_WALK_SPANS, Math.max(size, 2 * walkArrays[0].length));
    walkArrays = [new Int32Array(capacity), new Int32Array(capacity)];
  }
  return walkArrays;
}

/** Length of the union of `[start, end)` pairs, clipped to `[from, to)`. */
function coveredMs(pairs: number[] | undefined, from: number, to: number): number {
  if (!pairs) {
    return 0;
  }
  let covered = 0;
  let reach = from;
  const cover = (k: number) => {
    const start = Math.max(pairs[2 * k]!, reach);
    const end = Math.min(pairs[2 * k + 1]!, to);
    if (end > start) {
      covered += end - start;
      reach = end;
    }
  };
  const n = pairs.length / 2;
  let inOrder = true;
  for (let k = 1; k < n && inOrder; k++) {
    inOrder = pairs[2 * k - 2]! <= pairs[2 * k]!;
  }
  if (inOrder) {
    for (let k = 0; k < n; k++) {
      cover(k);
    }
  } else {
    // A stable sort by start, as the pairs met in order would be walked.
    Array.from({ length: n }, (_, k) => k)
      .sort((a, b) => pairs[2 * a]! - pairs[2 * b]!)
      .forEach(cover);
  }
  return covered;
}

/** An interned operation key, and the last table whose keys listed it (`OperationKeys.distinct`). */
interface Interned {
  readonly key: string;
  listedIn: number;
}

/**
 * Keys already made, by service and name: the ranking looks up every span's operation several times, and one string
 * per operation (its hash computed once) is much cheaper than a new concatenation per span. Bounded, so names of
 * unbounded cardinality cannot grow it for ever (`clearings` counts how often it was emptied); the cache has no
 * effect on results.
 */
const internedKeys = new Map<string, Map<string, Interned>>();
let internedCount = 0;
let clearings = 0;
const MAX_INTERNED = 50_000;

/** The interned keys of one service's operations, by name. */
function keysOfService(service: string): Map<string, Interned> {
  let byName = internedKeys.get(service);
  if (!byName) {
    byName = new Map();
    internedKeys.set(service, byName);
  }
  return byName;
}

function internedKey(byName: Map<string, Interned>, service: string, name: string): Interned {
  let interned = byName.get(name);
  if (interned === undefined) {
    if (internedCount >= MAX_INTERNED) {
      internedKeys.clear();
      internedCount = 0;
      clearings++;
      internedKeys.set(service, byName);
      byName.clear();
    }
    interned = { key: baselineKey(service, name), listedIn: 0 };
    byName.set(name, interned);
    internedCount++;
  }
  return interned;
}

/** A trace's operations as the profile keys them (`baselineKey`). */
interface OperationKeys {
  /** Each span's, by position. */
  readonly bySpan: readonly string[];
  /** Each operation once, in the order of its first span: what counting traces per operation needs. */
  readonly distinct: readonly string[];
}

/** Each table's keys, made on first use: a profile and every ranking as rows arrive read the same traces again. */
const keysByTable = new WeakMap<SpanTable, OperationKeys>();
/** Numbers the tables whose keys are made, for `Interned.listedIn`. */
let tablesKeyed = 0;

export function operationKeysOf(t: SpanTable): OperationKeys {
  let keys = keysByTable.get(t);
  if (!keys) {
    const bySpan = new Array<string>(t.size);
    let distinct: string[] = [];
    const table = ++tablesKeyed;
    const clearingsBefore = clearings;
    const byService = t.serviceNames.map(keysOfService);
    for (let i = 0; i < t.size; i++) {
      const service = t.serviceIds[i]!;
      const interned = internedKey(byService[service]!, t.serviceNames[service]!, t.names[i]!);
      bySpan[i] = interned.key;
      // Listed once per table without a set of its own: the lookup above already found the key's entry.
      if (interned.listedIn !== table) {
        interned.listedIn = table;
        distinct.push(interned.key);
      }
    }
    if (clearings !== clearingsBefore) {
      // Entries made again after the cache was emptied in this table do not know they were listed.
      distinct = [...new Set(distinct)];
    }
    keys = { bySpan, distinct };
    keysByTable.set(t, keys);
  }
  return keys;
}

/** Each span's operation as the profile keys it (`baselineKey`), by position. */
export function operationKeys(t: SpanTable): readonly string[] {
  return operationKeysOf(t).bySpan;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The distinct operations a span calls directly: its children's keys, and for a child that calls another service,
 * the operation it reached — a client span's name (`HTTP POST`) says nothing of what was called.
 */
export function childKeys(t: SpanTable, keys: readonly string[], span: number): ReadonlySet<string> {
  if (t.childCount[span] === 0) {
    return NO_KEYS;
  }
  const called = new Set<string>();
  const from = t.childStart[span]!;
  const end = from + t.childCount[span]!;
  for (let c = from; c < end; c++) {
    const child = t.childOrder[c]!;
    const callee = calleeOf(t, child);
    called.add(keys[callee === NO_SPAN ? child : callee]!);
  }
  return called;
}
