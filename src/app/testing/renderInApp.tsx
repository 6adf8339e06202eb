/** Renders app components the way Grafana mounts them: inside a router and the app's plugin context. */
import React, { ReactElement } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { AppPluginMeta, PluginContextProvider, PluginType } from '@grafana/data';
import { render } from '@testing-library/react';

import { PLUGIN_ID } from '../routes';
import { AppSettings } from '../settings';

export function appMeta(
  jsonData: AppSettings = {},
  secureJsonFields: Record<string, boolean> = {}
): AppPluginMeta<AppSettings> {
  return {
    id: PLUGIN_ID,
    name: 'Tracing Ops',
    type: PluginType.app,
    enabled: true,
    jsonData,
    secureJsonFields,
    module: `public/plugins/${PLUGIN_ID}/module.js`,
    baseUrl: `public/plugins/${PLUGIN_ID}`,
    info: {
      author: { name: 'Tracing Ops' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '0.0.0',
      keywords: [],
    },
  };
}

/** `path` is the route pattern (as App.tsx declares it), `url` the location to open, relative to the app root. */
export function renderInApp(element: ReactElement, { url = '/', path = '*', meta = appMeta() } = {}) {
  return render(
    <PluginContextProvider meta={meta}>
      <MemoryRouter initialEntries={[url]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route path={path} element={element} />
        </Routes>
      </MemoryRouter>
    </PluginContextProvider>
  );
}
