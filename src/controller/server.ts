/**
 * Wiring: builds a controller from its configuration (storage, strategies, authorization, routes, background
 * jobs) and owns its lifecycle. `close()` is the graceful shutdown: stop accepting, let in-flight requests finish,
 * flush poll counts, stop the sweeper and reloader, close the database.
 */
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { createServer } from 'node:http';
import pino, { type Logger } from 'pino';
import { alertPolicySource } from './alertPolicies';
import { AlertSpikes } from './alertSpikes';
import { ExpirySweeper } from './audit';
import { BearerToken } from './bearerToken';
import { Authorizer } from './authorization';
import { type Clock, systemClock } from './clock';
import type { ControllerConfig } from './config';
import { ApiError } from './errors';
import { IdTokenVerifier } from './idToken';
import { IdentityResolver } from './identity';
import { knownServices } from './knownServices';
import { ControllerMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { ActiveOverrides, Overrides } from './overrides';
import { GrafanaApi } from './grafanaApi';
import { GrafanaOwnership, NO_OWNERSHIP } from './ownership';
import { PollRecorder } from './polls';
import { registerAdminRoutes } from './routes/admin';
import { registerAlertmanagerRoute } from './routes/alertmanager';
import { registerOpsRoutes } from './routes/ops';
import { SamplingResponder, registerSamplingRoutes, samplingFastPath } from './routes/sampling';
import { type Storage, openStorage } from './storage';
import { StrategiesSource } from './strategiesFile';
import { GoalWatcher } from './goals';
import { GrafanaTeams } from './teams';
import { TraceCounter } from './traceCounter';

export interface ControllerDeps {
  clock?: Clock;
  logger?: Logger;
  /** Used for Grafana calls (JWKS, teams) and Prometheus queries (trace goals). */
  fetch?: typeof fetch;
  /** Process metrics (CPU, heap) are off when several controllers share a process. */
  defaultMetrics?: boolean;
}

export interface Controller {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly strategies: StrategiesSource;
  readonly sweeper: ExpirySweeper;
  readonly polls: PollRecorder;
  readonly goals: GoalWatcher;
  /** Base URL once listening, e.g. http://127.0.0.1:8088 */
  url: string;
  start(): Promise<string>;
  close(): Promise<void>;
}

function errorStatus(err: FastifyError): ApiError {
  if (err instanceof ApiError) {
    return err;
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'request body is too large for this controller (BODY_LIMIT_BYTES)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'send the request body as application/json');
    default:
      if (err.statusCode === 400) {
        return new ApiError(400, 'bad_request', `malformed request: ${err.message}`);
      }
      return new ApiError(500, 'internal', 'internal error; the controller logs have the details');
  }
}

export async function createController(config: ControllerConfig, deps: ControllerDeps = {}): Promise<Controller> {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger ?? pino({ level: config.logLevel, base: { component: 'tracingops-controller' } });
  const fetchImpl = deps.fetch ?? fetch;
  const metrics = new ControllerMetrics({ defaultMetrics: deps.defaultMetrics ?? true });

  const strategies = new StrategiesSource(config.strategiesFile, log, (result) =>
    metrics.strategyReloads.inc({ result })
  );
  await strategies.load();
  const alertPolicies = config.alerts
    ? alertPolicySource(config.alerts.policyFile, log, (result) => metrics.alertPolicyReloads.inc({ result }))
    : undefined;
  await alertPolicies?.load();
  const storage = await openStorage(config.storage, log);

  const active = new ActiveOverrides(storage, clock, config.overrideCacheMs);
  const overrides = new Overrides(storage, clock, config.guardrails, () => active.invalidate());
  const polls = new PollRecorder(storage, clock, log);
  const sweeper = new ExpirySweeper(storage, clock, log);
  const counter = new TraceCounter(
    {
      url: config.traceCount.prometheusUrl,
      flavour: config.traceCount.flavour,
      timeoutMs: config.traceCount.timeoutMs,
    },
    fetchImpl
  );
  const goals = new GoalWatcher(storage, overrides, counter, clock, log);
  const grafana = config.grafana ? new GrafanaApi(config.grafana, fetchImpl) : undefined;
  const teams =
    grafana && config.grafana ? new GrafanaTeams(grafana, config.grafana.teamCacheSeconds, clock) : undefined;
  const ownership =
    grafana && config.grafana
      ? new GrafanaOwnership(grafana, config.grafana.teamCacheSeconds, clock, (problem) => log.warn(problem))
      : NO_OWNERSHIP;
  const verifier = config.idToken ? new IdTokenVerifier(config.idToken, clock, fetchImpl) : undefined;
  const authorizer = new Authorizer(config.token, ownership, teams);
  const identities = new IdentityResolver(verifier, config.idToken?.required ?? false);

  let shuttingDown = false;
  const sampling = { responder: new SamplingResponder(strategies, active, clock), polls, metrics };
  const app = Fastify({
    serverFactory: (handler) => createServer(samplingFastPath(sampling, () => shuttingDown, handler)),
    // Widened so the app is a plain FastifyInstance for the route modules.
    loggerInstance: log as FastifyBaseLogger,
    // Per-request logs would dominate the sampling hot path; admin writes log themselves.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    return503OnClosing: true,
  });
  // Only JSON bodies: text/plain would otherwise reach the handlers as a string.
  app.removeContentTypeParser('text/plain');

  // Requests still running at shutdown end their connection, so close() does not wait out keep-alive timeouts.
  // Hooks on the hot path use callbacks rather than async functions: measurably cheaper per request in Fastify.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (shuttingDown) {
      reply.header('connection', 'close');
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000
    );
    done();
  });
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    const apiError = errorStatus(err);
    if (apiError.status >= 500) {
      request.log.error({ err, url: request.url }, 'request failed');
    }
    if (apiError.status === 401) {
      metrics.denials.inc({ reason: 'unauthorized' });
    } else if (apiError.status === 403) {
      metrics.denials.inc({ reason: 'forbidden' });
    } else if (apiError.code === 'guardrail') {
      metrics.denials.inc({ reason: 'guardrail' });
    }
    reply.code(apiError.status).type('application/json');
    return apiError.toBody();
  });
  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404);
    return new ApiError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`).toBody();
  });

  registerSamplingRoutes(app, sampling);
  registerOpsRoutes(app, { storage, strategies, alertPolicies, active, metrics, isShuttingDown: () => shuttingDown });
  registerAdminRoutes(app, {
    storage,
    clock,
    guardrails: config.guardrails,
    authorizer,
    identities,
    overrides,
    active,
    strategies,
    polls,
    metrics,
    openApiDocument: buildOpenApiDocument(),
  });

  if (config.alerts && alertPolicies) {
    const known = async () => new Set((await knownServices({ polls, strategies, active })).names);
    registerAlertmanagerRoute(app, {
      token: new BearerToken(config.alerts.token),
      alerts: new AlertSpikes(storage, overrides, alertPolicies, known, clock),
      overrides,
      metrics,
      bodyLimitBytes: config.alerts.bodyLimitBytes,
    });
  }

  const controller: Controller = {
    app,
    storage,
    strategies,
    sweeper,
    polls,
    goals,
    url: '',
    async start() {
      const address = await app.listen({ host: config.host, port: config.port });
      controller.url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
      strategies.start(config.strategiesReloadMs);
      alertPolicies?.start(config.alerts?.reloadMs ?? 0);
      polls.start(config.pollFlushMs);
      sweeper.start(config.expirySweepMs);
      goals.start(config.traceCount.checkMs);
      log.info(
        { url: controller.url, storage: storage.kind, strategiesFile: config.strategiesFile ?? null },
        'sampling controller listening'
      );
      return controller.url;
    },
    async close() {
      shuttingDown = true;
      strategies.stop();
      alertPolicies?.stop();
      await app.close();
      await sweeper.stop();
      await goals.stop();
      await polls.stop();
      await storage.close();
      log.info('sampling controller stopped');
    },
  };
  return controller;
}
