/**
 * The trace (Tempo or Jaeger), Prometheus and Loki clients for the configured data sources, talking
 * through Grafana's data source proxy with the backendSrv transport, and the span-metrics flavour
 * the Prometheus queries use. Undefined for a data source that is not set up.
 */
import { useMemo } from 'react';
import { getDataSourceSrv } from '@grafana/runtime';

import {
  type JaegerClient,
  type LokiClient,
  type PrometheusClient,
  type TempoClient,
  createJaegerClient,
  createLokiClient,
  createPrometheusClient,
  createTempoClient,
} from '../../clients';
import type { SpanMetricsFlavour } from '../../queries';
import { type AppSettings, tracesDatasourceUid } from '../settings';
import { resolveSpanMetricsFlavour } from './spanMetricsFlavour';
import { backendSrvTransport, datasourceProxyUrl } from './transport';

/** Why a trace view has nothing to read: said the same wherever the trace clients are missing. */
export const NO_TRACE_DATA_SOURCE = 'No trace data source (Tempo or Jaeger) is configured.';

export interface DataClients {
  /** Set when the trace data source is a Tempo (or Grafana does not say what it is). */
  tempo?: TempoClient;
  /** Set when the trace data source is a Jaeger. */
  jaeger?: JaegerClient;
  prometheus?: PrometheusClient;
  loki?: LokiClient;
  /** The span-metrics flavour the PromQL builders get: the setting, else probed once per Prometheus. */
  spanMetricsFlavour(signal?: AbortSignal): Promise<SpanMetricsFlavour>;
}

/** The trace backends the app reads, by Grafana data source type. */
export type TraceBackend = 'tempo' | 'jaeger';

/** Typed as always set, but it is undefined until Grafana (or a test) installs it. */
function dataSourceSrv(): ReturnType<typeof getDataSourceSrv> | undefined {
  return getDataSourceSrv() as ReturnType<typeof getDataSourceSrv> | undefined;
}

/**
 * The name a responder knows the data source by, for error messages; the uid when Grafana does
 * not know it (a deleted data source) or its data source service is not there (outside Grafana).
 */
function dataSourceName(uid: string): string {
  return dataSourceSrv()?.getInstanceSettings(uid)?.name ?? uid;
}

/** Which backend the trace data source is, from Grafana's data source settings; Tempo when unknown. */
export function traceBackend(uid: string | undefined): TraceBackend {
  return uid !== undefined && dataSourceSrv()?.getInstanceSettings(uid)?.type === 'jaeger' ? 'jaeger' : 'tempo';
}

function dataClients(settings: AppSettings): DataClients {
  const options = (uid: string) => ({
    baseUrl: datasourceProxyUrl(uid),
    transport: backendSrvTransport,
    name: dataSourceName(uid),
  });
  const traces = tracesDatasourceUid(settings);
  const backend = traceBackend(traces);
  const prometheus = settings.prometheusDatasourceUid
    ? createPrometheusClient(options(settings.prometheusDatasourceUid))
    : undefined;
  return {
    tempo: traces && backend === 'tempo' ? createTempoClient(options(traces)) : undefined,
    jaeger: traces && backend === 'jaeger' ? createJaegerClient(options(traces)) : undefined,
    prometheus,
    loki: settings.lokiDatasourceUid ? createLokiClient(options(settings.lokiDatasourceUid)) : undefined,
    spanMetricsFlavour: (signal) => resolveSpanMetricsFlavour(settings.spanMetrics, prometheus, backend, signal),
  };
}

export function useDataClients(settings: AppSettings): DataClients {
  const traces = tracesDatasourceUid(settings);
  const { prometheusDatasourceUid, lokiDatasourceUid, spanMetrics } = settings;
  const spanMetricsKey = JSON.stringify(spanMetrics ?? null);
  return useMemo(
    () => dataClients({ tracesDatasourceUid: traces, prometheusDatasourceUid, lokiDatasourceUid, spanMetrics }),
    // `spanMetrics` is compared by value: a new object with the same setting keeps the clients.
    [traces, prometheusDatasourceUid, lokiDatasourceUid, spanMetricsKey] // eslint-disable-line react-hooks/exhaustive-deps
  );
}
