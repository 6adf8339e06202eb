/** Request rate, error ratio and p95 per service in scope, each with a sparkline; services with an active sampling spike are marked. */
import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Badge, Text, useStyles2 } from '@grafana/ui';

import { Sparkline } from '../../components/Sparkline';
import { formatDurationMs, formatPercent, formatPerSecond } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import type { ServiceOverview } from '../../data/serviceOverview';

export function ServiceOverviewTable({ rows, spiking }: { rows: ServiceOverview[]; spiking: ReadonlySet<string> }) {
  const styles = useStyles2(getStyles);
  if (rows.length === 0) {
    return <Text color="secondary">No span metrics for the services in scope in this range.</Text>;
  }
  const cell = (label: string, latest: string | undefined, values: Array<number | null>) => (
    <td>
      <div className={styles.metric}>
        <Text>{latest ?? '–'}</Text>
        <Sparkline values={values} label={`${label} over the range`} />
      </div>
    </td>
  );
  return (
    <table className={styles.table} aria-label="Service overview">
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Requests</th>
          <th scope="col">Errors</th>
          <th scope="col">p95</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.service}>
            <th scope="row">
              {row.service} {spiking.has(row.service) && <Badge color="purple" icon="bolt" text="Sampling spike" />}
            </th>
            {cell(
              `${row.service} request rate`,
              row.rate.latest === undefined ? undefined : formatPerSecond(row.rate.latest),
              row.rate.values
            )}
            {cell(
              `${row.service} error ratio`,
              row.errorRatio.latest === undefined ? undefined : formatPercent(row.errorRatio.latest),
              row.errorRatio.values
            )}
            {cell(
              `${row.service} p95 latency`,
              row.p95.latest === undefined ? undefined : formatDurationMs(row.p95.latest * 1000),
              row.p95.values
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
  metric: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
});
