/**
 * Test harness: starts the real controller (configured from an environment, as in production) on a loopback port,
 * with an injectable clock, captured JSON logs and a small HTTP client; plus Grafana users as the plugin proxy
 * would present them, and the simulated Grafana process (JWKS, ID-token signing, team API).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { TeamOwnership } from '../../../src/contract';
import type { Clock } from '../../../src/controller/clock';
import { loadConfig } from '../../../src/controller/config';
import { type Controller, createController } from '../../../src/controller/server';

export const TOKEN = 'test-token-0123456789abcdef0123456789';

export class FakeClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export function tempDir(prefix = 'tracingops-controller-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

export interface TestController {
  controller: Controller;
  url: string;
  clock: FakeClock | undefined;
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts a controller; `env` is the environment it would get in production (merged over test defaults). */
export async function startController(
  env: Record<string, string | undefined> = {},
  options: { clock?: FakeClock; dir?: string } = {}
): Promise<TestController> {
  const dir = options.dir ?? tempDir();
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig({
    CONTROLLER_TOKEN: TOKEN,
    CONTROLLER_HOST: '127.0.0.1',
    CONTROLLER_PORT: '0',
    SQLITE_PATH: join(dir, 'controller.db'),
    OVERRIDE_CACHE_MS: '0',
    ...env,
  });
  const controller = await createController(config, {
    clock: options.clock,
    logger: pino({ level: 'info' }, sink),
    defaultMetrics: false,
  });
  const url = await controller.start();
  return { controller, url, clock: options.clock, logs, stop: () => controller.close() };
}

/**
 * Starts the controller as its own Node process (`src/controller/main.ts` through tsx), as a second replica runs
 * in production: what it computes does not share the test's event loop.
 */
export async function spawnController(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', '..', 'src', 'controller', 'main.ts')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        CONTROLLER_TOKEN: TOKEN,
        CONTROLLER_HOST: '127.0.0.1',
        CONTROLLER_PORT: '0',
        SQLITE_PATH: join(tempDir(), 'controller.db'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let listening = false;
    // Read to the end either way: a full pipe would block the child's logging.
    child.stdout?.on('data', (d: Buffer) => {
      if (listening) {
        return;
      }
      out += d.toString();
      const m = /"url":"(http:\/\/[^"]+)".*"msg":"sampling controller listening"/.exec(out);
      if (m) {
        listening = true;
        resolve(m[1]!);
      }
    });
    void exited.then(() => reject(new Error(`controller process exited before listening:\n${out}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface GrafanaUser {
  login: string;
  role: 'None' | 'Viewer' | 'Editor' | 'Admin';
  isGrafanaAdmin?: boolean;
  userId?: number;
}

/** The headers Grafana's app plugin proxy adds for a signed-in user (X-Grafana-Context is json.Marshal(SignedInUser)). */
export function grafanaHeaders(user: GrafanaUser): Record<string, string> {
  return {
    'X-Grafana-Context': JSON.stringify({
      UserID: user.userId ?? 7,
      UserUID: `uid-${user.login}`,
      OrgID: 1,
      OrgName: 'Main Org.',
      OrgRole: user.role,
      Login: user.login,
      Name: user.login,
      Email: `${user.login}@example.com`,
      IsServiceAccount: false,
      IsGrafanaAdmin: user.isGrafanaAdmin ?? false,
      IsAnonymous: false,
      IsDisabled: false,
      Teams: [],
    }),
    'X-Grafana-User': user.login,
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string;
  token?: string | null;
  as?: GrafanaUser;
  headers?: Record<string, string>;
}

// Tests read response bodies field by field; `any` by default keeps them readable, and the schema tests check shapes.
export async function call<T = any>(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  o: CallOptions = {}
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(o.as ? grafanaHeaders(o.as) : {}), ...o.headers };
  if (o.token !== null) {
    headers.Authorization = `Bearer ${o.token ?? TOKEN}`;
  }
  let body: string | undefined;
  if (o.rawBody !== undefined || o.body !== undefined) {
    body = o.rawBody ?? JSON.stringify(o.body);
    headers['Content-Type'] = o.contentType ?? 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. /metrics)
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

export const ADMIN: GrafanaUser = { login: 'root', role: 'Admin', isGrafanaAdmin: true };

export function spike(service: string, extra: Record<string, unknown> = {}) {
  return { service, samplingRate: 0.5, durationSeconds: 600, reason: 'incident INC-1: checkout errors', ...extra };
}

export interface FakeGrafana {
  url: string;
  serviceAccountToken: string;
  sign(claims: {
    login?: string;
    role?: string;
    userId?: number;
    orgId?: number;
    issuer?: string;
    expiresInSeconds?: number;
    type?: string;
  }): Promise<string>;
  teamRequests(): Promise<number>;
  /** How often the controller read the app's settings (the ownership table). */
  settingsRequests(): Promise<number>;
  /** Replaces the ownership table in the app's settings, as an admin saving the settings page would. */
  setOwnership(rows: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts tests/controller/support/fake-grafana.mjs in its own Node process (see there for what it simulates), with
 * the team memberships and the ownership table of the app's settings.
 */
export async function startFakeGrafana(
  teams: Record<string, string[]>,
  ownership: TeamOwnership[] = []
): Promise<FakeGrafana> {
  const serviceAccountToken = 'glsa_test_service_account_token';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(__dirname, 'fake-grafana.mjs'), JSON.stringify({ serviceAccountToken, teams, ownership })],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    }
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`fake Grafana exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    serviceAccountToken,
    async sign(claims) {
      const res = await fetch(`${url}/test/sign`, { method: 'POST', body: JSON.stringify(claims) });
      return ((await res.json()) as { token: string }).token;
    },
    async teamRequests() {
      return ((await (await fetch(`${url}/test/stats`)).json()) as { teamRequests: number }).teamRequests;
    },
    async settingsRequests() {
      return ((await (await fetch(`${url}/test/stats`)).json()) as { settingsRequests: number }).settingsRequests;
    },
    async setOwnership(rows) {
      await fetch(`${url}/test/ownership`, { method: 'PUT', body: JSON.stringify(rows) });
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
