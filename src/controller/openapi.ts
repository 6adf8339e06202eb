/**
 * The OpenAPI 3.1 document of the admin API, generated from the contract's zod schemas (no second copy of any
 * schema). The controller serves it at `/api/v1/openapi.json`; `docs/openapi/controller.json` is the same document,
 * checked by a test. Regenerate the file with: npx tsx src/controller/openapi.ts > docs/openapi/controller.json
 */
import { z } from 'zod';
import {
  ApiErrorSchema,
  AuditListSchema,
  AuditQuerySchema,
  CreateOverrideBodySchema,
  EffectiveStrategySchema,
  ExtendOverrideBodySchema,
  GuardrailsSchema,
  KnownServiceSchema,
  ListOverridesQuerySchema,
  MeSchema,
  OverrideListSchema,
  OverrideSchema,
  RevertOverrideBodySchema,
  ServiceListSchema,
  ServiceNameSchema,
  StrategySourceSchema,
  AuditEventSchema,
  AlertmanagerPayloadSchema,
  AlertWebhookResultSchema,
  SamplingHistoryQuerySchema,
  SamplingHistorySchema,
} from '../contract';

type JsonObject = Record<string, unknown>;

function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) {
    registry.add(schema, { id });
  }
  const out = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, JsonObject>;
  };
  return Object.fromEntries(
    Object.entries(out.schemas).map(([id, { $schema: _drop, $id: _id, ...rest }]) => [id, rest])
  );
}

function queryParameters(schema: z.ZodObject): JsonObject[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = z.toJSONSchema(field as z.ZodType, { io: 'input' }) as JsonObject;
    const { $schema: _drop, ...rest } = json;
    return { name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: rest };
  });
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: ERROR_TEXT[s] ?? 'Error', content: json('ApiError') }])
  );

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (nothing was stored)',
  401: 'Missing or wrong bearer token, or identity headers that do not verify',
  403: 'The user may not change this service (role or team ownership); audited as `denied`',
  404: 'No such override',
  409: 'The override is no longer active',
  413: 'Request body too large',
  415: 'Body is not application/json',
  422: 'A guardrail refused the request; audited as `denied`',
  503: 'Grafana (JWKS or team look-up) is unreachable',
};

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

