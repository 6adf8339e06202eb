/**
 * Starts the real stack for end-to-end tests and `npm run stack`: Jaeger v2, Prometheus, the sampling controller, the
 * JS demo services and the Go fraud service — and, when asked, Alertmanager between Prometheus' alert rules and the
 * controller's webhook — as child processes on loopback ports (free ones unless given), each waited for until it
 * serves. Every process is stopped by `stop()`, when the start fails half-way, when the parent
 * gets SIGINT/SIGTERM or exits, and — by a watchdog (reaper.ts) — even when the parent is SIGKILLed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FAULTS, type FaultName, type ServiceName } from '../../demo/faults';
import { type StackAlerting, alertmanagerSpec } from './alertmanager';
import { Component, type ComponentSpec } from './component';
import { controllerSpec } from './controller';
import { buildGoFraud, faultSwitches, goFraudSpec, jsDemoSpec } from './demo';
import { jaegerBinary, jaegerSpec } from './jaeger';
import { REPO_ROOT } from './paths';
import { type PortOverrides, type StackPorts, pickPorts } from './ports';
import { type SpanMetricsNames, prometheusSpec } from './prometheus';
import { Reaper } from './reaper';

export interface StackOptions {
  ports?: PortOverrides;
  /** Faults on from the start (demo/README.md). */
  faults?: FaultName[];
  /** Run the demo's load generator: `true` = 4 checkouts/s and 1 refund/s. */
  load?: boolean | { rps: number };
  /** How often the samplers poll the controller (default 2000 ms). */
  pollIntervalMs?: number;
  /** Prometheus' scrape interval (default 2 s). */
  scrapeIntervalSeconds?: number;
  /** The controller's bearer token (default: random). */
  controllerToken?: string;
  /** A Grafana (or the host shell's simulation of it) serving the team API and the ID-token JWKS. */
  grafanaUrl?: string;
  /** The service-account token the controller sends to `grafanaUrl`'s team API (required with it). */
  grafanaServiceAccountToken?: string;
  /** Base sampling strategies (default deploy/strategies.json: 10 % everywhere). */
  strategiesFile?: string;
  /** Where the components' logs go (default: `logs/` in a fresh temp directory). */
  logDir?: string;
  /** How long each component may take to become ready (default 90 s; a loaded 2-core machine is slow). */
  readyTimeoutMs?: number;
  /**
   * Runs Alertmanager: Prometheus evaluates `rules` and sends its alerts there, Alertmanager posts them to the
   * controller's webhook (with a random token), and the controller maps them to spikes with `policies`.
   */
  alerting?: StackAlerting;
  /** How often the controller checks goal-bounded spikes (`GOAL_CHECK_MS`; default: the controller's 5 s). */
  goalCheckMs?: number;
  /** The span-metrics flavour's names Prometheus stores (default: the connector's own; see prometheus.ts). */
  spanMetricsNames?: SpanMetricsNames;
}

export type ComponentName = 'jaeger' | 'prometheus' | 'alertmanager' | 'controller' | 'fraud-go' | 'demo-js';

export interface StackUrls {
  /** Jaeger's query API: `/api/v3/traces`, `/api/traces`, `/api/services`. */
  jaegerQuery: string;
  /** OTLP/HTTP receiver (POST `/v1/traces`). */
  jaegerOtlpHttp: string;
  /** The spanmetrics connector's Prometheus exporter (`/metrics`). */
  jaegerMetrics: string;
  prometheus: string;
  /** The controller's base URL: admin API under `/api/v1`, `/metrics`, `/readyz`. */
  controller: string;
  /** The sampling endpoint the samplers poll (`?service=NAME`). */
  sampling: string;
  /** Alertmanager's API (`/api/v2/alerts`), when the stack runs it. */
  alertmanager?: string;
  /** Every demo service; `fraud` is the Go service. */
  demo: Record<ServiceName, string>;
  /** The Go service (the same as `demo.fraud`). */
  goService: string;
}

export interface RunningStack {
  readonly urls: StackUrls;
  readonly ports: StackPorts;
  readonly controllerToken: string;
  readonly pollIntervalMs: number;
  readonly scrapeIntervalSeconds: number;
  /** The components' logs, `<component>.log`. */
  readonly logDir: string;
  /** Stops every process (idempotent) and removes the data directories; the logs stay. */
  stop(): Promise<void>;
  /**
   * Stops one component, to see how the rest copes; `startComponent` brings it back on the same port. Alertmanager
   * is one only in a stack started with `alerting`.
   */
  stopComponent(name: ComponentName): Promise<void>;
  startComponent(name: ComponentName): Promise<void>;
  /** Switches the demo's faults: the listed ones on, every other off. */
  setFaults(faults: readonly FaultName[]): Promise<void>;
}

const DEFAULT_POLL_MS = 2000;
const DEFAULT_READY_TIMEOUT_MS = 90_000;
/** Backends first, so the services' first sampler poll and first export find them. */
const START_WAVES: ReadonlyArray<readonly ComponentName[]> = [
  ['jaeger', 'controller', 'prometheus', 'alertmanager'],
  ['fraud-go', 'demo-js'],
];

