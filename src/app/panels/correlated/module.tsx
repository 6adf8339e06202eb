/**
 * Entry point of the nested panel plugin (`dist/panels/correlated/module.js`): the correlated trace,
 * metrics and logs panel and its options.
 */
import { PanelPlugin } from '@grafana/data';

import { CorrelatedPanel } from './CorrelatedPanel';
import { DataSourceUidEditor } from './DataSourceUidEditor';
import { type CorrelatedOptions, DEFAULT_TRACE_ID } from './options';

const ownDataSources = (options: CorrelatedOptions) => options.dataSourceChoice === 'panel';

export const plugin = new PanelPlugin<CorrelatedOptions>(CorrelatedPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'traceId',
      name: 'Trace ID',
      description: 'A trace ID, or a dashboard variable that holds one',
      defaultValue: DEFAULT_TRACE_ID,
    })
    .addRadio({
      path: 'dataSourceChoice',
      name: 'Data sources',
      defaultValue: 'app',
      settings: {
        options: [
          { value: 'app', label: 'Tracing Ops settings' },
          { value: 'panel', label: 'Choose for this panel' },
        ],
      },
    })
    .addCustomEditor({
      id: 'tempoDatasourceUid',
      path: 'tempoDatasourceUid',
      name: 'Traces',
      description: 'A Tempo or Jaeger data source',
      editor: DataSourceUidEditor,
      settings: { types: ['tempo', 'jaeger'] },
      showIf: ownDataSources,
    })
    .addCustomEditor({
      id: 'prometheusDatasourceUid',
      path: 'prometheusDatasourceUid',
      name: 'Prometheus',
      description: 'Holds the span metrics (Tempo’s metrics-generator or a spanmetrics connector; detected)',
      editor: DataSourceUidEditor,
      settings: { types: ['prometheus'] },
      showIf: ownDataSources,
    })
    .addCustomEditor({
      id: 'lokiDatasourceUid',
      path: 'lokiDatasourceUid',
      name: 'Loki',
      editor: DataSourceUidEditor,
      settings: { types: ['loki'] },
      showIf: ownDataSources,
    })
);
