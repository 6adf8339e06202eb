/**
 * *Test connection*: asks Grafana for the health of each configured data source, Prometheus for the
 * span metrics it holds (which flavour, and whether it is the one the settings use), and the
 * controller for its guardrails through the app's proxy route, and reports each result on its own,
 * so one broken connection never hides the state of the others. It tests the saved settings,
 * because the proxy route only knows what Grafana has stored.
 */
import { createPrometheusClient } from '../../../clients';
import { type SpanMetricsFlavour, describeSpanMetricsFlavour } from '../../../queries';
import { traceBackend } from '../../data/clients';
import { createControllerClient } from '../../data/controller';
import { probeSpanMetricsFlavours } from '../../data/spanMetricsFlavour';
import { type Transport, datasourceProxyUrl, errorDetail } from '../../data/transport';
import { type AppSettings, tracesDatasourceUid } from '../../settings';

export interface ConnectionResult {
  name: 'Tempo' | 'Jaeger' | 'Tempo or Jaeger' | 'Prometheus' | 'Span metrics' | 'Loki' | 'Sampling controller';
  status: 'ok' | 'failed' | 'not configured';
  message: string;
}

async function dataSourceHealth(transport: Transport, name: ConnectionResult['name'], uid: string | undefined) {
  if (!uid) {
    return { name, status: 'not configured', message: 'Pick a data source and save' } satisfies ConnectionResult;
  }
  try {
    const response = await transport(`/api/datasources/uid/${encodeURIComponent(uid)}/health`);
    if (response.ok) {
      const body = (await response.json()) as { message?: string };
      return { name, status: 'ok', message: body.message || 'Data source is working' } satisfies ConnectionResult;
    }
    return {
      name,
      status: 'failed',
      message: `${response.status}: ${await errorDetail(response)}`,
    } satisfies ConnectionResult;
  } catch (error) {
    return { name, status: 'failed', message: (error as Error).message } satisfies ConnectionResult;
  }
}

async function controllerHealth(transport: Transport, settings: AppSettings): Promise<ConnectionResult> {
  const name = 'Sampling controller';
  if (!settings.controllerUrl) {
    return { name, status: 'not configured', message: 'Enter the controller URL and token and save' };
  }
  try {
    const guardrails = await createControllerClient(transport).guardrails();
    return {
      name,
      status: 'ok',
      message:
        `Connected; spikes up to ${guardrails.maxSamplingRate * 100}% for at most ${Math.round(guardrails.maxDurationSeconds / 60)} min; ` +
        (guardrails.traceGoals
          ? 'spikes can stop after N traces (it reads span metrics from Prometheus)'
          : 'spikes cannot stop after N traces until the controller has PROMETHEUS_URL'),
    };
  } catch (error) {
    return { name, status: 'failed', message: (error as Error).message };
  }
}

const sameFlavour = (a: SpanMetricsFlavour, b: SpanMetricsFlavour) => JSON.stringify(a) === JSON.stringify(b);

async function spanMetricsHealth(transport: Transport, settings: AppSettings): Promise<ConnectionResult> {
  const name = 'Span metrics';
  const uid = settings.prometheusDatasourceUid;
  if (!uid) {
    return { name, status: 'not configured', message: 'Pick a Prometheus data source and save' };
  }
  let found: SpanMetricsFlavour[];
  try {
    found = await probeSpanMetricsFlavours(createPrometheusClient({ baseUrl: datasourceProxyUrl(uid), transport }));
  } catch (error) {
    return { name, status: 'failed', message: (error as Error).message };
  }
  const setting = settings.spanMetrics ?? { flavour: 'auto' };
  const names = found.map(describeSpanMetricsFlavour).join('; ');
  if (setting.flavour === 'auto') {
    return found[0]
      ? { name, status: 'ok', message: `Detected ${names}` }
      : {
          name,
          status: 'failed',
          message:
            'Prometheus holds no span metrics yet (neither traces_spanmetrics_* nor a spanmetrics connector’s <namespace>_calls_total with its duration histogram); check that the metrics-generator or the connector writes to it',
        };
  }
  const configured: SpanMetricsFlavour =
    setting.flavour === 'otel' ? { kind: 'otel', namespace: setting.namespace, unit: setting.unit } : { kind: 'tempo' };
  if (found.some((f) => sameFlavour(f, configured))) {
    return { name, status: 'ok', message: `Found the configured ${describeSpanMetricsFlavour(configured)}` };
  }
  return {
    name,
    status: 'failed',
    message: `The settings use ${describeSpanMetricsFlavour(configured)}, but Prometheus has ${names || 'no span metrics'}`,
  };
}

export function testConnections(transport: Transport, settings: AppSettings): Promise<ConnectionResult[]> {
  const traces = tracesDatasourceUid(settings);
  return Promise.all([
    dataSourceHealth(
      transport,
      traces ? (traceBackend(traces) === 'jaeger' ? 'Jaeger' : 'Tempo') : 'Tempo or Jaeger',
      traces
    ),
    dataSourceHealth(transport, 'Prometheus', settings.prometheusDatasourceUid),
    spanMetricsHealth(transport, settings),
    dataSourceHealth(transport, 'Loki', settings.lokiDatasourceUid),
    controllerHealth(transport, settings),
  ]);
}
