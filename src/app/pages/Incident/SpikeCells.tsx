/** The cells every spike row starts with, running or ended: its scope (a row header), rate, who raised it and why. */
import React from 'react';

import type { Override } from '../../../contract';
import { formatPercent } from '../../components/format';
import { RaisedBy } from './RaisedBy';

/** How a spike's scope reads: `payments`, or `payments POST /charge` for one operation. */
export const spikeTarget = (o: Override) => (o.operation ? `${o.service} ${o.operation}` : o.service);

export function SpikeCells({ spike }: { spike: Override }) {
  return (
    <>
      <th scope="row">{spikeTarget(spike)}</th>
      <td>{formatPercent(spike.samplingRate)}</td>
      <td>
        <RaisedBy override={spike} />
      </td>
      <td>{spike.reason}</td>
    </>
  );
}
