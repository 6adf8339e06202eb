/**
 * The app's configuration page (Administration → Plugins → Tracing Ops): data sources, the sampling
 * controller, team ownership, rule thresholds and redaction, with Save and Test connection.
 */
import React from 'react';
import { type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { Alert, Button, Stack, Text, TextLink } from '@grafana/ui';

import { AppPage, appUrl } from '../../routes';
import { type AppSettings, hasProblems } from '../../settings';
import {
  ConnectionResults,
  ConnectionsSection,
  OwnershipSection,
  RedactionSection,
  ComparisonSection,
  ThresholdsSection,
} from './SettingsSections';
import { useSettingsForm } from './useSettingsForm';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppSettings>>;

export function AppConfig({ plugin }: AppConfigProps) {
  const form = useSettingsForm(plugin.meta);
  const blocked = hasProblems(form.problems) || Boolean(form.tokenError);

  return (
    <Stack direction="column" gap={2}>
      {!plugin.meta.enabled && (
        <Alert severity="info" title="The app is not enabled">
          Enable it to add the Incident and Trace pages to the navigation.
        </Alert>
      )}
      <ConnectionsSection {...form} />
      <OwnershipSection {...form} />
      <ThresholdsSection {...form} />
      <RedactionSection {...form} />
      <ComparisonSection {...form} />
      {form.saveError && (
        <Alert severity="error" title="Not saved">
          {form.saveError}
        </Alert>
      )}
      <Stack gap={1} alignItems="center">
        <Button onClick={form.save} disabled={blocked || form.saving}>
          {form.saving ? 'Saving…' : 'Save settings'}
        </Button>
        <Button variant="secondary" onClick={form.test} disabled={form.testing}>
          {form.testing ? 'Testing…' : 'Test connection'}
        </Button>
        {blocked && <Text color="error">Fix the fields marked above to save.</Text>}
        {!blocked && form.dirty && (
          <Text color="secondary">Test connection checks the saved settings: save first.</Text>
        )}
      </Stack>
      {form.results && <ConnectionResults results={form.results} />}
      <Text color="secondary">
        Once connected, go to the <TextLink href={appUrl(AppPage.Incident)}>incident page</TextLink>.
      </Text>
    </Stack>
  );
}
