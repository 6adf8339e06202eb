/**
 * Grafana's plugin proxy for plugin.json's `routes`: the route's RBAC gate, its URL and headers templated from the
 * app's settings, and the signed-in user forwarded as Grafana forwards them (`X-Grafana-Context`, an ID token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import pluginJson from '../../plugin.json';
import { grafanaHeaders } from '../../tests/controller/support/harness';
import { forward, readBody, sendJson } from './http';
import type { ProxiedRequest } from './server';
import { type HostUser, permissionsFor } from './users';

const PLUGIN_ID = pluginJson.id;

/** `{{ .JsonData.x }}` / `{{ .SecureJsonData.x }}` in a route's URL or header, as Grafana's plugin proxy fills them. */
function template(text: string, jsonData: Record<string, unknown>, secure: Record<string, string>): string {
  return text.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, scope: string, key: string) =>
    String((scope === 'JsonData' ? jsonData[key] : secure[key]) ?? '')
  );
}

/** What the plugin proxy reads and records: the app's settings, the ID token signer, the requests it proxied. */
export interface PluginProxyState {
  readonly jsonData: Record<string, unknown>;
  readonly secure: Record<string, string>;
  readonly signIdToken: (user: HostUser) => Promise<string>;
  readonly requests: ProxiedRequest[];
}

/** `/api/plugin-proxy/<id>/<route>/…`, gated and templated by plugin.json's `routes`. */
export async function pluginProxy(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: HostUser,
  { jsonData, secure, signIdToken, requests }: PluginProxyState
) {
  const prefix = `/api/plugin-proxy/${PLUGIN_ID}/`;
  const proxyPath = url.pathname.slice(prefix.length);
  const method = req.method ?? 'GET';
  // As Grafana: the first route whose path prefixes the request and whose method (if any) matches.
  const route = pluginJson.routes.find(
    (r) => proxyPath.startsWith(r.path) && (!r.method || r.method.toUpperCase() === method)
  );
  const record: ProxiedRequest = {
    kind: 'plugin',
    target: route?.path ?? proxyPath,
    method,
    path: `${proxyPath}${url.search}`,
    user: user.login,
    status: 0,
    at: Date.now(),
  };
  requests.push(record);
  if (!route) {
    record.status = 404;
    sendJson(res, 404, { message: 'Plugin route not found' });
    return;
  }
  const permissions = permissionsFor(user, pluginJson.roles);
  const gate = route as { reqAction?: string; reqRole?: HostUser['role'] };
  const allowed = gate.reqAction
    ? Boolean(permissions[gate.reqAction])
    : gate.reqRole
      ? roleAtLeast(user, gate.reqRole)
      : true;
  if (!allowed) {
    record.status = 403;
    sendJson(res, 403, { message: 'plugin proxy route access denied' });
    return;
  }
  const headers: Record<string, string> = {
    ...grafanaHeaders({
      login: user.login,
      role: user.role,
      isGrafanaAdmin: user.isGrafanaAdmin,
      userId: user.userId,
    }),
    'X-Grafana-Id': await signIdToken(user),
    'X-Grafana-Org-Id': '1',
    accept: req.headers.accept ?? '*/*',
  };
  if (req.headers['content-type']) {
    headers['content-type'] = req.headers['content-type'];
  }
  for (const header of route.headers ?? []) {
    headers[header.name] = template(header.content, jsonData, secure);
  }
  const target = `${template(route.url, jsonData, secure)}${proxyPath.slice(route.path.length)}${url.search}`;
  record.status = await forward(res, target, method, headers, await readBody(req));
}

const roleOrder: Array<HostUser['role']> = ['Viewer', 'Editor', 'Admin'];

function roleAtLeast(user: HostUser, role: HostUser['role']): boolean {
  return user.isGrafanaAdmin || roleOrder.indexOf(user.role) >= roleOrder.indexOf(role);
}
