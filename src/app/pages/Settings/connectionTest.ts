/**
 * *Test connection*: asks Grafana for the health of each configured data source and the controller
 * for its guardrails through the app's proxy route, and reports each result on its own, so one
 * broken connection never hides the state of the others. It tests the saved settings, because the
 * proxy route only knows what Grafana has stored.
 */
import { GuardrailsSchema } from '../../../contract';
import { type Transport, controllerProxyUrl, errorDetail } from '../../data/transport';
import type { AppSettings } from '../../settings';

export interface ConnectionResult {
  name: 'Tempo' | 'Prometheus' | 'Loki' | 'Sampling controller';
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
    const response = await transport(controllerProxyUrl('/guardrails'));
    if (!response.ok) {
      const hint =
        response.status === 401
          ? ' (check the token)'
          : response.status === 502
            ? ' (is the URL reachable from Grafana?)'
            : '';
      return { name, status: 'failed', message: `${response.status}: ${await errorDetail(response)}${hint}` };
    }
    const guardrails = GuardrailsSchema.safeParse(await response.json());
    if (!guardrails.success) {
      return {
        name,
        status: 'failed',
        message: `${settings.controllerUrl} answered, but not like a Tracing Ops sampling controller`,
      };
    }
    return {
      name,
      status: 'ok',
      message: `Connected; spikes up to ${guardrails.data.maxSamplingRate * 100}% for at most ${Math.round(guardrails.data.maxDurationSeconds / 60)} min`,
    };
  } catch (error) {
    return { name, status: 'failed', message: (error as Error).message };
  }
}

export function testConnections(transport: Transport, settings: AppSettings): Promise<ConnectionResult[]> {
  return Promise.all([
    dataSourceHealth(transport, 'Tempo', settings.tempoDatasourceUid),
    dataSourceHealth(transport, 'Prometheus', settings.prometheusDatasourceUid),
    dataSourceHealth(transport, 'Loki', settings.lokiDatasourceUid),
    controllerHealth(transport, settings),
  ]);
}
