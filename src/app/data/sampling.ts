/**
 * The sampling state of the services in scope, from the controller: effective rate and its source,
 * poll status, active spikes, guardrails, and what the viewer may change (Grafana permission and
 * the controller's own team check). Plus why a write control is disabled, in words.
 */
import { type Guardrails, type KnownService, type Me, type Override, serviceMatches } from '../../contract';
import type { Scope } from '../../queries';
import { scopeIncludes } from '../scope/scope';
import type { Viewer } from '../scope/viewer';
import type { ControllerClient } from './controller';

export interface SamplingState {
  services: KnownService[];
  overrides: Override[];
  guardrails: Guardrails;
  me: Me;
}

export async function loadSampling(
  controller: ControllerClient,
  scope: Scope,
  signal?: AbortSignal
): Promise<SamplingState> {
  const [services, overrides, guardrails, me] = await Promise.all([
    controller.services(signal),
    controller.activeOverrides(signal),
    controller.guardrails(signal),
    controller.me(signal),
  ]);
  const inScope = (name: string) => scopeIncludes(scope, name);
  return {
    services: services.services.filter((s) => inScope(s.name)),
    overrides: overrides.overrides.filter((o) => o.active && inScope(o.service)),
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
