import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { type DataFrame, type PanelProps, DataFrameView, getDefaultTimeRange } from '@grafana/data';

import { buildTrace } from '../../../analysis';
import { healthyTrace } from '../../../analysis/fixtures';
import { FakeBackend, fail } from '../../testing/fakeBackend';
import { CorrelatedPanel } from './CorrelatedPanel';
import { type CorrelatedOptions, DEFAULT_TRACE_ID } from './options';
import {
  lastPanels,
  mockPanelRenderer,
  proxy,
  queriesSent,
  renderedPanels,
  serveTrace,
} from '../../features/correlated/testing/correlatedBackend';

const mockBackend = new FakeBackend();
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
  PanelRenderer: (props: never) => mockPanelRenderer(props),
}));

const otlp = healthyTrace();
const trace = buildTrace(otlp);
const FIFTEEN_MINUTES_S = 15 * 60;
const SERVICES = `^(${trace.services.join('|')})$`;
const PROMETHEUS_RANGE = `${proxy('prom-uid')}/api/v1/query_range`;
const LOKI_RANGE = `${proxy('loki-uid')}/loki/api/v1/query_range`;

function renderPanel(
  options: Partial<CorrelatedOptions> = {},
  variables: Record<string, string> = { traceId: trace.traceId }
) {
  const props = {
    options: { traceId: DEFAULT_TRACE_ID, dataSourceChoice: 'app', ...options },
    replaceVariables: (text: string) => text.replace(/\$(\w+)/g, (whole, name: string) => variables[name] ?? whole),
    width: 1200,
    height: 900,
    timeRange: getDefaultTimeRange(),
  } as unknown as PanelProps<CorrelatedOptions>;
  // Grafana renders panels inside its router, which the settings links use.
  return render(<CorrelatedPanel {...props} />, {
    wrapper: ({ children }) => (
      <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>{children}</MemoryRouter>
    ),
  });
}

function span(service: string, name: string) {
  const found = trace.spans.find((s) => s.service === service && s.name === name);
  if (!found) {
    throw new Error(`no span ${service} ${name}`);
  }
  return found;
}

async function pickSpan(label: string) {
  const picker = screen.getByRole('combobox', { name: /^Span/ });
  await userEvent.click(picker);
  // The menu is virtualised and draws no rows in jsdom; the keyboard picks the first match as in a browser.
  await userEvent.type(picker, `${label}{ArrowDown}{Enter}`);
}

beforeEach(() => {
  mockBackend.reset();
  renderedPanels.length = 0;
  serveTrace(mockBackend, otlp);
});

