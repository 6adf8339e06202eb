/**
 * Analysing and ranking traces: runs every rule over a trace and orders traces so the most
 * severe, furthest-past-threshold ones come first.
 */
import type { Baselines } from './baselines';
import { RULES, type Finding, type Severity, excess, siblingGroupsOf } from './rules';
import { type AnalysisSettings, DEFAULT_ANALYSIS_SETTINGS } from './settings';
import { type Trace, buildTrace, tableOf } from './trace';

export interface AnalyzeOptions {
  /** Validated settings (see `resolveAnalysisSettings`); defaults when omitted. */
  readonly settings?: AnalysisSettings;
  /** p99 baselines for the `slow` rule; without them the rule stays silent. */
  readonly baselines?: Baselines;
}

export interface TraceAnalysis {
  readonly trace: Trace;
  /** Ordered by severity, then by how far past the threshold. */
  readonly findings: readonly Finding[];
  /** Higher is worse; 0 for a trace without findings. See `docs/analysis.md`. */
  readonly score: number;
  readonly worstSeverity: Severity | undefined;
}

const EMPTY_BASELINES: Baselines = new Map();

/**
 * Weights make severity dominate: no number of warnings outranks one critical finding unless it is
 * far past its threshold, and the log keeps one extreme value from swamping everything else.
 */
const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 100, warning: 10, info: 1 };
const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

/** Analyses a `Trace` made by `buildTrace`, or trace JSON in any accepted shape (see `buildTrace`). */
export function analyzeTrace(input: Trace | unknown, options: AnalyzeOptions = {}): TraceAnalysis {
  const trace = isTrace(input) ? input : buildTrace(input);
  const settings = options.settings ?? DEFAULT_ANALYSIS_SETTINGS;
  const table = tableOf(trace);
  const context = {
    trace,
    table,
    settings,
    baselines: options.baselines ?? EMPTY_BASELINES,
    siblingGroups: siblingGroupsOf(table),
  };

  const findings: Finding[] = [];
  for (const rule of RULES) {
    const found = rule.evaluate(context);
    if (found.length > settings.maxFindingsPerRule) {
      found.sort((a, b) => excess(b) - excess(a));
      found.length = settings.maxFindingsPerRule;
    }
    findings.push(...found);
  }
  findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || excess(b) - excess(a));

  let score = 0;
  for (const f of findings) {
    score += SEVERITY_WEIGHT[f.severity] * (1 + Math.log(excess(f)));
  }
  return { trace, findings, score, worstSeverity: findings[0]?.severity };
}

function isTrace(input: unknown): input is Trace {
  return typeof input === 'object' && input !== null && typeof (input as Trace).spanById === 'function';
}

/** Most anomalous first: worst severity, then score, then longer duration, then trace id for stability. */
export function rankTraces(analyses: readonly TraceAnalysis[]): TraceAnalysis[] {
  const rank = (a: TraceAnalysis): number => (a.worstSeverity ? SEVERITY_RANK[a.worstSeverity] : 0);
  return [...analyses].sort(
    (a, b) =>
      rank(b) - rank(a) ||
      b.score - a.score ||
      b.trace.durationMs - a.trace.durationMs ||
      (a.trace.traceId < b.trace.traceId ? -1 : a.trace.traceId > b.trace.traceId ? 1 : 0)
  );
}
