/** The trace's waterfall, drawn by Grafana's own `traces` panel from the trace frame. */
import React, { useMemo } from 'react';
import { LoadingState, type PanelData } from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';

import type { Redactor, Trace } from '../../../analysis';
import type { TraceBackend } from '../../data/clients';
import { traceWindow } from './correlatedQueries';
import { timeRangeOf } from './frames';
import { traceFrame } from './traceFrame';

interface Props {
  trace: Trace;
  redactor: Redactor;
  tempoUid: string;
  /** The trace data source's type; Tempo's when omitted. */
  backend?: TraceBackend;
  selectedSpanId: string | undefined;
  width: number;
  height: number;
}

export function TraceWaterfall({ trace, redactor, tempoUid, backend = 'tempo', selectedSpanId, width, height }: Props) {
  const data = useMemo<PanelData>(() => {
    return {
      state: LoadingState.Done,
      series: [traceFrame(trace, redactor)],
      timeRange: timeRangeOf(traceWindow(trace)),
    };
  }, [trace, redactor]);
  return (
    <PanelRenderer
      pluginId="traces"
      title={`Trace ${trace.traceId}`}
      data={data}
      // `focusedSpanId` scrolls the trace view to the picked span; `datasource` lets its
      // trace-to-logs/metrics links and extensions find the trace data source.
      options={{ focusedSpanId: selectedSpanId, datasource: { type: backend, uid: tempoUid } }}
      width={width}
      height={height}
    />
  );
}
