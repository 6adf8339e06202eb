/**
 * The preview host's HTTP server: serves the host page and the built plugin, and routes each request to the piece
 * of Grafana core it emulates for this plugin — boot data for the signed-in user (bootData.ts), the plugin settings
 * API (pluginSettings.ts), the data source proxy (dataSourceProxy.ts) and health check (dataSourceHealth.ts), the
 * plugin proxy for plugin.json's routes (pluginProxy.ts), the user's teams (users.ts). Each piece, with where
 * Grafana does it, is described in e2e/host/README.md. Not Grafana: a preview and a test fixture.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';

import pluginJson from '../../plugin.json';
import { sendHostPage } from './bootData';
import type { HostBundle } from './bundle';
import { dataSourceHealth } from './dataSourceHealth';
import { dataSourceProxy } from './dataSourceProxy';
import { contentTypes, cookie, sendFile, sendJson } from './http';
import { iconSvg } from './icons';
import { pluginProxy } from './pluginProxy';
import { pluginSettings, pluginSettingsApi } from './pluginSettings';
import { type HostUser, teamsOf } from './users';

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

export async function startHost(options: HostOptions): Promise<RunningHost> {
  const distDir = resolve(options.distDir ?? join(root, 'dist'));
  const jsonData = { ...options.jsonData };
  const secure = { ...options.secureJsonData };
  const requests: ProxiedRequest[] = [];
  const delays = new Map<string, number>();
  const usersByKey = new Map(options.users.map((u) => [u.key, u]));
  const defaultUser = options.users[0]!;

  const userOf = (req: IncomingMessage): HostUser => usersByKey.get(cookie(req, USER_COOKIE) ?? '') ?? defaultUser;
  const dataSources = [...options.dataSources];

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
      await pluginSettingsApi(req, res, user, { jsonData, secure, onSave: options.onSave });
      return;
    }
    if (url.pathname === '/api/user/teams') {
      sendJson(res, 200, teamsOf(user, options.users, options.teams));
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
      await dataSourceProxy(req, res, url, user, { dataSources, delays, requests });
      return;
    }
    if (url.pathname.startsWith(`/api/plugin-proxy/${PLUGIN_ID}/`)) {
      await pluginProxy(req, res, url, user, { jsonData, secure, signIdToken: options.signIdToken, requests });
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
    sendHostPage(res, user, subPath, dataSources);
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
    settings: () => ({ jsonData, secureJsonFields: pluginSettings(jsonData, secure).secureJsonFields }),
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
