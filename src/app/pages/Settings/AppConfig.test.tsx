import { screen } from '@testing-library/react';
import React from 'react';
import { AppPlugin } from '@grafana/data';

import { AppSettings } from '../../settings';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { AppConfig } from './AppConfig';

function renderConfig(meta: ReturnType<typeof appMeta>) {
  const plugin = new AppPlugin<AppSettings>();
  plugin.meta = meta;
  return renderInApp(<AppConfig plugin={plugin} query={{}} />, { meta });
}

describe('AppConfig', () => {
  it('shows which connections are configured, and the token only as configured', () => {
    const meta = appMeta(
      { tempoDatasourceUid: 'tempo-uid', controllerUrl: 'http://controller:8080' },
      { controllerToken: true }
    );
    renderConfig(meta);

    expect(screen.getByText('tempo-uid')).toBeInTheDocument();
    expect(screen.getByText('http://controller:8080')).toBeInTheDocument();
    expect(screen.getAllByText('not configured')).toHaveLength(2);
    expect(screen.getAllByText('configured')).toHaveLength(1);
  });

  it('says when the app is disabled', () => {
    renderConfig({ ...appMeta(), enabled: false });
    expect(screen.getByText('The app is not enabled')).toBeInTheDocument();
  });
});
