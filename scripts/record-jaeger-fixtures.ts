/**
 * Records the Jaeger response fixtures under `src/analysis/fixtures/jaeger/` from a real Jaeger v2:
 * starts the binary that `scripts/build-jaeger.sh` builds (or `JAEGER_BIN`) on loopback with memory
 * storage, sends the SDK-recorded incident patterns over OTLP/HTTP, then saves what the query APIs
 * answer — `/api/v3` (OTLP JSON) and the UI's `/api` (Jaeger JSON) — with status and content type,
 * and the Prometheus exposition of the spanmetrics connector (Jaeger v2's span metrics).
 *
 *   npx tsx scripts/record-jaeger-fixtures.ts
 *
 * Re-run it after changing the patterns or the Jaeger version; never edit the fixtures by hand.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { throwAwayJaegerConfig } from '../e2e/stack/jaegerConfig';
import { RECORDED_PATTERN_TRACES } from '../src/analysis/fixtures';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'src/analysis/fixtures/jaeger');

/** The patterns start at 2025-01-01T00:00:00Z; searches cover the hour around it. */
const WINDOW = { min: '2024-12-31T23:30:00Z', max: '2025-01-01T00:30:00Z' };
const WINDOW_US = { start: Date.parse(WINDOW.min) * 1000, end: Date.parse(WINDOW.max) * 1000 };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, probe: () => Promise<boolean>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Jaeger exited with ${child.exitCode} while waiting for ${what}`);
    }
    if (await probe().catch(() => false)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Recording {
  readonly request: string;
  readonly status: number;
  readonly contentType: string | null;
  /** Parsed JSON, or the text when the body is not JSON. */
  readonly body: unknown;
}

async function main(): Promise<void> {
  const bin =
    process.env.JAEGER_BIN ?? execFileSync(path.join(root, 'scripts/build-jaeger.sh'), { encoding: 'utf8' }).trim();
  // A module-proxy build carries no stamped version; the Go build info names the module version it was built from.
  const buildInfo = execFileSync('go', ['version', '-m', bin], { encoding: 'utf8' });
  const version = /\s(?:mod|dep)\s+github\.com\/jaegertracing\/jaeger\s+(v\S+)/.exec(buildInfo)?.[1] ?? 'unknown';
  const ports = { otlp: await freePort(), http: await freePort(), grpc: await freePort(), metrics: await freePort() };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jaeger-fixtures-'));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    config,
    throwAwayJaegerConfig({
      otlpHttpPort: ports.otlp,
      query: { httpPort: ports.http, grpcPort: ports.grpc },
      spanMetricsPort: ports.metrics,
    })
  );
  const child = spawn(bin, ['--config', `file:${config}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  const query = `http://127.0.0.1:${ports.http}`;

  try {
    await waitFor('the query API', async () => (await fetch(`${query}/api/v3/services`)).status < 500, child);

    const traceIds: Record<string, string> = {};
    for (const [name, build] of Object.entries(RECORDED_PATTERN_TRACES)) {
      const trace = build();
      traceIds[name] = trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
      const res = await fetch(`http://127.0.0.1:${ports.otlp}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(trace),
      });
      if (res.status !== 200) {
        throw new Error(`OTLP export of ${name} answered ${res.status}: ${await res.text()}`);
      }
    }
    const last = traceIds['refund-queue']!;
    await waitFor('the traces to be stored', async () => (await fetch(`${query}/api/v3/traces/${last}`)).ok, child);

    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const record = async (file: string, request: string): Promise<Recording> => {
      const res = await fetch(query + request);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: some error answers are plain text.
      }
      const recording = { request, status: res.status, contentType: res.headers.get('content-type'), body };
      fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(recording, null, 1)}\n`);
      return recording;
    };

    for (const [name, id] of Object.entries(traceIds)) {
      await record(`v3-trace-${name}.json`, `/api/v3/traces/${id}`);
      await record(`ui-trace-${name}.json`, `/api/traces/${id}`);
    }
    const missing = 'ffffffffffffffffffffffffffffffff';
    await record('v3-trace-missing.json', `/api/v3/traces/${missing}`);
    await record('ui-trace-missing.json', `/api/traces/${missing}`);
    await record('v3-services.json', '/api/v3/services');
    await record('ui-services.json', '/api/services');

    const v3Search = (params: Record<string, string>) =>
      `/api/v3/traces?${new URLSearchParams({
        'query.start_time_min': WINDOW.min,
        'query.start_time_max': WINDOW.max,
        ...params,
      }).toString()}`;
    await record('v3-search-fraud.json', v3Search({ 'query.service_name': 'fraud', 'query.num_traces': '20' }));
    await record(
      'v3-search-gateway-slow.json',
      v3Search({ 'query.service_name': 'gateway', 'query.duration_min': '500ms', 'query.num_traces': '20' })
    );
    await record('v3-search-none.json', v3Search({ 'query.service_name': 'nobody', 'query.num_traces': '20' }));
    const uiSearch = (params: Record<string, string>) =>
      `/api/traces?${new URLSearchParams({
        start: String(WINDOW_US.start),
        end: String(WINDOW_US.end),
        ...params,
      }).toString()}`;
    await record('ui-search-fraud.json', uiSearch({ service: 'fraud', limit: '20' }));
    await record('ui-search-gateway-slow.json', uiSearch({ service: 'gateway', minDuration: '500ms', limit: '20' }));

    // The spanmetrics connector's series for these traces, as Prometheus would scrape them.
    const metrics = `http://127.0.0.1:${ports.metrics}/metrics`;
    await waitFor(
      'the span metrics',
      async () => (await (await fetch(metrics)).text()).includes('traces_span_metrics_duration_milliseconds_bucket'),
      child
    );
    fs.writeFileSync(path.join(outDir, 'spanmetrics.prom'), await (await fetch(metrics)).text());

    fs.writeFileSync(
      path.join(outDir, 'recorded-with.json'),
      `${JSON.stringify({ jaeger: version, traceIds, window: WINDOW }, null, 1)}\n`
    );
    console.log(`recorded ${fs.readdirSync(outDir).length} files into ${path.relative(root, outDir)}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