export function buildOpenApiDocument(): JsonObject {
  const writeErrors = errors(400, 401, 403, 404, 409, 413, 415, 422, 503);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tracing Ops sampling controller — admin API',
      version: '1',
      description:
        'Time-boxed sampling overrides for services polling the Jaeger remote-sampling endpoint. ' +
        "Every request needs `Authorization: Bearer <CONTROLLER_TOKEN>`; writes also need a Grafana user (headers set by Grafana's plugin proxy) with Editor or higher whose team owns the service.",
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/overrides': {
        get: {
          summary: 'List overrides (active by default), newest first',
          parameters: queryParameters(ListOverridesQuerySchema),
          responses: { '200': { description: 'Overrides', content: json('OverrideList') }, ...errors(400, 401) },
        },
        post: {
          summary: 'Raise sampling for a service (or one operation) for a bounded time',
          requestBody: { required: true, content: json('CreateOverrideBody') },
          responses: { '201': { description: 'Created', content: json('Override') }, ...writeErrors },
        },
      },
      '/overrides/{id}/revert': {
        post: {
          summary: 'End an override early; visible to every replica',
          parameters: [idParam],
          requestBody: { required: false, content: json('RevertOverrideBody') },
          responses: { '200': { description: 'Reverted', content: json('Override') }, ...writeErrors },
        },
      },
      '/overrides/{id}/extend': {
        post: {
          summary:
            "Move an active override's expiry later by durationSeconds (time left stays within the maximum duration)",
          parameters: [idParam],
          requestBody: { required: true, content: json('ExtendOverrideBody') },
          responses: { '200': { description: 'Extended', content: json('Override') }, ...writeErrors },
        },
      },
      '/services': {
        get: {
          summary: 'Known services: polling, in the strategies file, or with active overrides',
          responses: { '200': { description: 'Services', content: json('ServiceList') }, ...errors(401) },
        },
      },
      '/services/{service}/strategy': {
        get: {
          summary: 'Effective strategy of a service with provenance and every active override',
          parameters: [
            { name: 'service', in: 'path', required: true, schema: z.toJSONSchema(ServiceNameSchema, { io: 'input' }) },
          ].map(({ schema: { $schema: _drop, ...schema }, ...p }) => ({ ...p, schema })),
          responses: {
            '200': { description: 'Effective strategy', content: json('EffectiveStrategy') },
            ...errors(400, 401),
          },
        },
      },
      '/audit': {
        get: {
          summary: 'Append-only audit log, newest first',
          parameters: queryParameters(AuditQuerySchema),
          responses: { '200': { description: 'Audit events', content: json('AuditList') }, ...errors(400, 401) },
        },
      },
      '/sampling/history': {
        get: {
          summary:
            'The sampling probability of a service and each of its operations over a range (at most 31 days), piece by piece, with the spikes that made the pieces and how each ended. Base rates are those of the strategies file in use now. An answer holds at most 200 spikes and 2,000 segments; a fuller range is answered up to `to` with `complete: false`.',
          parameters: queryParameters(SamplingHistoryQuerySchema),
          responses: {
            '200': { description: 'Sampling history', content: json('SamplingHistory') },
            ...errors(400, 401),
          },
        },
      },
      '/guardrails': {
        get: {
          summary: 'Limits the UI should apply to its dialog',
          responses: { '200': { description: 'Guardrails', content: json('Guardrails') }, ...errors(401) },
        },
      },
      '/alerts/alertmanager': {
        post: {
          summary:
            "Alertmanager's webhook (payload version 4): alerts matched by the policy file raise spikes within the guardrails and the automatic-spike limits; resolved alerts end them. Idempotent per fingerprint + startsAt. An alert outside the bounds of this schema is denied on its own and the rest of the group is handled; 400 is for a malformed envelope.",
          security: [{ alertmanagerBearer: [] }],
          requestBody: { required: true, content: json('AlertmanagerPayload') },
          responses: {
            '200': {
              description: 'The group was handled; refused alerts are counted here and audited as `denied`',
              content: json('AlertWebhookResult'),
            },
            ...errors(400, 401, 413, 415),
          },
        },
      },
      '/me': {
        get: {
          summary: 'The identity the controller sees and what it may change',
          responses: { '200': { description: 'Identity', content: json('Me') }, ...errors(401, 503) },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'CONTROLLER_TOKEN, injected by the plugin proxy' },
        alertmanagerBearer: {
          type: 'http',
          scheme: 'bearer',
          description: "ALERTMANAGER_TOKEN, from Alertmanager's http_config.authorization.credentials_file",
        },
      },
      schemas: {
        ...components(
          {
            CreateOverrideBody: CreateOverrideBodySchema,
            RevertOverrideBody: RevertOverrideBodySchema,
            ExtendOverrideBody: ExtendOverrideBodySchema,
            AlertmanagerPayload: AlertmanagerPayloadSchema,
          },
          'input'
        ),
        ...components(
          {
            Override: OverrideSchema,
            OverrideList: OverrideListSchema,
            AuditEvent: AuditEventSchema,
            AuditList: AuditListSchema,
            StrategySource: StrategySourceSchema,
            EffectiveStrategy: EffectiveStrategySchema,
            KnownService: KnownServiceSchema,
            ServiceList: ServiceListSchema,
            Guardrails: GuardrailsSchema,
            Me: MeSchema,
            ApiError: ApiErrorSchema,
            AlertWebhookResult: AlertWebhookResultSchema,
            SamplingHistory: SamplingHistorySchema,
          },
          'output'
        ),
      },
    },
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
}
