package main

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/contrib/samplers/jaegerremote"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	otelprometheus "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// telemetry is what the JS demo services have (demo/telemetry.ts), the Go way: the Jaeger remote sampler polling
// the sampling controller, wrapped in ParentBased so only the service that starts a trace decides (it marks the
// root spans it samples with jaeger.sampler.type and jaeger.sampler.param by itself), and OTLP/HTTP export; and
// the HTTP server metrics otelhttp records (http.server.request.duration, never sampled), for Prometheus to scrape
// from registry with service_name on every series. The providers are not registered globally; the handler and the
// spans use them explicitly.
type telemetry struct {
	provider *sdktrace.TracerProvider
	sampler  *jaegerremote.Sampler
	meters   *sdkmetric.MeterProvider
	registry *prometheus.Registry
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
	registry := prometheus.NewRegistry()
	reader, err := otelprometheus.New(
		otelprometheus.WithRegisterer(registry),
		otelprometheus.WithResourceAsConstantLabels(attribute.NewAllowKeysFilter("service.name")),
	)
	if err != nil {
		return nil, err
	}
	meters := sdkmetric.NewMeterProvider(sdkmetric.WithResource(res), sdkmetric.WithReader(reader))
	return &telemetry{provider: provider, sampler: sampler, meters: meters, registry: registry}, nil
}

// shutdown exports what is buffered, then stops the sampler's polling.
func (t *telemetry) shutdown(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := errors.Join(t.provider.Shutdown(ctx), t.meters.Shutdown(ctx))
	t.sampler.Close()
	return err
}
