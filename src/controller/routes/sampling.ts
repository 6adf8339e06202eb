/**
 * The sampling API for services (no auth, read-only, hot path): `GET /sampling?service=` and the Jaeger-agent
 * style `GET /api/sampling?service=`. Each service's serialised response is memoised until the base strategies
 * or the active-override snapshot change, or until the earliest of its overrides expires.
 */
import type { FastifyInstance } from 'fastify';
import { SERVICE_NAME_PATTERN } from '../../contract';
import type { Clock } from '../clock';
import { ApiError } from '../errors';
import type { ControllerMetrics } from '../metrics';
import type { ActiveOverrides } from '../overrides';
import type { PollRecorder } from '../polls';
import type { StrategiesSource } from '../strategiesFile';
import { resolveStrategy } from '../strategy';

interface Memo {
  body: string;
  overridesVersion: number;
  strategiesVersion: number;
  validUntil: number;
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

  async body(service: string): Promise<string> {
    const overrides = await this.active.current();
    const now = this.clock.now();
    const memo = this.memos.get(service);
    if (
      memo &&
      memo.overridesVersion === this.active.version &&
      memo.strategiesVersion === this.strategies.version &&
      now < memo.validUntil
    ) {
      return memo.body;
    }
    const mine = overrides.filter((o) => o.service === service);
    const body = JSON.stringify(resolveStrategy(service, this.strategies.strategies, mine).response);
    if (this.memos.size >= MAX_MEMOS) {
      this.memos.clear();
    }
    this.memos.set(service, {
      body,
      overridesVersion: this.active.version,
      strategiesVersion: this.strategies.version,
      validUntil: Math.min(Number.POSITIVE_INFINITY, ...mine.map((o) => o.expiresAt)),
    });
    return body;
  }
}

export function registerSamplingRoutes(
  app: FastifyInstance,
  deps: { responder: SamplingResponder; polls: PollRecorder; metrics: ControllerMetrics }
): void {
  const handler = async (request: { query: unknown }, reply: { type(t: string): unknown }) => {
    const service = (request.query as Record<string, unknown>).service;
    if (typeof service !== 'string' || !SERVICE_NAME_PATTERN.test(service)) {
      throw new ApiError(
        400,
        'bad_request',
        'query parameter service is required: 1–128 characters of ASCII letters, digits and . _ - / : @'
      );
    }
    deps.polls.record(service);
    deps.metrics.countPoll(service);
    reply.type('application/json');
    return deps.responder.body(service);
  };
  app.get('/sampling', handler);
  app.get('/api/sampling', handler);
}
