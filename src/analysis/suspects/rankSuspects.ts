/**
 * "Where to look first": ranks the services (and, where the evidence is that sharp, an operation) that changed
 * between a baseline window and the incident's range — not those that are flagged, since a third of a busy system's
 * traces are flagged on a good day. Every signal is counted in traces, beside how many traces of the baseline showed
 * it, so chronic slowness and chronic errors cancel out. Thresholds and why: docs/analysis.md, "Suspects".
 */
import { type Trace, tableOf } from '../trace';
import { twoProportionZ } from '../compare';
import { type TraceLogs, NO_LOGS, linkEnds } from './evidence';
import type { BaselineProfile } from './profile';
import {
  CHANGE_FACTOR,
  MIN_CHANGE_Z,
  type Presence,
  type TraceReading,
  readTrace,
  settleCallChanges,
  settlePatternChanges,
} from './reading';

/** "1 trace", "3 traces". */
const traces = (n: number) => `${n} trace${n === 1 ? '' : 's'}`;

/** A suspect needs this many traces of evidence beyond what the baseline predicts; fewer is not enough evidence. */
const MIN_SUSPECT_TRACES = 3;
/** A baseline needs this many traces to say what normal is. */
const MIN_BASELINE_TRACES = 10;
/** The operation is named when it holds at least this share of its service's evidence. */
const SHARP_SHARE = 0.75;

export type SignalKind = 'own-time' | 'wire' | 'errors' | 'calls' | 'log-pattern';

export interface Signal {
  readonly kind: SignalKind;
  /** Range traces that show it. */
  readonly traces: number;
  /**
   * How many traces' worth: a trace counts 1 for an error or call change, and for extra time the share of the
   * trace's duration that it is — 1.9 s extra in a 2 s request weighs more than 200 ms extra in it.
   */
  readonly evidence: number;
  /** What the baseline's rate predicts for as many traces, in the same unit. */
  readonly expected: number;
  readonly summary: string;
}

export interface Suspect {
  readonly service: string;
  /** Set when one operation holds most of the evidence. */
  readonly operation?: string;
  /** Traces of evidence beyond the baseline's expectation, summed over the signals. */
  readonly score: number;
  /** Range traces with evidence on this suspect. */
  readonly traces: number;
  /** Extra milliseconds over the baseline, summed over the range: orders suspects of equal score. */
  readonly extraMs: number;
  readonly reason: string;
  readonly signals: readonly Signal[];
  /** Range traces with evidence on this suspect (up to `EXAMPLES`), the clearest first. */
  readonly exampleTraceIds: readonly string[];
}

export interface SuspectRanking {
  /** `not-enough-evidence`: nothing changed clearly enough, or there is nothing to compare with; see `notes`. */
  readonly verdict: 'ranked' | 'not-enough-evidence';
  readonly suspects: readonly Suspect[];
  /** What the ranking could not judge, ties and how they were ordered. */
  readonly notes: readonly string[];
  readonly rangeTraces: number;
  readonly baselineTraces: number;
}

export interface RangeTrace {
  readonly trace: Trace;
  readonly logs?: TraceLogs;
}

const EXAMPLES = 5;

/**
 * Which end of a link its extra time is charged to. A delay at one service shows on every link that touches it —
 * calls into it and calls out of it — so the end with more extra time over all its links is the one that changed;
 * on a tie the callee, whose queue and network the time between the two spans is.
 */
function wireCredit(readings: readonly TraceReading[]): (link: string) => string {
  const extraByEnd = new Map<string, number>();
  for (const r of readings) {
    for (const [link, extraMs] of r.wire) {
      for (const end of new Set(linkEnds(link))) {
        extraByEnd.set(end, (extraByEnd.get(end) ?? 0) + extraMs);
      }
    }
  }
  return (link) => {
    const [caller, callee] = linkEnds(link);
    return (extraByEnd.get(caller) ?? 0) > (extraByEnd.get(callee) ?? 0) ? caller : callee;
  };
}

