/** The app's configuration page (Administration → Plugins → Tracing Ops): what is set up and what is missing. */
import React from 'react';
import { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert, Badge, Card, Stack, Text, TextLink } from '@grafana/ui';

import { AppPage, appUrl } from '../../routes';
import { AppSettings } from '../../settings';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

interface SettingRow {
  label: string;
  value?: string;
  configured: boolean;
}

export function AppConfig({ plugin }: AppConfigProps) {
  const { jsonData, secureJsonFields, enabled } = plugin.meta;
  const rows: SettingRow[] = [
    { label: 'Tempo data source', value: jsonData?.tempoDatasourceUid, configured: Boolean(jsonData?.tempoDatasourceUid) },
    {
      label: 'Prometheus data source',
      value: jsonData?.prometheusDatasourceUid,
      configured: Boolean(jsonData?.prometheusDatasourceUid),
    },
    { label: 'Loki data source', value: jsonData?.lokiDatasourceUid, configured: Boolean(jsonData?.lokiDatasourceUid) },
    { label: 'Sampling controller URL', value: jsonData?.controllerUrl, configured: Boolean(jsonData?.controllerUrl) },
    // The token is write-only: Grafana tells us whether it is set, never its value.
    { label: 'Sampling controller token', configured: Boolean(secureJsonFields?.controllerToken) },
  ];

  return (
    <Stack direction="column" gap={2}>
      {!enabled && (
        <Alert severity="info" title="The app is not enabled">
          Enable it to add the Incident and Trace pages to the navigation.
        </Alert>
      )}
      <Card>
        <Card.Heading>Connections</Card.Heading>
        <Card.Description>
          <Stack direction="column" gap={1}>
            {rows.map((row) => (
              <Stack key={row.label} gap={1} alignItems="center">
                <Text>{row.label}</Text>
                {row.configured ? (
                  <Badge color="green" text={row.value ?? 'configured'} />
                ) : (
                  <Badge color="orange" text="not configured" />
                )}
              </Stack>
            ))}
          </Stack>
        </Card.Description>
      </Card>
      <Text color="secondary">
        Team ownership of services, rule thresholds and attribute redaction are set here too. Once connected, go to
        the <TextLink href={appUrl(AppPage.Incident)}>incident page</TextLink>.
      </Text>
    </Stack>
  );
}
