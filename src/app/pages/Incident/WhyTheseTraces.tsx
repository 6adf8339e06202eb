/**
 * "Why these traces?": what the anomalous traces on screen have in common that normal traces of
 * the same scope and range do not. Each attribute value that stands out is shown as a pair of bars
 * (share among the anomalous traces, share among the normal ones) with the counts behind them, and
 * a button that narrows the anomalous-trace search to it. Reads only, so Viewers can use it.
 */
import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';

import { type ComparedValue, type ComparisonUnit, attributeName, compareAttributes } from '../../../analysis';
import type { Scope, TraceAttributeFilter } from '../../../queries';
import { ColumnHeaders } from '../../components/ColumnHeaders';
import { formatPercent } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import { useDataClients } from '../../data/clients';
import { type ComparisonSets, NOT_COMPARED, filterFor, loadComparisonSets } from '../../data/comparison';
import { useAppSettings } from '../../data/useAppSettings';
import { useLoad } from '../../data/useLoad';
import { tracesDatasourceUid } from '../../settings';
import { traceFilterLabel } from './traceFilterLabel';

export interface WhyTheseTracesProps {
  scope: Scope;
  /** Unix seconds. */
  start: number;
  end: number;
  /** The anomalous traces on screen, most anomalous first. */
  traceIds: readonly string[];
  /** Filters already applied; the baseline is narrowed the same way. */
  filters: readonly TraceAttributeFilter[];
  onAddFilter: (filter: TraceAttributeFilter) => void;
  onClose: () => void;
}

const COLUMNS = ['Attribute value', 'Anomalous vs normal', 'Counts'];
const UNITS = [
  { label: 'Share of traces', value: 'trace' as const },
  { label: 'Share of spans', value: 'span' as const },
];

export function WhyTheseTraces(props: WhyTheseTracesProps) {
  const { settings } = useAppSettings();
  const { tempo, jaeger } = useDataClients(settings);
  const { scope, start, end, traceIds, filters } = props;
  const sets = useLoad(
    async (signal) =>
      (tempo || jaeger) && traceIds.length > 0
        ? loadComparisonSets({ tempo, jaeger, scope, start, end, traceIds, filters, signal })
        : undefined,
    JSON.stringify([scope, start, end, traceIds, filters, tracesDatasourceUid(settings)])
  );

  let body: React.ReactNode;
  if (!tempo && !jaeger) {
    body = (
      <Alert
        severity="info"
        title="No trace data source (Tempo or Jaeger) is configured; there are no traces to compare."
      />
    );
  } else if (traceIds.length === 0) {
    body = <Text color="secondary">No anomalous traces to explain in this view.</Text>;
  } else if (sets.load.status === 'loading') {
    body = <LoadingPlaceholder text="Comparing the anomalous traces with normal ones…" />;
  } else if (sets.load.status === 'failed') {
    body = (
      <Alert severity="error" title="Could not compare the traces">
        {sets.load.error.message}
      </Alert>
    );
  } else if (sets.load.value) {
    body = <Comparison sets={sets.load.value} onAddFilter={props.onAddFilter} />;
  }

  return (
    <section aria-label="Why these traces?">
      <Stack direction="column" gap={1}>
        <Stack justifyContent="space-between" alignItems="center">
          <Text element="h4">Why these traces?</Text>
          <Button size="sm" variant="secondary" fill="text" icon="times" onClick={props.onClose}>
            Close
          </Button>
        </Stack>
        {body}
      </Stack>
    </section>
  );
}

/** Values listed at first; the rest one click away. */
const TOP_ROWS = 8;

