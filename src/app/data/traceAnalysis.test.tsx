/**
 * The one trace pipeline, seen from every view: a trace the incident list flags only as "slow vs p99" shows the
 * same finding on the Trace page and in the dashboard panel, and a value the redaction settings hide (an e-mail in
 * a span name and an attribute, a card number) appears on none of them: not in the list, the findings, the span
 * picker, nor the frames handed to Grafana's trace panel.
 */
import { screen, within } from '@testing-library/react';
import React from 'react';
import type { PanelProps } from '@grafana/data';

import { buildTrace } from '../../analysis';
import { type OtlpTraceJson, call, recordTrace, toTempoJson } from '../../analysis/fixtures';
import { mockPanelRenderer, renderedPanels } from '../features/correlated/testing/correlatedBackend';
import { IncidentPage } from '../pages/Incident/IncidentPage';
import { TracePage } from '../pages/Trace/TracePage';
import { CorrelatedPanel } from '../panels/correlated/CorrelatedPanel';
import type { CorrelatedOptions } from '../panels/correlated/options';
import { PLUGIN_ID } from '../routes';
import type { AppSettings } from '../settings';
import { FakeBackend, ok, signInAs } from '../testing/fakeBackend';
import { appMeta, renderInApp } from '../testing/renderInApp';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  PanelRenderer: (props: never) => mockPanelRenderer(props),
}));

const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';

/**
 * A checkout that took 900 ms where its p99 is 100 ms, spread over three calls so no span holds the critical path,
 * with private data in a span name and in attributes.
 */
const slowCheckout: OtlpTraceJson = recordTrace(
  {
    service: 'gateway',
    name: 'GET /checkout',
    kind: 'server',
    at: 0,
    duration: 900,
    attributes: { 'http.route': '/checkout', 'payment.card': CARD },
    children: [
      call('gateway', 'accounts', `GET /accounts/${EMAIL}`, 10, 290, { attributes: { 'user.email': EMAIL } }),
      call('gateway', 'inventory', 'GET /stock', 300, 290),
      call('gateway', 'pricing', 'GET /price', 590, 300),
    ],
  },
  { seed: 41 }
);
const trace = buildTrace(slowCheckout);

const settings: AppSettings = {
  tempoDatasourceUid: 'tempo',
  prometheusDatasourceUid: 'prom',
  ownership: [{ team: 'payments', services: ['*'] }],
};
const TEMPO = '/api/datasources/proxy/uid/tempo';
const PROM = '/api/datasources/proxy/uid/prom';

/** Prometheus' p99 of gateway's GET /checkout: 100 ms, so the 900 ms trace is nine times over it. */
const p99 = ok({
  status: 'success',
  data: {
    resultType: 'vector',
    result: [{ metric: { service: 'gateway', span_name: 'GET /checkout' }, value: [0, '0.1'] }],
  },
});

beforeEach(() => {
  mockBackend.reset();
  renderedPanels.length = 0;
  signInAs({ login: 'alice', role: 'Editor' });
  mockBackend
    .on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]))
    .on('GET', `/api/plugins/${PLUGIN_ID}/settings`, ok({ id: PLUGIN_ID, enabled: true, jsonData: settings }))
    .on('GET', `${TEMPO}/api/search`, ok({ traces: [{ traceID: trace.traceId, rootServiceName: 'gateway' }] }))
    .on('GET', `${TEMPO}/api/v2/traces/${trace.traceId}`, ok(toTempoJson(slowCheckout, { envelope: 'v2' })))
    .on('GET', `${PROM}/api/v1/query`, p99)
    .on('GET', `${PROM}/api/v1/query_range`, ok({ status: 'success', data: { resultType: 'matrix', result: [] } }))
    .on(
      'GET',
      `${PROM}/api/v1/label/__name__/values`,
      ok({ status: 'success', data: ['traces_spanmetrics_calls_total'] })
    );
});

/** What Grafana hands the panel on a dashboard, as far as the panel reads it. */
function panelProps(options: Partial<CorrelatedOptions>): PanelProps<CorrelatedOptions> {
  return {
    options,
    width: 900,
    height: 900,
    replaceVariables: (value: string) => value,
  } as unknown as PanelProps<CorrelatedOptions>;
}

/** Everything a view shows: its text and the data frames it hands to Grafana's panels. */
function shown(): string {
  return document.body.textContent + JSON.stringify(renderedPanels.map((panel) => panel.data));
}

