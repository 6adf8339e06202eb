/**
 * Anomalous-trace analysis: a normalised `Trace` model built from Tempo/OTLP JSON (and Jaeger's UI
 * JSON through `jaegerUiTraceToOtlp`), the anomaly
 * `Rule`s that produce `Finding`s, ranking, p99 baselines and attribute redaction. Pure
 * TypeScript with no Grafana, React or Node-only imports, and no side effects on import.
 */
export {
  type Trace,
  type Span,
  type TraceIssue,
  type TraceIssueKind,
  type CriticalSegment,
  TraceFormatError,
  buildTrace,
  spanAttributes,
  resourceAttributes,
  ownAttributes,
} from './trace';
export { type AttributeValue, type SpanKind, type SpanStatus } from './otlp';
export {
  type OtlpJsonTrace,
  type OtlpJsonSpan,
  type OtlpJsonAttribute,
  type OtlpJsonValue,
  jaegerUiTraceToOtlp,
} from './jaegerUi';
export {
  type Finding,
  type FindingUnit,
  type Rule,
  type RuleContext,
  type RuleId,
  type SiblingGroup,
  type Severity,
  RULES,
  excess,
} from './rules';
export { type AnalyzeOptions, type TraceAnalysis, analyzeTrace, rankTraces } from './analyze';
export {
  type AnalysisSettings,
  AnalysisSettingsError,
  DEFAULT_ANALYSIS_SETTINGS,
  resolveAnalysisSettings,
} from './settings';
export {
  type Baselines,
  type BaselineCaveat,
  type LatencyBaseline,
  type LatencyBaselines,
  type PrometheusMatrixSeries,
  BASELINE_RULE,
  THIN_BASELINE_REQUESTS,
  THIN_BASELINE_WINDOWS,
  baselineAnchor,
  baselineCaveats,
  baselineKey,
  baselinesFromPrometheus,
  p99sOf,
} from './baselines';
export { redactTrace, redactFindings } from './redactTrace';
export { type LogLine, type LogSeverity, type TraceLogs, NO_LOGS } from './suspects/evidence';
export { logPatternOf } from './suspects/logPattern';
export {
  type BaselineProfile,
  type BaselineTrace,
  type CallPresence,
  type Sample,
  latencyBaselinesOf,
  profileBaseline,
} from './suspects/profile';
export {
  type RangeTrace,
  type Signal,
  type SignalKind,
  type Suspect,
  type SuspectRanking,
  rankSuspects,
} from './suspects/rankSuspects';
export {
  type RedactionSettings,
  type Redactor,
  REDACTED,
  DEFAULT_REDACTION_SETTINGS,
  RedactionSettingsError,
  compileRedaction,
} from './redaction';
export {
  type AttributeComparison,
  type ComparedAttribute,
  type ComparedValue,
  type CompareOptions,
  type ComparisonUnit,
  type DurationBucket,
  type HighCardinalityNote,
  type IntrinsicKey,
  type SetSize,
  type ValueShare,
  INSTRUMENTATION_ATTRIBUTE_KEYS,
  attributeName,
  compareAttributes,
  keyGlobs,
  twoProportionZ,
} from './compare';
