import { screen } from '@testing-library/react';
import React from 'react';

import { appMeta, renderInApp } from '../../testing/renderInApp';
import { IncidentPage } from './IncidentPage';

const configured = {
  tempoDatasourceUid: 'tempo',
  prometheusDatasourceUid: 'prom',
  lokiDatasourceUid: 'loki',
  controllerUrl: 'http://controller:8080',
};

describe('IncidentPage', () => {
  it('says what the page shows and links to the trace page and the settings', () => {
    renderInApp(<IncidentPage />, { meta: appMeta(configured) });

    expect(screen.getByText('Anomalous traces')).toBeInTheDocument();
    expect(screen.getByText('Sampling')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /open a trace/i })).toHaveAttribute('href', '/a/seed-tracingops-app/trace');
    expect(screen.getByRole('link', { name: 'settings' })).toHaveAttribute('href', '/plugins/seed-tracingops-app');
    expect(screen.queryByText('Finish the set-up')).not.toBeInTheDocument();
  });

  it('names every missing connection before anything else', () => {
    renderInApp(<IncidentPage />, { meta: appMeta({ tempoDatasourceUid: 'tempo' }) });

    expect(screen.getByText('Finish the set-up')).toBeInTheDocument();
    expect(
      screen.getByText(/Prometheus data source, Loki data source, sampling controller URL/)
    ).toBeInTheDocument();
  });
});
