/**
 * Test doubles for the correlated view at the `@grafana/runtime` boundary: a PanelRenderer that
 * records what it was asked to draw (Grafana's real panels cannot render in jsdom), and the
 * answers of Grafana's plugin settings API and of Tempo, Prometheus and Loki behind its data
 * source proxy, built from an SDK-recorded fixture trace.
 */
import React from 'react';
import { ReadableStream } from 'node:stream/web';
import type { PanelRendererProps } from '@grafana/runtime';

import { buildTrace } from '../../../../analysis';
import { type OtlpTraceJson, toTempoJson } from '../../../../analysis/fixtures';
import { PLUGIN_ID } from '../../../routes';
import type { AppSettings } from '../../../settings';
import { type FakeBackend, ok } from '../../../testing/fakeBackend';

// The data transport streams bodies to the clients; jsdom has no ReadableStream, Node does.
Object.assign(globalThis, { ReadableStream });
// Combobox sizes its menu by measuring option text on a canvas, which jsdom cannot draw.
HTMLCanvasElement.prototype.getContext = (() => ({
  font: '',
  measureText: (text: string) => ({ width: text.length * 7 }),
})) as unknown as HTMLCanvasElement['getContext'];

export const renderedPanels: PanelRendererProps[] = [];

export function mockPanelRenderer(props: PanelRendererProps) {
  renderedPanels.push(props);
  return <div data-testid={`panel-${props.pluginId}`}>{props.title}</div>;
}

/** The props of the last render of each panel drawn with `pluginId`. */
export function lastPanels(pluginId: string): PanelRendererProps[] {
  const byTitle = new Map<string, PanelRendererProps>();
  for (const props of renderedPanels) {
    if (props.pluginId === pluginId) {
      byTitle.set(props.title, props);
    }
  }
  return [...byTitle.values()];
}

export const DATA_SOURCES: AppSettings = {
  tempoDatasourceUid: 'tempo-uid',
  prometheusDatasourceUid: 'prom-uid',
  lokiDatasourceUid: 'loki-uid',
};

export const proxy = (uid: string) => `/api/datasources/proxy/uid/${uid}`;

/** One Loki line per span of the trace, carrying the trace and span ids, one of them with an e-mail address. */
function lokiAnswer(otlp: OtlpTraceJson) {
  const trace = buildTrace(otlp);
  return {
    status: 'success',
    data: {
      resultType: 'streams',
      result: trace.services.map((service) => ({
        stream: { service_name: service },
        values: trace.spans
          .filter((span) => span.service === service)
          .map((span) => [
            String(BigInt(Math.round((trace.startUnixMs + span.startMs) * 1000)) * 1000n),
            `msg="${span.name}" trace_id=${trace.traceId} span_id=${span.id} user=jane@example.com`,
          ]),
      })),
    },
  };
}

function promAnswer(startSeconds: number) {
  return {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { service: 'payments' },
          values: [
            [startSeconds, '1.5'],
            [startSeconds + 60, 'NaN'],
          ],
        },
      ],
    },
  };
}

/** Answers for the settings API and all three data sources; tests override single routes with `backend.on`. */
export function serveTrace(backend: FakeBackend, otlp: OtlpTraceJson, settings: AppSettings = DATA_SOURCES): void {
  const trace = buildTrace(otlp);
  backend
    .on('GET', `/api/plugins/${PLUGIN_ID}/settings`, ok({ id: PLUGIN_ID, enabled: true, jsonData: settings }))
    .on('GET', new RegExp(`/api/v2/traces/${trace.traceId}`), ok(toTempoJson(otlp, { envelope: 'v2' })))
    .on('GET', /\/api\/v1\/query_range/, ok(promAnswer(Math.floor(trace.startUnixMs / 1000))))
    .on('GET', /\/loki\/api\/v1\/query_range/, ok(lokiAnswer(otlp)));
}

/** The `query` parameter of each request sent to `path`, decoded. */
export function queriesSent(backend: FakeBackend, path: string): string[] {
  return backend.requests
    .filter((r) => r.url.includes(path))
    .map((r) => new URL(r.url, 'http://grafana').searchParams.get('query') ?? '');
}
