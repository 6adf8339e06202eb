/**
 * The settings page's form model: a draft that holds what the admin types (lists as text, numbers as
 * text, so typing is never fought), the `AppSettings` it stands for, and the exact body Grafana's
 * plugin settings endpoint takes. The token is write-only: it is sent only when the admin typed a
 * new one, and the draft starts without it because Grafana never sends it back.
 */
import type { AppPluginMeta } from '@grafana/data';

import { type AnalysisSettings, DEFAULT_REDACTION_SETTINGS, INSTRUMENTATION_ATTRIBUTE_KEYS } from '../../../analysis';
import type { HistogramUnit } from '../../../queries';
import { type AppSecureSettings, type AppSettings, type SpanMetricsSetting, tracesDatasourceUid } from '../../settings';

export interface OwnershipDraft {
  team: string;
  /** Comma-separated names and globs. */
  services: string;
}

export interface SettingsDraft {
  /** Tempo or Jaeger. */
  tracesDatasourceUid: string;
  prometheusDatasourceUid: string;
  lokiDatasourceUid: string;
  spanMetricsFlavour: SpanMetricsSetting['flavour'];
  /** Kept while another flavour is chosen, so switching back does not lose it. */
  spanMetricsNamespace: string;
  spanMetricsUnit: HistogramUnit;
  controllerUrl: string;
  /** A new token typed by the admin; empty means "keep the configured one". */
  controllerToken: string;
  tokenConfigured: boolean;
  ownership: OwnershipDraft[];
  /** Empty means "use the default". */
  thresholds: Partial<Record<keyof AnalysisSettings, string>>;
  /** Candidate traces per load; empty means the backend's default. */
  maxCandidates: string;
  /** One entry per line. */
  allowKeys: string;
  secretKeyPatterns: string;
  valuePatterns: string;
  redactCardNumbers: boolean;
  /** Attribute key globs "Why these traces?" leaves out, one per line; the defaults until edited. */
  comparisonIgnoredKeys: string;
}

const lines = (list: readonly string[]) => list.join('\n');
const splitLines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
const splitCommas = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function draftFromMeta(meta: AppPluginMeta<AppSettings>): SettingsDraft {
  const settings = meta.jsonData ?? {};
  const redaction = { ...DEFAULT_REDACTION_SETTINGS, ...settings.redaction };
  const thresholds: SettingsDraft['thresholds'] = {};
  for (const [key, value] of Object.entries(settings.analysis ?? {})) {
    thresholds[key as keyof AnalysisSettings] = String(value);
  }
  const spanMetrics = settings.spanMetrics;
  return {
    tracesDatasourceUid: tracesDatasourceUid(settings) ?? '',
    prometheusDatasourceUid: settings.prometheusDatasourceUid ?? '',
    lokiDatasourceUid: settings.lokiDatasourceUid ?? '',
    spanMetricsFlavour: spanMetrics?.flavour ?? 'auto',
    // A provisioned file may leave the namespace out; the field then starts empty and says what it needs.
    spanMetricsNamespace: spanMetrics?.flavour === 'otel' ? (spanMetrics.namespace ?? '') : 'traces_span_metrics',
    spanMetricsUnit: spanMetrics?.flavour === 'otel' ? spanMetrics.unit : 'ms',
    controllerUrl: settings.controllerUrl ?? '',
    controllerToken: '',
    tokenConfigured: Boolean(meta.secureJsonFields?.controllerToken),
    ownership: (settings.ownership ?? []).map((row) => ({ team: row.team, services: row.services.join(', ') })),
    thresholds,
    maxCandidates: settings.maxCandidates === undefined ? '' : String(settings.maxCandidates),
    allowKeys: lines(redaction.allowKeys),
    secretKeyPatterns: lines(redaction.secretKeyPatterns),
    valuePatterns: lines(redaction.valuePatterns),
    redactCardNumbers: redaction.redactCardNumbers,
    comparisonIgnoredKeys: lines(settings.comparisonIgnoredKeys ?? INSTRUMENTATION_ATTRIBUTE_KEYS),
  };
}

const optional = (value: string) => value.trim() || undefined;

export function settingsFromDraft(draft: SettingsDraft): AppSettings {
  const analysis: Partial<AnalysisSettings> = {};
  for (const [key, value] of Object.entries(draft.thresholds)) {
    if (value !== undefined && value.trim() !== '') {
      // Number('') is 0 and Number('abc') NaN: the validation names the field either way.
      (analysis as Record<string, number>)[key] = Number(value);
    }
  }
  const spanMetrics: SpanMetricsSetting =
    draft.spanMetricsFlavour === 'otel'
      ? { flavour: 'otel', namespace: draft.spanMetricsNamespace.trim(), unit: draft.spanMetricsUnit }
      : { flavour: draft.spanMetricsFlavour };
  return {
    tracesDatasourceUid: optional(draft.tracesDatasourceUid),
    prometheusDatasourceUid: optional(draft.prometheusDatasourceUid),
    lokiDatasourceUid: optional(draft.lokiDatasourceUid),
    spanMetrics,
    controllerUrl: optional(draft.controllerUrl)?.replace(/\/+$/, ''),
    ownership: draft.ownership.map((row) => ({ team: row.team.trim(), services: splitCommas(row.services) })),
    analysis,
    // Number('abc') is NaN: the validation names the field.
    maxCandidates: optional(draft.maxCandidates) === undefined ? undefined : Number(draft.maxCandidates),
    redaction: {
      allowKeys: splitLines(draft.allowKeys),
      secretKeyPatterns: splitLines(draft.secretKeyPatterns),
      valuePatterns: splitLines(draft.valuePatterns),
      redactCardNumbers: draft.redactCardNumbers,
    },
    comparisonIgnoredKeys: splitLines(draft.comparisonIgnoredKeys),
  };
}

/** Why the draft cannot be saved as it is, apart from the field checks in `settingsProblems`. */
export function tokenProblem(draft: SettingsDraft): string | undefined {
  if (draft.controllerUrl.trim() && !draft.tokenConfigured && !draft.controllerToken) {
    return 'Enter the controller token: the controller refuses requests without it';
  }
  return undefined;
}

/** The body of `POST /api/plugins/<id>/settings`, as Grafana's create-plugin template sends it. */
export interface SettingsRequest {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  secureJsonData?: AppSecureSettings;
}

export function settingsRequest(meta: AppPluginMeta<AppSettings>, draft: SettingsDraft): SettingsRequest {
  const request: SettingsRequest = {
    enabled: meta.enabled ?? false,
    pinned: meta.pinned ?? false,
    jsonData: settingsFromDraft(draft),
  };
  // Leaving secureJsonData out keeps the stored token; Grafana merges only the secure fields it receives.
  if (draft.controllerToken) {
    request.secureJsonData = { controllerToken: draft.controllerToken };
  }
  return request;
}
