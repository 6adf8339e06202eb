/** State of the settings page: the draft, its problems, saving and the connection test. */
import { useMemo, useState } from 'react';
import type { AppPluginMeta } from '@grafana/data';
import { locationService } from '@grafana/runtime';

import { backendSrvTransport, errorDetail } from '../../data/transport';
import { PLUGIN_ID } from '../../routes';
import { type AppSettings, type SettingsProblems, hasProblems, settingsProblems } from '../../settings';
import { type ConnectionResult, testConnections } from './connectionTest';
import { type SettingsDraft, draftFromMeta, settingsFromDraft, settingsRequest, tokenProblem } from './settingsForm';

export function useSettingsForm(meta: AppPluginMeta<AppSettings>) {
  const [draft, setDraft] = useState(() => draftFromMeta(meta));
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [testing, setTesting] = useState(false);
  const [results, setResults] = useState<ConnectionResult[]>();

  const problems: SettingsProblems = useMemo(() => settingsProblems(settingsFromDraft(draft)), [draft]);
  const tokenError = tokenProblem(draft);

  const update = (change: Partial<SettingsDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setDirty(true);
  };

  const save = async () => {
    if (hasProblems(problems) || tokenError) {
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    try {
      const response = await backendSrvTransport(`/api/plugins/${PLUGIN_ID}/settings`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(settingsRequest(meta, draft)),
      });
      if (!response.ok) {
        setSaveError(`Grafana did not save the settings (${response.status}: ${await errorDetail(response)})`);
        return;
      }
      // Grafana hands plugin settings to the app at load time, so the new ones take effect on reload.
      locationService.reload();
    } catch (error) {
      setSaveError(`Grafana did not save the settings: ${(error as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  const test = async () => {
    setTesting(true);
    try {
      setResults(await testConnections(backendSrvTransport, meta.jsonData ?? {}));
    } finally {
      setTesting(false);
    }
  };

  return { draft, update, problems, tokenError, dirty, save, saving, saveError, test, testing, results };
}
