/**
 * The dashboard panel: resolves the trace id (usually `$traceId`) and the data sources (its own
 * options or the app's settings), then shows the correlated view with a span selection of its own.
 */
import React, { useState } from 'react';
import type { PanelProps } from '@grafana/data';
import { LoadingPlaceholder, Text } from '@grafana/ui';

import { type Redactor } from '../../../analysis';
import { useLoad } from '../../data/useLoad';
import { resolveSettings } from '../../settings';
import { CorrelatedView, LoadedTrace } from './CorrelatedView';
import { loadAppSettings } from './appSettings';
import type { DataSourceSettings } from './dataSources';
import { LoadFailed } from './SectionNotice';
import { type CorrelatedOptions, panelDataSources } from './options';
import { parseTraceId } from './traceId';

export function CorrelatedPanel({ options, replaceVariables, width, height }: PanelProps<CorrelatedOptions>) {
  const raw = replaceVariables(options.traceId ?? '').trim();
  const traceId = parseTraceId(raw);
  if (!traceId) {
    return (
      <Text color="secondary">
        {raw && !raw.startsWith('$')
          ? `“${raw}” is not a trace ID (32 or 16 hexadecimal characters).`
          : 'No trace selected: set the dashboard’s traceId variable, or a trace ID in the panel options.'}
      </Text>
    );
  }
  return <PanelWithSettings traceId={traceId} options={options} width={width} height={height} />;
}

interface WithSettingsProps {
  traceId: string;
  options: CorrelatedOptions;
  width: number;
  height: number;
}

function PanelWithSettings({ traceId, options, width, height }: WithSettingsProps) {
  // Read once per panel mount; changed settings apply when the dashboard is reloaded.
  const settings = useLoad(loadAppSettings, 'settings').load;
  if (settings.status === 'loading') {
    return <LoadingPlaceholder text="Loading the Tracing Ops settings…" />;
  }
  if (settings.status === 'failed' && options.dataSourceChoice !== 'panel') {
    return <LoadFailed what="Tracing Ops settings" error={settings.error} />;
  }
  // With its own data sources the panel still works when the app's settings are unreadable; it
  // then redacts with the default rules.
  const appSettings = settings.status === 'done' ? settings.value : undefined;
  const { redactor } = resolveSettings(appSettings);
  return (
    <PanelTrace
      // A new trace starts without a selected span.
      key={traceId}
      traceId={traceId}
      dataSources={panelDataSources(options, appSettings)}
      redactor={redactor}
      width={width}
      height={height}
    />
  );
}

interface PanelTraceProps {
  traceId: string;
  dataSources: DataSourceSettings;
  redactor: Redactor;
  width: number;
  height: number;
}

function PanelTrace({ traceId, dataSources, redactor, width, height }: PanelTraceProps) {
  const [selectedSpanId, setSelectedSpanId] = useState<string>();
  return (
    <div style={{ height, overflowY: 'auto' }}>
      <LoadedTrace tempoUid={dataSources.tempoDatasourceUid} traceId={traceId} configuredIn="panel">
        {(trace, tempo) => (
          <CorrelatedView
            trace={trace}
            dataSources={{ ...dataSources, tempoDatasourceUid: tempo }}
            redactor={redactor}
            selectedSpanId={selectedSpanId}
            onSelectSpan={setSelectedSpanId}
            configuredIn="panel"
            width={width}
            height={height}
          />
        )}
      </LoadedTrace>
    </div>
  );
}
