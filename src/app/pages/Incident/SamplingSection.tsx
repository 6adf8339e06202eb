/**
 * The sampling section: per service in scope the effective rate and its source and whether it polls
 * the controller; active spikes with who raised them, why, and a live countdown, with Revert and
 * Extend; the spikes that ended within the range and how. Write controls stay visible but disabled, with the
 * reason, for viewers who may not write.
 */
import React from 'react';
import { type GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Stack, Text, useStyles2 } from '@grafana/ui';

import type { StrategySource } from '../../../contract';
import { ColumnHeaders } from '../../components/ColumnHeaders';
import { Countdown } from '../../components/Countdown';
import { formatAgo, formatPercent } from '../../components/format';
import { tableStyle } from '../../components/tableStyles';
import type { SamplingState } from '../../data/sampling';
import { EndedSpikes } from './EndedSpikes';
import { GoalProgress } from './GoalProgress';
import { SpikeCells, spikeTarget } from './SpikeCells';

const SOURCE_LABELS: Record<StrategySource['kind'], string> = {
  'base-default': 'default strategy',
  'base-service': 'service strategy',
  'base-operation': 'operation strategy',
  override: 'spike',
};

export interface SamplingSectionProps {
  state: SamplingState;
  now: Date;
  /** Why the viewer may not change a service's sampling; undefined when they may. */
  blockedReason: (service?: string) => string | undefined;
  onRaise: (service: string) => void;
  onRevert: (overrideId: string) => void;
  onExtend: (overrideId: string) => void;
  busy: boolean;
  actionError?: string;
  /** Why the last background refresh failed; the state shown is the one read before. */
  refreshError?: Error;
}

export function SamplingSection({
  state,
  now,
  blockedReason,
  onRaise,
  onRevert,
  onExtend,
  busy,
  actionError,
  refreshError,
}: SamplingSectionProps) {
  const styles = useStyles2(getStyles);
  const generalBlock = blockedReason();
  const extendMinutes = Math.round(state.guardrails.defaultDurationSeconds / 60);

  return (
    <Stack direction="column" gap={2}>
      {generalBlock && (
        <Alert severity="info" title="Read only">
          {generalBlock}
        </Alert>
      )}
      {refreshError && (
        <Alert severity="warning" title="Sampling state may be out of date">
          Read at {state.readAt.toLocaleTimeString()}; the last refresh failed: {refreshError.message}
        </Alert>
      )}
      {actionError && (
        <Alert severity="error" title="The controller refused">
          {actionError}
        </Alert>
      )}
      <table className={styles.table} aria-label="Sampling by service">
        <ColumnHeaders names={['Service', 'Sampling', 'Polling']} actions />
        <tbody>
          {state.services.map((service) => {
            const reason = blockedReason(service.name);
            return (
              <tr key={service.name}>
                <th scope="row">{service.name}</th>
                <td>
                  {service.samplingRate === undefined ? 'rate limited' : formatPercent(service.samplingRate)}{' '}
                  <Text color="secondary">({SOURCE_LABELS[service.source.kind]})</Text>
                </td>
                <td>
                  {service.lastSeen ? (
                    `polled ${formatAgo(new Date(service.lastSeen), now)}`
                  ) : (
                    <Text color="warning">never polled: changes will not reach it</Text>
                  )}
                </td>
                <td>
                  <Button
                    size="sm"
                    icon="arrow-up"
                    aria-label={`Raise sampling for ${service.name}`}
                    tooltip={reason}
                    disabled={Boolean(reason) || busy}
                    onClick={() => onRaise(service.name)}
                  >
                    Raise sampling
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {state.services.length === 0 && (
        <Text color="secondary">The controller knows no services in this scope yet: none has polled it.</Text>
      )}
      <Text element="h4">Active spikes</Text>
      {state.overrides.length === 0 ? (
        <Text color="secondary">No active spikes in this scope.</Text>
      ) : (
        <table className={styles.table} aria-label="Active spikes">
          <ColumnHeaders names={['Scope', 'Rate', 'Raised by', 'Why', 'Ends']} actions />
          <tbody>
            {state.overrides.map((o) => {
              const target = spikeTarget(o);
              const reason = blockedReason(o.service);
              return (
                <tr key={o.id}>
                  <SpikeCells spike={o} />
                  <td>
                    <Countdown until={new Date(o.expiresAt)} />
                    {o.goal && <GoalProgress goal={o.goal} />}
                  </td>
                  <td>
                    <Stack gap={1}>
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={`Extend the spike of ${target} by ${extendMinutes} min`}
                        tooltip={reason}
                        disabled={Boolean(reason) || busy}
                        onClick={() => onExtend(o.id)}
                      >
                        Extend {extendMinutes} min
                      </Button>
                      <Button
                        size="sm"
                        variant="destructive"
                        aria-label={`Revert the spike of ${target}`}
                        tooltip={reason}
                        disabled={Boolean(reason) || busy}
                        onClick={() => onRevert(o.id)}
                      >
                        Revert
                      </Button>
                    </Stack>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <EndedSpikes spikes={state.ended} readAt={state.readAt} />
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: tableStyle(theme),
});
