/**
 * Grafana's plugin settings API for the app: read by anyone signed in, replaced by an org admin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import pluginJson from '../../plugin.json';
import { readBody, sendJson } from './http';
import type { HostUser } from './users';

const PLUGIN_ID = pluginJson.id;

/** `GET /api/plugins/<id>/settings`: the app's settings as Grafana's `PluginSettingDto`, never a secret's value. */
export function pluginSettings(jsonData: Record<string, unknown>, secure: Record<string, string>) {
  return {
    id: PLUGIN_ID,
    name: pluginJson.name,
    type: 'app',
    enabled: true,
    pinned: true,
    module: `public/plugins/${PLUGIN_ID}/module.js`,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    info: pluginJson.info,
    includes: pluginJson.includes,
    dependencies: pluginJson.dependencies,
    jsonData,
    // Only which secrets are set, never their values (Grafana's PluginSettingDto).
    secureJsonFields: Object.fromEntries(Object.keys(secure).map((k) => [k, true])),
  };
}

/** What the settings API reads and changes: the app's `jsonData` and `secureJsonData`, changed in place. */
export interface PluginSettingsState {
  readonly jsonData: Record<string, unknown>;
  readonly secure: Record<string, string>;
  readonly onSave?: (jsonData: Record<string, unknown>) => Promise<void>;
}

/** `/api/plugins/<id>/settings`: GET for anyone, POST for an org admin. */
export async function pluginSettingsApi(
  req: IncomingMessage,
  res: ServerResponse,
  user: HostUser,
  { jsonData, secure, onSave }: PluginSettingsState
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET') {
    sendJson(res, 200, pluginSettings(jsonData, secure));
    return;
  }
  // Grafana lets org admins change plugin settings (plugins:write).
  if (method === 'POST' && user.role === 'Admin') {
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as {
      jsonData?: Record<string, unknown>;
      secureJsonData?: Record<string, string>;
    };
    if (body.jsonData) {
      for (const key of Object.keys(jsonData)) {
        delete jsonData[key];
      }
      Object.assign(jsonData, body.jsonData);
    }
    Object.assign(secure, body.secureJsonData ?? {});
    await onSave?.(jsonData);
    sendJson(res, 200, { message: 'Plugin settings updated' });
    return;
  }
  sendJson(res, 403, { message: 'Permission denied' });
}
