/**
 * Which span-metrics flavour the app's PromQL uses: the one the settings fix, or, on `auto`, the one
 * Prometheus holds, found by asking it once for the metric names either flavour writes. Without an
 * answer (no Prometheus, no span metrics yet, a failed probe) it falls back to the flavour that
 * comes with the trace backend: Tempo's metrics-generator for Tempo, the collector's connector for Jaeger.
 */
import type { PrometheusClient } from '../../clients';
import {
  type SpanMetricsFlavour,
  OTEL_SPAN_METRICS,
  SPAN_METRICS_NAMES_SELECTOR,
  TEMPO_SPAN_METRICS,
  detectSpanMetricsFlavours,
} from '../../queries';
import type { SpanMetricsSetting } from '../settings';

/** The probe is shared by every query of a page, so one caller's cancellation must not end it. */
const PROBE_TIMEOUT_MS = 10_000;

/** The flavours Prometheus holds, most likely first (see `detectSpanMetricsFlavours`). */
export async function probeSpanMetricsFlavours(
  prometheus: PrometheusClient,
  signal?: AbortSignal
): Promise<SpanMetricsFlavour[]> {
  const names = await prometheus.labelValues(
    '__name__',
    { match: SPAN_METRICS_NAMES_SELECTOR },
    { signal, timeoutMs: PROBE_TIMEOUT_MS }
  );
  return detectSpanMetricsFlavours(names);
}

/** Successful probes with a result, per client (clients live as long as the settings they were made from). */
const probes = new WeakMap<PrometheusClient, Promise<SpanMetricsFlavour[]>>();

function cachedProbe(prometheus: PrometheusClient): Promise<SpanMetricsFlavour[]> {
  let probe = probes.get(prometheus);
  if (!probe) {
    probe = probeSpanMetricsFlavours(prometheus).then(
      (found) => {
        if (found.length === 0) {
          probes.delete(prometheus); // a fresh stack has no span metrics yet; ask again next time
        }
        return found;
      },
      () => {
        probes.delete(prometheus);
        return [];
      }
    );
    probes.set(prometheus, probe);
  }
  return probe;
}

export async function resolveSpanMetricsFlavour(
  setting: SpanMetricsSetting | undefined,
  prometheus: PrometheusClient | undefined,
  backend: 'tempo' | 'jaeger',
  signal?: AbortSignal
): Promise<SpanMetricsFlavour> {
  if (setting?.flavour === 'tempo') {
    return TEMPO_SPAN_METRICS;
  }
  if (setting?.flavour === 'otel') {
    return { kind: 'otel', namespace: setting.namespace, unit: setting.unit };
  }
  const fallback = backend === 'jaeger' ? OTEL_SPAN_METRICS : TEMPO_SPAN_METRICS;
  if (!prometheus) {
    return fallback;
  }
  const found = await abortable(cachedProbe(prometheus), signal);
  // Both present (a migration): the one that comes with the trace backend.
  return found.find((f) => f.kind === fallback.kind) ?? found[0] ?? fallback;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
