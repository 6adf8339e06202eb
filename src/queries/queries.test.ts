import fc from 'fast-check';
import {
  ALL_SERVICES,
  OTEL_SPAN_METRICS,
  QueryBuildError,
  escapeRegex,
  logqlTraceLogs,
  promErrorRatio,
  promLatencyQuantile,
  promLatencyBaseline,
  promRequestRate,
  promSdkRequestRate,
  REQUEST_SPAN_KINDS,
  promRootSpansSince,
  promServiceGraphRate,
  ownershipScope,
  scopeOf,
  traceqlAttributeFilter,
  traceqlBaseline,
  traceqlCandidates,
  traceqlErrorsBelow,
  traceqlSearch,
} from './index';
import { SCOPED_BUILDERS, TRACE_ID } from './builders.testing';
import { queryShape } from './queryShape.testing';
const SPAN_ID = '00f067aa0ba902b7';

const HOSTILE = [
  'a"} || { true }',
  'back\\slash',
  'ends-with-backslash\\',
  'brace}',
  'pipe|rate()',
  'new\nline',
  'carriage\rreturn\ttab',
  'nul\u0000byte',
  'regex.+()[]{}^$*?',
  '*',
  'ledger-?',
  "single'quote`backtick",
  'ünïcödé-服务-🚀',
  '"',
  '\\"',
];

