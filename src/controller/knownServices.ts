/**
 * The services this controller knows: those that polled, those in the strategies file and those with active
 * overrides. The admin API lists them; the Alertmanager webhook spikes only these, so an alert label cannot
 * spend a guardrail slot on a service that does not exist.
 */
import type { ActiveOverrides } from './overrides';
import type { PollRecorder } from './polls';
import type { StrategiesSource } from './strategiesFile';

export async function knownServices(deps: {
  polls: PollRecorder;
  strategies: StrategiesSource;
  active: ActiveOverrides;
}) {
  const [polls, active] = await Promise.all([deps.polls.list(), deps.active.current()]);
  const names = new Set([
    ...polls.map((p) => p.service),
    ...deps.strategies.strategies.services.keys(),
    ...active.map((o) => o.service),
  ]);
  return { names: [...names].sort(), polls, active };
}