interface Tally {
  ownTraces: number;
  ownWeight: number;
  ownExtraMs: number;
  ratios: number[];
  thin: boolean;
  wireTraces: number;
  wireWeight: number;
  wireExtraMs: number;
  readonly wireLinks: Map<string, number>;
  errorTraces: number;
  patternTraces: number;
  /** Traces per changed log pattern, for the one to quote. */
  readonly patterns: Map<string, number>;
  callTraces: number;
  readonly changes: Map<string, number>;
  /** Evidence per operation, to name one when it holds most of it. */
  readonly operations: Map<string, number>;
  readonly examples: Array<{ traceId: string; weight: number }>;
}

function newTally(): Tally {
  return {
    ownTraces: 0,
    ownWeight: 0,
    ownExtraMs: 0,
    ratios: [],
    thin: false,
    wireTraces: 0,
    wireWeight: 0,
    wireExtraMs: 0,
    wireLinks: new Map(),
    errorTraces: 0,
    patternTraces: 0,
    patterns: new Map(),
    callTraces: 0,
    changes: new Map(),
    operations: new Map(),
    examples: [],
  };
}

function add(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function tally(readings: readonly TraceReading[], creditOf: (link: string) => string): Map<string, Tally> {
  const byService = new Map<string, Tally>();
  const of = (service: string) => {
    let t = byService.get(service);
    if (!t) {
      t = newTally();
      byService.set(service, t);
    }
    return t;
  };
  for (const r of readings) {
    const weights = new Map<string, number>();
    for (const [service, reading] of r.own) {
      const t = of(service);
      t.ownTraces++;
      t.ownWeight += shareOf(reading.extraMs, r.durationMs);
      t.ownExtraMs += reading.extraMs;
      t.ratios.push(reading.maxRatio);
      t.thin ||= reading.thin;
      for (const [operation, n] of reading.operations) {
        add(t.operations, operation, n);
      }
      add(weights, service, reading.extraMs);
    }
    const wireBy = new Map<string, number>();
    for (const [link, extraMs] of r.wire) {
      const service = creditOf(link);
      add(wireBy, service, extraMs);
      add(of(service).wireLinks, link);
    }
    for (const [service, extraMs] of wireBy) {
      const t = of(service);
      t.wireTraces++;
      t.wireWeight += shareOf(extraMs, r.durationMs);
      t.wireExtraMs += extraMs;
      add(weights, service, extraMs);
    }
    if (r.errorOrigin) {
      const t = of(r.errorOrigin.service);
      t.errorTraces++;
      add(t.operations, r.errorOrigin.operation);
      add(weights, r.errorOrigin.service, 0);
    }
    if (r.patternChange) {
      const t = of(r.patternChange.service);
      t.patternTraces++;
      add(t.patterns, r.patternChange.pattern);
      add(t.operations, r.patternChange.operation);
      add(weights, r.patternChange.service, 0);
    }
    if (r.callChange) {
      const t = of(r.callChange.service);
      t.callTraces++;
      add(t.changes, `\`${r.callChange.operation}\` ${r.callChange.change}`);
      add(t.operations, r.callChange.operation);
      add(weights, r.callChange.service, 0);
    }
    for (const [service, weight] of weights) {
      of(service).examples.push({ traceId: r.traceId, weight });
    }
  }
  return byService;
}

/** Extra time as a share of its trace, at most the whole trace (clock skew can make it more). */
function shareOf(extraMs: number, traceMs: number): number {
  return traceMs > 0 ? Math.min(1, extraMs / traceMs) : 0;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms * 1000)} µs`;
}

function top(map: ReadonlyMap<string, number>): [string, number] | undefined {
  let best: [string, number] | undefined;
  for (const entry of map) {
    if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) {
      best = entry;
    }
  }
  return best;
}

function signalsOf(
  service: string,
  range: Tally,
  before: Tally | undefined,
  beforePatternTraces: number,
  rangeTraces: number,
  beforeTraces: number
): Signal[] {
  const expected = (n: number | undefined) => ((n ?? 0) * rangeTraces) / Math.max(1, beforeTraces);
  const signals: Signal[] = [];
  const baselineNote = (n: number | undefined) => {
    const predicted = expected(n);
    return ` (${predicted === 0 ? '0' : predicted.toFixed(1)} expected from the baseline)`;
  };
  if (range.ownTraces > 0) {
    signals.push({
      kind: 'own-time',
      traces: range.ownTraces,
      evidence: range.ownWeight,
      expected: expected(before?.ownWeight),
      summary:
        `own time over ${CHANGE_FACTOR}× its baseline p99 in ${traces(range.ownTraces)}, median ×${median(range.ratios).toFixed(1)}` +
        `, ${formatMs(range.ownExtraMs / range.ownTraces)} extra per trace` +
        (range.thin ? ', some baselines thin' : '') +
        baselineNote(before?.ownWeight),
    });
  }
  if (range.wireTraces > 0) {
    const [link] = top(range.wireLinks)!;
    const [caller, callee] = linkEnds(link);
    const other = caller === service ? `its calls to ${callee}` : `calls from ${caller}`;
    signals.push({
      kind: 'wire',
      traces: range.wireTraces,
      evidence: range.wireWeight,
      expected: expected(before?.wireWeight),
      summary:
        `${formatMs(range.wireExtraMs / range.wireTraces)} extra on the wire per trace in ${traces(range.wireTraces)}` +
        ` (${other}${range.wireLinks.size > 1 ? ` and ${range.wireLinks.size - 1} more links` : ''})` +
        baselineNote(before?.wireWeight),
    });
  }
  const errorZ = twoProportionZ(range.errorTraces, rangeTraces, before?.errorTraces ?? 0, beforeTraces);
  if (range.errorTraces > 0 && errorZ >= MIN_CHANGE_Z) {
    signals.push({
      kind: 'errors',
      traces: range.errorTraces,
      evidence: range.errorTraces,
      expected: expected(before?.errorTraces),
      summary: `errors start here in ${traces(range.errorTraces)}` + baselineNote(before?.errorTraces),
    });
  }
  // Each pattern was tested against its operation's traces already (`settlePatternChanges`).
  if (range.patternTraces > 0) {
    const [pattern, n] = top(range.patterns)!;
    signals.push({
      kind: 'log-pattern',
      traces: range.patternTraces,
      evidence: range.patternTraces,
      expected: expected(beforePatternTraces),
      summary:
        `logs \`${pattern}\` in ${traces(n)}` +
        (range.patterns.size > 1 ? ` (${range.patterns.size} log patterns more frequent than before)` : '') +
        baselineNote(beforePatternTraces),
    });
  }
  if (range.callTraces > 0) {
    const [change, n] = top(range.changes)!;
    signals.push({
      kind: 'calls',
      traces: range.callTraces,
      evidence: range.callTraces,
      expected: expected(before?.callTraces),
      summary:
        `${change} in ${traces(n)}` +
        (range.callTraces > n ? ` (calls changed in ${range.callTraces})` : '') +
        baselineNote(before?.callTraces),
    });
  }
  return signals;
}

