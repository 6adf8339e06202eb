import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { buildTrace } from '../../../analysis';
import {
  type OtlpTraceJson,
  failingCheckouts,
  healthyCheckouts,
  healthyTrace,
  regionalCheckout,
  toTempoJson,
} from '../../../analysis/fixtures';
import { FakeBackend, type RecordedRequest, fail, ok, pending, signInAs } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { IncidentPage } from './IncidentPage';
import { LOADED, openComparison } from './openComparison.testing';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  getDataSourceSrv: () => ({ getInstanceSettings: () => undefined }),
}));

const TEMPO = '/api/datasources/proxy/uid/tempo';
/** Only Tempo: the comparison needs nothing else, and the page leaves out what is not configured. */
const meta = appMeta({ tempoDatasourceUid: 'tempo', ownership: [{ team: 'payments', services: ['gateway'] }] });

const CANDIDATES = '{ resource.service.name = "gateway" && (status = error || duration >= 500ms) }';
const BASELINE = '{ resource.service.name = "gateway" && status != error && duration < 500ms }';
const EU_WEST = '{ resource.cloud.region = "eu-west" }';

/** Recorded once: the SDK and the conversions are the slow part of these tests. */
const FAILING = failingCheckouts();
const HEALTHY = healthyCheckouts();
const idOf = (trace: OtlpTraceJson) => buildTrace(trace).traceId;
jest.setTimeout(30_000);

const queryOf = (request: RecordedRequest) => new URL(request.url, 'http://grafana').searchParams.get('q');
/**
 * The distinct queries sent, in order. The page re-evaluates `now` on every render, so a render
 * that crosses a second on a busy machine sends the same query again for the new range.
 */
const searches = () => [...new Set(mockBackend.sent(`${TEMPO}/api/search`).map(queryOf))].filter((q) => !isSample(q));
/** "Where to look first"'s samples of every trace in scope, narrowed by the same filters: not this view's. */
const SAMPLES = '{ resource.service.name = "gateway" }';
const isSample = (q: string | null) => q === SAMPLES || Boolean(q?.startsWith(`${SAMPLES} && `));

/**
 * Tempo's search answers the candidate query with `anomalous` and the baseline query with `normal`,
 * whatever filters follow; every trace is served by id in Tempo's JSON except those in `unserved`.
 */
function tempoServes(anomalous: OtlpTraceJson[], normal: OtlpTraceJson[] | 'pending', unserved: OtlpTraceJson[] = []) {
  const summaries = (traces: OtlpTraceJson[]) => ({
    traces: traces.map((t) => {
      const root = buildTrace(t).root!;
      return { traceID: idOf(t), rootServiceName: root.service, rootTraceName: root.name };
    }),
  });
  mockBackend.on('GET', `${TEMPO}/api/search`, (request) => {
    if (!queryOf(request)?.startsWith(BASELINE)) {
      return ok(summaries(anomalous));
    }
    return normal === 'pending' ? pending(request) : ok(summaries([...normal, ...unserved]));
  });
  for (const trace of [...anomalous, ...(normal === 'pending' ? [] : normal)]) {
    mockBackend.on('GET', `${TEMPO}/api/v2/traces/${idOf(trace)}`, ok(toTempoJson(trace)));
  }
}

beforeEach(() => {
  mockBackend.reset();
  signInAs({ login: 'vic', role: 'Viewer' });
  mockBackend.on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]));
});

