/**
 * The demo's configuration from environment variables, with defaults that run everything on
 * loopback next to a local controller (:8080) and OTLP receiver (:4318). Invalid values stop the
 * start with a message naming the variable.
 */
import { z } from 'zod';

import { SERVICES, type ServiceName, parseFaultList } from './faults';
import type { Tuning } from './services/kit';
import type { RemoteSamplingOptions } from './telemetry';

export const COMPONENTS = [...SERVICES, 'load'] as const;
export type Component = (typeof COMPONENTS)[number];

export const DEFAULT_PORTS: Record<ServiceName, number> = { gateway: 8081, auth: 8082, payments: 8083, fraud: 8084 };

export interface LoadRates {
  /** Checkouts per second sent to the gateway. */
  checkoutRps: number;
  /** Refunds per second sent straight to payments (traces that payments starts). */
  refundRps: number;
  /** Screenings per second sent straight to fraud (traces that fraud starts; 0 by default). */
  screeningRps: number;
}

export interface DemoConfig {
  components: Component[];
  host: string;
  ports: Record<ServiceName, number>;
  urls: Record<ServiceName, string>;
  otlpEndpoint: string;
  sampling: RemoteSamplingOptions;
  faults: ReturnType<typeof parseFaultList>;
  tuning: Tuning;
  load: LoadRates;
  logFile?: string;
}

const port = z.coerce.number().int().min(0).max(65535);
const ms = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const url = z.url().transform((u) => u.replace(/\/+$/, ''));

const Env = z.object({
  DEMO_SERVICES: z.string().default(COMPONENTS.join(',')),
  DEMO_HOST: z.string().default('127.0.0.1'),
  DEMO_FAULTS: z.string().optional(),
  DEMO_LOG_FILE: z.string().optional(),
  GATEWAY_PORT: port.default(DEFAULT_PORTS.gateway),
  AUTH_PORT: port.default(DEFAULT_PORTS.auth),
  PAYMENTS_PORT: port.default(DEFAULT_PORTS.payments),
  FRAUD_PORT: port.default(DEFAULT_PORTS.fraud),
  GATEWAY_URL: url.optional(),
  AUTH_URL: url.optional(),
  PAYMENTS_URL: url.optional(),
  FRAUD_URL: url.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url.default('http://127.0.0.1:4318'),
  SAMPLING_ENDPOINT: url.default('http://127.0.0.1:8080'),
  SAMPLING_POLL_MS: ms(10_000),
  SAMPLING_INITIAL_RATE: z.coerce.number().gt(0).lte(1).default(0.1),
  LEDGER_POOL_SIZE: z.coerce.number().int().min(1).default(4),
  LEDGER_ACQUIRE_TIMEOUT_MS: ms(3000),
  LEDGER_LEAK_MS: ms(2000),
  LEDGER_STATEMENT_MS: ms(3),
  LEDGER_SLOW_SHARD_STATEMENT_MS: ms(400),
  HISTORY_ROWS: z.coerce.number().int().min(1).default(20),
  FRAUD_SCORE_MS: ms(15),
  FRAUD_SLOW_SCORE_MS: ms(6000),
  CALL_TIMEOUT_MS: ms(15_000),
  LOAD_CHECKOUT_RPS: z.coerce.number().min(0).default(4),
  LOAD_REFUND_RPS: z.coerce.number().min(0).default(1),
  LOAD_SCREENING_RPS: z.coerce.number().min(0).default(0),
});

export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

export function loadDemoConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new DemoConfigError(`invalid demo configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const components = e.DEMO_SERVICES.split(',').map((s) => s.trim());
  const unknown = components.filter((c) => !(COMPONENTS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    throw new DemoConfigError(`DEMO_SERVICES: unknown ${unknown.join(', ')}; known: ${COMPONENTS.join(', ')}`);
  }
  const ports = { gateway: e.GATEWAY_PORT, auth: e.AUTH_PORT, payments: e.PAYMENTS_PORT, fraud: e.FRAUD_PORT };
  const local = (service: ServiceName) => `http://127.0.0.1:${ports[service]}`;
  const tuning: Tuning = {
    poolSize: e.LEDGER_POOL_SIZE,
    acquireTimeoutMs: e.LEDGER_ACQUIRE_TIMEOUT_MS,
    leakMs: e.LEDGER_LEAK_MS,
    statementMs: e.LEDGER_STATEMENT_MS,
    slowShardStatementMs: e.LEDGER_SLOW_SHARD_STATEMENT_MS,
    historyRows: e.HISTORY_ROWS,
    scoreMs: e.FRAUD_SCORE_MS,
    slowScoreMs: e.FRAUD_SLOW_SCORE_MS,
    callTimeoutMs: e.CALL_TIMEOUT_MS,
  };
  if (tuning.callTimeoutMs <= tuning.slowScoreMs) {
    throw new DemoConfigError(
      'CALL_TIMEOUT_MS must exceed FRAUD_SLOW_SCORE_MS, or a slow fraud turns into failed calls'
    );
  }
  return {
    components: components as Component[],
    host: e.DEMO_HOST,
    ports,
    urls: {
      gateway: e.GATEWAY_URL ?? local('gateway'),
      auth: e.AUTH_URL ?? local('auth'),
      payments: e.PAYMENTS_URL ?? local('payments'),
      fraud: e.FRAUD_URL ?? local('fraud'),
    },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampling: { endpoint: e.SAMPLING_ENDPOINT, pollMs: e.SAMPLING_POLL_MS, initialRate: e.SAMPLING_INITIAL_RATE },
    faults: faultsFrom(e.DEMO_FAULTS),
    tuning,
    load: { checkoutRps: e.LOAD_CHECKOUT_RPS, refundRps: e.LOAD_REFUND_RPS, screeningRps: e.LOAD_SCREENING_RPS },
    logFile: e.DEMO_LOG_FILE,
  };
}

function faultsFrom(list: string | undefined): DemoConfig['faults'] {
  try {
    return parseFaultList(list);
  } catch (err) {
    throw new DemoConfigError(`DEMO_FAULTS: ${(err as Error).message}`);
  }
}
