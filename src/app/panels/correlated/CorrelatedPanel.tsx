/**
 * The dashboard panel: resolves the trace id (usually `$traceId`) and the data sources (its own
 * options or the app's settings), then shows the correlated view with a span selection of its own.
 */
import React, { useMemo, useState } from 'react';
import type { PanelProps } from '@grafana/data';
import { LoadingPlaceholder, Text } from '@grafana/ui';

import { useLoad } from '../../data/useLoad';
import { type AppSettings, resolveSettings } from '../../settings';
import { CorrelatedView, LoadedTrace, evidenceOf } from '../../features/correlated/CorrelatedView';
import { loadAppSettings } from './appSettings';
import { LoadFailed } from '../../features/correlated/SectionNotice';
import { type CorrelatedOptions, panelDataSources } from './options';
import { parseTraceId } from '../../features/correlated/traceId';

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
  // then analyses and redacts with the defaults.
  return (
    <PanelTrace
      // A new trace starts without a selected span.
      key={traceId}
      traceId={traceId}
      options={options}
      appSettings={settings.status === 'done' ? settings.value : undefined}
      width={width}
      height={height}
    />
  );
}

interface PanelTraceProps {
  traceId: string;
  options: CorrelatedOptions;
  appSettings: AppSettings | undefined;
  width: number;
  height: number;
}

function PanelTrace({ traceId, options, appSettings, width, height }: PanelTraceProps) {
  const [selectedSpanId, setSelectedSpanId] = useState<string>();
  // Kept per settings: the trace pipeline reloads when these change identity.
  const { analysis, redactor } = useMemo(() => resolveSettings(appSettings), [appSettings]);
  const dataSources = useMemo(() => panelDataSources(options, appSettings), [options, appSettings]);
  return (
    <div style={{ height, overflowY: 'auto' }}>
      <LoadedTrace
        dataSources={dataSources}
        traceId={traceId}
        analysisSettings={analysis}
        redactor={redactor}
        configuredIn="panel"
      >
        {(analysed, tracesUid) => (
          <CorrelatedView
            trace={analysed.trace}
            dataSources={{ ...dataSources, tempoDatasourceUid: tracesUid }}
            redactor={redactor}
            selectedSpanId={selectedSpanId}
            onSelectSpan={setSelectedSpanId}
            evidence={evidenceOf(analysed)}
            configuredIn="panel"
            width={width}
            height={height}
          />
        )}
      </LoadedTrace>
    </div>
  );
}
