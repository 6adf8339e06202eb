/**
 * Whether Prometheus holds the services' own HTTP server metrics (`http.server.request.duration`, which the SDKs
 * record for every request, sampled or not), under which names and service label: asked once per Prometheus client,
 * like the span-metrics flavour, by looking for the label values each candidate would carry. Every name found
 * counts: services in different languages export the same histogram under different names.
 */
import type { PrometheusClient } from '../../clients';
import { SDK_REQUEST_COUNTS, type SdkRequestCount, type SdkRequestMetrics } from '../../queries';

const PROBE_TIMEOUT_MS = 10_000;
const SERVICE_LABELS: ReadonlyArray<SdkRequestCount['serviceLabel']> = ['service_name', 'job'];

export async function probeSdkRequestMetrics(
  prometheus: PrometheusClient,
  signal?: AbortSignal
): Promise<SdkRequestMetrics | undefined> {
  const found: SdkRequestCount[] = [];
  for (const count of SDK_REQUEST_COUNTS) {
    for (const serviceLabel of SERVICE_LABELS) {
      const values = await prometheus.labelValues(
        serviceLabel,
        { match: count },
        { signal, timeoutMs: PROBE_TIMEOUT_MS }
      );
      if (values.length > 0) {
        found.push({ count, serviceLabel });
        break;
      }
    }
  }
  return found.length > 0 ? found : undefined;
}

const probes = new WeakMap<PrometheusClient, Promise<SdkRequestMetrics | undefined>>();

/** The probe's answer, kept while it found metrics; a miss or a failure is asked again next time (a fresh stack). */
export function sdkRequestMetrics(prometheus: PrometheusClient): Promise<SdkRequestMetrics | undefined> {
  let probe = probes.get(prometheus);
  if (!probe) {
    probe = probeSdkRequestMetrics(prometheus).then(
      (found) => {
        if (!found) {
          probes.delete(prometheus);
        }
        return found;
      },
      () => {
        probes.delete(prometheus);
        return undefined;
      }
    );
    probes.set(prometheus, probe);
  }
  return probe;
}
