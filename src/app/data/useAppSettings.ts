/** The app's settings from the plugin context, with the thresholds and redactor resolved once per change. */
import { useMemo } from 'react';
import { usePluginContext } from '@grafana/data';

import { type AppSettings, type ResolvedSettings, resolveSettings } from '../settings';

export function useAppSettings(): { settings: AppSettings } & ResolvedSettings {
  const context = usePluginContext();
  const jsonData = context?.meta.jsonData as AppSettings | undefined;
  return useMemo(() => {
    const settings = jsonData ?? {};
    return { settings, ...resolveSettings(settings) };
  }, [jsonData]);
}
