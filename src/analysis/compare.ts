/**
 * "Why these traces?": compares the attribute values of a selection of traces (the anomalous ones)
 * with a baseline of the same scope and time range, and ranks the `attribute = value` pairs that are
 * much more common in the selection. One pass over the spans of both sets; redacted attributes are
 * reported as differing without their values, near-unique attributes (ids) as a cardinality note.
 */
import type { OtlpKeyValue } from './otlp';
import type { Redactor } from './redaction';
import type { Span, Trace } from './trace';

/** What a share counts: traces carrying a value (default) or spans carrying it. */
export type ComparisonUnit = 'trace' | 'span';

/**
 * An attribute in TraceQL's terms: `resource.<key>`, `span.<key>`, or an intrinsic (`name`, `status`,
 * `kind`, and duration buckets: `duration` per span, `traceDuration` per trace).
 */
export type ComparedAttribute =
  | { readonly scope: 'resource' | 'span'; readonly key: string }
  | { readonly scope: 'intrinsic'; readonly key: IntrinsicKey };

export type IntrinsicKey = 'name' | 'status' | 'kind' | 'duration' | 'traceDuration';

/** A duration bucket: `minMs ≤ duration < maxMs` (no upper bound for the last). */
export interface DurationBucket {
  readonly minMs: number;
  readonly maxMs: number | undefined;
}

export interface ValueShare {
  /** Units (traces or spans) carrying the value. */
  readonly count: number;
  /** `count` over all units of the set. */
  readonly share: number;
}

export interface ComparedValue {
  readonly attribute: ComparedAttribute;
  /** The value as recorded; for duration buckets, the bucket's lower bound in milliseconds. */
  readonly value: string | number | boolean;
  /** Set for `duration` and `traceDuration`. */
  readonly bucket?: DurationBucket;
  readonly selection: ValueShare;
  readonly baseline: ValueShare;
  /** Selection share minus baseline share: what the ranking sorts by. */
  readonly difference: number;
  /** Two-proportion z statistic of the difference. */
  readonly z: number;
}

/** An attribute with so many distinct values (ids, timestamps) that no single value can stand out. */
export interface HighCardinalityNote {
  readonly attribute: ComparedAttribute;
  /** Distinct values seen, or the cap when counting stopped there. */
  readonly distinctValues: number;
  readonly capped: boolean;
}

export interface SetSize {
  readonly traces: number;
  /** Traces or spans, as `unit` says. */
  readonly units: number;
}

export interface AttributeComparison {
  readonly unit: ComparisonUnit;
  readonly selection: SetSize;
  readonly baseline: SetSize;
  /** Most over-represented first, at most `limit`; empty when nothing stands out. */
  readonly ranked: readonly ComparedValue[];
  /** Values that stood out beyond `limit`, not listed. */
  readonly unlisted: number;
  /** Attributes whose values are redacted but one of which would have ranked: only the fact is shown. */
  readonly redacted: readonly ComparedAttribute[];
  readonly highCardinality: readonly HighCardinalityNote[];
}

export interface CompareOptions {
  /** Default `trace`. */
  readonly unit?: ComparisonUnit;
  /** Values are checked against it before they are shown; without one, nothing is redacted. */
  readonly redactor?: Redactor;
  /** Attributes that define the selection (say `status` for error traces) and so say nothing. */
  readonly ignore?: readonly ComparedAttribute[];
  /**
   * Resource and span attribute keys left out, `*` matching any characters (`telemetry.sdk.*`): attributes that
   * describe the instrumentation rather than the request. See `INSTRUMENTATION_ATTRIBUTE_KEYS`.
   */
  readonly ignoreKeys?: readonly string[];
  /** Counts only these spans (say one service's); every span by default. */
  readonly spans?: (span: Span) => boolean;
  /** A value needs at least this many selected units. Default 3. */
  readonly minSupport?: number;
  /** … a share at least this much higher than in the baseline. Default 0.1. */
  readonly minDifference?: number;
  /** … and a two-proportion z of at least this. Default 3. */
  readonly minZ?: number;
  /** At most this many ranked values. Default 20. */
  readonly limit?: number;
}

const DEFAULTS = { minSupport: 3, minDifference: 0.1, minZ: 3, limit: 20 };

/**
 * Attributes that say how a span was recorded, not what the request was: the sampler and its parameter (traces of
 * different root services are sampled by different samplers, so a selection of one root "shares" its sampler), the
 * SDK and its version, and the addresses and ports of hosts, peers and connections (a quiet minute reuses one
 * kept-alive connection). Left out of the comparison by default; the app's settings edit the list.
 */
