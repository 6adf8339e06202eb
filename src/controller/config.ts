/**
 * The controller's configuration, read from environment variables and validated once at start-up so a
 * misconfigured deployment fails immediately with a message naming every bad variable.
 */
import { z } from 'zod';
import type { SpanMetricsFlavour } from '../queries';

const intFrom = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((s) => s === 'true' || s === '1');

const EnvSchema = z
  .object({
    CONTROLLER_HOST: z.string().default('0.0.0.0'),
    CONTROLLER_PORT: intFrom(8088, 0, 65535),
    CONTROLLER_TOKEN: z
      .string({ error: 'is required: the bearer token the app sends through its plugin-proxy route' })
      .min(32, 'must be at least 32 characters (generate one with `openssl rand -hex 32`)'),
    STRATEGIES_FILE: optionalString,
    STRATEGIES_RELOAD_MS: intFrom(2000, 100),
    DATABASE_URL: optionalString.refine((s) => s === undefined || /^postgres(ql)?:\/\//.test(s), {
      message: 'must be a postgres:// or postgresql:// URL',
    }),
    SQLITE_PATH: z.string().default('tracingops-controller.db'),
    MAX_SAMPLING_RATE: z.coerce.number().gt(0).lte(1).default(1),
    MAX_DURATION_SECONDS: intFrom(4 * 3600, 1),
    DEFAULT_DURATION_SECONDS: intFrom(1800, 1),
    MAX_ACTIVE_OVERRIDES_PER_SERVICE: intFrom(5, 1),
    MAX_ACTIVE_OVERRIDES: intFrom(100, 1),
    POLL_INTERVAL_HINT_SECONDS: intFrom(60, 1),
    GRAFANA_URL: optionalString.refine((s) => s === undefined || URL.canParse(s), { message: 'must be a URL' }),
    GRAFANA_SA_TOKEN: optionalString,
    TEAM_CACHE_SECONDS: intFrom(60, 0),
    // Read only to refuse it: the ownership table now comes from the app's settings in Grafana.
    OWNERSHIP_FILE: optionalString.refine((s) => s === undefined, {
      message:
        "is no longer read: the controller reads the ownership table from the Tracing Ops app's settings in Grafana (GRAFANA_URL, GRAFANA_SA_TOKEN); move the file's teams there and unset OWNERSHIP_FILE",
    }),
    GRAFANA_JWKS_URL: optionalString.refine((s) => s === undefined || URL.canParse(s), { message: 'must be a URL' }),
    GRAFANA_ID_ISSUER: optionalString,
    GRAFANA_ORG_ID: intFrom(1, 1),
    GRAFANA_REQUIRE_ID_TOKEN: booleanFlag,
    OVERRIDE_CACHE_MS: intFrom(1000, 0),
    POLL_FLUSH_MS: intFrom(2000, 10),
    EXPIRY_SWEEP_MS: intFrom(5000, 10),
    BODY_LIMIT_BYTES: intFrom(16 * 1024, 256),
    SHUTDOWN_TIMEOUT_MS: intFrom(10_000, 0),
    PROMETHEUS_URL: optionalString.refine((s) => s === undefined || URL.canParse(s), { message: 'must be a URL' }),
    SPAN_METRICS_FLAVOUR: z.enum(['auto', 'tempo', 'otel']).default('auto'),
    SPAN_METRICS_NAMESPACE: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be the connector namespace with dots as underscores')
      .default('traces_span_metrics'),
    GOAL_CHECK_MS: intFrom(5000, 100),
    PROMETHEUS_TIMEOUT_MS: intFrom(5000, 100),
    ALERTMANAGER_TOKEN: optionalString.refine((s) => s === undefined || s.length >= 32, {
      message: 'must be at least 32 characters (generate one with `openssl rand -hex 32`)',
    }),
    ALERT_POLICY_FILE: optionalString,
    ALERT_POLICY_RELOAD_MS: intFrom(2000, 100),
    ALERT_BODY_LIMIT_BYTES: intFrom(4 * 1024 * 1024, 1024),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.DEFAULT_DURATION_SECONDS > env.MAX_DURATION_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['DEFAULT_DURATION_SECONDS'],
        message: `must not exceed MAX_DURATION_SECONDS (${env.MAX_DURATION_SECONDS})`,
      });
    }
    if (env.MAX_ACTIVE_OVERRIDES_PER_SERVICE > env.MAX_ACTIVE_OVERRIDES) {
      ctx.addIssue({
        code: 'custom',
        path: ['MAX_ACTIVE_OVERRIDES_PER_SERVICE'],
        message: `must not exceed MAX_ACTIVE_OVERRIDES (${env.MAX_ACTIVE_OVERRIDES})`,
      });
    }
    if ((env.GRAFANA_URL === undefined) !== (env.GRAFANA_SA_TOKEN === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAFANA_SA_TOKEN'],
        message: 'GRAFANA_URL and GRAFANA_SA_TOKEN must be set together (team and ownership look-ups need both)',
      });
    }
    if ((env.ALERTMANAGER_TOKEN === undefined) !== (env.ALERT_POLICY_FILE === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_POLICY_FILE'],
        message: 'ALERTMANAGER_TOKEN and ALERT_POLICY_FILE must be set together (the webhook needs both)',
      });
    }
    if (env.ALERTMANAGER_TOKEN !== undefined && env.ALERTMANAGER_TOKEN === env.CONTROLLER_TOKEN) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALERTMANAGER_TOKEN'],
        message: "must differ from CONTROLLER_TOKEN: Alertmanager must not be able to act as the app's proxy",
      });
    }
    if (env.GRAFANA_REQUIRE_ID_TOKEN && env.GRAFANA_URL === undefined && env.GRAFANA_JWKS_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['GRAFANA_REQUIRE_ID_TOKEN'],
        message: 'needs GRAFANA_URL or GRAFANA_JWKS_URL to verify ID tokens',
      });
    }
  });

