/**
 * "Why these traces?" on a Jaeger data source: the baseline comes from Jaeger's per-service search
 * over slices of the range, and a filter narrows Jaeger's search through its `tags` parameter. Jaeger
 * answers in the shapes recorded from a real Jaeger v2 (`src/app/testing/fakeJaeger.ts`).
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { type OtlpTraceJson, FAILING_REGION, failingCheckouts, healthyCheckouts } from '../../../analysis/fixtures';
import { FakeBackend, fail, ok, signInAs } from '../../testing/fakeBackend';
import { type JaegerSearchParams, jaegerHolds, searchOf } from '../../testing/fakeJaeger';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { IncidentPage } from './IncidentPage';
import { LOADED, openComparison } from './openComparison.testing';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  getDataSourceSrv: () => ({
    getInstanceSettings: (uid: string) => (uid === 'jaeger' ? { uid, name: 'Jaeger', type: 'jaeger' } : undefined),
  }),
}));

const JAEGER = '/api/datasources/proxy/uid/jaeger';
/** Only Jaeger: the comparison needs nothing else, and the page leaves out what is not configured. */
const meta = appMeta({
  tracesDatasourceUid: 'jaeger',
  ownership: [{ team: 'payments', services: ['gateway', 'payments'] }],
});

const FROM = Date.parse('2024-12-31T23:30:00Z');
const TO = Date.parse('2025-01-01T00:30:00Z');
const RANGE = `from=${FROM}&to=${TO}`;
/** The page's range in Jaeger's UI API units (µs), as the searches carry it. */
const US = { start: FROM * 1000, end: TO * 1000 };

/** The recorded trace moved to start `ms` after the start of the range, as if sent then. */
function at(trace: OtlpTraceJson, ms: number): OtlpTraceJson {
  const shift = (ns: string) => String(BigInt(ns) + BigInt(FROM + ms - Date.UTC(2025, 0, 1)) * 1_000_000n);
  return {
    resourceSpans: trace.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) => ({
          ...s,
          startTimeUnixNano: shift(s.startTimeUnixNano),
          endTimeUnixNano: shift(s.endTimeUnixNano),
        })),
      })),
    })),
  };
}

/** The trace with `network.peer.port` = `port` on payments' server span, as an instrumented server records its caller's port. */
function fromPort(trace: OtlpTraceJson, port: number): OtlpTraceJson {
  return {
    resourceSpans: trace.resourceSpans.map((rs) => ({
      ...rs,
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...ss,
        spans: ss.spans.map((s) =>
          s.name === 'POST /payments' && s.kind === 2
            ? { ...s, attributes: [...s.attributes, { key: 'network.peer.port', value: { intValue: port } }] }
            : s
        ),
      })),
    })),
  };
}

/** Healthy checkouts spread over the hour, the failing ones (all in eu-west) in its last ten minutes. */
const HEALTHY = healthyCheckouts().map((t, i) => at(t, 60_000 + i * 70_000));
const FAILING = failingCheckouts().map((t, i) => at(t, 50 * 60_000 + i * 40_000));
const EU_WEST = `resource.cloud.region = "${FAILING_REGION}"`;

jest.setTimeout(30_000);

/** The searches sent to Jaeger (either API), in order, as service, tags and limit. */
const searches = () =>
  mockBackend
    .sent(`${JAEGER}/api/`)
    .filter((r) => /\/api\/(v3\/)?traces\?/.test(r.url))
    .map(searchOf);
const BASELINE_SEARCH_LIMIT = 25;
const baselineSearches = () => searches().filter((s) => s.limit === BASELINE_SEARCH_LIMIT);

beforeEach(() => {
  mockBackend.reset();
  signInAs({ login: 'vic', role: 'Viewer' });
  mockBackend.on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]));
});

