/**
 * Spikes that ran during the page's range and have ended, with how: expired, reverted by whom, goal reached with
 * the count, or the alert that raised it resolved — so a spike does not vanish from the page when it ends.
 */
import React from 'react';
import { type GrafanaTheme2, dateTimeFormat } from '@grafana/data';
import { Text, useStyles2 } from '@grafana/ui';

import type { Override } from '../../../contract';
import { ColumnHeaders } from '../../components/ColumnHeaders';
import { tableStyle } from '../../components/tableStyles';
import { describeEnding, spikeState } from '../../data/spikeLifecycle';
import { SpikeCells } from './SpikeCells';

const time = (date: Date) => dateTimeFormat(date.getTime(), { format: 'HH:mm:ss' });

export function EndedSpikes({ spikes, readAt }: { spikes: readonly Override[]; readAt: Date }) {
  const styles = useStyles2(getStyles);
  if (spikes.length === 0) {
    return null;
  }
  return (
    <>
      <Text element="h4">Ended spikes in this range</Text>
      <table className={styles.table} aria-label="Ended spikes">
        <ColumnHeaders names={['Scope', 'Rate', 'Raised by', 'Why', 'Ran', 'Ended']} />
        <tbody>
          {spikes.map((o) => {
            const state = spikeState(o, readAt);
            if (state.kind === 'active') {
              return null;
            }
            return (
              <tr key={o.id}>
                <SpikeCells spike={o} />
                <td>
                  {time(new Date(o.createdAt))}–{time(state.at)}
                </td>
                <td>
                  <span title={state.kind === 'reverted' ? state.reason : undefined}>{describeEnding(state)}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
});
