/**
 * After a spike is raised: when it reaches the services (their poll interval) and whether the
 * ingested server-span rate of the service went up, from span metrics before vs now.
 */
import React from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';

import type { PrometheusClient } from '../../../clients';
import type { Override } from '../../../contract';
import { formatPerSecond } from '../../components/format';
import { ingestedServerRate } from '../../data/serviceOverview';
import { useLoad } from '../../data/useLoad';

export interface SpikeEffectProps {
  spike: Override;
  pollIntervalSeconds: number;
  prometheus?: PrometheusClient;
  onDismiss: () => void;
}

export function SpikeEffect({ spike, pollIntervalSeconds, prometheus, onDismiss }: SpikeEffectProps) {
  const createdSeconds = Math.floor(new Date(spike.createdAt).getTime() / 1000);
  const { load, reload } = useLoad(async (signal) => {
    if (!prometheus) {
      return undefined;
    }
    const [before, after] = await Promise.all([
      ingestedServerRate(prometheus, spike.service, createdSeconds, signal),
      ingestedServerRate(prometheus, spike.service, Math.floor(Date.now() / 1000), signal),
    ]);
    return { before, after };
  }, spike.id);

  let verdict = 'Checking the ingested trace rate…';
  if (!prometheus) {
    verdict = 'Configure Prometheus to see whether the trace rate went up.';
  } else if (load.status === 'failed') {
    verdict = `Could not check the trace rate: ${load.error.message}`;
  } else if (load.status === 'done' && load.value) {
    const { before = 0, after } = load.value;
    verdict =
      after === undefined
        ? `No server spans of ${spike.service} ingested yet.`
        : after > before
          ? `Ingested trace rate of ${spike.service} went up: ${formatPerSecond(before)} before, ${formatPerSecond(after)} now.`
          : `Not up yet: ${formatPerSecond(before)} before, ${formatPerSecond(after)} now. Span metrics lag by a minute or two.`;
  }

  return (
    <Alert severity="success" title={`Sampling raised for ${spike.service}`} onRemove={onDismiss}>
      <Stack direction="column" gap={1}>
        <Text>Services pick the change up at their next poll, within about {pollIntervalSeconds} s.</Text>
        <Text>{verdict}</Text>
        <div>
          <Button size="sm" variant="secondary" onClick={reload}>
            Check the trace rate again
          </Button>
        </div>
      </Stack>
    </Alert>
  );
}
