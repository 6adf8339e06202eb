/**
 * Grafana's data source service as a plugin sees it: instance settings (uid, type, name, …) of the data sources
 * in boot data, looked up by uid, name or reference, and listed by plugin type. No data source plugin runs here,
 * so `get()` refuses; the app talks to data sources through the data source proxy only.
 */
import type { DataSourceInstanceSettings } from '@grafana/data';
import type { DataSourceRef } from '@grafana/schema';
import type { DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';

export function hostDataSourceSrv(byName: Record<string, DataSourceInstanceSettings>): DataSourceSrv {
  const all = Object.values(byName);
  const find = (ref?: string | DataSourceRef | null) => {
    const key = typeof ref === 'string' ? ref : ref?.uid;
    return all.find((ds) => ds.uid === key || ds.name === key);
  };
  return {
    get: async (ref) => {
      throw new Error(`The preview host runs no data source plugins (asked for ${JSON.stringify(ref)})`);
    },
    getList: (filters: GetDataSourceListFilters = {}) =>
      all.filter((ds) => !filters.pluginId || ds.type === filters.pluginId || ds.meta.id === filters.pluginId),
    getInstanceSettings: (ref) => find(ref),
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  } as DataSourceSrv;
}
