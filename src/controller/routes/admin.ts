/**
 * The admin API for the app (`/api/v1`, GET and POST only, matching the plugin-proxy routes in plugin.json).
 * Every route needs the bearer token; writes also pass authorization (role + team ownership), and refusals are
 * audited. Input is validated with the contract's schemas before anything else happens, so bad input stores nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  AuditQuerySchema,
  CreateOverrideBodySchema,
  type EffectiveStrategy,
  ExtendOverrideBodySchema,
  type Guardrails,
  type KnownService,
  ListOverridesQuerySchema,
  type Me,
  MAX_HISTORY_SPIKES,
  MAX_LISTED_OVERRIDES,
  RevertOverrideBodySchema,
  type SamplingHistory,
  SamplingHistoryQuerySchema,
  ServiceNameSchema,
} from '../../contract';
import { listAudit } from '../audit';
import { knownServices } from '../knownServices';
import type { Authorizer } from '../authorization';
import type { Clock } from '../clock';
import { ApiError } from '../errors';
import type { Identity, IdentityResolver } from '../identity';
import type { ControllerMetrics } from '../metrics';
import { type ActiveOverrides, type Overrides, toApiOverride } from '../overrides';
import type { PollRecorder } from '../polls';
import { samplingHistory } from '../samplingHistory';
import type { Storage } from '../storage';
import type { StrategiesSource } from '../strategiesFile';
import { resolveStrategy } from '../strategy';

export interface AdminDeps {
  storage: Storage;
  clock: Clock;
  guardrails: Guardrails;
  authorizer: Authorizer;
  identities: IdentityResolver;
  overrides: Overrides;
  active: ActiveOverrides;
  strategies: StrategiesSource;
  polls: PollRecorder;
  metrics: ControllerMetrics;
  openApiDocument: object;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    throw new ApiError(
      400,
      'bad_request',
      `invalid ${what}: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}`,
      {
        issues,
      }
    );
  }
  return result.data;
}

/** The name written to the audit log for whoever acted. */
function actorOf(identity: Identity): string {
  return identity.login ?? `(${identity.source === 'none' ? 'token only' : identity.source})`;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { storage, clock, authorizer, identities, overrides } = deps;

  app.get('/api/v1/openapi.json', async () => deps.openApiDocument);

  app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      if (!authorizer.tokenMatches(request.headers.authorization)) {
        throw new ApiError(
          401,
          'unauthorized',
          'missing or wrong bearer token; the app must reach the controller through its plugin-proxy route'
        );
      }
    });

    const identify = (request: FastifyRequest) => identities.resolve(request.headers);

    /** Authorizes a write on `service`; a refusal is audited before it is returned. */
    const authorizeWrite = async (
      identity: Identity,
      target: { service: string; operation: string | null; overrideId?: string },
      attempted: string
    ) => {
      try {
        await authorizer.authorizeWrite(identity, target.service);
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) {
          await overrides.recordDenied(target, actorOf(identity), { attempted, code: err.code, message: err.message });
        }
        throw err;
      }
    };

    const knownServiceNames = () => knownServices(deps);

    api.get('/api/v1/overrides', async (request) => {
      const q = parse(ListOverridesQuerySchema, request.query, 'query');
      const now = clock.now();
      const list = await storage.listOverrides({
        service: q.service,
        activeAt: q.state === 'active' ? now : undefined,
        since: q.since,
        limit: MAX_LISTED_OVERRIDES + 1,
      });
      return {
        overrides: list.slice(0, MAX_LISTED_OVERRIDES).map((o) => toApiOverride(o, now)),
        complete: list.length <= MAX_LISTED_OVERRIDES,
      };
    });

    api.post('/api/v1/overrides', async (request, reply) => {
      const body = parse(CreateOverrideBodySchema, request.body, 'override');
      const identity = await identify(request);
      await authorizeWrite(identity, { service: body.service, operation: body.operation ?? null }, 'create');
      const created = await overrides.create(body, actorOf(identity));
      request.log.info(
        {
          overrideId: created.id,
          service: created.service,
          operation: created.operation,
          samplingRate: created.samplingRate,
          actor: created.createdBy,
        },
        'override created'
      );
      reply.code(201);
      return toApiOverride(created, clock.now());
    });

    const existing = async (id: string) => {
      const o = await storage.getOverride(id);
      if (!o) {
        throw new ApiError(404, 'not_found', `override ${id} does not exist`);
      }
      return o;
    };

    api.post<{ Params: { id: string } }>('/api/v1/overrides/:id/revert', async (request) => {
      const body = parse(RevertOverrideBodySchema, request.body ?? {}, 'revert request');
      const identity = await identify(request);
      const o = await existing(request.params.id);
      await authorizeWrite(identity, { service: o.service, operation: o.operation, overrideId: o.id }, 'revert');
      const reverted = await overrides.revert(o.id, body.reason, actorOf(identity));
      request.log.info({ overrideId: o.id, service: o.service, actor: reverted.revokedBy }, 'override reverted');
      return toApiOverride(reverted, clock.now());
    });

    api.post<{ Params: { id: string } }>('/api/v1/overrides/:id/extend', async (request) => {
      const body = parse(ExtendOverrideBodySchema, request.body, 'extend request');
      const identity = await identify(request);
      const o = await existing(request.params.id);
      await authorizeWrite(identity, { service: o.service, operation: o.operation, overrideId: o.id }, 'extend');
      const extended = await overrides.extend(o.id, body.durationSeconds, actorOf(identity));
      request.log.info({ overrideId: o.id, service: o.service, expiresAt: extended.expiresAt }, 'override extended');
      return toApiOverride(extended, clock.now());
    });

    api.get('/api/v1/services', async () => {
      const { names, polls, active } = await knownServiceNames();
      const byName = new Map(polls.map((p) => [p.service, p]));
      const services: KnownService[] = names.map((name) => {
        const mine = active.filter((o) => o.service === name);
        const resolved = resolveStrategy(name, deps.strategies.strategies, mine);
        const p = byName.get(name);
        return {
          name,
          ...(p ? { lastSeen: new Date(p.lastSeen).toISOString() } : {}),
          pollCount: p?.pollCount ?? 0,
          ...(resolved.samplingRate === undefined ? {} : { samplingRate: resolved.samplingRate }),
          strategyType: resolved.strategyType,
          source: resolved.source,
          activeOverrides: mine.length,
        };
      });
      return { services };
    });

    api.get<{ Params: { service: string } }>(
      '/api/v1/services/:service/strategy',
      async (request): Promise<EffectiveStrategy> => {
        const service = parse(ServiceNameSchema, request.params.service, 'service name');
        const now = clock.now();
        // Read from storage, not the snapshot: this answer must agree across replicas at once.
        const active = await storage.listOverrides({ service, activeAt: now });
        return {
          ...resolveStrategy(service, deps.strategies.strategies, active),
          activeOverrides: active.map((o) => toApiOverride(o, now)),
        };
      }
    );

    api.get('/api/v1/sampling/history', async (request): Promise<SamplingHistory> => {
      const q = parse(SamplingHistoryQuerySchema, request.query, 'query');
      return samplingHistory({
        ...q,
        now: clock.now(),
        base: deps.strategies.strategies,
        strategiesLoadedAt: deps.strategies.status.loadedAt,
        // One more than an answer carries, to know where a fuller range must be cut.
        overrides: await storage.listOverridesDuring(q.service, q.from, q.to, MAX_HISTORY_SPIKES + 1),
      });
    });

    api.get('/api/v1/audit', async (request) => {
      const q = parse(AuditQuerySchema, request.query, 'query');
      return { events: await listAudit(storage, q) };
    });

    api.get('/api/v1/guardrails', async () => deps.guardrails);

    api.get('/api/v1/me', async (request): Promise<Me> => {
      const identity = await identify(request);
      const access = await authorizer.writeAccess(identity);
      const { names } = access.allowed ? await knownServiceNames() : { names: [] };
      return {
        ...(identity.login === undefined ? {} : { login: identity.login }),
        ...(identity.userId === undefined ? {} : { userId: identity.userId }),
        role: identity.role,
        isGrafanaAdmin: identity.isGrafanaAdmin,
        identitySource: identity.source,
        teams: access.teams,
        write: {
          allowed: access.allowed,
          allServices: access.allServices,
          servicePatterns: access.servicePatterns,
          services: names.filter((n) => authorizer.canWriteService(access, n)),
          ...(access.reason ? { reason: access.reason } : {}),
        },
      };
    });
  });
}
