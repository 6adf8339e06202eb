/**
 * Checks whether a raised spike took effect: straight away, and again by itself when the services
 * have polled and a rate window of spans sampled at the new rate is in, so the responder does not
 * have to remember to look; `recheck` is the manual way.
 */
import { useEffect, useEffectEvent } from 'react';

import type { PrometheusClient } from '../../../clients';
import type { Override } from '../../../contract';
import type { SpanMetricsFlavour } from '../../../queries';
import type { ControllerClient } from '../../data/controller';
import { type SpikeCheck, checkSpike, spikeSettlesAt } from '../../data/spikeEffect';
import { type Load, useLoad } from '../../data/useLoad';

export interface SpikeCheckSources {
  prometheus?: PrometheusClient;
  controller: ControllerClient;
  /** The span metrics' flavour; Tempo's when omitted. */
  spanMetricsFlavour?: (signal?: AbortSignal) => Promise<SpanMetricsFlavour>;
}

export function useSpikeCheck(
  spike: Override,
  pollIntervalSeconds: number,
  { prometheus, controller, spanMetricsFlavour }: SpikeCheckSources
): { check: Load<SpikeCheck | undefined>; settlesAt: Date; recheck: () => void } {
  const settlesAt = spikeSettlesAt(spike, pollIntervalSeconds);
  const { load, reload } = useLoad(
    async (signal) =>
      prometheus ? checkSpike(prometheus, controller, spike, signal, await spanMetricsFlavour?.(signal)) : undefined,
    spike.id
  );
  const recheck = useEffectEvent(reload);
  const settlesAtMs = settlesAt.getTime();

  useEffect(() => {
    const wait = settlesAtMs - Date.now();
    if (wait <= 0) {
      return undefined;
    }
    const timer = setTimeout(recheck, wait);
    return () => clearTimeout(timer);
  }, [settlesAtMs]);

  return { check: load, settlesAt, recheck: reload };
}
