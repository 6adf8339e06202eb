/**
 * The one trace pipeline, seen from every view: a trace the incident list flags only as "slow vs p99" gets the same
 * findings, judged against the same baselines (those of its own anchor), however it is opened — from the list, by
 * its id, through the Trace ID box, in the dashboard panel — and a value the redaction settings hide (an e-mail in a
 * span name and an attribute, a card number) appears on none of them: not in the list, the findings, the span
 * picker, nor the frames handed to Grafana's trace panel.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import type { PanelProps } from '@grafana/data';

import { type Trace, baselineAnchor, buildTrace } from '../../analysis';
import { type OtlpTraceJson, call, recordTrace, toTempoJson } from '../../analysis/fixtures';
import { mockPanelRenderer, renderedPanels } from '../features/correlated/testing/correlatedBackend';
import { IncidentPage } from '../pages/Incident/IncidentPage';
import { TracePage } from '../pages/Trace/TracePage';
import { CorrelatedPanel } from '../panels/correlated/CorrelatedPanel';
import type { CorrelatedOptions } from '../panels/correlated/options';
import { PLUGIN_ID } from '../routes';
import type { AppSettings } from '../settings';
import { FakeBackend, type RecordedRequest, ok, signInAs } from '../testing/fakeBackend';
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
  // Ten minutes ago, so the incident page's default range lists it.
  { seed: 41, startUnixMs: Date.now() - 600_000 }
);
const trace = buildTrace(slowCheckout);

const settings: AppSettings = {
  tempoDatasourceUid: 'tempo',
  prometheusDatasourceUid: 'prom',
  ownership: [{ team: 'payments', services: ['*'] }],
};
const TEMPO = '/api/datasources/proxy/uid/tempo';
const PROM = '/api/datasources/proxy/uid/prom';

/**
 * Prometheus' answer to the latency-baseline query at every anchor asked for: gateway's GET /checkout at a p99 of
 * 100 ms over a day of traffic at the trace's anchor, so the 900 ms trace is nine times over it — and at 1 s at every
 * other anchor, so a view that judged the trace at another one would not flag it. The charts' queries get nothing.
 */
function baselines(request: RecordedRequest) {
  const params = new URL(request.url, 'http://grafana').searchParams;
  const [start, end, step] = ['start', 'end', 'step'].map((name) => Number(params.get(name)));
  if (!params.get('query')?.includes('quantile_over_time') || !(step! > 0)) {
    return ok({ status: 'success', data: { resultType: 'matrix', result: [] } });
  }
  const anchors: number[] = [];
  for (let anchor = start!; anchor <= end!; anchor += step!) {
    anchors.push(anchor);
  }
  const series = (baseline: string, value: (anchor: number) => string) => ({
    metric: { service: 'gateway', span_name: 'GET /checkout', baseline },
    values: anchors.map((anchor) => [anchor, value(anchor)]),
  });
  const p99 = (anchor: number) => (anchor === baselineAnchor(trace.startUnixMs) ? '0.1' : '1');
  const result = [
    series('p99', p99),
    series('worst', () => '1.2'),
    series('windows', () => '1440'),
    series('requests', () => '86400'),
  ];
  return ok({ status: 'success', data: { resultType: 'matrix', result } });
}

/** The baseline requests sent, each as the anchors it asked for. */
const baselineRequests = () =>
  mockBackend
    .sent(`${PROM}/api/v1/query_range`)
    .map((r) => new URL(r.url, 'http://grafana').searchParams)
    .filter((params) => params.get('query')?.includes('quantile_over_time'))
    .map((params) => ({
      start: Number(params.get('start')),
      end: Number(params.get('end')),
      step: Number(params.get('step')),
    }));

/** Whether a baseline request asked for the baselines at the trace's anchor. */
const askedForAnchorOf = (t: Trace) => {
  const anchor = baselineAnchor(t.startUnixMs);
  return baselineRequests().some((r) => r.start <= anchor && anchor <= r.end && (anchor - r.start) % r.step === 0);
};

beforeEach(() => {
  mockBackend.reset();
  renderedPanels.length = 0;
  signInAs({ login: 'alice', role: 'Editor' });
  mockBackend
    .on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]))
    .on('GET', `/api/plugins/${PLUGIN_ID}/settings`, ok({ id: PLUGIN_ID, enabled: true, jsonData: settings }))
    .on('GET', `${TEMPO}/api/search`, ok({ traces: [{ traceID: trace.traceId, rootServiceName: 'gateway' }] }))
    .on('GET', `${TEMPO}/api/v2/traces/${trace.traceId}`, ok(toTempoJson(slowCheckout, { envelope: 'v2' })))
    .on('GET', `${PROM}/api/v1/query`, ok({ status: 'success', data: { resultType: 'vector', result: [] } }))
    .on('GET', `${PROM}/api/v1/query_range`, baselines)
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

  it('takes the dashboard panel through the same pipeline, and keeps its frames redacted', async () => {
    renderInApp(<CorrelatedPanel {...panelProps({ traceId: trace.traceId, dataSourceChoice: 'app' })} />, {
      url: '/d/incident',
      meta: appMeta(settings),
    });

    await screen.findByTestId('panel-traces', {});
    expect(shown()).toContain('GET /accounts/[REDACTED]');
    expectNothingPrivate();
  });
});

