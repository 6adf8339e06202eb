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

/**
 * How much traffic `windows` sampled windows cover: minutes under an hour (a young stack's baselines, which in
 * tenths of an hour read "0 h"), hours above.
 */
export function trafficTime(windows: number): string {
  const total = Math.round((windows * BASELINE_RULE.stepSeconds) / 60);
  if (total < 60) {
    return `${total} min`;
  }
  const h = total / 60;
  return h >= 10 ? `${Math.round(h)} h` : `${Number(h.toFixed(1))} h`;
}

/** An anchor (Unix seconds) as the pages show it: "2026-12-07 23:05 UTC". */
export function anchorText(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * When operations without a baseline at `anchor` can first have one: the next anchor, if the span metrics record
 * them meanwhile — a baseline is drawn from traffic before its anchor only.
 */
export function firstBaselineText(anchor: number): string {
  return (
    `A baseline exists from the first ${minutes(BASELINE_RULE.anchorSeconds)} mark ` +
    `after traffic is recorded: if the span metrics are recording traffic now, traces that start from ` +
    `${anchorText(anchor + BASELINE_RULE.anchorSeconds)} on are judged.`
  );
}

/** The particulars of one caveat: "12 requests, so the p99 is about their maximum", "5-minute p99 up to 755 ms". */
export function caveatDetail(baseline: LatencyBaseline, caveat: BaselineCaveat): string {
  if (caveat === 'slower-period') {
    return `5-minute p99 up to ${formatDurationMs(baseline.worstP99Ms ?? 0)}`;
  }
  return (baseline.requests ?? 0) < THIN_BASELINE_REQUESTS
    ? `${baseline.requests} requests, so the p99 is about their maximum`
    : `${trafficTime(baseline.windows ?? 0)} of traffic`;
}

/** What to keep in mind about one baseline, as short sentences; none when it is sound. */
export function caveatTexts(baseline: LatencyBaseline, slowFactor: number): string[] {
  return baselineCaveats(baseline, slowFactor).map((caveat) =>
    caveat === 'thin'
      ? `thin: ${caveatDetail(baseline, caveat)}`
      : `the lookback holds a slower stretch (${caveatDetail(baseline, caveat)})`
  );
}
