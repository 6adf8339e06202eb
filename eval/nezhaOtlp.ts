/**
 * Nezha's span and log rows as what the product reads: each trace as OTLP/JSON (one resource per service, the
 * service named from the pod), and each trace's error-level log lines as a side table keyed by span id — what a
 * logs data source gives for a trace's spans, and what the ranking takes (`TraceLogs`). The mapping is in
 * docs/evaluation.md.
 */
import type { LogLine, LogSeverity, OtlpJsonTrace, TraceLogs } from '../src/analysis';
import type { LogRow, SpanRow } from './nezhaData';

/**
 * A Deployment's pod is `<deployment>-<ReplicaSet hash>-<5-character suffix>`, a StatefulSet's `<name>-<ordinal>`;
 * the service is the name without them (what the data set's `service` label and Kubernetes' `app` label hold).
 * Any other name is its own service.
 */
const DEPLOYMENT_POD = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/;
const STATEFUL_SET_POD = /^(.+)-\d+$/;

export function serviceOfPod(pod: string): string {
  return DEPLOYMENT_POD.exec(pod)?.[1] ?? STATEFUL_SET_POD.exec(pod)?.[1] ?? pod;
}

/** OTLP's `SpanKind` numbers. */
const INTERNAL = 1;
const SERVER = 2;
const CLIENT = 3;
/** The logger's level as a logs data source normalises it; levels not listed are not read. */
const SEVERITY: Readonly<Record<string, LogSeverity>> = {
  FATAL: 'error',
  SEVERE: 'error',
  ERROR: 'error',
  WARN: 'warn',
  WARNING: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
};

export interface NezhaTrace {
  readonly traceId: string;
  /** Unix seconds of the earliest span start: which window the trace falls in. */
  readonly startUnixSeconds: number;
  readonly json: OtlpJsonTrace;
  readonly logs: TraceLogs;
}

/**
 * The CSV has no span kind; it is read from the call structure as instrumentation records it: a span whose parent
 * is in another service (or that has none) is where a request entered the service (SERVER), a span with a child in
 * another service made that call (CLIENT), anything else is INTERNAL.
 */
function kindOf(row: SpanRow, byId: ReadonlyMap<string, SpanRow>, callsOut: ReadonlySet<string>): number {
  const parent = row.parentId === undefined ? undefined : byId.get(row.parentId);
  if (!parent || serviceOfPod(parent.pod) !== serviceOfPod(row.pod)) {
    return SERVER;
  }
  return callsOut.has(row.spanId) ? CLIENT : INTERNAL;
}

export function nezhaTraces(spans: readonly SpanRow[], logs: readonly LogRow[]): NezhaTrace[] {
  const byTrace = new Map<string, SpanRow[]>();
  for (const row of spans) {
    const list = byTrace.get(row.traceId);
    list ? list.push(row) : byTrace.set(row.traceId, [row]);
  }
  const logsByTrace = new Map<string, { errorLinesBySpan: Map<string, number>; linesBySpan: Map<string, LogLine[]> }>();
  for (const log of logs) {
    const severity = SEVERITY[log.level];
    if (!severity) {
      continue;
    }
    let ofTrace = logsByTrace.get(log.traceId);
    if (!ofTrace) {
      ofTrace = { errorLinesBySpan: new Map(), linesBySpan: new Map() };
      logsByTrace.set(log.traceId, ofTrace);
    }
    if (severity === 'error') {
      ofTrace.errorLinesBySpan.set(log.spanId, (ofTrace.errorLinesBySpan.get(log.spanId) ?? 0) + 1);
    }
    const line = { severity, body: log.message };
    const lines = ofTrace.linesBySpan.get(log.spanId);
    lines ? lines.push(line) : ofTrace.linesBySpan.set(log.spanId, [line]);
  }

  const traces: NezhaTrace[] = [];
  for (const [traceId, rows] of byTrace) {
    const byId = new Map(rows.map((r) => [r.spanId, r]));
    const callsOut = new Set<string>();
    for (const r of rows) {
      const parent = r.parentId === undefined ? undefined : byId.get(r.parentId);
      if (parent && serviceOfPod(parent.pod) !== serviceOfPod(r.pod)) {
        callsOut.add(parent.spanId);
      }
    }
    const byService = new Map<string, object[]>();
    let start = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      const service = serviceOfPod(r.pod);
      const span = {
        traceId,
        spanId: r.spanId,
        ...(r.parentId === undefined ? {} : { parentSpanId: r.parentId }),
        name: r.operation,
        kind: kindOf(r, byId, callsOut),
        startTimeUnixNano: r.startNanos,
        endTimeUnixNano: r.endNanos,
        attributes: [{ key: 'k8s.pod.name', value: { stringValue: r.pod } }],
      };
      const list = byService.get(service);
      list ? list.push(span) : byService.set(service, [span]);
      start = Math.min(start, Number(r.startNanos.slice(0, -9)));
    }
    const json = {
      resourceSpans: [...byService].map(([service, list]) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: list }],
      })),
    } as unknown as OtlpJsonTrace;
    traces.push({
      traceId,
      startUnixSeconds: start,
      json,
      logs: logsByTrace.get(traceId) ?? { errorLinesBySpan: new Map(), linesBySpan: new Map() },
    });
  }
  return traces;
}