describe('Why these traces? on Jaeger', () => {
  it('compares, for a Viewer, the failing checkouts with the recent traces of each service in scope, region first', async () => {
    jaegerHolds(mockBackend, JAEGER, [...HEALTHY, ...FAILING]);
    const view = await openComparison(meta, `/incident?${RANGE}`);

    const table = await within(view).findByRole(
      'table',
      { name: 'Attribute values that stand out, most first' },
      LOADED
    );
    const [first, ...others] = within(table).getAllByRole('row').slice(1);
    expect(within(first!).getByText(EU_WEST)).toBeInTheDocument();
    expect(first).toHaveTextContent('12 (100%) vs 12 (25%)');
    expect(others).toHaveLength(0);
    expect(view).toHaveTextContent('Compared 12 anomalous with 48 normal traces of the same root operations.');
    expect(document.body).not.toHaveTextContent(/sess-vip|vip\.customer|example\.org|req-/);

    // Per service in scope, four slices of the range, the newest 25 of each, no tags: Jaeger's v3 API.
    const quarter = (US.end - US.start) / 4;
    expect(baselineSearches()).toEqual(
      ['gateway', 'payments'].flatMap((service) =>
        [0, 1, 2, 3].map((i) => ({
          service,
          startNs: BigInt(US.start + i * quarter) * 1000n,
          endNs: BigInt(US.start + (i + 1) * quarter) * 1000n,
          minDurationNs: undefined,
          tags: {},
          limit: 25,
        }))
      )
    );
    expect(mockBackend.sent(`${JAEGER}/api/v3/traces?`).filter((r) => r.url.includes('num_traces=25'))).toHaveLength(8);
  });

  it('does not offer the ephemeral port of a kept-alive connection the failing checkouts happened to share', async () => {
    const overOneConnection = FAILING.map((t) => fromPort(t, 50_123));
    const overMany = HEALTHY.map((t, i) => fromPort(t, 50_000 + (i % 8)));
    jaegerHolds(mockBackend, JAEGER, [...overMany, ...overOneConnection]);
    const view = await openComparison(meta, `/incident?${RANGE}`);

    const table = await within(view).findByRole('table', {}, LOADED);
    expect(
      within(table)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.textContent)
    ).toEqual([expect.stringContaining(EU_WEST)]);
    expect(view).not.toHaveTextContent('network.peer.port');
  });

  it('narrows the list and the baseline through Jaeger’s tags parameter to the value clicked, shown as a removable filter', async () => {
    jaegerHolds(mockBackend, JAEGER, [...HEALTHY, ...FAILING]);
    const view = await openComparison(meta, `/incident?${RANGE}`);
    const before = mockBackend.requests.length;

    await userEvent.click(await within(view).findByRole('button', { name: `Only traces with ${EU_WEST}` }, LOADED));

    await waitFor(() => expect(baselineSearches().filter((s) => s.tags['cloud.region'])).toHaveLength(8), LOADED);
    const after = mockBackend.requests.slice(before).map((r) => decodeURIComponent(r.url));
    // Tags go to the UI API (v3 over HTTP ignores them), as one JSON parameter.
    expect(after).toContain(
      `${JAEGER}/api/traces?service=payments&tags={"cloud.region":"eu-west"}&limit=25&start=${US.start}&end=${US.start + (US.end - US.start) / 4}`
    );
    // The failing and slow traces per third of the range, so the newest do not hide the first.
    const third = (US.end - US.start) / 3;
    expect(after).toContain(
      `${JAEGER}/api/traces?service=payments&tags={"cloud.region":"eu-west","error":"true"}&limit=20&start=${US.start}&end=${US.start + third}`
    );
    expect(after).toContain(
      `${JAEGER}/api/traces?service=gateway&tags={"cloud.region":"eu-west"}&minDuration=500000us&limit=20&start=${US.start + 2 * third}&end=${US.end}`
    );
    expect(after.filter((url) => url.includes('/api/v3/traces?'))).toEqual([]);
    expect(await screen.findByRole('button', { name: `Remove the filter ${EU_WEST}` }, LOADED)).toBeInTheDocument();
  });

  it('lists only traces carrying the filter value, even when Jaeger’s search matches loosely', async () => {
    // Like v1.76's memory store with `error=true`: the tags are not applied at all.
    jaegerHolds(mockBackend, JAEGER, [...HEALTHY, ...FAILING], { ignoresTags: true });
    const where = encodeURIComponent(JSON.stringify([{ scope: 'span', key: 'feature.flag', value: 'beta-checkout' }]));
    renderInApp(<IncidentPage />, { url: `/incident?${RANGE}&where=${where}&list=traces`, meta });

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' }, LOADED);
    // Two failing checkouts carry the flag (`failingCheckouts`), ten do not.
    expect(within(table).getAllByRole('row', { name: /^Open the trace of/ })).toHaveLength(2);
    expect(searches().every((s) => s.tags['feature.flag'] === 'beta-checkout')).toBe(true);
  });

  it('warns about partial data when one service’s searches for normal traces fail, and compares the rest', async () => {
    jaegerHolds(mockBackend, JAEGER, [...HEALTHY, ...FAILING], {
      failing: (s: JaegerSearchParams) =>
        s.service === 'gateway' && s.limit === BASELINE_SEARCH_LIMIT ? fail(502, 'upstream connect error') : undefined,
    });
    const view = await openComparison(meta, `/incident?${RANGE}`);

    const alert = await within(view).findByRole('alert', { name: 'Partial data' }, LOADED);
    expect(alert).toHaveTextContent(
      '4 of 8 searches for normal traces failed, so some services or slices of the range are missing; the first: Jaeger (Jaeger) answered HTTP 502'
    );
    // payments takes part in every checkout: its searches alone find the same normal traces.
    expect(within(view).getByText(EU_WEST)).toBeInTheDocument();
    expect(view).toHaveTextContent('Compared 12 anomalous with 48 normal traces of the same root operations.');
  });

  it('says which data source failed, with its status, when every search for normal traces fails', async () => {
    jaegerHolds(mockBackend, JAEGER, [...HEALTHY, ...FAILING], {
      failing: (s) => (s.limit === BASELINE_SEARCH_LIMIT ? fail(503, 'Jaeger is restarting') : undefined),
    });
    const view = await openComparison(meta, `/incident?${RANGE}`);

    const alert = await within(view).findByRole('alert', { name: 'Could not compare the traces' }, LOADED);
    expect(alert).toHaveTextContent('Jaeger (Jaeger) answered HTTP 503');
  });
});
