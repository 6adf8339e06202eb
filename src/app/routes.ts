/** The app's id and page paths, so no component spells a URL by hand. */
import pluginJson from '../../plugin.json';

export const PLUGIN_ID = pluginJson.id;
const APP_BASE_URL = `/a/${PLUGIN_ID}`;
export const SETTINGS_URL = `/plugins/${PLUGIN_ID}`;

export enum AppPage {
  Incident = 'incident',
  Trace = 'trace',
}

/** URL of an app page with optional query parameters (e.g. the trace to open). */
export function appUrl(page: AppPage, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') {
      query.set(key, value);
    }
  }
  const search = query.toString();
  return `${APP_BASE_URL}/${page}${search ? `?${search}` : ''}`;
}
