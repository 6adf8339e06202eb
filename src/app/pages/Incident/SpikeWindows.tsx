/** The sampling spikes of a service within the range, as small badges: when, how high, who raised it and why. */
import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { Badge, Tooltip } from '@grafana/ui';

import type { Override } from '../../../contract';
import { formatPercent } from '../../components/format';
import { describeEnding, spikeState } from '../../data/spikeLifecycle';

const time = (date: Date) => dateTimeFormat(date.getTime(), { format: 'HH:mm' });

export function SpikeWindows({ spikes }: { spikes: readonly Override[] }) {
  const now = new Date();
  return (
    <>
      {spikes.map((s) => {
        const state = spikeState(s, now);
        const until = state.kind === 'active' ? 'now' : time(state.at);
        return (
          <Tooltip
            key={s.id}
            content={`${formatPercent(s.samplingRate)}${s.operation ? ` for ${s.operation}` : ''}, raised by ${s.createdBy}: ${s.reason} (${describeEnding(state)})`}
          >
            <span>
              <Badge color="purple" text={`Spike ${time(new Date(s.createdAt))}–${until}`} />
            </span>
          </Tooltip>
        );
      })}
    </>
  );
}
