/** The attribute values the anomalous traces are narrowed to, each removable. */
import React from 'react';
import { Button, Stack, Text } from '@grafana/ui';

import type { TraceAttributeFilter } from '../../../queries';
import { traceFilterLabel } from './traceFilterLabel';

export interface TraceFilterChipsProps {
  filters: readonly TraceAttributeFilter[];
  onRemove: (filter: TraceAttributeFilter) => void;
}

export function TraceFilterChips({ filters, onRemove }: TraceFilterChipsProps) {
  if (filters.length === 0) {
    return null;
  }
  return (
    <Stack gap={1} alignItems="center" wrap="wrap">
      <Text color="secondary">Only traces with</Text>
      {filters.map((filter) => {
        const label = traceFilterLabel(filter);
        return (
          <Button
            key={label}
            size="sm"
            variant="secondary"
            icon="times"
            onClick={() => onRemove(filter)}
            aria-label={`Remove the filter ${label}`}
          >
            {label}
          </Button>
        );
      })}
    </Stack>
  );
}
