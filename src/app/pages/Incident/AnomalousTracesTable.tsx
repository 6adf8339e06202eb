/**
 * The anomalous traces, worst first: root service and operation (a link to the Trace page focused on
 * the evidence span), start, duration, ratio to the p99 baseline, rule badges and the explanation of
 * the worst finding. Sortable by column, filterable by rule.
 */
import React, { useMemo } from 'react';
import { type CellProps } from 'react-table';
import { dateTimeFormat } from '@grafana/data';
import { type Column, InteractiveTable, RadioButtonGroup, Stack, Text, TextLink } from '@grafana/ui';

import type { RuleId } from '../../../analysis';
import { RULE_LABELS, RuleBadge } from '../../components/RuleBadge';
import { formatDurationMs } from '../../components/format';
import type { AnomalousTrace } from '../../data/anomalousTraces';
import { AppPage, appUrl } from '../../routes';

type Cell = CellProps<AnomalousTrace>;

const COLUMNS: Array<Column<AnomalousTrace>> = [
  {
    id: 'rootOperation',
    header: 'Root service and operation',
    sortType: 'alphanumeric',
    cell: ({ row: { original: t } }: Cell) => (
      <TextLink href={appUrl(AppPage.Trace, { traceId: t.traceId, spanId: t.evidenceSpanId })} inline={false}>
        {`${t.rootService}: ${t.rootOperation}`}
      </TextLink>
    ),
  },
  {
    id: 'startUnixMs',
    header: 'Start',
    sortType: 'number',
    cell: ({ row: { original: t } }: Cell) => dateTimeFormat(t.startUnixMs, { format: 'YYYY-MM-DD HH:mm:ss' }),
  },
  {
    id: 'durationMs',
    header: 'Duration',
    sortType: 'number',
    cell: ({ row: { original: t } }: Cell) => formatDurationMs(t.durationMs),
  },
  {
    id: 'baselineRatio',
    header: 'vs p99',
    sortType: (a, b) => (a.original.baselineRatio ?? 0) - (b.original.baselineRatio ?? 0),
    cell: ({ row: { original: t } }: Cell) => (t.baselineRatio === undefined ? '–' : `${t.baselineRatio.toFixed(1)}×`),
  },
  {
    id: 'score',
    header: 'Findings',
    sortType: 'number',
    cell: ({ row: { original: t } }: Cell) => (
      <Stack gap={0.5} wrap="wrap">
        {t.rules.map(({ rule, severity }) => (
          <RuleBadge key={rule} rule={rule} severity={severity} />
        ))}
      </Stack>
    ),
  },
  {
    id: 'worst',
    header: 'Why',
    cell: ({ row: { original: t } }: Cell) => <Text>{t.worst.explanation}</Text>,
  },
];

const ALL_RULES = '';

export interface AnomalousTracesTableProps {
  traces: AnomalousTrace[];
  rule?: RuleId;
  onRuleChange: (rule: RuleId | undefined) => void;
}

export function AnomalousTracesTable({ traces, rule, onRuleChange }: AnomalousTracesTableProps) {
  const shown = useMemo(
    () => (rule ? traces.filter((t) => t.rules.some((r) => r.rule === rule)) : traces),
    [traces, rule]
  );
  const found = new Set(traces.flatMap((t) => t.rules.map((r) => r.rule)));
  const options = [
    { label: 'All rules', value: ALL_RULES },
    ...(Object.keys(RULE_LABELS) as RuleId[])
      .filter((id) => found.has(id) || id === rule)
      .map((id) => ({ label: RULE_LABELS[id], value: id })),
  ];

  return (
    <Stack direction="column" gap={1}>
      <RadioButtonGroup
        aria-label="Filter by rule"
        size="sm"
        options={options}
        value={rule ?? ALL_RULES}
        onChange={(value) => onRuleChange((value || undefined) as RuleId | undefined)}
      />
      <InteractiveTable columns={COLUMNS} data={shown} getRowId={(t) => t.traceId} pageSize={20} />
    </Stack>
  );
}
