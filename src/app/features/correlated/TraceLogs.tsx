/** The logs carrying the trace's id (or the selected span's), drawn by Grafana's `logs` panel. */
import React from 'react';
import { LoadingState } from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';
import { LoadingPlaceholder, Text } from '@grafana/ui';

import type { Redactor, Span, Trace } from '../../../analysis';
import type { LokiClient } from '../../../clients';
import { traceWindow } from './correlatedQueries';
import { timeRangeOf } from './frames';
import { LoadFailed } from './SectionNotice';
import { useTraceLogs } from './useCorrelatedData';

interface Props {
  trace: Trace;
  selected: Span | undefined;
  loki: LokiClient;
  /** The data source's uid, which the loads are keyed by. */
  lokiUid: string;
  redactor: Redactor;
  width: number;
  height: number;
}

export function TraceLogs({ trace, selected, loki, lokiUid, redactor, width, height }: Props) {
  const logs = useTraceLogs(loki, lokiUid, trace, selected, redactor);
  if (logs.status === 'loading') {
    return <LoadingPlaceholder text="Loading logs…" />;
  }
  if (logs.status === 'failed') {
    return <LoadFailed what="logs" error={logs.error} />;
  }
  if (logs.value.length === 0) {
    return (
      <Text color="secondary">
        {selected
          ? 'No logs carry this span’s ID. Not every service writes span IDs into its logs; clear the span to see the whole trace’s logs.'
          : 'No logs carry this trace’s ID within 15 minutes of it.'}
      </Text>
    );
  }
  return (
    <PanelRenderer
      pluginId="logs"
      title="Logs"
      data={{ state: LoadingState.Done, series: [logs.value], timeRange: timeRangeOf(traceWindow(trace)) }}
      options={{
        showTime: true,
        wrapLogMessage: true,
        enableLogDetails: true,
        sortOrder: 'Ascending',
        dedupStrategy: 'none',
      }}
      width={width}
      height={height}
    />
  );
}
