/**
 * What normal looked like before an incident, built from the traces of a baseline window: per operation the own
 * time (quantiles, with the sample count, so a p99 of 9 samples is known for the maximum it is), per link between
 * two services the time on the wire, which operations each operation calls and how often, and in how many traces
 * each service is where errors start; and the window's own traces read against all that as the range's will be, for
 * the baseline's rate of each signal. Built once per window; every ranking against it reads only its range. The
 * `slow` rule's p99s can be taken from it too (`latencyBaselinesOf`), so a live page and the evaluation judge spans
 * against the same window.
 */
import { type Baselines } from '../baselines';
import { NO_SPAN, type Trace, tableOf } from '../trace';
import {
  type TraceLogs,
  NO_LOGS,
  calleeOf,
  childKeys,
  errorOriginOf,
  forEachOwnTime,
  linkKey,
  operationKeys,
} from './evidence';
import {
  type PatternCounts,
  type Presence,
  type TraceReading,
  countPatterns,
  readTrace,
  settleCallChanges,
} from './reading';

/** A distribution of milliseconds from the baseline window. */
export interface Sample {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** A call an operation made in at least this share of its baseline spans is usual; leaving it out is a change. */
const USUAL_CALL_SHARE = 0.9;
/** An operation seen fewer times than this in the baseline has no usual calls. */
const MIN_CALL_SAMPLES = 5;

export interface CallPresence {
  /** Spans of the calling operation in the window. */
  readonly spans: number;
  /** Per called operation, in how many of those spans it was called at least once. */
  readonly called: ReadonlyMap<string, number>;
  /** The operations it called in at least `USUAL_CALL_SHARE` of `MIN_CALL_SAMPLES` or more spans. */
  readonly usual: readonly string[];
}

export interface BaselineProfile {
  readonly traces: number;
  /** Unix milliseconds of the earliest and latest trace start in the window; NaN without traces. */
  readonly fromUnixMs: number;
  readonly toUnixMs: number;
  /** Own time of each request a service served (`forEachOwnTime`), by `baselineKey(service, entry operation)`. */
  readonly selfTime: ReadonlyMap<string, Sample>;
  /** Whole-span duration by `baselineKey(service, operation)`: the `slow` rule's p99. */
  readonly duration: ReadonlyMap<string, Sample>;
  /** Time between a call and the server span it reached, by `linkKey(caller, callee)`. */
  readonly wire: ReadonlyMap<string, Sample>;
  readonly calls: ReadonlyMap<string, CallPresence>;
  /** In how many of the window's traces errors start in each service. */
  readonly errorOrigins: ReadonlyMap<string, number>;
  /** In how many of the window's traces each log pattern, and each operation, shows (none without log lines). */
  readonly logPatterns: PatternCounts;
  /** Whether any trace came with logs: error origins then include logged errors. */
  readonly withLogs: boolean;
  /** Whether any trace came with its log lines' text (`TraceLogs.linesBySpan`): log patterns are then judged. */
  readonly withLogLines: boolean;
  /**
   * The window's own traces read against this profile, as the ranking reads the range's: how often each signal
   * shows before the range. Read once here, not once per ranking, so the page can re-rank as rows arrive.
   */
  readonly readings: readonly TraceReading[];
}

/** What a trace is read against: the profile without what is counted from its own window's readings. */
export type BaselineNorms = Omit<BaselineProfile, 'readings' | 'logPatterns'>;

export interface BaselineTrace {
  readonly trace: Trace;
  readonly logs?: TraceLogs;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function sampleOf(values: number[]): Sample {
  values.sort((a, b) => a - b);
  return {
    count: values.length,
    p50: quantile(values, 0.5),
    p99: quantile(values, 0.99),
    max: values[values.length - 1]!,
  };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  list ? list.push(value) : map.set(key, [value]);
}

export function profileBaseline(traces: readonly BaselineTrace[]): BaselineProfile {
  const selfTimes = new Map<string, number[]>();
  const durations = new Map<string, number[]>();
  const wires = new Map<string, number[]>();
  const calls = new Map<string, { spans: number; called: Map<string, number> }>();
  const errorOrigins = new Map<string, number>();
  let from = Number.NaN;
  let to = Number.NaN;
  let withLogs = false;
  let withLogLines = false;
  let counted = 0;

  for (const { trace, logs = NO_LOGS } of traces) {
    const t = tableOf(trace);
    if (t.size === 0) {
      continue;
    }
    counted++;
    withLogs ||= logs !== NO_LOGS;
    withLogLines ||= logs.linesBySpan !== undefined;
    from = Number.isNaN(from) ? trace.startUnixMs : Math.min(from, trace.startUnixMs);
    to = Number.isNaN(to) ? trace.startUnixMs : Math.max(to, trace.startUnixMs);
    const keys = operationKeys(t);
    for (let i = 0; i < t.size; i++) {
      const key = keys[i]!;
      push(durations, key, t.durationMs(i));
      const callee = calleeOf(t, i);
      if (callee !== NO_SPAN) {
        push(wires, linkKey(t.service(i), t.service(callee)), t.selfTimeMs(i));
      }
      let presence = calls.get(key);
      if (!presence) {
        presence = { spans: 0, called: new Map() };
        calls.set(key, presence);
      }
      presence.spans++;
      for (const child of childKeys(t, keys, i)) {
        presence.called.set(child, (presence.called.get(child) ?? 0) + 1);
      }
    }
    forEachOwnTime(t, (entry, ownMs) => push(selfTimes, keys[entry]!, ownMs));
    const origin = errorOriginOf(trace, logs);
    if (origin !== NO_SPAN) {
      errorOrigins.set(t.service(origin), (errorOrigins.get(t.service(origin)) ?? 0) + 1);
    }
  }

  const samples = (map: Map<string, number[]>) => new Map([...map].map(([key, values]) => [key, sampleOf(values)]));
  const norms: BaselineNorms = {
    traces: counted,
    fromUnixMs: from,
    toUnixMs: to,
    selfTime: samples(selfTimes),
    duration: samples(durations),
    wire: samples(wires),
    calls: new Map(
      [...calls].map(([key, { spans, called }]) => [
        key,
        {
          spans,
          called,
          usual:
            spans < MIN_CALL_SAMPLES
              ? []
              : [...called].filter(([, count]) => count >= USUAL_CALL_SHARE * spans).map(([child]) => child),
        },
      ])
    ),
    errorOrigins,
    withLogs,
    withLogLines,
  };
  const presence: Presence = new Map();
  const readings = traces
    .filter(({ trace }) => tableOf(trace).size > 0)
    .map(({ trace, logs = NO_LOGS }) => readTrace(trace, logs, norms, presence));
  settleCallChanges(readings, norms, presence);
  return { ...norms, logPatterns: countPatterns(readings), readings };
}

/** The `slow` rule's baselines from the same window: each operation's p99 duration. */
export function latencyBaselinesOf(profile: BaselineProfile): Baselines {
  return new Map([...profile.duration].map(([key, sample]) => [key, sample.p99]));
}
