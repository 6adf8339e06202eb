/**
 * Where a sampling spike is in its life, from the controller's override record: running, or how it ended —
 * expired, reverted by someone, ended by its trace goal (with the count) or by its alert's resolution — and
 * which spikes touched a time range, so a page can show the ended ones beside the running ones.
 */
import type { Override } from '../../contract';

/** The controller's actor for spikes Alertmanager raised and ended (`src/controller/alertSpikes.ts`). */
const ALERTMANAGER = 'alertmanager';

export type SpikeState =
  | { readonly kind: 'active'; readonly endsAt: Date }
  | { readonly kind: 'expired'; readonly at: Date }
  | { readonly kind: 'reverted'; readonly at: Date; readonly by: string; readonly reason?: string }
  | { readonly kind: 'goal-reached'; readonly at: Date; readonly traces: number; readonly goal: number }
  | { readonly kind: 'alert-resolved'; readonly at: Date; readonly alert: string };

export function spikeState(spike: Override, now: Date): SpikeState {
  const expiresAt = new Date(spike.expiresAt);
  if (spike.goal?.reachedAt) {
    return {
      kind: 'goal-reached',
      at: new Date(spike.goal.reachedAt),
      traces: spike.goal.traces ?? spike.goal.stopAfterTraces,
      goal: spike.goal.stopAfterTraces,
    };
  }
  if (spike.revokedAt) {
    const at = new Date(spike.revokedAt);
    if (spike.alert && spike.revokedBy === ALERTMANAGER) {
      return { kind: 'alert-resolved', at, alert: spike.alert.name };
    }
    return { kind: 'reverted', at, by: spike.revokedBy ?? 'unknown', reason: spike.revokeReason };
  }
  return expiresAt > now ? { kind: 'active', endsAt: expiresAt } : { kind: 'expired', at: expiresAt };
}

/** When the spike stopped applying: its end, or `now` while it runs. */
export function spikeEnd(spike: Override, now: Date): Date {
  const state = spikeState(spike, now);
  return state.kind === 'active' ? now : state.at;
}

/** How a spike ended, in words: "expired", "reverted by bob", "goal reached: 103 traces", … ("running" if not). */
export function describeEnding(state: SpikeState): string {
  switch (state.kind) {
    case 'active':
      return 'running';
    case 'expired':
      return 'expired';
    case 'reverted':
      return `reverted by ${state.by}`;
    case 'goal-reached':
      return `goal reached: ${state.traces} traces (goal ${state.goal})`;
    case 'alert-resolved':
      return `alert ${state.alert} resolved`;
  }
}

/** Spikes that applied at some moment of `[fromMs, toMs]`, oldest first. */
export function spikesDuring(spikes: readonly Override[], fromMs: number, toMs: number, now: Date): Override[] {
  return spikes
    .filter((s) => new Date(s.createdAt).getTime() <= toMs && spikeEnd(s, now).getTime() >= fromMs)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Spikes grouped by service, each group in the given order. */
export function spikesByService(spikes: readonly Override[]): Map<string, Override[]> {
  const out = new Map<string, Override[]>();
  for (const spike of spikes) {
    out.set(spike.service, [...(out.get(spike.service) ?? []), spike]);
  }
  return out;
}
