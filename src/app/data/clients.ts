/**
 * The Tempo, Prometheus and Loki clients for the configured data sources, talking through Grafana's
 * data source proxy with the backendSrv transport. Undefined for a data source that is not set up.
 */
import { useMemo } from 'react';
import { getDataSourceSrv } from '@grafana/runtime';

import {
  type LokiClient,
  type PrometheusClient,
  type TempoClient,
  createLokiClient,
  createPrometheusClient,
  createTempoClient,
} from '../../clients';
import type { AppSettings } from '../settings';
import { dataSourceTransport, datasourceProxyUrl } from './transport';

export interface DataClients {
  tempo?: TempoClient;
  prometheus?: PrometheusClient;
  loki?: LokiClient;
}

/**
 * The name a responder knows the data source by, for error messages; the uid when Grafana does
 * not know it (a deleted data source) or its data source service is not there (outside Grafana).
 */
function dataSourceName(uid: string): string {
  // Typed as always set, but it is undefined until Grafana (or a test) installs it.
  const srv = getDataSourceSrv() as ReturnType<typeof getDataSourceSrv> | undefined;
  return srv?.getInstanceSettings(uid)?.name ?? uid;
}

export function dataClients(settings: AppSettings): DataClients {
  const options = (uid: string) => ({
    baseUrl: datasourceProxyUrl(uid),
    transport: dataSourceTransport,
    name: dataSourceName(uid),
  });
  return {
    tempo: settings.tempoDatasourceUid ? createTempoClient(options(settings.tempoDatasourceUid)) : undefined,
    prometheus: settings.prometheusDatasourceUid
      ? createPrometheusClient(options(settings.prometheusDatasourceUid))
      : undefined,
    loki: settings.lokiDatasourceUid ? createLokiClient(options(settings.lokiDatasourceUid)) : undefined,
  };
}

export function useDataClients(settings: AppSettings): DataClients {
  const { tempoDatasourceUid, prometheusDatasourceUid, lokiDatasourceUid } = settings;
  return useMemo(
    () => dataClients({ tempoDatasourceUid, prometheusDatasourceUid, lokiDatasourceUid }),
    [tempoDatasourceUid, prometheusDatasourceUid, lokiDatasourceUid]
  );
}
