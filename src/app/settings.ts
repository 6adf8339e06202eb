/**
 * The app's settings as Grafana stores them: `jsonData` is readable by every user of the app,
 * `secureJsonData` (the controller token) is write-only and only ever reported as configured or not.
 */
export interface AppSettings {
  tempoDatasourceUid?: string;
  prometheusDatasourceUid?: string;
  lokiDatasourceUid?: string;
  controllerUrl?: string;
}

export interface AppSecureSettings {
  controllerToken?: string;
}

/** What is still missing before the incident page can show data, in the order a responder should fix it. */
export function missingSettings(settings: AppSettings | undefined): string[] {
  const missing: string[] = [];
  if (!settings?.tempoDatasourceUid) {
    missing.push('Tempo data source');
  }
  if (!settings?.prometheusDatasourceUid) {
    missing.push('Prometheus data source');
  }
  if (!settings?.lokiDatasourceUid) {
    missing.push('Loki data source');
  }
  if (!settings?.controllerUrl) {
    missing.push('sampling controller URL');
  }
  return missing;
}