const live = new Set<StackHandle>();

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const scrapeIntervalSeconds = options.scrapeIntervalSeconds ?? 2;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const controllerToken = options.controllerToken ?? randomBytes(24).toString('hex');
  if ((options.grafanaUrl === undefined) !== (options.grafanaServiceAccountToken === undefined)) {
    throw new Error('startStack: grafanaUrl and grafanaServiceAccountToken go together');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'tracingops-stack-'));
  const logDir = options.logDir ?? join(workDir, 'logs');
  const dataDir = join(workDir, 'data');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });

  // The two builds are the slow part of a cold start; they run side by side.
  const [jaeger, goFraud, ports] = await Promise.all([jaegerBinary(), buildGoFraud(), pickPorts(options.ports)]);
  const faults = options.faults ?? [];
  const load = options.load === true ? { rps: 4 } : options.load || undefined;
  const demoSettings = { pollIntervalMs, faults, load };
  const reaper = new Reaper();
  const alerting = options.alerting && alertmanagerSpec(ports, dataDir, options.alerting, readyTimeoutMs);
  const specs: Partial<Record<ComponentName, ComponentSpec>> = {
    jaeger: jaegerSpec(jaeger, ports, join(dataDir, 'jaeger'), readyTimeoutMs),
    prometheus: prometheusSpec(
      ports,
      dataDir,
      scrapeIntervalSeconds,
      readyTimeoutMs,
      alerting && { rulesFile: alerting.files.rulesFile, alertmanagerPort: ports.alertmanager },
      options.spanMetricsNames
    ),
    ...(alerting ? { alertmanager: alerting.spec } : {}),
    controller: controllerSpec(
      ports,
      dataDir,
      {
        token: controllerToken,
        pollIntervalMs,
        strategiesFile: options.strategiesFile ?? join(REPO_ROOT, 'deploy', 'strategies.json'),
        grafana: options.grafanaUrl
          ? { url: options.grafanaUrl, serviceAccountToken: options.grafanaServiceAccountToken! }
          : undefined,
        alerts: alerting && { token: alerting.files.token, policyFile: alerting.files.policyFile },
        goalCheckMs: options.goalCheckMs,
      },
      readyTimeoutMs
    ),
    'fraud-go': goFraudSpec(goFraud, ports, demoSettings, readyTimeoutMs),
    'demo-js': jsDemoSpec(ports, demoSettings, readyTimeoutMs),
  };
  const components = new Map(
    Object.entries(specs).map(([name, spec]) => [name as ComponentName, new Component(spec, logDir, reaper)])
  );
  const component = (name: ComponentName): Component => {
    const found = components.get(name);
    if (!found) {
      throw new Error(`${name} is not part of this stack (Alertmanager runs only with the \`alerting\` option)`);
    }
    return found;
  };

  const handle = new StackHandle(components, reaper, dataDir);
  live.add(handle);
  installExitHooks();
  try {
    for (const wave of START_WAVES) {
      // Settle the whole wave before stopping anything, so no component is left half-started.
      const results = await Promise.allSettled(wave.flatMap((name) => components.get(name)?.start() ?? []));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) {
        throw failure.reason;
      }
    }
  } catch (err) {
    await handle.stop();
    throw err;
  }

  const url = (port: number) => `http://127.0.0.1:${port}`;
  const demo: Record<ServiceName, string> = {
    gateway: url(ports.demo.gateway),
    auth: url(ports.demo.auth),
    payments: url(ports.demo.payments),
    fraud: url(ports.demo.fraud),
  };
  return {
    urls: {
      jaegerQuery: url(ports.jaegerQueryHttp),
      jaegerOtlpHttp: url(ports.jaegerOtlpHttp),
      jaegerMetrics: `${url(ports.jaegerSpanMetrics)}/metrics`,
      prometheus: url(ports.prometheus),
      controller: url(ports.controller),
      sampling: `${url(ports.controller)}/sampling`,
      ...(alerting ? { alertmanager: url(ports.alertmanager) } : {}),
      demo,
      goService: demo.fraud,
    },
    ports,
    controllerToken,
    pollIntervalMs,
    scrapeIntervalSeconds,
    logDir,
    stop: () => handle.stop(),
    stopComponent: async (name) => component(name).stop(),
    startComponent: async (name) => component(name).start(),
    async setFaults(on) {
      const owners = [...new Set(Object.values(FAULTS))];
      await Promise.all(
        owners.map(async (service) => {
          const res = await fetch(`${demo[service]}/faults`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(faultSwitches(service, on)),
          });
          if (!res.ok) {
            throw new Error(
              `setFaults: ${service} (${demo[service]}/faults) answered ${res.status}: ${await res.text()}`
            );
          }
        })
      );
    },
  };
}

class StackHandle {
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly components: ReadonlyMap<ComponentName, Component>,
    private readonly reaper: Reaper,
    private readonly dataDir: string
  ) {}

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // Services first, so their last spans and polls still find the backends.
      for (const wave of [...START_WAVES].reverse()) {
        await Promise.all(wave.flatMap((name) => this.components.get(name)?.stop() ?? []));
      }
      this.reaper.dismiss();
      live.delete(this);
      rmSync(this.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  killNow(): void {
    this.components.forEach((c) => c.killNow());
  }
}

let hooksInstalled = false;

/** Ctrl-C or a SIGTERM stops every live stack, then lets the signal do what it would have done. */
function installExitHooks(): void {
  if (hooksInstalled) {
    return;
  }
  hooksInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      process.removeListener(signal, onSignal);
      void Promise.allSettled([...live].map((s) => s.stop())).then(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }
  process.on('exit', () => live.forEach((s) => s.killNow()));
}
