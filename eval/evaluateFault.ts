/**
 * One fault through the product's own code: its traces built and analysed as the worker does (`analyzeTrace` with
 * p99 baselines from the baseline window), suspects ranked (`rankSuspects`) and their reasons redacted
 * (`compileRedaction`) as the page would show them. Which window is the baseline is the only choice made here.
 */
import {
  type RuleId,
  type SuspectRanking,
  type TraceAnalysis,
  DEFAULT_REDACTION_SETTINGS,
  analyzeTrace,
  buildTrace,
  compileRedaction,
  latencyBaselinesOf,
  profileBaseline,
  rankSuspects,
} from '../src/analysis';
import { type Fault, RowCounts, readMinute, type LogRow, type SpanRow } from './nezhaData';
import { servicesByFindings } from './naiveRanking';
import { type NezhaTrace, nezhaTraces } from './nezhaOtlp';

/**
 * `before`: the traces of the fault's first minute file that start before the injection — the recent window a live
 * page would use. `fault-free`: the day's fault-free minute, hours away. `both`: the two together.
 */
export type BaselineWindow = 'before' | 'fault-free' | 'both';

export interface RuleTally {
  /** Range traces the rule flagged. */
  flagged: number;
  /** … whose findings' evidence includes a span of the true service. */
  correct: number;
}

export interface FaultResult {
  readonly fault: Fault;
  readonly ranking: SuspectRanking | undefined;
  /** 1-based rank of the true service among the suspects; undefined when absent or not ranked. */
  readonly rank: number | undefined;
  /** The same with the ranking this one replaced (`servicesByFindings`), for comparison. */
  readonly findingsRank: number | undefined;
  readonly rangeTraces: number;
  readonly baselineTraces: number;
  /** Range traces in which the true service takes part: the denominator of each rule's recall. */
  readonly tracesWithTruth: number;
  readonly rules: ReadonlyMap<RuleId, RuleTally>;
  /** Why the fault could not be judged, if it could not. */
  readonly unusable?: string;
}

export interface EvaluationInput {
  readonly dir: string;
  readonly fault: Fault;
  readonly window: BaselineWindow;
  readonly faultFreeMinute: string | undefined;
  readonly counts: RowCounts;
}

const redactor = compileRedaction(DEFAULT_REDACTION_SETTINGS);

function rowsOf(dir: string, day: string, minutes: readonly string[], counts: RowCounts, faultFree = false) {
  const spans: SpanRow[] = [];
  const logs: LogRow[] = [];
  for (const minute of minutes) {
    const read = readMinute(dir, day, minute, counts, faultFree);
    spans.push(...read.spans);
    logs.push(...read.logs);
  }
  return { spans, logs };
}

export function evaluateFault({ dir, fault, window, faultFreeMinute, counts }: EvaluationInput): FaultResult {
  // A trace's spans can fall into two minute files; they are put together before the trace is cut from its window.
  const all = rowsOf(dir, fault.day, fault.minutes, counts);
  const traces = nezhaTraces(all.spans, all.logs);
  const range = traces.filter((t) => t.startUnixSeconds >= fault.inject_unix);
  const before: NezhaTrace[] = [];
  if (window !== 'fault-free') {
    before.push(...traces.filter((t) => t.startUnixSeconds < fault.inject_unix));
  }
  if (window !== 'before' && faultFreeMinute) {
    const free = rowsOf(dir, fault.day, [faultFreeMinute], counts, true);
    before.push(...nezhaTraces(free.spans, free.logs));
  }

  const baselineTraces = before.map((t) => ({ trace: buildTrace(t.json), logs: t.logs }));
  const profile = profileBaseline(baselineTraces);
  const baselines = latencyBaselinesOf(profile);
  const analyses: TraceAnalysis[] = range.map((t) => analyzeTrace(buildTrace(t.json), { baselines }));
  const rules = new Map<RuleId, RuleTally>();
  let tracesWithTruth = 0;
  for (const { trace, findings } of analyses) {
    tracesWithTruth += trace.services.includes(fault.service) ? 1 : 0;
    const flagged = new Map<RuleId, boolean>();
    for (const finding of findings) {
      const involves = finding.spanIds.some((id) => trace.spanById(id)?.service === fault.service);
      flagged.set(finding.rule, (flagged.get(finding.rule) ?? false) || involves);
    }
    for (const [rule, correct] of flagged) {
      const tally = rules.get(rule) ?? { flagged: 0, correct: 0 };
      tally.flagged++;
      tally.correct += correct ? 1 : 0;
      rules.set(rule, tally);
    }
  }
  const byFindings = servicesByFindings(analyses).indexOf(fault.service);
  const common = {
    fault,
    findingsRank: byFindings >= 0 ? byFindings + 1 : undefined,
    rangeTraces: range.length,
    baselineTraces: before.length,
    tracesWithTruth,
    rules,
  };
  if (range.length === 0) {
    return { ...common, ranking: undefined, rank: undefined, unusable: 'no usable traces after the injection' };
  }
  const ranked = rankSuspects(
    analyses.map((a, i) => ({ trace: a.trace, logs: range[i]!.logs })),
    profile
  );
  const ranking: SuspectRanking = {
    ...ranked,
    suspects: ranked.suspects.map((s) => ({ ...s, reason: redactor.text(s.reason) })),
  };
  const at = ranking.suspects.findIndex((s) => s.service === fault.service);
  return { ...common, ranking, rank: ranking.verdict === 'ranked' && at >= 0 ? at + 1 : undefined };
}
