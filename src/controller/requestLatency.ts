/**
 * The request-latency histogram (`tracingops_http_request_duration_seconds` by route, method and status code),
 * counted in plain arrays per label set and handed to prom-client in its histogram format when scraped.
 * prom-client's own `observe` hashes and validates the labels on every call, even a label child's: about a fifth
 * of the CPU time of a sampling poll in the benchmark (docs/benchmarks.md), on the controller's hottest path.
 */
import {
  Histogram,
  type HistogramConfiguration,
  type MetricObjectWithValues,
  type MetricType,
  type MetricValueWithName,
} from 'prom-client';

type Label = 'route' | 'method' | 'status_code';

interface Series {
  readonly labels: Record<Label, string>;
  /** Observations per bucket, not cumulative; one more than the bounds for +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class RequestLatencyHistogram extends Histogram<Label> {
  /** The bucket bounds, ascending (prom-client sorts them too). */
  private readonly bounds: readonly number[];
  private readonly series = new Map<string, Series>();

  constructor(private readonly configuration: HistogramConfiguration<Label> & { buckets: number[] }) {
    super({ ...configuration, labelNames: ['route', 'method', 'status_code'] });
    this.bounds = [...configuration.buckets].sort((a, b) => a - b);
  }

  record(route: string, method: string, statusCode: number, seconds: number): void {
    const key = `${route} ${method} ${statusCode}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { route, method, status_code: String(statusCode) },
        counts: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) {
      bucket++;
    }
    series.counts[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /**
   * What prom-client's histogram reports, in the form its registry writes the exposition from (and its `get()`
   * turns into JSON): cumulative buckets labelled `le` with the series' labels beside them, then sum and count.
   */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const { name, help, aggregator } = this.configuration;
    // `exemplar: null` on the buckets, as prom-client writes them without exemplars.
    const values: Array<MetricValueWithName<string> & { sharedLabels: Record<Label, string>; exemplar?: null }> = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += counts[i]!;
        values.push({
          labels: { le },
          sharedLabels: labels,
          value: cumulative,
          metricName: `${name}_bucket`,
          exemplar: null,
        });
      });
      values.push({
        labels: { le: '+Inf' },
        sharedLabels: labels,
        value: count,
        metricName: `${name}_bucket`,
        exemplar: null,
      });
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${name}_count` });
    }
    return Promise.resolve({
      name,
      help,
      // prom-client's types declare a numeric enum here; what it reports (and writes after # TYPE) is the string.
      type: 'histogram' as unknown as MetricType,
      aggregator: aggregator ?? 'sum',
      values,
      collect: () => {},
    });
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets the metric too, before this class's fields exist.
    (this.series as Map<string, Series> | undefined)?.clear();
  }
}
