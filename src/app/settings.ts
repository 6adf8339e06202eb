/**
 * The app's settings as Grafana stores them: `jsonData` is readable by every user of the app,
 * `secureJsonData` (the controller token) is write-only and only ever reported as configured or not.
 * Also the checks the settings page shows next to each field, and the resolved analysis settings
 * and redactor the pages use (defaults wherever a stored value is invalid, so a bad setting never
 * breaks the incident page).
 */
import {
  type AnalysisSettings,
  type RedactionSettings,
  type Redactor,
  AnalysisSettingsError,
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_REDACTION_SETTINGS,
  INSTRUMENTATION_ATTRIBUTE_KEYS,
  RedactionSettingsError,
  compileRedaction,
  resolveAnalysisSettings,
} from '../analysis';
import { OwnershipTableSchema, type TeamOwnership } from '../contract';
import type { HistogramUnit } from '../queries';

/**
 * Where the span metrics' names come from: detected by probing Prometheus (`auto`, the default), or
 * fixed to Tempo's metrics-generator or an OpenTelemetry spanmetrics connector with its namespace
 * (dots as underscores) and histogram unit.
 */
export type SpanMetricsSetting =
  { flavour: 'auto' } | { flavour: 'tempo' } | { flavour: 'otel'; namespace: string; unit: HistogramUnit };

export interface AppSettings {
  /** The trace data source: a Tempo or a Jaeger data source (Grafana knows which). */
  tracesDatasourceUid?: string;
  /** The trace data source as settings saved before Jaeger support named it; see `tracesDatasourceUid`. */
  tempoDatasourceUid?: string;
  spanMetrics?: SpanMetricsSetting;
  prometheusDatasourceUid?: string;
  lokiDatasourceUid?: string;
  controllerUrl?: string;
  /** Who owns which services; the controller reads the same table from Grafana to authorise writes. */
  ownership?: TeamOwnership[];
  /** Only the thresholds that differ from the defaults are stored. */
  analysis?: Partial<AnalysisSettings>;
  redaction?: Partial<RedactionSettings>;
  /**
   * Attribute keys "Why these traces?" leaves out, `*` for any characters; `INSTRUMENTATION_ATTRIBUTE_KEYS` when unset
   * (the sampler, the SDK, addresses and ports: how a span was recorded, not what the request was).
   */
  comparisonIgnoredKeys?: string[];
  /**
   * Candidate traces the incident page analyses per load (1–2,000): Tempo's search limit, Jaeger's cap after
   * de-duplication. Unset: 40 on Tempo, 150 on Jaeger. More costs fetches, not the page's responsiveness: the
   * analysis runs in a worker.
   */
  maxCandidates?: number;
}

/** Bounds of `maxCandidates`. */
export const MAX_CANDIDATES_RANGE = { min: 1, max: 2000 } as const;

function maxCandidatesProblem(value: unknown): string | undefined {
  const { min, max } = MAX_CANDIDATES_RANGE;
  return value === undefined || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max)
    ? undefined
    : `Candidate traces per load must be a whole number from ${min} to ${max}`;
}

export interface AppSecureSettings {
  controllerToken?: string;
}

/** The trace data source's uid, from the current setting or the one older settings used. */
export function tracesDatasourceUid(settings: AppSettings | undefined): string | undefined {
  return settings?.tracesDatasourceUid || settings?.tempoDatasourceUid || undefined;
}

/**
 * What is still missing before the incident page can show data, in the order a responder should fix
 * it. Loki is optional: without it the logs section says logs are not configured.
 */
export function missingSettings(settings: AppSettings | undefined): string[] {
  const missing: string[] = [];
  if (!tracesDatasourceUid(settings)) {
    missing.push('trace data source (Tempo or Jaeger)');
  }
  if (!settings?.prometheusDatasourceUid) {
    missing.push('Prometheus data source');
  }
  if (!settings?.controllerUrl) {
    missing.push('sampling controller URL');
  }
  return missing;
}

/** Problems keyed by the field the settings page shows them under; empty when the settings can be saved. */
export interface SettingsProblems {
  controllerUrl?: string;
  /** By row index of the ownership table. */
  ownership?: Record<number, string>;
  spanMetricsNamespace?: string;
  maxCandidates?: string;
  analysis?: Partial<Record<keyof AnalysisSettings, string>>;
  redaction?: Partial<Record<'allowKeys' | 'secretKeyPatterns' | 'valuePatterns', string>>;
}

// A Prometheus metric-name prefix: what the connector's namespace becomes with dots as underscores.
const METRIC_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*$/;
// What a missing value prints as in a template or a YAML file; a valid prefix, but never a connector's namespace.
const MISSING_VALUE_TEXT = /^(undefined|null)$/i;

function namespaceProblem(namespace: unknown): string | undefined {
  if (typeof namespace === 'string' && MISSING_VALUE_TEXT.test(namespace)) {
    return `"${namespace}" is how a missing value prints, not a namespace: enter the connector's namespace, such as traces_span_metrics`;
  }
  return typeof namespace === 'string' && METRIC_PREFIX.test(namespace)
    ? undefined
    : "A metric-name prefix such as traces_span_metrics (letters, digits and _; the connector's dots become _)";
}

function controllerUrlProblem(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Enter an absolute URL such as http://sampling-controller:8080';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'The controller URL must start with http:// or https://';
  }
  if (parsed.pathname.replace(/\/+$/, '').endsWith('/api/v1')) {
    return 'Leave out /api/v1: the app adds it';
  }
  return undefined;
}