describe('TraceQL builders', () => {
  it('searches error spans of one service by exact name', () => {
    expect(traceqlSearch({ scope: scopeOf(['payments']), status: 'error' })).toBe(
      '{ resource.service.name = "payments" && status = error }'
    );
  });

  it("turns the ownership table's names and globs into one anchored regex", () => {
    expect(traceqlSearch({ scope: ownershipScope(['payments', 'fraud-*', 'auth.v?']), minSpanDurationMs: 250 })).toBe(
      '{ resource.service.name =~ "^(payments|fraud-.*|auth\\\\.v.)$" && duration >= 250ms }'
    );
    expect(traceqlSearch({ scope: ownershipScope(['payments']) })).toBe('{ resource.service.name = "payments" }');
  });

  it('matches a service name as itself, even when it holds * or ?', () => {
    expect(traceqlSearch({ scope: scopeOf(['fraud-*']) })).toBe('{ resource.service.name = "fraud-*" }');
    expect(traceqlSearch({ scope: scopeOf(['payments', 'auth.v?', '*']) })).toBe(
      '{ resource.service.name =~ "^(payments|auth\\\\.v\\\\?|\\\\*)$" }'
    );
  });

  it('leaves the service unconstrained for the all-services scope', () => {
    expect(traceqlSearch({ scope: ALL_SERVICES })).toBe('{ }');
    expect(traceqlSearch({ scope: ALL_SERVICES, rootName: 'GET /pay', minTraceDurationMs: 5000 })).toBe(
      '{ rootName = "GET /pay" && traceDuration >= 5000ms }'
    );
  });

  it('keeps sub-millisecond durations exact in microseconds', () => {
    expect(traceqlSearch({ scope: ALL_SERVICES, minSpanDurationMs: 0.25 })).toBe('{ duration >= 250us }');
  });

  it('asks for failed or slow spans in one candidate query', () => {
    expect(traceqlCandidates(scopeOf(['gateway']), 500)).toBe(
      '{ resource.service.name = "gateway" && (status = error || duration >= 500ms) }'
    );
  });

  it('narrows the candidates to traces carrying each attribute value a responder picked', () => {
    expect(
      traceqlCandidates(scopeOf(['gateway']), 500, [
        { scope: 'resource', key: 'cloud.region', value: 'eu-west' },
        { scope: 'span', key: 'http.response.status_code', value: 503 },
      ])
    ).toBe(
      '{ resource.service.name = "gateway" && (status = error || duration >= 500ms) }' +
        ' && { resource.cloud.region = "eu-west" } && { span.http.response.status_code = 503 }'
    );
  });

  it('writes intrinsics as keywords and duration buckets as a half-open range', () => {
    expect(traceqlAttributeFilter({ scope: 'intrinsic', key: 'name', value: 'POST /pay' })).toBe(
      '{ name = "POST /pay" }'
    );
    expect(traceqlAttributeFilter({ scope: 'intrinsic', key: 'status', value: 'error' })).toBe('{ status = error }');
    expect(traceqlAttributeFilter({ scope: 'intrinsic', key: 'kind', value: 'client' })).toBe('{ kind = client }');
    expect(traceqlAttributeFilter({ scope: 'intrinsic', key: 'traceDuration', minMs: 500, maxMs: 1000 })).toBe(
      '{ traceDuration >= 500ms && traceDuration < 1000ms }'
    );
    expect(traceqlAttributeFilter({ scope: 'intrinsic', key: 'duration', minMs: 60_000 })).toBe(
      '{ duration >= 60000ms }'
    );
    expect(traceqlAttributeFilter({ scope: 'span', key: 'cache.hit', value: false })).toBe(
      '{ span.cache.hit = false }'
    );
    expect(traceqlAttributeFilter({ scope: 'span', key: 'ratio', value: 0.25 })).toBe('{ span.ratio = 0.25 }');
  });

  it('quotes attribute names that are not plain identifiers, and refuses what cannot be quoted', () => {
    expect(traceqlAttributeFilter({ scope: 'span', key: 'account-channel', value: 'x' })).toBe(
      '{ span."account-channel" = "x" }'
    );
    expect(traceqlAttributeFilter({ scope: 'resource', key: 'a"} || { true', value: 'x' })).toBe(
      '{ resource."a\\"} || { true" = "x" }'
    );
    expect(() => traceqlAttributeFilter({ scope: 'span', key: 'new\nline', value: 'x' })).toThrow(QueryBuildError);
    expect(() => traceqlAttributeFilter({ scope: 'span', key: '', value: 'x' })).toThrow(QueryBuildError);
    expect(() => traceqlAttributeFilter({ scope: 'span', key: 'n', value: Number.POSITIVE_INFINITY })).toThrow(
      QueryBuildError
    );
    expect(() => traceqlAttributeFilter({ scope: 'span', key: 'n', value: 1e21 })).toThrow(QueryBuildError);
    expect(() =>
      traceqlAttributeFilter({ scope: 'intrinsic', key: 'kind', value: 'server || true' as 'server' })
    ).toThrow(/unknown span kind/);
    expect(() =>
      traceqlAttributeFilter({ scope: 'intrinsic', key: 'status', value: 'error } | rate()' as 'error' })
    ).toThrow(/unknown span status/);
  });

  it.each(HOSTILE)('keeps a picked value %j inside its literal', (hostile) => {
    const benign = queryShape(traceqlAttributeFilter({ scope: 'span', key: 'k', value: 'v' }));
    for (const filter of [
      { scope: 'span', key: 'k', value: hostile },
      { scope: 'intrinsic', key: 'name', value: hostile },
    ] as const) {
      const shape = queryShape(traceqlAttributeFilter(filter));
      expect(shape.literals).toEqual([hostile]);
      expect(shape.skeleton).toBe(filter.scope === 'span' ? benign.skeleton : '{ name = "…" }');
    }
  });

  it('asks for fast, successful spans in scope as the baseline', () => {
    expect(traceqlBaseline(scopeOf(['gateway']), 500)).toBe(
      '{ resource.service.name = "gateway" && status != error && duration < 500ms }'
    );
  });

  it('finds errors anywhere below a span in scope', () => {
    expect(traceqlErrorsBelow(scopeOf(['gateway']))).toBe(
      '{ resource.service.name = "gateway" } >> { status = error }'
    );
  });

  it('refuses an empty scope, an empty name and a negative duration', () => {
    expect(() => traceqlSearch({ scope: scopeOf([]) })).toThrow(QueryBuildError);
    expect(() => traceqlSearch({ scope: scopeOf(['']) })).toThrow(/empty service name/);
    expect(() => traceqlSearch({ scope: ALL_SERVICES, minSpanDurationMs: -1 })).toThrow(QueryBuildError);
    expect(() => traceqlSearch({ scope: ALL_SERVICES, minSpanDurationMs: Number.NaN })).toThrow(QueryBuildError);
  });
});