describe('Why these traces?', () => {
  it('shows, for a Viewer, the region all failing checkouts share as paired bars with the counts behind them', async () => {
    tempoServes(FAILING, HEALTHY);
    const view = await openComparison(meta, '/incident');

    const table = await within(view).findByRole(
      'table',
      { name: 'Attribute values that stand out, most first' },
      LOADED
    );
    const [first, ...others] = within(table).getAllByRole('row').slice(1);
    expect(within(first!).getByText('resource.cloud.region = "eu-west"')).toBeInTheDocument();
    expect(within(first!).getByRole('img')).toHaveAccessibleName('100% of anomalous traces, 25% of normal traces');
    expect(first).toHaveTextContent('12 (100%) vs 12 (25%)');
    expect(others).toHaveLength(0);
    expect(view).toHaveTextContent('Compared 12 anomalous with 48 normal traces of the same root operations.');
    expect(searches()).toEqual([CANDIDATES, BASELINE]);
  });

  it('compares only with normal traces of the anomalous traces’ root operations, and says how many it left out', async () => {
    const otherEntryPoint = [0x61, 0x62, 0x63].map((seed) => healthyTrace(seed));
    tempoServes(FAILING, [...HEALTHY, ...otherEntryPoint]);
    const view = await openComparison(meta, '/incident');

    await within(view).findByRole('table', { name: 'Attribute values that stand out, most first' }, LOADED);
    expect(view).toHaveTextContent(
      'Compared 12 anomalous with 48 normal traces of the same root operations; 3 of other root operations left out.'
    );
    const fetched = mockBackend.sent(`${TEMPO}/api/v2/traces/`).map((r) => r.url);
    for (const trace of otherEntryPoint) {
      expect(fetched.some((url) => url.includes(idOf(trace)))).toBe(false);
    }
  });

  it('names the redacted and near-unique attributes without showing a single value of them', async () => {
    tempoServes(FAILING, HEALTHY);
    const view = await openComparison(meta, '/incident');

    await within(view).findByRole('table', {}, LOADED);
    expect(view).toHaveTextContent('Also different, values redacted: span.session.id, span.user.email.');
    expect(view).toHaveTextContent('Too many distinct values to compare: span.request.id (60).');
    expect(document.body).not.toHaveTextContent(/sess-vip|vip\.customer|example\.org|req-/);
  });

  it('narrows the anomalous-trace search, and the baseline with it, to the value clicked, shown as a removable filter', async () => {
    tempoServes(FAILING, HEALTHY);
    const view = await openComparison(meta, '/incident');

    await userEvent.click(
      await within(view).findByRole('button', { name: 'Only traces with resource.cloud.region = "eu-west"' }, LOADED)
    );

    await waitFor(() => expect(searches()).toContain(`${BASELINE} && ${EU_WEST}`), LOADED);
    expect(searches()).toEqual([CANDIDATES, BASELINE, `${CANDIDATES} && ${EU_WEST}`, `${BASELINE} && ${EU_WEST}`]);
    expect(
      await screen.findByRole('button', { name: 'Remove the filter resource.cloud.region = "eu-west"' })
    ).toBeInTheDocument();
  });

  it('drops the filter again when its chip is removed, and the search asks without it', async () => {
    tempoServes(FAILING, HEALTHY);
    const where = encodeURIComponent(JSON.stringify([{ scope: 'resource', key: 'cloud.region', value: 'eu-west' }]));
    renderInApp(<IncidentPage />, { url: `/incident?where=${where}`, meta });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Remove the filter resource.cloud.region = "eu-west"' }, LOADED)
    );
    await waitFor(() => expect(searches()).toEqual([`${CANDIDATES} && ${EU_WEST}`, CANDIDATES]), LOADED);
  });

  it('ignores a forged filter in the URL instead of putting it into the query', async () => {
    tempoServes(FAILING, HEALTHY);
    const forged = [{ scope: 'intrinsic', key: 'status', value: 'error } | rate() > 0 && { true' }];
    renderInApp(<IncidentPage />, { url: `/incident?where=${encodeURIComponent(JSON.stringify(forged))}`, meta });

    await screen.findByRole('button', { name: 'Why these traces?' }, LOADED);
    expect(searches()).toEqual([CANDIDATES]);
  });

  it('counts spans instead of traces when asked', async () => {
    tempoServes(FAILING, HEALTHY);
    const view = await openComparison(meta, '/incident');

    await within(view).findByRole('table', {}, LOADED);
    await userEvent.click(within(view).getByRole('radio', { name: 'Share of spans' }));
    // 7 spans per checkout, 2 of them in payments.
    expect(view).toHaveTextContent(
      'Compared 12 anomalous with 48 normal traces of the same root operations; 84 and 336 spans.'
    );
    expect(within(view).getAllByRole('img')[0]).toHaveAccessibleName('29% of anomalous spans, 7.1% of normal spans');
  });

  it('opens straight away from a link with why=1 (the Trace page links here), comparing the traces of the rule filter', async () => {
    tempoServes(FAILING, HEALTHY);
    renderInApp(<IncidentPage />, { url: '/incident?why=1&rule=error', meta });

    const view = await screen.findByRole('region', { name: 'Why these traces?' }, LOADED);
    expect(
      await within(view).findByText(
        'Compared 12 anomalous with 48 normal traces of the same root operations.',
        { exact: false },
        LOADED
      )
    ).toBeInTheDocument();
  });

  it('says it is comparing while the baseline loads', async () => {
    tempoServes(FAILING, 'pending');
    const view = await openComparison(meta, '/incident');
    expect(
      await within(view).findByText('Comparing the anomalous traces with normal ones…', {}, LOADED)
    ).toBeInTheDocument();
  });

  it('says nothing stands out when the normal traces look like the anomalous ones', async () => {
    const normalInEuWest = Array.from({ length: 24 }, (_, i) =>
      regionalCheckout({
        seed: 300 + i,
        region: 'eu-west',
        session: 'sess-vip-0042',
        email: 'vip.customer@example.com',
      })
    );
    tempoServes(FAILING, normalInEuWest);
    const view = await openComparison(meta, '/incident');
    expect(
      await within(view).findByText(
        'Nothing stands out: no attribute value is much more common in the anomalous traces than in normal ones.',
        {},
        LOADED
      )
    ).toBeInTheDocument();
  });

  it('says which data source failed, with its status, when the baseline search fails', async () => {
    tempoServes(FAILING, HEALTHY);
    mockBackend.on('GET', `${TEMPO}/api/search`, (request) =>
      queryOf(request)?.startsWith(BASELINE)
        ? fail(502, 'upstream connect error')
        : ok({ traces: FAILING.map((t) => ({ traceID: idOf(t), rootServiceName: 'gateway' })) })
    );
    const view = await openComparison(meta, '/incident');

    const alert = await within(view).findByRole('alert', { name: 'Could not compare the traces' }, LOADED);
    expect(alert).toHaveTextContent('Tempo (tempo) answered HTTP 502');
  });

  it('warns about partial data when some normal traces cannot be loaded', async () => {
    const [lost, ...normal] = HEALTHY;
    tempoServes(FAILING, normal, [lost!]);
    const view = await openComparison(meta, '/incident');

    const alert = await within(view).findByRole('alert', { name: 'Partial data' }, LOADED);
    expect(alert).toHaveTextContent('1 normal traces could not be loaded.');
    expect(view).toHaveTextContent('Compared 12 anomalous with 47 normal traces of the same root operations.');
  });
});
