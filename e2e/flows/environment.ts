/**
 * What the flows run against: the simulated Grafana process (JWKS, team and settings API, from the controller's test
 * support), the real controller, Debian's Prometheus, the preview host with the built plugin, and Chromium.
 * Components can be stopped and started again on the same address, so a flow can take one down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  type FakeGrafana,
  TOKEN,
  type TestController,
  grafanaHeaders,
  startController,
  startFakeGrafana,
} from '../../tests/controller/support/harness';
import { bundleHostPage } from '../host/bundle';
import { type HostDataSource, type RunningHost, startHost } from '../host/server';
import { DEMO_USERS, teamMembers } from '../host/users';
import { type Browser, launchBrowser } from './browser';

export const OWNERSHIP = [
  { team: 'payments', services: ['gateway', 'payments-*'] },
  { team: 'identity', services: ['auth'] },
];

export type Component = 'controller' | 'prometheus';

export interface Environment {
  /** The ownership table the app's settings start with. */
  ownership: typeof OWNERSHIP;
  /** The uid of the data source the app reads traces from. */
  tracesDataSourceUid: string;
  /** A data source's name as Grafana (here the host) shows it. */
  dataSourceName(uid: string): string;
  /** Where a flow's screenshot of `name` goes: `$E2E_SCREENSHOTS`, else `$ARTIFACTS/screenshots`, else a temp dir. */
  screenshot(name: string): string;
  /** The controller's bearer token, which the browser must never see. */
  controllerToken: string;
  host: RunningHost;
  browser: Browser;
  grafana: FakeGrafana;
  controllerUrl: string;
  prometheusUrl: string;
  /** The controller's admin API, with its token and as a Grafana org admin (for assertions on what it holds). */
  controllerApi<T>(path: string): Promise<T>;
  stopComponent(name: Component): Promise<void>;
  startComponent(name: Component): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForOk(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startPrometheus(dir: string, port: number, controllerPort: number): ChildProcess {
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: controller\n    static_configs: [{ targets: ['127.0.0.1:${controllerPort}'] }]\n`
  );
  return spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' }
  );
}

export async function startEnvironment(): Promise<Environment> {
  const dir = mkdtempSync(join(tmpdir(), 'tracingops-e2e-'));
  const teams = teamMembers(DEMO_USERS);
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => {});
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const grafana = await startFakeGrafana(teams, OWNERSHIP);
    cleanups.push(() => grafana.stop());

    const controllerPort = await freePort();
    const controllerEnv = {
      CONTROLLER_PORT: String(controllerPort),
      GRAFANA_URL: grafana.url,
      GRAFANA_SA_TOKEN: grafana.serviceAccountToken,
      GRAFANA_REQUIRE_ID_TOKEN: 'true',
      TEAM_CACHE_SECONDS: '0',
    };
    let controller: TestController | undefined = await startController(controllerEnv, { dir });
    cleanups.push(async () => controller?.stop());
    const controllerUrl = controller.url;

    const prometheusPort = await freePort();
    const prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    let prometheus: ChildProcess | undefined = startPrometheus(dir, prometheusPort, controllerPort);
    const stopPrometheus = async () => {
      const child = prometheus;
      prometheus = undefined;
      if (child && child.exitCode === null) {
        await new Promise((done) => {
          child.once('exit', done);
          child.kill('SIGTERM');
        });
      }
    };
    cleanups.push(stopPrometheus);
    await waitForOk(`${prometheusUrl}/-/ready`);

    // What the demo's services do on start: poll the controller for their strategy.
    for (const service of ['gateway', 'payments-api', 'auth']) {
      await fetch(`${controllerUrl}/sampling?service=${service}`);
    }

    const dataSources: HostDataSource[] = [
      { uid: 'prometheus', type: 'prometheus', name: 'Prometheus (span metrics)', url: prometheusUrl },
      { uid: 'tempo', type: 'tempo', name: 'Traces', url: 'http://127.0.0.1:9' },
    ];
    const screenshots =
      process.env.E2E_SCREENSHOTS ??
      (process.env.ARTIFACTS ? join(process.env.ARTIFACTS, 'screenshots') : join(dir, 'shots'));
    mkdirSync(screenshots, { recursive: true });
    const host = await startHost({
      bundle: await bundleHostPage(),
      dataSources,
      jsonData: {
        tempoDatasourceUid: 'tempo',
        prometheusDatasourceUid: 'prometheus',
        controllerUrl,
        ownership: OWNERSHIP,
      },
      secureJsonData: { controllerToken: TOKEN },
      users: DEMO_USERS,
      teams: Object.keys(teams),
      signIdToken: (user) => grafana.sign({ login: user.login, role: user.role, userId: user.userId }),
      onSave: (jsonData) => grafana.setOwnership(jsonData.ownership ?? []),
    });
    cleanups.push(() => host.close());

    const browser = await launchBrowser(host.url);
    cleanups.push(() => browser.close());

    return {
      ownership: OWNERSHIP,
      tracesDataSourceUid: 'tempo',
      dataSourceName: (uid) => dataSources.find((d) => d.uid === uid)?.name ?? uid,
      screenshot: (name) => join(screenshots, `${name}.png`),
      controllerToken: TOKEN,
      host,
      browser,
      grafana,
      controllerUrl,
      prometheusUrl,
      async controllerApi<T>(path: string) {
        const response = await fetch(`${controllerUrl}/api/v1${path}`, {
          headers: {
            ...grafanaHeaders({ login: 'root', role: 'Admin', userId: 14 }),
            Authorization: `Bearer ${TOKEN}`,
            'X-Grafana-Id': await grafana.sign({ login: 'root', role: 'Admin', userId: 14 }),
          },
        });
        if (!response.ok) {
          throw new Error(`controller ${path}: HTTP ${response.status} ${await response.text()}`);
        }
        return (await response.json()) as T;
      },
      async stopComponent(name) {
        if (name === 'controller') {
          await controller?.stop();
          controller = undefined;
        } else {
          await stopPrometheus();
        }
      },
      async startComponent(name) {
        if (name === 'controller') {
          controller ??= await startController(controllerEnv, { dir });
        } else if (!prometheus) {
          prometheus = startPrometheus(dir, prometheusPort, controllerPort);
          await waitForOk(`${prometheusUrl}/-/ready`);
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
