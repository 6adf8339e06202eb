/**
 * One OpenTelemetry tracer provider per demo service (its own `service.name`, sampler and exporter),
 * so several services can share a process and still look like separate services in Tempo. Nothing is
 * registered globally: spans are parented through explicit contexts, which keeps in-process tests and
 * the multi-service process free of shared state.
 */
import { type Context, type Span, type SpanOptions, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JaegerRemoteSampler } from '@opentelemetry/sampler-jaeger-remote';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

import type { ServiceName } from './faults';
import { RootSamplingAttributes } from './rootSamplingAttributes';
import { type ServerMetrics, startServerMetrics } from './serverMetrics';

/** W3C `traceparent`/`tracestate` propagation between the services, over real HTTP. */
export const traceContext = new W3CTraceContextPropagator();

/** What a service exports to and how it samples; tests pass an in-memory exporter and AlwaysOn. */
export interface TelemetrySetup {
  sampler: Sampler;
  spanProcessors: SpanProcessor[];
}
export type TelemetryFactory = (service: ServiceName) => TelemetrySetup;

export interface ServiceTelemetry {
  readonly tracer: Tracer;
  /** The service's HTTP server metrics, never sampled. */
  readonly metrics: ServerMetrics;
  /** Exports what is buffered and stops the providers. */
  shutdown(): Promise<void>;
}

export function startTelemetry(service: ServiceName, setup: TelemetrySetup): ServiceTelemetry {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: service, 'service.namespace': 'tracingops-demo' });
  const provider = new NodeTracerProvider({
    resource,
    sampler: setup.sampler,
    spanProcessors: setup.spanProcessors,
  });
  const metrics = startServerMetrics(resource);
  return {
    tracer: provider.getTracer('tracingops-demo'),
    metrics,
    shutdown: async () => {
      await Promise.all([provider.shutdown(), metrics.shutdown()]);
    },
  };
}

export interface RemoteSamplingOptions {
  /** The sampling controller's base URL; the sampler polls `{endpoint}/sampling?service=NAME`. */
  endpoint: string;
  pollMs: number;
  /** Used until the first successful poll. */
  initialRate: number;
}

/**
 * The production set-up: the Jaeger remote sampler asking the controller, and OTLP/HTTP export.
 * The sampler wraps its strategies in ParentBased, so only the service that starts a trace decides; the root
 * spans it samples are marked with the rate, as the Go sampler marks them.
 */
export function remoteTelemetry(sampling: RemoteSamplingOptions, otlpEndpoint: string): TelemetryFactory {
  return (service) => ({
    sampler: new RootSamplingAttributes(
      new JaegerRemoteSampler({
        endpoint: sampling.endpoint,
        serviceName: service,
        poolingInterval: sampling.pollMs,
        initialSampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(sampling.initialRate) }),
      })
    ),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpEndpoint}/v1/traces` }))],
  });
}

/**
 * Runs `work` in a new child span of `parent` and ends it; a thrown error marks the span failed and
 * propagates. `work` gets the span and the context to parent further spans on.
 */
export async function inSpan<T>(
  tracer: Tracer,
  name: string,
  parent: Context,
  options: SpanOptions,
  work: (span: Span, ctx: Context) => Promise<T>
): Promise<T> {
  const span = tracer.startSpan(name, options, parent);
  try {
    return await work(span, trace.setSpan(parent, span));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

export function failSpan(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
