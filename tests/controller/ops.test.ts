/**
 * Running the controller: configuration validated at start-up, health and readiness, Prometheus metrics,
 * the OpenAPI document matching the checked-in one, and graceful shutdown (in-flight requests finish, polls are
 * flushed, the process exits cleanly on SIGTERM).
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/controller/config';
import { eventually } from '../../e2e/stack/backends';
import { ADMIN, TOKEN, call, grafanaHeaders, spike, startController, tempDir, writeJson } from './support/harness';

const ROOT = join(__dirname, '..', '..');

describe('configuration', () => {
  it('lists every bad variable at once, with what to do', () => {
    let error: unknown;
    try {
      loadConfig({
        CONTROLLER_TOKEN: 'short',
        CONTROLLER_PORT: '70000',
        MAX_SAMPLING_RATE: '2',
        DATABASE_URL: 'mysql://x',
        GRAFANA_URL: 'http://g',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'CONTROLLER_PORT: Too big: expected number to be <=65535',
      'CONTROLLER_TOKEN: must be at least 32 characters (generate one with `openssl rand -hex 32`)',
      'DATABASE_URL: must be a postgres:// or postgresql:// URL',
      'MAX_SAMPLING_RATE: Too big: expected number to be <=1',
      'GRAFANA_SA_TOKEN: GRAFANA_URL and GRAFANA_SA_TOKEN must be set together (team and ownership look-ups need both)',
    ]);
  });

  it('requires the token and checks that related settings agree', () => {
    expect(() => loadConfig({})).toThrow(/CONTROLLER_TOKEN: is required/);
    expect(() => loadConfig({ CONTROLLER_TOKEN: TOKEN, GRAFANA_URL: 'http://grafana:3000' })).toThrow(
      /GRAFANA_URL and GRAFANA_SA_TOKEN must be set together/
    );
    expect(() =>
      loadConfig({ CONTROLLER_TOKEN: TOKEN, DEFAULT_DURATION_SECONDS: '7200', MAX_DURATION_SECONDS: '3600' })
    ).toThrow(/DEFAULT_DURATION_SECONDS: must not exceed MAX_DURATION_SECONDS \(3600\)/);
  });

  it('derives the ID-token settings from GRAFANA_URL as Grafana sets them', () => {
    const config = loadConfig({
      CONTROLLER_TOKEN: TOKEN,
      GRAFANA_URL: 'https://grafana.example.com/',
      GRAFANA_SA_TOKEN: 'glsa_x',
    });
    expect(config.idToken).toEqual({
      jwksUrl: 'https://grafana.example.com/api/signing-keys/keys',
      issuer: 'https://grafana.example.com/',
      audience: 'org:1',
      required: false,
    });
    expect(config.storage).toEqual({ kind: 'sqlite', path: 'tracingops-controller.db' });
  });
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    const c = await startController();
    try {
      expect((await call(c.url, 'GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
      const ready = await call(c.url, 'GET', '/readyz', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ready',
        checks: { storage: { ok: true, kind: 'sqlite' }, strategies: { ok: true } },
      });
    } finally {
      await c.stop();
    }
  });

  it('is ready again when a reloaded file is deleted and restored with the same content, and logs it', async () => {
    const dir = tempDir();
    const files = {
      strategies: writeJson(dir, 'strategies.json', { default_strategy: { type: 'probabilistic', param: 0.1 } }),
      alertPolicies: writeJson(dir, 'policies.yaml', 'policies: []\n'),
    };
    const c = await startController(
      {
        STRATEGIES_FILE: files.strategies,
        STRATEGIES_RELOAD_MS: '100',
        ALERTMANAGER_TOKEN: 'alertmanager-token-9876543210fedcba9876543210',
        ALERT_POLICY_FILE: files.alertPolicies,
        ALERT_POLICY_RELOAD_MS: '100',
      },
      { dir }
    );
    const readinessBecomes = (status: string) =>
      eventually(
        `readiness ${status}`,
        async () => {
          const r = (await call(c.url, 'GET', '/readyz', { token: null })).body;
          return r.status === status ? r : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50 }
      );
    try {
      for (const [check, file] of Object.entries(files)) {
        const text = readFileSync(file, 'utf8');
        rmSync(file);
        const degraded = await readinessBecomes('degraded');
        expect(degraded.checks[check].error).toMatch(/cannot read .*ENOENT/);

        writeFileSync(file, text);
        const ready = await readinessBecomes('ready');
        expect(ready.checks[check]).toEqual({ ok: true, file, loadedAt: degraded.checks[check].loadedAt });
        expect(c.logs).toContainEqual(
          expect.objectContaining({ level: 30, file, previousError: expect.stringMatching(/ENOENT/) })
        );
      }
    } finally {
      await c.stop();
    }
  }, 30_000);

  it('exports polls by service, active overrides, API latency and denials to Prometheus', async () => {
    const c = await startController();
    try {
      await call(c.url, 'GET', '/sampling?service=checkout', { token: null });
      await call(c.url, 'GET', '/sampling?service=checkout', { token: null });
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') });
      await call(c.url, 'GET', '/api/v1/overrides', { token: 'wrong' });
      await call(c.url, 'POST', '/api/v1/overrides', { as: { login: 'v', role: 'Viewer' }, body: spike('checkout') });
      const text = (await call(c.url, 'GET', '/metrics', { token: null })).text;
      expect(text).toContain('tracingops_sampling_polls_total{service="checkout"} 2');
      expect(text).toContain('tracingops_active_overrides 1');
      expect(text).toContain('tracingops_denials_total{reason="unauthorized"} 1');
      expect(text).toContain('tracingops_denials_total{reason="forbidden"} 1');
      expect(text).toMatch(
        /tracingops_http_request_duration_seconds_count\{route="\/sampling",method="GET",status_code="200"\} 2/
      );
    } finally {
      await c.stop();
    }
  });

  it('serves the same OpenAPI document as docs/openapi/controller.json', async () => {
    const c = await startController();
    try {
      const served = (await call(c.url, 'GET', '/api/v1/openapi.json', { token: null })).body;
      const checkedIn = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi', 'controller.json'), 'utf8'));
      // If this fails after a contract change: npx tsx src/controller/openapi.ts > docs/openapi/controller.json
      expect(checkedIn).toEqual(served);
    } finally {
      await c.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight request finish, flushes poll counts and keeps the data for the next start', async () => {
    const dir = tempDir();
    const first = await startController({ POLL_FLUSH_MS: '3600000' }, { dir });
    await call(first.url, 'GET', '/sampling?service=checkout', { token: null });

    // A write whose body is still arriving when shutdown begins.
    const body = JSON.stringify(spike('checkout'));
    const { port } = new URL(first.url);
    const headersReceived = new Promise((resolve) => first.controller.app.server.once('request', resolve));
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/v1/overrides',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Authorization: `Bearer ${TOKEN}`,
        ...grafanaHeaders(ADMIN),
      },
    });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 10));
    await headersReceived;
    const closing = first.stop();
    req.end(body.slice(10));
    expect(await status).toBe(201);
    await closing;
    await expect(fetch(`${first.url}/healthz`)).rejects.toThrow();

    const second = await startController({}, { dir });
    try {
      expect((await call(second.url, 'GET', '/api/v1/overrides')).body.overrides).toHaveLength(1);
      expect((await call(second.url, 'GET', '/api/v1/services')).body.services).toEqual([
        expect.objectContaining({ name: 'checkout', pollCount: 1 }),
      ]);
    } finally {
      await second.stop();
    }
  });

  it('exits cleanly on SIGTERM when run as a process, and refuses to start with bad configuration', async () => {
    const main = join(ROOT, 'src', 'controller', 'main.ts');
    const run = (env: Record<string, string>, onStarted?: (pid: number) => void) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', main], {
          env: { PATH: process.env.PATH ?? '', ...env },
          cwd: ROOT,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (onStarted && stdout.includes('sampling controller listening')) {
            onStarted(child.pid as number);
          }
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });

    const bad = await run({ CONTROLLER_TOKEN: 'short' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Invalid controller configuration:\n  - CONTROLLER_TOKEN: must be at least 32 characters'
    );

    const good = await run(
      {
        CONTROLLER_TOKEN: TOKEN,
        CONTROLLER_HOST: '127.0.0.1',
        CONTROLLER_PORT: '0',
        SQLITE_PATH: join(tempDir(), 'c.db'),
      },
      (pid) => process.kill(pid, 'SIGTERM')
    );
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('"msg":"sampling controller stopped"');
  }, 30_000);
});
