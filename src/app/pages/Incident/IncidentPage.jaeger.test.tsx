/**
 * The incident page on Jaeger and the OpenTelemetry spanmetrics connector, with Jaeger answering from
 * the responses recorded from a real Jaeger v2 (`src/analysis/fixtures/jaeger/`): its `/api/v3`
 * search merges every matching trace into one list and answers 404 when none match; its UI API
 * filters on tags.
 */
import { screen, waitFor, within } from '@testing-library/react';
import React from 'react';

import {
  type RecordedPattern,
  RECORDED_PATTERNS,
  jaegerRecording,
  jaegerRecordingInfo,
} from '../../../analysis/fixtures';
import { FakeBackend, fail, ok, signInAs } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import type { AppSettings } from '../../settings';
import { IncidentPage } from './IncidentPage';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  getDataSourceSrv: () => ({
    getInstanceSettings: (uid: string) =>
      ({ jaeger: { uid, name: 'Jaeger', type: 'jaeger' }, prom: { uid, name: 'Prometheus', type: 'prometheus' } })[uid],
  }),
}));

const settings: AppSettings = {
  tracesDatasourceUid: 'jaeger',
  prometheusDatasourceUid: 'prom',
  // No controller: the sampling section stays out of these tests.
  ownership: [
    { team: 'payments', services: ['pay*', 'fraud'] },
    { team: 'edge', services: ['gateway', 'auth'] },
  ],
};

const JAEGER = '/api/datasources/proxy/uid/jaeger';
const PROM = '/api/datasources/proxy/uid/prom';
const { traceIds } = jaegerRecordingInfo();
/** The hour the recorded traces were sent in (their timestamps say 2025-01-01T00:00Z). */
const RANGE = `from=${Date.parse('2024-12-31T23:30:00Z')}&to=${Date.parse('2025-01-01T00:30:00Z')}`;

type ResourceSpans = Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> } }>;
const v3Trace = (p: RecordedPattern) =>
  (jaegerRecording(`v3-trace-${p}`).body as { result: { resourceSpans: ResourceSpans } }).result.resourceSpans;
const uiTrace = (p: RecordedPattern) =>
  (jaegerRecording(`ui-trace-${p}`).body as { data: Array<{ processes: object; spans: object[] }> }).data[0]!;
const servicesOf = (p: RecordedPattern) =>
  v3Trace(p).map((rs) => rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue);

/** Jaeger holding the recorded traces: searches by service like Jaeger's own, answers in its two shapes. */
function jaegerHolds(patterns: readonly RecordedPattern[]) {
  const matching = (service: string | null) => patterns.filter((p) => servicesOf(p).includes(service ?? ''));
  mockBackend
    .on('GET', `${JAEGER}/api/v3/services`, ok(jaegerRecording('v3-services').body))
    .on('GET', `${JAEGER}/api/v3/traces?`, (request) => {
      const found = matching(new URL(request.url, 'http://grafana').searchParams.get('query.service_name'));
      return found.length === 0
        ? fail(404, jaegerRecording('v3-search-none').body)
        : ok({ result: { resourceSpans: found.flatMap(v3Trace) } });
    })
    .on('GET', `${JAEGER}/api/traces?`, (request) => {
      const found = matching(new URL(request.url, 'http://grafana').searchParams.get('service'));
      return ok({ data: found.map(uiTrace), total: 0, limit: 0, offset: 0, errors: null });
    });
}

const jaegerSearches = () =>
  mockBackend
    .sent(`${JAEGER}/api/`)
    .map((r) => new URL(r.url, 'http://grafana').searchParams)
    .map((p) => p.get('query.service_name') ?? p.get('service'))
    .filter((service) => service !== null);
const promQueries = () =>
  mockBackend.sent(`${PROM}/api/v1/query`).map((r) => new URL(r.url, 'http://grafana').searchParams.get('query')!);

beforeEach(() => {
  mockBackend.reset();
  signInAs({ login: 'alice', role: 'Editor' });
  mockBackend
    .on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]))
    .on(
      'GET',
      `${PROM}/api/v1/label/__name__/values`,
      ok({
        status: 'success',
        data: ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_milliseconds_bucket'],
      })
    )
    .on('GET', `${PROM}/api/v1/query_range`, ok({ status: 'success', data: { resultType: 'matrix', result: [] } }))
    .on('GET', `${PROM}/api/v1/query`, ok({ status: 'success', data: { resultType: 'vector', result: [] } }));
});

function renderPage(url = `/incident?${RANGE}`) {
  return renderInApp(<IncidentPage />, { url, meta: appMeta(settings, { controllerToken: true }) });
}

describe('IncidentPage on Jaeger', () => {
  it('lists the anomalous traces Jaeger holds for the team’s services, as the analysis ranks them', async () => {
    jaegerHolds(RECORDED_PATTERNS);
    renderPage(`/incident?${RANGE}&list=traces`);

    const section = await screen.findByRole('region', { name: 'Anomalous traces' });
    const opened = () =>
      within(section)
        .queryAllByRole('link')
        .map((link) => new URL(link.getAttribute('href')!, 'http://grafana').searchParams.get('traceId'));
    // payments takes part in every checkout pattern and the refund; the healthy checkout has no findings. Rows
    // stream in as traces are analysed, so the list is read once it is complete.
    await waitFor(
      () =>
        expect(new Set(opened())).toEqual(
          new Set(
            (['pool-wait', 'n-plus-one', 'swallowed-errors', 'plain-error', 'refund-queue'] as const).map(
              (p) => traceIds[p]
            )
          )
        ),
      { timeout: 10_000 }
    );
    expect(within(section).getByText(/pool\.acquire/)).toBeInTheDocument();
  });

  it('searches only the services the team owns, with globs expanded against Jaeger’s service list', async () => {
    jaegerHolds(RECORDED_PATTERNS);
    renderPage();
    const section = await screen.findByRole('region', { name: 'Anomalous traces' });
    await within(section).findAllByRole('link', undefined, { timeout: 10_000 });

    const searched = new Set(jaegerSearches());
    expect(searched).toEqual(new Set(['payments', 'fraud']));
  });

  it('queries the connector’s span metrics for the RED overview and the baselines', async () => {
    jaegerHolds([]);
    renderPage();

    await waitFor(() => expect(promQueries().length).toBeGreaterThanOrEqual(4));
    for (const query of promQueries()) {
      expect(query).toMatch(/traces_span_metrics_(calls_total|duration_milliseconds_bucket)/);
      expect(query).not.toMatch(/traces_spanmetrics_/);
      expect(query).toContain('service_name');
    }
  });

  it('says there are no anomalies when Jaeger has no traces for the team', async () => {
    jaegerHolds(['healthy']);
    renderPage();
    expect(
      await screen.findByText(/No anomalies in this range \(1 candidate traces checked\)/, undefined, {
        timeout: 10_000,
      })
    ).toBeInTheDocument();
  });
});