function Comparison({ sets, onAddFilter }: { sets: ComparisonSets; onAddFilter: WhyTheseTracesProps['onAddFilter'] }) {
  const { redactor, comparisonIgnoredKeys } = useAppSettings();
  const [unit, setUnit] = useState<ComparisonUnit>('trace');
  const [showAll, setShowAll] = useState(false);
  const result = useMemo(
    () =>
      compareAttributes(sets.selection, sets.baseline, {
        unit,
        redactor,
        ignore: NOT_COMPARED,
        ignoreKeys: comparisonIgnoredKeys,
      }),
    [sets, unit, redactor, comparisonIgnoredKeys]
  );
  const rows = showAll ? result.ranked : result.ranked.slice(0, TOP_ROWS);
  const more = result.ranked.length - rows.length + result.unlisted;
  const styles = useStyles2(getStyles);
  const { counts, partial } = sets;
  return (
    <Stack direction="column" gap={1}>
      <Stack justifyContent="space-between" alignItems="center" wrap="wrap">
        <Text color="secondary">
          Compared {result.selection.traces.toLocaleString('en-US')} anomalous with{' '}
          {result.baseline.traces.toLocaleString('en-US')} normal traces of the same root operations
          {counts.baselineSample && ` (${counts.baselineSample})`}
          {counts.baselineOtherRoots > 0 &&
            `; ${counts.baselineOtherRoots.toLocaleString('en-US')} of other root operations left out`}
          {unit === 'span' &&
            `; ${result.selection.units.toLocaleString('en-US')} and ${result.baseline.units.toLocaleString('en-US')} spans`}
          .
        </Text>
        <RadioButtonGroup aria-label="Count" size="sm" options={UNITS} value={unit} onChange={setUnit} />
      </Stack>
      {partial.length > 0 && (
        <Alert severity="warning" title="Partial data">
          {partial.join(' ')}
        </Alert>
      )}
      {sets.baseline.length === 0 ? (
        <Text>
          No normal traces of the anomalous traces’ root operations in this scope and range to compare with
          {counts.baselineDropped > 0 && ` (the ${counts.baselineDropped} found all held a failed or slow span)`}.
        </Text>
      ) : result.ranked.length === 0 ? (
        <Text>
          Nothing stands out: no attribute value is much more common in the anomalous traces than in normal ones.
        </Text>
      ) : (
        <table className={styles.table} aria-label="Attribute values that stand out, most first">
          <ColumnHeaders names={COLUMNS} actions />
          <tbody>
            {rows.map((value) => (
              <ValueRow
                key={`${attributeName(value.attribute)}=${typeof value.value}:${String(value.value)}`}
                value={value}
                unit={unit}
                onAddFilter={onAddFilter}
              />
            ))}
          </tbody>
        </table>
      )}
      {more > 0 &&
        (showAll ? (
          <Text color="secondary">
            {result.unlisted} more values stand out less than these; narrow the list with a filter to see them.
          </Text>
        ) : (
          <Button size="sm" variant="secondary" fill="text" onClick={() => setShowAll(true)}>
            {`${more} more ${more === 1 ? 'value stands' : 'values stand'} out less`}
          </Button>
        ))}
      {result.redacted.length > 0 && (
        <Text color="secondary">Also different, values redacted: {result.redacted.map(attributeName).join(', ')}.</Text>
      )}
      {result.highCardinality.length > 0 && (
        <Text color="secondary">
          Too many distinct values to compare:{' '}
          {result.highCardinality
            .map((note) => `${attributeName(note.attribute)} (${note.capped ? 'over ' : ''}${note.distinctValues})`)
            .join(', ')}
          .
        </Text>
      )}
    </Stack>
  );
}

function ValueRow({
  value,
  unit,
  onAddFilter,
}: {
  value: ComparedValue;
  unit: ComparisonUnit;
  onAddFilter: WhyTheseTracesProps['onAddFilter'];
}) {
  const styles = useStyles2(getStyles);
  const filter = filterFor(value);
  const label = traceFilterLabel(filter);
  const units = unit === 'trace' ? 'traces' : 'spans';
  const selection = formatPercent(value.selection.share);
  const baseline = formatPercent(value.baseline.share);
  return (
    <tr>
      <td>
        <code>{label}</code>
      </td>
      <td>
        <div
          className={styles.bars}
          role="img"
          aria-label={`${selection} of anomalous ${units}, ${baseline} of normal ${units}`}
        >
          <div className={styles.selectionBar} style={{ width: `${value.selection.share * 100}%` }} />
          <div className={styles.baselineBar} style={{ width: `${value.baseline.share * 100}%` }} />
        </div>
      </td>
      <td>
        {value.selection.count} ({selection}) vs {value.baseline.count} ({baseline})
      </td>
      <td>
        <Button
          size="sm"
          variant="secondary"
          icon="filter"
          onClick={() => onAddFilter(filter)}
          aria-label={`Only traces with ${label}`}
        >
          Filter
        </Button>
      </td>
    </tr>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
  bars: css({ display: 'flex', flexDirection: 'column', gap: 2, minWidth: 160 }),
  selectionBar: css({ height: 8, background: theme.colors.error.main, borderRadius: theme.shape.radius.default }),
  baselineBar: css({ height: 8, background: theme.colors.text.disabled, borderRadius: theme.shape.radius.default }),
});
