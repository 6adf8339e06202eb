/** How the app words the latency baselines the `slow` rule judges against: the rule, and each baseline's caveats. */
import {
  BASELINE_RULE,
  type BaselineCaveat,
  type LatencyBaseline,
  THIN_BASELINE_REQUESTS,
  baselineCaveats,
} from '../../analysis';
import { formatDurationMs } from './format';

const minutes = (seconds: number) => `${seconds / 60}-minute`;
const hours = (seconds: number) => `${seconds / 3600} hours`;

/** "the median of the 5-minute p99s over the 24 hours before", completed by a time. */
export const BASELINE_RULE_TEXT =
  `the median of the ${minutes(BASELINE_RULE.windowSeconds)} p99s over the ` +
  `${hours(BASELINE_RULE.lookbackSeconds)} before`;

/** How many hours of traffic `windows` sampled windows cover. */
export function trafficHours(windows: number): string {
  const h = (windows * BASELINE_RULE.stepSeconds) / 3600;
  return h >= 10 ? `${Math.round(h)} h` : `${Number(h.toFixed(1))} h`;
}

/** The particulars of one caveat: "12 requests, so the p99 is about their maximum", "5-minute p99 up to 755 ms". */
export function caveatDetail(baseline: LatencyBaseline, caveat: BaselineCaveat): string {
  if (caveat === 'slower-period') {
    return `5-minute p99 up to ${formatDurationMs(baseline.worstP99Ms ?? 0)}`;
  }
  return (baseline.requests ?? 0) < THIN_BASELINE_REQUESTS
    ? `${baseline.requests} requests, so the p99 is about their maximum`
    : `${trafficHours(baseline.windows ?? 0)} of traffic`;
}

/** What to keep in mind about one baseline, as short sentences; none when it is sound. */
export function caveatTexts(baseline: LatencyBaseline, slowFactor: number): string[] {
  return baselineCaveats(baseline, slowFactor).map((caveat) =>
    caveat === 'thin'
      ? `thin: ${caveatDetail(baseline, caveat)}`
      : `the lookback holds a slower stretch (${caveatDetail(baseline, caveat)})`
  );
}