const excessOf = (s: Signal) => Math.max(0, s.evidence - s.expected);

/**
 * Ranks what changed between `baseline` (a profile of the traces before the range) and the traces of the range.
 * Say "not enough evidence" rather than guess: with too thin a baseline, or when no suspect has
 * `MIN_SUSPECT_TRACES` traces of evidence beyond what the baseline predicts.
 */
export function rankSuspects(range: readonly RangeTrace[], baseline: BaselineProfile): SuspectRanking {
  const notes: string[] = [];
  const usable = range.filter((r) => tableOf(r.trace).size > 0);
  const base = { rangeTraces: usable.length, baselineTraces: baseline.traces };
  if (baseline.traces < MIN_BASELINE_TRACES) {
    notes.push(
      `the baseline holds ${traces(baseline.traces)}; at least ${MIN_BASELINE_TRACES} are needed to say what changed`
    );
    return { verdict: 'not-enough-evidence', suspects: [], notes, ...base };
  }
  if (usable.length === 0) {
    notes.push('the range holds no traces');
    return { verdict: 'not-enough-evidence', suspects: [], notes, ...base };
  }
  const presence: Presence = new Map();
  const readings = usable.map((r) => readTrace(r.trace, r.logs ?? NO_LOGS, baseline, presence));
  settleCallChanges(readings, baseline, presence);
  const creditOf = wireCredit(readings);
  const patternsBefore = settlePatternChanges(readings, baseline, creditOf);
  const now = tally(readings, creditOf);
  const before = tally(baseline.readings, creditOf);

  const rangeStart = Math.min(...usable.map((r) => r.trace.startUnixMs));
  const ago = (ms: number) => `${Math.round((rangeStart - ms) / 1000)} s`;
  notes.push(
    `compared with ${baseline.traces} baseline traces that start ${ago(baseline.fromUnixMs)} to ${ago(baseline.toUnixMs)} ` +
      `before the range` +
      (baseline.withLogs
        ? baseline.withLogLines
          ? ''
          : "; logs without their lines' text, so log patterns are not judged"
        : '; no logs, so errors are read from span status alone and log patterns are not judged')
  );
  const unjudged = readings.reduce((n, r) => n + r.unjudgedSpans, 0);
  if (unjudged > 0) {
    notes.push(`${unjudged} spans had no baseline for their operation or link; their time was not judged`);
  }
  const incomplete = readings.filter((r) => r.incomplete).length;
  if (incomplete > 0) {
    notes.push(`${traces(incomplete)} have spans with missing parents; their own time and calls were not judged`);
  }

  const suspects: Suspect[] = [];
  for (const [service, tallied] of now) {
    const changed = signalsOf(
      service,
      tallied,
      before.get(service),
      patternsBefore.get(service) ?? 0,
      readings.length,
      baseline.readings.length
    ).filter((s) => excessOf(s) > 0);
    // A usual call left out is also what the end of an earlier failure looks like (an error handler no longer
    // called): it corroborates a service that changed otherwise, and does not make a suspect on its own.
    // So it weighs at most as much as the rest of the evidence: a request mix that moved from one callee to another
    // must not turn a service slow in a few traces into the first suspect.
    const signals = changed.some((s) => s.kind !== 'calls') ? changed : [];
    const otherwise = signals.reduce((sum, s) => sum + (s.kind === 'calls' ? 0 : excessOf(s)), 0);
    const score = signals.reduce(
      (sum, s) => sum + (s.kind === 'calls' ? Math.min(excessOf(s), otherwise) : excessOf(s)),
      0
    );
    if (signals.length === 0) {
      continue;
    }
    signals.sort((a, b) => excessOf(b) - excessOf(a));
    const evidence = [...tallied.operations.values()].reduce((a, b) => a + b, 0);
    const sharp = top(tallied.operations);
    const operation = sharp && evidence > 0 && sharp[1] >= SHARP_SHARE * evidence ? sharp[0] : undefined;
    suspects.push({
      service,
      ...(operation === undefined ? {} : { operation }),
      score,
      traces: Math.max(...signals.map((s) => s.traces)),
      extraMs: tallied.ownExtraMs + tallied.wireExtraMs,
      reason: signals.map((s) => s.summary).join('; '),
      signals,
      exampleTraceIds: tallied.examples
        .sort((a, b) => b.weight - a.weight)
        .slice(0, EXAMPLES)
        .map((e) => e.traceId),
    });
  }
  suspects.sort(
    (a, b) => b.score - a.score || b.extraMs - a.extraMs || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0)
  );
  const [first, second] = suspects;
  if (!first || first.traces < MIN_SUSPECT_TRACES) {
    notes.push(
      first
        ? `the strongest change (${first.service}) shows in ${traces(first.traces)}; at least ${MIN_SUSPECT_TRACES} are needed`
        : 'no service changed against the baseline'
    );
    return { verdict: 'not-enough-evidence', suspects, notes, ...base };
  }
  if (second && Math.abs(first.score - second.score) < 1) {
    notes.push(
      `${first.service} and ${second.service} have as much evidence (${first.score.toFixed(1)} vs ${second.score.toFixed(1)} traces); ` +
        `ordered by extra time (${formatMs(first.extraMs)} vs ${formatMs(second.extraMs)})`
    );
  }
  return { verdict: 'ranked', suspects, notes, ...base };
}
