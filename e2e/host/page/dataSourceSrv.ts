/**
 * Grafana's data source service as a plugin sees it: instance settings (uid, type, name, …) of the data sources
 * in boot data, looked up by uid, name or reference — no reference, or "default", meaning the default data source,
 * as in Grafana — and listed by plugin id or type. No data source plugin runs here, so `get()` refuses; the app
 * talks to data sources through the data source proxy only.
 */
import type { DataSourceInstanceSettings } from '@grafana/data';
import type { DataSourceRef } from '@grafana/schema';
import type { DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';

export function hostDataSourceSrv(
  byName: Record<string, DataSourceInstanceSettings>,
  defaultName: string | undefined
): DataSourceSrv {
  const all = Object.values(byName);
  const find = (ref?: string | DataSourceRef | null) => {
    const key = (typeof ref === 'string' ? ref : ref?.uid) ?? 'default';
    const wanted = key === 'default' ? defaultName : key;
    return all.find((ds) => ds.uid === wanted || ds.name === wanted);
  };
  const listed = (ds: DataSourceInstanceSettings, { pluginId, type }: GetDataSourceListFilters) =>
    (!pluginId || ds.type === pluginId || ds.meta.id === pluginId) &&
    (!type || (Array.isArray(type) ? type.includes(ds.type) : ds.type === type));
  return {
    get: async (ref) => {
      throw new Error(`The preview host runs no data source plugins (asked for ${JSON.stringify(ref)})`);
    },
    getList: (filters: GetDataSourceListFilters = {}) => all.filter((ds) => listed(ds, filters)),
    getInstanceSettings: (ref) => find(ref),
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  } as DataSourceSrv;
}
