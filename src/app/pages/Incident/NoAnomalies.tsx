/**
 * The empty state of the anomalous traces: says how many candidates were checked and, because low
 * sampling is the usual reason for seeing nothing, the current rate of the sampled-down services
 * with a way to raise it.
 */
import React from 'react';
import { Button, Stack, Text } from '@grafana/ui';

import type { KnownService } from '../../../contract';
import { formatPercent } from '../../components/format';

export interface NoAnomaliesProps {
  candidates: number;
  services: KnownService[];
  canRaise: (service: string) => boolean;
  onRaise: (service: string) => void;
}

export function NoAnomalies({ candidates, services, canRaise, onRaise }: NoAnomaliesProps) {
  const sampledDown = services.filter((s) => s.samplingRate !== undefined && s.samplingRate < 1);
  return (
    <Stack direction="column" gap={1}>
      <Text>
        No anomalies in this range
        {candidates > 0 ? ` (${candidates} candidate traces checked)` : ''}.
      </Text>
      {sampledDown.map((service) => (
        <Stack key={service.name} gap={1} alignItems="center">
          <Text color="secondary">
            Sampling is {formatPercent(service.samplingRate ?? 0)} for {service.name}
            {canRaise(service.name) ? ', raise it?' : '.'}
          </Text>
          {canRaise(service.name) && (
            <Button
              size="sm"
              variant="secondary"
              onClick={() => onRaise(service.name)}
              aria-label={`Raise sampling for ${service.name}`}
            >
              Raise
            </Button>
          )}
        </Stack>
      ))}
    </Stack>
  );
}
