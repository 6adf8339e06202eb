/**
 * The Tracing Ops settings as a dashboard panel sees them. A panel gets no app context, so it reads
 * the app's `jsonData` from Grafana's plugin settings API (readable by every viewer of the app).
 */
import { backendSrvTransport, errorDetail } from '../../data/transport';
import { PLUGIN_ID } from '../../routes';
import type { AppSettings } from '../../settings';

export async function loadAppSettings(signal: AbortSignal): Promise<AppSettings> {
  const response = await backendSrvTransport(`/api/plugins/${PLUGIN_ID}/settings`, { signal });
  if (!response.ok) {
    throw new Error(
      `Grafana did not return the Tracing Ops settings (${response.status}: ${await errorDetail(response)}); is the app enabled?`
    );
  }
  const body = (await response.json()) as { jsonData?: AppSettings } | null;
  return body?.jsonData ?? {};
}
