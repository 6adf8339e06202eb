/**
 * Sampling-endpoint throughput: the controller with 1,000 known services and 100 active overrides, under autocannon
 * on loopback, next to a bare `node:http` server returning a fixed body of the same size, in the same run.
 * Both servers run in their own Node process (the load generator runs here), so they are measured the same way,
 * and in alternating rounds (median reported), because the shared machine's load drifts during a run.
 * Run with `npm run bench` (or `npx tsx bench/controller.bench.ts`); prints req/s, p99 and the ratio.
 */
import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TOKEN = 'bench-token-0123456789abcdef0123456789';
const SERVICES = 1000;
const OVERRIDES = 100;
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const CONNECTIONS = 32;

const service = (i: number) => `service-${String(i).padStart(4, '0')}`;

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        resolve(m[1] ?? m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

async function startController(): Promise<{ url: string; child: ChildProcess }> {
  const dir = mkdtempSync(join(tmpdir(), 'tracingops-bench-'));
  const strategies = join(dir, 'strategies.json');
  writeFileSync(
    strategies,
    JSON.stringify({
      default_strategy: {
        type: 'probabilistic',
        param: 0.01,
        operation_strategies: [{ operation: '/health', type: 'probabilistic', param: 0 }],
      },
      service_strategies: Array.from({ length: 100 }, (_, i) => ({
        service: service(i * 10),
        type: 'probabilistic',
        param: 0.05,
      })),
    })
  );
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/controller/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      CONTROLLER_TOKEN: TOKEN,
      CONTROLLER_HOST: '127.0.0.1',
      CONTROLLER_PORT: '0',
      SQLITE_PATH: join(dir, 'controller.db'),
      STRATEGIES_FILE: strategies,
      MAX_ACTIVE_OVERRIDES: String(OVERRIDES),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await waitForLine(child, /"url":"(http:\/\/[^"]+)"/);
  for (let i = 0; i < SERVICES; i++) {
    await fetch(`${url}/sampling?service=${service(i)}`);
  }
  const admin = JSON.stringify({ UserID: 1, OrgID: 1, OrgRole: 'Admin', Login: 'bench', IsGrafanaAdmin: true });
  for (let i = 0; i < OVERRIDES; i++) {
    const res = await fetch(`${url}/api/v1/overrides`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'X-Grafana-Context': admin },
      body: JSON.stringify({
        service: service(i * 7),
        ...(i % 4 === 0 ? { operation: 'POST /charge' } : {}),
        samplingRate: 0.5,
        durationSeconds: 3600,
        reason: 'benchmark',
      }),
    });
    if (res.status !== 201) {
      throw new Error(`could not create override: ${res.status} ${await res.text()}`);
    }
  }
  return { url, child };
}

async function startBareServer(body: string): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const http = require('node:http');
    const body = ${JSON.stringify(body)};
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log('LISTENING http://127.0.0.1:' + server.address().port));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { url: await waitForLine(child, /LISTENING (\S+)/), child };
}

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
}

async function load(url: string): Promise<Figures> {
  const requests = Array.from({ length: SERVICES }, (_, i) => ({
    method: 'GET' as const,
    path: `/sampling?service=${service((i * 37) % SERVICES)}`,
  }));
  // Warm-up (JIT, caches), not measured.
  await autocannon({ url, connections: CONNECTIONS, duration: 2, requests });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS, requests });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const controller = await startController();
  const sample = await (await fetch(`${controller.url}/sampling?service=${service(7)}`)).text();
  const bare = await startBareServer(sample);
  const runs: { controller: Figures[]; bare: Figures[] } = { controller: [], bare: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      runs.controller.push(await load(controller.url));
      runs.bare.push(await load(bare.url));
    }
  } finally {
    controller.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
  }
  const summary = (f: Figures[]): Figures => ({
    requestsPerSecond: median(f.map((x) => x.requestsPerSecond)),
    p99Ms: median(f.map((x) => x.p99Ms)),
    errors: f.reduce((n, x) => n + x.errors, 0),
  });
  const c = summary(runs.controller);
  const b = summary(runs.bare);
  const row = (name: string, f: Figures) =>
    `| ${name} | ${Math.round(f.requestsPerSecond).toLocaleString('en-US')} | ${f.p99Ms} ms | ${f.errors} |`;
  console.log(
    `sampling endpoint, ${SERVICES} known services, ${OVERRIDES} active overrides, ${CONNECTIONS} connections, ` +
      `median of ${ROUNDS} alternating ${DURATION_SECONDS} s rounds, Node ${process.version}`
  );
  console.log('| server | req/s | p99 | errors |');
  console.log('|---|---|---|---|');
  console.log(row('controller `/sampling`', c));
  console.log(row('bare node:http, fixed body', b));
  console.log(
    `controller / bare: ${(c.requestsPerSecond / b.requestsPerSecond).toFixed(2)} of the throughput, p99 ${(c.p99Ms / Math.max(b.p99Ms, 1)).toFixed(1)}×`
  );
  if (c.errors > 0) {
    throw new Error(`${c.errors} controller requests failed`);
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
