/**
 * Suggested spikes on the incident page: one line per service whose anomalous traces are sampled thinly,
 * with the reason and a button that opens the Raise sampling dialog prefilled.
 */
import React from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';

import { formatPercent } from '../../components/format';
import type { SpikeSuggestion } from './suggestSpikes';

export interface SuggestedSpikesProps {
  suggestions: SpikeSuggestion[];
  blockedReason: (service: string) => string | undefined;
  onRaise: (suggestion: SpikeSuggestion) => void;
}

export function SuggestedSpikes({ suggestions, blockedReason, onRaise }: SuggestedSpikesProps) {
  if (suggestions.length === 0) {
    return null;
  }
  return (
    <Alert severity="info" title="Suggested spikes" role="region" aria-label="Suggested spikes">
      <Stack direction="column" gap={1}>
        {suggestions.map((s) => {
          const blocked = blockedReason(s.service);
          return (
            <Stack key={s.service} gap={1} alignItems="center" wrap="wrap">
              <Text>
                {s.reason}: raise to {formatPercent(s.samplingRate)} for {Math.round(s.durationSeconds / 60)} min
                {s.stopAfterTraces ? ` or ${s.stopAfterTraces} traces` : ''}
              </Text>
              <Button
                size="sm"
                icon="arrow-up"
                aria-label={`Raise sampling for ${s.service} as suggested`}
                tooltip={blocked}
                disabled={Boolean(blocked)}
                onClick={() => onRaise(s)}
              >
                Raise sampling…
              </Button>
            </Stack>
          );
        })}
      </Stack>
    </Alert>
  );
}
