/**
 * Turning a rate of sampled spans into a rate of requests with the controller's sampling history: a `rate()` over
 * a window counts spans kept at whatever probability applied at each moment of it, so the requests are the spans
 * divided by the mean probability over that window. Only where the history covers the whole window with a
 * probability (not rate limiting, not before the history) is there a correction; elsewhere none.
 */
import type { SamplingSegment } from '../../contract';

/** Mean sampling probability over `[fromMs, toMs)`, or undefined where the segments leave part of it unknown. */
export function meanSamplingRate(
  segments: readonly SamplingSegment[],
  fromMs: number,
  toMs: number
): number | undefined {
  let covered = 0;
  let weighted = 0;
  for (const segment of segments) {
    const start = Math.max(fromMs, Date.parse(segment.from));
    const end = Math.min(toMs, Date.parse(segment.to));
    if (end <= start) {
      continue;
    }
    if (segment.samplingRate === undefined || segment.samplingRate <= 0) {
      return undefined;
    }
    covered += end - start;
    weighted += (end - start) * segment.samplingRate;
  }
  // Segments are disjoint (the controller merges adjacent pieces); allow a millisecond of rounding at the edges.
  return toMs - fromMs - covered <= 1 && covered > 0 ? weighted / covered : undefined;
}

/**
 * Each value of a series of sampled-span rates (at `timestamps`, unix seconds, each a rate over the
 * `windowSeconds` before it) divided by the mean probability over its window; null where that is unknown.
 */
export function correctedRates(
  values: ReadonlyArray<number | null>,
  timestamps: readonly number[],
  windowSeconds: number,
  segments: readonly SamplingSegment[]
): Array<number | null> {
  return values.map((value, i) => {
    const t = timestamps[i];
    if (value === null || t === undefined) {
      return null;
    }
    const mean = meanSamplingRate(segments, (t - windowSeconds) * 1000, t * 1000);
    return mean === undefined ? null : value / mean;
  });
}
