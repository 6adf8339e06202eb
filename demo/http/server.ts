/**
 * A small traced HTTP/JSON server: each route runs in a SERVER span continued from the caller's W3C
 * `traceparent` and carrying a per-request `request.id`, and counts in the service's HTTP server metrics (served
 * at `GET /metrics`); every service gets `GET /healthz` and the fault switch `GET|POST /faults`, and each request
 * is logged with its trace and span ids.
 */
import { type Context, ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FaultRequestError, type Faults } from '../faults';
import type { Logger } from '../log';
import type { ServerMetrics } from '../serverMetrics';
import { failSpan, traceContext } from '../telemetry';
import { DownstreamError } from './client';

export interface Request {
  readonly body: unknown;
  /** The context of the request's SERVER span: parent every span of the handler on it. */
  readonly ctx: Context;
}

/** Returns the JSON body of a 200 answer, or throws an `HttpError` for any other status. */
export type Handler = (request: Request) => Promise<unknown>;

/** Routes keyed by `METHOD /path`, e.g. `POST /checkout`. */
export type Routes = Readonly<Record<string, Handler>>;

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

export interface ServerOptions {
  service: string;
  tracer: Tracer;
  metrics: ServerMetrics;
  logger: Logger;
  faults: Faults;
  routes: Routes;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.logger.log('error', undefined, 'request handling failed', { error: String(err) });
      if (!res.headersSent) {
        reply(res, 500, { error: 'internal error' });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return { url: `http://${host}:${port}`, close: () => closeServer(server) };
}

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = `${req.method} ${path}`;
  if (route === 'GET /healthz') {
    return reply(res, 200, { status: 'ok', service: options.service });
  }
  if (path === '/faults') {
    return handleFaults(options, req, res);
  }
  if (route === 'GET /metrics') {
    return options.metrics.scrape(req, res);
  }
  const handler = options.routes[route];
  if (!handler) {
    return reply(res, 404, { error: `no route ${route}` });
  }

  const parent = traceContext.extract(ROOT_CONTEXT, req.headers, headerGetter);
  const span = options.tracer.startSpan(
    route,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: req.method,
        [ATTR_HTTP_ROUTE]: path,
        [ATTR_URL_PATH]: path,
        [ATTR_SERVER_PORT]: req.socket.localPort,
        // An id per request, as many services record one: near-unique, so "Why these traces?" must
        // note it as high-cardinality and never rank it.
        'request.id': randomUUID(),
      },
    },
    parent
  );
  const ctx = trace.setSpan(parent, span);
  const started = performance.now();
  let status = 200;
  let body: unknown;
  try {
    body = await handler({ body: await readJson(req), ctx });
  } catch (err) {
    status = statusOf(err);
    body = { error: err instanceof Error ? err.message : String(err) };
    // Semantic conventions: only 5xx is an error of the server; 4xx is the caller's.
    if (status >= 500) {
      failSpan(span, err);
    }
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  // The span ends before the answer is written, so a caller that has the answer also has the span.
  span.end();
  options.metrics.record(req.method ?? 'GET', path, status, (performance.now() - started) / 1000);
  options.logger.log(status >= 500 ? 'error' : 'info', ctx, `${route} ${status}`, {
    status,
    duration_ms: Math.round(performance.now() - started),
  });
  reply(res, status, body);
}

async function handleFaults(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'POST') {
    try {
      options.faults.apply(await readJson(req));
    } catch (err) {
      if (err instanceof FaultRequestError || err instanceof HttpError) {
        return reply(res, 400, { error: err.message });
      }
      throw err;
    }
    options.logger.log('warn', undefined, 'faults changed', { faults: JSON.stringify(options.faults.snapshot()) });
  } else if (req.method !== 'GET') {
    return reply(res, 405, { error: 'use GET or POST' });
  }
  reply(res, 200, { service: options.service, faults: options.faults.snapshot() });
}

const headerGetter = {
  keys: (carrier: IncomingMessage['headers']) => Object.keys(carrier),
  get: (carrier: IncomingMessage['headers'], key: string) => carrier[key.toLowerCase()],
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

/** A failed call to another service is a bad gateway; anything unexpected is our own 500. */
function statusOf(err: unknown): number {
  if (err instanceof HttpError) {
    return err.status;
  }
  return err instanceof DownstreamError ? 502 : 500;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body ?? null));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
