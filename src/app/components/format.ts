/** How numbers read on the app's pages: durations, rates, shares and times left, short and unambiguous. */

export function formatDurationMs(ms: number): string {
  if (ms >= 60_000) {
    return `${(ms / 60_000).toFixed(1)} min`;
  }
  if (ms >= 1000) {
    return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  }
  return ms >= 1 ? `${Math.round(ms)} ms` : `${Math.round(ms * 1000)} µs`;
}

/** `0.05` → `5%`, `0.001` → `0.1%`; sampling rates below a percent are common, so they keep a digit. */
export function formatPercent(share: number): string {
  const percent = share * 100;
  if (percent === 0 || percent >= 10) {
    return `${Math.round(percent)}%`;
  }
  return `${Number(percent.toPrecision(2))}%`;
}

/** A rate's number alone, two significant digits below 100: `0.41`, `12`, `340`. */
export function formatRateNumber(rate: number): string {
  return rate >= 100 ? `${Math.round(rate)}` : `${Number(rate.toPrecision(2))}`;
}

export function formatPerSecond(rate: number): string {
  return `${formatRateNumber(rate)}/s`;
}

/** Whole seconds left until `until`, never negative. */
export function secondsLeft(until: Date, now: Date): number {
  return Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** `3725` → `1h 02m`, `185` → `3m 05s`, `42` → `42s`. */
export function formatSecondsLeft(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) {
    return `${h}h ${pad(m)}m`;
  }
  return m > 0 ? `${m}m ${pad(s)}s` : `${s}s`;
}

/** "2 min ago", "just now": for last-seen times of polling services. */
export function formatAgo(then: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 10) {
    return 'just now';
  }
  if (seconds < 120) {
    return `${seconds} s ago`;
  }
  if (seconds < 7200) {
    return `${Math.round(seconds / 60)} min ago`;
  }
  return `${Math.round(seconds / 3600)} h ago`;
}