export const INSTRUMENTATION_ATTRIBUTE_KEYS: readonly string[] = Object.freeze([
  'jaeger.sampler.*',
  'sampler.*',
  'telemetry.sdk.*',
  'telemetry.distro.*',
  'telemetry.auto.version',
  'otel.library.*',
  'otel.scope.*',
  'net.peer.*',
  'net.host.*',
  'net.sock.*',
  'network.peer.*',
  'network.local.*',
  'server.address',
  'server.port',
  'client.address',
  'client.port',
  'source.address',
  'source.port',
  'host.*',
  'process.pid',
  'process.runtime.*',
  'process.executable.*',
  'process.command*',
  // Process tags of Jaeger's SDKs.
  'ip',
  'hostname',
  'client-uuid',
  'jaeger.version',
]);

/** One test for a list of key globs; `*` matches any run of characters, everything else itself. */
export function keyGlobs(globs: readonly string[]): (key: string) => boolean {
  if (globs.length === 0) {
    return () => false;
  }
  const escape = (glob: string) => glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const pattern = new RegExp(`^(?:${globs.map(escape).join('|')})$`);
  return (key) => pattern.test(key);
}
/** An attribute is near-unique when it has more distinct values than this … */
const HIGH_CARDINALITY_MIN_VALUES = 20;
/** … and than this share of the units carrying it. */
const HIGH_CARDINALITY_SHARE = 0.5;
/** Counting stops at this many distinct values of one attribute, so a per-span id costs bounded memory. */
const MAX_VALUES_PER_ATTRIBUTE = 10_000;
/** 1-2-5 bucket bounds in milliseconds. */
const DURATION_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 60_000];

/** The value of one attribute value in one set; `lastUnit` counts a value once per unit. */
class Tally {
  selected = 0;
  base = 0;
  lastUnit = -1;
  constructor(
    readonly dimension: Dimension,
    readonly value: string | number | boolean
  ) {}
}

/** One attribute and the tallies of its values; strings (most values) are keyed without a type tag. */
class Dimension {
  readonly strings = new Map<string, Tally>();
  readonly others = new Map<string, Tally>();
  distinct = 0;
  /** Units carrying any value of this attribute, both sets. */
  carriers = 0;
  lastUnit = -1;
  capped = false;
  constructor(
    readonly attribute: ComparedAttribute,
    readonly ignored: boolean
  ) {}

  tally(key: string, typed: boolean, value: string | number | boolean): Tally | undefined {
    const map = typed ? this.others : this.strings;
    let tally = map.get(key);
    if (tally === undefined) {
      if (this.capped || this.ignored) {
        return undefined;
      }
      if (++this.distinct > MAX_VALUES_PER_ATTRIBUTE) {
        this.capped = true;
        this.strings.clear();
        this.others.clear();
        return undefined;
      }
      tally = new Tally(this, value);
      map.set(key, tally);
    }
    return tally;
  }
}

/** Reads an OTLP attribute value without building an object: strings, ints, doubles and booleans. */
function scalar(raw: unknown): string | number | boolean | undefined {
  if (raw === null || typeof raw !== 'object') {
    return undefined;
  }
  const v = raw as { stringValue?: unknown; intValue?: unknown; doubleValue?: unknown; boolValue?: unknown };
  if (typeof v.stringValue === 'string') {
    return v.stringValue;
  }
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if (v.doubleValue !== undefined) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : undefined;
  }
  return typeof v.boolValue === 'boolean' ? v.boolValue : undefined;
}

function bucketIndex(ms: number): number {
  let i = 0;
  while (i < DURATION_BOUNDS_MS.length && ms >= DURATION_BOUNDS_MS[i]!) {
    i++;
  }
  return i;
}

function bucketOf(index: number): DurationBucket {
  return { minMs: index === 0 ? 0 : DURATION_BOUNDS_MS[index - 1]!, maxMs: DURATION_BOUNDS_MS[index] };
}

function sameAttribute(a: ComparedAttribute, b: ComparedAttribute): boolean {
  return a.scope === b.scope && a.key === b.key;
}

/** `resource.region`, `span.http.route`, `status`: the attribute as TraceQL names it. */
export function attributeName(attribute: ComparedAttribute): string {
  return attribute.scope === 'intrinsic' ? attribute.key : `${attribute.scope}.${attribute.key}`;
}

