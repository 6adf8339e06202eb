/**
 * The empty state of the anomalous traces: says how many candidates were checked (or that there were none) and,
 * because low sampling is the usual reason for seeing nothing, which services keep only a share of the traces they
 * start. It proposes no spike: with no anomalous trace there is no evidence of where one would help (suggestions
 * come with their traces, `suggestSpikes.ts`); the Sampling section raises any service.
 */
import React from 'react';
import { Stack, Text } from '@grafana/ui';

import type { KnownService } from '../../../contract';
import { formatPercent } from '../../components/format';

export interface NoAnomaliesProps {
  candidates: number;
  services: KnownService[];
}

export function NoAnomalies({ candidates, services }: NoAnomaliesProps) {
  const sampledDown = services.filter((s) => s.samplingRate !== undefined && s.samplingRate < 1);
  return (
    <Stack direction="column" gap={1}>
      <Text>
        {candidates > 0
          ? `No anomalies in this range (${candidates} candidate traces checked).`
          : 'No traces of the services in scope in this range.'}
      </Text>
      {sampledDown.length > 0 && (
        <Text color="secondary">
          Sampled down, so an anomaly may not have been kept:{' '}
          {sampledDown.map((s) => `${s.name} ${formatPercent(s.samplingRate ?? 0)}`).join(', ')}.
        </Text>
      )}
    </Stack>
  );
}
