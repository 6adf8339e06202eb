/**
 * The spike check in words: whether the rate of ingested traces the service started went up and by how much, or, when it
 * did not, the likeliest reason the responder can act on (too early, a service that does not poll,
 * traces that start upstream).
 */
import { dateTimeFormat } from '@grafana/data';

import type { Override } from '../../../contract';
import { formatAgo, formatPerSecond } from '../../components/format';
import type { SpikeCheck } from '../../data/spikeEffect';

const perSecond = (rate: number | undefined) => (rate === undefined ? 'none' : formatPerSecond(rate));

export function spikeVerdict(check: SpikeCheck, spike: Override, settlesAt: Date): string {
  const { before, after, lastPoll, checkedAt } = check;
  const service = spike.service;
  const startedAt = spike.operation === undefined ? service : `${service} (${spike.operation})`;
  const rates = `${perSecond(before)} before, ${perSecond(after)} now`;
  if (after !== undefined && after > (before ?? 0)) {
    const factor = before ? ` ×${Number((after / before).toPrecision(2))}` : '';
    return `Rate of traces starting at ${startedAt} went up${factor}: ${rates}.`;
  }
  if (checkedAt < settlesAt) {
    return (
      `No change yet (${rates}): ${service} picks the spike up at its next poll, then span metrics need a minute. ` +
      `Checking again by itself at ${dateTimeFormat(settlesAt.getTime(), { format: 'HH:mm:ss' })}.`
    );
  }
  if (!lastPoll) {
    return `No change yet (${rates}) — is ${service} polling? It has never polled the controller.`;
  }
  const ago = formatAgo(lastPoll, checkedAt);
  if (lastPoll < new Date(spike.createdAt)) {
    return `No change yet (${rates}) — is ${service} polling? Last poll ${ago}, before the spike.`;
  }
  // Parent-based samplers keep the caller's decision, so a service called from upstream sees no change.
  return (
    `No change yet (${rates}), though ${service} has polled since the spike (last poll ${ago}). ` +
    'If its traces start upstream, raise sampling there.'
  );
}
