/**
 * Test helper: every query builder that takes a scope, each in both span-metrics flavours where it has them, with
 * the service under test as its scope — the list the scope and escaping tests go through, so a new builder is
 * checked by adding it here.
 */
import {
  OTEL_SPAN_METRICS,
  type Scope,
  type SpanMetricsFlavour,
  TEMPO_SPAN_METRICS,
  logqlTraceLogs,
  promErrorRatio,
  promLatencyBaseline,
  promLatencyQuantile,
  promRequestRate,
  promRootSpansSince,
  promSdkRequestRate,
  promServiceGraphRate,
  traceqlBaseline,
  traceqlCandidates,
  traceqlErrorsBelow,
  traceqlSearch,
} from './index';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

type Builder = [name: string, build: (scope: Scope) => string];

const FLAVOURS: ReadonlyArray<[string, SpanMetricsFlavour]> = [
  ['Tempo metrics-generator', TEMPO_SPAN_METRICS],
  ['OpenTelemetry connector', OTEL_SPAN_METRICS],
];

const spanMetricsBuilders = (label: string, flavour: SpanMetricsFlavour): Builder[] => [
  [`promRequestRate (${label})`, (scope) => promRequestRate({ scope, rangeSeconds: 300, flavour })],
  [`promErrorRatio (${label})`, (scope) => promErrorRatio({ scope, rangeSeconds: 300, flavour })],
  [
    `promLatencyQuantile (${label})`,
    (scope) => promLatencyQuantile({ scope, rangeSeconds: 300, quantile: 0.95, flavour }),
  ],
  [
    `promLatencyBaseline (${label})`,
    (scope) => promLatencyBaseline({ scope, lookbackSeconds: 86400, windowSeconds: 300, stepSeconds: 60, flavour }),
  ],
  [
    `promRootSpansSince (${label})`,
    (scope) => promRootSpansSince({ scope, elapsedMs: 600_000, spanName: 'GET /x', flavour }),
  ],
];

export const SCOPED_BUILDERS: readonly Builder[] = [
  ['traceqlSearch', (scope) => traceqlSearch({ scope, status: 'error', spanName: 'GET /x' })],
  ['traceqlCandidates', (scope) => traceqlCandidates(scope, 100)],
  [
    'traceqlCandidates with a filter',
    (scope) => traceqlCandidates(scope, 100, [{ scope: 'resource', key: 'cloud.region', value: 'eu-west' }]),
  ],
  ['traceqlBaseline', (scope) => traceqlBaseline(scope, 100)],
  ['traceqlErrorsBelow', (scope) => traceqlErrorsBelow(scope)],
  ...FLAVOURS.flatMap(([label, flavour]) => spanMetricsBuilders(label, flavour)),
  ['promServiceGraphRate', (scope) => promServiceGraphRate({ scope, rangeSeconds: 300 })],
  [
    'promSdkRequestRate',
    (scope) =>
      promSdkRequestRate({
        scope,
        rangeSeconds: 300,
        metrics: [
          { count: 'http_server_request_duration_seconds_count', serviceLabel: 'service_name' },
          { count: 'http_server_request_duration_count', serviceLabel: 'job' },
        ],
      }),
  ],
  ['logqlTraceLogs', (scope) => logqlTraceLogs({ scope, traceId: TRACE_ID })],
];
