/**
 * The demo as stack components: the JS services (gateway, auth, payments, and the load generator when asked) in one
 * process from demo/main.ts, and fraud as the Go service of demo/go/fraud, which payments calls. All of them export
 * OTLP/HTTP to Jaeger and poll the controller with the real Jaeger remote samplers (JS and Go).
 */
import { join } from 'node:path';

import { FAULTS, type FaultName, type ServiceName } from '../../demo/faults';
import type { ComponentSpec } from './component';
import { baseEnv, tsxArgs } from './controller';
import { buildGoProgram } from './goProgram';
import { REPO_ROOT } from './paths';
import type { StackPorts } from './ports';

const GO_FRAUD_SOURCE = join(REPO_ROOT, 'demo', 'go', 'fraud');

/** The JS services this stack runs; fraud is the Go one. */
const JS_SERVICES = ['gateway', 'auth', 'payments'] as const satisfies readonly ServiceName[];

export interface DemoSettings {
  pollIntervalMs: number;
  faults: readonly FaultName[];
  /** Checkouts per second through the gateway; refunds to payments and screenings to fraud at a quarter of it. */
  load?: { rps: number };
}

export function buildGoFraud(): Promise<string> {
  return buildGoProgram(GO_FRAUD_SOURCE, 'demo-fraud');
}

const url = (port: number) => `http://127.0.0.1:${port}`;

function telemetryEnv(ports: StackPorts, settings: DemoSettings): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: url(ports.jaegerOtlpHttp),
    SAMPLING_ENDPOINT: url(ports.controller),
    SAMPLING_POLL_MS: String(settings.pollIntervalMs),
    // Both SDKs read it: spans reach Jaeger about a second after they end, not five.
    OTEL_BSP_SCHEDULE_DELAY: '500',
    DEMO_FAULTS: settings.faults.join(','),
  };
}

export function goFraudSpec(
  binary: string,
  ports: StackPorts,
  settings: DemoSettings,
  readyTimeoutMs: number
): ComponentSpec {
  return {
    name: 'fraud-go',
    command: binary,
    args: [],
    env: {
      ...baseEnv(),
      ...telemetryEnv(ports, settings),
      DEMO_HOST: '127.0.0.1',
      FRAUD_PORT: String(ports.demo.fraud),
    },
    readyUrl: `${url(ports.demo.fraud)}/healthz`,
    readyTimeoutMs,
  };
}

export function jsDemoSpec(ports: StackPorts, settings: DemoSettings, readyTimeoutMs: number): ComponentSpec {
  const load: Record<string, string> = settings.load
    ? {
        LOAD_CHECKOUT_RPS: String(settings.load.rps),
        LOAD_REFUND_RPS: String(settings.load.rps / 4),
        LOAD_SCREENING_RPS: String(settings.load.rps / 4),
      }
    : {};
  return {
    name: 'demo-js',
    command: process.execPath,
    args: tsxArgs('demo/main.ts'),
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(),
      ...telemetryEnv(ports, settings),
      ...load,
      DEMO_SERVICES: [...JS_SERVICES, ...(settings.load ? ['load'] : [])].join(','),
      DEMO_HOST: '127.0.0.1',
      GATEWAY_PORT: String(ports.demo.gateway),
      AUTH_PORT: String(ports.demo.auth),
      PAYMENTS_PORT: String(ports.demo.payments),
      FRAUD_PORT: String(ports.demo.fraud),
      FRAUD_URL: url(ports.demo.fraud),
    },
    // The gateway starts last (demo/stack.ts), so its health means all three serve.
    readyUrl: `${url(ports.demo.gateway)}/healthz`,
    readyTimeoutMs,
  };
}

/** The body of `POST /faults` for one service: each fault it owns, on iff listed. */
export function faultSwitches(service: ServiceName, on: readonly FaultName[]): Partial<Record<FaultName, boolean>> {
  return Object.fromEntries(
    (Object.keys(FAULTS) as FaultName[]).filter((f) => FAULTS[f] === service).map((f) => [f, on.includes(f)])
  );
}
