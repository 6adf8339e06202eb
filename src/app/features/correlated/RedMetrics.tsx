/**
 * Rate, errors and p99 latency of the trace's services (or of the selected span's service and
 * operation) over the trace's window, each drawn by Grafana's `timeseries` panel with the trace's
 * run marked as an annotation and the sampling spikes of those services as shaded regions, and which spans they
 * count. `PanelRenderer` draws no panel header, so each chart gets its own title.
 */
import React from 'react';
import { LoadingState } from '@grafana/data';
import { PanelRenderer } from '@grafana/runtime';
import { LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import type { Span, Trace } from '../../../analysis';
import type { PrometheusClient } from '../../../clients';
import type { Override } from '../../../contract';
import type { SpanMetricsFlavour } from '../../../queries';
import { spikesDuring } from '../../data/spikeLifecycle';
import { useLoad } from '../../data/useLoad';
import { chartedSpans, traceWindow } from './correlatedQueries';
import { spikeRegions, timeRangeOf, traceMarker } from './frames';
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
  /** The sampling spikes the controller keeps, when there is a controller; drawn where they touch the window. */
  spikes?: (signal?: AbortSignal) => Promise<readonly Override[]>;
  width: number;
  height: number;
}

export function RedMetrics(props: Props) {
  const { trace, selected, prometheus, prometheusUid, spanMetricsFlavour, spikes, width, height } = props;
  const metrics = useRedMetrics(prometheus, prometheusUid, trace, selected, spanMetricsFlavour);
  const spikeLoad = useLoad(async (signal) => (spikes ? spikes(signal) : []), trace.traceId).load;
  if (metrics.status === 'loading') {
    return <LoadingPlaceholder text="Loading metrics…" />;
  }
  if (metrics.status === 'failed') {
    return <LoadFailed what="RED metrics" error={metrics.error} />;
  }
  const window = traceWindow(trace);
  const timeRange = timeRangeOf(window);
  const now = new Date();
  // Spikes are context: without them (no controller, or it failed) the charts still show.
  const inWindow =
    spikeLoad.status === 'done'
      ? spikesDuring(spikeLoad.value, window.fromMs, window.toMs, now).filter((s) => trace.services.includes(s.service))
      : [];
  const annotations = [traceMarker(trace), ...(inWindow.length > 0 ? [spikeRegions(inWindow, now)] : [])];
  const panelWidth = Math.floor(width / metrics.value.length);
  return (
    <Stack direction="column" gap={0}>
      <Text color="secondary" variant="bodySmall">
        From span metrics of the {chartedSpans(selected)}; they count sampled spans, so rates move with sampling
        {inWindow.length > 0 ? `, as in the shaded spikes (${inWindow.map((s) => s.service).join(', ')})` : ''}.
      </Text>
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
    </Stack>
  );
}
