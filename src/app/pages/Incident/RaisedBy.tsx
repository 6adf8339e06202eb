/** Who raised a spike: a person's login, or "alert <name>" for spikes Alertmanager raised through the webhook. */
import React from 'react';
import { Icon, Stack, Tooltip } from '@grafana/ui';

import type { Override } from '../../../contract';

export function RaisedBy({ override }: { override: Override }) {
  const alert = override.alert;
  if (!alert) {
    return <>{override.createdBy}</>;
  }
  return (
    <Tooltip content={`Alertmanager, alert fingerprint ${alert.fingerprint}, firing since ${alert.startsAt}`}>
      <Stack gap={0.5} alignItems="center">
        <Icon name="bell" aria-hidden />
        <span>raised by alert {alert.name}</span>
      </Stack>
    </Tooltip>
  );
}
