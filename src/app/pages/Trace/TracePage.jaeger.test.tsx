/**
 * The Trace page with a Jaeger trace data source and the spanmetrics connector's metrics, Jaeger
 * answering with the responses recorded from a real Jaeger v2 (`src/analysis/fixtures/jaeger/`).
 */
import { screen, waitFor, within } from '@testing-library/react';
import React from 'react';

import { jaegerRecording, jaegerRecordingInfo } from '../../../analysis/fixtures';
import {
  lastPanels,
  mockPanelRenderer,
  proxy,
  queriesSent,
  renderedPanels,
} from '../../features/correlated/testing/correlatedBackend';
import { FakeBackend, fail, ok } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import type { AppSettings } from '../../settings';
import { TracePage } from './TracePage';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  PanelRenderer: (props: never) => mockPanelRenderer(props),
  getDataSourceSrv: () => ({
    getInstanceSettings: (uid: string) => (uid === 'jaeger-uid' ? { uid, name: 'Jaeger', type: 'jaeger' } : undefined),
  }),
}));

const settings: AppSettings = { tracesDatasourceUid: 'jaeger-uid', prometheusDatasourceUid: 'prom-uid' };
const JAEGER = proxy('jaeger-uid');
const traceId = jaegerRecordingInfo().traceIds['pool-wait'];
const emptyMatrix = ok({ status: 'success', data: { resultType: 'matrix', result: [] } });

function openTrace() {
  return renderInApp(<TracePage />, { url: `/trace?traceId=${traceId}`, meta: appMeta(settings) });
}

beforeEach(() => {
  mockBackend.reset();
  renderedPanels.length = 0;
  mockBackend.on('GET', `${proxy('prom-uid')}/api/v1/query_range`, emptyMatrix).on(
    'GET',
    `${proxy('prom-uid')}/api/v1/label/__name__/values`,
    ok({
      status: 'success',
      data: ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_milliseconds_bucket'],
    })
  );
});

describe('TracePage on Jaeger', () => {
  it('loads the trace from /api/v3, analyses it and draws it for the Jaeger data source', async () => {
    mockBackend
      .on('GET', `${JAEGER}/api/v3/services`, ok(jaegerRecording('v3-services').body))
      .on('GET', `${JAEGER}/api/v3/traces/${traceId}`, ok(jaegerRecording('v3-trace-pool-wait').body));
    openTrace();

    const findings = await screen.findByRole('list', { name: 'Findings' });
    expect(within(findings).getByText('Bottleneck').closest('li')).toHaveTextContent(/pool\.acquire/);
    expect(lastPanels('traces')[0]!.options).toMatchObject({ datasource: { type: 'jaeger', uid: 'jaeger-uid' } });
    const explore = new URL(screen.getByRole('link', { name: 'Open in Explore' }).getAttribute('href')!, 'http://g');
    expect(JSON.parse(explore.searchParams.get('panes')!).trace.queries).toEqual([
      { refId: 'A', datasource: { type: 'jaeger', uid: 'jaeger-uid' }, query: traceId },
    ]);
  });

  it('falls back to the UI API on a Jaeger without /api/v3', async () => {
    mockBackend
      .on('GET', `${JAEGER}/api/v3/services`, fail(404, '404 page not found'))
      .on('GET', `${JAEGER}/api/traces/${traceId}`, ok(jaegerRecording('ui-trace-pool-wait').body));
    openTrace();

    const findings = await screen.findByRole('list', { name: 'Findings' });
    expect(within(findings).getByText('Bottleneck').closest('li')).toHaveTextContent(/pool\.acquire/);
  });

  it('asks for the RED metrics in the connector’s names', async () => {
    mockBackend
      .on('GET', `${JAEGER}/api/v3/services`, ok(jaegerRecording('v3-services').body))
      .on('GET', `${JAEGER}/api/v3/traces/${traceId}`, ok(jaegerRecording('v3-trace-pool-wait').body));
    openTrace();

    // The three charts and the trace's latency baselines.
    await waitFor(() => expect(queriesSent(mockBackend, '/api/v1/query_range')).toHaveLength(4));
    for (const query of queriesSent(mockBackend, '/api/v1/query_range')) {
      expect(query).toMatch(/traces_span_metrics_(calls_total|duration_milliseconds_bucket)\{service_name=~/);
    }
  });

  it('says Jaeger has no such trace', async () => {
    mockBackend
      .on('GET', `${JAEGER}/api/v3/services`, ok(jaegerRecording('v3-services').body))
      .on('GET', `${JAEGER}/api/v3/traces/`, fail(404, jaegerRecording('v3-trace-missing').body));
    openTrace();

    expect(await screen.findByText(/^Jaeger has no trace/)).toBeInTheDocument();
  });
});
