import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import { locationService } from '@grafana/runtime';

import {
  type OtlpTraceJson,
  connectionPoolWait,
  healthyTrace,
  plainError,
  toTempoJson,
} from '../../../analysis/fixtures';
import { FakeBackend, type Reply, fail, ok, pending, signInAs } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import type { AppSettings } from '../../settings';
import { IncidentPage } from './IncidentPage';
import { LOADED } from './openComparison.testing';

const mockBackend = new FakeBackend();
/** Data source names by uid, as Grafana's data source service knows them. */
const mockDataSourceNames = new Map<string, string>();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  getDataSourceSrv: () => ({
    getInstanceSettings: (uid: string) => {
      const name = mockDataSourceNames.get(uid);
      return name === undefined ? undefined : { uid, name };
    },
  }),
}));

const settings: AppSettings = {
  tempoDatasourceUid: 'tempo',
  prometheusDatasourceUid: 'prom',
  lokiDatasourceUid: 'loki',
  controllerUrl: 'http://controller:8080',
  ownership: [
    { team: 'payments', services: ['gateway', 'payments-*'] },
    { team: 'identity', services: ['auth'] },
  ],
};

const TEMPO = '/api/datasources/proxy/uid/tempo';
const PROM = '/api/datasources/proxy/uid/prom';
const CONTROLLER = '/api/plugin-proxy/seed-tracingops-app/controller/api/v1';

function traceIdOf(trace: OtlpTraceJson): string {
  const id = trace.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.traceId;
  if (!id) {
    throw new Error('fixture without spans');
  }
  return id;
}

/** Tempo answers the candidate search with these traces and serves each by id, in Tempo's own JSON. */
function tempoServes(traces: OtlpTraceJson[]) {
  mockBackend.on(
    'GET',
    `${TEMPO}/api/search`,
    ok({ traces: traces.map((t) => ({ traceID: traceIdOf(t), rootServiceName: 'gateway' })) })
  );
  for (const trace of traces) {
    mockBackend.on('GET', `${TEMPO}/api/v2/traces/${traceIdOf(trace)}`, ok(toTempoJson(trace)));
  }
}

/** The ingested rate of traces gateway started (its root spans) that tells whether a spike took effect. */
const SERVER_RATE =
  'sum by (service) (rate(traces_spanmetrics_calls_total{service="gateway", jaeger_sampler_type!=""}[1m]))';
const emptyVector = ok({ status: 'success', data: { resultType: 'vector', result: [] } });
const emptyMatrix = ok({ status: 'success', data: { resultType: 'matrix', result: [] } });
const guardrails = {
  maxSamplingRate: 1,
  maxDurationSeconds: 3600,
  defaultDurationSeconds: 900,
  maxActiveOverridesPerService: 3,
  maxActiveOverrides: 20,
  pollIntervalHintSeconds: 30,
  traceGoals: true,
};
const meEditor = {
  login: 'alice',
  role: 'Editor',
  isGrafanaAdmin: false,
  identitySource: 'grafana-context',
  teams: ['payments'],
  write: { allowed: true, allServices: false, servicePatterns: ['gateway', 'payments-*'], services: ['gateway'] },
};
const strategySource = { kind: 'base-default' };
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
// Times are getters, read when an answer is built, so "polled 1 min ago" holds however late a test runs.
const gatewayService = {
  name: 'gateway',
  get lastSeen() {
    return minutesFromNow(-1);
  },
  pollCount: 12,
  samplingRate: 0.05,
  strategyType: 'PROBABILISTIC',
  source: strategySource,
  activeOverrides: 0,
};
const spike = {
  id: 'ovr-1',
  service: 'gateway',
  samplingRate: 1,
  reason: 'INC-7 checkout errors',
  createdBy: 'bob',
  get createdAt() {
    return minutesFromNow(-1);
  },
  get expiresAt() {
    return minutesFromNow(10);
  },
  active: true,
};

function controllerServes({ me = meEditor, overrides = [] }: { me?: object; overrides?: unknown[] } = {}) {
  mockBackend
    .on(
      'GET',
      `${CONTROLLER}/services`,
      ok({ services: [gatewayService, { ...gatewayService, name: 'fraud', lastSeen: undefined }] })
    )
    .on('GET', `${CONTROLLER}/overrides`, ok({ overrides }))
    .on('GET', `${CONTROLLER}/guardrails`, ok(guardrails))
    .on('GET', `${CONTROLLER}/me`, ok(me));
}

function renderPage(url = '/incident') {
  return renderInApp(<IncidentPage />, { url, meta: appMeta(settings, { controllerToken: true }) });
}

/** The Raise button in the sampling table (the empty state offers one too). */
async function raiseButton(service: string) {
  const table = await screen.findByRole('table', { name: 'Sampling by service' });
  return within(table).getByRole('button', { name: `Raise sampling for ${service}` });
}

const allSearchQueries = () =>
  mockBackend.sent(`${TEMPO}/api/search`).map((r) => new URL(r.url, 'http://grafana').searchParams.get('q') ?? '');
/** The anomalous-trace search's queries; the others are "Where to look first"'s samples of every trace in scope. */
const searchQueries = () => allSearchQueries().filter((q) => q.includes('status = error'));
const sampleQueries = () => allSearchQueries().filter((q) => !q.includes('status = error'));
/** The PromQL sent to Prometheus (the flavour probe asks for metric names, not a query). */
const promQueries = () =>
  mockBackend
    .sent(PROM)
    .map((r) => new URL(r.url, 'http://grafana').searchParams.get('query'))
    .filter((query) => query !== null);

beforeEach(() => {
  mockBackend.reset();
  mockDataSourceNames.clear();
  signInAs({ login: 'alice', role: 'Editor' });
  mockBackend.on('GET', '/api/user/teams', ok([{ id: 1, name: 'payments' }]));
  mockBackend.on('GET', `${PROM}/api/v1/query_range`, emptyMatrix).on('GET', `${PROM}/api/v1/query`, emptyVector);
  controllerServes();
});

