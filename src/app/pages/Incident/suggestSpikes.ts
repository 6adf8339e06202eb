/**
 * Suggested spikes: where few anomalous traces of this incident start at a service that keeps only a small
 * share of its traces (10 % or less), more of them would help, so the page proposes a spike with rate, duration and
 * reason filled in ("3 swallowed error traces in payments at 5% sampling"). Grouped by the trace's root service,
 * because the samplers are parent-based: only raising sampling where traces start keeps more of them.
 */
import type { Guardrails, KnownService } from '../../../contract';
import { RULE_LABELS } from '../../components/RuleBadge';
import { formatPercent } from '../../components/format';
import type { AnomalousTrace } from '../../data/anomalousTraces';

/** Suggest only for services sampling at most this share of their traces (10 %, a common head-sampling rate). */
const SUGGEST_AT_MOST_RATE = 0.1;
/** …and only while the anomalous traces starting there are this few or fewer: with more, the list has enough. */
const SUGGEST_AT_MOST_TRACES = 20;
/** The rate a suggestion proposes (capped by the controller's maximum). */
const SUGGESTED_RATE = 0.5;
/** Traces to keep before a suggested spike ends by itself, when the controller can count them. */
const SUGGESTED_TRACE_GOAL = 100;

export interface SpikeSuggestion {
  service: string;
  traces: number;
  currentRate: number;
  samplingRate: number;
  durationSeconds: number;
  stopAfterTraces?: number;
  reason: string;
}

export function suggestSpikes(
  traces: readonly AnomalousTrace[],
  services: readonly KnownService[],
  spiking: ReadonlySet<string>,
  guardrails: Guardrails
): SpikeSuggestion[] {
  const byService = new Map<string, Map<string, number>>();
  for (const t of traces) {
    const rules = byService.get(t.rootService) ?? new Map<string, number>();
    rules.set(t.worst.rule, (rules.get(t.worst.rule) ?? 0) + 1);
    byService.set(t.rootService, rules);
  }
  const suggestions: SpikeSuggestion[] = [];
  for (const service of services) {
    const rules = byService.get(service.name);
    const rate = service.samplingRate;
    if (!rules || rate === undefined || rate > SUGGEST_AT_MOST_RATE || spiking.has(service.name)) {
      continue;
    }
    const count = [...rules.values()].reduce((a, b) => a + b, 0);
    if (count > SUGGEST_AT_MOST_TRACES) {
      continue;
    }
    const [topRule] = [...rules.entries()].sort((a, b) => b[1] - a[1])[0] as [keyof typeof RULE_LABELS, number];
    const what = rules.size === 1 ? `${RULE_LABELS[topRule].toLowerCase()} ` : 'anomalous ';
    suggestions.push({
      service: service.name,
      traces: count,
      currentRate: rate,
      samplingRate: Math.min(SUGGESTED_RATE, guardrails.maxSamplingRate),
      durationSeconds: guardrails.defaultDurationSeconds,
      ...(guardrails.traceGoals ? { stopAfterTraces: SUGGESTED_TRACE_GOAL } : {}),
      reason: `${count} ${what}trace${count === 1 ? '' : 's'} in ${service.name} at ${formatPercent(rate)} sampling`,
    });
  }
  return suggestions.sort((a, b) => b.traces - a.traces);
}
