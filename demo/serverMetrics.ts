/**
 * The HTTP server metrics a well-instrumented service emits: `http.server.request.duration` (OpenTelemetry's stable
 * semantic convention), recorded for every request a route serves — sampled or not, so its count is the request
 * rate that span metrics cannot give under head sampling — and served for Prometheus to scrape at `GET /metrics` on
 * the service's own port, with `service_name` on every series.
 */
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The semantic convention's advised boundaries, in seconds. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export interface ServerMetrics {
  /** One request a route served: its method, route, status and duration in seconds. */
  record(method: string, route: string, status: number, seconds: number): void;
  /** Answers a Prometheus scrape. */
  scrape(req: IncomingMessage, res: ServerResponse): void;
  shutdown(): Promise<void>;
}

export function startServerMetrics(resource: Resource): ServerMetrics {
  // The service's own HTTP server answers the scrape: no port of its own, and nothing to start.
  const exporter = new PrometheusExporter({ preventServerStart: true, withResourceConstantLabels: /^service\.name$/ });
  const provider = new MeterProvider({ resource, readers: [exporter] });
  const duration = provider.getMeter('tracingops-demo').createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
    description: 'Duration of HTTP server requests.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  return {
    record(method, route, status, seconds) {
      duration.record(seconds, {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_HTTP_ROUTE]: route,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
        // The convention's error.type for a server error: the status code.
        ...(status >= 500 ? { [ATTR_ERROR_TYPE]: String(status) } : {}),
      });
    },
    scrape: (req, res) => exporter.getMetricsRequestHandler(req, res),
    shutdown: () => provider.shutdown(),
  };
}