describe('IncidentPage: anomalous traces', () => {
  it('narrows the list to the traces whose evidence involves the suspect in the URL, until its chip is removed', async () => {
    tempoServes([healthyTrace(), connectionPoolWait(), plainError()]);
    renderPage('/incident?list=traces&suspect=auth');

    const section = await screen.findByRole('region', { name: 'Anomalous traces' });
    const chip = await within(section).findByRole('button', { name: 'Remove the suspect filter auth' }, LOADED);
    // Neither flagged trace's evidence is in auth (pool.acquire and the failed charge are payments').
    expect(
      await within(section).findByText(/No anomalous trace listed has evidence involving auth/, {}, LOADED)
    ).toBeInTheDocument();
    expect(within(section).queryAllByRole('link')).toHaveLength(0);

    await userEvent.click(chip);
    await waitFor(() => expect(within(section).getAllByRole('link')).toHaveLength(2), LOADED);
    expect(within(section).queryByText(/No anomalous trace listed has evidence involving/)).toBeNull();
  });

  it('lists the traces the analysis flags, worst first, each linking to its evidence span', async () => {
    tempoServes([healthyTrace(), connectionPoolWait(), plainError()]);
    renderPage('/incident?list=traces');

    const section = await screen.findByRole('region', { name: 'Anomalous traces' });
    // Rows stream in as traces are analysed: read the list once both flagged traces are in; the healthy one is not.
    await waitFor(() => expect(within(section).getAllByRole('link')).toHaveLength(2));
    const links = within(section).getAllByRole('link');
    const table = within(section).getByRole('table');
    expect(links[0]).toHaveTextContent('gateway: GET /checkout');
    const href = new URL(links[0]!.getAttribute('href')!, 'http://grafana');
    expect(href.pathname).toBe('/a/seed-tracingops-app/trace');
    expect([traceIdOf(connectionPoolWait()), traceIdOf(plainError())]).toContain(href.searchParams.get('traceId'));
    expect(href.searchParams.get('spanId')).toMatch(/^[0-9a-f]{16}$/);
    expect(within(table).getByText('Bottleneck')).toBeInTheDocument();
    expect(within(table).getAllByText('Error')).toHaveLength(1);
    expect(within(table).getByText(/pool\.acquire/)).toBeInTheDocument();
    // Each trace is fetched as bytes, for the analysis to decode where it runs; the search as text.
    expect(new Set(mockBackend.sent(`${TEMPO}/api/v2/traces/`).map((r) => r.responseType))).toEqual(
      new Set(['arraybuffer'])
    );
    expect(new Set(mockBackend.sent(`${TEMPO}/api/search`).map((r) => r.responseType))).toEqual(new Set(['text']));
  });

  it('opens the Trace page at the evidence span from anywhere on a row, or with Enter on it', async () => {
    tempoServes([plainError()]);
    renderPage('/incident?list=traces');

    const row = await screen.findByRole('row', {
      name: /^Open the trace of gateway: GET \/checkout at its evidence span$/,
    });
    // The operation stays a real link, for opening in a new tab.
    const href = within(row).getByRole('link', { name: 'gateway: GET /checkout' }).getAttribute('href');
    expect(href).toMatch(/^\/a\/seed-tracingops-app\/trace\?traceId=[0-9a-f]{32}&spanId=[0-9a-f]{16}$/);
    const opened = () => `${locationService.getLocation().pathname}${locationService.getLocation().search}`;

    await userEvent.click(within(row).getAllByRole('cell')[2]!);
    expect(opened()).toBe(href);

    locationService.push('/a/seed-tracingops-app/incident?list=traces');
    row.focus();
    await userEvent.keyboard('{Enter}');
    expect(opened()).toBe(href);
  });

  it('sorts by a column when its header is clicked, and back', async () => {
    tempoServes([plainError(), connectionPoolWait()]);
    renderPage('/incident?list=traces');

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    const sortByDuration = within(table).getByRole('button', { name: 'Duration' });
    const firstRow = () => within(table).getAllByRole('row')[1]!;
    await userEvent.click(sortByDuration);
    expect(within(table).getByRole('columnheader', { name: /Duration/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(firstRow()).toHaveTextContent('deadlock');
    await userEvent.click(sortByDuration);
    expect(within(table).getByRole('columnheader', { name: /Duration/ })).toHaveAttribute('aria-sort', 'descending');
    expect(firstRow()).toHaveTextContent('pool.acquire');
  });

  it('says the ratio column compares the root span with its own p99, unlike the span-level findings', async () => {
    tempoServes([plainError()]);
    renderPage('/incident?list=traces');

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    const header = within(table).getByRole('columnheader', { name: /Root vs its p99/ });
    await userEvent.hover(within(header).getByLabelText(/root span’s duration/));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(/still be below 1× here/);
  });

  it('sets the span labels of an explanation as code, without backticks', async () => {
    tempoServes([plainError()]);
    renderPage('/incident?list=traces');

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    expect(within(table).getByText('payments db.query', { selector: 'code' })).toBeInTheDocument();
    expect(table).not.toHaveTextContent('`');
  });

  it('groups traces with the same root operation, rule and cause into one row with their count', async () => {
    const same = [11, 12, 13].map((seed) => plainError(seed));
    tempoServes([...same, connectionPoolWait()]);
    renderPage();

    const groups = await screen.findByRole('table', { name: 'Anomalous trace groups, worst first' });
    await waitFor(() => expect(within(groups).getByRole('row', { name: /^Group of 3 gateway/ })).toBeInTheDocument());
    const errors = within(groups).getByRole('row', { name: /^Group of 3 gateway/ });
    expect(errors).toHaveTextContent('payments db.query');
    expect(within(groups).getByRole('row', { name: /^Group of 1 gateway/ })).toHaveTextContent('Bottleneck');
    expect(screen.queryByRole('table', { name: 'Anomalous traces, worst first' })).not.toBeInTheDocument();

    await userEvent.click(within(errors).getByRole('button', { name: /^Show the 3 traces of/ }));
    const members = screen.getByRole('table', { name: /^Traces of gateway: GET \/checkout/ });
    expect(within(members).getAllByRole('row', { name: /^Open the trace of/ })).toHaveLength(3);

    await userEvent.click(screen.getByRole('radio', { name: 'Each trace' }));
    const all = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    expect(within(all).getAllByRole('row', { name: /^Open the trace of/ })).toHaveLength(4);
  });

  it('shows only the traces of the rule named in the URL', async () => {
    tempoServes([connectionPoolWait(), plainError()]);
    renderPage('/incident?rule=bottleneck&list=traces');

    const section = await screen.findByRole('region', { name: 'Anomalous traces' });
    const links = await within(section).findAllByRole('link');
    expect(links).toHaveLength(1);
    expect(within(section).getByText(/pool\.acquire/)).toBeInTheDocument();
  });

  it('says there are no anomalies, names the low sampling rate and proposes no spike without evidence', async () => {
    tempoServes([healthyTrace()]);
    renderPage();

    expect(await screen.findByText(/No anomalies in this range \(1 candidate traces checked\)/)).toBeInTheDocument();
    expect(
      await screen.findByText('Sampled down, so an anomaly may not have been kept: gateway 5%.')
    ).toBeInTheDocument();
    const section = screen.getByRole('region', { name: 'Anomalous traces' });
    expect(within(section).queryByRole('button', { name: /Raise sampling/ })).not.toBeInTheDocument();
  });

  it('says when there were no traces at all, not that there were no anomalies', async () => {
    tempoServes([]);
    renderPage();

    expect(await screen.findByText('No traces of the services in scope in this range.')).toBeInTheDocument();
    expect(screen.queryByText(/No anomalies/)).not.toBeInTheDocument();
  });

  it('names the data source that failed as Grafana names it and links to the settings', async () => {
    mockDataSourceNames.set('tempo', 'Tempo EU');
    mockBackend.on('GET', `${TEMPO}/api/search`, fail(502, 'upstream connect error'));
    renderPage();

    const alert = await screen.findByRole('alert', { name: /Anomalous traces: failed/ });
    expect(alert).toHaveTextContent('Tempo (Tempo EU) answered HTTP 502');
    expect(within(alert).getByRole('link', { name: 'settings' })).toHaveAttribute(
      'href',
      '/plugins/seed-tracingops-app'
    );
  });

  it('names a data source Grafana does not know by its uid', async () => {
    tempoServes([]);
    mockBackend.on('GET', `${PROM}/api/v1/query_range`, fail(503, 'too many queries'));
    renderPage();

    const alert = await screen.findByRole('alert', { name: /Service overview: failed/ });
    expect(alert).toHaveTextContent('Prometheus (prom) answered HTTP 503');
  });

  it('shows a loading state while Tempo answers', async () => {
    mockBackend.on('GET', `${TEMPO}/api/search`, pending);
    renderPage();
    expect(await screen.findByText('Loading anomalous traces…')).toBeInTheDocument();
  });

  it('shows the rows analysed so far while a candidate trace is still on its way', async () => {
    const late = connectionPoolWait();
    tempoServes([plainError(), late]);
    mockBackend.on('GET', `${TEMPO}/api/v2/traces/${traceIdOf(late)}`, pending);
    renderPage('/incident?list=traces');

    const table = await screen.findByRole('table', { name: 'Anomalous traces, worst first' });
    expect(within(table).getAllByRole('row', { name: /^Open the trace of/ })).toHaveLength(1);
    expect(screen.getByText(/Analysing candidate traces as they arrive… 1 analysed so far/)).toBeInTheDocument();
  });
});

describe('IncidentPage: a slow trace backend', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Answers after `ms` of (fake) time, like a backend under load. */
  const after = (ms: number, reply: Reply) => (): Promise<Reply> =>
    new Promise((resolve) => setTimeout(() => resolve(reply), ms));

  it('asks the trace backend once per load while faster answers re-render the page', async () => {
    const trace = plainError();
    tempoServes([trace]);
    mockBackend.on(
      'GET',
      `${TEMPO}/api/search`,
      after(6000, ok({ traces: [{ traceID: traceIdOf(trace), rootServiceName: 'gateway' }] }))
    );
    // Prometheus and the controller answer while the search is still out, each answer a re-render seconds later.
    mockBackend
      .on('GET', `${PROM}/api/v1/query_range`, after(1500, emptyMatrix))
      .on('GET', `${PROM}/api/v1/query`, after(3000, emptyVector));
    renderPage('/incident?list=traces');

    for (let elapsed = 0; elapsed < 8000; elapsed += 500) {
      await act(async () => jest.advanceTimersByTime(500));
    }

    expect(searchQueries()).toHaveLength(1);
    expect(await screen.findByRole('table', { name: 'Anomalous traces, worst first' })).toBeInTheDocument();
    // Nothing asked twice: each search once, and the trace once by each who wants it — the candidates, and the
    // suspects' samples of the baseline and of the range (the mock answers every search with it).
    const urls = mockBackend.sent(`${TEMPO}/api/search`).map((r) => r.url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(mockBackend.sent(`${TEMPO}/api/v2/traces/`)).toHaveLength(3);
  });
});

describe('IncidentPage: scope', () => {
  it("scopes every query to the services of the viewer's teams", async () => {
    tempoServes([]);
    renderPage();

    await waitFor(() => expect(searchQueries()).toHaveLength(1));
    expect(searchQueries()[0]).toBe(
      '{ resource.service.name =~ "^(gateway|payments-.*)$" && (status = error || duration >= 500ms) }'
    );
    await waitFor(() => expect(sampleQueries().length).toBeGreaterThan(0));
    expect(new Set(sampleQueries())).toEqual(new Set(['{ resource.service.name =~ "^(gateway|payments-.*)$" }']));
    await waitFor(() => expect(promQueries().length).toBeGreaterThanOrEqual(4));
    for (const query of promQueries()) {
      expect(query).toContain('service=~"^(gateway|payments-.*)$"');
    }
  });

  it('narrows the queries to one service when the URL names it', async () => {
    tempoServes([]);
    renderPage('/incident?service=payments-api');

    await waitFor(() => expect(searchQueries()).toHaveLength(1));
    expect(searchQueries()[0]).toContain('resource.service.name = "payments-api"');
    await waitFor(() => expect(sampleQueries().length).toBeGreaterThan(0));
    expect(new Set(sampleQueries())).toEqual(new Set(['{ resource.service.name = "payments-api" }']));
  });

  it('lets an Admin widen to all services, and refuses that to everyone else', async () => {
    tempoServes([]);
    renderPage('/incident?scope=all');
    expect(
      await screen.findByText('Only Admins can look at all services. Pick one of your teams instead.')
    ).toBeInTheDocument();
    expect(allSearchQueries()).toHaveLength(0);
  });

  it('queries without a service matcher for an Admin looking at all services', async () => {
    signInAs({ login: 'root', role: 'Admin' });
    tempoServes([]);
    renderPage('/incident?scope=all');

    await waitFor(() => expect(searchQueries()).toHaveLength(1));
    expect(searchQueries()[0]).toBe('{ (status = error || duration >= 500ms) }');
  });

  it('says why nothing is shown to a user whose teams own no services', async () => {
    mockBackend.on('GET', '/api/user/teams', ok([{ id: 9, name: 'marketing' }]));
    renderPage();
    expect(
      await screen.findByText(/None of your teams \(marketing\) owns a service in the ownership table/)
    ).toBeInTheDocument();
  });
});

describe('IncidentPage: sampling', () => {
  it('shows effective rates, polling and active spikes with who and why', async () => {
    tempoServes([]);
    controllerServes({ overrides: [spike] });
    renderPage();

    const rates = await screen.findByRole('table', { name: 'Sampling by service' });
    const gateway = within(rates).getByRole('row', { name: /gateway/ });
    expect(gateway).toHaveTextContent('5% (default strategy)');
    expect(gateway).toHaveTextContent(/polled 6\d s ago/);
    const spikes = screen.getByRole('table', { name: 'Active spikes' });
    expect(within(spikes).getByRole('row', { name: /gateway/ })).toHaveTextContent(
      /100%bobINC-7 checkout errors(9|10)m \d\ds left/
    );
  });

  it('opens the Raise sampling dialog for the service a link names (the Trace page links here)', async () => {
    tempoServes([]);
    renderPage('/incident?raise=payments');

    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(within(dialog).getByRole('textbox', { name: 'Service' })).toHaveValue('payments');
  });

  it("says in the dialog, before anything is sent, that the responder's teams do not own the linked service", async () => {
    tempoServes([]);
    controllerServes();
    renderPage('/incident?raise=checkout');

    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(
      within(dialog).getByText('None of your teams owns checkout, so you cannot change its sampling.')
    ).toBeVisible();
    expect(within(dialog).getByRole('button', { name: 'Raise sampling' })).toBeDisabled();

    await userEvent.clear(within(dialog).getByRole('textbox', { name: 'Service' }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Service' }), 'payments-ledger');
    expect(within(dialog).queryByText(/None of your teams owns/)).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Raise sampling' })).toBeEnabled();
    expect(mockBackend.sent(`${CONTROLLER}/overrides`, 'POST')).toHaveLength(0);
  });

  it('tells the responder that a spike changes only the traces that start at the service', async () => {
    tempoServes([]);
    renderPage('/incident?raise=payments');

    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    const hint = within(dialog).getByRole('note', { name: 'Only traces that start at payments' });
    expect(hint).toHaveTextContent(/parent-based: calls arriving from upstream keep the upstream service's decision/);
    expect(
      within(dialog).getByRole('textbox', { name: /^Operation.*applies to root spans of this operation/ })
    ).toBeInTheDocument();
  });

  it('raises sampling with exactly the request the controller expects, after validating the form', async () => {
    tempoServes([]);
    mockBackend.on('POST', `${CONTROLLER}/overrides`, (request) =>
      ok({ ...spike, id: 'ovr-2', reason: (request.body as { reason: string }).reason })
    );
    renderPage();

    await userEvent.click(await raiseButton('gateway'));
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(within(dialog).getByRole('textbox', { name: 'Service' })).toHaveValue('gateway');
    expect(within(dialog).getByRole('textbox', { name: /^Rate/ })).toHaveValue('100');
    expect(within(dialog).getByRole('textbox', { name: /^Duration/ })).toHaveValue('15');

    await userEvent.clear(within(dialog).getByRole('textbox', { name: /^Duration/ }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Duration/ }), '90');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Raise sampling' }));
    expect(within(dialog).getByText("Enter whole minutes from 1 to 60 (the controller's limit)")).toBeInTheDocument();
    expect(within(dialog).getByText(/Say why/)).toBeInTheDocument();
    expect(mockBackend.sent(`${CONTROLLER}/overrides`, 'POST')).toHaveLength(0);

    await userEvent.clear(within(dialog).getByRole('textbox', { name: /^Duration/ }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Duration/ }), '20');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Operation/ }), 'POST /charge');
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Reason/ }), 'INC-8 missing traces');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Raise sampling' }));

    await waitFor(() => expect(mockBackend.sent(`${CONTROLLER}/overrides`, 'POST')).toHaveLength(1));
    const [request] = mockBackend.sent(`${CONTROLLER}/overrides`, 'POST');
    expect(request!.url).toBe(`${CONTROLLER}/overrides`);
    expect(request!.body).toEqual({
      service: 'gateway',
      operation: 'POST /charge',
      samplingRate: 1,
      durationSeconds: 1200,
      reason: 'INC-8 missing traces',
    });
    expect(await screen.findByText(/within about 30 s/)).toBeInTheDocument();
  });

  it("shows the controller's refusal inside the open dialog, where the responder is looking", async () => {
    tempoServes([]);
    mockBackend.on(
      'POST',
      `${CONTROLLER}/overrides`,
      fail(403, { error: { code: 'forbidden', message: 'none of your teams (identity) owns gateway' } })
    );
    renderPage('/incident?raise=gateway');

    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Reason/ }), 'INC-8');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Raise sampling' }));

    const refusal = await within(dialog).findByRole('alert', { name: 'The controller refused' });
    expect(refusal).toHaveTextContent('none of your teams (identity) owns gateway');
  }, 15_000);

  it('reverts and extends a spike through the route', async () => {
    tempoServes([]);
    controllerServes({ overrides: [spike] });
    mockBackend
      .on('POST', `${CONTROLLER}/overrides/ovr-1/extend`, ok(spike))
      .on('POST', `${CONTROLLER}/overrides/ovr-1/revert`, ok({ ...spike, active: false }));
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Extend the spike of gateway by 15 min' }));
    await waitFor(() => expect(mockBackend.sent(`${CONTROLLER}/overrides/ovr-1/extend`, 'POST')).toHaveLength(1));
    expect(mockBackend.sent(`${CONTROLLER}/overrides/ovr-1/extend`)[0]!.body).toEqual({ durationSeconds: 900 });

    await userEvent.click(await screen.findByRole('button', { name: 'Revert the spike of gateway' }));
    await waitFor(() => expect(mockBackend.sent(`${CONTROLLER}/overrides/ovr-1/revert`, 'POST')).toHaveLength(1));
  });

  it('shows Viewers everything but disables the write controls, saying why', async () => {
    signInAs({ login: 'vic', role: 'Viewer' });
    tempoServes([]);
    controllerServes({
      overrides: [spike],
      me: {
        ...meEditor,
        login: 'vic',
        role: 'Viewer',
        write: { ...meEditor.write, allowed: false, reason: 'Viewers cannot change sampling' },
      },
    });
    renderPage();

    expect(
      await screen.findByText(
        'Your role (Viewer) cannot change sampling: it needs the Sampling Operator role (seed-tracingops-app.sampling:write).'
      )
    ).toBeInTheDocument();
    // Grafana's Button keeps a disabled button focusable (aria-disabled) so its tooltip with the reason can show.
    const controls = [
      await raiseButton('gateway'),
      screen.getByRole('button', { name: 'Revert the spike of gateway' }),
      screen.getByRole('button', { name: 'Extend the spike of gateway by 15 min' }),
    ];
    for (const control of controls) {
      expect(control).toHaveAttribute('aria-disabled', 'true');
      await userEvent.click(control);
    }
    expect(mockBackend.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Active spikes' })).toHaveTextContent('INC-7 checkout errors');
  });

  it("disables raising for a service the controller says none of the viewer's teams owns", async () => {
    tempoServes([]);
    mockBackend.on(
      'GET',
      `${CONTROLLER}/services`,
      ok({ services: [gatewayService, { ...gatewayService, name: 'payments-ledger' }] })
    );
    mockBackend.on(
      'GET',
      `${CONTROLLER}/me`,
      ok({ ...meEditor, write: { ...meEditor.write, servicePatterns: ['gateway'] } })
    );
    renderPage();

    const ledger = await raiseButton('payments-ledger');
    expect(ledger).toHaveAttribute('aria-disabled', 'true');
    await userEvent.hover(ledger);
    expect(
      await screen.findByText('None of your teams owns payments-ledger, so you cannot change its sampling.')
    ).toBeInTheDocument();
    expect(await raiseButton('gateway')).toBeEnabled();
  });

  it('disables only the sampling section when the controller is down', async () => {
    tempoServes([plainError()]);
    mockBackend.on('GET', `${CONTROLLER}/services`, fail(502, 'dial tcp: connection refused'));
    renderPage();

    const alert = await screen.findByRole('alert', { name: /Sampling: failed/ });
    expect(alert).toHaveTextContent(
      'Sampling controller (the app’s controller route) answered HTTP 502: dial tcp: connection refused. Grafana could not reach the controller'
    );
    const traces = screen.getByRole('region', { name: 'Anomalous traces' });
    expect(await within(traces).findAllByRole('link')).toHaveLength(1);
  });
});

