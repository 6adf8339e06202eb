/**
 * The preview host's page: boots the project's own `@grafana/*`, React, router, RxJS and Emotion the way Grafana's
 * frontend does for a plugin, loads the built `dist/module.js` (and the nested panel) as AMD modules, and mounts the
 * app's root page, its config page and the panel. Only what a plugin gets from Grafana core is emulated; each piece
 * is listed in e2e/host/README.md with where Grafana does it. `window.grafanaBootData` is set by the server in an
 * inline script before this bundle runs, as Grafana's index.html does.
 */
import * as emotionCss from '@emotion/css';
import { CacheProvider } from '@emotion/react';
import * as grafanaData from '@grafana/data';
import {
  type AppPlugin,
  type AppPluginMeta,
  EventBusSrv,
  LoadingState,
  type PanelPlugin,
  PluginContextProvider,
  ThemeContext,
  getDefaultTimeRange,
} from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import { config, locationService, setAppEvents, setBackendSrv, setDataSourceSrv, setEchoSrv } from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles, PortalContainer } from '@grafana/ui';
import * as React from 'react';
import { type ComponentType, type ReactNode, useEffect, useLayoutEffect, useState } from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as ReactRouter from 'react-router';
import { Link, Route, Router, Routes, useLocation } from 'react-router-dom';
import * as jsxRuntime from 'react/jsx-runtime';
import * as rxjs from 'rxjs';
// Not exported from @grafana/runtime's index: Grafana core sets them through these modules (see README).
import { setPanelRenderer } from 'grafana-runtime-internals/PanelRenderer.mjs';
import { setPluginPage } from 'grafana-runtime-internals/PluginPage.mjs';

import { PanelFrames } from './PanelFrames';
import { HostPluginPage } from './HostPluginPage';
import { hostBackendSrv } from './backendSrv';
import { hostDataSourceSrv } from './dataSourceSrv';
import { registerOptionEditors } from './optionEditors';
import { emotionCacheWithoutFonts } from './withoutFonts';
import { importAmdModule } from './amd';

const PLUGIN_ID = 'seed-tracingops-app';
/** Under Grafana's sub-path (`appSubUrl`, '' at the root), as Grafana loads plugins from `<root_url>public/plugins/`. */
const PLUGIN_BASE = `${config.appSubUrl}/public/plugins/${PLUGIN_ID}`;

/** The modules Grafana shares with plugins (its `sharedDependenciesMap`), as far as our bundle asks for them. */
const shared: Record<string, unknown> = {
  '@emotion/css': emotionCss,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/ui': grafanaUi,
  react: React,
  'react-dom': ReactDOM,
  'react-router': ReactRouter,
  'react/jsx-runtime': jsxRuntime,
  rxjs,
};

setBackendSrv(hostBackendSrv);
setDataSourceSrv(hostDataSourceSrv(config.datasources, config.defaultDatasource));
registerOptionEditors();
setAppEvents(new EventBusSrv());
setEchoSrv({
  addBackend: () => {},
  addEvent: () => {},
  logDebug: () => {},
  isEnabled: () => false,
} as unknown as Parameters<typeof setEchoSrv>[0]);
setPanelRenderer(PanelFrames);
setPluginPage(HostPluginPage);

/** As Grafana's `getPluginSettings`: through backendSrv, so under the sub-path too. */
function loadPluginMeta(): Promise<AppPluginMeta> {
  return hostBackendSrv.get<AppPluginMeta>(`/api/plugins/${PLUGIN_ID}/settings`).catch((error: { status?: number }) => {
    throw new Error(`plugin settings: HTTP ${error.status}`);
  });
}

/** As Grafana's importAppPlugin: import the module, then `init` with the settings the API returned. */
async function loadApp(): Promise<{ app: AppPlugin; meta: AppPluginMeta }> {
  const meta = await loadPluginMeta();
  const { plugin: app } = await importAmdModule<{ plugin: AppPlugin }>(`${PLUGIN_BASE}/module.js`, shared);
  app.init(meta);
  app.meta = meta;
  return { app, meta };
}

async function loadPanel(): Promise<PanelPlugin> {
  const { plugin } = await importAmdModule<{ plugin: PanelPlugin }>(
    `${PLUGIN_BASE}/panels/correlated/module.js`,
    shared
  );
  return plugin;
}

function useLoaded<T>(load: () => Promise<T>): T | Error | undefined {
  const [value, setValue] = useState<T | Error>();
  useEffect(() => {
    load().then(setValue, (error: unknown) => setValue(error instanceof Error ? error : new Error(String(error))));
  }, [load]);
  return value;
}

function Loading({ value, children }: { value: unknown; children: () => React.ReactNode }) {
  if (value === undefined) {
    return <p>Loading the plugin…</p>;
  }
  if (value instanceof Error) {
    return <p role="alert">The preview host could not load the plugin: {value.message}</p>;
  }
  return <>{children()}</>;
}

/** Grafana's AppRootPage: the plugin's root component under `/a/<id>/*`, in the plugin's context. */
function AppRoot({ loaded }: { loaded: { app: AppPlugin; meta: AppPluginMeta } }) {
  const location = useLocation();
  const Root = loaded.app.root as ComponentType<grafanaData.AppRootProps>;
  return (
    <PluginContextProvider meta={loaded.meta}>
      {/* Grafana still passes the deprecated props; so does the host, for plugins that read them. */}
      <Root
        meta={loaded.meta}
        basename={`/a/${PLUGIN_ID}`}
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        path={location.pathname}
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        query={Object.fromEntries(new URLSearchParams(location.search))}
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        onNavChanged={() => {}}
      />
    </PluginContextProvider>
  );
}

