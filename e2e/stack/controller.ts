/**
 * The sampling controller as a stack component, run from the repository's sources with tsx and configured through
 * its environment (docs/controller.md): a SQLite file in the stack's work directory, the demo's strategies from
 * deploy/, and — when the caller has one — a Grafana (real or simulated) for team look-ups, the app's ownership
 * table and ID tokens; with alerting, the Alertmanager webhook's token and policy file.
 */
import { join } from 'node:path';

import type { ComponentSpec } from './component';
import { REPO_ROOT } from './paths';
import type { StackPorts } from './ports';

export interface ControllerOptions {
  token: string;
  pollIntervalMs: number;
  strategiesFile: string;
  /**
   * Grafana's base URL and a service-account token for its team API and the app's settings (the ownership table);
   * the JWKS is read from the same Grafana.
   */
  grafana?: { url: string; serviceAccountToken: string };
  /** The Alertmanager webhook: its token and the alert policy file. */
  alerts?: { token: string; policyFile: string };
  /** How often goal-bounded spikes are checked (`GOAL_CHECK_MS`; the controller's default is 5 s). */
  goalCheckMs?: number;
}

/** The environment every Node component gets: nothing of the caller's leaks in (a stray DATABASE_URL, say). */
export function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));
}

/** `node --import tsx <entry>`: one process per component (the tsx CLI would add a second). */
export function tsxArgs(entry: string): string[] {
  return ['--import', 'tsx', join(REPO_ROOT, entry)];
}

export function controllerSpec(
  ports: StackPorts,
  workDir: string,
  options: ControllerOptions,
  readyTimeoutMs: number
): ComponentSpec {
  const grafana: Record<string, string> = options.grafana
    ? { GRAFANA_URL: options.grafana.url, GRAFANA_SA_TOKEN: options.grafana.serviceAccountToken }
    : {};
  const alerts: Record<string, string> = options.alerts
    ? { ALERTMANAGER_TOKEN: options.alerts.token, ALERT_POLICY_FILE: options.alerts.policyFile }
    : {};
  const goals: Record<string, string> = options.goalCheckMs ? { GOAL_CHECK_MS: String(options.goalCheckMs) } : {};
  return {
    name: 'controller',
    command: process.execPath,
    args: tsxArgs('src/controller/main.ts'),
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(),
      CONTROLLER_TOKEN: options.token,
      CONTROLLER_HOST: '127.0.0.1',
      CONTROLLER_PORT: String(ports.controller),
      SQLITE_PATH: join(workDir, 'controller.db'),
      STRATEGIES_FILE: options.strategiesFile,
      // Goal-bounded spikes count traces from the stack's span metrics.
      PROMETHEUS_URL: `http://127.0.0.1:${ports.prometheus}`,
      POLL_INTERVAL_HINT_SECONDS: String(Math.max(1, Math.ceil(options.pollIntervalMs / 1000))),
      // One replica: its own changes reach the sampling endpoint at once.
      OVERRIDE_CACHE_MS: '0',
      POLL_FLUSH_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...grafana,
      ...alerts,
      ...goals,
    },
    readyUrl: `http://127.0.0.1:${ports.controller}/readyz`,
    readyTimeoutMs,
  };
}
