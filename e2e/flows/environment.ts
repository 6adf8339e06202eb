/**
 * What the flows run against: the real stack with the preview host in front of it (e2e/hostedStack.ts) and
 * Chromium, plus readers of what the backends hold. Components can be stopped and started again on the same
 * address, so a flow can take one down.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { grafanaHeaders } from '../../tests/controller/support/harness';
import { DATA_SOURCES, DEMO_OWNERSHIP, type HostedStack, startHostedStack } from '../hostedStack';
import type { RunningHost } from '../host/server';
import type { ComponentName, RunningStack } from '../stack';
import { type Browser, launchBrowser } from './browser';

export interface Environment {
  stack: RunningStack;
  host: RunningHost;
  browser: Browser;
  /** The ownership table the app's settings hold. */
  ownership: typeof DEMO_OWNERSHIP;
  /** The uid of the data source the app reads traces from. */
  tracesDataSourceUid: string;
  /** A data source's name as Grafana (here the host) shows it. */
  dataSourceName(uid: string): string;
  /** The controller's bearer token, which the browser must never see. */
  controllerToken: string;
  /** Where a flow's screenshot of `name` goes: `$E2E_SCREENSHOTS`, else `$ARTIFACTS/screenshots`, else a temp dir. */
  screenshot(name: string): string;
  /** A measured figure worth keeping (spike latency), printed at the end and written next to the screenshots. */
  report(line: string): void;
  /** The controller's admin API, with its token and as the org admin (for assertions on what it holds). */
  controllerApi<T>(path: string): Promise<T>;
  stopComponent(name: ComponentName): Promise<void>;
  startComponent(name: ComponentName): Promise<void>;
  stop(): Promise<void>;
}

const ADMIN = { login: 'root', role: 'Admin', userId: 14 } as const;

export async function startEnvironment(): Promise<Environment> {
  const screenshots =
    process.env.E2E_SCREENSHOTS ??
    (process.env.ARTIFACTS
      ? join(process.env.ARTIFACTS, 'screenshots')
      : mkdtempSync(join(tmpdir(), 'tracingops-screenshots-')));
  mkdirSync(screenshots, { recursive: true });
  const reports: string[] = [];
  const hosted: HostedStack = await startHostedStack({ stack: { load: false } });
  let browser: Browser;
  try {
    browser = await launchBrowser(hosted.host.url);
  } catch (error) {
    await hosted.stop();
    throw error;
  }
  const { stack, grafana, host } = hosted;
  return {
    stack,
    host,
    browser,
    ownership: DEMO_OWNERSHIP,
    tracesDataSourceUid: DATA_SOURCES.traces.uid,
    dataSourceName: (uid) => hosted.dataSources.find((d) => d.uid === uid)?.name ?? uid,
    controllerToken: stack.controllerToken,
    screenshot: (name) => join(screenshots, `${name}.png`),
    report: (line) => reports.push(line),
    async controllerApi<T>(path: string) {
      const response = await fetch(`${stack.urls.controller}/api/v1${path}`, {
        headers: {
          ...grafanaHeaders(ADMIN),
          Authorization: `Bearer ${stack.controllerToken}`,
          'X-Grafana-Id': await grafana.sign(ADMIN),
        },
      });
      if (!response.ok) {
        throw new Error(`controller ${path}: HTTP ${response.status} ${await response.text()}`);
      }
      return (await response.json()) as T;
    },
    stopComponent: (name) => stack.stopComponent(name),
    startComponent: (name) => stack.startComponent(name),
    async stop() {
      if (reports.length) {
        process.stdout.write(`${reports.join('\n')}\n`);
        writeFileSync(join(screenshots, 'measurements.txt'), `${reports.join('\n')}\n`);
      }
      await browser.close().catch(() => {});
      await hosted.stop();
    },
  };
}
