/**
 * Which Tempo, Prometheus and Loki data sources the correlated view uses: the panel's own choice or
 * the app's settings. The clients for them come from `src/app/data/clients`.
 */
import type { AppSettings } from '../../settings';

/** The data source fields of the app's settings (panel options use the same names). */
export type DataSourceSettings = Pick<
  AppSettings,
  'tempoDatasourceUid' | 'prometheusDatasourceUid' | 'lokiDatasourceUid'
>;

export function dataSourceSettings(from: DataSourceSettings | undefined): DataSourceSettings {
  return {
    tempoDatasourceUid: from?.tempoDatasourceUid || undefined,
    prometheusDatasourceUid: from?.prometheusDatasourceUid || undefined,
    lokiDatasourceUid: from?.lokiDatasourceUid || undefined,
  };
}
