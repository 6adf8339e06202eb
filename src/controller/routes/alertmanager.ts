/**
 * `POST /api/v1/alerts/alertmanager`: Alertmanager's webhook receiver. Authenticated by its own bearer token
 * (Alertmanager's `http_config.authorization.credentials_file`), checked before the body is read; the payload
 * (version 4) is read under its own body limit, its envelope validated with the contract's schema and each alert
 * on its own (an alert over a bound is denied alone). An authenticated delivery whose envelope is malformed, or
 * that is too large, is refused and audited as `denied`; one without the token is only counted.
 */
import type { FastifyInstance } from 'fastify';
import { AlertmanagerEnvelopeSchema } from '../../contract';
import { ALERT_ACTOR, type AlertSpikes } from '../alertSpikes';
import type { BearerToken } from '../bearerToken';
import { ApiError } from '../errors';
import type { ControllerMetrics } from '../metrics';
import type { Overrides } from '../overrides';
import { readAlert } from '../receivedAlert';

const ALERTMANAGER_WEBHOOK_PATH = '/api/v1/alerts/alertmanager';

export function registerAlertmanagerRoute(
  app: FastifyInstance,
  deps: {
    token: BearerToken;
    alerts: AlertSpikes;
    overrides: Overrides;
    metrics: ControllerMetrics;
    bodyLimitBytes: number;
  }
): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      if (!deps.token.matches(request.headers.authorization)) {
        throw new ApiError(
          401,
          'unauthorized',
          "missing or wrong bearer token; configure Alertmanager's webhook http_config.authorization with ALERTMANAGER_TOKEN"
        );
      }
    });

    // Runs for errors from body parsing too (413, 415, malformed JSON), which never reach the handler.
    scope.addHook('onError', async (request, _reply, error) => {
      const status = error instanceof ApiError ? error.status : (error as { statusCode?: number }).statusCode;
      if (status === undefined || status === 401 || status >= 500) {
        return;
      }
      deps.metrics.alerts.inc({ outcome: 'refused' });
      await deps.overrides.recordDenied({ service: '', operation: null }, ALERT_ACTOR, {
        attempted: 'alert webhook',
        status,
        message: error.message.slice(0, 500),
        contentLength: request.headers['content-length'] ?? null,
      });
    });

    scope.post(ALERTMANAGER_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request) => {
      const parsed = AlertmanagerEnvelopeSchema.safeParse(request.body);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new ApiError(
          400,
          'bad_request',
          `invalid Alertmanager payload: ${issues[0]?.path ? `${issues[0].path}: ` : ''}${issues[0]?.message ?? 'invalid'}`,
          { issues }
        );
      }
      const result = await deps.alerts.handle(parsed.data.alerts.map(readAlert));
      for (const [outcome, n] of Object.entries(result.outcomes)) {
        deps.metrics.alerts.inc({ outcome }, n);
      }
      request.log.info({ groupKey: parsed.data.groupKey.slice(0, 200), ...result }, 'alert group handled');
      return result;
    });
  });
}
