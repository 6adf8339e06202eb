// Command fraud is the demo's fraud service in Go: the same API, faults and environment as the JS one
// (demo/services/fraud.ts), instrumented the way most of this product's users instrument services — net/http with
// otelhttp, OTLP/HTTP export, and the Go Jaeger remote sampler polling the sampling controller — so that a sampling
// spike is shown to reach a Go service. The real-stack tests (e2e/stack) run it in place of the JS fraud.
//
//	FRAUD_PORT=8084 SAMPLING_ENDPOINT=http://127.0.0.1:8088 go run ./demo/go/fraud
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

const service = "fraud"

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("service", service)
	if err := run(logger); err != nil {
		logger.Error(err.Error())
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	c, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	f, err := newFaults(service, c.faults)
	if err != nil {
		return fmt.Errorf("DEMO_FAULTS: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	t, err := startTelemetry(ctx, service, c)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(c.host, strconv.Itoa(c.port)))
	if err != nil {
		return err
	}
	server := &http.Server{Handler: newHandler(t, f, c), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	logger.Info(fmt.Sprintf("%s listening on http://%s", service, listener.Addr()), "faults", f.snapshot())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("stopping on signal")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Warn("shutdown: " + err.Error())
	}
	return t.shutdown(5 * time.Second)
}
