/**
 * A loopback span-metrics exporter the test controls: serves `calls_total` counters in the Prometheus text
 * format under the names and labels of either flavour, so a real Prometheus scrapes what the spanmetrics
 * connector (or Tempo's metrics-generator) would expose, and a test decides exactly how many spans were recorded.
 * Also serves plain gauges, for alert rules.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SpanSeries {
  service: string;
  spanName: string;
  spanKind?: 'SPAN_KIND_SERVER' | 'SPAN_KIND_CLIENT';
  statusCode?: 'STATUS_CODE_UNSET' | 'STATUS_CODE_ERROR';
  /**
   * Root spans: a Jaeger remote sampler decided them and wrote `jaeger.sampler.type` and `jaeger.sampler.param`,
   * which span metrics configured as in docs/backends.md keep as labels. Left out: spans of traces started upstream.
   */
  rootSampledAt?: number;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class SpanMetricsExporter {
  private readonly calls = new Map<string, { series: SpanSeries; count: number }>();
  private readonly gauges = new Map<string, number>();
  private server?: Server;
  url = '';
  /** `address` for a Prometheus scrape config, e.g. `127.0.0.1:4711`. */
  target = '';

  constructor(
    /**
     * Tempo's names and `service`, or a connector's (`<namespace>_calls_total`,
     * `<namespace>_duration_milliseconds_bucket`) with `service_name`. The histogram is served (one `+Inf`
     * bucket per series) because flavour detection wants both, as a real pipeline has.
     */
    private readonly flavour: { metric: string; histogram: string; serviceLabel: 'service' | 'service_name' } = {
      metric: 'traces_spanmetrics_calls_total',
      histogram: 'traces_spanmetrics_latency_bucket',
      serviceLabel: 'service',
    }
  ) {}

  /** Adds `n` spans to a series (creating it at 0 first, so a scrape before this one sees it). */
  add(series: SpanSeries, n: number): void {
    const key = JSON.stringify([
      series.service,
      series.spanName,
      series.spanKind,
      series.statusCode,
      series.rootSampledAt,
    ]);
    const entry = this.calls.get(key) ?? { series, count: 0 };
    entry.count += n;
    this.calls.set(key, entry);
  }

  setGauge(name: string, value: number): void {
    this.gauges.set(name, value);
  }

  private render(): string {
    const lines = [`# TYPE ${this.flavour.metric} counter`];
    const buckets: string[] = [];
    for (const { series, count } of this.calls.values()) {
      const labels = [
        `${this.flavour.serviceLabel}="${escape(series.service)}"`,
        `span_name="${escape(series.spanName)}"`,
        `span_kind="${series.spanKind ?? 'SPAN_KIND_SERVER'}"`,
        `status_code="${series.statusCode ?? 'STATUS_CODE_UNSET'}"`,
        ...(series.rootSampledAt === undefined
          ? []
          : ['jaeger_sampler_type="probabilistic"', `jaeger_sampler_param="${series.rootSampledAt}"`]),
      ];
      lines.push(`${this.flavour.metric}{${labels.join(',')}} ${count}`);
      buckets.push(`${this.flavour.histogram}{${[...labels, 'le="+Inf"'].join(',')}} ${count}`);
    }
    lines.push(...buckets);
    for (const [name, value] of this.gauges) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(this.render());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.target = `127.0.0.1:${port}`;
    this.url = `http://${this.target}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