export interface GuardrailConfig {
  maxSamplingRate: number;
  maxDurationSeconds: number;
  defaultDurationSeconds: number;
  maxActiveOverridesPerService: number;
  maxActiveOverrides: number;
  pollIntervalHintSeconds: number;
  /** Whether traces can be counted (PROMETHEUS_URL is set). */
  traceGoals: boolean;
}

export interface TraceCountConfig {
  prometheusUrl?: string;
  flavour: SpanMetricsFlavour | 'auto';
  checkMs: number;
  timeoutMs: number;
}

export interface AlertWebhookConfig {
  token: string;
  policyFile: string;
  reloadMs: number;
  bodyLimitBytes: number;
}

export interface IdTokenConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  required: boolean;
}

export interface ControllerConfig {
  host: string;
  port: number;
  token: string;
  strategiesFile?: string;
  strategiesReloadMs: number;
  storage: { kind: 'postgres'; url: string } | { kind: 'sqlite'; path: string };
  guardrails: GuardrailConfig;
  grafana?: { url: string; serviceAccountToken: string; teamCacheSeconds: number };
  idToken?: IdTokenConfig;
  overrideCacheMs: number;
  pollFlushMs: number;
  expirySweepMs: number;
  bodyLimitBytes: number;
  traceCount: TraceCountConfig;
  /** Absent when the Alertmanager webhook is off. */
  alerts?: AlertWebhookConfig;
  shutdownTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid controller configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Grafana signs ID tokens with its AppURL (root_url), which always ends with a slash, as issuer. */
function grafanaIssuer(grafanaUrl: string): string {
  return grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const grafanaBase = e.GRAFANA_URL?.replace(/\/+$/, '');
  const jwksUrl = e.GRAFANA_JWKS_URL ?? (grafanaBase ? `${grafanaBase}/api/signing-keys/keys` : undefined);
  return {
    host: e.CONTROLLER_HOST,
    port: e.CONTROLLER_PORT,
    token: e.CONTROLLER_TOKEN,
    strategiesFile: e.STRATEGIES_FILE,
    strategiesReloadMs: e.STRATEGIES_RELOAD_MS,
    storage: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'sqlite', path: e.SQLITE_PATH },
    guardrails: {
      maxSamplingRate: e.MAX_SAMPLING_RATE,
      maxDurationSeconds: e.MAX_DURATION_SECONDS,
      defaultDurationSeconds: e.DEFAULT_DURATION_SECONDS,
      maxActiveOverridesPerService: e.MAX_ACTIVE_OVERRIDES_PER_SERVICE,
      maxActiveOverrides: e.MAX_ACTIVE_OVERRIDES,
      pollIntervalHintSeconds: e.POLL_INTERVAL_HINT_SECONDS,
      traceGoals: e.PROMETHEUS_URL !== undefined,
    },
    grafana:
      grafanaBase && e.GRAFANA_SA_TOKEN
        ? { url: grafanaBase, serviceAccountToken: e.GRAFANA_SA_TOKEN, teamCacheSeconds: e.TEAM_CACHE_SECONDS }
        : undefined,
    idToken: jwksUrl
      ? {
          jwksUrl,
          issuer: e.GRAFANA_ID_ISSUER ?? grafanaIssuer(grafanaBase ?? new URL(jwksUrl).origin),
          audience: `org:${e.GRAFANA_ORG_ID}`,
          required: e.GRAFANA_REQUIRE_ID_TOKEN,
        }
      : undefined,
    overrideCacheMs: e.OVERRIDE_CACHE_MS,
    pollFlushMs: e.POLL_FLUSH_MS,
    expirySweepMs: e.EXPIRY_SWEEP_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    traceCount: {
      prometheusUrl: e.PROMETHEUS_URL,
      flavour:
        e.SPAN_METRICS_FLAVOUR === 'auto'
          ? 'auto'
          : e.SPAN_METRICS_FLAVOUR === 'tempo'
            ? { kind: 'tempo' }
            : // The calls counter, the only metric counted, has no unit in its name.
              { kind: 'otel', namespace: e.SPAN_METRICS_NAMESPACE, unit: 'ms' },
      checkMs: e.GOAL_CHECK_MS,
      timeoutMs: e.PROMETHEUS_TIMEOUT_MS,
    },
    alerts:
      e.ALERTMANAGER_TOKEN && e.ALERT_POLICY_FILE
        ? {
            token: e.ALERTMANAGER_TOKEN,
            policyFile: e.ALERT_POLICY_FILE,
            reloadMs: e.ALERT_POLICY_RELOAD_MS,
            bodyLimitBytes: e.ALERT_BODY_LIMIT_BYTES,
          }
        : undefined,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
  };
}
