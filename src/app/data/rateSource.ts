/**
 * Where a request rate the app shows comes from, best first: the services' own HTTP server metrics (the SDK
 * counts every request, sampled or not); span metrics divided by the sampling rate the controller says applied
 * at each moment; or span metrics as they are, which count only sampled spans and so are labelled as such.
 */
import type { Override } from '../../contract';

export type RateSource = 'sdk' | 'corrected' | 'sampled';

/** A rate with where it came from. */
export interface SourcedRate {
  perSecond: number;
  source: RateSource;
}

/** The unit a figure of this source is shown in. */
export const RATE_UNITS: Record<RateSource, string> = {
  sdk: 'req/s',
  corrected: 'req/s',
  sampled: 'sampled spans/s',
};

/** Where the figure comes from, for a tooltip or a caption. */
export const RATE_SOURCE_NOTES: Record<RateSource, string> = {
  sdk: 'requests per second from the service’s own HTTP server metrics (not sampled)',
  corrected: 'requests per second from span metrics, divided by the sampling rate the controller set at each moment',
  sampled:
    'sampled spans per second: span metrics count only sampled spans, and no sampling history or SDK metrics were found to correct them',
};

/**
 * The spikes of the range that changed what a service's rate figure counts: any spike in scope for sampled spans
 * (parent-based sampling carries an upstream spike into the service's spans); for a figure corrected by the
 * service's own history, the spikes of other services; none for SDK metrics, which sampling does not touch.
 */
export function spikesAffecting(
  service: string,
  source: RateSource,
  spikesInRange: ReadonlyMap<string, readonly Override[]>
): Override[] {
  if (source === 'sdk') {
    return [];
  }
  return [...spikesInRange].filter(([s]) => source === 'sampled' || s !== service).flatMap(([, spikes]) => spikes);
}
