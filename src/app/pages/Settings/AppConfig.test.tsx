import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';
import { AppPlugin, type DataSourceInstanceSettings } from '@grafana/data';
import { type DataSourceSrv, locationService, setDataSourceSrv } from '@grafana/runtime';

import { FakeBackend, fail, ok } from '../../testing/fakeBackend';
import { AppSettings } from '../../settings';
import { appMeta, renderInApp } from '../../testing/renderInApp';
import { AppConfig } from './AppConfig';

const mockBackend = new FakeBackend();
const dataSources = [
  { uid: 'tempo-uid', name: 'Tempo', type: 'tempo' },
  { uid: 'tempo-2', name: 'Tempo EU', type: 'tempo' },
  { uid: 'jaeger-uid', name: 'Jaeger', type: 'jaeger' },
  { uid: 'prom-uid', name: 'Prometheus', type: 'prometheus' },
  { uid: 'loki-uid', name: 'Loki', type: 'loki' },
].map((ds) => ({ ...ds, meta: { info: { logos: { small: '' } } } }) as unknown as DataSourceInstanceSettings);
const mockDataSourceSrv = {
  getList: ({ type }: { type?: string | string[] } = {}) =>
    dataSources.filter((ds) => !type || [type].flat().includes(ds.type)),
  getInstanceSettings: (ref: string | { uid?: string } | null) =>
    dataSources.find((ds) => ds.uid === (typeof ref === 'string' ? ref : ref?.uid)),
};

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => mockBackend,
}));
// The data source picker reads the service registered with Grafana's runtime, as Grafana does at start-up.
setDataSourceSrv(mockDataSourceSrv as unknown as DataSourceSrv);

const saved: AppSettings = {
  tempoDatasourceUid: 'tempo-uid',
  prometheusDatasourceUid: 'prom-uid',
  lokiDatasourceUid: 'loki-uid',
  controllerUrl: 'http://controller:8080',
  ownership: [{ team: 'payments', services: ['checkout', 'payments-*'] }],
};

function renderConfig(meta = appMeta(saved, { controllerToken: true })) {
  const plugin = new AppPlugin<AppSettings>();
  plugin.meta = meta;
  return renderInApp(<AppConfig plugin={plugin} query={{}} />, { meta });
}

/** Types by pasting: the form is large and keystroke-by-keystroke typing is slow on shared CI machines. */
async function fill(element: HTMLElement, text: string) {
  await userEvent.click(element);
  await userEvent.paste(text);
}

const savedBody = () => mockBackend.sent('/api/plugins/seed-tracingops-app/settings', 'POST')[0]?.body;

