/**
 * The anomalous traces, worst first. By default grouped (`groupAnomalousTraces`): one row per root operation, rule
 * and cause with its count, first and last seen and whether it is still going on, opening to its traces; one click
 * away, every trace on its own row: root service and operation, start, duration, the root's ratio to its p99, rule
 * badges and the explanation of the worst finding, sortable by column. Both filter by rule. A row opens the Trace
 * page focused on the evidence span, by click or Enter; the operation cell stays a link for opening in a new tab. A
 * plain table because Grafana's InteractiveTable offers no row handlers. A load may analyse up to 2,000 traces, so
 * the table renders the first `PAGE_ROWS` rows and offers more on demand: rendering them all at once would hold the
 * page.
 */
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2, dateTimeFormat } from '@grafana/data';
import { locationService } from '@grafana/runtime';
import { Button, Icon, RadioButtonGroup, Stack, TextLink, Tooltip, useStyles2 } from '@grafana/ui';

import type { RuleId } from '../../../analysis';
import { Explanation } from '../../components/Explanation';
import { RULE_LABELS, RuleBadge } from '../../components/RuleBadge';
import { formatDurationMs } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import type { AnomalousTrace, IncidentRange } from '../../data/anomalousTraces';
import { groupAnomalousTraces, quietWindowMs } from '../../data/traceGroups';
import { AppPage, appUrl } from '../../routes';
import { TraceGroupsTable } from './TraceGroupsTable';

interface Column {
  header: string;
  /** What the column measures, when its header alone could be misread; shown as the header's tooltip. */
  about?: string;
  /** Sort key; columns without one do not sort. */
  key?: (t: AnomalousTrace) => number | string;
  /** `href`: the trace's page. */
  cell: (t: AnomalousTrace, href: string) => React.ReactNode;
}

/** The Trace page, at the evidence span. */
const traceHref = (t: AnomalousTrace) => appUrl(AppPage.Trace, { traceId: t.traceId, spanId: t.evidenceSpanId });
const rootName = (t: AnomalousTrace) => `${t.rootService}: ${t.rootOperation}`;

const COLUMNS: Column[] = [
  {
    header: 'Root service and operation',
    key: rootName,
    cell: (t, href) => (
      <TextLink href={href} inline={false}>
        {rootName(t)}
      </TextLink>
    ),
  },
  {
    header: 'Start',
    key: (t) => t.startUnixMs,
    cell: (t) => dateTimeFormat(t.startUnixMs, { format: 'YYYY-MM-DD HH:mm:ss' }),
  },
  { header: 'Duration', key: (t) => t.durationMs, cell: (t) => formatDurationMs(t.durationMs) },
  {
    header: 'Root vs its p99',
    about:
      'The root span’s duration over the p99 of the root’s own service and operation in the window before this ' +
      'time range (within it, for an operation with no earlier data). Findings judge single spans against their ' +
      'own operations’ p99, so a trace can hold a slow or long span and still be below 1× here.',
    key: (t) => t.baselineRatio ?? 0,
    cell: (t) => (t.baselineRatio === undefined ? '–' : `${t.baselineRatio.toFixed(1)}×`),
  },
  {
    header: 'Findings',
    key: (t) => t.score,
    cell: (t) => (
      <Stack gap={0.5} wrap="wrap">
        {t.rules.map(({ rule, severity }) => (
          <RuleBadge key={rule} rule={rule} severity={severity} />
        ))}
      </Stack>
    ),
  },
  { header: 'Why', cell: (t) => <Explanation text={t.worst.explanation} /> },
];

type Sort = { column: number; descending: boolean } | undefined;

/** Ascending, then descending, then back to the ranking. */
function nextSort(sort: Sort, column: number): Sort {
  if (sort?.column !== column) {
    return { column, descending: false };
  }
  return sort.descending ? undefined : { column, descending: true };
}

function sorted(traces: readonly AnomalousTrace[], sort: Sort): readonly AnomalousTrace[] {
  const key = sort && COLUMNS[sort.column]?.key;
  if (!sort || !key) {
    return traces;
  }
  const direction = sort.descending ? -1 : 1;
  return [...traces].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return direction * (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y)));
  });
}

/**
 * Opens the trace unless the click was meant for something else: the link (it navigates, or opens
 * a new tab, itself) or selecting text, which responders do to copy an explanation.
 */
function openOnClick(event: React.MouseEvent, href: string) {
  const onLink = event.target instanceof Element && event.target.closest('a') !== null;
  if (!onLink && !window.getSelection()?.toString()) {
    locationService.push(href);
  }
}

/**
 * One row; memoised because the list is re-ranked while traces arrive, and a row already shown (the same object,
 * since rows are never rebuilt) then only moves instead of rendering its badges and dates again.
 */
