import { detectSpanMetricsFlavours, describeSpanMetricsFlavour } from './spanMetricsDetection';
import { spanMetricNames } from './spanMetrics';

const TEMPO = [
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_latency_bucket',
  'traces_spanmetrics_latency_count',
];
const CONNECTOR_DEFAULT = ['traces_span_metrics_calls_total', 'traces_span_metrics_duration_milliseconds_bucket'];

describe('detectSpanMetricsFlavours', () => {
  it("recognises Tempo's metrics-generator by its counter and its seconds histogram", () => {
    expect(detectSpanMetricsFlavours(TEMPO)).toEqual([{ kind: 'tempo' }]);
  });

  it("recognises the spanmetrics connector's defaults as namespace traces_span_metrics in milliseconds", () => {
    expect(detectSpanMetricsFlavours(CONNECTOR_DEFAULT)).toEqual([
      { kind: 'otel', namespace: 'traces_span_metrics', unit: 'ms' },
    ]);
  });

  it('finds a connector with its own namespace and seconds, even where the counter looks like Tempo’s', () => {
    // `namespace: traces.spanmetrics` + `histogram.unit: s`: Tempo's counter name, the connector's histogram.
    expect(
      detectSpanMetricsFlavours(['traces_spanmetrics_calls_total', 'traces_spanmetrics_duration_seconds_bucket'])
    ).toEqual([{ kind: 'otel', namespace: 'traces_spanmetrics', unit: 's' }]);
  });

  it('ignores a counter without its histogram, so an application’s own …_calls_total is not span metrics', () => {
    expect(detectSpanMetricsFlavours(['grpc_client_calls_total', 'traces_spanmetrics_calls_total'])).toEqual([]);
    expect(detectSpanMetricsFlavours(['rpc_duration_milliseconds_bucket'])).toEqual([]);
  });

  it('lists Tempo first, then the connector’s default namespace, then other namespaces by name', () => {
    const found = detectSpanMetricsFlavours([
      'zeta_calls_total',
      'zeta_duration_seconds_bucket',
      ...CONNECTOR_DEFAULT,
      'alpha_calls_total',
      'alpha_duration_milliseconds_bucket',
      ...TEMPO,
    ]);
    expect(found).toEqual([
      { kind: 'tempo' },
      { kind: 'otel', namespace: 'traces_span_metrics', unit: 'ms' },
      { kind: 'otel', namespace: 'alpha', unit: 'ms' },
      { kind: 'otel', namespace: 'zeta', unit: 's' },
    ]);
  });

  it('only reports flavours whose metric names the PromQL builders then query', () => {
    const names = [...TEMPO, ...CONNECTOR_DEFAULT, 'ns_calls_total', 'ns_duration_seconds_bucket'];
    for (const flavour of detectSpanMetricsFlavours(names)) {
      const { calls, latencyBucket } = spanMetricNames(flavour);
      expect(names).toContain(calls);
      expect(names).toContain(latencyBucket);
      expect(describeSpanMetricsFlavour(flavour)).toMatch(flavour.kind === 'tempo' ? /Tempo/ : /OpenTelemetry/);
    }
  });
});
