/**
 * Which stretch of span metrics a trace's p99 baselines come from. On the incident page the range is the
 * incident, so its traces are judged against the window of the same length just before it (the range itself
 * only for operations without data then): a slow incident would otherwise raise its own p99 and silence the
 * "slow vs p99" rule exactly when more than 1% of requests are slow. A trace opened from the list keeps the
 * list's window (`?baseline=<start>-<end>` on the Trace page), so it is judged on its page as it was in the list;
 * a trace opened on its own is judged against the hour before it ended.
 */
export interface BaselineWindow {
  /** Unix seconds of the window's end, and its length (at least five minutes, so a short one still has data). */
  readonly end: number;
  readonly seconds: number;
  /** Prefer the window of the same length before this one, per operation (`promLatencyBaseline`). */
  readonly precedingWindow: boolean;
}

/** An incident page's range, in Unix seconds. */
export interface IncidentRange {
  readonly start: number;
  readonly end: number;
}

const SINGLE_TRACE_SECONDS = 3600;
/** The longest range a link may carry; longer ones are Grafana's to refuse, not a baseline's. */
const MAX_RANGE_SECONDS = 90 * 24 * 3600;

export function incidentBaseline({ start, end }: IncidentRange): BaselineWindow {
  return { end, seconds: end - start, precedingWindow: true };
}

export function singleTraceBaseline(trace: { startUnixMs: number; durationMs: number }): BaselineWindow {
  return {
    end: Math.ceil((trace.startUnixMs + trace.durationMs) / 1000),
    seconds: SINGLE_TRACE_SECONDS,
    precedingWindow: false,
  };
}

/** The Trace page's `baseline` parameter for a trace listed over `range`. */
export function baselineParam({ start, end }: IncidentRange): string {
  return `${start}-${end}`;
}

/** The range a `baseline` parameter names, or undefined for anything else (then the trace is judged on its own). */
export function parseBaselineParam(value: string | null): IncidentRange | undefined {
  const match = /^(\d{1,12})-(\d{1,12})$/.exec(value ?? '');
  if (!match) {
    return undefined;
  }
  const [start, end] = [Number(match[1]), Number(match[2])];
  return start < end && end - start <= MAX_RANGE_SECONDS ? { start, end } : undefined;
}
