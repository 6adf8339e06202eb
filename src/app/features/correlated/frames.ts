/**
 * Data frames for the metrics and logs halves of the correlated view: Prometheus range results as
 * time series, the trace's run as an annotation the time series panel draws as a marker, and Loki
 * streams as a logs frame (Grafana's "dataplane" logs shape: timestamp, body, labels). Log lines
 * and labels pass the redactor like span attributes do. Also the time range the panels share.
 */
import {
  type DataFrame,
  DataFrameType,
  FieldType,
  type TimeRange,
  createDataFrame,
  dateTime,
  makeTimeRange,
} from '@grafana/data';

import type { Redactor, Trace } from '../../../analysis';
import type { Override } from '../../../contract';
import { describeEnding, spikeEnd, spikeState } from '../../data/spikeLifecycle';
import { type LokiStream, type PromRangeResult, logLines } from '../../../clients';
import type { TimeWindow } from './correlatedQueries';

/** A series name a responder reads at a glance: the label values, `gateway` or `payments POST /charge`. */
function seriesName(metric: Readonly<Record<string, string>>, fallback: string): string {
  const values = Object.entries(metric)
    .filter(([key]) => key !== '__name__')
    .map(([, value]) => value);
  return values.length > 0 ? values.join(' ') : fallback;
}

function sampleValue(value: string): number | null {
  const n = Number(value);
  // Prometheus writes NaN for 0/0 (an error ratio without calls); a gap reads better than a zero.
  return Number.isFinite(n) ? n : null;
}

export function seriesFrames(result: PromRangeResult, refId: string, unit: string): DataFrame[] {
  return result.result.map((series) =>
    createDataFrame({
      refId,
      name: seriesName(series.metric, refId),
      fields: [
        { name: 'Time', type: FieldType.time, values: series.values.map(([seconds]) => seconds * 1000) },
        {
          name: 'Value',
          type: FieldType.number,
          labels: { ...series.metric },
          values: series.values.map(([, value]) => sampleValue(value)),
          config: { unit, displayNameFromDS: seriesName(series.metric, refId) },
        },
      ],
    })
  );
}

/** The trace's run, from its first span's start to its last span's end, as an annotation. */
export function traceMarker(trace: Trace): DataFrame {
  return createDataFrame({
    name: 'trace',
    fields: [
      { name: 'time', type: FieldType.time, values: [trace.startUnixMs] },
      { name: 'timeEnd', type: FieldType.time, values: [trace.startUnixMs + trace.durationMs] },
      { name: 'isRegion', type: FieldType.boolean, values: [trace.durationMs > 0] },
      { name: 'title', type: FieldType.string, values: ['This trace'] },
      { name: 'text', type: FieldType.string, values: [`Trace ${trace.traceId} (${Math.round(trace.durationMs)} ms)`] },
      { name: 'color', type: FieldType.string, values: ['orange'] },
    ],
  });
}

/**
 * Sampling spikes as time regions the time series panel shades: from the spike's start to its end (or now), titled
 * with the service and rate, with who raised it, why and how it ended.
 */
export function spikeRegions(spikes: readonly Override[], now: Date): DataFrame {
  return createDataFrame({
    name: 'spikes',
    fields: [
      { name: 'time', type: FieldType.time, values: spikes.map((s) => Date.parse(s.createdAt)) },
      { name: 'timeEnd', type: FieldType.time, values: spikes.map((s) => spikeEnd(s, now).getTime()) },
      { name: 'isRegion', type: FieldType.boolean, values: spikes.map(() => true) },
      {
        name: 'title',
        type: FieldType.string,
        values: spikes.map(
          (s) =>
            `Sampling spike: ${s.operation ? `${s.service} ${s.operation}` : s.service} at ${Math.round(s.samplingRate * 100)}%`
        ),
      },
      {
        name: 'text',
        type: FieldType.string,
        values: spikes.map((s) => `Raised by ${s.createdBy}: ${s.reason} (${describeEnding(spikeState(s, now))})`),
      },
      { name: 'color', type: FieldType.string, values: spikes.map(() => 'purple') },
    ],
  });
}

/** Loki's nanosecond timestamps as milliseconds; the frame keeps the rest in `nanos` so equal milliseconds still sort. */
function nanosToMs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}

export function logsFrame(streams: readonly LokiStream[], redactor: Redactor): DataFrame {
  const lines = logLines(streams);
  return createDataFrame({
    refId: 'logs',
    name: 'Logs',
    meta: { type: DataFrameType.LogLines, preferredVisualisationType: 'logs' },
    fields: [
      {
        name: 'timestamp',
        type: FieldType.time,
        values: lines.map((l) => nanosToMs(l.timestampNs)),
        nanos: lines.map((l) => Number(BigInt(l.timestampNs) % 1_000_000n)),
      },
      { name: 'body', type: FieldType.string, values: lines.map((l) => redactor.text(l.line)) },
      {
        name: 'labels',
        type: FieldType.other,
        values: lines.map((l) =>
          Object.fromEntries(Object.entries(l.labels).map(([key, value]) => [key, String(redactor.value(key, value))]))
        ),
      },
      { name: 'id', type: FieldType.string, values: lines.map((l, i) => `${l.timestampNs}_${i}`) },
    ],
  });
}

/** The trace's time window as the `TimeRange` Grafana's panels expect. */
export function timeRangeOf(window: TimeWindow): TimeRange {
  return makeTimeRange(dateTime(window.fromMs), dateTime(window.toMs));
}