describe('IncidentPage: whether a spike took effect', () => {
  /** The services' poll interval plus the one-minute rate window of the check. */
  const SETTLE_MS = (guardrails.pollIntervalHintSeconds + 60) * 1000;
  let user: ReturnType<typeof userEvent.setup>;
  /** Unix seconds at which the controller created the spike. */
  let raisedAt: number;

  beforeEach(() => {
    jest.useFakeTimers();
    user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
    tempoServes([]);
    mockBackend.on('POST', `${CONTROLLER}/overrides`, () => {
      raisedAt = Math.floor(Date.now() / 1000);
      return ok({ ...spike, createdAt: new Date(raisedAt * 1000).toISOString() });
    });
  });
  afterEach(() => jest.useRealTimers());

  /** Prometheus answers the server-span rate of gateway with `rateAt(time)`, time in unix seconds. */
  function serverRateIs(rateAt: (time: number) => string) {
    mockBackend.on('GET', `${PROM}/api/v1/query`, (request) => {
      const params = new URL(request.url, 'http://grafana').searchParams;
      if (params.get('query') !== SERVER_RATE) {
        return emptyVector;
      }
      const value = [0, rateAt(Number(params.get('time')))];
      return ok({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { service: 'gateway' }, value }] },
      });
    });
  }
  const serverRateTimes = () =>
    mockBackend
      .sent(`${PROM}/api/v1/query`)
      .map((r) => new URL(r.url, 'http://grafana').searchParams)
      .filter((params) => params.get('query') === SERVER_RATE)
      .map((params) => Number(params.get('time')));

  async function raiseGatewaySpike() {
    renderPage();
    await user.click(await raiseButton('gateway'));
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Reason/ }), 'INC-9');
    await user.click(within(dialog).getByRole('button', { name: 'Raise sampling' }));
  }

  it('checks again by itself once the services have polled and a rate window has passed', async () => {
    serverRateIs((time) => (time <= raisedAt + 60 ? '0.5' : '9'));
    await raiseGatewaySpike();

    expect(
      await screen.findByText(
        /^No change yet \(0\.5\/s before, 0\.5\/s now\): gateway picks the spike up at its next poll.*Checking again by itself at \d\d:\d\d:\d\d\.$/
      )
    ).toBeInTheDocument();
    expect(serverRateTimes()).toHaveLength(2);

    await act(async () => jest.advanceTimersByTime(SETTLE_MS));

    expect(
      await screen.findByText('Rate of traces starting at gateway went up ×18: 0.5/s before, 9/s now.')
    ).toBeInTheDocument();
    const [before, now] = serverRateTimes().slice(2);
    expect(before).toBe(raisedAt);
    expect(now).toBeGreaterThanOrEqual(raisedAt + SETTLE_MS / 1000);
  });

  it('asks whether the service polls when the rate has not moved, and checks again on demand', async () => {
    serverRateIs(() => '0.5');
    // gateway last polled a minute before the spike, and not since.
    mockBackend.on('GET', `${CONTROLLER}/services`, ok({ services: [{ ...gatewayService }] }));
    await raiseGatewaySpike();
    await screen.findByText(/^No change yet .*Checking again by itself/);

    await act(async () => jest.advanceTimersByTime(SETTLE_MS));

    expect(
      await screen.findByText(
        /^No change yet \(0\.5\/s before, 0\.5\/s now\) — is gateway polling\? Last poll \d+ (s|min) ago, before the spike\.$/
      )
    ).toBeInTheDocument();
    expect(serverRateTimes()).toHaveLength(4);

    await user.click(screen.getByRole('button', { name: 'Check the trace rate again' }));
    expect(screen.getByText('Checking the ingested trace rate…')).toBeInTheDocument();
    expect(await screen.findByText(/is gateway polling\?/)).toBeInTheDocument();
    expect(serverRateTimes()).toHaveLength(6);
  });
  it('says the spike it raised has ended, and how, once the controller ended it', async () => {
    serverRateIs(() => '0.5');
    let overrides: unknown[] = [];
    mockBackend.on('GET', `${CONTROLLER}/overrides`, () => ok({ overrides }));
    await raiseGatewaySpike();
    await screen.findByText(/^No change yet .*Checking again by itself/);

    const endedAt = new Date(Date.now() + 5_000).toISOString();
    overrides = [
      {
        ...spike,
        createdAt: new Date(raisedAt * 1000).toISOString(),
        active: false,
        revokedAt: endedAt,
        revokedBy: 'controller',
        goal: { stopAfterTraces: 20, traces: 23, reachedAt: endedAt },
      },
    ];
    await act(async () => jest.advanceTimersByTime(guardrails.pollIntervalHintSeconds * 1000));

    expect(
      await screen.findByText('The spike on gateway has ended: goal reached: 23 traces (goal 20)')
    ).toBeInTheDocument();
    expect(screen.queryByText(/^No change yet/)).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Check the trace rate again' })).not.toBeInTheDocument();
  });
});