describe('CorrelatedPanel', () => {
  it('draws the trace named by $traceId with Grafana’s traces panel', async () => {
    renderPanel();

    await screen.findByTestId('panel-traces');
    expect(mockBackend.sent(`${proxy('tempo-uid')}/api/v2/traces/${trace.traceId}`)).toHaveLength(1);
    const [waterfall] = lastPanels('traces');
    const frame = waterfall!.data!.series[0]!;
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    expect(frame.length).toBe(trace.spans.length);
    expect(waterfall!.options).toEqual({ focusedSpanId: undefined, datasource: { type: 'tempo', uid: 'tempo-uid' } });
  });

  it('shows rate, errors and p99 of the trace’s services around the trace, with the trace marked', async () => {
    renderPanel();

    await waitFor(() => expect(lastPanels('timeseries')).toHaveLength(3));
    // The three charts' queries; the trace's latency baselines are a range query too.
    const sent = mockBackend.requests.filter(
      (r) => r.url.startsWith(PROMETHEUS_RANGE) && !r.url.includes('quantile_over_time')
    );
    expect(sent).toHaveLength(3);
    const params = new URL(sent[0]!.url, 'http://grafana').searchParams;
    expect(Number(params.get('start'))).toBe(Math.floor(trace.startUnixMs / 1000) - FIFTEEN_MINUTES_S);
    expect(Number(params.get('end'))).toBe(
      Math.ceil((trace.startUnixMs + trace.durationMs) / 1000) + FIFTEEN_MINUTES_S
    );
    for (const query of queriesSent(mockBackend, PROMETHEUS_RANGE).filter((q) => !q.includes('quantile_over_time'))) {
      expect(query).toContain(`service=~"${SERVICES}"`);
      expect(query).toMatch(/sum by \(service(, le)?\)/);
      expect(query).toMatch(/\[2m\]/);
      expect(query).not.toContain('span_name=');
    }

    const panels = lastPanels('timeseries');
    expect(panels.map((p) => p.title)).toEqual(['Sampled spans per second', 'Error ratio', 'p99 latency']);
    // Grafana's PanelRenderer draws no header: the titles a responder reads are the view's own.
    for (const title of ['Sampled spans per second', 'Error ratio', 'p99 latency']) {
      expect(screen.getByRole('figure', { name: title })).toHaveTextContent(title);
    }
    const series = panels[0]!.data!.series[0]!;
    expect(series.fields[1]!.values).toEqual([1.5, null]);
    expect(series.fields[1]!.config.displayNameFromDS).toBe('payments');
    const marker = panels[0]!.data!.annotations![0]!;
    expect(marker.fields.find((f) => f.name === 'time')!.values).toEqual([trace.startUnixMs]);
  });

  it('shows the logs carrying the trace id, redacted', async () => {
    renderPanel();

    await screen.findByTestId('panel-logs');
    expect(queriesSent(mockBackend, LOKI_RANGE)).toEqual([`{service_name=~"${SERVICES}"} |= "${trace.traceId}"`]);
    const frame: DataFrame = lastPanels('logs')[0]!.data!.series[0]!;
    const lines = new DataFrameView<{ body: string }>(frame).toArray().map((l) => l.body);
    expect(lines).toHaveLength(trace.spans.length);
    expect(lines.join('\n')).not.toContain('jane@example.com');
    expect(lines[0]).toContain('user=[REDACTED]');
  });

  it('narrows metrics to the selected span’s service and operation and logs to its span id', async () => {
    renderPanel();
    await waitFor(() => expect(lastPanels('timeseries')).toHaveLength(3));
    mockBackend.requests.length = 0;

    await pickSpan('fraud · model.predict');

    const predict = span('fraud', 'model.predict');
    await waitFor(() => expect(queriesSent(mockBackend, PROMETHEUS_RANGE)).toHaveLength(3));
    for (const promql of queriesSent(mockBackend, PROMETHEUS_RANGE)) {
      expect(promql).toContain('service="fraud", span_name="model.predict"');
      expect(promql).toContain('sum by (service, span_name');
    }
    await waitFor(() =>
      expect(queriesSent(mockBackend, LOKI_RANGE)).toEqual([
        `{service_name=~"${SERVICES}"} |= "${trace.traceId}" |= "${predict.id}"`,
      ])
    );
    expect(lastPanels('traces')[0]!.options).toMatchObject({ focusedSpanId: predict.id });
    expect(screen.getByRole('heading', { name: 'RED metrics of fraud · model.predict' })).toBeInTheDocument();
  });

  it('says which data sources are missing and where to choose them, and still draws the trace', async () => {
    serveTrace(mockBackend, otlp, { tempoDatasourceUid: 'tempo-uid' });
    renderPanel();

    await screen.findByTestId('panel-traces');
    const metrics = screen.getByRole('region', { name: 'RED metrics of the trace’s services' });
    expect(within(metrics).getByText('No Prometheus data source')).toBeInTheDocument();
    expect(within(metrics).getByRole('link', { name: 'Tracing Ops settings' })).toHaveAttribute(
      'href',
      '/plugins/seed-tracingops-app'
    );
    expect(
      within(screen.getByRole('region', { name: 'Logs of the trace' })).getByText('No Loki data source')
    ).toBeInTheDocument();
    expect(mockBackend.sent('query_range')).toEqual([]);
  });

  it('asks for a Tempo data source before anything else', async () => {
    serveTrace(mockBackend, otlp, {});
    renderPanel();

    expect(await screen.findByText('No Tempo or Jaeger data source')).toBeInTheDocument();
    expect(renderedPanels).toEqual([]);
  });

  it('uses its own data sources when told to, without the app’s', async () => {
    serveTrace(mockBackend, otlp, {});
    renderPanel({ dataSourceChoice: 'panel', tempoDatasourceUid: 'tempo-uid', prometheusDatasourceUid: 'prom-uid' });

    await waitFor(() => expect(lastPanels('timeseries')).toHaveLength(3));
    expect(screen.getByText('No Loki data source')).toBeInTheDocument();
  });

  it('names the data source that failed and what it said', async () => {
    mockBackend.on('GET', /prom-uid\/api\/v1\/query_range/, fail(503, { status: 'error', error: 'too many queries' }));
    renderPanel();

    const alert = await screen.findByRole('alert', { name: 'Could not load the RED metrics' });
    expect(alert).toHaveTextContent('Prometheus (prom-uid) answered HTTP 503: too many queries');
    expect(await screen.findByTestId('panel-logs')).toBeInTheDocument();
  });

  it('says so when Tempo has no such trace', async () => {
    mockBackend.on('GET', /\/api\/v2\/traces\//, fail(404, 'trace not found'));
    renderPanel();

    expect(
      await screen.findByText(
        `Tempo has no trace ${trace.traceId}. It may be older than its retention, or not sampled.`
      )
    ).toBeInTheDocument();
  });

  it('asks for a trace while the variable is unset, and refuses text that is not a trace id', () => {
    renderPanel({}, {});
    expect(screen.getByText(/No trace selected/)).toBeInTheDocument();

    renderPanel({ traceId: 'not-a-trace' });
    expect(screen.getByText('“not-a-trace” is not a trace ID (32 or 16 hexadecimal characters).')).toBeInTheDocument();
    expect(mockBackend.requests).toEqual([]);
  });
});