describe('PromQL builders', () => {
  const scope = scopeOf(['payments']);

  it('computes the request rate by service and span name', () => {
    expect(promRequestRate({ scope, rangeSeconds: 300 })).toBe(
      'sum by (service, span_name) (rate(traces_spanmetrics_calls_total{service="payments"}[5m]))'
    );
  });

  it('computes the error ratio from STATUS_CODE_ERROR calls over all calls', () => {
    expect(promErrorRatio({ scope, rangeSeconds: 60, by: ['service'] })).toBe(
      'sum by (service) (rate(traces_spanmetrics_calls_total{service="payments", status_code="STATUS_CODE_ERROR"}[1m]))' +
        ' / sum by (service) (rate(traces_spanmetrics_calls_total{service="payments"}[1m]))'
    );
  });

  it('computes p99 per service and operation from the latency histogram', () => {
    expect(promLatencyQuantile({ scope: ALL_SERVICES, rangeSeconds: 3600, quantile: 0.99 })).toBe(
      'histogram_quantile(0.99, sum by (service, span_name, le) (rate(traces_spanmetrics_latency_bucket[1h])))'
    );
    expect(promLatencyQuantile({ scope, rangeSeconds: 90, quantile: 0.5, spanName: 'POST /charge' })).toBe(
      'histogram_quantile(0.5, sum by (service, span_name, le) ' +
        '(rate(traces_spanmetrics_latency_bucket{service="payments", span_name="POST /charge"}[90s])))'
    );
  });

  it('takes the median, the highest and the count of the windowed p99s over the lookback, and the requests in it', () => {
    const bucket = 'traces_spanmetrics_latency_bucket{service="payments"}';
    const sampled = `((histogram_quantile(0.99, sum by (service, span_name, le) (rate(${bucket}[5m])))) > 0)[24h:1m]`;
    const q = { scope, lookbackSeconds: 86400, windowSeconds: 300, stepSeconds: 60 };
    expect(promLatencyBaseline(q)).toBe(
      `label_replace(quantile_over_time(0.5, ${sampled}), "baseline", "p99", "", "")` +
        ` or label_replace(max_over_time(${sampled}), "baseline", "worst", "", "")` +
        ` or label_replace(count_over_time(${sampled}), "baseline", "windows", "", "")` +
        ' or label_replace(sum by (service, span_name) (increase(traces_spanmetrics_latency_count{service="payments"}[24h])), "baseline", "requests", "", "")'
    );
    const connector = promLatencyBaseline({ ...q, flavour: OTEL_SPAN_METRICS });
    expect(connector).toContain('"service_name", "(.*)"))) * 0.001) > 0)[24h:1m]');
    expect(connector).toContain(
      '(increase(traces_span_metrics_duration_milliseconds_count{service_name="payments"}[24h])'
    );
  });

  it('restricts the request rate, error ratio and latency to one span kind', () => {
    const q = { scope, rangeSeconds: 60, by: ['service'] as const, spanKind: 'SPAN_KIND_SERVER' as const };
    expect(promRequestRate(q)).toBe(
      'sum by (service) (rate(traces_spanmetrics_calls_total{service="payments", span_kind="SPAN_KIND_SERVER"}[1m]))'
    );
    expect(promErrorRatio(q)).toBe(
      'sum by (service) (rate(traces_spanmetrics_calls_total{service="payments", span_kind="SPAN_KIND_SERVER", status_code="STATUS_CODE_ERROR"}[1m]))' +
        ' / sum by (service) (rate(traces_spanmetrics_calls_total{service="payments", span_kind="SPAN_KIND_SERVER"}[1m]))'
    );
    expect(promLatencyQuantile({ ...q, scope: ALL_SERVICES, quantile: 0.95 })).toBe(
      'histogram_quantile(0.95, sum by (service, le) ' +
        '(rate(traces_spanmetrics_latency_bucket{span_kind="SPAN_KIND_SERVER"}[1m])))'
    );
  });

  it("restricts a service's RED to the spans that serve its requests: server and consumer spans", () => {
    expect(promRequestRate({ scope, rangeSeconds: 60, by: ['service'], spanKind: REQUEST_SPAN_KINDS })).toBe(
      'sum by (service) (rate(traces_spanmetrics_calls_total{service="payments", span_kind=~"SPAN_KIND_SERVER|SPAN_KIND_CONSUMER"}[1m]))'
    );
    expect(() => promRequestRate({ scope, rangeSeconds: 60, spanKind: [] })).toThrow(/span kinds list is empty/);
  });

  it("computes the request rate from the services' own HTTP server metrics, under either service label", () => {
    const count = 'http_server_request_duration_seconds_count';
    expect(promSdkRequestRate({ scope, rangeSeconds: 300, metrics: [{ count, serviceLabel: 'service_name' }] })).toBe(
      `sum by (service) (label_replace(rate(${count}{service_name="payments"}[5m]), "service", "$1", "service_name", "(.*)"))`
    );
    expect(
      promSdkRequestRate({ scope: ALL_SERVICES, rangeSeconds: 60, metrics: [{ count, serviceLabel: 'job' }] })
    ).toBe(`sum by (service) (label_replace(rate(${count}[1m]), "service", "$1", "job", "(.*)"))`);
    expect(() =>
      promSdkRequestRate({ scope, rangeSeconds: 60, metrics: [{ count: 'up or vector(1)', serviceLabel: 'job' }] })
    ).toThrow(QueryBuildError);
    expect(() => promSdkRequestRate({ scope, rangeSeconds: 60, metrics: [] })).toThrow(QueryBuildError);
  });

  it('takes each service from the first SDK count that has it when services export under different names', () => {
    const metrics = [
      { count: 'http_server_request_duration_seconds_count', serviceLabel: 'service_name' },
      { count: 'http_server_request_duration_count', serviceLabel: 'service_name' },
    ] as const;
    expect(promSdkRequestRate({ scope, rangeSeconds: 300, metrics })).toBe(
      'sum by (service) (label_replace(rate(http_server_request_duration_seconds_count{service_name="payments"}[5m]), ' +
        '"service", "$1", "service_name", "(.*)")) or ' +
        'sum by (service) (label_replace(rate(http_server_request_duration_count{service_name="payments"}[5m]), ' +
        '"service", "$1", "service_name", "(.*)"))'
    );
  });

  it.each(HOSTILE)('keeps each of several span kinds a literal, even %j from untyped callers', (hostile) => {
    const build = (kind: string) =>
      promRequestRate({ scope, rangeSeconds: 60, spanKind: ['SPAN_KIND_SERVER', kind as 'SPAN_KIND_SERVER'] });
    const shape = queryShape(build(hostile));
    expect(shape.skeleton).toBe(queryShape(build('SPAN_KIND_CONSUMER')).skeleton);
    expect(shape.literals).toEqual(['payments', `SPAN_KIND_SERVER|${escapeRegex(hostile)}`]);
  });

  it.each(HOSTILE)('keeps a span kind inside its literal, even %j from untyped callers', (hostile) => {
    const build = (spanKind: string) =>
      promRequestRate({ scope, rangeSeconds: 60, spanKind: spanKind as 'SPAN_KIND_SERVER' });
    const shape = queryShape(build(hostile));
    expect(shape.skeleton).toBe(queryShape(build('SPAN_KIND_SERVER')).skeleton);
    expect(shape.literals).toEqual(['payments', hostile]);
  });

  describe('over the OpenTelemetry spanmetrics connector', () => {
    const flavour = OTEL_SPAN_METRICS;
    const asService = (rate: string) => `label_replace(${rate}, "service", "$1", "service_name", "(.*)")`;

    it('matches service_name and renames it to service before aggregating, so results read as from Tempo', () => {
      expect(promRequestRate({ scope, rangeSeconds: 300, flavour })).toBe(
        `sum by (service, span_name) (${asService('rate(traces_span_metrics_calls_total{service_name="payments"}[5m])')})`
      );
      expect(promErrorRatio({ scope, rangeSeconds: 60, by: ['service'], flavour })).toBe(
        `sum by (service) (${asService('rate(traces_span_metrics_calls_total{service_name="payments", status_code="STATUS_CODE_ERROR"}[1m])')})` +
          ` / sum by (service) (${asService('rate(traces_span_metrics_calls_total{service_name="payments"}[1m])')})`
      );
    });

    it('answers latency in seconds from a millisecond histogram, and as it is from a seconds one', () => {
      expect(promLatencyQuantile({ scope, rangeSeconds: 60, quantile: 0.99, flavour })).toBe(
        `histogram_quantile(0.99, sum by (service, span_name, le) (${asService('rate(traces_span_metrics_duration_milliseconds_bucket{service_name="payments"}[1m])')})) * 0.001`
      );
      const seconds = { kind: 'otel', namespace: 'traces_spanmetrics', unit: 's' } as const;
      expect(promLatencyQuantile({ scope, rangeSeconds: 60, quantile: 0.99, by: ['service'], flavour: seconds })).toBe(
        `histogram_quantile(0.99, sum by (service, le) (${asService('rate(traces_spanmetrics_duration_seconds_bucket{service_name="payments"}[1m])')}))`
      );
    });

    it('refuses a namespace that is not a metric-name prefix instead of writing it into the query', () => {
      const flavourOf = (namespace: string) => ({ kind: 'otel', namespace, unit: 'ms' }) as const;
      expect(() => promRequestRate({ scope, rangeSeconds: 60, flavour: flavourOf('a{b="c"} or x') })).toThrow(
        QueryBuildError
      );
      expect(() => promRequestRate({ scope, rangeSeconds: 60, flavour: flavourOf('traces.span.metrics') })).toThrow(
        /label name|identifier/
      );
    });

    it.each([['undefined'], ['null'], ['NULL'], [undefined], [null]])(
      'refuses the namespace %p, what a missing setting prints as, instead of querying undefined_calls_total',
      (namespace) => {
        const flavour = { kind: 'otel', namespace: namespace as string, unit: 'ms' } as const;
        expect(() => promRequestRate({ scope, rangeSeconds: 60, flavour })).toThrow(/missing value, not a namespace/);
      }
    );
  });

  it('covers service-graph edges where the scope is the caller or the callee', () => {
    expect(promServiceGraphRate({ scope, rangeSeconds: 300 })).toBe(
      'sum by (client, server) (rate(traces_service_graph_request_total{client="payments"}[5m]))' +
        ' or sum by (client, server) (rate(traces_service_graph_request_total{server="payments"}[5m]))'
    );
  });

  it('refuses fractional ranges and unknown quantiles', () => {
    expect(() => promRequestRate({ scope, rangeSeconds: 1.5 })).toThrow(QueryBuildError);
    expect(() => promLatencyQuantile({ scope, rangeSeconds: 60, quantile: 0.42 as 0.5 })).toThrow(QueryBuildError);
  });
});

