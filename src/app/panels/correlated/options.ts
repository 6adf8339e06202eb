/** The correlated panel's options: which trace (usually a dashboard variable) and which data sources. */
import type { AppSettings } from '../../settings';
import { type DataSourceSettings, dataSourceSettings } from '../../features/correlated/dataSources';

export interface CorrelatedOptions extends DataSourceSettings {
  /** A trace id or a dashboard variable holding one; interpolated before use. */
  traceId: string;
  /** `app` takes the data sources from the Tracing Ops settings, `panel` from the options below. */
  dataSourceChoice: 'app' | 'panel';
}

export const DEFAULT_TRACE_ID = '$traceId';

export function panelDataSources(options: CorrelatedOptions, settings: AppSettings | undefined): DataSourceSettings {
  return dataSourceSettings(options.dataSourceChoice === 'panel' ? options : settings);
}
