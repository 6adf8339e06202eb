/**
 * The sampling API for services (no auth, read-only, hot path): `GET /sampling?service=` and the Jaeger-agent
 * style `GET /api/sampling?service=`. Each service's serialised response is memoised until the base strategies
 * or the active-override snapshot change, or until the earliest of its overrides expires.
 *
 * A valid poll is answered straight from `node:http`, before Fastify (`samplingFastPath`): Fastify's request and
 * reply objects, routing and hooks cost about a third of the throughput of a bare server on this endpoint (see
 * docs/benchmarks.md). While the override snapshot is fresh and the service's memo current, that answer is
 * synchronous — the memo's body and headers written as they are, no promise, no query-string parser for the
 * usual `?service=name`. Anything else — another route, a bad or repeated `service`, shutdown — goes through
 * Fastify, whose routes below give the same answer with the full error handling.
 */
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { SERVICE_NAME_PATTERN } from '../../contract';
import type { Clock } from '../clock';
import { ApiError } from '../errors';
import type { ControllerMetrics } from '../metrics';
import type { ActiveOverrides } from '../overrides';
import type { PollRecorder } from '../polls';
import type { StrategiesSource } from '../strategiesFile';
import { resolveStrategy } from '../strategy';

const CONTENT_TYPE = 'application/json; charset=utf-8';

interface Memo {
  readonly body: string;
  /** The headers that go with the body, made once for the fast path. */
  readonly headers: OutgoingHttpHeaders;
  readonly overridesVersion: number;
  readonly strategiesVersion: number;
  readonly validUntil: number;
}

// Bounds memory if something polls with many distinct names; rebuilding a memo is cheap.
const MAX_MEMOS = 20_000;

export class SamplingResponder {
  private readonly memos = new Map<string, Memo>();

  constructor(
    private readonly strategies: StrategiesSource,
    private readonly active: ActiveOverrides,
    private readonly clock: Clock
  ) {}

  /** The service's answer, without waiting, when the override snapshot is fresh and its memo current. */
  ready(service: string): Memo | undefined {
    return this.active.isFresh() ? this.currentMemo(service) : undefined;
  }

  async answer(service: string): Promise<Memo> {
    const overrides = await this.active.current();
    const memo = this.currentMemo(service);
    if (memo) {
      return memo;
    }
    const mine = overrides.filter((o) => o.service === service);
    const body = JSON.stringify(resolveStrategy(service, this.strategies.strategies, mine).response);
    if (this.memos.size >= MAX_MEMOS) {
      this.memos.clear();
    }
    const fresh: Memo = {
      body,
      headers: { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(body) },
      overridesVersion: this.active.version,
      strategiesVersion: this.strategies.version,
      validUntil: Math.min(Number.POSITIVE_INFINITY, ...mine.map((o) => o.expiresAt)),
    };
    this.memos.set(service, fresh);
    return fresh;
  }

  private currentMemo(service: string): Memo | undefined {
    const memo = this.memos.get(service);
    return memo &&
      memo.overridesVersion === this.active.version &&
      memo.strategiesVersion === this.strategies.version &&
      this.clock.now() < memo.validUntil
      ? memo
      : undefined;
  }
}

export interface SamplingDeps {
  readonly responder: SamplingResponder;
  readonly polls: PollRecorder;
  readonly metrics: ControllerMetrics;
}

const PATHS = ['/sampling', '/api/sampling'];

/** Records a poll of a valid service name. */
function recordPoll(deps: SamplingDeps, service: string): void {
  deps.polls.record(service);
  deps.metrics.countPoll(service);
}

export function registerSamplingRoutes(app: FastifyInstance, deps: SamplingDeps): void {
  const handler = async (request: { query: unknown }, reply: { type(t: string): unknown }) => {
    const service = (request.query as Record<string, unknown>).service;
    if (typeof service !== 'string' || !SERVICE_NAME_PATTERN.test(service)) {
      throw new ApiError(
        400,
        'bad_request',
        'query parameter service is required: 1–128 characters of ASCII letters, digits and . _ - / : @'
      );
    }
    reply.type(CONTENT_TYPE);
    recordPoll(deps, service);
    return (await deps.responder.answer(service)).body;
  };
  for (const path of PATHS) {
    app.get(path, handler);
  }
}

const SERVICE_PARAMETER = 'service=';
/** Characters that make a query need `URLSearchParams`: another parameter, an escape, an encoded space. */
const NEEDS_PARSING = /[&%+]/;

/** The one `service` of a sampling poll's URL, or undefined when Fastify should answer it. */
function polledService(url: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0 || !PATHS.includes(url.slice(0, q))) {
    return undefined;
  }
  const query = url.slice(q + 1);
  let service: string | undefined;
  if (query.startsWith(SERVICE_PARAMETER) && !NEEDS_PARSING.test(query)) {
    service = query.slice(SERVICE_PARAMETER.length); // what URLSearchParams would make of it, sooner
  } else {
    const services = new URLSearchParams(query).getAll('service');
    service = services.length === 1 ? services[0]! : undefined;
  }
  return service !== undefined && SERVICE_NAME_PATTERN.test(service) ? service : undefined;
}

/**
 * Wraps Fastify's request handler: valid `GET` polls are answered here, everything else is passed on. Recorded
 * in the same request metrics as Fastify's routes.
 */
export function samplingFastPath(
  deps: SamplingDeps,
  isShuttingDown: () => boolean,
  fastify: (req: IncomingMessage, res: ServerResponse) => void
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const service = req.method === 'GET' && !isShuttingDown() ? polledService(req.url ?? '') : undefined;
    if (service === undefined) {
      fastify(req, res);
      return;
    }
    const started = performance.now();
    const route = req.url!.startsWith('/api/') ? '/api/sampling' : '/sampling';
    const send = (memo: Memo) => {
      res.writeHead(200, memo.headers);
      // A string, not the bytes: Node then sends headers and body in one write instead of a writev of two.
      res.end(memo.body);
      deps.metrics.observeRequest(route, 'GET', 200, (performance.now() - started) / 1000);
    };
    recordPoll(deps, service);
    const ready = deps.responder.ready(service);
    if (ready) {
      send(ready);
      return;
    }
    deps.responder.answer(service).then(
      send,
      () => fastify(req, res) // storage failed: Fastify's route fails the same way and reports it
    );
  };
}