describe('trace counts for goal-bounded spikes', () => {
  it('counts root spans of one service (traces it started) as the growth of their counters since the spike started, to the millisecond', () => {
    const calls = 'traces_spanmetrics_calls_total{service="payments", jaeger_sampler_type!=""}';
    expect(promRootSpansSince({ scope: scopeOf(['payments']), elapsedMs: 754_250 })).toBe(
      `sum(${calls}) - (sum(${calls} offset 754250ms) or vector(0))`
    );
  });

  it("narrows to one operation and reads the connector's service_name label", () => {
    const calls =
      'traces_span_metrics_calls_total{service_name="payments", span_name="POST /charge", jaeger_sampler_type!=""}';
    expect(
      promRootSpansSince({
        scope: scopeOf(['payments']),
        spanName: 'POST /charge',
        elapsedMs: 3_600_000,
        flavour: OTEL_SPAN_METRICS,
      })
    ).toBe(`sum(${calls}) - (sum(${calls} offset 3600000ms) or vector(0))`);
  });

  it('keeps a hostile operation name inside its literals', () => {
    const benign = queryShape(promRootSpansSince({ scope: scopeOf(['a']), spanName: 'op', elapsedMs: 60_000 }));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (op) => {
        const shape = queryShape(promRootSpansSince({ scope: scopeOf(['a']), spanName: op, elapsedMs: 60_000 }));
        expect(shape.skeleton).toBe(benign.skeleton);
        expect(shape.literals[1]).toBe(op);
        expect(shape.literals[4]).toBe(op);
      }),
      { numRuns: 300 }
    );
  });

  it('refuses a fractional or empty time since the start', () => {
    expect(() => promRootSpansSince({ scope: scopeOf(['a']), elapsedMs: 0 })).toThrow(QueryBuildError);
    expect(() => promRootSpansSince({ scope: scopeOf(['a']), elapsedMs: 2.5 })).toThrow(QueryBuildError);
  });
});

