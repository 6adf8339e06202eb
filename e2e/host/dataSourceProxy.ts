/**
 * Grafana's data source proxy: a request under `/api/datasources/proxy/uid/<uid>/` goes to that data source's URL
 * (here the local Jaeger and Prometheus), recorded for the flows to count.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { forward, readBody, sendJson } from './http';
import type { HostDataSource, ProxiedRequest } from './server';
import type { HostUser } from './users';

/** What the data source proxy reads and records: the host's data sources, their delays, the requests it proxied. */
export interface DataSourceProxyState {
  readonly dataSources: readonly HostDataSource[];
  readonly delays: ReadonlyMap<string, number>;
  readonly requests: ProxiedRequest[];
}

/** `/api/datasources/proxy/uid/<uid>/<path>`, forwarded to the data source's URL after its delay, if any. */
export async function dataSourceProxy(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: HostUser,
  { dataSources, delays, requests }: DataSourceProxyState
) {
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
  record.status = await forward(res, `${ds.url.replace(/\/$/, '')}${path}${url.search}`, record.method, headers, body);
}
