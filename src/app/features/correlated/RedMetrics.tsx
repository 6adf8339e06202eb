/**
 * Rate, errors and p99 latency of the trace's services (or of the selected span's service and
 * operation) over the trace's window, each drawn by Grafana's `timeseries` panel with the trace's
 * run marked as an annotation. `PanelRenderer` draws no panel header, so each chart gets its own title.
 */
import React from 'react';
import { LoadingState } from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';
import { LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import type { Span, Trace } from '../../../analysis';
import type { PrometheusClient } from '../../../clients';
import type { SpanMetricsFlavour } from '../../../queries';
import { traceWindow } from './correlatedQueries';
import { timeRangeOf, traceMarker } from './frames';
import { LoadFailed } from './SectionNotice';
import { useRedMetrics } from './useCorrelatedData';

const CAPTION_HEIGHT = 24;

interface Props {
  trace: Trace;
  selected: Span | undefined;
  prometheus: PrometheusClient;
  /** The data source's uid, which the loads are keyed by. */
  prometheusUid: string;
  /** Resolves the span metrics' flavour; Tempo's when omitted. */
  spanMetricsFlavour?: (signal?: AbortSignal) => Promise<SpanMetricsFlavour>;
  width: number;
  height: number;
}

export function RedMetrics({ trace, selected, prometheus, prometheusUid, spanMetricsFlavour, width, height }: Props) {
  const metrics = useRedMetrics(prometheus, prometheusUid, trace, selected, spanMetricsFlavour);
  if (metrics.status === 'loading') {
    return <LoadingPlaceholder text="Loading metrics…" />;
  }
  if (metrics.status === 'failed') {
    return <LoadFailed what="RED metrics" error={metrics.error} />;
  }
  const timeRange = timeRangeOf(traceWindow(trace));
  const annotations = [traceMarker(trace)];
  const panelWidth = Math.floor(width / metrics.value.length);
  return (
    <Stack direction="row" gap={0}>
      {metrics.value.map(({ query, frames }) => (
        <figure key={query.id} aria-label={query.title} style={{ margin: 0 }}>
          <figcaption>
            <Text variant="h6" element="span">
              {query.title}
            </Text>
          </figcaption>
          <PanelRenderer
            pluginId="timeseries"
            title={query.title}
            data={{ state: LoadingState.Done, series: frames, annotations, timeRange }}
            options={{
              legend: { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] },
              tooltip: { mode: 'multi', sort: 'desc' },
            }}
            fieldConfig={{ defaults: { unit: query.unit }, overrides: [] }}
            width={panelWidth}
            height={height - CAPTION_HEIGHT}
          />
        </figure>
      ))}
    </Stack>
  );
}