describe('LogQL builder', () => {
  it('selects the scoped streams and filters lines by trace id', () => {
    expect(logqlTraceLogs({ scope: scopeOf(['payments', 'fraud']), traceId: TRACE_ID.toUpperCase() })).toBe(
      `{service_name=~"^(payments|fraud)$"} |= "${TRACE_ID}"`
    );
  });

  it('adds the span id and uses structured metadata when asked', () => {
    expect(
      logqlTraceLogs({
        scope: scopeOf(['payments']),
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        idField: { label: 'trace_id' },
        serviceLabel: 'service',
      })
    ).toBe(`{service="payments"} | trace_id = "${TRACE_ID}" | span_id = "${SPAN_ID}"`);
  });

  it('uses a non-empty matcher for all services, which Loki requires', () => {
    expect(logqlTraceLogs({ scope: ALL_SERVICES, traceId: TRACE_ID, spanId: SPAN_ID })).toBe(
      `{service_name=~".+"} |= "${TRACE_ID}" |= "${SPAN_ID}"`
    );
  });

  it('refuses ids that are not hex and label names that are not identifiers', () => {
    expect(() => logqlTraceLogs({ scope: ALL_SERVICES, traceId: '" or 1=1' })).toThrow(/trace id/);
    expect(() => logqlTraceLogs({ scope: ALL_SERVICES, traceId: TRACE_ID, spanId: 'xyz' })).toThrow(/span id/);
    expect(() => logqlTraceLogs({ scope: ALL_SERVICES, traceId: TRACE_ID, serviceLabel: 'a"}' })).toThrow(/label name/);
  });
});

