/**
 * The loads behind the correlated view besides the trace itself (`data/traceAnalysis`): the RED series from
 * Prometheus and the trace's logs from Loki. Each re-runs when the trace or the selected span changes; the queries
 * themselves come from `correlatedQueries`.
 */
import type { DataFrame } from '@grafana/data';

import type { Redactor, Span, Trace } from '../../../analysis';
import type { LokiClient, PrometheusClient } from '../../../clients';
import type { SpanMetricsFlavour } from '../../../queries';
import { type Load, useLoad } from '../../data/useLoad';
import { type MetricQuery, logsQuery, metricQueries, traceWindow } from './correlatedQueries';
import { logsFrame, seriesFrames } from './frames';

export interface MetricSeries {
  query: MetricQuery;
  frames: DataFrame[];
}

/** What a selection-dependent load is keyed by: the data source, the trace and the selected span. */
const selectionKey = (source: string, trace: Trace, selected: Span | undefined) =>
  `${source}/${trace.traceId}/${selected?.id ?? ''}`;

export function useRedMetrics(
  prometheus: PrometheusClient,
  source: string,
  trace: Trace,
  selected: Span | undefined,
  spanMetricsFlavour?: (signal?: AbortSignal) => Promise<SpanMetricsFlavour>
): Load<MetricSeries[]> {
  return useLoad(
    async (signal) => {
      const { fromMs, toMs, stepSeconds } = traceWindow(trace);
      const range = { start: Math.floor(fromMs / 1000), end: Math.ceil(toMs / 1000), step: stepSeconds };
      const flavour = await spanMetricsFlavour?.(signal);
      return Promise.all(
        metricQueries(trace, selected, flavour).map(async (query) => ({
          query,
          frames: seriesFrames(await prometheus.queryRange(query.expr, range, { signal }), query.id, query.unit),
        }))
      );
    },
    selectionKey(source, trace, selected)
  ).load;
}

/** Enough lines for one request's story; a trace that logs more is better read in Explore. */
const LOG_LIMIT = 1000;

export function useTraceLogs(
  loki: LokiClient,
  source: string,
  trace: Trace,
  selected: Span | undefined,
  redactor: Redactor
): Load<DataFrame> {
  return useLoad(
    async (signal) => {
      const { fromMs, toMs } = traceWindow(trace);
      const streams = await loki.queryRange(
        {
          query: logsQuery(trace, selected),
          start: fromMs / 1000,
          end: toMs / 1000,
          limit: LOG_LIMIT,
          direction: 'forward',
        },
        { signal }
      );
      return logsFrame(streams, redactor);
    },
    selectionKey(source, trace, selected)
  ).load;
}