function expectNothingPrivate() {
  expect(shown()).not.toContain(EMAIL);
  expect(shown()).not.toContain(CARD);
  expect(shown()).not.toContain(CARD.replace(/ /g, ''));
}

describe('one trace pipeline for every view', () => {
  it('lists the trace for slow vs p99 alone, without private values', async () => {
    renderInApp(<IncidentPage />, { url: '/incident?list=traces', meta: appMeta(settings) });

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row).toHaveTextContent('Slow vs p99');
    expect(row).toHaveTextContent('9.0×');
    expect(within(table).queryByText(/Error|Bottleneck|N\+1/)).toBeNull();
    expectNothingPrivate();
  });

  it('shows the same slow finding on the Trace page, and no private value in findings, picker or frames', async () => {
    const accounts = trace.spans.find((span) => span.service === 'accounts')!;
    renderInApp(<TracePage />, {
      url: `/trace?traceId=${trace.traceId}&spanId=${accounts.id}`,
      meta: appMeta(settings),
    });

    const findings = await screen.findByRole('list', { name: 'Findings' });
    expect(within(findings).getByText('Slow vs p99')).toBeInTheDocument();
    await screen.findByTestId('panel-traces');
    // The span picker shows the selected span by its name, redacted like everywhere else.
    expect(screen.getByDisplayValue('accounts · GET /accounts/[REDACTED]')).toBeInTheDocument();
    expect(shown()).toContain('GET /accounts/[REDACTED]');
    expectNothingPrivate();
  });

  it('judges the list and the trace opened from it against the window before the range, the trace alone against its last hour', async () => {
    const baselineQueries = () =>
      mockBackend.sent(`${PROM}/api/v1/query`).map((r) => {
        const params = new URL(r.url, 'http://grafana').searchParams;
        return { query: params.get('query') ?? '', time: Number(params.get('time')) };
      });
    const { unmount } = renderInApp(<IncidentPage />, {
      url: '/incident?from=now-30m&to=now&list=traces',
      meta: appMeta(settings),
    });
    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    const href = new URL(within(table).getAllByRole('link')[0]!.getAttribute('href')!, 'http://grafana');
    const [start, end] = href.searchParams.get('baseline')!.split('-').map(Number);
    expect(end! - start!).toBe(1800);
    const listed = baselineQueries().find((q) => q.query.startsWith('(histogram_quantile(0.99'));
    expect(listed).toEqual({ query: expect.stringContaining('[30m] offset 30m'), time: end });
    unmount();

    mockBackend.requests.length = 0;
    renderInApp(<TracePage />, { url: `/trace${href.search}`, meta: appMeta(settings) });
    const findings = await screen.findByRole('list', { name: 'Findings' });
    expect(within(findings).getByText('Slow vs p99')).toBeInTheDocument();
    expect(baselineQueries()).toContainEqual({ query: expect.stringContaining('[30m] offset 30m'), time: end });
  });

  it('judges a trace opened on its own against the hour before it ended, and ignores a malformed baseline range', async () => {
    renderInApp(<TracePage />, {
      url: `/trace?traceId=${trace.traceId}&baseline=9-1`,
      meta: appMeta(settings),
    });
    await screen.findByRole('list', { name: 'Findings' });
    const sent = mockBackend.sent(`${PROM}/api/v1/query`).map((r) => new URL(r.url, 'http://grafana').searchParams);
    expect(sent.map((p) => p.get('query'))).toContainEqual(
      expect.stringMatching(/^histogram_quantile\(0\.99, .*\[1h\]\)\)\)$/)
    );
    expect(sent.map((p) => Number(p.get('time')))).toContain(Math.ceil((trace.startUnixMs + trace.durationMs) / 1000));
  });

  it('takes the dashboard panel through the same pipeline, baselines included, and keeps its frames redacted', async () => {
    renderInApp(<CorrelatedPanel {...panelProps({ traceId: trace.traceId, dataSourceChoice: 'app' })} />, {
      url: '/d/incident',
      meta: appMeta(settings),
    });

    await screen.findByTestId('panel-traces', {});
    const baselineQueries = mockBackend
      .sent(`${PROM}/api/v1/query`)
      .map((r) => new URL(r.url, 'http://grafana').searchParams.get('query'));
    expect(baselineQueries).toContainEqual(expect.stringMatching(/^histogram_quantile\(0\.99, .*service=~"\^\(/));
    expect(shown()).toContain('GET /accounts/[REDACTED]');
    expectNothingPrivate();
  });
});
