/**
 * The preview host's HTTP server: serves the host page and the built plugin, and emulates only what Grafana core
 * does for this plugin — boot data for the signed-in user, the plugin settings API, the data source proxy and
 * health check, the plugin proxy for plugin.json's routes, the user's teams. Each piece, with where Grafana does it, is described in
 * e2e/host/README.md. Not Grafana: a preview and a test fixture.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';

import pluginJson from '../../plugin.json';
import { grafanaHeaders } from '../../tests/controller/support/harness';
import type { HostBundle } from './bundle';
import { dataSourceHealth } from './dataSourceHealth';
import { iconSvg } from './icons';
import { type HostUser, permissionsFor } from './users';

const PLUGIN_ID = pluginJson.id;
const root = resolve(__dirname, '../..');

export type DataSourceType = 'prometheus' | 'tempo' | 'jaeger' | 'loki';

export interface HostDataSource {
  uid: string;
  type: DataSourceType;
  name: string;
  /** Where the data source proxy forwards to. */
  url: string;
}

export interface HostOptions {
  port?: number;
  bundle: HostBundle;
  dataSources: HostDataSource[];
  /** The app's `jsonData`, as provisioning would store it. */
  jsonData: Record<string, unknown>;
  /** The app's `secureJsonData`; never sent to the browser. */
  secureJsonData: Record<string, string>;
  users: HostUser[];
  /** Team names in the order the simulated Grafana numbers them (ids from 1), so team ids agree. */
  teams: string[];
  /** Signs a Grafana ID token for the user (the simulated Grafana's `/test/sign`). */
  signIdToken: (user: HostUser) => Promise<string>;
  /** Called after an admin saved the settings, e.g. to hand the ownership table to the controller's Grafana. */
  onSave?: (jsonData: Record<string, unknown>) => Promise<void>;
  /** Where the built plugin is; `dist/` by default. */
  distDir?: string;
}

/** One request the host's proxies received, for the flows to count. */
export interface ProxiedRequest {
  kind: 'datasource' | 'plugin';
  /** The data source uid or the plugin route path. */
  target: string;
  method: string;
  path: string;
  user: string;
  status: number;
  at: number;
}

export interface RunningHost {
  url: string;
  requests: ProxiedRequest[];
  /** Adds (or, by uid, replaces) a data source, as an admin would in Grafana; pages opened afterwards see it. */
  addDataSource(dataSource: HostDataSource): void;
  /** Delays every answer of the data source `uid` by `ms` (0 to stop), like a backend under load. */
  delayDataSource(uid: string, ms: number): void;
  /** The app's stored settings, as a Grafana admin would see them in the database. */
  settings(): { jsonData: Record<string, unknown>; secureJsonFields: Record<string, boolean> };
  /**
   * The same host (settings, data sources, users) also served under `subPath` (`/grafana`) on a port of its own, as
   * Grafana with `root_url = http://…/grafana/` and `serve_from_sub_path = true` serves it: everything under the
   * sub-path (a 404 outside it). Closed with the host.
   */
  serveUnderSubPath(subPath: string): Promise<{ url: string }>;
  close(): Promise<void>;
}

const USER_COOKIE = 'host_user';

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Serves a file below `dir`, refusing paths that climb out of it. */
function sendFile(res: ServerResponse, dir: string, relative: string): void {
  const path = normalize(join(dir, relative));
  if (!path.startsWith(dir) || !existsSync(path)) {
    sendJson(res, 404, { message: 'Not found' });
    return;
  }
  res.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
  res.end(readFileSync(path));
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      return decodeURIComponent(value.join('='));
    }
  }
  return undefined;
}

/** `{{ .JsonData.x }}` / `{{ .SecureJsonData.x }}` in a route's URL or header, as Grafana's plugin proxy fills them. */
function template(text: string, jsonData: Record<string, unknown>, secure: Record<string, string>): string {
  return text.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, scope: string, key: string) =>
    String((scope === 'JsonData' ? jsonData[key] : secure[key]) ?? '')
  );
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

