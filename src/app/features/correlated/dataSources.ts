/**
 * Which trace (Tempo or Jaeger), Prometheus and Loki data sources the correlated view uses: the panel's own choice or
 * the app's settings. The clients for them come from `src/app/data/clients`.
 */
import { type AppSettings, tracesDatasourceUid } from '../../settings';

/**
 * The data source fields of the app's settings. Panel options use the same names; their trace data
 * source (Tempo or Jaeger) is stored as `tempoDatasourceUid`, as saved dashboards have it.
 */
export type DataSourceSettings = Pick<
  AppSettings,
  'tempoDatasourceUid' | 'prometheusDatasourceUid' | 'lokiDatasourceUid' | 'spanMetrics'
>;

export function dataSourceSettings(
  from: (DataSourceSettings & Pick<AppSettings, 'tracesDatasourceUid'>) | undefined
): DataSourceSettings {
  return {
    tempoDatasourceUid: tracesDatasourceUid(from),
    spanMetrics: from?.spanMetrics,
    prometheusDatasourceUid: from?.prometheusDatasourceUid || undefined,
    lokiDatasourceUid: from?.lokiDatasourceUid || undefined,
  };
}
