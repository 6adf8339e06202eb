/**
 * Issue 24, case 1, on a real Prometheus (Debian's): the Viewer of a team owning `ledger` and `ledger-?` asks for
 * `?service=ledger-*`. Every PromQL builder, in both span-metrics flavours, must answer with the series of the
 * service named `ledger-*` only — before the fix, the same queries returned another team's `ledger-audit`.
 */
import { createPrometheusClient } from '../../src/clients';
import { parseScopeChoice, resolveScope } from '../../src/app/scope/scope';
import { SCOPED_BUILDERS } from '../../src/queries/builders.testing';
import { describeWithPrometheus, startPrometheus, type RunningProcess } from '../controller/support/prometheus';

const SERVICES = ['ledger', 'ledger-a', 'ledger-audit', 'ledger-*'] as const;
const STEP_SECONDS = 15;
/** Well before the head block, so the history is read from the blocks promtool writes. */
const END = Math.floor(Date.now() / 60_000) * 60 - 6 * 3600;
const START = END - 1800;

/** Counters and histograms of every service, in both flavours, and service-graph edges into each. */
const ROOT = ',jaeger_sampler_type="probabilistic",jaeger_sampler_param="0.1"';

function history(): string {
  const lines: string[] = [];
  const series = (name: string, labels: string, perStep: number) => {
    for (let t = START, value = 0; t <= END; t += STEP_SECONDS, value += perStep) {
      lines.push(`${name}{${labels}} ${value} ${t}`);
    }
  };
  const span = 'span_name="GET /x",span_kind="SPAN_KIND_SERVER"';
  lines.push('# TYPE traces_spanmetrics_calls counter', '# TYPE traces_span_metrics_calls counter');
  for (const service of SERVICES) {
    for (const status of ['STATUS_CODE_UNSET', 'STATUS_CODE_ERROR']) {
      // The successful spans are roots, marked by their sampler (docs/backends.md), for the root-span builders.
      const rest = `${span},status_code="${status}"${status === 'STATUS_CODE_UNSET' ? ROOT : ''}`;
      series('traces_spanmetrics_calls_total', `service="${service}",${rest}`, 10);
      series('traces_span_metrics_calls_total', `service_name="${service}",${rest}`, 10);
    }
    // The SDK's HTTP server request count, as the demo's Prometheus exporter writes it.
    series('http_server_request_duration_seconds_count', `service_name="${service}",http_route="/x"`, 10);
  }
  lines.push('# TYPE traces_spanmetrics_latency histogram');
  for (const service of SERVICES) {
    for (const le of ['0.1', '+Inf']) {
      series('traces_spanmetrics_latency_bucket', `service="${service}",${span},le="${le}"`, 10);
    }
    series('traces_spanmetrics_latency_count', `service="${service}",${span}`, 10);
    series('traces_spanmetrics_latency_sum', `service="${service}",${span}`, 1);
  }
  lines.push('# TYPE traces_span_metrics_duration_milliseconds histogram');
  for (const service of SERVICES) {
    for (const le of ['100', '+Inf']) {
      series('traces_span_metrics_duration_milliseconds_bucket', `service_name="${service}",${span},le="${le}"`, 10);
    }
    series('traces_span_metrics_duration_milliseconds_count', `service_name="${service}",${span}`, 10);
    series('traces_span_metrics_duration_milliseconds_sum', `service_name="${service}",${span}`, 100);
  }
  lines.push('# TYPE traces_service_graph_request counter');
  for (const service of SERVICES) {
    series('traces_service_graph_request_total', `client="gateway",server="${service}"`, 10);
  }
  return [...lines, '# EOF', ''].join('\n');
}

jest.setTimeout(120_000);

describeWithPrometheus("the ledger-? Viewer's ?service=ledger-* on Prometheus", () => {
  let prom: RunningProcess;
  beforeAll(async () => {
    prom = await startPrometheus({ targets: [], history: history() });
  });
  afterAll(() => prom?.stop());

  const resolved = resolveScope({
    choice: parseScopeChoice('mine'),
    service: 'ledger-*',
    teams: ['ledger'],
    isAdmin: false,
    ownership: [
      { team: 'ledger', services: ['ledger', 'ledger-?'] },
      { team: 'audit', services: ['ledger-audit'] },
    ],
  });
  const promBuilders = SCOPED_BUILDERS.filter(([name]) => name.startsWith('prom'));

  it.each(promBuilders)('%s answers for the service named ledger-* alone', async (_name, build) => {
    if (!resolved.ok) {
      throw new Error(resolved.reason);
    }
    const prometheus = createPrometheusClient({ baseUrl: prom.url, timeoutMs: 10_000 });
    const answer = await prometheus.query(build(resolved.scope), { time: END });
    const series = answer.resultType === 'vector' ? answer.result : [];

    expect(series.length).toBeGreaterThan(0);
    const services = series.flatMap(({ metric }) =>
      ['service', 'service_name', 'server'].flatMap((label) => (metric[label] === undefined ? [] : [metric[label]]))
    );
    // promRootSpansSince sums to one unlabelled value: one service's root series of 10 calls a step, over 600 s.
    expect(services.length > 0 ? [...new Set(services)] : series.map(({ value }) => Number(value[1]))).toEqual(
      services.length > 0 ? ['ledger-*'] : [10 * (600 / STEP_SECONDS)]
    );
  });
});
