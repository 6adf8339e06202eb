/**
 * Thresholds of the anomaly rules in one settings object. The app's settings page edits it, so
 * every field has a documented default and `resolveAnalysisSettings` rejects nonsense with a
 * message naming the field.
 */

export interface AnalysisSettings {
  /** `long`: a trace longer than this is flagged. Default 5000 ms. */
  readonly longTraceMs: number;
  /** `slow`: a span slower than `slowFactor` × the p99 of its service+operation is flagged. Default 2. */
  readonly slowFactor: number;
  /** `slow`: spans shorter than this are never "slow", however small their p99. Default 10 ms. */
  readonly slowMinDurationMs: number;
  /** `wide`: this many children with the same name under one parent is an N+1. Default 10. */
  readonly wideMinSiblings: number;
  /** `deep`: more service hops than this on one root-to-leaf path is flagged. Default 8. */
  readonly deepMaxServiceHops: number;
  /** `bottleneck`: one span's own time on the critical path at or above this share of the trace. Default 0.8. */
  readonly bottleneckShare: number;
  /** `bottleneck`: … and that span's own time on it is at least this long. Default 100 ms. */
  readonly bottleneckMinSelfMs: number;
  /** `retry-storm`: at least this many calls of the same operation under one parent … Default 3. */
  readonly retryMinAttempts: number;
  /** … of which at least this many failed. Default 2. */
  readonly retryMinErrors: number;
  /** At most this many findings per rule and trace (the worst first), so one bad trace stays readable. Default 5. */
  readonly maxFindingsPerRule: number;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = Object.freeze({
  longTraceMs: 5000,
  slowFactor: 2,
  slowMinDurationMs: 10,
  wideMinSiblings: 10,
  deepMaxServiceHops: 8,
  bottleneckShare: 0.8,
  bottleneckMinSelfMs: 100,
  retryMinAttempts: 3,
  retryMinErrors: 2,
  maxFindingsPerRule: 5,
});

export class AnalysisSettingsError extends Error {
  override readonly name = 'AnalysisSettingsError';
}

type Check = (value: number) => boolean;
const positive: Check = (v) => v > 0;
const nonNegative: Check = (v) => v >= 0;
const count: Check = (v) => Number.isInteger(v) && v >= 1;

const CHECKS: Record<keyof AnalysisSettings, [Check, string]> = {
  longTraceMs: [positive, 'a positive number of milliseconds'],
  slowFactor: [(v) => v >= 1, 'a factor of at least 1'],
  slowMinDurationMs: [nonNegative, 'zero or more milliseconds'],
  wideMinSiblings: [(v) => count(v) && v >= 2, 'a whole number of at least 2'],
  deepMaxServiceHops: [(v) => Number.isInteger(v) && v >= 0, 'a whole number of hops, zero or more'],
  bottleneckShare: [(v) => v > 0 && v <= 1, 'a share above 0 and at most 1'],
  bottleneckMinSelfMs: [nonNegative, 'zero or more milliseconds'],
  retryMinAttempts: [(v) => count(v) && v >= 2, 'a whole number of at least 2'],
  retryMinErrors: [count, 'a whole number of at least 1'],
  maxFindingsPerRule: [count, 'a whole number of at least 1'],
};

/** Defaults overlaid with `overrides`; throws `AnalysisSettingsError` naming the first bad field. */
export function resolveAnalysisSettings(overrides: Partial<AnalysisSettings> = {}): AnalysisSettings {
  const merged = { ...DEFAULT_ANALYSIS_SETTINGS, ...overrides };
  for (const key of Object.keys(CHECKS) as Array<keyof AnalysisSettings>) {
    const [check, expected] = CHECKS[key];
    const value = merged[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
      throw new AnalysisSettingsError(`${key} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  if (merged.retryMinErrors > merged.retryMinAttempts) {
    throw new AnalysisSettingsError('retryMinErrors cannot exceed retryMinAttempts');
  }
  return Object.freeze(merged);
}
