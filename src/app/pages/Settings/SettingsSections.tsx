/**
 * The sections of the settings page, as presentational components over the form draft: connections,
 * team ownership, rule thresholds and redaction. Each shows its problems under the field they concern.
 */
import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { DataSourcePicker } from '@grafana/runtime';
import {
  Button,
  Field,
  FieldSet,
  IconButton,
  Input,
  RadioButtonGroup,
  SecretInput,
  Stack,
  Switch,
  Text,
  TextArea,
  useStyles2,
} from '@grafana/ui';

import { ColumnHeaders } from '../../components/ColumnHeaders';
import { type AnalysisSettings, DEFAULT_ANALYSIS_SETTINGS } from '../../../analysis';
import { CANDIDATE_LIMIT } from '../../data/anomalousTraces';
import { JAEGER_MAX_TRACES } from '../../data/jaegerCandidates';
import { MAX_CANDIDATES_RANGE, type SettingsProblems } from '../../settings';
import type { SettingsDraft } from './settingsForm';

interface SectionProps {
  draft: SettingsDraft;
  update: (change: Partial<SettingsDraft>) => void;
  problems: SettingsProblems;
}

const DATA_SOURCES = [
  {
    key: 'tracesDatasourceUid',
    label: 'Trace',
    type: ['tempo', 'jaeger'],
    description: 'Tempo or Jaeger: where candidate and full traces come from',
  },
  {
    key: 'prometheusDatasourceUid',
    label: 'Prometheus',
    type: 'prometheus',
    description:
      "Span metrics (Tempo's metrics-generator or a collector's spanmetrics connector): rates, errors, p95/p99 baselines",
  },
  {
    key: 'lokiDatasourceUid',
    label: 'Loki',
    type: 'loki',
    description: 'Logs carrying the trace ID; optional, the logs section says when it is not set',
  },
] as const;

const FLAVOURS: Array<{ value: SettingsDraft['spanMetricsFlavour']; label: string }> = [
  { value: 'auto', label: 'Detect' },
  { value: 'tempo', label: 'Tempo metrics-generator' },
  { value: 'otel', label: 'OpenTelemetry spanmetrics connector' },
];
const UNITS: Array<{ value: SettingsDraft['spanMetricsUnit']; label: string }> = [
  { value: 'ms', label: 'Milliseconds' },
  { value: 's', label: 'Seconds' },
];

export function ConnectionsSection({ draft, update, problems, tokenError }: SectionProps & { tokenError?: string }) {
  return (
    <FieldSet label="Connections">
      {DATA_SOURCES.map(({ key, label, type, description }) => (
        <Field key={key} label={`${label} data source`} description={description} htmlFor={`${key}-picker`}>
          <DataSourcePicker
            inputId={`${key}-picker`}
            type={typeof type === 'string' ? type : [...type]}
            current={draft[key] || null}
            noDefault
            width={40}
            onChange={(ds) => update({ [key]: ds.uid })}
          />
        </Field>
      ))}
      <SpanMetricsFields draft={draft} update={update} problems={problems} />
      <DraftTextField
        setting="controllerUrl"
        id="controller-url"
        label="Sampling controller URL"
        description="As Grafana's server reaches it; the app calls it through its proxy route, never from the browser"
        width={60}
        placeholder="http://sampling-controller:8080"
        {...{ draft, update, problems }}
      />
      <Field
        label="Sampling controller token"
        description="Stored encrypted by Grafana and added to proxied requests; it is never sent back to the browser"
        invalid={Boolean(tokenError)}
        error={tokenError}
      >
        <SecretInput
          id="controller-token"
          width={60}
          isConfigured={draft.tokenConfigured}
          value={draft.controllerToken}
          onChange={(event) => update({ controllerToken: event.currentTarget.value })}
          onReset={() => update({ tokenConfigured: false, controllerToken: '' })}
        />
      </Field>
    </FieldSet>
  );
}

/** A one-line text setting of the draft, with its problem under it. */
function DraftTextField({
  setting,
  id,
  label,
  description,
  width,
  placeholder,
  draft,
  update,
  problems,
}: SectionProps & {
  setting: 'controllerUrl' | 'spanMetricsNamespace' | 'maxCandidates';
  id: string;
  label: string;
  description: string;
  width: number;
  placeholder?: string;
}) {
  return (
    <Field label={label} description={description} invalid={Boolean(problems[setting])} error={problems[setting]}>
      <Input
        id={id}
        width={width}
        value={draft[setting]}
        placeholder={placeholder}
        onChange={(event) => update({ [setting]: event.currentTarget.value })}
      />
    </Field>
  );
}