const TraceRow = React.memo(function TraceRow({
  trace: t,
  href,
  className,
}: {
  trace: AnomalousTrace;
  href: string;
  className: string;
}) {
  return (
    <tr
      className={className}
      tabIndex={0}
      aria-label={`Open the trace of ${rootName(t)} at its evidence span`}
      onClick={(event) => openOnClick(event, href)}
      // Only the row's own Enter: on the focused link, the link navigates by itself.
      onKeyDown={(event) => event.key === 'Enter' && event.target === event.currentTarget && locationService.push(href)}
    >
      {COLUMNS.map((column) => (
        <td key={column.header}>{column.cell(t, href)}</td>
      ))}
    </tr>
  );
});

const ALL_RULES = '';
/** Rows rendered at first, and added by each "Show more". */
const PAGE_ROWS = 50;

interface TracesTableProps {
  traces: readonly AnomalousTrace[];
  label: string;
}

/** Every trace on its own row, sortable by column. */
function TracesTable({ traces, label }: TracesTableProps) {
  const styles = useStyles2(getStyles);
  const [sort, setSort] = useState<Sort>();
  const [rows, setRows] = useState(PAGE_ROWS);
  const shown = useMemo(() => sorted(traces, sort), [traces, sort]);
  return (
    <Stack direction="column" gap={1}>
      <table className={styles.table} aria-label={label}>
        <thead>
          <tr>
            {COLUMNS.map((column, index) => {
              const direction = sort?.column === index ? (sort.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th
                  key={column.header}
                  scope="col"
                  aria-sort={direction}
                  className={column.about ? styles.explained : undefined}
                >
                  {column.key ? (
                    <button type="button" className={styles.sortButton} onClick={() => setSort(nextSort(sort, index))}>
                      {column.header}
                      {direction && <Icon name={direction === 'descending' ? 'angle-down' : 'angle-up'} />}
                    </button>
                  ) : (
                    column.header
                  )}
                  {column.about && (
                    <Tooltip content={column.about}>
                      <span tabIndex={0} className={styles.about} aria-label={column.about}>
                        <Icon name="info-circle" size="sm" />
                      </span>
                    </Tooltip>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, rows).map((t) => (
            <TraceRow key={t.traceId} trace={t} href={traceHref(t)} className={styles.row} />
          ))}
        </tbody>
      </table>
      {shown.length > rows && (
        <Button variant="secondary" size="sm" onClick={() => setRows(rows + PAGE_ROWS)}>
          Show {Math.min(PAGE_ROWS, shown.length - rows)} more of {shown.length - rows}
        </Button>
      )}
    </Stack>
  );
}

export type TraceListView = 'groups' | 'traces';

const VIEWS = [
  { label: 'Grouped', value: 'groups' as const, description: 'One row per root operation, finding and cause' },
  { label: 'Each trace', value: 'traces' as const, description: 'One row per trace' },
];

export interface AnomalousTracesTableProps {
  traces: AnomalousTrace[];
  /** The range the traces were found in: whether a group is still going on is judged against its end. */
  listedIn: IncidentRange;
  rule?: RuleId;
  onRuleChange: (rule: RuleId | undefined) => void;
  /** Grouped by default. */
  view?: TraceListView;
  onViewChange: (view: TraceListView) => void;
}

export function AnomalousTracesTable({
  traces,
  listedIn,
  rule,
  onRuleChange,
  view = 'groups',
  onViewChange,
}: AnomalousTracesTableProps) {
  const filtered = useMemo(
    () => (rule ? traces.filter((t) => t.rules.some((r) => r.rule === rule)) : traces),
    [traces, rule]
  );
  const { start, end } = listedIn;
  const groups = useMemo(
    () => (view === 'groups' ? groupAnomalousTraces(filtered, { start, end }) : []),
    [filtered, start, end, view]
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
      <Stack gap={2} wrap="wrap">
        <RadioButtonGroup aria-label="Show" size="sm" options={VIEWS} value={view} onChange={onViewChange} />
        <RadioButtonGroup
          aria-label="Filter by rule"
          size="sm"
          options={options}
          value={rule ?? ALL_RULES}
          onChange={(value) => onRuleChange((value || undefined) as RuleId | undefined)}
        />
      </Stack>
      {view === 'groups' ? (
        <TraceGroupsTable
          groups={groups}
          hrefOf={traceHref}
          quietMs={quietWindowMs(listedIn)}
          renderTraces={(group) => (
            <TracesTable
              traces={group.traces}
              label={`Traces of ${group.rootService}: ${group.rootOperation}, worst first`}
            />
          )}
        />
      ) : (
        <TracesTable traces={filtered} label="Anomalous traces, worst first" />
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
  row: css({
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: -2 },
  }),
  about: css({ marginLeft: theme.spacing(0.5), verticalAlign: 'middle' }),
  // The header and its info icon on one line: wrapped, the icon sat alone under a two-line header.
  explained: css({ whiteSpace: 'nowrap' }),
  sortButton: css({
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    padding: 0,
    border: 'none',
    background: 'none',
    color: 'inherit',
    font: 'inherit',
    fontWeight: theme.typography.fontWeightMedium,
  }),
});
