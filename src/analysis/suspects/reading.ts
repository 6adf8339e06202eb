/**
 * What one trace shows against a baseline profile, service by service: own time and time on the wire over the
 * profile's p99, where its errors start, and the usual calls its operations left out. The ranking adds these up over
 * the range; the profile reads its own window's traces once the same way, for the baseline's rate of each signal.
 */
import { NO_SPAN, type SpanTable, type Trace, tableOf } from '../trace';
import { twoProportionZ } from '../compare';
import { type TraceLogs, calleeOf, childKeys, errorOriginOf, forEachOwnTime, linkKey, operationKeys } from './evidence';
import type { BaselineNorms, Sample } from './profile';

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
  const keys = operationKeys(t);
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
  const origin = errorOriginOf(t, logs);
  return {
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
