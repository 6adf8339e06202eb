/**
 * The sampling state of the services in scope, from the controller: effective rate and its source,
 * poll status, running spikes and those that ended within the page's range, guardrails, and what the viewer may
 * change (Grafana permission and the controller's own team check). Plus why a write control is disabled, in words.
 */
import { type Guardrails, type KnownService, type Me, type Override, serviceMatches } from '../../contract';
import type { Scope } from '../../queries';
import { scopeIncludes } from '../scope/scope';
import type { Viewer } from '../scope/viewer';
import type { ControllerClient } from './controller';
import { spikeState, spikesDuring } from './spikeLifecycle';

export interface SamplingState {
  services: KnownService[];
  /** Spikes running now. */
  overrides: Override[];
  /** Spikes that ran during the range and have ended, oldest first. */
  ended: Override[];
  /** When the state was read: what "running" and "ended" are relative to. */
  readAt: Date;
  guardrails: Guardrails;
  me: Me;
}

/** `range` is the page's, in unix milliseconds. */
export async function loadSampling(
  controller: ControllerClient,
  scope: Scope,
  range: { fromMs: number; toMs: number },
  signal?: AbortSignal
): Promise<SamplingState> {
  const [services, overrides, guardrails, me] = await Promise.all([
    controller.services(signal),
    controller.overrides(signal, range.fromMs),
    controller.guardrails(signal),
    controller.me(signal),
  ]);
  const readAt = new Date();
  const inScope = (name: string) => scopeIncludes(scope, name);
  const spikes = overrides.overrides.filter((o) => inScope(o.service));
  const running = spikes.filter((o) => spikeState(o, readAt).kind === 'active');
  return {
    services: services.services.filter((s) => inScope(s.name)),
    overrides: running.sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    ended: spikesDuring(spikes, range.fromMs, range.toMs, readAt).filter((o) => !running.includes(o)),
    readAt,
    guardrails,
    me,
  };
}

/** Why the viewer cannot change sampling for `service`, or undefined when they can. */
export function writeBlockedReason(viewer: Viewer, me: Me, service?: string): string | undefined {
  if (!viewer.canWriteSampling) {
    return `Your role (${viewer.role}) cannot change sampling: it needs the Sampling Operator role (seed-tracingops-app.sampling:write).`;
  }
  if (!me.write.allowed) {
    return me.write.reason ?? 'The sampling controller does not allow you to change sampling.';
  }
  if (service && !me.write.allServices && !serviceMatches(me.write.servicePatterns, service)) {
    return `None of your teams owns ${service}, so you cannot change its sampling.`;
  }
  return undefined;
}
