/**
 * Data clients for Tempo, Jaeger, Prometheus and Loki with an injectable fetch-like transport and base
 * URL, so the same code runs through Grafana's data source proxy and directly against the
 * services in tests, and their HTTP core (`createHttp`) for other JSON APIs the app calls (the
 * sampling controller). Every failure is a `DataSourceError`.
 */
export {
  DataSourceError,
  type AnswerSource,
  type DataSourceKind,
  type DataSourceErrorKind,
  type DataSourceErrorDetails,
} from './errors';
export {
  type Transport,
  type TransportRequest,
  type TransportResponse,
  type BodyForm,
  type ClientOptions,
  type RequestOptions,
  type DataSourceHttp,
  createHttp,
} from './http';
export {
  type TempoClient,
  type TempoClientOptions,
  type TempoSearch,
  type TempoSearchResult,
  type TempoTraceSummary,
  type TempoMatchedSpan,
  type TempoTrace,
  TempoTraceShapeError,
  type TempoTraceAnswer,
  createTempoClient,
  readTempoTraceAnswer,
} from './tempo';
export {
  type JaegerClient,
  type JaegerClientOptions,
  type JaegerApi,
  type JaegerSearch,
  type JaegerTrace,
  type JaegerSearchAnswer,
  createJaegerClient,
  groupByTrace,
  readJaegerSearchAnswer,
} from './jaeger';
export {
  type PrometheusClient,
  type PromInstantResult,
  type PromRangeResult,
  type PromVectorSample,
  type PromMatrixSeries,
  type SampleValue,
  createPrometheusClient,
} from './prometheus';
export {
  type LokiClient,
  type LokiQueryRange,
  type LokiStream,
  type LokiLogLine,
  createLokiClient,
  logLines,
} from './loki';
