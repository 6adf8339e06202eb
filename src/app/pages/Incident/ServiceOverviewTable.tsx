/**
 * Request rate, error ratio and p95 per service in scope, each with a sparkline. The rate says what it counts —
 * requests (SDK metrics, or span metrics corrected for sampling) or sampled spans — and services whose sampling a
 * spike changed within the range are marked with who raised it, when and why.
 */
import React from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2 } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';

import type { Override } from '../../../contract';
import { Sparkline } from '../../components/Sparkline';
import { formatDurationMs, formatPercent } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import { spikesAffecting } from '../../data/rateSource';
import { RateFigure } from './RateFigure';
import type { ServiceOverview } from '../../data/serviceOverview';
import { SpikeWindows } from './SpikeWindows';

export interface ServiceOverviewTableProps {
  rows: ServiceOverview[];
  /** Spikes that applied at some moment of the range (running or ended), by service. */
  spikesInRange: ReadonlyMap<string, readonly Override[]>;
}

export function ServiceOverviewTable({ rows, spikesInRange }: ServiceOverviewTableProps) {
  const styles = useStyles2(getStyles);
  if (rows.length === 0) {
    return <Text color="secondary">No span metrics for the services in scope in this range.</Text>;
  }
  const cell = (label: string, latest: React.ReactNode, values: Array<number | null>) => (
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
              {row.service} <SpikeWindows spikes={spikesInRange.get(row.service) ?? []} />
            </th>
            {cell(
              `${row.service} request rate`,
              row.rate.latest === undefined ? undefined : (
                <RateFigure
                  rate={{ perSecond: row.rate.latest, source: row.rate.source }}
                  affectedBy={spikesAffecting(row.service, row.rate.source, spikesInRange)}
                />
              ),
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
