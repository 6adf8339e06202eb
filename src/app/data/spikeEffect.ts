/**
 * Whether a sampling spike reached its service: the rate of traces the service (and operation) started that the
 * trace backend ingested before the spike and now, from span metrics (they count sampled spans, so the rate rises
 * once the service samples more), with the service's last poll of the controller to tell "not polling" from "not
 * yet". Root spans only: sampling is parent-based, so the spike changes only the traces that start there, and the
 * service's spans in traces started upstream move with the upstream's sampling (another spike, say).
 */
import type { PrometheusClient } from '../../clients';
import type { Override } from '../../contract';
import { type SpanMetricsFlavour, promRequestRate, scopeOf } from '../../queries';
import type { ControllerClient } from './controller';

/** The rate window of the check: short, so the rate after the spike is not diluted by the rate before. */
const SPIKE_RATE_WINDOW_SECONDS = 60;

export interface SpikeCheck {
  /** Root spans (traces started) per second in the window before the spike; undefined when there were none. */
  before?: number;
  /** The same at `checkedAt`. */
  after?: number;
  /** When a sampler of the service last asked the controller; undefined when none ever has. */
  lastPoll?: Date;
  checkedAt: Date;
}

/**
 * When a check can first see the spike: the services fetch the new rate at their next poll, and
 * the rate window must then be filled with spans sampled at it. Derived from the spike, so a page
 * reloaded in between still knows when that is.
 */
export function spikeSettlesAt(spike: Override, pollIntervalSeconds: number): Date {
  return new Date(new Date(spike.createdAt).getTime() + (pollIntervalSeconds + SPIKE_RATE_WINDOW_SECONDS) * 1000);
}

/** Ingested traces per second that the spike's service (and operation) started, at `time` (unix seconds). */
async function ingestedRootRate(
  prometheus: PrometheusClient,
  spike: Override,
  time: number,
  signal?: AbortSignal,
  flavour?: SpanMetricsFlavour
): Promise<number | undefined> {
  const query = promRequestRate({
    flavour,
    scope: scopeOf([spike.service]),
    rangeSeconds: SPIKE_RATE_WINDOW_SECONDS,
    by: ['service'],
    roots: true,
    ...(spike.operation === undefined ? {} : { spanName: spike.operation }),
  });
  const result = await prometheus.query(query, { time }, { signal });
  const series = result.resultType === 'vector' ? result.result[0] : undefined;
  return series ? Number(series.value[1]) : undefined;
}

export async function checkSpike(
  prometheus: PrometheusClient,
  controller: ControllerClient,
  spike: Override,
  signal?: AbortSignal,
  flavour?: SpanMetricsFlavour
): Promise<SpikeCheck> {
  const checkedAt = new Date();
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const [before, after, known] = await Promise.all([
    ingestedRootRate(prometheus, spike, seconds(new Date(spike.createdAt)), signal, flavour),
    ingestedRootRate(prometheus, spike, seconds(checkedAt), signal, flavour),
    controller.services(signal),
  ]);
  const lastSeen = known.services.find((s) => s.name === spike.service)?.lastSeen;
  return { before, after, lastPoll: lastSeen ? new Date(lastSeen) : undefined, checkedAt };
}
