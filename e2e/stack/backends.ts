/**
 * Small readers of what the stack's backends hold, for tests: Jaeger's query API (v1 `/api/traces`, which takes a
 * time range in µs and answers spans with µs start times), Prometheus' instant queries, and the controller's admin
 * API as the app's plugin proxy would call it (bearer token + the signed-in user's `X-Grafana-Context`).
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; spanID: string }>;
  /** µs since the epoch. */
  startTime: number;
  duration: number;
  processID: string;
  tags: Array<{ key: string; value: unknown }>;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: Array<{ key: string; value: unknown }> }>;
}

export interface TraceSearch {
  service: string;
  operation?: string;
  startMs: number;
  endMs: number;
  limit?: number;
  /** Span tags every found trace must have on one span, e.g. `{ error: 'true' }`. */
  tags?: Record<string, string>;
}

export async function findTraces(jaegerQuery: string, search: TraceSearch): Promise<JaegerTrace[]> {
  const params = new URLSearchParams({
    service: search.service,
    start: String(Math.floor(search.startMs * 1000)),
    end: String(Math.ceil(search.endMs * 1000)),
    limit: String(search.limit ?? 1000),
  });
  if (search.operation) {
    params.set('operation', search.operation);
  }
  if (search.tags) {
    params.set('tags', JSON.stringify(search.tags));
  }
  const url = `${jaegerQuery}/api/traces?${params}`;
  const res = await fetch(url);
  if (!res.ok) {
    throw new Error(`Jaeger ${url} answered ${res.status}: ${await res.text()}`);
  }
  return ((await res.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

/** The root spans of `service` (no parent) in the traces found: the traces that service started. */
export function rootSpansOf(traces: JaegerTrace[], service: string, operation?: string): JaegerSpan[] {
  return traces.flatMap((t) =>
    t.spans.filter(
      (s) =>
        s.references.length === 0 &&
        t.processes[s.processID]?.serviceName === service &&
        (operation === undefined || s.operationName === operation)
    )
  );
}

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** An instant query, now or at `atMs` (ms since the epoch: what Prometheus had scraped by then). */
export async function promQuery(prometheus: string, expr: string, atMs?: number): Promise<PromSample[]> {
  const params = new URLSearchParams({ query: expr, ...(atMs === undefined ? {} : { time: String(atMs / 1000) }) });
  const url = `${prometheus}/api/v1/query?${params}`;
  const res = await fetch(url);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  };
  if (!res.ok || body.status !== 'success') {
    throw new Error(`Prometheus ${url} answered ${res.status}: ${body.error ?? 'no data'}`);
  }
  return body.data!.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** A Grafana user as the plugin proxy presents it in `X-Grafana-Context` (Grafana's SignedInUser JSON). */
export interface GrafanaUser {
  login: string;
  role: 'Viewer' | 'Editor' | 'Admin';
  isGrafanaAdmin?: boolean;
}

const ADMIN_USER: GrafanaUser = { login: 'admin', role: 'Admin', isGrafanaAdmin: true };

export async function controllerCall<T>(
  stack: { urls: { controller: string }; controllerToken: string },
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; as?: GrafanaUser } = {}
): Promise<T> {
  const user = options.as ?? ADMIN_USER;
  const res = await fetch(`${stack.urls.controller}/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${stack.controllerToken}`,
      'X-Grafana-Context': JSON.stringify({
        UserID: 1,
        OrgID: 1,
        OrgRole: user.role,
        Login: user.login,
        IsGrafanaAdmin: user.isGrafanaAdmin ?? false,
        IsServiceAccount: false,
        IsAnonymous: false,
      }),
      'X-Grafana-User': user.login,
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`controller ${method} /api/v1${path} answered ${res.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

/** A service as the controller's `GET /api/v1/services` lists it: when it last polled, and how many times. */
export interface PolledService {
  name: string;
  lastSeen?: string;
  pollCount?: number;
}

/**
 * Waits until `service` has polled the controller `polls` more times than when called, and resolves to when the
 * controller saw the last of them (ms since the epoch). The first of those polls was answered with what the
 * controller held at the call; by the last one the sampler has had that answer for a poll interval or more. A
 * sampler still deciding by the old strategy after the returned moment is a bug, however slow the machine: this is
 * an ordering of events, not a duration — a machine that delays the polls delays the returned moment with them.
 */
export async function afterPolls(
  listServices: () => Promise<{ services: PolledService[] }>,
  service: string,
  polls = 3
): Promise<number> {
  const countOf = async () => (await listServices()).services.find((s) => s.name === service);
  const start = (await countOf())?.pollCount ?? 0;
  const seen = await eventually(
    `${polls} polls by ${service}`,
    async () => {
      const now = await countOf();
      return (now?.pollCount ?? 0) >= start + polls && now?.lastSeen ? now.lastSeen : undefined;
    },
    // Generous: the samplers poll every few seconds; a machine under load may delay a poll, never stop it.
    { timeoutMs: 120_000, intervalMs: 200 }
  );
  return Date.parse(seen);
}

/** Polls `probe` until it returns a value (not undefined); the error names `what` and the last value seen. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 } = {}
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`
      );
    }
    await sleep(intervalMs);
  }
}
