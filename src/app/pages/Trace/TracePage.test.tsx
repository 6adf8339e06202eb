import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { buildTrace } from '../../../analysis';
import { connectionPoolWait, healthyTrace } from '../../../analysis/fixtures';
import {
  DATA_SOURCES,
  lastPanels,
  mockPanelRenderer,
  proxy,
  queriesSent,
  renderedPanels,
  serveTrace,
} from '../../features/correlated/testing/correlatedBackend';
import { FakeBackend } from '../../testing/fakeBackend';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { TracePage } from './TracePage';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  PanelRenderer: (props: never) => mockPanelRenderer(props),
}));

const poolWait = connectionPoolWait();
const trace = buildTrace(poolWait);
const acquire = trace.spans.find((s) => s.name === 'pool.acquire')!;
const PROMETHEUS_RANGE = `${proxy('prom-uid')}/api/v1/query_range`;

function openTrace(url = `/trace?traceId=${trace.traceId}`, settings = DATA_SOURCES) {
  return renderInApp(<TracePage />, { url, meta: appMeta(settings) });
}

beforeEach(() => {
  mockBackend.reset();
  renderedPanels.length = 0;
  serveTrace(mockBackend, poolWait);
});

describe('TracePage', () => {
  it('lists the findings of the trace with their explanations and evidence spans', async () => {
    openTrace();

    const findings = await screen.findByRole('list', { name: 'Findings' });
    const bottleneck = within(findings).getByText('Bottleneck').closest('li')!;
    expect(bottleneck).toHaveTextContent(/pool\.acquire/);
    expect(
      within(bottleneck).getByRole('button', {
        name: `Select evidence span payments · pool.acquire · at +28 ms, 2.30 s (${acquire.id})`,
      })
    ).toHaveAttribute('aria-pressed', 'false');
    expect(screen.getByTestId('panel-traces')).toBeInTheDocument();
  });

  it('selects an evidence span: the waterfall focuses it and the metrics narrow to its operation', async () => {
    openTrace();
    const evidence = await screen.findAllByRole('button', { name: new RegExp(`\\(${acquire.id}\\)`) });
    mockBackend.requests.length = 0;

    await userEvent.click(evidence[0]!);

    expect(evidence[0]).toHaveAttribute('aria-pressed', 'true');
    expect(lastPanels('traces')[0]!.options).toMatchObject({ focusedSpanId: acquire.id });
    await waitFor(() => expect(queriesSent(mockBackend, PROMETHEUS_RANGE)).toHaveLength(3));
    expect(queriesSent(mockBackend, PROMETHEUS_RANGE)[0]).toContain('service="payments", span_name="pool.acquire"');
    // Selecting a span does not move the raise: the root still decides for the whole trace.
    expect(screen.getByRole('link', { name: 'Raise sampling for gateway' })).toBeInTheDocument();
  });

  it('opens with the span named in the URL selected', async () => {
    openTrace(`/trace?traceId=${trace.traceId}&spanId=${acquire.id}`);

    await screen.findByTestId('panel-traces');
    expect(lastPanels('traces')[0]!.options).toMatchObject({ focusedSpanId: acquire.id });
    expect(screen.getByRole('heading', { name: 'RED metrics of payments · pool.acquire' })).toBeInTheDocument();
  });

  it('offers to raise sampling where the trace starts, not where the trouble is, and tells the dialog why', async () => {
    openTrace();

    // The bottleneck is in payments; the trace starts at gateway, whose decision payments follows.
    const raise = await screen.findByRole('link', { name: 'Raise sampling for gateway' });
    const href = new URL(raise.getAttribute('href')!, 'http://grafana');
    expect(href.pathname).toBe('/a/seed-tracingops-app/incident');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      raise: 'gateway',
      raiseOperation: 'GET /checkout',
      raiseFor: 'payments',
    });
  });

  it('links to "Why these traces?" for traces like this one: its root service and worst rule', async () => {
    openTrace();

    expect(await screen.findByRole('link', { name: 'Why traces like this?' })).toHaveAttribute(
      'href',
      '/a/seed-tracingops-app/incident?service=gateway&rule=bottleneck&why=1'
    );
  });

  it('says a healthy trace has no findings', async () => {
    const healthy = healthyTrace();
    serveTrace(mockBackend, healthy);
    openTrace(`/trace?traceId=${buildTrace(healthy).traceId}`);

    expect(await screen.findByText('The analysis finds nothing anomalous in this trace.')).toBeInTheDocument();
  });

  it('asks for a Tempo data source when none is set', () => {
    openTrace(undefined, {});

    expect(screen.getByText('No Tempo or Jaeger data source')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Tracing Ops settings' })).toHaveAttribute(
      'href',
      '/plugins/seed-tracingops-app'
    );
  });

  it('opens a pasted trace id, normalised to lower case', async () => {
    openTrace('/trace');
    expect(screen.getByText(/No trace selected/)).toBeInTheDocument();

    await userEvent.type(screen.getByRole('textbox', { name: 'Trace ID' }), ` ${trace.traceId.toUpperCase()} `);
    await userEvent.click(screen.getByRole('button', { name: 'Open trace' }));

    expect(await screen.findByRole('heading', { name: `Trace ${trace.traceId}` })).toBeInTheDocument();
  });

  it('refuses input that is not a trace id and says what one looks like', async () => {
    openTrace('/trace');

    await userEvent.type(screen.getByRole('textbox', { name: 'Trace ID' }), 'not-a-trace');
    await userEvent.click(screen.getByRole('button', { name: 'Open trace' }));

    expect(screen.getByText('A trace ID is 32 (or 16) hexadecimal characters')).toBeInTheDocument();
    expect(mockBackend.requests).toEqual([]);
  });

  it('shades the sampling spikes of the trace’s services on the RED charts, with who and why, and says what the charts count', async () => {
    const at = (minutes: number) => new Date(trace.startUnixMs + minutes * 60_000).toISOString();
    const spike = {
      id: 'ovr-1',
      service: 'payments',
      samplingRate: 1,
      reason: 'INC-7 pool waits',
      createdBy: 'alice',
      createdAt: at(-5),
      expiresAt: at(55),
      revokedAt: at(3),
      revokedBy: 'bob',
      active: false,
    };
    const elsewhere = { ...spike, id: 'ovr-2', service: 'search' };
    mockBackend.on('GET', '/api/plugin-proxy/seed-tracingops-app/controller/api/v1/overrides', {
      status: 200,
      data: { overrides: [spike, elsewhere] },
    });
    openTrace(undefined, { ...DATA_SOURCES, controllerUrl: 'http://controller:8080' });

    await waitFor(() => expect(lastPanels('timeseries')[0]?.data?.annotations).toHaveLength(2));
    const regions = lastPanels('timeseries')[0]!.data!.annotations![1]!;
    const field = (name: string) => regions.fields.find((f) => f.name === name)!.values;
    expect(field('time')).toEqual([Date.parse(at(-5))]);
    expect(field('timeEnd')).toEqual([Date.parse(at(3))]);
    expect(field('isRegion')).toEqual([true]);
    expect(field('title')).toEqual(['Sampling spike: payments at 100%']);
    expect(field('text')).toEqual(['Raised by alice: INC-7 pool waits (reverted by bob)']);
    const metrics = screen.getByRole('region', { name: /RED metrics/ });
    expect(metrics).toHaveTextContent(
      'From span metrics of the server and consumer spans: the requests each service receives; they count sampled spans, so rates move with sampling, as in the shaded spikes (payments).'
    );
    // The latency baseline's query (labelled `baseline`) judges spans of every kind; the charts' are the rest.
    const charts = queriesSent(mockBackend, PROMETHEUS_RANGE).filter((q) => !q.includes('"baseline"'));
    expect(charts.length).toBeGreaterThan(0);
    for (const query of charts) {
      expect(query).toContain('span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"');
    }
  });
});
