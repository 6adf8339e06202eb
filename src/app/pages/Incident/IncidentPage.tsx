/** The incident page (the app's default page): anomalous traces in scope and the sampling controls. */
import React from 'react';
import { usePluginContext } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Card, LinkButton, Stack, Text, TextLink } from '@grafana/ui';

import { AppPage, SETTINGS_URL, appUrl } from '../../routes';
import { AppSettings, missingSettings } from '../../settings';

export function IncidentPage() {
  const context = usePluginContext();
  const missing = missingSettings(context?.meta.jsonData as AppSettings | undefined);

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        {missing.length > 0 && (
          <Alert severity="warning" title="Finish the set-up">
            Not configured yet: {missing.join(', ')}. <TextLink href={SETTINGS_URL}>Open the settings</TextLink>
          </Alert>
        )}
        <Card>
          <Card.Heading>Anomalous traces</Card.Heading>
          <Card.Description>
            Traces of the services your teams own, flagged by rule — errors and where they start, latency above the
            p99 baseline, long, wide (N+1), deep, one span holding the critical path, retry storms — each with a
            one-line reason and a link to the span that explains it.
          </Card.Description>
          <Card.Actions>
            <LinkButton variant="secondary" icon="gf-traces" href={appUrl(AppPage.Trace)}>
              Open a trace
            </LinkButton>
          </Card.Actions>
        </Card>
        <Card>
          <Card.Heading>Sampling</Card.Heading>
          <Card.Description>
            The effective sampling rate of each owned service and whether it polls the controller, active spikes with
            who raised them, why and when they end, and a way to raise sampling for a service for a bounded time.
          </Card.Description>
        </Card>
        <Text color="secondary">
          The correlated trace, metrics and logs of one trace are on the{' '}
          <TextLink href={appUrl(AppPage.Trace)}>Trace page</TextLink>; data sources, team ownership and rule
          thresholds are in the <TextLink href={SETTINGS_URL}>settings</TextLink>.
        </Text>
      </Stack>
    </PluginPage>
  );
}
