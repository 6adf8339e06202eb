/**
 * Sampling-endpoint throughput and latency: the controller with 1,000 known services and 100 active overrides, on
 * loopback, next to a bare `node:http` server returning a fixed body of the same size, in the same run, and — when
 * a Jaeger v2 binary is available (`scripts/build-jaeger.sh`) — Jaeger's own remote-sampling endpoint on the same
 * strategies file, with its default `Connection: close` and with keep-alive. Every server runs in its own process,
 * each is warmed up, then all are loaded in alternating rounds, because the shared machine's load drifts during a
 * run; every figure is the median over the rounds with its spread. Two loads, both over 50 connections:
 * - closed loop (autocannon, in this process): each connection sends its next request when the last is answered,
 *   as fast as the server goes; throughput and CPU per request;
 * - open loop (vegeta, `scripts/build-vegeta.sh`): a fixed rate, whether or not earlier requests were answered;
 *   the latency a sampler sees at that load. A closed-loop p99 at saturation is 50 / throughput by Little's law
 *   plus jitter, a throughput figure in disguise, and a generator that waits hides the queue (coordinated omission).
 * Run with `npm run bench` (or `npx tsx bench/controller.bench.ts`). `BENCH_SECONDS` sets the round length,
 * `BENCH_RATE` the open-loop rate, `BENCH_JAEGER=0` skips Jaeger.
 */
import autocannon from 'autocannon';
import { buildSync } from 'esbuild';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { throwAwayJaegerConfig } from '../e2e/stack/jaegerConfig';
import { formatSpread, machineLoad, spread } from './stats';

const ROOT = join(__dirname, '..');
const TOKEN = 'bench-token-0123456789abcdef0123456789';
const SERVICES = 1000;
const OVERRIDES = 100;
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = 2;
const ROUNDS = 7;
const CONNECTIONS = 50;
/**
 * Requests per second of the open-loop load. jaegerremote samplers poll once a minute by default, so 5,000 req/s is
 * some 300,000 sampler processes, and about a third of what one core of this machine serves at saturation.
 */
const OPEN_LOOP_RATE = Number(process.env.BENCH_RATE ?? 5000);

const service = (i: number) => `service-${String(i).padStart(4, '0')}`;

/**
 * With two or more cores and `taskset`, every server runs on the last core and this process — the load generator —
 * on the others (`BENCH_PIN=0` switches that off). Unpinned, autocannon and the server under test compete for the
 * same cores, and at 50 connections the p99 measures that queue rather than the server: each server sees its own
 * core's queue of at most 50 requests (~50 µs each), whatever the load generator costs.
 */
const SERVER_CORE = cpus().length - 1;
const PINNED =
  process.env.BENCH_PIN !== '0' &&
  SERVER_CORE >= 1 &&
  spawnSync('taskset', ['-a', '-p', '-c', `0-${SERVER_CORE - 1}`, String(process.pid)]).status === 0;

/** `command args` run on the servers' core when pinned. */
function onServerCore(command: string, args: readonly string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', String(SERVER_CORE), command, ...args]] : [command, [...args]];
}

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

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

const dir = mkdtempSync(join(tmpdir(), 'tracingops-bench-'));
const strategies = join(dir, 'strategies.json');

/**
 * The controller as it ships, compiled to plain JavaScript (`npm run build:controller` uses tsc; esbuild here, which
 * takes a second): run through tsx, every call between our modules would go through a CommonJS export getter. Written
 * under the repository's node_modules so that its dependencies resolve as they do for the built controller.
 */
function controllerBundle(): string {
  const out = join(ROOT, 'node_modules', '.cache', 'tracingops-bench', 'controller.cjs');
  buildSync({
    entryPoints: [join(ROOT, 'src/controller/main.ts')],
    outfile: out,
    bundle: true,
    packages: 'external',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
  });
  return out;
}