/** The slow finding on gateway's GET /checkout, as the list's Why column and the Trace page word it. */
const SLOW_CHECKOUT = /^gateway GET \/checkout took 900 ms, 9\.0× its p99 of 100 ms/;

describe('the same verdict however the trace is opened', () => {
  /** The Trace page's findings: each one's rule and explanation. */
  async function traceFindings() {
    const findings = await screen.findByRole('list', { name: 'Findings' });
    return within(findings)
      .getAllByRole('listitem')
      .map((item) => item.textContent ?? '');
  }

  /** The evidence span the Trace page's first finding points at. */
  const firstEvidence = () =>
    /\(([0-9a-f]{16})\)$/.exec(
      screen.getAllByRole('button', { name: /^Select evidence span/ })[0]!.getAttribute('aria-label')!
    )?.[1];

  it('from the incident list: slow vs p99, at the root, against the baselines of its anchor', async () => {
    renderInApp(<IncidentPage />, { url: '/incident?from=now-30m&to=now&list=traces', meta: appMeta(settings) });

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    const row = within(table).getAllByRole('row')[1]!;
    expect(row).toHaveTextContent('Slow vs p99');
    expect(row.textContent).toMatch(/`?gateway GET \/checkout`? took 900 ms, 9\.0× its p99 of 100 ms/);
    const href = new URL(within(row).getByRole('link').getAttribute('href')!, 'http://grafana');
    expect(href.searchParams.get('spanId')).toBe(trace.root!.id);
    expect(askedForAnchorOf(trace)).toBe(true);
    expect(screen.getByText(/^Slow vs p99 judges each trace against/)).toHaveTextContent(
      'the median of the 5-minute p99s over the 24 hours before its start, per service and operation (1 operation in scope has one now).'
    );
  });

  it('by its id: the same finding and evidence, against the same anchor', async () => {
    renderInApp(<TracePage />, { url: `/trace?traceId=${trace.traceId}`, meta: appMeta(settings) });

    const findings = await traceFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^Slow vs p99/);
    expect(findings[0]!.replace(/^Slow vs p99/, '')).toMatch(SLOW_CHECKOUT);
    expect(firstEvidence()).toBe(trace.root!.id);
    expect(baselineRequests()).toEqual([
      { start: baselineAnchor(trace.startUnixMs), end: baselineAnchor(trace.startUnixMs), step: 300 },
    ]);
  });

  it('through the Trace ID box: the same finding and evidence, against the same anchor', async () => {
    renderInApp(<TracePage />, { url: '/trace', meta: appMeta(settings) });

    await userEvent.type(screen.getByRole('textbox'), trace.traceId);
    await userEvent.click(screen.getByRole('button', { name: 'Open trace' }));
    const findings = await traceFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.replace(/^Slow vs p99/, '')).toMatch(SLOW_CHECKOUT);
    expect(firstEvidence()).toBe(trace.root!.id);
    expect(askedForAnchorOf(trace)).toBe(true);
  });

  it('in the dashboard panel: against the same anchor', async () => {
    // The panel shows no findings, only evidence marks in its span picker, whose virtualised menu jsdom does not draw.
    renderInApp(<CorrelatedPanel {...panelProps({ traceId: trace.traceId, dataSourceChoice: 'app' })} />, {
      url: '/d/incident',
      meta: appMeta(settings),
    });
    await screen.findByTestId('panel-traces');

    expect(baselineRequests()).toEqual([
      { start: baselineAnchor(trace.startUnixMs), end: baselineAnchor(trace.startUnixMs), step: 300 },
    ]);
  });

  it('shows what the trace was judged against on the Trace page', async () => {
    renderInApp(<TracePage />, { url: `/trace?traceId=${trace.traceId}`, meta: appMeta(settings) });

    const table = await screen.findByRole('table', { name: 'Latency baselines of the trace’s operations' });
    const rows = within(table)
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(rows[1]).toBe(
      'gateway · GET /checkout100 ms86,40024 hthe lookback holds a slower stretch (5-minute p99 up to 1.20 s)'
    );
    expect(
      rows
        .slice(2)
        .every((text) => text?.endsWith('no baseline: no span metrics for it in the lookback, so it is not judged'))
    ).toBe(true);
    const anchor = new Date(baselineAnchor(trace.startUnixMs) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    expect(screen.getByText(/^Slow vs p99 compares each span with/)).toHaveTextContent(
      `the median of the 5-minute p99s over the 24 hours before ${anchor} UTC`
    );
  });
});