beforeEach(() => {
  mockBackend.reset();
  mockBackend.on('POST', '/api/plugins/seed-tracingops-app/settings', ok({ message: 'Plugin settings updated' }));
  jest.spyOn(locationService, 'reload').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

describe('AppConfig', () => {
  it('saves the edited settings as jsonData and leaves a configured token alone', async () => {
    renderConfig();
    const services = screen.getByRole('textbox', { name: 'Services of payments' });
    await userEvent.clear(services);
    await fill(services, 'checkout, payments-*, fraud');
    await userEvent.click(screen.getByRole('button', { name: 'Add team' }));
    await fill(screen.getByRole('textbox', { name: 'Team of row 2' }), 'identity');
    await fill(screen.getByRole('textbox', { name: 'Services of identity' }), 'auth');
    await fill(screen.getByRole('textbox', { name: 'Long trace' }), '3000');

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(locationService.reload).toHaveBeenCalled());
    const body = savedBody() as Record<string, unknown>;
    expect(body).not.toHaveProperty('secureJsonData');
    expect(body).toMatchObject({
      enabled: true,
      jsonData: {
        // Settings saved before Jaeger support named the trace data source `tempoDatasourceUid`.
        tracesDatasourceUid: 'tempo-uid',
        spanMetrics: { flavour: 'auto' },
        controllerUrl: 'http://controller:8080',
        ownership: [
          { team: 'payments', services: ['checkout', 'payments-*', 'fraud'] },
          { team: 'identity', services: ['auth'] },
        ],
        analysis: { longTraceMs: 3000 },
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/controllerToken/);
  });

  it('shows the token only as configured, and sends a new one only when typed after a reset', async () => {
    renderConfig();
    const token = screen.getByRole('textbox', { name: /^Sampling controller token/ });
    expect(token).toHaveValue('configured');
    expect(token).toBeDisabled();

    await userEvent.click(screen.getByRole('button', { name: 'Reset' }));
    // A password input has no ARIA role; its label still names it.
    await fill(screen.getByLabelText(/^Sampling controller token/), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(savedBody()).toMatchObject({ secureJsonData: { controllerToken: 's3cret' } }));
    expect(JSON.stringify((savedBody() as { jsonData: unknown }).jsonData)).not.toContain('s3cret');
  });

  it('saves the data source picked in each picker by UID', async () => {
    renderConfig();
    await userEvent.click(screen.getByLabelText(/^Trace data source/));
    // Tempo and Jaeger data sources are offered for traces, nothing else.
    const options = screen.getAllByRole('option').map((option) => option.textContent);
    expect(options).toEqual(['Tempo', 'Tempo EU', 'Jaeger']);
    await userEvent.click(screen.getByRole('option', { name: 'Jaeger' }));

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() => expect(savedBody()).toMatchObject({ jsonData: { tracesDatasourceUid: 'jaeger-uid' } }));
    expect((savedBody() as { jsonData: object }).jsonData).not.toHaveProperty('tempoDatasourceUid');
  });

  it('saves a fixed spanmetrics-connector flavour with its namespace and unit', async () => {
    renderConfig();
    await userEvent.click(screen.getByRole('radio', { name: 'OpenTelemetry spanmetrics connector' }));
    const namespace = screen.getByRole('textbox', { name: /^Connector namespace/ });
    expect(namespace).toHaveValue('traces_span_metrics');
    await userEvent.clear(namespace);
    await fill(namespace, 'otel_spans');
    await userEvent.click(screen.getByRole('radio', { name: 'Seconds' }));

    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() =>
      expect(savedBody()).toMatchObject({
        jsonData: { spanMetrics: { flavour: 'otel', namespace: 'otel_spans', unit: 's' } },
      })
    );
  });

  it('refuses a connector namespace that is not a metric-name prefix', async () => {
    renderConfig(appMeta({ ...saved, spanMetrics: { flavour: 'otel', namespace: 'traces_span_metrics', unit: 'ms' } }));
    const namespace = screen.getByRole('textbox', { name: /^Connector namespace/ });
    await userEvent.clear(namespace);
    await fill(namespace, 'traces.span.metrics');

    expect(screen.getByText(/A metric-name prefix such as traces_span_metrics/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it.each(['undefined', 'null'])('refuses the connector namespace %s, what a missing value prints as', async (text) => {
    renderConfig(appMeta({ ...saved, spanMetrics: { flavour: 'otel', namespace: 'traces_span_metrics', unit: 'ms' } }));
    const namespace = screen.getByRole('textbox', { name: /^Connector namespace/ });
    await userEvent.clear(namespace);
    await fill(namespace, text);

    expect(
      screen.getByText(`"${text}" is how a missing value prints, not a namespace`, { exact: false })
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it('opens a provisioned connector flavour without a namespace and asks for one', () => {
    const missing = { flavour: 'otel', namespace: null, unit: 'ms' } as unknown as AppSettings['spanMetrics'];
    renderConfig(appMeta({ ...saved, spanMetrics: missing }));

    expect(screen.getByRole('textbox', { name: /^Connector namespace/ })).toHaveValue('');
    expect(screen.getByText(/A metric-name prefix such as traces_span_metrics/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it('refuses to save invalid values and says what is wrong with each', async () => {
    renderConfig();
    await userEvent.clear(screen.getByRole('textbox', { name: /^Sampling controller URL/ }));
    await fill(screen.getByRole('textbox', { name: /^Sampling controller URL/ }), 'controller:8080/api/v1');
    await fill(screen.getByRole('textbox', { name: 'Bottleneck: share of the trace on one span' }), '1.5');
    await fill(screen.getByRole('textbox', { name: /^Secret attribute keys/ }), '\n(unclosed');
    await userEvent.clear(screen.getByRole('textbox', { name: 'Services of payments' }));
    await fill(screen.getByRole('textbox', { name: 'Services of payments' }), 'check out');

    expect(screen.getByText(/must start with http:\/\/ or https:\/\//)).toBeInTheDocument();
    expect(screen.getByText('bottleneckShare must be a share above 0 and at most 1, got 1.5')).toBeInTheDocument();
    expect(screen.getByText(/secret key pattern "\(unclosed" is not a valid regular expression/)).toBeInTheDocument();
    expect(screen.getByText(/"check out": a service name or glob is 1–128 characters/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    expect(mockBackend.sent('/settings', 'POST')).toHaveLength(0);
  });

  it('keeps a provisioned number of candidate traces, and refuses one outside its bounds', async () => {
    renderConfig(appMeta({ ...saved, maxCandidates: 500 }, { controllerToken: true }));
    const candidates = screen.getByRole('textbox', { name: /^Candidate traces per load/ });
    expect(candidates).toHaveValue('500');

    await userEvent.clear(candidates);
    await fill(candidates, '5000');
    expect(screen.getByText('Candidate traces per load must be a whole number from 1 to 2000')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();

    await userEvent.clear(candidates);
    await fill(candidates, '800');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(savedBody()).toMatchObject({ jsonData: { maxCandidates: 800 } }));
  });

  it('shows the attributes "Why these traces?" leaves out, the defaults until edited, and saves the edit', async () => {
    renderConfig();
    const keys = screen.getByRole('textbox', { name: /^Attributes left out of the comparison/ });
    expect((keys as HTMLTextAreaElement).value.split('\n')).toEqual(
      expect.arrayContaining(['jaeger.sampler.*', 'telemetry.sdk.*', 'net.peer.*', 'server.port'])
    );

    await userEvent.clear(keys);
    await fill(keys, 'sampler.*\n\n  k8s.pod.uid  ');
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(savedBody()).toMatchObject({ jsonData: { comparisonIgnoredKeys: ['sampler.*', 'k8s.pod.uid'] } })
    );
  });

  it('asks for a token before saving a controller URL without one', async () => {
    renderConfig(appMeta({}, {}));
    await fill(screen.getByRole('textbox', { name: /^Sampling controller URL/ }), 'http://controller:8080');

    expect(screen.getByText(/Enter the controller token/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it('says why Grafana did not save', async () => {
    mockBackend.on('POST', '/api/plugins/seed-tracingops-app/settings', fail(403, { message: 'Permission denied' }));
    renderConfig();
    await userEvent.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText('Grafana did not save the settings (403: Permission denied)')).toBeInTheDocument();
    expect(locationService.reload).not.toHaveBeenCalled();
  });

  it('tests each connection and reports every result separately', async () => {
    mockBackend
      .on('GET', '/api/datasources/uid/tempo-uid/health', ok({ status: 'OK', message: 'Data source is working' }))
      .on('GET', '/api/datasources/uid/prom-uid/health', fail(400, { status: 'ERROR', message: 'connection refused' }))
      .on(
        'GET',
        '/api/datasources/proxy/uid/prom-uid/api/v1/label/__name__/values',
        ok({
          status: 'success',
          data: ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_milliseconds_bucket'],
        })
      )
      .on(
        'GET',
        '/api/datasources/uid/loki-uid/health',
        ok({ status: 'OK', message: 'Data source successfully connected.' })
      )
      .on(
        'GET',
        '/api/plugin-proxy/seed-tracingops-app/controller/api/v1/guardrails',
        fail(401, { error: { code: 'unauthorized', message: 'invalid bearer token' } })
      );
    renderConfig();

    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));

    const results = await screen.findByRole('list', { name: 'Connection test results' });
    const rows = within(results)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(rows).toEqual([
      'TempookData source is working',
      'Prometheusfailed400: connection refused',
      'Span metricsokDetected OpenTelemetry spanmetrics connector (traces_span_metrics_*, milliseconds)',
      'LokiokData source successfully connected.',
      "Sampling controllerfailedSampling controller (the app’s controller route) answered HTTP 401: invalid bearer token. The controller refused the app's token: the token in the app settings must equal the controller's CONTROLLER_TOKEN.",
    ]);
  });

  it('names the trace backend and says when Prometheus lacks the configured span metrics', async () => {
    mockBackend
      .on('GET', '/api/datasources/uid/jaeger-uid/health', ok({ status: 'OK', message: 'Data source is working' }))
      .on('GET', '/api/datasources/uid/prom-uid/health', ok({ status: 'OK', message: 'Data source is working' }))
      .on(
        'GET',
        '/api/datasources/proxy/uid/prom-uid/api/v1/label/__name__/values',
        ok({ status: 'success', data: ['traces_spanmetrics_calls_total', 'traces_spanmetrics_latency_bucket'] })
      );
    renderConfig(
      appMeta({
        tracesDatasourceUid: 'jaeger-uid',
        prometheusDatasourceUid: 'prom-uid',
        spanMetrics: { flavour: 'otel', namespace: 'traces_span_metrics', unit: 'ms' },
      })
    );

    await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));

    const rows = within(await screen.findByRole('list', { name: 'Connection test results' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(rows.slice(0, 3)).toEqual([
      'JaegerokData source is working',
      'PrometheusokData source is working',
      'Span metricsfailedThe settings use OpenTelemetry spanmetrics connector (traces_span_metrics_*, milliseconds), but Prometheus has Tempo metrics-generator (traces_spanmetrics_*, seconds)',
    ]);
  });

  it('says whether the controller can end spikes after a number of traces', async () => {
    const guardrails = {
      maxSamplingRate: 0.5,
      maxDurationSeconds: 3600,
      defaultDurationSeconds: 900,
      maxActiveOverridesPerService: 3,
      maxActiveOverrides: 20,
      pollIntervalHintSeconds: 30,
    };
    const controllerRow = async () =>
      within(await screen.findByRole('list', { name: 'Connection test results' }))
        .getAllByRole('listitem')
        .map((item) => item.textContent)
        .find((text) => text?.startsWith('Sampling controller'));
    for (const [traceGoals, expected] of [
      [true, 'spikes can stop after N traces (it reads span metrics from Prometheus)'],
      [false, 'spikes cannot stop after N traces until the controller has PROMETHEUS_URL'],
    ] as const) {
      mockBackend.reset();
      mockBackend.on(
        'GET',
        '/api/plugin-proxy/seed-tracingops-app/controller/api/v1/guardrails',
        ok({ ...guardrails, traceGoals })
      );
      const { unmount } = renderConfig(appMeta({ controllerUrl: 'http://controller:8080' }, { controllerToken: true }));
      await userEvent.click(screen.getByRole('button', { name: 'Test connection' }));
      expect(await controllerRow()).toBe(
        `Sampling controllerokConnected; spikes up to 50% for at most 60 min; ${expected}`
      );
      unmount();
    }
  });

  it('says when the app is disabled', () => {
    renderConfig({ ...appMeta(), enabled: false });
    expect(screen.getByText('The app is not enabled')).toBeInTheDocument();
  });
});