async function startController(): Promise<Server> {
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
  const child = spawn(...onServerCore(process.execPath, [controllerBundle()]), {
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

async function startBareServer(body: string): Promise<Server> {
  const script = `
    const http = require('node:http');
    const body = ${JSON.stringify(body)};
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log('LISTENING http://127.0.0.1:' + server.address().port));
  `;
  const child = spawn(...onServerCore(process.execPath, ['-e', script]), { stdio: ['ignore', 'pipe', 'inherit'] });
  return { url: await waitForLine(child, /LISTENING (\S+)/), child };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A Go program built by `scripts/<script>` (cached by version), or undefined with the reason printed. */
function goProgram(name: string, script: string): string | undefined {
  console.log(`${name}: scripts/${script} (waits for a build under way; a first build takes seconds to minutes)`);
  const built = spawnSync(join(ROOT, 'scripts', script), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (built.status !== 0) {
    console.log(`${name} not available (${script} exit ${built.status}); measuring without it`);
    return undefined;
  }
  return built.stdout.trim();
}

/**
 * Jaeger v2 with the smallest configuration that serves remote sampling from a file: the `remote_sampling`
 * extension needs the `jaeger_storage` extension, and a collector needs one pipeline (OTLP in, memory out).
 */
async function startJaeger(binary: string, keepAlive: boolean): Promise<Server> {
  const [http, grpc, otlp] = [await freePort(), await freePort(), await freePort()];
  const config = join(dir, `jaeger-${keepAlive ? 'keepalive' : 'default'}.yaml`);
  writeFileSync(
    config,
    throwAwayJaegerConfig({
      otlpHttpPort: otlp,
      remoteSampling: { strategiesFile: strategies, httpPort: http, grpcPort: grpc, keepAlive },
    })
  );
  // One core, like the controller's single Node thread.
  const child = spawn(...onServerCore(binary, ['--config', config]), {
    env: { PATH: process.env.PATH, GOMAXPROCS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${http}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) {
      throw new Error(`Jaeger exited with ${child.exitCode}: ${log}`);
    }
    const ok = await fetch(`${url}/sampling?service=${service(7)}`).then(
      (res) => res.ok,
      () => false
    );
    if (ok) {
      return { url, child };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`Jaeger did not answer on ${url}: ${log}`);
}

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  /** CPU time the server process spent per answered request, when /proc tells. */
  cpuMicrosPerRequest?: number;
}

const CLOCK_TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim() || 100);

/**
 * User + system CPU time of a process in ticks (Linux /proc), or undefined elsewhere. Throughput on a loaded
 * machine measures the scheduler as much as the server; CPU time per request does not depend on how many
 * other processes wait for the cores, so it is the steadier figure there.
 */
function cpuTicks(pid: number | undefined): number | undefined {
  const stat = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(stat)) {
    return undefined;
  }
  // The command name (field 2) may hold spaces; fields 14 and 15 (utime, stime) count from after it.
  const text = readFileSync(stat, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const requests = Array.from({ length: SERVICES }, (_, i) => ({
  method: 'GET' as const,
  path: `/sampling?service=${service((i * 37) % SERVICES)}`,
}));

async function load(server: Server, seconds: number): Promise<Figures> {
  const before = cpuTicks(server.child.pid);
  const result = await autocannon({ url: server.url, connections: CONNECTIONS, duration: seconds, requests });
  const after = cpuTicks(server.child.pid);
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuMicrosPerRequest:
      before === undefined || after === undefined || result.requests.total === 0
        ? undefined
        : (((after - before) / CLOCK_TICKS_PER_SECOND) * 1e6) / result.requests.total,
  };
}

interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests not answered with a 2xx. */
  failed: number;
}

/** The part of `vegeta report -type=json` read here; latencies in nanoseconds. */
interface VegetaReport {
  readonly requests: number;
  readonly success: number;
  readonly latencies: { readonly '50th': number; readonly '99th': number; readonly max: number };
}

/** One open-loop round: `vegeta attack` at `OPEN_LOOP_RATE` over `CONNECTIONS` connections, then `vegeta report`. */
async function openLoop(vegeta: string, server: Server, seconds: number): Promise<Latency> {
  const targets = join(dir, `targets-${new URL(server.url).port}.txt`);
  writeFileSync(targets, requests.map((r) => `GET ${server.url}${r.path}\n`).join(''));
  // On the load generator's cores: a child inherits this process's affinity.
  const attack = spawn(
    vegeta,
    [
      'attack',
      `-targets=${targets}`,
      `-rate=${OPEN_LOOP_RATE}`,
      `-duration=${seconds}s`,
      `-connections=${CONNECTIONS}`,
      `-max-connections=${CONNECTIONS}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const report = spawn(vegeta, ['report', '-type=json'], { stdio: ['pipe', 'pipe', 'inherit'] });
  attack.stdout.pipe(report.stdin);
  let out = '';
  report.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) =>
    report.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vegeta report exited with ${code}`))))
  );
  const r = JSON.parse(out) as VegetaReport;
  return {
    p50Ms: r.latencies['50th'] / 1e6,
    p99Ms: r.latencies['99th'] / 1e6,
    maxMs: r.latencies.max / 1e6,
    failed: r.requests - Math.round(r.success * r.requests),
  };
}

interface Contender {
  readonly name: string;
  readonly server: Server;
  readonly rounds: Figures[];
  /**
   * Open-loop rounds; none for a server that closes every connection: at a fixed rate that opens thousands of
   * connections a second and measures the loopback's port reuse more than the server.
   */
  readonly openLoopRounds?: Latency[];
}

async function main(): Promise<void> {
  const contenders: Contender[] = [];
  const add = (name: string, server: Server, keepsConnections = true) =>
    contenders.push({ name, server, rounds: [], ...(keepsConnections ? { openLoopRounds: [] } : {}) });
  let vegeta: string | undefined;
  try {
    const controller = await startController();
    add('controller `/sampling`', controller);
    const sample = await (await fetch(`${controller.url}/sampling?service=${service(7)}`)).text();
    add('bare node:http, fixed body', await startBareServer(sample));
    const jaeger = process.env.BENCH_JAEGER === '0' ? undefined : goProgram('Jaeger v2', 'build-jaeger.sh');
    if (jaeger) {
      add('Jaeger v2 remote_sampling, default (Connection: close)', await startJaeger(jaeger, false), false);
      add('Jaeger v2 remote_sampling, keep_alives_enabled', await startJaeger(jaeger, true));
    }
    vegeta = goProgram('vegeta (open-loop load)', 'build-vegeta.sh');
    console.log(
      `sampling endpoint, ${SERVICES} known services, ${OVERRIDES} active overrides, ${CONNECTIONS} connections, ` +
        `${WARMUP_SECONDS} s warm-up each, then ${ROUNDS} alternating ${DURATION_SECONDS} s rounds; Node ${process.version}; ` +
        `${PINNED ? `servers on core ${SERVER_CORE}, load generator on the others` : 'not pinned to cores'}; ` +
        `${machineLoad()} at the start`
    );
    for (const c of contenders) {
      await load(c.server, WARMUP_SECONDS); // JIT, caches, connection pools; not measured
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of contenders) {
        c.rounds.push(await load(c.server, DURATION_SECONDS));
      }
    }
    for (let round = 0; vegeta && round < ROUNDS; round++) {
      for (const c of contenders) {
        c.openLoopRounds?.push(await openLoop(vegeta, c.server, DURATION_SECONDS));
      }
    }
  } finally {
    for (const c of contenders) {
      c.server.child.kill('SIGTERM');
    }
  }
  console.log('figures: median (interquartile range, full range) over the rounds');
  const cpu = (f: Figures) => f.cpuMicrosPerRequest ?? Number.NaN;
  console.log(`closed loop (autocannon), ${CONNECTIONS} connections:`);
  console.log('| server | req/s | p99 | server CPU per request | errors |');
  console.log('|---|---|---|---|---|');
  for (const c of contenders) {
    const rps = spread(c.rounds.map((f) => f.requestsPerSecond));
    const p99 = spread(c.rounds.map((f) => f.p99Ms));
    const errors = c.rounds.reduce((n, f) => n + f.errors, 0);
    console.log(
      `| ${c.name} | ${formatSpread(rps, 0)} | ${formatSpread(p99, 0, ' ms')} | ` +
        `${formatSpread(spread(c.rounds.map(cpu)), 1, ' µs')} | ${errors} |`
    );
  }
  // Ratios per round (the servers of one round ran back to back), then their median and spread. The CPU ratio
  // (the other's CPU per request over the controller's) is the throughput ratio one idle core would give.
  const [controller, ...others] = contenders;
  for (const other of others) {
    const ratios = controller!.rounds.map((f, i) => f.requestsPerSecond / other.rounds[i]!.requestsPerSecond);
    const cpuRatios = controller!.rounds.map((f, i) => cpu(other.rounds[i]!) / cpu(f));
    console.log(
      `controller / ${other.name}: ${formatSpread(spread(ratios))} of the throughput; ` +
        `${formatSpread(spread(cpuRatios))} by CPU per request`
    );
  }
  if (vegeta) {
    console.log(`open loop (vegeta), ${OPEN_LOOP_RATE} req/s over ${CONNECTIONS} connections:`);
    console.log('| server | p50 | p99 | max | failed |');
    console.log('|---|---|---|---|---|');
    for (const c of contenders.filter((c) => c.openLoopRounds)) {
      const of = (pick: (l: Latency) => number) => formatSpread(spread(c.openLoopRounds!.map(pick)), 2, ' ms');
      const failed = c.openLoopRounds!.reduce((n, l) => n + l.failed, 0);
      console.log(`| ${c.name} | ${of((l) => l.p50Ms)} | ${of((l) => l.p99Ms)} | ${of((l) => l.maxMs)} | ${failed} |`);
    }
  }
  console.log(`${machineLoad()} at the end`);
  const failed =
    controller!.rounds.reduce((n, f) => n + f.errors, 0) +
    (controller!.openLoopRounds ?? []).reduce((n, l) => n + l.failed, 0);
  if (failed > 0) {
    throw new Error(`${failed} controller requests failed`);
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
