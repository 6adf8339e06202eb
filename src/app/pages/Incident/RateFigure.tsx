/**
 * A request rate as the overview shows it: the number with what it counts (`4.1 req/s`, `0.41 sampled spans/s`),
 * where it comes from on hover, and a note when a spike in the range changed what the figure counts.
 */
import React from 'react';
import { Stack, Text, Tooltip } from '@grafana/ui';

import type { Override } from '../../../contract';
import { formatPercent, formatRateNumber } from '../../components/format';
import { RATE_SOURCE_NOTES, RATE_UNITS, type SourcedRate } from '../../data/rateSource';

export function RateFigure({ rate, affectedBy }: { rate: SourcedRate; affectedBy: readonly Override[] }) {
  const spikes = affectedBy.map((s) => `${s.service} at ${formatPercent(s.samplingRate)} (${s.createdBy})`);
  return (
    <Stack direction="column" gap={0}>
      <Tooltip content={RATE_SOURCE_NOTES[rate.source]}>
        <span>
          {formatRateNumber(rate.perSecond)} {RATE_UNITS[rate.source]}
        </span>
      </Tooltip>
      {spikes.length > 0 && (
        <Text variant="bodySmall" color="warning">
          a spike in the range changes this figure: {spikes.join(', ')}
        </Text>
      )}
    </Stack>
  );
}