function SpanMetricsFields({ draft, update, problems }: SectionProps) {
  return (
    <>
      <Field
        label="Span metrics"
        description="Which metric names the RED overview, baselines and spike check query; Detect asks Prometheus, and Test connection says what it found"
      >
        <RadioButtonGroup
          aria-label="Span metrics"
          options={FLAVOURS}
          value={draft.spanMetricsFlavour}
          onChange={(spanMetricsFlavour) => update({ spanMetricsFlavour })}
        />
      </Field>
      {draft.spanMetricsFlavour === 'otel' && (
        <Stack gap={2}>
          <DraftTextField
            setting="spanMetricsNamespace"
            id="span-metrics-namespace"
            label="Connector namespace"
            description="The connector's namespace with dots as underscores (its default: traces_span_metrics)"
            width={40}
            {...{ draft, update, problems }}
          />
          <Field label="Histogram unit" description="The connector's histogram.unit (its default: ms)">
            <RadioButtonGroup
              aria-label="Histogram unit"
              options={UNITS}
              value={draft.spanMetricsUnit}
              onChange={(spanMetricsUnit) => update({ spanMetricsUnit })}
            />
          </Field>
        </Stack>
      )}
    </>
  );
}

export function OwnershipSection({ draft, update, problems }: SectionProps) {
  const styles = useStyles2(getStyles);
  const setRow = (index: number, change: Partial<SettingsDraft['ownership'][number]>) =>
    update({ ownership: draft.ownership.map((row, i) => (i === index ? { ...row, ...change } : row)) });

  return (
    <FieldSet label="Team ownership">
      <Text color="secondary" element="p">
        Which Grafana team owns which services (names or globs such as payments-*, comma-separated). Responders see
        their teams&apos; services by default and can raise sampling only for them: the sampling controller reads this
        same table from Grafana to authorise changes.
      </Text>
      <table className={styles.table}>
        <ColumnHeaders names={['Team', 'Services']} actions />
        <tbody>
          {draft.ownership.map((row, index) => {
            const name = row.team || `row ${index + 1}`;
            const problem = problems.ownership?.[index];
            return (
              <tr key={index}>
                <td>
                  <Input
                    aria-label={`Team of row ${index + 1}`}
                    value={row.team}
                    invalid={Boolean(problem)}
                    onChange={(event) => setRow(index, { team: event.currentTarget.value })}
                  />
                </td>
                <td>
                  <Input
                    aria-label={`Services of ${name}`}
                    value={row.services}
                    invalid={Boolean(problem)}
                    placeholder="checkout, payments-*"
                    onChange={(event) => setRow(index, { services: event.currentTarget.value })}
                  />
                  {problem && (
                    <Text color="error" variant="bodySmall" element="p">
                      {problem}
                    </Text>
                  )}
                </td>
                <td>
                  <IconButton
                    name="trash-alt"
                    tooltip={`Remove ${name}`}
                    onClick={() => update({ ownership: draft.ownership.filter((_, i) => i !== index) })}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Button
        variant="secondary"
        icon="plus"
        onClick={() => update({ ownership: [...draft.ownership, { team: '', services: '' }] })}
      >
        Add team
      </Button>
    </FieldSet>
  );
}

const THRESHOLDS: Array<{ key: keyof AnalysisSettings; label: string; unit?: string }> = [
  { key: 'longTraceMs', label: 'Long trace', unit: 'ms' },
  { key: 'slowFactor', label: 'Slow: factor over the p99 baseline', unit: '×' },
  { key: 'slowMinDurationMs', label: 'Slow: ignore spans shorter than', unit: 'ms' },
  { key: 'wideMinSiblings', label: 'N+1: same-name children under one parent', unit: 'spans' },
  { key: 'deepMaxServiceHops', label: 'Deep: service hops allowed on one path', unit: 'hops' },
  { key: 'bottleneckShare', label: 'Bottleneck: share of the trace on one span', unit: '0–1' },
  { key: 'bottleneckMinSelfMs', label: 'Bottleneck: ignore spans whose own time is under', unit: 'ms' },
  { key: 'retryMinAttempts', label: 'Retry storm: calls of one operation', unit: 'calls' },
  { key: 'retryMinErrors', label: 'Retry storm: of which failed', unit: 'calls' },
  { key: 'maxFindingsPerRule', label: 'Findings shown per rule and trace' },
];

export function ThresholdsSection({ draft, update, problems }: SectionProps) {
  return (
    <FieldSet label="Rule thresholds">
      <DraftTextField
        setting="maxCandidates"
        id="max-candidates"
        label="Candidate traces per load"
        description={`How many traces the incident page fetches and analyses, ${MAX_CANDIDATES_RANGE.min}–${MAX_CANDIDATES_RANGE.max}; more finds rarer faults and costs fetches (the analysis runs in a worker)`}
        width={20}
        placeholder={`${CANDIDATE_LIMIT} on Tempo, ${JAEGER_MAX_TRACES} on Jaeger (default)`}
        {...{ draft, update, problems }}
      />
      {THRESHOLDS.map(({ key, label, unit }) => (
        <Field key={key} label={label} invalid={Boolean(problems.analysis?.[key])} error={problems.analysis?.[key]}>
          <Input
            id={`threshold-${key}`}
            width={20}
            inputMode="decimal"
            value={draft.thresholds[key] ?? ''}
            placeholder={`${DEFAULT_ANALYSIS_SETTINGS[key]} (default)`}
            suffix={unit}
            onChange={(event) => update({ thresholds: { ...draft.thresholds, [key]: event.currentTarget.value } })}
          />
        </Field>
      ))}
    </FieldSet>
  );
}

export function RedactionSection({ draft, update, problems }: SectionProps) {
  const lists = [
    { key: 'allowKeys', label: 'Attributes shown as they are', description: 'One attribute key per line' },
    {
      key: 'secretKeyPatterns',
      label: 'Secret attribute keys',
      description: 'Regular expressions, one per line, case-insensitive: matching attributes are hidden entirely',
    },
    {
      key: 'valuePatterns',
      label: 'Redacted value patterns',
      description: 'Regular expressions, one per line: every match inside any other value becomes [REDACTED]',
    },
  ] as const;
  return (
    <FieldSet label="Attribute redaction">
      {lists.map(({ key, label, description }) => (
        <Field
          key={key}
          label={label}
          description={description}
          invalid={Boolean(problems.redaction?.[key])}
          error={problems.redaction?.[key]}
        >
          <TextArea
            id={`redaction-${key}`}
            rows={5}
            value={draft[key]}
            onChange={(event) => update({ [key]: event.currentTarget.value })}
          />
        </Field>
      ))}
      <Field label="Redact card numbers" description="Digit runs that pass the Luhn check">
        <Switch
          id="redact-card-numbers"
          value={draft.redactCardNumbers}
          onChange={(event) => update({ redactCardNumbers: event.currentTarget.checked })}
        />
      </Field>
    </FieldSet>
  );
}

export function ComparisonSection({ draft, update }: SectionProps) {
  return (
    <FieldSet label="Why these traces?">
      <Field
        label="Attributes left out of the comparison"
        description="Attribute keys, one per line, * for any characters: what describes the instrumentation (sampler, SDK, addresses and ports) rather than the request. Empty compares every attribute."
      >
        <TextArea
          id="comparison-ignored-keys"
          rows={8}
          value={draft.comparisonIgnoredKeys}
          onChange={(event) => update({ comparisonIgnoredKeys: event.currentTarget.value })}
        />
      </Field>
    </FieldSet>
  );
}

export function ConnectionResults({
  results,
}: {
  results: ReadonlyArray<{ name: string; status: string; message: string }>;
}) {
  return (
    <ul aria-label="Connection test results">
      {results.map((result) => (
        <li key={result.name}>
          <Stack gap={1}>
            <Text weight="medium">{result.name}</Text>
            <Text color={result.status === 'ok' ? 'success' : result.status === 'failed' ? 'error' : 'warning'}>
              {result.status}
            </Text>
            <Text color="secondary">{result.message}</Text>
          </Stack>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    marginBottom: theme.spacing(1),
    'th, td': { padding: theme.spacing(0.5), verticalAlign: 'top', textAlign: 'left' },
  }),
});
