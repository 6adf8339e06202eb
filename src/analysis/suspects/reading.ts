/**
 * What one trace shows against a baseline profile, service by service: own time and time on the wire over the
 * profile's p99, where its errors start, and the usual calls its operations left out. The ranking adds these up over
 * the range; the profile reads its own window's traces once the same way, for the baseline's rate of each signal.
 */
import { NO_SPAN, type SpanTable, type Trace, tableOf } from '../trace';
import { twoProportionZ } from '../compare';
import {
  isLinkKey,
  type LogLine,
  type LogSeverity,
  type TraceLogs,
  calleeOf,
  childKeys,
  errorOriginOf,
  forEachOwnTime,
  linkKey,
  loggedSpans,
  operationKeysOf,
} from './evidence';
import { logPatternOf } from './logPattern';
import type { BaselineNorms, BaselineProfile, Sample } from './profile';

/** Own time or time on the wire counts as changed above this multiple of the baseline's p99 (the `slow` rule's 2). */
export const CHANGE_FACTOR = 2;
/** With fewer samples than this the nearest-rank p99 is the maximum seen; the bar is raised to this factor. */
const THIN_SAMPLES = 20;
const THIN_FACTOR = 3;
/** Less extra time than this is jitter a responder cannot act on, however large the ratio. */
const MIN_EXTRA_MS = 1;
/**
 * Extra time counts for a trace only when it is at least this share of the trace's duration: a few milliseconds
 * more in a query of a two-second request is noise to the request and to its user, and on a busy system some
 * operation is always over its p99 somewhere.
 */
const MATERIAL_SHARE = 0.1;
/**
 * Errors and calls have a background (chronic errors, calls that depend on the request): their share in the range
 * must differ from the baseline's by this many standard errors (two-proportion z test) to count as a change.
 */
export const MIN_CHANGE_Z = 2.5;

/**
 * Log lines of these levels are read for their patterns. Warnings included: a caught exception or a fallback is
 * logged as a warning by the code that changed; info lines follow the mix of requests (a new kind of request brings
 * its own patterns), so they are left out.
 */
const PATTERN_SEVERITIES: ReadonlySet<LogSeverity> = new Set(['error', 'warn']);

/** Between an operation (`baselineKey`) and a log pattern its spans logged. */
function patternKey(operationKey: string, pattern: string): string {
  return `${operationKey}\u0000${pattern}`;
}

/** Where in a trace a log pattern shows: its deepest span logging it. */
export interface PatternSighting {
  readonly service: string;
  readonly operation: string;
  /** `baselineKey(service, operation)`: a pattern's share is of the traces in which its operation ran. */
  readonly operationKey: string;
  readonly pattern: string;
  readonly depth: number;
  /**
   * The services (own time) and links (time on the wire) whose time went over in spans below the one that logged it:
   * where it is charged to another service, the line is a caller reporting a slow or timed-out call — the
   * consequence of a change further down, not where it started.
   */
  readonly slowBelow: readonly string[];
}

export interface OwnReading {
  extraMs: number;
  maxRatio: number;
  thin: boolean;
  readonly operations: Map<string, number>;
}

/** What one trace shows against the profile. */
export interface TraceReading {
  readonly traceId: string;
  readonly durationMs: number;
  readonly own: Map<string, OwnReading>;
  /** Extra time on the wire by link. */
  readonly wire: Map<string, number>;
  readonly errorOrigin?: { service: string; operation: string };
  /** The log patterns of the trace's lines (`PATTERN_SEVERITIES`), by `patternKey`. */
  readonly patterns: ReadonlyMap<string, PatternSighting>;
  /**
   * The operations the trace's spans ran (`OperationKeys.distinct`), when its log lines came with it: a pattern's
   * denominator is the traces that ran its operation.
   */
  readonly loggedOperations?: readonly string[];
  /** Set by `settlePatternChanges`: the deepest sighting of a pattern that became more frequent than before. */
  patternChange?: PatternSighting;
  readonly candidates: readonly CallCandidate[];
  /** Set by `settleCallChanges`. */
  callChange?: { service: string; operation: string; change: string };
  readonly unjudgedSpans: number;
  readonly incomplete: boolean;
}