/** Grafana's plugin details page, Config tab: each of the app's config pages with `plugin` and `query`. */
function ConfigPages({ loaded }: { loaded: { app: AppPlugin; meta: AppPluginMeta } }) {
  return (
    <PluginContextProvider meta={loaded.meta}>
      <HostPluginPage pageNav={{ text: `${loaded.meta.name} — configuration` }}>
        {(loaded.app.configPages ?? []).map((page) => (
          <page.body key={page.id} plugin={loaded.app} query={{}} />
        ))}
      </HostPluginPage>
    </PluginContextProvider>
  );
}

/** A one-panel dashboard with the nested correlated panel, the trace id taken from `?traceId=`. */
function PanelDashboard({ panel }: { panel: PanelPlugin }) {
  const location = useLocation();
  const traceId = new URLSearchParams(location.search).get('traceId') ?? '';
  const Panel = panel.panel!;
  const timeRange = getDefaultTimeRange();
  const [eventBus] = useState(() => new EventBusSrv());
  return (
    <HostPluginPage pageNav={{ text: 'Dashboard: correlated trace, metrics and logs' }}>
      <div style={{ width: 1200, height: 900 }}>
        <Panel
          id={1}
          title="Correlated trace, metrics and logs"
          data={{ state: LoadingState.Done, series: [], timeRange }}
          timeRange={timeRange}
          timeZone="browser"
          options={{ ...panel.defaults, traceId, dataSourceChoice: 'app' }}
          fieldConfig={{ defaults: {}, overrides: [] }}
          transparent={false}
          width={1200}
          height={900}
          renderCounter={0}
          eventBus={eventBus}
          onOptionsChange={() => {}}
          onFieldConfigChange={() => {}}
          onChangeTimeRange={() => {}}
          replaceVariables={(value: string) => value}
        />
      </div>
    </HostPluginPage>
  );
}

const loadAppOnce = (() => {
  let loading: Promise<{ app: AppPlugin; meta: AppPluginMeta }> | undefined;
  return () => (loading ??= loadApp());
})();
const loadPanelOnce = (() => {
  let loading: Promise<PanelPlugin> | undefined;
  return () => (loading ??= loadPanel());
})();

function HostBanner() {
  const user = config.bootData.user;
  return (
    <header className="host-banner" role="banner">
      <strong>Preview host — not Grafana.</strong> The built Tracing Ops plugin in a page that emulates only what
      Grafana core gives a plugin; Grafana&apos;s own traces, time-series and logs panels are placeholders.{' '}
      <span data-testid="host-user">
        Signed in as {user.login} ({user.orgRole})
      </span>
      <nav aria-label="Preview host">
        <Link to={`/a/${PLUGIN_ID}/incident`}>Incident</Link> · <Link to={`/a/${PLUGIN_ID}/trace`}>Trace</Link> ·{' '}
        <Link to={`/plugins/${PLUGIN_ID}`}>Settings</Link> · <Link to="/d/tracingops">Dashboard panel</Link> · Sign in
        as <a href={`${config.appSubUrl}/host/sign-in?as=viewer`}>Viewer</a>,{' '}
        <a href={`${config.appSubUrl}/host/sign-in?as=editor`}>Editor</a>,{' '}
        <a href={`${config.appSubUrl}/host/sign-in?as=admin`}>Admin</a>
      </nav>
    </header>
  );
}

function Host() {
  const app = useLoaded(loadAppOnce);
  return (
    <CacheProvider value={emotionCacheWithoutFonts}>
      <ThemeContext.Provider value={config.theme2}>
        <GlobalStyles />
        <HostBanner />
        <main className="host-main">
          <Routes>
            <Route
              path={`/a/${PLUGIN_ID}/*`}
              element={
                <Loading value={app}>
                  {() => <AppRoot loaded={app as { app: AppPlugin; meta: AppPluginMeta }} />}
                </Loading>
              }
            />
            <Route
              path={`/plugins/${PLUGIN_ID}`}
              element={
                <Loading value={app}>
                  {() => <ConfigPages loaded={app as { app: AppPlugin; meta: AppPluginMeta }} />}
                </Loading>
              }
            />
            <Route path="/d/tracingops" element={<PanelRoute />} />
            <Route path="*" element={<p>Nothing here in the preview host.</p>} />
          </Routes>
        </main>
        <PortalContainer />
      </ThemeContext.Provider>
    </CacheProvider>
  );
}

function PanelRoute() {
  const panel = useLoaded(loadPanelOnce);
  return <Loading value={panel}>{() => <PanelDashboard panel={panel as PanelPlugin} />}</Loading>;
}

/**
 * A react-router v6 router on Grafana's history (`locationService.getHistory()`), as Grafana mounts plugins. That
 * history is the `history` v4 package, whose listeners get `(location, action)`, not v5's `{ location, action }`,
 * so react-router's own HistoryRouter cannot take it.
 */
type GrafanaHistory = ReturnType<typeof locationService.getHistory>;

function GrafanaHistoryRouter({ children }: { children: ReactNode }) {
  const history = locationService.getHistory();
  const [state, setState] = useState({ location: history.location, action: history.action });
  useLayoutEffect(
    () =>
      history.listen((location: GrafanaHistory['location'], action: GrafanaHistory['action']) =>
        setState({ location, action })
      ),
    [history]
  );
  return (
    <Router
      location={state.location}
      navigationType={state.action as ReactRouter.NavigationType}
      navigator={history as unknown as ReactRouter.Navigator}
      future={{ v7_relativeSplatPath: true }}
    >
      {children}
    </Router>
  );
}

createRoot(document.getElementById('host-root')!).render(
  <GrafanaHistoryRouter>
    <Host />
  </GrafanaHistoryRouter>
);