async function forward(
  res: ServerResponse,
  target: string,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined
): Promise<number> {
  let upstream: Response;
  try {
    upstream = await fetch(target, { method, headers, body: body?.length ? new Uint8Array(body) : undefined });
  } catch (error) {
    // Grafana's proxies answer 502 when the upstream cannot be reached.
    sendJson(res, 502, { message: `Bad Gateway: ${(error as Error).cause ?? (error as Error).message}` });
    return 502;
  }
  const out: Record<string, string> = {};
  upstream.headers.forEach((value, key) => {
    if (!hopByHop.has(key)) {
      out[key] = value;
    }
  });
  res.writeHead(upstream.status, out);
  res.end(Buffer.from(await upstream.arrayBuffer()));
  return upstream.status;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const distDir = resolve(options.distDir ?? join(root, 'dist'));
  const jsonData = { ...options.jsonData };
  const secure = { ...options.secureJsonData };
  const requests: ProxiedRequest[] = [];
  const delays = new Map<string, number>();
  const usersByKey = new Map(options.users.map((u) => [u.key, u]));
  const defaultUser = options.users[0]!;

  const userOf = (req: IncomingMessage): HostUser => usersByKey.get(cookie(req, USER_COOKIE) ?? '') ?? defaultUser;
  const teamsOf = (user: HostUser) =>
    user.teams.map((name) => ({
      id: options.teams.indexOf(name) + 1,
      uid: `team-${options.teams.indexOf(name) + 1}`,
      orgId: 1,
      name,
      email: '',
      avatarUrl: '',
      memberCount: options.users.filter((u) => u.teams.includes(name)).length,
      permission: 0,
    }));

  const dataSources = [...options.dataSources];
  const dataSourceSettings = () =>
    Object.fromEntries(
      dataSources.map((ds, i) => [
        ds.name,
        {
          id: i + 1,
          uid: ds.uid,
          type: ds.type,
          name: ds.name,
          url: `/api/datasources/proxy/uid/${ds.uid}`,
          access: 'proxy',
          isDefault: i === 0,
          readOnly: true,
          jsonData: {},
          meta: {
            id: ds.type,
            type: 'datasource',
            name: ds.type,
            info: { logos: { small: '', large: '' }, author: { name: 'Grafana Labs' } },
            module: `core:plugin/${ds.type}`,
            baseUrl: '',
          },
        },
      ])
    );

  function bootData(user: HostUser, subPath: string) {
    return {
      user: {
        id: user.userId,
        uid: `uid-${user.login}`,
        login: user.login,
        name: user.name,
        email: `${user.login}@example.com`,
        orgId: 1,
        orgName: 'Main Org.',
        orgRole: user.role,
        isGrafanaAdmin: user.isGrafanaAdmin,
        isSignedIn: true,
        theme: 'dark',
        timezone: 'browser',
        locale: 'en-US',
        language: 'en-US',
        weekStart: 'browser',
        helpFlags1: 0,
        hasEditPermissionInFolders: user.role !== 'Viewer',
        permissions: permissionsFor(user, pluginJson.roles),
      },
      settings: {
        appUrl: `${subPath}/`,
        appSubUrl: subPath,
        datasources: dataSourceSettings(),
        defaultDatasource: dataSources[0]?.name,
        buildInfo: { version: '13.2.2', edition: 'Preview host', env: 'production', commit: '', buildstamp: 0 },
        featureToggles: {},
        apps: {
          [PLUGIN_ID]: { id: PLUGIN_ID, path: `${subPath}/public/plugins/${PLUGIN_ID}/module.js`, preload: false },
        },
        panels: {},
      },
      navTree: [],
      assets: { dark: '', light: '' },
    };
  }

  function page(res: ServerResponse, user: HostUser, subPath: string): void {
    // `<` escaped so no value can close the script element.
    const boot = JSON.stringify(bootData(user, subPath)).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<base href="${subPath}/">
<title>Tracing Ops — preview host (not Grafana)</title>
<link rel="stylesheet" href="${subPath}/host/main.css">
<style>
body { margin: 0; }
.host-banner { padding: 8px 16px; background: #5a3e00; color: #fff; font: 13px/1.5 sans-serif; }
.host-banner a { color: #ffd27f; }
.host-banner nav { display: inline; margin-left: 12px; }
.host-main { padding: 16px 24px; }
.host-page-header { display: flex; align-items: center; justify-content: space-between; gap: 16px; }
.host-panel-placeholder { border: 1px dashed #888; padding: 8px 12px; margin: 8px 0; font-size: 12px; }
</style>
<script>window.__grafana_public_path__ = '${subPath}/public/'; window.grafanaBootData = ${boot};</script>
</head>
<body><div id="host-root"></div><script src="${subPath}/host/main.js"></script></body>
</html>`);
  }

  async function dataSourceProxy(req: IncomingMessage, res: ServerResponse, url: URL, user: HostUser) {
    const match = /^\/api\/datasources\/proxy\/uid\/([^/]+)(\/.*)?$/.exec(url.pathname);
    const ds = match && dataSources.find((d) => d.uid === decodeURIComponent(match[1]!));
    if (!match || !ds) {
      sendJson(res, 404, { message: 'Data source not found' });
      return;
    }
    const path = match[2] ?? '/';
    const delay = delays.get(ds.uid) ?? 0;
    const record: ProxiedRequest = {
      kind: 'datasource',
      target: ds.uid,
      method: req.method ?? 'GET',
      path: `${path}${url.search}`,
      user: user.login,
      status: 0,
      at: Date.now(),
    };
    requests.push(record);
    const body = await readBody(req);
    if (delay) {
      await new Promise((r) => setTimeout(r, delay));
    }
    const headers: Record<string, string> = { accept: req.headers.accept ?? '*/*' };
    if (req.headers['content-type']) {
      headers['content-type'] = req.headers['content-type'];
    }
    record.status = await forward(
      res,
      `${ds.url.replace(/\/$/, '')}${path}${url.search}`,
      record.method,
      headers,
      body
    );
  }

  async function pluginProxy(req: IncomingMessage, res: ServerResponse, url: URL, user: HostUser) {
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
      'X-Grafana-Id': await options.signIdToken(user),
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

  function pluginSettings() {
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

  /** `subPath`: '' at the root, else where Grafana's `root_url` puts it ('/grafana'); nothing is served outside it. */
  async function handle(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://host');
    if (subPath) {
      if (url.pathname !== subPath && !url.pathname.startsWith(`${subPath}/`)) {
        sendJson(res, 404, { message: `Not found: this host serves under ${subPath}/` });
        return;
      }
      url.pathname = url.pathname.slice(subPath.length) || '/';
    }
    const user = userOf(req);
    const method = req.method ?? 'GET';
    if (url.pathname === '/host/sign-in') {
      const key = url.searchParams.get('as') ?? '';
      if (!usersByKey.has(key)) {
        sendJson(res, 400, { message: `no such user; one of ${[...usersByKey.keys()].join(', ')}` });
        return;
      }
      res.writeHead(302, { 'set-cookie': `${USER_COOKIE}=${key}; Path=/; SameSite=Lax`, location: `${subPath}/` });
      res.end();
      return;
    }
    if (url.pathname === '/host/main.js' || url.pathname === '/host/main.css') {
      res.writeHead(200, { 'content-type': contentTypes[extname(url.pathname)]! });
      res.end(url.pathname.endsWith('.js') ? options.bundle.js : options.bundle.css);
      return;
    }
    if (url.pathname.startsWith('/host/') && options.bundle.assets.has(url.pathname.slice(6))) {
      res.writeHead(200, { 'content-type': contentTypes[extname(url.pathname)] ?? 'application/octet-stream' });
      res.end(options.bundle.assets.get(url.pathname.slice(6)));
      return;
    }
    if (url.pathname.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      sendFile(res, distDir, url.pathname.slice(`/public/plugins/${PLUGIN_ID}/`.length));
      return;
    }
    // @grafana/ui asks for its icons under the public path's build/ folder.
    const icon = /^\/public\/(?:build\/)?img\/icons\/(.+)$/.exec(url.pathname);
    const svg = icon && iconSvg(icon[1]!);
    if (svg) {
      res.writeHead(200, { 'content-type': contentTypes['.svg']! });
      res.end(svg);
      return;
    }
    if (url.pathname === `/api/plugins/${PLUGIN_ID}/settings`) {
      if (method === 'GET') {
        sendJson(res, 200, pluginSettings());
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
        await options.onSave?.(jsonData);
        sendJson(res, 200, { message: 'Plugin settings updated' });
        return;
      }
      sendJson(res, 403, { message: 'Permission denied' });
      return;
    }
    if (url.pathname === '/api/user/teams') {
      sendJson(res, 200, teamsOf(user));
      return;
    }
    const health = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(url.pathname);
    if (health) {
      const ds = dataSources.find((d) => d.uid === decodeURIComponent(health[1]!));
      const answer = ds
        ? await dataSourceHealth(ds.type, ds.url)
        : { httpStatus: 404, body: { message: 'Data source not found' } };
      sendJson(res, answer.httpStatus, answer.body);
      return;
    }
    if (url.pathname.startsWith('/api/datasources/proxy/uid/')) {
      await dataSourceProxy(req, res, url, user);
      return;
    }
    if (url.pathname.startsWith(`/api/plugin-proxy/${PLUGIN_ID}/`)) {
      await pluginProxy(req, res, url, user);
      return;
    }
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/public/')) {
      sendJson(res, 404, { message: `The preview host does not emulate ${url.pathname}` });
      return;
    }
    if (url.pathname === '/') {
      res.writeHead(302, { location: `${subPath}/a/${PLUGIN_ID}/incident` });
      res.end();
      return;
    }
    page(res, user, subPath);
  }

  const servers: Server[] = [];
  async function listen(port: number, subPath: string): Promise<string> {
    const server = createServer((req, res) => {
      handle(req, res, subPath).catch((error: unknown) => {
        if (!res.headersSent) {
          sendJson(res, 500, { message: `preview host: ${(error as Error).message}` });
        } else {
          res.destroy();
        }
      });
    });
    await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}${subPath}`;
  }

  const url = await listen(options.port ?? 0, '');
  return {
    url,
    requests,
    addDataSource: (dataSource) => {
      const known = dataSources.findIndex((d) => d.uid === dataSource.uid);
      dataSources.splice(known < 0 ? dataSources.length : known, known < 0 ? 0 : 1, dataSource);
    },
    delayDataSource: (uid, ms) => delays.set(uid, ms),
    settings: () => ({ jsonData, secureJsonFields: pluginSettings().secureJsonFields }),
    serveUnderSubPath: async (subPath) => {
      if (!/^(\/[\w-]+)+$/.test(subPath)) {
        throw new Error(`a sub-path is /segment[/segment…], not ${JSON.stringify(subPath)}`);
      }
      return { url: await listen(0, subPath) };
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            })
        )
      );
    },
  };
}

const roleOrder: Array<HostUser['role']> = ['Viewer', 'Editor', 'Admin'];

function roleAtLeast(user: HostUser, role: HostUser['role']): boolean {
  return user.isGrafanaAdmin || roleOrder.indexOf(user.role) >= roleOrder.indexOf(role);
}