describe('IncidentPage: spikes raised by alerts and suggested spikes', () => {
  it('says which alert raised an automatic spike and how far its trace goal got', async () => {
    tempoServes([]);
    controllerServes({
      overrides: [
        {
          ...spike,
          createdBy: 'alertmanager',
          reason: 'alert HighErrorRate (fingerprint 0123456789abcdef) firing: service="gateway"',
          alert: { name: 'HighErrorRate', fingerprint: '0123456789abcdef', startsAt: '2026-12-02T04:00:00Z' },
          goal: { stopAfterTraces: 200, traces: 37, checkedAt: new Date().toISOString() },
        },
        {
          ...spike,
          id: 'ovr-3',
          service: 'payments-api',
          goal: { stopAfterTraces: 50, unavailable: 'PROMETHEUS_URL is not set' },
        },
      ],
    });
    renderPage();

    const spikes = await screen.findByRole('table', { name: 'Active spikes' });
    const automatic = within(spikes).getByRole('row', { name: /^gateway/ });
    expect(automatic).toHaveTextContent('raised by alert HighErrorRate');
    expect(automatic).toHaveTextContent(/(9|10)m \d\ds left, or once 200 traces are recorded \(37 so far\)/);
    expect(within(spikes).getByRole('row', { name: /payments-api/ })).toHaveTextContent(
      /bob.*goal 50 traces: cannot count, runs to its limit/
    );
  });

  it('suggests a spike where anomalous traces start at a thinly sampled service, and opens the dialog prefilled', async () => {
    tempoServes([plainError()]);
    mockBackend.on('POST', `${CONTROLLER}/overrides`, (request) =>
      ok({ ...spike, id: 'ovr-2', reason: (request.body as { reason: string }).reason })
    );
    renderPage();

    const suggestions = await screen.findByRole('region', { name: 'Suggested spikes' });
    expect(suggestions).toHaveTextContent(
      '1 error trace in gateway at 5% sampling: raise to 50% for 15 min or 100 traces'
    );
    await userEvent.click(within(suggestions).getByRole('button', { name: 'Raise sampling for gateway as suggested' }));
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(within(dialog).getByRole('textbox', { name: /^Rate/ })).toHaveValue('50');
    expect(within(dialog).getByRole('textbox', { name: /^Duration/ })).toHaveValue('15');
    expect(within(dialog).getByRole('textbox', { name: /^Stop after traces/ })).toHaveValue('100');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Raise sampling' }));

    await waitFor(() => expect(mockBackend.sent(`${CONTROLLER}/overrides`, 'POST')).toHaveLength(1));
    expect(mockBackend.sent(`${CONTROLLER}/overrides`, 'POST')[0]!.body).toEqual({
      service: 'gateway',
      samplingRate: 0.5,
      durationSeconds: 900,
      stopAfterTraces: 100,
      reason: '1 error trace in gateway at 5% sampling',
    });
  }, 30_000);

  it('suggests nothing for a service already sampled generously or already spiked', async () => {
    tempoServes([plainError()]);
    controllerServes({ overrides: [spike] });
    renderPage();

    await screen.findByRole('table', { name: 'Anomalous trace groups, worst first' }, { timeout: 10_000 });
    await screen.findByRole('table', { name: 'Active spikes' });
    expect(screen.queryByRole('region', { name: 'Suggested spikes' })).not.toBeInTheDocument();
  }, 30_000);
});

