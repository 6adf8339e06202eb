/**
 * The host page and the `window.grafanaBootData` it carries for the signed-in user (their RBAC permissions, the data
 * sources, the sub-path), as Grafana's `index.html` does.
 */
import type { ServerResponse } from 'node:http';

import pluginJson from '../../plugin.json';
import type { HostDataSource } from './server';
import { type HostUser, permissionsFor } from './users';

const PLUGIN_ID = pluginJson.id;

/** `settings.datasources`: Grafana's data source settings by name, the first one the default. */
function dataSourceSettings(dataSources: readonly HostDataSource[]) {
  return Object.fromEntries(
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
}

function bootData(user: HostUser, subPath: string, dataSources: readonly HostDataSource[]) {
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
      datasources: dataSourceSettings(dataSources),
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

/** The host page for `user`, under `subPath` ('' at the root): boot data inline, then the bundle. */
export function sendHostPage(
  res: ServerResponse,
  user: HostUser,
  subPath: string,
  dataSources: readonly HostDataSource[]
): void {
  // `<` escaped so no value can close the script element.
  const boot = JSON.stringify(bootData(user, subPath, dataSources)).replace(/</g, '\\u003c');
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
