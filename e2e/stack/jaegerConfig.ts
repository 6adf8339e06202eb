/**
 * Configurations for a throw-away Jaeger v2 next to the stack's: the analysis fixtures' recorder
 * (scripts/record-jaeger-fixtures.ts) and the sampling benchmark (bench/controller.bench.ts). Each is the smallest
 * one Jaeger accepts — traces from one OTLP/HTTP receiver into memory storage, Jaeger's own telemetry quiet — plus
 * the parts the caller asks for. The stack itself runs deploy/jaeger/config.yaml (see jaeger.ts), which this does
 * not replace: it stores in Badger and takes every address from the environment.
 */
import { stringify } from 'yaml';

export interface ThrowAwayJaegerOptions {
  /** OTLP/HTTP receiver's port on 127.0.0.1. */
  readonly otlpHttpPort: number;
  /** The query API (`/api/v3/…`, the UI's `/api/…`). */
  readonly query?: { readonly httpPort: number; readonly grpcPort: number };
  /** The spanmetrics connector, exported for Prometheus on this port (flushed every second). */
  readonly spanMetricsPort?: number;
  /** The `remote_sampling` extension serving a strategies file. */
  readonly remoteSampling?: {
    readonly strategiesFile: string;
    readonly httpPort: number;
    readonly grpcPort: number;
    /** Jaeger's servers answer `Connection: close` unless this is on. */
    readonly keepAlive: boolean;
  };
}

const STORAGE = 'memstore';
const at = (port: number) => `127.0.0.1:${port}`;

/** The YAML for `jaeger --config <file>`. */
export function throwAwayJaegerConfig(options: ThrowAwayJaegerOptions): string {
  const { query, spanMetricsPort, remoteSampling } = options;
  const extensions: Record<string, unknown> = {
    jaeger_storage: { backends: { [STORAGE]: { memory: { max_traces: 1000 } } } },
  };
  if (query) {
    extensions.jaeger_query = {
      storage: { traces: STORAGE },
      enable_tracing: false,
      http: { endpoint: at(query.httpPort) },
      grpc: { endpoint: at(query.grpcPort) },
    };
  }
  if (remoteSampling) {
    extensions.remote_sampling = {
      file: { path: remoteSampling.strategiesFile },
      http: { endpoint: at(remoteSampling.httpPort), keep_alives_enabled: remoteSampling.keepAlive },
      grpc: { endpoint: at(remoteSampling.grpcPort) },
    };
  }
  const traceExporters = ['jaeger_storage_exporter', ...(spanMetricsPort === undefined ? [] : ['spanmetrics'])];
  return stringify({
    service: {
      extensions: Object.keys(extensions),
      pipelines: {
        traces: { receivers: ['otlp'], exporters: traceExporters },
        ...(spanMetricsPort === undefined
          ? {}
          : { 'metrics/spanmetrics': { receivers: ['spanmetrics'], exporters: ['prometheus'] } }),
      },
      telemetry: { metrics: { level: 'none' }, logs: { level: 'warn' } },
    },
    extensions,
    receivers: { otlp: { protocols: { http: { endpoint: at(options.otlpHttpPort) } } } },
    ...(spanMetricsPort === undefined ? {} : { connectors: { spanmetrics: { metrics_flush_interval: '1s' } } }),
    exporters: {
      jaeger_storage_exporter: { trace_storage: STORAGE },
      ...(spanMetricsPort === undefined ? {} : { prometheus: { endpoint: at(spanMetricsPort) } }),
    },
  });
}
