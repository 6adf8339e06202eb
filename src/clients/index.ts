/**
 * Data clients for Tempo, Jaeger, Prometheus and Loki with an injectable fetch-like transport and base
 * URL, so the same code runs through Grafana's data source proxy and directly against the
 * services in tests, and their HTTP core (`createHttp`) for other JSON APIs the app calls (the
 * sampling controller). Every failure is a `DataSourceError`.
 */
export { type Transport, type TransportResponse, type BodyForm, createHttp } from './http';
export { type TempoClient, type TempoTraceAnswer, createTempoClient, readTempoTraceAnswer } from './tempo';
export {
  type JaegerClient,
  type JaegerSearch,
  type JaegerTrace,
  type JaegerSearchAnswer,
  createJaegerClient,
  readJaegerSearchAnswer,
} from './jaeger';
export {
  type PrometheusClient,
  type PromRangeResult,
  type PromMatrixSeries,
  createPrometheusClient,
} from './prometheus';
export { type LokiClient, type LokiStream, createLokiClient, logLines } from './loki';
