/**
 * Links into Grafana's Explore that open one trace on the trace data source, in the query model of
 * its type: Tempo takes the trace id as a TraceQL-mode query, Jaeger as its trace-id query (no
 * `queryType`, which Grafana's Jaeger data source reads as "look up this trace id").
 */
import type { TraceBackend } from './clients';

export interface ExploreTraceTarget {
  uid: string;
  backend: TraceBackend;
  traceId: string;
  /** Unix milliseconds around the trace; Explore's default range otherwise. */
  fromMs?: number;
  toMs?: number;
}

function traceQuery({ uid, backend, traceId }: ExploreTraceTarget) {
  const datasource = { type: backend, uid };
  return backend === 'jaeger'
    ? { refId: 'A', datasource, query: traceId }
    : { refId: 'A', datasource, queryType: 'traceql', query: traceId };
}

export function exploreTraceUrl(target: ExploreTraceTarget): string {
  const range =
    target.fromMs !== undefined && target.toMs !== undefined
      ? { from: String(Math.floor(target.fromMs)), to: String(Math.ceil(target.toMs)) }
      : { from: 'now-1h', to: 'now' };
  const panes = { trace: { datasource: target.uid, queries: [traceQuery(target)], range } };
  return `/explore?${new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify(panes) }).toString()}`;
}