describe('IncidentPage: a spike lifecycle the page keeps current', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const goalSpike = {
    ...spike,
    id: 'ovr-9',
    service: 'payments-fraud',
    samplingRate: 0.5,
    reason: 'INC-9 fraud timeouts',
    goal: { stopAfterTraces: 100, traces: 12 },
  };

  it('shows a spike its goal ended as ended, with the count, within one poll interval and without a reload', async () => {
    tempoServes([]);
    let overrides: unknown[] = [goalSpike];
    mockBackend.on('GET', `${CONTROLLER}/overrides`, () => ok({ overrides }));
    renderPage();

    const running = await screen.findByRole('table', { name: 'Active spikes' });
    expect(within(running).getByRole('row', { name: /payments-fraud/ })).toHaveTextContent(
      'or once 100 traces are recorded (12 so far)'
    );
    // Running and ended spikes, only those still in effect since the range began (the last hour by default).
    const asked = new URL(mockBackend.sent(`${CONTROLLER}/overrides`)[0]!.url, 'http://grafana').searchParams;
    expect(asked.get('state')).toBe('all');
    expect(Math.abs(Number(asked.get('since')) - (Date.now() - 3_600_000))).toBeLessThan(60_000);

    const endedAt = new Date(Date.now() + 10_000).toISOString();
    overrides = [
      {
        ...goalSpike,
        active: false,
        revokedAt: endedAt,
        revokedBy: 'controller',
        goal: { stopAfterTraces: 100, traces: 104, reachedAt: endedAt },
      },
    ];
    await act(async () => jest.advanceTimersByTime(guardrails.pollIntervalHintSeconds * 1000));

    const ended = await screen.findByRole('table', { name: 'Ended spikes' });
    expect(within(ended).getByRole('row', { name: /payments-fraud/ })).toHaveTextContent(
      /50%bobINC-9 fraud timeouts\d\d:\d\d:\d\d–\d\d:\d\d:\d\dgoal reached: 104 traces \(goal 100\)/
    );
    expect(screen.getByText('No active spikes in this scope.')).toBeInTheDocument();
    // Read in the background: the section never went back to its loading state.
    expect(screen.queryByText('Loading sampling…')).not.toBeInTheDocument();
  });

  it('reads the overview of a range ending now again: metrics that arrive after the page loaded are shown', async () => {
    tempoServes([]);
    rangeServes([]);
    renderPage();
    expect(
      await screen.findByText('No span metrics for the services in scope in this range.', undefined, {
        timeout: 10_000,
      })
    ).toBeInTheDocument();
    const firstEnd = Number(
      new URL(mockBackend.sent(`${PROM}/api/v1/query_range`)[0]!.url, 'http://grafana').searchParams.get('end')
    );

    rangeServes([[/span_kind=~"SPAN_KIND_SERVER\|SPAN_KIND_CONSUMER"/, '0.41']]);
    await act(async () => jest.advanceTimersByTime(30_000));

    const table = await screen.findByRole('table', { name: 'Service overview' });
    expect(within(table).getByRole('row', { name: /gateway/ })).toHaveTextContent('0.41 sampled spans/s');
    // The range moved with the clock, and the overview never went back to its loading state.
    const ends = mockBackend
      .sent(`${PROM}/api/v1/query_range`)
      .map((r) => Number(new URL(r.url, 'http://grafana').searchParams.get('end')));
    expect(Math.max(...ends)).toBeGreaterThanOrEqual(firstEnd + 30);
    expect(screen.queryByText('Loading service overview…')).not.toBeInTheDocument();
  });

  it('keeps an open Raise sampling dialog and what was typed while the state refreshes', async () => {
    tempoServes([]);
    const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
    renderPage('/incident?raise=gateway');
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    await user.type(within(dialog).getByRole('textbox', { name: /^Reason/ }), 'INC-10');
    const reads = mockBackend.sent(`${CONTROLLER}/overrides`).length;

    await act(async () => jest.advanceTimersByTime(guardrails.pollIntervalHintSeconds * 1000));

    await waitFor(() => expect(mockBackend.sent(`${CONTROLLER}/overrides`).length).toBeGreaterThan(reads));
    expect(
      within(screen.getByRole('dialog', { name: 'Raise sampling' })).getByRole('textbox', { name: /^Reason/ })
    ).toHaveValue('INC-10');
  });

  it('says how each spike of the range ended: expired, reverted by whom, alert resolved', async () => {
    tempoServes([]);
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    controllerServes({
      overrides: [
        { ...spike, id: 'a', createdAt: minutesAgo(30), expiresAt: minutesAgo(20), active: false },
        {
          ...spike,
          id: 'b',
          service: 'payments-api',
          createdAt: minutesAgo(15),
          revokedAt: minutesAgo(12),
          revokedBy: 'carol',
          active: false,
        },
        {
          ...spike,
          id: 'c',
          service: 'payments-ledger',
          createdBy: 'alertmanager',
          alert: { name: 'HighErrorRate', fingerprint: '0123456789abcdef', startsAt: minutesAgo(10) },
          createdAt: minutesAgo(10),
          revokedAt: minutesAgo(5),
          revokedBy: 'alertmanager',
          active: false,
        },
        // Before the page's hour: not shown.
        { ...spike, id: 'd', service: 'payments-old', createdAt: minutesAgo(200), expiresAt: minutesAgo(190) },
        // Out of scope: not shown.
        { ...spike, id: 'e', service: 'auth', createdAt: minutesAgo(10), expiresAt: minutesAgo(5) },
      ],
    });
    renderPage();

    const ended = await screen.findByRole('table', { name: 'Ended spikes' });
    const rows = within(ended).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^gateway100%bob.*expired$/),
      expect.stringMatching(/^payments-api100%bob.*reverted by carol$/),
      expect.stringMatching(/^payments-ledger100%raised by alert HighErrorRate.*alert HighErrorRate resolved$/),
    ]);
  });
});

