/**
 * "Where to look first" on a Jaeger data source: both windows are Jaeger's per-service searches over slices — the hour
 * before the range and the range — and the ranking runs on what they answered. Jaeger answers in the shapes recorded
 * from a real Jaeger v2 (`src/app/testing/fakeJaeger.ts`).
 */
import { screen, within } from '@testing-library/react';
import React from 'react';

import { type OtlpTraceJson, failingCheckouts, healthyCheckouts } from '../../../analysis/fixtures';
import { FakeBackend, ok, signInAs } from '../../testing/fakeBackend';
import { jaegerHolds, searchOf } from '../../testing/fakeJaeger';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { IncidentPage } from './IncidentPage';
import { LOADED } from './openComparison.testing';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  getDataSourceSrv: () => ({
    getInstanceSettings: (uid: string) => (uid === 'jaeger' ? { uid, name: 'Jaeger', type: 'jaeger' } : undefined),
  }),
}));

const JAEGER = '/api/datasources/proxy/uid/jaeger';
const meta = appMeta({
  tracesDatasourceUid: 'jaeger',
  ownership: [{ team: 'payments', services: ['gateway', 'payments'] }],
});

const FROM = Date.parse('2025-01-01T00:30:00Z');
const TO = Date.parse('2025-01-01T01:00:00Z');
const HOUR_MS = 3_600_000;

/** The recorded trace moved to start `ms` after the start of the range (negative: before it), as if sent then. */
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

beforeEach(() => {
  mockBackend.reset();
  signInAs({ login: 'vic', role: 'Viewer' });
  mockBackend.on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]));
});

/** The suspects' searches: no tags and no duration, unlike the candidates' searches for failing and slow traces. */
const suspectSearches = () =>
  mockBackend
    .sent(`${JAEGER}/api/`)
    .filter((r) => /\/api\/(v3\/)?traces\?/.test(r.url))
    .map(searchOf)
    .filter((s) => s.limit === 20 && s.minDurationNs === undefined && Object.keys(s.tags).length === 0);

describe('Where to look first on Jaeger', () => {
  it('searches the hour before the range and the range alike, per service in scope, and ranks what changed', async () => {
    // Healthy checkouts over the hour before the range; in the range, the failing ones among healthy ones.
    const baseline = [...healthyCheckouts(), ...healthyCheckouts()].map((t, i) =>
      at(t, -HOUR_MS + 60_000 + i * 60_000)
    );
    const range = [...healthyCheckouts(), ...failingCheckouts()].map((t, i) => at(t, 30_000 + i * 30_000));
    jaegerHolds(mockBackend, JAEGER, [...baseline, ...range]);
    renderInApp(<IncidentPage />, { url: `/incident?from=${FROM}&to=${TO}`, meta });

    const region = await screen.findByRole('region', { name: 'Where to look first' });
    const list = await within(region).findByRole('list', { name: 'Suspects, most evidence first' }, LOADED);
    expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent(/^payments\b.*errors start here/);
    expect(region).toHaveTextContent(/Compared \d+ traces of the range with \d+ traces from the hour before it/);

    // Per service in scope, four slices of each window, 240 traces asked over 2 services × 4 slices (at most 20).
    const slices = (start: number, end: number) =>
      [0, 1, 2, 3].map((i) => [start + ((end - start) * i) / 4, start + ((end - start) * (i + 1)) / 4]);
    const windows = [...slices(FROM - HOUR_MS, FROM), ...slices(FROM, TO)];
    expect(
      new Set(
        suspectSearches().map((s) => `${s.service} ${Number(s.startNs / 1_000_000n)}-${Number(s.endNs / 1_000_000n)}`)
      )
    ).toEqual(new Set(['gateway', 'payments'].flatMap((service) => windows.map(([a, b]) => `${service} ${a}-${b}`))));
  });

  it('says there is not enough evidence when the hour before the range holds no traces', async () => {
    jaegerHolds(
      mockBackend,
      JAEGER,
      [...healthyCheckouts(), ...failingCheckouts()].map((t, i) => at(t, 30_000 + i * 30_000))
    );
    renderInApp(<IncidentPage />, { url: `/incident?from=${FROM}&to=${TO}`, meta });

    const region = await screen.findByRole('region', { name: 'Where to look first' });
    expect(
      await within(region).findByText('Not enough evidence to say where to look first', {}, LOADED)
    ).toBeInTheDocument();
    expect(region).toHaveTextContent('the baseline holds 0 traces; at least 10 are needed to say what changed');
    expect(region).toHaveTextContent('The baseline is thin');
  });
});