/** The decoded literal that carries the service must match exactly the service names given. */
function expectLiteralSelectsOnly(literal: string | undefined, names: readonly string[]): void {
  expect(literal).toBeDefined();
  const value = literal ?? '';
  if (names.length === 1 && value === names[0]) {
    return;
  }
  const re = new RegExp(value, 'u');
  for (const name of names) {
    expect(re.test(name)).toBe(true);
  }
  expect(re.test(`${names[0]}x`)).toBe(false);
  expect(re.test(`x${names[0]}`)).toBe(false);
}

describe.each(SCOPED_BUILDERS)('%s with hostile service names', (_name, build) => {
  const benign = queryShape(build(scopeOf(['svc'])));
  const benignPair = queryShape(build(scopeOf(['svc', 'other'])));

  it.each(HOSTILE)('keeps the query structure for %j', (hostile) => {
    const single = queryShape(build(scopeOf([hostile])));
    expect(single.skeleton).toBe(benign.skeleton);
    expect(single.literals).toHaveLength(benign.literals.length);
    expectLiteralSelectsOnly(single.literals[benign.literals.indexOf('svc')], [hostile]);

    const pair = queryShape(build(scopeOf([hostile, 'other'])));
    expect(pair.skeleton).toBe(benignPair.skeleton);
    const regexIndex = benignPair.literals.indexOf('^(svc|other)$');
    expectLiteralSelectsOnly(pair.literals[regexIndex], [hostile, 'other']);
  });

  it('keeps the query structure for any service name (property)', () => {
    const serviceName = fc
      .oneof(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'binary', minLength: 1 }))
      .filter((n) => !/[\uD800-\uDFFF]/.test(n.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '')));
    fc.assert(
      fc.property(serviceName, (name) => {
        expect(queryShape(build(scopeOf([name]))).skeleton).toBe(benign.skeleton);
        const pair = queryShape(build(scopeOf([name, 'other'])));
        expect(pair.skeleton).toBe(benignPair.skeleton);
        expectLiteralSelectsOnly(pair.literals[benignPair.literals.indexOf('^(svc|other)$')], [name, 'other']);
      }),
      { numRuns: 300 }
    );
  });
});

it('matches glob wildcards only where the glob has them', () => {
  const { literals } = queryShape(
    promRequestRate({ scope: ownershipScope(['pay.ments-*', 'a(b)?']), rangeSeconds: 60 })
  );
  const re = new RegExp(literals[0] ?? '', 'u');
  expect(['pay.ments-eu', 'pay.ments-', 'a(b)c'].map((n) => re.test(n))).toEqual([true, true, true]);
  expect(['payXments-eu', 'a(b)', 'ab)c'].map((n) => re.test(n))).toEqual([false, false, false]);
});

it('refuses a name with an unpaired surrogate instead of querying a different service', () => {
  expect(() => traceqlSearch({ scope: scopeOf(['bad\uD800name']) })).toThrow(/surrogate/);
});
