/**
 * The span-metrics flavour probe against a real Prometheus (Debian's 2.42) scraping, over loopback,
 * the exposition of Jaeger v2's spanmetrics connector (recorded, `src/analysis/fixtures/jaeger/`) or
 * Tempo's metrics-generator names: the probe's `match[]` selector must be one Prometheus accepts and
 * the detection must read what it answers. Likewise the probe for the SDKs' HTTP server metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { recordedSpanMetrics } from '../../src/analysis/fixtures';
import { createPrometheusClient } from '../../src/clients';
import { probeSpanMetricsFlavours, resolveSpanMetricsFlavour } from '../../src/app/data/spanMetricsFlavour';
import { probeSdkRequestMetrics } from '../../src/app/data/sdkRequestMetrics';
import { ALL_SERVICES, promSdkRequestRate } from '../../src/queries';

/** Tempo's metrics-generator series (docs: traces_spanmetrics_calls_total, traces_spanmetrics_latency, label service). */
const TEMPO_EXPOSITION = `# TYPE traces_spanmetrics_calls_total counter
traces_spanmetrics_calls_total{service="payments",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK"} 42
# TYPE traces_spanmetrics_latency histogram
traces_spanmetrics_latency_bucket{service="payments",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK",le="0.1"} 40
traces_spanmetrics_latency_bucket{service="payments",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK",le="+Inf"} 42
traces_spanmetrics_latency_sum{service="payments",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK"} 2.1
traces_spanmetrics_latency_count{service="payments",span_name="POST /charge",span_kind="SPAN_KIND_SERVER",status_code="STATUS_CODE_OK"} 42
# TYPE http_client_calls_total counter
http_client_calls_total{peer="fraud"} 7
`;

interface Stack {
  prometheus: ReturnType<typeof createPrometheusClient>;
  stop(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The demo's SDK request counts as each exporter names them: the JS Prometheus exporter without the unit suffix,
 * Go's with it; `n` grows per scrape, so the counters have a rate.
 */
const sdkExposition = (n: number) => `# TYPE http_server_request_duration histogram
http_server_request_duration_count{service_name="gateway",http_route="/checkout"} ${4 * n}
http_server_request_duration_sum{service_name="gateway",http_route="/checkout"} ${0.1 * n}
# TYPE http_server_request_duration_seconds histogram
http_server_request_duration_seconds_count{service_name="fraud",http_route="/score"} ${5 * n}
http_server_request_duration_seconds_sum{service_name="fraud",http_route="/score"} ${0.1 * n}
`;

/** A Prometheus scraping `exposition` every second, up once it has ingested the series' names. */
async function prometheusScraping(exposition: string | ((scrape: number) => string), expected: string): Promise<Stack> {
  let scrapes = 0;
  const target = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/plain' })
      .end(typeof exposition === 'string' ? exposition : exposition(++scrapes))
  );
  const targetPort = await listen(target);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-prometheus-'));
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: spans\n    honor_labels: true\n    static_configs: [{ targets: ['127.0.0.1:${targetPort}'] }]\n`
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' }
  );
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    target.closeAllConnections();
    await new Promise((resolve) => target.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const prometheus = createPrometheusClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const names = await prometheus.labelValues('__name__').catch(() => [] as string[]);
    if (names.includes(expected)) {
      return { prometheus, stop };
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`Prometheus did not ingest ${expected} (exit code ${child.exitCode})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

jest.setTimeout(90_000);

describe('the span-metrics probe against Prometheus', () => {
  it("finds the connector's default flavour in what Jaeger v2 exports", async () => {
    const stack = await prometheusScraping(recordedSpanMetrics(), 'traces_span_metrics_calls_total');
    try {
      expect(await probeSpanMetricsFlavours(stack.prometheus)).toEqual([
        { kind: 'otel', namespace: 'traces_span_metrics', unit: 'ms' },
      ]);
      expect(await resolveSpanMetricsFlavour({ flavour: 'auto' }, stack.prometheus, 'tempo')).toEqual({
        kind: 'otel',
        namespace: 'traces_span_metrics',
        unit: 'ms',
      });
    } finally {
      await stack.stop();
    }
  });

  it("finds Tempo's metrics-generator, and not an application's own …_calls_total", async () => {
    const stack = await prometheusScraping(TEMPO_EXPOSITION, 'traces_spanmetrics_latency_bucket');
    try {
      expect(await probeSpanMetricsFlavours(stack.prometheus)).toEqual([{ kind: 'tempo' }]);
      expect(await resolveSpanMetricsFlavour(undefined, stack.prometheus, 'jaeger')).toEqual({ kind: 'tempo' });
      // A fixed setting wins over what Prometheus holds.
      expect(
        await resolveSpanMetricsFlavour({ flavour: 'otel', namespace: 'x', unit: 's' }, stack.prometheus, 'tempo')
      ).toEqual({ kind: 'otel', namespace: 'x', unit: 's' });
    } finally {
      await stack.stop();
    }
  });

  it('finds every name the SDKs export their HTTP server request count under, and rates each service by it', async () => {
    const stack = await prometheusScraping(sdkExposition, 'http_server_request_duration_count');
    try {
      const found = await probeSdkRequestMetrics(stack.prometheus);
      expect(found).toEqual([
        { count: 'http_server_request_duration_seconds_count', serviceLabel: 'service_name' },
        { count: 'http_server_request_duration_count', serviceLabel: 'service_name' },
      ]);
      const query = promSdkRequestRate({ scope: ALL_SERVICES, metrics: found!, rangeSeconds: 10 });
      let services: string[] = [];
      for (const deadline = Date.now() + 30_000; services.length < 2 && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const end = Math.floor(Date.now() / 1000);
        const { result } = await stack.prometheus.queryRange(query, { start: end - 2, end, step: 1 });
        services = result.map((s) => s.metric.service ?? '').sort();
      }
      expect(services).toEqual(['fraud', 'gateway']);
    } finally {
      await stack.stop();
    }
  });

  it('falls back to the trace backend’s own flavour when Prometheus cannot be asked', async () => {
    const unreachable = createPrometheusClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 2000 });
    expect(await resolveSpanMetricsFlavour({ flavour: 'auto' }, unreachable, 'jaeger')).toEqual({
      kind: 'otel',
      namespace: 'traces_span_metrics',
      unit: 'ms',
    });
    expect(await resolveSpanMetricsFlavour({ flavour: 'auto' }, unreachable, 'tempo')).toEqual({ kind: 'tempo' });
  });
});