/**
 * Two-proportion z test with the pooled proportion: (p1 − p2) / √(p(1−p)(1/n1 + 1/n2)). 0 when
 * both shares are 0 or 1 (no variance, no evidence).
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) {
    return 0;
  }
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se === 0 ? 0 : (x1 / n1 - x2 / n2) / se;
}

/**
 * Counts, per attribute value, the selected and baseline units carrying it, then ranks the values
 * over-represented in the selection. See `docs/analysis.md` ("Why these traces?") for the guard.
 */
export function compareAttributes(
  selection: readonly Trace[],
  baseline: readonly Trace[],
  options: CompareOptions = {}
): AttributeComparison {
  const unit = options.unit ?? 'trace';
  const perSpan = unit === 'span';
  const ignore = options.ignore ?? [];
  const ignoredKey = keyGlobs(options.ignoreKeys ?? []);
  const keep = options.spans;
  const resourceDims = new Map<string, Dimension>();
  const spanDims = new Map<string, Dimension>();
  const intrinsic = (key: IntrinsicKey) => {
    const attribute: ComparedAttribute = { scope: 'intrinsic', key };
    return new Dimension(
      attribute,
      ignore.some((i) => sameAttribute(i, attribute))
    );
  };
  const nameDim = intrinsic('name');
  const statusDim = intrinsic('status');
  const kindDim = intrinsic('kind');
  const durationDim = intrinsic(perSpan ? 'duration' : 'traceDuration');
  const dimensions: Dimension[] = [nameDim, statusDim, kindDim, durationDim];
  const dimensionOf = (map: Map<string, Dimension>, scope: 'resource' | 'span', key: string): Dimension => {
    let dim = map.get(key);
    if (dim === undefined) {
      const attribute: ComparedAttribute = { scope, key };
      dim = new Dimension(attribute, ignoredKey(key) || ignore.some((i) => sameAttribute(i, attribute)));
      map.set(key, dim);
      dimensions.push(dim);
    }
    return dim;
  };

  let unitIndex = -1;
  let inSelection = true;
  const count = (tally: Tally | undefined): void => {
    if (tally === undefined || tally.lastUnit === unitIndex) {
      return;
    }
    tally.lastUnit = unitIndex;
    if (inSelection) {
      tally.selected++;
    } else {
      tally.base++;
    }
    const dim = tally.dimension;
    if (dim.lastUnit !== unitIndex) {
      dim.lastUnit = unitIndex;
      dim.carriers++;
    }
  };
  const tallyOf = (dim: Dimension, value: string | number | boolean): Tally | undefined =>
    typeof value === 'string' ? dim.tally(value, false, value) : dim.tally(`${typeof value}:${value}`, true, value);
  const tallyAttributes = (
    map: Map<string, Dimension>,
    scope: 'resource' | 'span',
    list: readonly OtlpKeyValue[],
    visit: (tally: Tally | undefined) => void
  ) => {
    for (let i = 0; i < list.length; i++) {
      const kv = list[i]!;
      const key = kv?.key;
      if (typeof key !== 'string') {
        continue;
      }
      const value = scalar(kv.value);
      if (value !== undefined) {
        visit(tallyOf(dimensionOf(map, scope, key), value));
      }
    }
  };
  // Spans of one resource are consecutive and share its attribute list: it is read once per run of
  // spans, and its tallies are counted for each span.
  let lastResource: readonly OtlpKeyValue[] | undefined;
  const resourceTallies: Tally[] = [];
  const collectResourceTally = (tally: Tally | undefined) => tally !== undefined && resourceTallies.push(tally);

  const tallySet = (traces: readonly Trace[], selected: boolean): SetSize => {
    inSelection = selected;
    let counted = 0;
    let units = 0;
    for (const trace of traces) {
      let spansCounted = 0;
      if (!perSpan) {
        unitIndex++;
      }
      for (const span of trace.spans) {
        if (keep !== undefined && !keep(span)) {
          continue;
        }
        spansCounted++;
        if (perSpan) {
          unitIndex++;
          count(tallyOf(durationDim, bucketIndex(span.durationMs)));
        }
        if (span.rawResourceAttributes !== lastResource) {
          lastResource = span.rawResourceAttributes;
          resourceTallies.length = 0;
          tallyAttributes(resourceDims, 'resource', lastResource, collectResourceTally);
        }
        for (let i = 0; i < resourceTallies.length; i++) {
          count(resourceTallies[i]);
        }
        tallyAttributes(spanDims, 'span', span.rawAttributes, count);
        count(nameDim.tally(span.name, false, span.name));
        count(statusDim.tally(span.status, false, span.status));
        count(kindDim.tally(span.kind, false, span.kind));
      }
      if (spansCounted > 0) {
        counted++;
        units += perSpan ? spansCounted : 1;
        if (!perSpan) {
          count(tallyOf(durationDim, bucketIndex(trace.durationMs)));
        }
      }
    }
    return { traces: counted, units };
  };

  const selectionSize = tallySet(selection, true);
  const baselineSize = tallySet(baseline, false);
  return rank(dimensions, selectionSize, baselineSize, unit, options);
}

