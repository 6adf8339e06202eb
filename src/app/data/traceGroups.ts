/**
 * The incident list's groups: anomalous traces with the same root operation, the same rule for their worst finding and
 * the same cause (the service and operation of the span that finding points at) are one problem seen many times. A
 * group has a count, first and last seen, whether it is still going on at the end of the range, and its worst trace.
 * Pure and free of the page, so it runs wherever the rows are.
 */
import type { RuleId, Severity } from '../../analysis';
import { type AnomalousTrace, SEVERITY_RANK, compareRows, rankRows } from './candidateAnalysis';

export interface TraceGroup {
  /** Stable across reloads of the same range: root, rule and cause. */
  key: string;
  rootService: string;
  rootOperation: string;
  rule: RuleId;
  severity: Severity;
  cause?: { service: string; operation: string };
  /** Worst first; `traces[0]` is the group's example. */
  traces: AnomalousTrace[];
  firstSeenMs: number;
  lastSeenMs: number;
  /** A trace of the group started in the last part of the range (`quietWindowMs`). */
  ongoing: boolean;
}

/** A group is over once none of its traces started in the last tenth of the range, and at least this long. */
export const MIN_QUIET_MS = 60_000;

/** How long without a trace, before the end of the range, marks a group as ended. */
export function quietWindowMs(range: { start: number; end: number }): number {
  return Math.max(MIN_QUIET_MS, ((range.end - range.start) * 1000) / 10);
}

function groupKey(t: AnomalousTrace): string {
  return JSON.stringify([t.rootService, t.rootOperation, t.worst.rule, t.cause?.service, t.cause?.operation]);
}

/**
 * Groups ranked by their worst traces' severity and score, then by size; `range` in Unix seconds, as the list's query
 * has it.
 */
export function groupAnomalousTraces(
  traces: readonly AnomalousTrace[],
  range: { start: number; end: number }
): TraceGroup[] {
  const members = new Map<string, AnomalousTrace[]>();
  for (const trace of rankRows(traces)) {
    const key = groupKey(trace);
    const list = members.get(key);
    list ? list.push(trace) : members.set(key, [trace]);
  }
  const endedBefore = range.end * 1000 - quietWindowMs(range);
  const groups = [...members].map(([key, list]): TraceGroup => {
    const worst = list[0]!;
    let firstSeenMs = Infinity;
    let lastSeenMs = -Infinity;
    for (const t of list) {
      firstSeenMs = Math.min(firstSeenMs, t.startUnixMs);
      lastSeenMs = Math.max(lastSeenMs, t.startUnixMs);
    }
    return {
      key,
      rootService: worst.rootService,
      rootOperation: worst.rootOperation,
      rule: worst.worst.rule,
      severity: worst.worst.severity,
      cause: worst.cause,
      traces: list,
      firstSeenMs,
      lastSeenMs,
      ongoing: lastSeenMs >= endedBefore,
    };
  });
  return groups.sort((a, b) => {
    const [x, y] = [a.traces[0]!, b.traces[0]!];
    return (
      SEVERITY_RANK[y.worst.severity] - SEVERITY_RANK[x.worst.severity] ||
      y.score - x.score ||
      b.traces.length - a.traces.length ||
      compareRows(x, y)
    );
  });
}