/** The contract's verdict on the table, as one sentence per row. */
function ownershipProblems(rows: TeamOwnership[]): Record<number, string> {
  const problems: Record<number, string> = {};
  const parsed = OwnershipTableSchema.safeParse(rows);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const [index, field, glob] = issue.path;
    if (typeof index !== 'number' || problems[index]) {
      continue;
    }
    const culprit = field === 'services' && typeof glob === 'number' ? `"${rows[index]?.services[glob]}": ` : '';
    const sentence = `${culprit}${issue.message}`;
    problems[index] = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  return problems;
}

function analysisProblems(analysis: Partial<AnalysisSettings>): SettingsProblems['analysis'] {
  const problems: Partial<Record<keyof AnalysisSettings, string>> = {};
  // Checked one field at a time so every bad field gets its own message, not only the first.
  for (const key of Object.keys(analysis) as Array<keyof AnalysisSettings>) {
    try {
      resolveAnalysisSettings({ [key]: analysis[key] });
    } catch (e) {
      problems[key] = (e as AnalysisSettingsError).message;
    }
  }
  if (Object.keys(problems).length === 0) {
    try {
      resolveAnalysisSettings(analysis);
    } catch (e) {
      problems.retryMinErrors = (e as AnalysisSettingsError).message;
    }
  }
  return problems;
}

function patternProblem(patterns: readonly string[] | undefined, kind: 'secretKeyPatterns' | 'valuePatterns') {
  for (const pattern of patterns ?? []) {
    try {
      compileRedaction({ ...DEFAULT_REDACTION_SETTINGS, [kind]: [pattern] });
    } catch (e) {
      return (e as RedactionSettingsError).message;
    }
  }
  return undefined;
}

export function settingsProblems(settings: AppSettings): SettingsProblems {
  const problems: SettingsProblems = {};
  const controllerUrl = controllerUrlProblem(settings.controllerUrl);
  if (controllerUrl) {
    problems.controllerUrl = controllerUrl;
  }
  const ownership = ownershipProblems(settings.ownership ?? []);
  if (Object.keys(ownership).length > 0) {
    problems.ownership = ownership;
  }
  const spanMetrics = settings.spanMetrics;
  const namespace = spanMetrics?.flavour === 'otel' ? namespaceProblem(spanMetrics.namespace) : undefined;
  if (namespace) {
    problems.spanMetricsNamespace = namespace;
  }
  const maxCandidates = maxCandidatesProblem(settings.maxCandidates);
  if (maxCandidates) {
    problems.maxCandidates = maxCandidates;
  }
  const analysis = analysisProblems(settings.analysis ?? {});
  if (analysis && Object.keys(analysis).length > 0) {
    problems.analysis = analysis;
  }
  const redaction: NonNullable<SettingsProblems['redaction']> = {};
  const secretKeys = patternProblem(settings.redaction?.secretKeyPatterns, 'secretKeyPatterns');
  const values = patternProblem(settings.redaction?.valuePatterns, 'valuePatterns');
  if (secretKeys) {
    redaction.secretKeyPatterns = secretKeys;
  }
  if (values) {
    redaction.valuePatterns = values;
  }
  if (settings.redaction?.allowKeys?.some((key) => !key.trim())) {
    redaction.allowKeys = 'Remove the empty attribute key';
  }
  if (Object.keys(redaction).length > 0) {
    problems.redaction = redaction;
  }
  return problems;
}

export function hasProblems(problems: SettingsProblems): boolean {
  return Object.keys(problems).length > 0;
}

/** The thresholds and redactor the pages run with: stored values where valid, defaults otherwise. */
export interface ResolvedSettings {
  analysis: AnalysisSettings;
  redactor: Redactor;
  /** What `redactor` was compiled from, for code that compiles its own (the analysis worker). */
  redaction: RedactionSettings;
  /** Candidate traces per load; undefined for the backend's default. */
  maxCandidates?: number;
  /** Attribute keys (globs) "Why these traces?" leaves out. */
  comparisonIgnoredKeys: readonly string[];
  /** Says which stored values were ignored, for a warning on the page. */
  ignored: string[];
}

export function resolveSettings(settings: AppSettings | undefined): ResolvedSettings {
  const ignored: string[] = [];
  let analysis = DEFAULT_ANALYSIS_SETTINGS;
  try {
    analysis = resolveAnalysisSettings(settings?.analysis ?? {});
  } catch (e) {
    ignored.push(`rule thresholds (${(e as Error).message}); using the defaults`);
  }
  let redaction: RedactionSettings = { ...DEFAULT_REDACTION_SETTINGS, ...settings?.redaction };
  let redactor: Redactor;
  try {
    redactor = compileRedaction(redaction);
  } catch (e) {
    ignored.push(`redaction patterns (${(e as Error).message}); using the defaults`);
    redaction = DEFAULT_REDACTION_SETTINGS;
    redactor = compileRedaction(redaction);
  }
  const candidatesProblem = maxCandidatesProblem(settings?.maxCandidates);
  if (candidatesProblem) {
    ignored.push(`candidate traces per load (${candidatesProblem}); using the default`);
  }
  const maxCandidates = candidatesProblem ? undefined : settings?.maxCandidates;
  const comparisonIgnoredKeys = Array.isArray(settings?.comparisonIgnoredKeys)
    ? settings.comparisonIgnoredKeys.filter((key) => typeof key === 'string' && key.trim() !== '')
    : INSTRUMENTATION_ATTRIBUTE_KEYS;
  return { analysis, redactor, redaction, maxCandidates, comparisonIgnoredKeys, ignored };
}
