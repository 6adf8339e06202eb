/**
 * Stand-in for Grafana's `PanelRenderer`: the core traces, time-series and logs panels are part of Grafana's
 * frontend, in no npm package, so the host shows honestly what the plugin handed to them — each data frame's name,
 * refId, rows and fields, and each annotation's title — and exposes the frames and annotations (values capped per
 * field) in `data-frames` and `data-annotations` for the flows.
 */
import type { DataFrame } from '@grafana/data';
import type { PanelRendererProps } from '@grafana/runtime';
import React from 'react';

const MAX_VALUES = 100;

export interface FrameSummary {
  name?: string;
  refId?: string;
  preferredVisualisationType?: string;
  length: number;
  fields: Array<{ name: string; type: string; values: unknown[] }>;
}

function summarise(frame: DataFrame): FrameSummary {
  return {
    name: frame.name,
    refId: frame.refId,
    preferredVisualisationType: frame.meta?.preferredVisualisationType,
    length: frame.length,
    fields: frame.fields.map((field) => ({
      name: field.name,
      type: field.type,
      values: Array.from(field.values).slice(0, MAX_VALUES),
    })),
  };
}

export function PanelFrames({ pluginId, title, data, width, height }: PanelRendererProps) {
  const frames = (data?.series ?? []).map(summarise);
  const annotations = (data?.annotations ?? []).map(summarise);
  const titles = annotations.flatMap((a) => a.fields.find((f) => f.name === 'title')?.values ?? []);
  return (
    <section
      className="host-panel-placeholder"
      aria-label={`${title || pluginId} (${pluginId} panel placeholder)`}
      data-testid="panel-placeholder"
      data-plugin-id={pluginId}
      data-frames={JSON.stringify(frames)}
      data-annotations={JSON.stringify(annotations)}
      style={{ width, minHeight: Math.min(height, 200) }}
    >
      <p>
        Grafana&apos;s <code>{pluginId}</code> panel is not available outside Grafana. The plugin handed it{' '}
        {frames.length} frame{frames.length === 1 ? '' : 's'}:
      </p>
      <ul>
        {frames.map((frame, i) => (
          <li key={i}>
            <strong>{frame.name ?? frame.refId ?? `frame ${i + 1}`}</strong>: {frame.length} rows; fields{' '}
            {frame.fields.map((f) => `${f.name} (${f.type})`).join(', ')}
          </li>
        ))}
      </ul>
      {titles.length > 0 && <p>Annotations: {titles.map(String).join('; ')}</p>}
    </section>
  );
}
