/**
 * After a spike is raised: when it reaches the services (their poll interval) and whether the
 * ingested trace rate of the service went up, checked at once and again by itself once it can show.
 */
import React from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';

import type { Override } from '../../../contract';
import { describeEnding, spikeState } from '../../data/spikeLifecycle';
import { spikeVerdict } from './spikeVerdict';
import { type SpikeCheckSources, useSpikeCheck } from './useSpikeCheck';

export interface SpikeEffectProps {
  spike: Override;
  pollIntervalSeconds: number;
  sources: SpikeCheckSources;
  onDismiss: () => void;
}

function SpikeEffect({ spike, pollIntervalSeconds, sources, onDismiss }: SpikeEffectProps) {
  const { check, settlesAt, recheck } = useSpikeCheck(spike, pollIntervalSeconds, sources);

  let verdict = 'Checking the ingested trace rate…';
  if (!sources.prometheus) {
    verdict = 'Configure Prometheus to see whether the trace rate went up.';
  } else if (check.status === 'failed') {
    verdict = `Could not check the trace rate: ${check.error.message}`;
  } else if (check.status === 'done' && check.value) {
    verdict = spikeVerdict(check.value, spike, settlesAt);
  }

  return (
    <Alert severity="success" title={`Sampling raised for ${spike.service}`} onRemove={onDismiss}>
      <Stack direction="column" gap={1}>
        <Text>Services pick the change up at their next poll, within about {pollIntervalSeconds} s.</Text>
        <Text>{verdict}</Text>
        <div>
          <Button size="sm" variant="secondary" onClick={recheck}>
            Check the trace rate again
          </Button>
        </div>
      </Stack>
    </Alert>
  );
}

/**
 * The notice after a raise: the spike's effect while it runs; once it has ended (its goal, its time, a revert), how
 * it ended — a check of the rate after that would judge the spike by traffic it no longer keeps.
 */
export function RaisedSpikeNotice({
  ended,
  readAt,
  ...running
}: SpikeEffectProps & { ended: Override | undefined; readAt: Date }) {
  if (ended === undefined) {
    return <SpikeEffect {...running} />;
  }
  return (
    <Alert
      severity="info"
      title={`The spike on ${ended.service} has ended: ${describeEnding(spikeState(ended, readAt))}`}
      onRemove={running.onDismiss}
    >
      <Text>It is listed with the spikes that ended in this range.</Text>
    </Alert>
  );
}