function thresholdOf(sample: Sample): number {
  const factor = sample.count < THIN_SAMPLES ? THIN_FACTOR : CHANGE_FACTOR;
  return Math.max(factor * sample.p99, sample.p99 + MIN_EXTRA_MS);
}

function nameOf(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

interface CallCandidate {
  readonly depth: number;
  readonly service: string;
  readonly operation: string;
  readonly parentKey: string;
  readonly childKey: string;
}

/**
 * How often each operation of the range that has usual calls makes each call, to test call changes against the
 * baseline.
 */
export type Presence = Map<string, { spans: number; called: Map<string, number> }>;

/**
 * Usual calls a span left out. Calls that are new are not counted: in a mixed workload which branch a request takes
 * (and so what it calls) follows the mix of requests, while a call nearly every request made before and this one did
 * not is what a throw or an early return looks like.
 */
function callCandidates(
  t: SpanTable,
  keys: readonly string[],
  span: number,
  profile: BaselineNorms,
  presence: Presence,
  out: CallCandidate[]
): void {
  const parentKey = keys[span]!;
  const usual = profile.calls.get(parentKey)?.usual;
  if (!usual || usual.length === 0) {
    return; // only a usual call can be left out
  }
  const made = childKeys(t, keys, span);
  let seen = presence.get(parentKey);
  if (!seen) {
    seen = { spans: 0, called: new Map() };
    presence.set(parentKey, seen);
  }
  seen.spans++;
  for (const key of made) {
    seen.called.set(key, (seen.called.get(key) ?? 0) + 1);
  }
  for (let u = 0; u < usual.length; u++) {
    const childKey = usual[u]!;
    if (!made.has(childKey)) {
      out.push({ depth: t.depths[span]!, service: t.service(span), operation: t.names[span]!, parentKey, childKey });
    }
  }
}

export function readTrace(trace: Trace, logs: TraceLogs, profile: BaselineNorms, presence: Presence): TraceReading {
  const t = tableOf(trace);
  const own = new Map<string, OwnReading>();
  const wire = new Map<string, number>();
  const incomplete = trace.issues.some((i) => i.kind === 'missing-parent' || i.kind === 'cycle');
  const { bySpan: keys, distinct: operations } = operationKeysOf(t);
  // One key string per link of the trace: a new concatenation per call would be hashed anew for every lookup.
  const links = new Map<number, string>();
  const services = t.serviceNames.length;
  const linkOf = (caller: number, callee: number) => {
    const id = caller * services + callee;
    let key = links.get(id);
    if (key === undefined) {
      key = linkKey(t.serviceNames[caller]!, t.serviceNames[callee]!);
      links.set(id, key);
    }
    return key;
  };
  const candidates: CallCandidate[] = [];
  /** Entry spans whose own time, and call spans whose time on the wire, went over; with their service or link. */
  const slowSpans: Array<[span: number, key: string]> = [];
  let unjudgedSpans = 0;
  // A span whose children were lost looks like one that did their work itself: an incomplete trace says nothing
  // about own time or calls.
  forEachOwnTime(t, (entry, ownMs) => {
    if (incomplete) {
      return;
    }
    const sample = profile.selfTime.get(keys[entry]!);
    if (!sample) {
      unjudgedSpans++;
    } else if (ownMs > thresholdOf(sample)) {
      const service = t.service(entry);
      let reading = own.get(service);
      if (!reading) {
        reading = { extraMs: 0, maxRatio: 0, thin: false, operations: new Map() };
        own.set(service, reading);
      }
      reading.extraMs += ownMs - sample.p99;
      reading.maxRatio = Math.max(reading.maxRatio, sample.p99 > 0 ? ownMs / sample.p99 : Number.POSITIVE_INFINITY);
      reading.thin ||= sample.count < THIN_SAMPLES;
      reading.operations.set(t.names[entry]!, (reading.operations.get(t.names[entry]!) ?? 0) + 1);
      slowSpans.push([entry, service]);
    }
  });
  for (let i = 0; i < t.size; i++) {
    const callee = calleeOf(t, i);
    if (callee !== NO_SPAN) {
      const link = linkOf(t.serviceIds[i]!, t.serviceIds[callee]!);
      const sample = profile.wire.get(link);
      const gap = t.selfTimeMs(i);
      if (!sample) {
        unjudgedSpans++;
      } else if (gap > thresholdOf(sample)) {
        wire.set(link, (wire.get(link) ?? 0) + gap - sample.p99);
        slowSpans.push([i, link]);
      }
    }
    // A call span's call is its parent's.
    if (!incomplete && callee === NO_SPAN) {
      callCandidates(t, keys, i, profile, presence, candidates);
    }
  }
  const material = MATERIAL_SHARE * trace.durationMs;
  for (const [service, reading] of own) {
    if (reading.extraMs < material) {
      own.delete(service);
    }
  }
  for (const [link, extraMs] of wire) {
    if (extraMs < material) {
      wire.delete(link);
    }
  }
  const origin = errorOriginOf(trace, logs);
  return {
    patterns: patternsOf(
      trace,
      keys,
      logs,
      slowSpans.filter(([, key]) => own.has(key) || wire.has(key))
    ),
    ...(logs.linesBySpan ? { loggedOperations: operations } : {}),
    traceId: trace.traceId,
    durationMs: trace.durationMs,
    own,
    wire,
    errorOrigin: origin === NO_SPAN ? undefined : { service: t.service(origin), operation: t.names[origin]! },
    candidates,
    unjudgedSpans,
    incomplete,
  };
}

/**
 * Each trace's call change, once the range's call shares are known: the deepest of its spans whose call differs
 * significantly from the baseline — where the behaviour changed first, not the callers that reacted to it.
 */
export function settleCallChanges(readings: readonly TraceReading[], profile: BaselineNorms, presence: Presence): void {
  const significant = new Map<string, boolean>();
  const isSignificant = (c: CallCandidate) => {
    const id = `${c.parentKey}\u0001${c.childKey}`;
    let yes = significant.get(id);
    if (yes === undefined) {
      const before = profile.calls.get(c.parentKey)!;
      const now = presence.get(c.parentKey)!;
      const z = twoProportionZ(
        now.called.get(c.childKey) ?? 0,
        now.spans,
        before.called.get(c.childKey) ?? 0,
        before.spans
      );
      yes = z <= -MIN_CHANGE_Z;
      significant.set(id, yes);
    }
    return yes;
  };
  for (const r of readings) {
    let deepest: CallCandidate | undefined;
    for (const c of r.candidates) {
      if ((!deepest || c.depth > deepest.depth) && isSignificant(c)) {
        deepest = c;
      }
    }
    r.callChange = deepest && {
      service: deepest.service,
      operation: deepest.operation,
      change: `no longer calls \`${nameOf(deepest.childKey)}\``,
    };
  }
}

const NO_PATTERNS: ReadonlyMap<string, PatternSighting> = new Map();

const NONE: readonly string[] = [];

/** The keys of the slow spans strictly below `span`. */
function slowBelow(t: SpanTable, span: number, slowSpans: ReadonlyArray<readonly [number, string]>): readonly string[] {
  let below: string[] | undefined;
  for (const [d, key] of slowSpans) {
    for (let p = t.parents[d]!; p !== NO_SPAN; p = t.parents[p]!) {
      if (p === span) {
        (below ??= []).push(key);
        break;
      }
    }
  }
  return below ?? NONE;
}

const readsPatterns = (lines: readonly LogLine[]) => lines.some((l) => PATTERN_SEVERITIES.has(l.severity));

function patternsOf(
  trace: Trace,
  keys: readonly string[],
  logs: TraceLogs,
  slowSpans: ReadonlyArray<readonly [number, string]>
): ReadonlyMap<string, PatternSighting> {
  const logged = logs.linesBySpan ? loggedSpans(trace, logs.linesBySpan, readsPatterns) : [];
  // Most traces log nothing at these levels.
  if (logged.length === 0) {
    return NO_PATTERNS;
  }
  const t = tableOf(trace);
  const sightings = new Map<string, PatternSighting>();
  for (const [i, lines] of logged) {
    for (const line of lines) {
      if (!PATTERN_SEVERITIES.has(line.severity)) {
        continue;
      }
      const pattern = logPatternOf(line.body);
      const key = patternKey(keys[i]!, pattern);
      const seen = sightings.get(key);
      if (!seen || t.depths[i]! > seen.depth) {
        sightings.set(key, {
          service: t.service(i),
          operation: t.names[i]!,
          operationKey: keys[i]!,
          pattern,
          depth: t.depths[i]!,
          slowBelow: slowBelow(t, i, slowSpans),
        });
      }
    }
  }
  return sightings;
}

/** In how many traces each log pattern, and each operation of traces that came with their log lines, shows. */
export interface PatternCounts {
  readonly patterns: ReadonlyMap<string, number>;
  readonly operations: ReadonlyMap<string, number>;
}

/** Counts patterns, and operations (only those in `only`, when given: a ranking needs its patterns' alone). */
export function countPatterns(readings: readonly TraceReading[], only?: ReadonlySet<string>): PatternCounts {
  const patterns = new Map<string, number>();
  const operations = new Map<string, number>();
  for (const r of readings) {
    for (const key of r.patterns.keys()) {
      patterns.set(key, (patterns.get(key) ?? 0) + 1);
    }
    for (const key of r.loggedOperations ?? []) {
      if (only === undefined || only.has(key)) {
        operations.set(key, (operations.get(key) ?? 0) + 1);
      }
    }
  }
  return { patterns, operations };
}

/**
 * The log patterns whose share of the traces running their operation rose against the baseline's (new ones
 * included) — a share of the operation's traces, not of all traces, so a pattern that comes with a kind of request
 * does not count when that kind of request is merely more frequent. Then each range trace's deepest sighting of one:
 * where the behaviour changed first, not the callers that logged its consequences. Returns the same count for the
 * baseline window's own traces, per service, for the baseline's rate of the signal.
 */
export function settlePatternChanges(
  readings: readonly TraceReading[],
  profile: Pick<BaselineProfile, 'logPatterns' | 'readings'>,
  creditOf: (link: string) => string
): Map<string, number> {
  const operationOf = new Map<string, string>();
  for (const r of readings) {
    for (const [key, sighting] of r.patterns) {
      operationOf.set(key, sighting.operationKey);
    }
  }
  if (operationOf.size === 0) {
    return new Map();
  }
  const now = countPatterns(readings, new Set(operationOf.values()));
  const before = profile.logPatterns;
  const changed = new Set<string>();
  for (const [key, n] of now.patterns) {
    const operationKey = operationOf.get(key)!;
    const z = twoProportionZ(
      n,
      now.operations.get(operationKey) ?? 0,
      before.patterns.get(key) ?? 0,
      before.operations.get(operationKey) ?? 0
    );
    if (z >= MIN_CHANGE_Z) {
      changed.add(key);
    }
  }
  const isConsequence = (sighting: PatternSighting) =>
    sighting.slowBelow.some((key) => (isLinkKey(key) ? creditOf(key) : key) !== sighting.service);
  const deepestChange = (r: TraceReading) => {
    let deepest: PatternSighting | undefined;
    for (const [key, sighting] of r.patterns) {
      if (changed.has(key) && !isConsequence(sighting) && (!deepest || sighting.depth > deepest.depth)) {
        deepest = sighting;
      }
    }
    return deepest;
  };
  for (const r of readings) {
    r.patternChange = deepestChange(r);
  }
  const baselineByService = new Map<string, number>();
  for (const r of changed.size > 0 ? profile.readings : []) {
    const service = deepestChange(r)?.service;
    if (service !== undefined) {
      baselineByService.set(service, (baselineByService.get(service) ?? 0) + 1);
    }
  }
  return baselineByService;
}
