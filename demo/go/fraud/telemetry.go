package main

import (
	"context"
	"time"

	"go.opentelemetry.io/contrib/samplers/jaegerremote"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// telemetry is what the JS demo services have (demo/telemetry.ts), the Go way: the Jaeger remote sampler polling
// the sampling controller, wrapped in ParentBased so only the service that starts a trace decides, and OTLP/HTTP
// export. The provider is not registered globally; the handler and the spans use it explicitly.
type telemetry struct {
	provider *sdktrace.TracerProvider
	sampler  *jaegerremote.Sampler
}

func startTelemetry(ctx context.Context, service string, c config) (*telemetry, error) {
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(c.otlpEndpoint+"/v1/traces"))
	if err != nil {
		return nil, err
	}
	sampler := jaegerremote.New(
		service,
		jaegerremote.WithSamplingServerURL(c.samplingEndpoint+"/sampling"),
		jaegerremote.WithSamplingRefreshInterval(c.samplingPoll),
		jaegerremote.WithInitialSampler(sdktrace.TraceIDRatioBased(c.samplingInitialRate)),
	)
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", service),
		attribute.String("service.namespace", "tracingops-demo"),
	))
	if err != nil {
		return nil, err
	}
	provider := sdktrace.NewTracerProvider(
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sampler)),
		sdktrace.WithBatcher(exporter),
	)
	return &telemetry{provider: provider, sampler: sampler}, nil
}

// shutdown exports what is buffered, then stops the sampler's polling.
func (t *telemetry) shutdown(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := t.provider.Shutdown(ctx)
	t.sampler.Close()
	return err
}
