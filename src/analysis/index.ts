/**
 * Anomalous-trace analysis: a normalised `Trace` model built from Tempo/OTLP JSON (and Jaeger's UI
 * JSON through `jaegerUiTraceToOtlp`), the anomaly
 * `Rule`s that produce `Finding`s, ranking, p99 baselines and attribute redaction. Pure
 * TypeScript with no Grafana, React or Node-only imports, and no side effects on import.
 */
export {
  type Trace,
  type Span,
  TraceFormatError,
  buildTrace,
  spanAttributes,
  resourceAttributes,
  ownAttributes,
} from './trace';
export { type AttributeValue, type SpanKind, type SpanStatus } from './otlp';
export { type OtlpJsonTrace, jaegerUiTraceToOtlp } from './jaegerUi';
export { type Finding, type RuleId, type Severity, RULES } from './rules';
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
  BASELINE_RULE,
  THIN_BASELINE_REQUESTS,
  baselineAnchor,
  baselineCaveats,
  baselineKey,
  baselinesFromPrometheus,
  p99sOf,
} from './baselines';
export { redactTrace, redactFindings } from './redactTrace';
export { type LogLine, type LogSeverity, type TraceLogs } from './suspects/evidence';
export { type BaselineProfile, latencyBaselinesOf, profileBaseline } from './suspects/profile';
export { type SignalKind, type Suspect, type SuspectRanking, rankSuspects } from './suspects/rankSuspects';
export {
  type RedactionSettings,
  type Redactor,
  REDACTED,
  DEFAULT_REDACTION_SETTINGS,
  RedactionSettingsError,
  compileRedaction,
} from './redaction';
export {
  type ComparedAttribute,
  type ComparedValue,
  type ComparisonUnit,
  INSTRUMENTATION_ATTRIBUTE_KEYS,
  attributeName,
  compareAttributes,
  keyGlobs,
  twoProportionZ,
} from './compare';