function rank(
  dimensions: readonly Dimension[],
  selection: SetSize,
  baseline: SetSize,
  unit: ComparisonUnit,
  options: CompareOptions
): AttributeComparison {
  const { minSupport, minDifference, minZ, limit } = { ...DEFAULTS, ...options };
  const n1 = selection.units;
  const n2 = baseline.units;
  const ranked: ComparedValue[] = [];
  const redacted: ComparedAttribute[] = [];
  const highCardinality: HighCardinalityNote[] = [];

  for (const dim of dimensions) {
    if (dim.ignored) {
      continue;
    }
    const standingOut = n1 === 0 || n2 === 0 ? [] : valuesStandingOut(dim, n1, n2, { minSupport, minDifference, minZ });
    // Before the cardinality note: a secret key (a session id) with one value shared by the selection is worth the
    // hint that it differs, however many values it has elsewhere.
    const shown = standingOut.filter(({ tally }) => !isRedacted(dim.attribute, tally.value, options.redactor));
    if (shown.length < standingOut.length) {
      redacted.push(dim.attribute);
    }
    if (
      dim.capped ||
      (dim.distinct > HIGH_CARDINALITY_MIN_VALUES && dim.distinct > HIGH_CARDINALITY_SHARE * dim.carriers)
    ) {
      if (shown.length < standingOut.length) {
        continue; // the redaction hint already says it differs
      }
      highCardinality.push({
        attribute: dim.attribute,
        distinctValues: Math.min(dim.distinct, MAX_VALUES_PER_ATTRIBUTE),
        capped: dim.capped,
      });
      continue;
    }
    for (const { tally, p1, p2, difference, z } of shown) {
      const isBucket = dim.attribute.key === 'duration' || dim.attribute.key === 'traceDuration';
      const bucket = isBucket && dim.attribute.scope === 'intrinsic' ? bucketOf(tally.value as number) : undefined;
      ranked.push({
        attribute: dim.attribute,
        value: bucket ? bucket.minMs : tally.value,
        ...(bucket ? { bucket } : {}),
        selection: { count: tally.selected, share: p1 },
        baseline: { count: tally.base, share: p2 },
        difference,
        z,
      });
    }
  }

  ranked.sort(
    (a, b) =>
      b.difference - a.difference ||
      b.z - a.z ||
      attributeName(a.attribute).localeCompare(attributeName(b.attribute)) ||
      String(a.value).localeCompare(String(b.value))
  );
  const unlisted = Math.max(0, ranked.length - limit);
  if (unlisted > 0) {
    ranked.length = limit;
  }
  return { unit, selection, baseline, ranked, unlisted, redacted, highCardinality };
}

interface StandingOut {
  readonly tally: Tally;
  readonly p1: number;
  readonly p2: number;
  readonly difference: number;
  readonly z: number;
}

/** The values of one attribute that pass the guard (support, difference, z), in no particular order. */
function valuesStandingOut(
  dim: Dimension,
  n1: number,
  n2: number,
  guard: { minSupport: number; minDifference: number; minZ: number }
): StandingOut[] {
  const found: StandingOut[] = [];
  for (const map of [dim.strings, dim.others]) {
    for (const tally of map.values()) {
      const p1 = tally.selected / n1;
      const p2 = tally.base / n2;
      const difference = p1 - p2;
      if (tally.selected < guard.minSupport || difference < guard.minDifference) {
        continue;
      }
      const z = twoProportionZ(tally.selected, n1, tally.base, n2);
      if (z >= guard.minZ) {
        found.push({ tally, p1, p2, difference, z });
      }
    }
  }
  return found;
}

/** Whether showing the value would reveal something the redactor hides (a secret key, or a match inside it). */
function isRedacted(attribute: ComparedAttribute, value: string | number | boolean, redactor?: Redactor): boolean {
  if (redactor === undefined) {
    return false;
  }
  if (attribute.scope === 'intrinsic') {
    // Of the intrinsics only span names are free text; status, kind and buckets are enumerations.
    return attribute.key === 'name' && redactor.text(String(value)) !== value;
  }
  return redactor.value(attribute.key, value) !== value;
}
