/**
 * The sampling controller's admin API (`/api/v1`): request bodies, query strings and responses, as zod schemas.
 * The controller validates with them and generates its OpenAPI document from them; the app uses the inferred types.
 * Browser-safe: imports nothing but zod.
 */
import { z } from 'zod';
import { SamplingStrategyResponseSchema } from './sampling';

/**
 * Service names are restricted to what OpenTelemetry services use in practice, so a name can be shown, logged and
 * put into a query without escaping surprises: ASCII letters, digits and `. _ - / : @`, starting with a letter or digit.
 */
export const SERVICE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,127}$/;
/** Operation (span) names are free text in practice (`GET /users/{id}`), so printable ASCII on one line is allowed. */
export const OPERATION_NAME_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

export const ServiceNameSchema = z
  .string()
  .regex(
    SERVICE_NAME_PATTERN,
    'service must be 1–128 characters of ASCII letters, digits and . _ - / : @, starting with a letter or digit'
  );

export const OperationNameSchema = z
  .string()
  .regex(
    OPERATION_NAME_PATTERN,
    'operation must be 1–256 printable ASCII characters on one line, without leading or trailing spaces'
  );

// Free text for humans, kept on one line so audit logs stay one event per line.
const ReasonSchema = z
  .string()
  .trim()
  .min(3, 'reason must say why, in at least 3 characters')
  .max(500, 'reason must be at most 500 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'reason must not contain control characters or line breaks');

const DurationSchema = z
  .number()
  .int('durationSeconds must be a whole number of seconds')
  .positive('durationSeconds must be positive');

/** Upper bound on a spike's trace goal: beyond this a goal is no bound at all, and counts stop being exact floats. */
const MAX_STOP_AFTER_TRACES = 1_000_000;

export const StopAfterTracesSchema = z
  .number()
  .int('stopAfterTraces must be a whole number of traces')
  .positive('stopAfterTraces must be positive')
  .max(MAX_STOP_AFTER_TRACES, `stopAfterTraces must be at most ${MAX_STOP_AFTER_TRACES}`);

export const SamplingRateSchema = z
  .number()
  .gt(0, 'samplingRate must be greater than 0')
  .lte(1, 'samplingRate must be at most 1');

export const CreateOverrideBodySchema = z
  .object({
    service: ServiceNameSchema,
    operation: OperationNameSchema.optional(),
    samplingRate: SamplingRateSchema,
    durationSeconds: DurationSchema,
    /** End the spike once this many traces of the service (and operation) were recorded, or at expiry if sooner. */
    stopAfterTraces: StopAfterTracesSchema.optional(),
    reason: ReasonSchema,
  })
  .strict();

export const RevertOverrideBodySchema = z.object({ reason: ReasonSchema.optional() }).strict();

export const ExtendOverrideBodySchema = z.object({ durationSeconds: DurationSchema }).strict();

export const OverrideSchema = z.object({
  id: z.string(),
  service: z.string(),
  operation: z.string().optional(),
  samplingRate: z.number(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().optional(),
  revokedBy: z.string().optional(),
  revokeReason: z.string().optional(),
  /** Computed by the controller at response time: `now < expiresAt` and not reverted. */
  active: z.boolean(),
  /** Present on goal-bounded spikes: how far the trace count got, or why it cannot be read. */
  goal: z
    .object({
      stopAfterTraces: z.number().int(),
      /** Traces recorded since the spike started, as last counted from span metrics. */
      traces: z.number().int().optional(),
      checkedAt: z.iso.datetime().optional(),
      /** Set when the goal ended the spike (then `revokedAt` is the same time). */
      reachedAt: z.iso.datetime().optional(),
      /** Why the count could not be read at the last check; the spike then runs to `expiresAt`. */
      unavailable: z.string().optional(),
    })
    .optional(),
  /** Present when Alertmanager raised the spike through the webhook. */
  alert: z.object({ name: z.string(), fingerprint: z.string(), startsAt: z.string() }).optional(),
});

/** At most this many overrides in one list answer, newest first; `complete` says when older ones were left out. */
export const MAX_LISTED_OVERRIDES = 200;

export const OverrideListSchema = z.object({
  overrides: z.array(OverrideSchema),
  /** False when more overrides matched than one answer carries: the oldest were left out (narrow by service or since). */
  complete: z.boolean().optional(),
});

/** A time as epoch milliseconds in a query string: digits only. */
export const epochMs = (name: string) =>
  z
    .string({ error: `${name} is required: a time in epoch milliseconds` })
    .regex(/^\d{1,15}$/, `${name} must be a time in epoch milliseconds (digits only)`)
    .transform(Number);

export const ListOverridesQuerySchema = z
  .object({
    service: ServiceNameSchema.optional(),
    state: z.enum(['active', 'all']).default('active'),
    /** Only overrides still in effect at or after this time, epoch milliseconds (those that ended before are left out). */
    since: epochMs('since').optional(),
  })
  .strict();

/** `goal-reached`: the controller ended a goal-bounded spike because enough traces were recorded. */
export const AuditEventTypeSchema = z.enum(['created', 'reverted', 'extended', 'expired', 'goal-reached', 'denied']);

export const AuditEventSchema = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  type: AuditEventTypeSchema,
  service: z.string(),
  operation: z.string().optional(),
  overrideId: z.string().optional(),
  actor: z.string(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});

export const AuditListSchema = z.object({ events: z.array(AuditEventSchema) });

export const AuditQuerySchema = z
  .object({
    service: ServiceNameSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    /** Event id: return events older than this one (for paging backwards). */
    before: z.coerce.number().int().positive().optional(),
  })
  .strict();

export const StrategySourceSchema = z.object({
  kind: z.enum(['base-default', 'base-service', 'base-operation', 'override']),
  overrideId: z.string().optional(),
});

export const EffectiveStrategySchema = z.object({
  service: z.string(),
  strategyType: z.enum(['PROBABILISTIC', 'RATE_LIMITING']),
  /** Service-wide probability; absent when the service is rate limited and no override applies. */
  samplingRate: z.number().optional(),
  maxTracesPerSecond: z.number().optional(),
  source: StrategySourceSchema,
  operations: z.array(z.object({ operation: z.string(), samplingRate: z.number(), source: StrategySourceSchema })),
  /** Every active override for this service, including those that lost to a higher rate. */
  activeOverrides: z.array(OverrideSchema),
  /** Exactly what `/sampling?service=` returns for this service right now. */
  response: SamplingStrategyResponseSchema,
});

export const KnownServiceSchema = z.object({
  name: z.string(),
  /** Last time a sampler polled for this service; absent if none has polled yet. */
  lastSeen: z.iso.datetime().optional(),
  pollCount: z.number().int(),
  samplingRate: z.number().optional(),
  strategyType: z.enum(['PROBABILISTIC', 'RATE_LIMITING']),
  source: StrategySourceSchema,
  activeOverrides: z.number().int(),
});

export const ServiceListSchema = z.object({ services: z.array(KnownServiceSchema) });

export const GuardrailsSchema = z.object({
  maxSamplingRate: z.number(),
  maxDurationSeconds: z.number().int(),
  defaultDurationSeconds: z.number().int(),
  maxActiveOverridesPerService: z.number().int(),
  maxActiveOverrides: z.number().int(),
  /** How often samplers should poll; a change takes up to this long (plus the controller's cache) to reach them. */
  pollIntervalHintSeconds: z.number(),
  /**
   * Whether the controller can count traces (PROMETHEUS_URL is set), so `stopAfterTraces` can end a spike early.
   * Absent from controllers older than goal-bounded spikes.
   */
  traceGoals: z.boolean().optional(),
});

export const OrgRoleSchema = z.enum(['None', 'Viewer', 'Editor', 'Admin']);

export const MeSchema = z.object({
  /** Absent when the request carried a valid token but no Grafana user (e.g. a script). */
  login: z.string().optional(),
  userId: z.number().int().optional(),
  role: OrgRoleSchema,
  isGrafanaAdmin: z.boolean(),
  /** Which header the identity came from: the signed ID token is preferred. */
  identitySource: z.enum(['id-token', 'grafana-context', 'user-header', 'none']),
  /** The user's teams that appear in the controller's ownership map. */
  teams: z.array(z.string()),
  write: z.object({
    allowed: z.boolean(),
    /** True for Grafana server admins and org Admins: they may change any service. */
    allServices: z.boolean(),
    /** Service-name globs the user's teams own. */
    servicePatterns: z.array(z.string()),
    /** Known services the user may change. */
    services: z.array(z.string()),
    /** Why writes are not allowed, in words for the UI. */
    reason: z.string().optional(),
  }),
});

export const ApiErrorCodeSchema = z.enum([
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'guardrail',
  'unavailable',
  'internal',
]);

export const ApiErrorSchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type CreateOverrideBody = z.infer<typeof CreateOverrideBodySchema>;
export type RevertOverrideBody = z.infer<typeof RevertOverrideBodySchema>;
export type ExtendOverrideBody = z.infer<typeof ExtendOverrideBodySchema>;
export type Override = z.infer<typeof OverrideSchema>;
export type AuditEventType = z.infer<typeof AuditEventTypeSchema>;
export type AuditEvent = z.infer<typeof AuditEventSchema>;
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export type StrategySource = z.infer<typeof StrategySourceSchema>;
export type EffectiveStrategy = z.infer<typeof EffectiveStrategySchema>;
export type KnownService = z.infer<typeof KnownServiceSchema>;
export type Guardrails = z.infer<typeof GuardrailsSchema>;
export type OrgRole = z.infer<typeof OrgRoleSchema>;
export type Me = z.infer<typeof MeSchema>;
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;
