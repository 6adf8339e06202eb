/** The evaluation's figures from per-fault results: AS@k overall and per fault type, and each rule's precision and recall. */
import type { RuleId } from '../src/analysis';
import type { FaultResult } from './evaluateFault';

export const K = [1, 3, 5] as const;

export interface Accuracy {
  readonly faults: number;
  /** Share of faults whose true service is ranked in the top k, by k. */
  readonly at: Readonly<Record<(typeof K)[number], number>>;
  readonly hits: Readonly<Record<(typeof K)[number], number>>;
}

export function accuracy(
  results: readonly FaultResult[],
  rankOf: (r: FaultResult) => number | undefined = (r) => r.rank
): Accuracy {
  const hits = { 1: 0, 3: 0, 5: 0 };
  for (const r of results) {
    const rank = rankOf(r);
    for (const k of K) {
      hits[k] += rank !== undefined && rank <= k ? 1 : 0;
    }
  }
  const n = results.length;
  const share = (h: number) => (n === 0 ? 0 : h / n);
  return { faults: n, hits, at: { 1: share(hits[1]), 3: share(hits[3]), 5: share(hits[5]) } };
}

export function accuracyByType(results: readonly FaultResult[]): Map<string, Accuracy> {
  const types = [...new Set(results.map((r) => r.fault.inject_type))].sort();
  return new Map(types.map((type) => [type, accuracy(results.filter((r) => r.fault.inject_type === type))]));
}

export interface RuleScore {
  readonly flagged: number;
  readonly correct: number;
  /** Flagged traces whose evidence involves the true service, over all flagged traces. */
  readonly precision: number;
  /** Correctly flagged traces over the range traces the true service takes part in. */
  readonly recall: number;
}

export function ruleScores(results: readonly FaultResult[]): Map<RuleId, RuleScore> {
  const totals = new Map<RuleId, { flagged: number; correct: number }>();
  const withTruth = results.reduce((n, r) => n + r.tracesWithTruth, 0);
  for (const r of results) {
    for (const [rule, t] of r.rules) {
      const total = totals.get(rule) ?? { flagged: 0, correct: 0 };
      total.flagged += t.flagged;
      total.correct += t.correct;
      totals.set(rule, total);
    }
  }
  return new Map(
    [...totals]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([rule, { flagged, correct }]) => [
        rule,
        {
          flagged,
          correct,
          precision: flagged === 0 ? 0 : correct / flagged,
          recall: withTruth === 0 ? 0 : correct / withTruth,
        },
      ])
  );
}