/** Prometheus answers each range query matching `pattern` with `value` for gateway at every step. */
function rangeServes(answers: Array<[RegExp, string]>) {
  mockBackend.on('GET', `${PROM}/api/v1/query_range`, (request) => {
    const params = new URL(request.url, 'http://grafana').searchParams;
    const query = params.get('query') ?? '';
    const answer = answers.find(([pattern]) => pattern.test(query));
    if (!answer) {
      return emptyMatrix;
    }
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(params.get(k)));
    const values: Array<[number, string]> = [];
    for (let t = start!; t <= end!; t += step!) {
      values.push([t, answer[1]]);
    }
    return ok({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { service: 'gateway' }, values }] },
    });
  });
}
describe('IncidentPage: rates that mean requests', () => {
  const SPAN_RATE =
    /^sum by \(service\) \(rate\(traces_spanmetrics_calls_total\{.*span_kind=~"SPAN_KIND_SERVER\|SPAN_KIND_CONSUMER"\}/;
  const SDK_RATE = /http_server_request_duration_seconds_count/;

  const overviewRow = async () =>
    within(await screen.findByRole('table', { name: 'Service overview' })).getByRole('row', { name: /gateway/ });

  it('computes RED from the spans that serve requests, and labels uncorrected span rates as sampled spans', async () => {
    tempoServes([]);
    rangeServes([[SPAN_RATE, '0.41']]);
    renderPage();

    expect(await overviewRow()).toHaveTextContent('0.41 sampled spans/s');
    // The latency baseline's query (labelled `baseline`) judges spans of every kind; the overview's are the rest.
    const overviewQueries = promQueries().filter((q) => q.includes('[5m]') && !q.includes('"baseline"'));
    expect(overviewQueries).toHaveLength(3);
    for (const query of overviewQueries) {
      expect(query).toContain('span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"');
    }
  });

  it("shows the services' own HTTP server metrics as requests where Prometheus has them", async () => {
    tempoServes([]);
    rangeServes([
      [SPAN_RATE, '0.41'],
      [SDK_RATE, '4.1'],
    ]);
    mockBackend.on('GET', `${PROM}/api/v1/label/service_name/values`, ok({ status: 'success', data: ['gateway'] }));
    renderPage();

    await waitFor(async () => expect(await overviewRow()).toHaveTextContent('4.1 req/s'));
    // Both names the SDKs export under were found (the mock has every label value under each): one query, each
    // service from the first name that has it.
    const sdkRate = (count: string) =>
      `sum by (service) (label_replace(rate(${count}{service_name=~"^(gateway|payments-.*)$"}[5m]), "service", "$1", "service_name", "(.*)"))`;
    expect(promQueries()).toContainEqual(
      `${sdkRate('http_server_request_duration_seconds_count')} or ${sdkRate('http_server_request_duration_count')}`
    );
  });

  it("divides sampled span rates by the sampling rate the controller's history says applied", async () => {
    tempoServes([]);
    rangeServes([[SPAN_RATE, '0.41']]);
    const dayAgo = new Date(Date.now() - 86_400_000).toISOString();
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    mockBackend.on('GET', `${CONTROLLER}/sampling/history`, (request) => {
      const params = new URL(request.url, 'http://grafana').searchParams;
      return ok({
        service: params.get('service'),
        from: dayAgo,
        to: inAnHour,
        complete: true,
        strategiesLoadedAt: dayAgo,
        segments: [{ from: dayAgo, to: inAnHour, samplingRate: 0.1, source: strategySource }],
        operations: [],
        spikes: [],
      });
    });
    renderPage();

    await waitFor(async () => expect(await overviewRow()).toHaveTextContent('4.1 req/s'));
    const [history] = mockBackend.sent(`${CONTROLLER}/sampling/history`);
    const params = new URL(history!.url, 'http://grafana').searchParams;
    expect(params.get('service')).toBe('gateway');
    // From a rate window before the range, so the first point of the range is corrected too.
    expect(Number(params.get('to')) - Number(params.get('from'))).toBeGreaterThan(62 * 60_000);
  });

  it('says so where a spike in the range changes a sampled figure, and marks the spike with who and when', async () => {
    tempoServes([]);
    rangeServes([[SPAN_RATE, '0.41']]);
    controllerServes({ overrides: [spike] });
    renderPage();

    const row = await overviewRow();
    expect(row).toHaveTextContent('a spike in the range changes this figure: gateway at 100% (bob)');
    expect(row).toHaveTextContent(/Spike \d\d:\d\d–now/);
  });
});

describe('IncidentPage: raising where it helps', () => {
  it('opens the dialog a Trace page links to on the root service and operation, saying why not the failing one', async () => {
    tempoServes([]);
    renderPage('/incident?raise=gateway&raiseOperation=GET+%2Fcheckout&raiseFor=payments-api');

    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(within(dialog).getByRole('textbox', { name: /^Operation/ })).toHaveValue('GET /checkout');
    expect(within(dialog).getByRole('note', { name: 'Only traces that start at gateway' })).toHaveTextContent(
      'The trouble is in payments-api, but these traces start at gateway (GET /checkout): raising payments-api would keep none of them.'
    );
  });

  it('shows the rate now and the traces per second to expect at the rate typed, and marks the reason required', async () => {
    tempoServes([]);
    rangeServes([[/^sum by \(service\) \(rate\(traces_spanmetrics_calls_total/, '0.41']]);
    renderPage();
    await screen.findByRole('table', { name: 'Service overview' });

    await userEvent.click(await raiseButton('gateway'));
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    const expectation = within(dialog).getByRole('status', { name: 'What to expect' });
    expect(expectation).toHaveTextContent('gateway keeps 5% of the traces that start there now.');
    // 0.41 sampled spans/s at 5 % is about 8.2 requests/s; at 100 % about 8.2 traces/s.
    expect(expectation).toHaveTextContent('At 100%: about 8.2 traces/s (0.41 sampled spans/s at 5%, scaled)');
    await userEvent.clear(within(dialog).getByRole('textbox', { name: /^Rate/ }));
    await userEvent.type(within(dialog).getByRole('textbox', { name: /^Rate/ }), '50');
    expect(expectation).toHaveTextContent('At 50%: about 4.1 traces/s');
    expect(within(dialog).getByRole('textbox', { name: /^Reason \*/ })).toHaveAttribute('aria-required', 'true');
  });

  it('expects up to the request rate times the new rate where the requests are counted unsampled', async () => {
    tempoServes([]);
    rangeServes([[/http_server_request_duration_seconds_count/, '4.1']]);
    mockBackend.on('GET', `${PROM}/api/v1/label/service_name/values`, ok({ status: 'success', data: ['gateway'] }));
    renderPage();
    await screen.findByRole('table', { name: 'Service overview' });

    await userEvent.click(await raiseButton('gateway'));
    const dialog = await screen.findByRole('dialog', { name: 'Raise sampling' });
    expect(within(dialog).getByRole('status', { name: 'What to expect' })).toHaveTextContent(
      'At 100%: up to 4.1 traces/s (4.1 requests/s to gateway × 100%, counting only requests that start their trace here).'
    );
  });
});
